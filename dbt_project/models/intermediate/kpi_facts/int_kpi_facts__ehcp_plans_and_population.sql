-- The numerator and denominator of ehcp_rate_0_25 as one fact: a row per active plan of a holder
-- aged 0-25 (is_plan 1) and per GP-registered county resident aged 0-25 (is_registered 1).
with registered_residents as (
    select
        residence.residence_lad_code as district_code,
        gp.sex,
        {{ age_band(age_in_years('gp.date_of_birth')) }} as age_band
    from {{ ref('stg_icb__gp_registered_population') }} as gp
    {{ record_person('gp_registration', 'gp') }}
    inner join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
    where
        residence.is_county_resident
        and {{ age_in_years('gp.date_of_birth') }} between 0 and 25
)

select
    district_code,
    sex,
    age_band,
    1 as is_plan,
    0 as is_registered
from {{ ref('int_kpi_facts__ehcp_plans') }}
where age between 0 and 25
union all
select
    district_code,
    sex,
    age_band,
    0,
    1
from registered_residents
