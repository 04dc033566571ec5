-- The SEND cohort at the reporting date, one row per person, with their residence district.
select
    person_id,
    residence_district_code as district_code,
    sen_status,
    has_reasonable_adjustment_flag,
    reasonable_adjustment_impairments,
    reasonable_adjustment_categories,
    has_gp_registration
from {{ ref('mart_send_cohort') }}
