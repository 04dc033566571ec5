-- CAMHS and autism assessment referrals (MPFT), one row per referral.
with referrals as (
    {{ current_file_rows('mpft', 'camhs_referrals') }}
)

select
    referral_id,
    'MPFT' as provider,
    nhs_number_pseudo,
    date_of_birth,
    referral_date,
    service_line,
    sub_icb_code,
    first_contact_date,
    second_contact_date,
    treatment_start_date,
    closed_date,
    _row_number,
    _source_extract
from referrals
