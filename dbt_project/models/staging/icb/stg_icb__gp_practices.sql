-- ICB GP practices in the current reference file, one row per practice.
with practices as (
    {{ current_file_rows('icb', 'gp_practices') }}
)

select
    practice_code,
    practice_name,
    sub_icb_code,
    lsoa_code,
    _source_extract
from practices
