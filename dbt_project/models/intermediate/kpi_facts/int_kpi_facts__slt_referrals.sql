-- Speech and language therapy referrals (MPFT) in the current file, one row per referral, by the
-- referral's sub-ICB.
select
    referral_id,
    provider,
    sub_icb_code,
    referral_date,
    first_assessment_date,
    discharge_date
from {{ ref('stg_mpft__slt_referrals') }}
