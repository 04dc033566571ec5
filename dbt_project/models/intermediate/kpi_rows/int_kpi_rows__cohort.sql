-- SEND cohort KPIs, as at the reporting date, from mart_send_cohort (COUNTY and DISTRICT by residence).
-- Facts: int_kpi_facts__cohort_persons, int_kpi_facts__cohort_ra_coverage.
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
{%- set cohort = ref('int_kpi_facts__cohort_persons') %}

{{ kpi_rows('cohort_size', cohort, numerator='count(*)', sources=sources) }}
union all
{{ kpi_rows('ra_flag_coverage', ref('int_kpi_facts__cohort_ra_coverage'),
            numerator='count(distinct case when counts then person_id end)', denominator='count(distinct person_id)',
            sources=sources) }}
union all
{{ kpi_rows('cohort_health_linkage_rate', cohort, where="sen_status = 'EHCP'",
            numerator='sum(case when has_gp_registration then 1 else 0 end)', denominator='count(*)',
            sources=sources) }}
