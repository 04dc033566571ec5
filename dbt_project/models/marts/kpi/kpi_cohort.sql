-- SEND cohort KPIs, as at the reporting date, from mart_send_cohort (COUNTY and DISTRICT by residence).
--   cohort_size                 numerator: cohort persons (by highest SEN status)   denominator: none
--   ra_flag_coverage            numerator: cohort persons with the Reasonable Adjustment flag (active,
--                               consent RACONSENT); by IMPAIRMENT / ADJUSTMENT_CATEGORY (labels from the
--                               code list seeds): those whose counting flags record it
--                               denominator: cohort persons (every breakdown value: the whole cohort)
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
        person_id,
        residence_district_code as district_code,
        sen_status,
        has_reasonable_adjustment_flag,
        reasonable_adjustment_impairments,
        reasonable_adjustment_categories,
        has_gp_registration
    from {{ ref('mart_send_cohort') }}
),

-- Each cohort person once (no impairment or category: TOTAL, SEN_STATUS), and once per impairment
-- and per adjustment category of the code lists, counting when their flags record it. A person's
-- flags can record several, so numerators and denominators count distinct persons and a breakdown's
-- values do not add up to the TOTAL.
ra_coverage as (
    select
        person_id,
        district_code,
        sen_status,
        has_reasonable_adjustment_flag as counts,
        cast(null as {{ dbt.type_string() }}) as impairment,
        cast(null as {{ dbt.type_string() }}) as adjustment_category
    from cohort
    union all
    select
        cohort.person_id,
        cohort.district_code,
        cohort.sen_status,
        coalesce({{ list_contains('cohort.reasonable_adjustment_impairments', 'codes.code') }}, false),
        codes.display,
        null
    from cohort
    cross join {{ ref('ra_impairment_codes') }} as codes
    union all
    select
        cohort.person_id,
        cohort.district_code,
        cohort.sen_status,
        coalesce({{ list_contains('cohort.reasonable_adjustment_categories', 'codes.code') }}, false),
        null,
        codes.display
    from cohort
    cross join {{ ref('ra_adjustment_categories') }} as codes
),

ehcp_holders as (
    select * from cohort
    where sen_status = 'EHCP'
)

{{ kpi_rows('cohort_size', 'cohort', numerator='count(*)', sources=sources) }}
union all
{{ kpi_rows('ra_flag_coverage', 'ra_coverage',
            numerator='count(distinct case when counts then person_id end)', denominator='count(distinct person_id)',
            sources=sources) }}
union all
{{ kpi_rows('cohort_health_linkage_rate', 'ehcp_holders',
            numerator='sum(case when has_gp_registration then 1 else 0 end)', denominator='count(*)',
            sources=sources) }}
