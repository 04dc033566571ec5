-- CAMHS KPIs, both trusts (MPFT South, NSCHT North), by the referral's sub-ICB: COUNTY = the five
-- county sub-ICBs, SUB_ICB = all six, DISTRICT apportioned through sub_icb_district_crosswalk
-- (counts and percentages only: medians are not published by district). Facts: int_kpi_facts__camhs_*.
--   camhs_referrals                  numerator: referrals received in period (12 months)   denominator: none
--   camhs_median_wait_first_contact  value: median days referral -> first contact, first contacts in period
--                                    denominator: first contacts in period
--   camhs_median_wait_still_waiting  value: median days waited so far, referrals open at the reporting
--                                    date with no first contact; denominator: those referrals
--   camhs_treatment_18_weeks         numerator: treatment starts in period within 126 days of referral
--                                    denominator: treatment starts in period
{%- set sources = ['stg_mpft__camhs_referrals', 'stg_nscht__camhs_referrals', 'stg_icb__gp_registered_population',
                   'stg_icb__gp_practices', 'stg_icb__lsoa_lookup'] %}

{{ kpi_rows('camhs_referrals', ref('int_kpi_facts__camhs_referrals'), where=in_period('referral_date'),
            numerator='count(*)', sources=sources) }}
union all
{{ kpi_rows('camhs_median_wait_first_contact', ref('int_kpi_facts__camhs_first_contacts'), median='days_waited',
            sources=sources) }}
union all
{{ kpi_rows('camhs_median_wait_still_waiting', ref('int_kpi_facts__camhs_still_waiting'), median='days_waited',
            sources=sources) }}
union all
{{ kpi_rows('camhs_treatment_18_weeks', ref('int_kpi_facts__camhs_treatment_starts'),
            numerator='sum(case when days_waited <= 126 then 1 else 0 end)', denominator='count(*)', sources=sources) }}
