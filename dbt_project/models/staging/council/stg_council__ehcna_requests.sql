-- EHC needs assessment requests in the current file, one row per request.
with requests as (
    {{ current_file_rows('council', 'ehcna_requests') }}
)

select
    request_id,
    la_child_id_pseudo,
    request_date,
    requester,
    decision_to_assess,
    decision_date,
    assessment_outcome,
    assessment_outcome_date,
    final_plan_issued_date,
    {{ yes_no('exception_applies') }} as exception_applies,
    {{ yes_no('mediation') }} as went_to_mediation,
    {{ yes_no('tribunal_appeal') }} as went_to_tribunal,
    _row_number,
    _source_extract
from requests
