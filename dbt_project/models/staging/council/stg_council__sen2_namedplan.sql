-- SEN2 return, module 4a named EHC plans: the current delivery's accepted rows; yes/no items as booleans.
with namedplan as (
    {{ current_file_rows('council', 'sen2_namedplan') }}
)

select
    namedplantableid,
    assessmenttableid,
    startdate,
    planres,
    planwbp,
    {{ yes_no('pb') }} as pb,
    {{ yes_no('oa') }} as oa,
    dp,
    ceasedate,
    ceasereason,
    _row_number,
    _source_extract
from namedplan
