-- The latest school census, one row per pupil, with the pupil's residence district (empty when
-- unknown or outside the county): the facts of the census and absence KPIs.
select
    census.upn_pseudo,
    residence.residence_lad_code as district_code,
    census.sex,
    {{ age_band(age_in_years('census.date_of_birth')) }} as age_band,
    census.primary_need,
    census.sen_provision,
    census.sen_status,
    case when census.is_fsm_eligible then 'Y' when not census.is_fsm_eligible then 'N' end as fsm,
    census.sessions_possible,
    census.sessions_missed,
    coalesce(census.suspensions, 0) as suspensions
from {{ ref('stg_council__school_census') }} as census
{{ record_person('school_census', 'census', 'left') }}
left join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
