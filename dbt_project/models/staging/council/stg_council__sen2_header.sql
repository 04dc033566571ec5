-- SEN2 return, module 0 header (one row per delivery): the current delivery's accepted rows.
with header as (
    {{ current_file_rows('council', 'sen2_header') }}
)

select
    collection,
    year,
    referencedate,
    lea,
    softwarecode,
    release,
    serialno,
    datetime,
    dmo,
    dco,
    _row_number,
    _source_extract
from header
