-- EHC plans in the current caseload file, one row per plan.
with caseload as (
    {{ current_file_rows('council', 'ehcp_caseload') }}
)

select
    la_child_id_pseudo,
    nhs_number_pseudo,
    upn_pseudo,
    date_of_birth,
    sex,
    ethnicity as ethnicity_code,
    {{ ethnicity_group('ethnicity') }} as ethnicity_group,
    postcode_pseudo,
    lsoa_code,
    ehcp_start_date,
    ehcp_end_date,
    ehcp_status,
    cease_reason,
    primary_need,
    secondary_need,
    placement_type,
    placement_urn,
    social_care_status,
    _row_number,
    _source_extract
from caseload
