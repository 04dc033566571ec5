-- SEN2 return, module 2 requests for an EHC needs assessment: the current delivery's accepted rows;
-- yes/no items as booleans.
with requests as (
    {{ current_file_rows('council', 'sen2_requests') }}
)

select
    requeststableid,
    persontableid_pseudo,
    receiveddate,
    requestsource,
    {{ yes_no('rya') }} as rya,
    requestoutcomedate,
    requestoutcome,
    {{ yes_no('requestmediation') }} as requestmediation,
    {{ yes_no('requesttribunal') }} as requesttribunal,
    exported,
    _row_number,
    _source_extract
from requests
