-- Post-16 activity KPIs at the latest activity month in the current file, county residents, by
-- the careers service's SEN status (EHCP / SEN_SUPPORT / NONE). Ages at the reporting date.
--   neet_16_17                     numerator: 16-17 year olds NEET
--                                  denominator: every tracked 16-17 year old (not known included)
--   activity_not_known_16_24_ehcp  numerator: 16-24 year olds with an EHCP whose activity is not known
--                                  denominator: 16-24 year olds with an EHCP
{%- set sources = ['stg_council__post16_activity'] + residence_sources() %}

with young_people as (
    select
        residence.residence_lad_code as district_code,
        post16.sen_status,
        post16.activity,
        {{ age_in_years('post16.date_of_birth') }} as age
    from {{ ref('stg_council__post16_activity') }} as post16
    {{ record_person('post16_activity', 'post16') }}
    inner join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
    where post16.is_latest_month
      and residence.is_county_resident
),

aged_16_17 as (
    select * from young_people where age between 16 and 17
),

ehcp_16_24 as (
    select * from young_people where age between 16 and 24 and sen_status = 'EHCP'
)

{{ kpi_rows('neet_16_17', 'percent', 'aged_16_17',
            numerator="sum(case when activity = 'NEET' then 1 else 0 end)", denominator='count(*)',
            breakdowns=['SEN_STATUS'], sources=sources) }}
union all
{{ kpi_rows('activity_not_known_16_24_ehcp', 'percent', 'ehcp_16_24',
            numerator="sum(case when activity = 'NOT_KNOWN' then 1 else 0 end)", denominator='count(*)',
            sources=sources) }}
