-- Establishments from Get Information About Schools (GIAS), the council's download: the current
-- delivery's accepted rows.
with establishments as (
    {{ current_file_rows('council', 'establishments') }}
)

select
    urn,
    la_code,
    la_name,
    establishment_number,
    establishment_name,
    type_of_establishment,
    establishment_type_group,
    establishment_status,
    phase_of_education,
    ukprn,
    postcode_pseudo,
    _row_number,
    _source_extract
from establishments
