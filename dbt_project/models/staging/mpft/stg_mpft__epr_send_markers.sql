-- Patients marked as having SEND in MPFT's record, one row per marker.
with markers as (
    {{ current_file_rows('mpft', 'epr_send_markers') }}
)

select
    nhs_number_pseudo,
    'MPFT' as provider,
    marker_date,
    marker_source,
    _row_number,
    _source_extract
from markers
