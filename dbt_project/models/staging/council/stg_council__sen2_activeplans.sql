-- SEN2 return, module 5a active plans: the current delivery's accepted rows.
with activeplans as (
    {{ current_file_rows('council', 'sen2_activeplans') }}
)

select
    activeplanstableid,
    requeststableid,
    transferla,
    reviewmeeting,
    reviewoutcome,
    lastreview,
    reviewdraft,
    phasetransferduedate,
    phasetransferfinaldate,
    _row_number,
    _source_extract
from activeplans
