-- Early years KPIs for the latest term in the current file, county residents (COUNTY and DISTRICT).
-- Facts: int_kpi_facts__early_years_funded_children.
--   early_years_send_marker_pct  numerator: funded children with a SEND marker
--                                denominator: funded children (by entitlement as SERVICE_LINE)
{{ kpi_rows('early_years_send_marker_pct', ref('int_kpi_facts__early_years_funded_children'),
            numerator='count(distinct case when has_send_marker then child_id_pseudo end)',
            denominator='count(distinct child_id_pseudo)',
            sources=['stg_council__early_years_entitlements'] + residence_sources()) }}
