-- The current ONS LSOA (2021) -> district -> sub-ICB lookup, one row per LSOA.
with lookup as (
    {{ current_file_rows('icb', 'lsoa_lookup') }}
)

select
    lsoa_code,
    lsoa_name,
    lad_code,
    lad_name,
    sub_icb_code,
    sub_icb_name,
    _source_extract
from lookup
