-- School census attendance and suspension KPIs, as at the reporting date (sessions and suspensions
-- for the year to date), by SEN status (EHCP / SEN_SUPPORT / NONE from sen_provision E / K / N).
-- COUNTY counts every pupil; DISTRICT by the pupil's residence. Pupils with no possible sessions
-- are left out of the absence KPIs.
--   absence_rate        numerator: sessions missed                      denominator: sessions possible
--   persistent_absence  numerator: pupils missing >= 10% of sessions    denominator: pupils
--   severe_absence      numerator: pupils missing >= 50% of sessions    denominator: pupils
--   suspension_rate     numerator: suspensions                          denominator: pupils (per 100)
{%- set sources = ['stg_council__school_census'] + residence_sources() %}

with pupils as (
    select
        residence.residence_lad_code as district_code,
        census.sen_status,
        census.sessions_possible,
        census.sessions_missed,
        coalesce(census.suspensions, 0) as suspensions
    from {{ ref('stg_council__school_census') }} as census
    {{ record_person('school_census', 'census', 'left') }}
    left join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
),

pupils_with_sessions as (
    select * from pupils
    where sessions_possible > 0 and sessions_missed is not null
)

{{ kpi_rows('absence_rate', 'pupils_with_sessions',
            numerator='sum(sessions_missed)', denominator='sum(sessions_possible)', sources=sources) }}
union all
{{ kpi_rows('persistent_absence', 'pupils_with_sessions',
            numerator='sum(case when sessions_missed * 10 >= sessions_possible then 1 else 0 end)',
            denominator='count(*)', sources=sources) }}
union all
{{ kpi_rows('severe_absence', 'pupils_with_sessions',
            numerator='sum(case when sessions_missed * 2 >= sessions_possible then 1 else 0 end)',
            denominator='count(*)', sources=sources) }}
union all
{{ kpi_rows('suspension_rate', 'pupils',
            numerator='sum(suspensions)', denominator='count(*)', sources=sources) }}
