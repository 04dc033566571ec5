-- SEN2 return, module 1 person: the current delivery's accepted rows.
with person as (
    {{ current_file_rows('council', 'sen2_person') }}
)

select
    persontableid_pseudo,
    personbirthdate,
    sex,
    ethnicity,
    postcode_pseudo,
    upn_pseudo,
    uniquelearnernumber_pseudo,
    upnunknown,
    _row_number,
    _source_extract
from person
