-- Reasonable Adjustment Digital Flag records (MPFT), one row per flag record, in the national
-- vocabulary (national-formats.md v2): consent purpose, recording organisation (ODS code), and
-- |-separated impairment codes, adjustment categories and SNOMED CT adjustment ids. Every record
-- is here whatever its consent; only RACONSENT records are linked to a person (int_person_records).
with flags as (
    {{ current_file_rows('mpft', 'reasonable_adjustment_flags') }}
)

select
    flag_id,
    'MPFT' as provider,
    nhs_number_pseudo,
    status as flag_status,
    consent,
    recorded_date,
    last_reviewed_date,
    recorded_by,
    impairments,
    adjustment_categories,
    adjustments,
    _row_number,
    _source_extract
from flags
