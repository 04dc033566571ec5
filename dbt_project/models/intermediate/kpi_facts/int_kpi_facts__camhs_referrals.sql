-- CAMHS referrals of both trusts (MPFT South, NSCHT North) in their current files, one row per
-- referral, by the referral's sub-ICB.
select
    referral_id,
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
    referral_id,
    provider,
    service_line,
    sub_icb_code,
    referral_date,
    first_contact_date,
    treatment_start_date,
    closed_date
from {{ ref('stg_nscht__camhs_referrals') }}
