-- Reasonable Adjustment Digital Flag records (MPFT), one row per flag record.
with flags as (
    {{ current_file_rows('mpft', 'reasonable_adjustment_flags') }}
)

select
    flag_id,
    'MPFT' as provider,
    nhs_number_pseudo,
    status as flag_status,
    recorded_date,
    last_reviewed_date,
    impairments,
    adjustments,
    _row_number,
    _source_extract
from flags
