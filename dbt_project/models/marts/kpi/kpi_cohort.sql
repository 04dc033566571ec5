-- SEND cohort KPIs, as at the reporting date, from mart_send_cohort (COUNTY and DISTRICT by residence).
--   cohort_size                 numerator: cohort persons (by highest SEN status)   denominator: none
--   ra_flag_coverage            numerator: cohort persons with an active Reasonable Adjustment flag
--                               denominator: cohort persons
--   cohort_health_linkage_rate  numerator: cohort persons with an active EHC plan linked to a GP registration
--                               denominator: cohort persons with an active EHC plan
{%- set sources = sen2_plan_sources() + ['stg_council__school_census', 'stg_council__eapdr_requests',
                   'stg_council__early_years_entitlements', 'stg_council__post16_activity',
                   'stg_icb__gp_registered_population', 'stg_icb__gp_practices',
                   'stg_icb__lsoa_lookup', 'stg_mpft__slt_referrals', 'stg_mpft__camhs_referrals',
                   'stg_mpft__reasonable_adjustment_flags', 'stg_mpft__epr_send_markers',
                   'stg_nscht__camhs_referrals', 'stg_nscht__reasonable_adjustment_flags'] %}

with cohort as (
    select
        residence_district_code as district_code,
        sen_status,
        has_reasonable_adjustment_flag,
        has_gp_registration
    from {{ ref('mart_send_cohort') }}
),

ehcp_holders as (
    select * from cohort where sen_status = 'EHCP'
)

{{ kpi_rows('cohort_size', 'count', 'cohort', numerator='count(*)',
            breakdowns=['SEN_STATUS'], sources=sources) }}
union all
{{ kpi_rows('ra_flag_coverage', 'percent', 'cohort',
            numerator='sum(case when has_reasonable_adjustment_flag then 1 else 0 end)', denominator='count(*)',
            breakdowns=['SEN_STATUS'], sources=sources) }}
union all
{{ kpi_rows('cohort_health_linkage_rate', 'percent', 'ehcp_holders',
            numerator='sum(case when has_gp_registration then 1 else 0 end)', denominator='count(*)',
            sources=sources) }}
