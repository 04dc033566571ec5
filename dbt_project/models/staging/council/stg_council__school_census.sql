-- Pupils on roll at the current school census, one row per pupil.
with census as (
    {{ current_file_rows('council', 'school_census') }}
)

select
    upn_pseudo,
    la_child_id_pseudo,
    census_date,
    school_urn,
    school_type,
    year_group,
    {{ year_group_number('year_group') }} as year_group_number,
    date_of_birth,
    sex,
    ethnicity as ethnicity_code,
    {{ ethnicity_group('ethnicity') }} as ethnicity_group,
    postcode_pseudo,
    lsoa_code,
    sen_provision,
    {{ sen_provision_status('sen_provision') }} as sen_status,
    primary_need,
    {{ yes_no('fsm_eligible') }} as is_fsm_eligible,
    sessions_possible,
    sessions_missed,
    suspensions,
    {{ yes_no('permanent_exclusion') }} as is_permanently_excluded,
    _row_number,
    _source_extract
from census
