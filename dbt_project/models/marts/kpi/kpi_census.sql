-- School census SEN KPIs, as at the reporting date (latest census). COUNTY counts every pupil in
-- the census; DISTRICT rows use the pupil's residence and leave out pupils living outside the county.
--   sen_support_count       numerator: pupils with sen_provision K          denominator: none
--   sen_support_pct         numerator: pupils with K                        denominator: all pupils
--   send_prevalence_by_fsm  numerator: pupils with E or K                   denominator: all pupils (by FSM Y/N)
{%- set sources = ['stg_council__school_census'] + residence_sources() %}

with pupils as (
    select
        residence.residence_lad_code as district_code,
        census.sex,
        {{ age_band(age_in_years('census.date_of_birth')) }} as age_band,
        census.primary_need,
        census.sen_provision,
        case when census.is_fsm_eligible then 'Y' when not census.is_fsm_eligible then 'N' end as fsm
    from {{ ref('stg_council__school_census') }} as census
    {{ record_person('school_census', 'census', 'left') }}
    left join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
),

sen_support_pupils as (
    select * from pupils
    where sen_provision = 'K'
)

{{ kpi_rows('sen_support_count', 'sen_support_pupils', numerator='count(*)', sources=sources) }}
union all
{{ kpi_rows('sen_support_pct', 'pupils',
            numerator="sum(case when sen_provision = 'K' then 1 else 0 end)", denominator='count(*)',
            sources=sources) }}
union all
{{ kpi_rows('send_prevalence_by_fsm', 'pupils',
            numerator="sum(case when sen_provision in ('E', 'K') then 1 else 0 end)", denominator='count(*)',
            sources=sources) }}
