-- Each cohort person once (no impairment or category: TOTAL, SEN_STATUS), and once per impairment
-- and per adjustment category of the code lists, counting when their flags record it. A person's
-- flags can record several, so numerators and denominators count distinct persons and a breakdown's
-- values do not add up to the TOTAL.
with cohort as (
    select * from {{ ref('int_kpi_facts__cohort_persons') }}
)

select
    person_id,
    district_code,
    sen_status,
    has_reasonable_adjustment_flag as counts,
    cast(null as {{ dbt.type_string() }}) as impairment,
    cast(null as {{ dbt.type_string() }}) as adjustment_category
from cohort
union all
select
    cohort.person_id,
    cohort.district_code,
    cohort.sen_status,
    coalesce({{ list_contains('cohort.reasonable_adjustment_impairments', 'codes.code') }}, false),
    codes.display,
    null
from cohort
cross join {{ ref('ra_impairment_codes') }} as codes
union all
select
    cohort.person_id,
    cohort.district_code,
    cohort.sen_status,
    coalesce({{ list_contains('cohort.reasonable_adjustment_categories', 'codes.code') }}, false),
    null,
    codes.display
from cohort
cross join {{ ref('ra_adjustment_categories') }} as codes
