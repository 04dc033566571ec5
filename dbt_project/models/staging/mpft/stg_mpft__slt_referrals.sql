-- Children's speech and language therapy referrals (MPFT, county-wide), one row per referral.
with referrals as (
    {{ current_file_rows('mpft', 'slt_referrals') }}
)

select
    referral_id,
    'MPFT' as provider,
    nhs_number_pseudo,
    date_of_birth,
    referral_date,
    referral_source,
    sub_icb_code,
    first_assessment_date,
    discharge_date,
    _row_number,
    _source_extract
from referrals
