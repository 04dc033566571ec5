-- SEN2 return, module 4b named plan placements: the current delivery's accepted rows; yes/no items as booleans.
with plandetail as (
    {{ current_file_rows('council', 'sen2_plandetail') }}
)

select
    plandetailtableid,
    namedplantableid,
    urn,
    ukprn,
    sensetting,
    sensettingother,
    placementrank,
    {{ yes_no('senunitindicator') }} as senunitindicator,
    {{ yes_no('resourcedprovisionindicator') }} as resourcedprovisionindicator,
    _row_number,
    _source_extract
from plandetail
