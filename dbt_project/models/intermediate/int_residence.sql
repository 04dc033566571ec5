-- One row per person: residence LSOA and district from the first source that has a known LSOA
-- (EHC caseload, school census, GP registration, early years; the latest record within a source),
-- and whether the person counts as a county resident: residence in one of the eight districts, or
-- no known residence but a council record (the council serves county residents).
with links as (
    select identifier, person_id, has_council_record from {{ ref('int_person_links') }}
),

candidates as (
    select links.person_id, caseload.lsoa_code, 1 as source_rank, 'ehcp_caseload' as residence_source,
           caseload.ehcp_start_date as observed_on
    from {{ ref('stg_council__ehcp_caseload') }} as caseload
    inner join links on links.identifier = {{ person_identifier(la_child_id='caseload.la_child_id_pseudo') }}
    union all
    select links.person_id, census.lsoa_code, 2, 'school_census', census.census_date
    from {{ ref('stg_council__school_census') }} as census
    inner join links
        on links.identifier = {{ person_identifier(la_child_id='census.la_child_id_pseudo', upn='census.upn_pseudo') }}
    union all
    select links.person_id, gp.lsoa_code, 3, 'gp_registration', gp.registration_date
    from {{ ref('stg_icb__gp_registered_population') }} as gp
    inner join links on links.identifier = {{ person_identifier(nhs_number='gp.nhs_number_pseudo') }}
    union all
    select links.person_id, early_years.lsoa_code, 4, 'early_years', early_years.term_start_date
    from {{ ref('stg_council__early_years_entitlements') }} as early_years
    inner join links
        on links.identifier = {{ person_identifier(la_child_id='early_years.la_child_id_pseudo', child_id='early_years.child_id_pseudo') }}
),

ranked as (
    select
        candidates.person_id,
        candidates.lsoa_code,
        lookup.lad_code,
        candidates.residence_source,
        row_number() over (
            partition by candidates.person_id
            order by candidates.source_rank, candidates.observed_on desc nulls last, candidates.lsoa_code
        ) as preference
    from candidates
    inner join {{ ref('stg_icb__lsoa_lookup') }} as lookup on lookup.lsoa_code = candidates.lsoa_code
),

people as (
    select person_id, max(case when has_council_record then 1 else 0 end) as has_council_record
    from links
    group by person_id
)

select
    people.person_id,
    ranked.lsoa_code,
    ranked.lad_code as residence_lad_code,
    ranked.residence_source,
    case
        when ranked.lad_code is not null
            then ranked.lad_code in (
                select geography_code from {{ ref('geographies') }} where geography_level = 'DISTRICT')
        else people.has_council_record = 1
    end as is_county_resident
from people
left join ranked on ranked.person_id = people.person_id and ranked.preference = 1
