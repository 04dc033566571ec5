-- EHC plan KPIs, as at the reporting date (COUNTY and DISTRICT): the SEN2 named plans the council
-- maintains (the DfE's count), at COUNTY whatever the holder's residence; at DISTRICT by the
-- holder's residence (a holder the linkage cannot place counts at COUNTY only).
-- Facts: int_kpi_facts__ehcp_plans, int_kpi_facts__ehcp_plans_and_population.
--   ehcp_count               numerator: active EHC plans
--                            denominator: none
--   ehcp_rate_0_25           numerator: active EHC plans of holders aged 0-25
--                            denominator: GP-registered county residents aged 0-25 (value per 1,000)
--   ehcp_primary_need_share  numerator: active plans with the primary need
--                            denominator: active plans (of the same sex / age band / ethnic group
--                            for the cross-tabulations)
--   ehcp_placement_share     numerator: active plans with the placement type
--                            denominator: active plans
{%- set sources = sen2_plan_sources() + residence_sources() %}
{%- set plans = ref('int_kpi_facts__ehcp_plans') %}

{{ kpi_rows('ehcp_count', plans, numerator='count(*)', sources=sources) }}
union all
{{ kpi_rows('ehcp_rate_0_25', ref('int_kpi_facts__ehcp_plans_and_population'),
            numerator='sum(is_plan)', denominator='sum(is_registered)', sources=sources) }}
union all
{{ kpi_rows('ehcp_primary_need_share', plans, numerator='count(*)', share=true, sources=sources) }}
union all
{{ kpi_rows('ehcp_placement_share', plans, numerator='count(*)', share=true, sources=sources) }}
