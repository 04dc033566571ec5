-- CAMHS and autism assessment referrals (NSCHT), one row per referral.
with referrals as (
    {{ current_file_rows('nscht', 'camhs_referrals') }}
)

select
    referral_id,
    'NSCHT' as provider,
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
