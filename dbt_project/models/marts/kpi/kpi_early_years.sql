-- Early years KPIs for the latest term in the current file, county residents (COUNTY and DISTRICT).
--   early_years_send_marker_pct  numerator: funded children with a SEND marker
--                                denominator: funded children (by entitlement as SERVICE_LINE)
{%- set sources = ['stg_council__early_years_entitlements'] + residence_sources() %}

with funded_children as (
    select
        residence.residence_lad_code as district_code,
        claims.child_id_pseudo,
        claims.entitlement as service_line,
        claims.has_send_marker
    from {{ ref('stg_council__early_years_entitlements') }} as claims
    {{ record_person('early_years', 'claims') }}
    inner join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
    where
        claims.is_latest_term
        and residence.is_county_resident
)

{{ kpi_rows('early_years_send_marker_pct', 'funded_children',
            numerator='count(distinct case when has_send_marker then child_id_pseudo end)',
            denominator='count(distinct child_id_pseudo)', sources=sources) }}
