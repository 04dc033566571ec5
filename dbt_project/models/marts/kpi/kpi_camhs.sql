-- CAMHS KPIs, both trusts (MPFT South, NSCHT North), by the referral's sub-ICB: COUNTY = the five
-- county sub-ICBs, SUB_ICB = all six, DISTRICT apportioned through sub_icb_district_crosswalk
-- (counts and percentages only: medians are not published by district).
--   camhs_referrals                  numerator: referrals received in period (12 months)   denominator: none
--   camhs_median_wait_first_contact  value: median days referral -> first contact, first contacts in period
--                                    denominator: first contacts in period
--   camhs_median_wait_still_waiting  value: median days waited so far, referrals open at the reporting
--                                    date with no first contact; denominator: those referrals
--   camhs_treatment_18_weeks         numerator: treatment starts in period within 126 days of referral
--                                    denominator: treatment starts in period
{%- set sources = ['stg_mpft__camhs_referrals', 'stg_nscht__camhs_referrals', 'stg_icb__gp_registered_population',
                   'stg_icb__gp_practices', 'stg_icb__lsoa_lookup'] %}

with referrals as (
    select
        provider,
        service_line,
        sub_icb_code,
        referral_date,
        first_contact_date,
        treatment_start_date,
        closed_date
    from {{ ref('stg_mpft__camhs_referrals') }}
    union all
    select
        provider,
        service_line,
        sub_icb_code,
        referral_date,
        first_contact_date,
        treatment_start_date,
        closed_date
    from {{ ref('stg_nscht__camhs_referrals') }}
),

referrals_received as (
    select *
    from referrals
    where {{ in_period('referral_date') }}
),

first_contacts as (
    select
        provider,
        sub_icb_code,
        {{ days_between('referral_date', 'first_contact_date') }} as days_waited  -- noqa: LT05
    from referrals
    where {{ in_period('first_contact_date') }}
),

still_waiting as (
    select
        provider,
        service_line,
        sub_icb_code,
        {{ days_between('referral_date', reporting_date()) }} as days_waited  -- noqa: LT05
    from referrals
    where
        referral_date <= {{ reporting_date() }}
        and (first_contact_date is null or first_contact_date > {{ reporting_date() }})
        and (closed_date is null or closed_date > {{ reporting_date() }})
),

treatment_starts as (
    select
        provider,
        sub_icb_code,
        {{ days_between('referral_date', 'treatment_start_date') }} as days_waited  -- noqa: LT05
    from referrals
    where {{ in_period('treatment_start_date') }}
)

{{ kpi_rows('camhs_referrals', 'referrals_received', numerator='count(*)', sources=sources) }}
union all
{{ kpi_rows('camhs_median_wait_first_contact', 'first_contacts', median='days_waited', sources=sources) }}
union all
{{ kpi_rows('camhs_median_wait_still_waiting', 'still_waiting', median='days_waited', sources=sources) }}
union all
{{ kpi_rows('camhs_treatment_18_weeks', 'treatment_starts',
            numerator='sum(case when days_waited <= 126 then 1 else 0 end)', denominator='count(*)', sources=sources) }}
