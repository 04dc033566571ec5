-- People aged 0-25 registered with an ICB practice in the current file, one row per patient.
with registrations as (
    {{ current_file_rows('icb', 'gp_registered_population') }}
)

select
    nhs_number_pseudo,
    date_of_birth,
    sex,
    postcode_pseudo,
    lsoa_code,
    practice_code,
    registration_date,
    {{ yes_no('learning_disability_register') }} as on_learning_disability_register,
    {{ yes_no('autism_diagnosis') }} as has_autism_diagnosis,
    annual_health_check_date,
    _row_number,
    _source_extract
from registrations
