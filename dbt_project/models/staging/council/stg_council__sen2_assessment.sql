-- SEN2 return, module 3 EHC needs assessments: the current delivery's accepted rows; yes/no items as booleans.
with assessment as (
    {{ current_file_rows('council', 'sen2_assessment') }}
)

select
    assessmenttableid,
    requeststableid,
    assessmentoutcome,
    assessmentoutcomedate,
    {{ yes_no('assessmentmediation') }} as assessmentmediation,
    {{ yes_no('assessmenttribunal') }} as assessmenttribunal,
    {{ yes_no('othermediation') }} as othermediation,
    {{ yes_no('othertribunal') }} as othertribunal,
    {{ yes_no('week20') }} as week20,
    _row_number,
    _source_extract
from assessment
