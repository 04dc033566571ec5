-- CAMHS referrals open at the reporting date with no first contact, one row per referral, with the
-- days waited so far.
select
    referral_id,
    provider,
    service_line,
    sub_icb_code,
    {{ days_between('referral_date', reporting_date()) }} as days_waited  -- noqa: LT05
from {{ ref('int_kpi_facts__camhs_referrals') }}
where
    referral_date <= {{ reporting_date() }}
    and (first_contact_date is null or first_contact_date > {{ reporting_date() }})
    and (closed_date is null or closed_date > {{ reporting_date() }})
