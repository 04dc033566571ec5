-- SEN2 return, module 5c SEN need of active plans: the current delivery's accepted rows.
with senneed as (
    {{ current_file_rows('council', 'sen2_senneed') }}
)

select
    senneedtableid,
    activeplanstableid,
    sentype,
    sentyperank,
    _row_number,
    _source_extract
from senneed
