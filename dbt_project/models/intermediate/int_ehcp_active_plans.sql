-- One row per person holding an active EHC plan at the reporting date (status ACTIVE, started on
-- or before it, not ended by it); the latest-starting plan if the caseload holds several.
with active_plans as (
    select
        person.person_id,
        caseload.*,
        {{ age_in_years('caseload.date_of_birth') }} as age,
        row_number() over (
            partition by person.person_id
            order by caseload.ehcp_start_date desc, caseload.primary_need
        ) as plan_order
    from {{ ref('stg_council__ehcp_caseload') }} as caseload
    {{ record_person('ehcp_caseload', 'caseload') }}
    where caseload.ehcp_status = 'ACTIVE'
      and caseload.ehcp_start_date <= {{ reporting_date() }}
      and (caseload.ehcp_end_date is null or caseload.ehcp_end_date > {{ reporting_date() }})
)

select
    person_id,
    age,
    {{ age_band('age') }} as age_band,
    sex,
    ethnicity_group,
    primary_need,
    placement_type
from active_plans
where plan_order = 1
