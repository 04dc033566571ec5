-- EAPDR requests from the SEND and Inclusion Hubs in the current file, one row per request.
with requests as (
    {{ current_file_rows('council', 'eapdr_requests') }}
)

select
    request_id,
    upn_pseudo,
    la_child_id_pseudo,
    hub_district,
    request_date,
    support_type,
    status as request_status,
    outcome,
    _row_number,
    _source_extract
from requests
