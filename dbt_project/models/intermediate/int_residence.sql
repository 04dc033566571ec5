-- One row per person: residence LSOA and district from the first source (by int_person_records'
-- source_rank: school census, GP registration, early years) that has a known LSOA,
-- the latest record within a source, and whether the person counts as a county resident:
-- residence in one of the eight districts, or no known residence but a council record (the
-- council serves county residents).
with links as (
    select
        person_id,
        has_council_record
    from {{ ref('int_person_links') }}
),

-- the sources that record residence are the ranked ones with an LSOA (int_person_records)
candidates as (
    select
        person_id,
        lsoa_code,
        source_rank,
        source as residence_source,
        observed_on
    from {{ ref('int_person_records') }}
    where source_rank is not null and lsoa_code is not null
),

ranked as (
    select
        candidates.person_id,
        candidates.lsoa_code,
        lookup.lad_code,
        candidates.residence_source,
        row_number() over (
            partition by candidates.person_id
            order by candidates.source_rank asc, candidates.observed_on desc nulls last, candidates.lsoa_code asc
        ) as preference
    from candidates
    inner join {{ ref('stg_icb__lsoa_lookup') }} as lookup on lookup.lsoa_code = candidates.lsoa_code
),

people as (
    select
        person_id,
        max(case when has_council_record then 1 else 0 end) as has_council_record
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
                select geography_code from {{ ref('geographies') }}
                where geography_level = 'DISTRICT'
            )
        else people.has_council_record = 1
    end as is_county_resident
from people
left join ranked on ranked.person_id = people.person_id and ranked.preference = 1
