-- One row per GP registration: the person, the practice and its sub-ICB (practice -> sub-ICB via
-- gp_practices), with the registration's own residence LSOA. No date of birth: it stays in clean and
-- staging (docs/architecture.md).
select
    person.person_id,
    gp.nhs_number_pseudo,
    gp.practice_code,
    practices.sub_icb_code,
    gp.lsoa_code
from {{ ref('stg_icb__gp_registered_population') }} as gp
left join {{ ref('stg_icb__gp_practices') }} as practices on practices.practice_code = gp.practice_code
{{ record_person('gp_registration', 'gp', 'left') }}
