-- SLT referrals open at the reporting date with no first assessment, one row per referral, with
-- the days waited so far.
select
    referral_id,
    sub_icb_code,
    {{ days_between('referral_date', reporting_date()) }} as days_waited  -- noqa: LT05
from {{ ref('int_kpi_facts__slt_referrals') }}
where
    referral_date <= {{ reporting_date() }}
    and (first_assessment_date is null or first_assessment_date > {{ reporting_date() }})
    and (discharge_date is null or discharge_date > {{ reporting_date() }})
