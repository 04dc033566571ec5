-- GP-registered county residents aged 14-25 on the learning disability register, one row per
-- registration, with their residence district and latest annual health check.
select
    gp.nhs_number_pseudo,
    residence.residence_lad_code as district_code,
    gp.annual_health_check_date
from {{ ref('stg_icb__gp_registered_population') }} as gp
{{ record_person('gp_registration', 'gp') }}
inner join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
where
    gp.on_learning_disability_register
    and residence.is_county_resident
    and {{ age_in_years('gp.date_of_birth') }} between 14 and 25
