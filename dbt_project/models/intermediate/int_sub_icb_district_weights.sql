-- For each sub-ICB, the share of its 0-25 registered population (registrations with a known
-- residence LSOA) living in each destination: a district, Stoke-on-Trent (E06000021), or
-- OUTSIDE_ICB for an LSOA outside the six ICB sub-ICBs. Weights per sub-ICB sum to 1.
-- Built from the ICB's extracts alone (registrations, practices, lookup): no person linkage.
with registered as (
    select
        practices.sub_icb_code,
        case
            when
                lookup.sub_icb_code in (
                    select geography_code from {{ ref('geographies') }}
                    where geography_level = 'SUB_ICB'
                )
                then lookup.lad_code
            else 'OUTSIDE_ICB'
        end as lad_code
    from {{ ref('stg_icb__gp_registered_population') }} as registrations
    inner join {{ ref('stg_icb__gp_practices') }} as practices on practices.practice_code = registrations.practice_code
    inner join {{ ref('stg_icb__lsoa_lookup') }} as lookup on lookup.lsoa_code = registrations.lsoa_code
    where
        practices.sub_icb_code is not null
        and {{ age_in_years('registrations.date_of_birth') }} between 0 and 25
),

populations as (
    select
        sub_icb_code,
        lad_code,
        count(*) as population
    from registered
    group by sub_icb_code, lad_code
)

select
    sub_icb_code,
    lad_code,
    population,
    cast(sum(population) over (partition by sub_icb_code) as bigint) as sub_icb_population,
    cast(population as {{ double_type() }}) / sum(population) over (partition by sub_icb_code) as weight
from populations
