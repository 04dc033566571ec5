-- CAMHS first contacts in the 12 months ending on the reporting date, one row per referral, with
-- the days from referral to first contact.
select
    referral_id,
    provider,
    sub_icb_code,
    {{ days_between('referral_date', 'first_contact_date') }} as days_waited  -- noqa: LT05
from {{ ref('int_kpi_facts__camhs_referrals') }}
where {{ in_period('first_contact_date') }}
