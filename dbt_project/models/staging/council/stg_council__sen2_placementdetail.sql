-- SEN2 return, module 5b active plan placements: the current delivery's accepted rows; yes/no items as booleans.
with placementdetail as (
    {{ current_file_rows('council', 'sen2_placementdetail') }}
)

select
    placementdetailtableid,
    activeplanstableid,
    urn,
    ukprn,
    sensetting,
    sensettingother,
    placementrank,
    entrydate,
    leavingdate,
    {{ yes_no('senunitindicator') }} as senunitindicator,
    {{ yes_no('resourcedprovisionindicator') }} as resourcedprovisionindicator,
    res,
    wbp,
    _row_number,
    _source_extract
from placementdetail
