-- Speech and language therapy KPIs (MPFT), by the referral's sub-ICB: COUNTY = the five county
-- sub-ICBs, SUB_ICB = all six, DISTRICT apportioned through sub_icb_district_crosswalk.
-- Facts: int_kpi_facts__slt_referrals, int_kpi_facts__slt_waiting.
--   slt_referrals              numerator: referrals received in period (12 months)   denominator: none
--   slt_waiting                numerator: referrals open at the reporting date with no first assessment
--                              denominator: none
--   slt_waiting_over_18_weeks  numerator: of those waiting, waits over 126 days   denominator: those waiting
{%- set sources = ['stg_mpft__slt_referrals', 'stg_icb__gp_registered_population', 'stg_icb__gp_practices',
                   'stg_icb__lsoa_lookup'] %}
{%- set waiting = ref('int_kpi_facts__slt_waiting') %}

{{ kpi_rows('slt_referrals', ref('int_kpi_facts__slt_referrals'), where=in_period('referral_date'),
            numerator='count(*)', sources=sources) }}
union all
{{ kpi_rows('slt_waiting', waiting, numerator='count(*)', sources=sources) }}
union all
{{ kpi_rows('slt_waiting_over_18_weeks', waiting,
            numerator='sum(case when days_waited > 126 then 1 else 0 end)', denominator='count(*)', sources=sources) }}
