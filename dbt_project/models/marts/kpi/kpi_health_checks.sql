-- GP annual health check KPIs over the 12 months ending on the reporting date, county residents
-- (COUNTY and DISTRICT by residence).
--   ld_health_check_uptake  numerator: LD-register patients aged 14-25 with an annual health check in period
--                           denominator: LD-register patients aged 14-25
{%- set sources = ['stg_icb__gp_registered_population'] + residence_sources() %}

with ld_register as (
    select
        residence.residence_lad_code as district_code,
        gp.annual_health_check_date
    from {{ ref('stg_icb__gp_registered_population') }} as gp
    {{ record_person('gp_registration', 'gp') }}
    inner join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
    where
        gp.on_learning_disability_register
        and residence.is_county_resident
        and {{ age_in_years('gp.date_of_birth') }} between 14 and 25
)

{{ kpi_rows('ld_health_check_uptake', 'ld_register',
            numerator='sum(case when ' ~ in_period('annual_health_check_date') ~ ' then 1 else 0 end)',
            denominator='count(*)', sources=sources) }}
