-- One row per person identifier (la_child_id, UPN, early-years child_id or NHS number pseudonym)
-- with the person it resolves to. Rules (kpis.md "Linkage"):
--   council records: by la_child_id; a UPN or child_id seen with exactly one la_child_id joins it
--     (census <-> SEN2 person, whose persontableid is the la_child_id, EAPDR and post-16 by UPN or la_child_id);
--   early-years children with no la_child_id: by (date of birth, sex, postcode), unique on both sides;
--   council <-> health: by NHS number where it is on exactly one council person and that person has
--     one; else by (date of birth, sex, postcode) against the GP registration, unique on both sides.
-- An ambiguous key is never linked: the identifier stays its own person and link_rule says why.
-- A Reasonable Adjustment flag without consent RACONSENT names no person (national-formats.md v2).
with council_records as (
    select
        persontableid_pseudo as la_child_id_pseudo,
        upn_pseudo,
        cast(null as {{ dbt.type_string() }}) as child_id_pseudo,
        cast(null as {{ dbt.type_string() }}) as nhs_number_pseudo,
        personbirthdate as date_of_birth,
        sex,
        postcode_pseudo
    from {{ ref('stg_council__sen2_person') }}
    union all
    select
        la_child_id_pseudo,
        upn_pseudo,
        null,
        null,
        date_of_birth,
        sex,
        postcode_pseudo
    from {{ ref('stg_council__school_census') }}
    union all
    select
        la_child_id_pseudo,
        upn_pseudo,
        null,
        null,
        null,
        null,
        null
    from {{ ref('stg_council__eapdr_requests') }}
    union all
    select
        la_child_id_pseudo,
        upn_pseudo,
        null,
        null,
        date_of_birth,
        null,
        null
    from {{ ref('stg_council__post16_activity') }}
    union all
    select
        persontableid_pseudo,
        null,
        null,
        null,
        null,
        null,
        null
    from {{ ref('stg_council__sen2_requests') }}
    union all
    select
        la_child_id_pseudo,
        null,
        child_id_pseudo,
        null,
        date_of_birth,
        sex,
        postcode_pseudo
    from {{ ref('stg_council__early_years_entitlements') }}
),

-- UPNs and child_ids with the la_child_ids they appear with
secondary_identifiers as (
    select
        identifier_type,
        identifier_pseudo,
        count(distinct la_child_id_pseudo) as la_child_ids,
        min(la_child_id_pseudo) as la_child_id_pseudo
    from (
        select
            'upn' as identifier_type,
            upn_pseudo as identifier_pseudo,
            la_child_id_pseudo
        from council_records
        where upn_pseudo is not null
        union all
        select
            'child_id',
            child_id_pseudo,
            la_child_id_pseudo
        from council_records
        where child_id_pseudo is not null
    ) as seen
    group by identifier_type, identifier_pseudo
),

keyed_records as (
    select
        records.*,
        case
            when records.la_child_id_pseudo is not null then 'la_child_id:' || records.la_child_id_pseudo
            when upn.la_child_ids = 1 then 'la_child_id:' || upn.la_child_id_pseudo
            when records.upn_pseudo is not null then 'upn:' || records.upn_pseudo
            when child.la_child_ids = 1 then 'la_child_id:' || child.la_child_id_pseudo
            when child.la_child_ids > 1 then 'child_id:' || records.child_id_pseudo
        end as council_key
    from council_records as records
    left join secondary_identifiers as upn
        on upn.identifier_type = 'upn' and upn.identifier_pseudo = records.upn_pseudo
    left join secondary_identifiers as child
        on child.identifier_type = 'child_id' and child.identifier_pseudo = records.child_id_pseudo
    where coalesce(records.la_child_id_pseudo, records.upn_pseudo, records.child_id_pseudo) is not null
),

early_years_matches as (
    {{ demographic_match(
        "select child_id_pseudo as left_id, date_of_birth, sex, postcode_pseudo
         from keyed_records where council_key is null",
        "select council_key as right_id, date_of_birth, sex, postcode_pseudo
         from keyed_records where council_key is not null") }}
),

council_person_records as (
    select
        records.*,
        coalesce(records.council_key, matches.right_id, 'child_id:' || records.child_id_pseudo) as person_key
    from keyed_records as records
    left join early_years_matches as matches
        -- one equality (null unless the record needs a match), so it is a hash join, not a nested loop
        on matches.left_id = case when records.council_key is null then records.child_id_pseudo end
),

council_nhs_numbers as (
    select distinct
        person_key,
        nhs_number_pseudo
    from council_person_records
    where nhs_number_pseudo is not null
),

-- NHS numbers on council records: linked only when one number <-> one council person
nhs_number_links as (
    select
        nhs_number_pseudo,
        min(person_key) as person_key,
        case when max(persons_with_number) = 1 and max(numbers_of_person) = 1 then 1 else 0 end as is_unique
    from (
        select
            nhs_number_pseudo,
            person_key,
            count(*) over (partition by nhs_number_pseudo) as persons_with_number,
            count(*) over (partition by person_key) as numbers_of_person
        from council_nhs_numbers
    ) as claims
    group by nhs_number_pseudo
),

-- GP registrations not claimed by an NHS number <-> council persons with no NHS number
gp_demographic_matches as (
    {{ demographic_match(
        "select nhs_number_pseudo as left_id, date_of_birth, sex, postcode_pseudo
         from " ~ ref('stg_icb__gp_registered_population') ~ "
         where nhs_number_pseudo not in (select nhs_number_pseudo from council_nhs_numbers)",
        "select person_key as right_id, date_of_birth, sex, postcode_pseudo
         from council_person_records
         where person_key not in (select person_key from council_nhs_numbers)") }}
),

health_nhs_numbers as (
    select nhs_number_pseudo from {{ ref('stg_icb__gp_registered_population') }}
    union
    select nhs_number_pseudo from {{ ref('stg_mpft__slt_referrals') }}
    union
    {%- for partner in partners_sending('camhs_referrals') %}
        select nhs_number_pseudo from {{ ref('stg_' ~ partner ~ '__camhs_referrals') }}
        union
    {%- endfor %}
    {%- for partner in partners_sending('reasonable_adjustment_flags') %}
        select nhs_number_pseudo from {{ ref('stg_' ~ partner ~ '__reasonable_adjustment_flags') }}
        where consent = 'RACONSENT'
        union
    {%- endfor %}
    select nhs_number_pseudo from {{ ref('stg_mpft__epr_send_markers') }}
    union
    select nhs_number_pseudo from council_nhs_numbers
),

identifiers as (
    select distinct
        'la_child_id' as identifier_type,
        la_child_id_pseudo as identifier_pseudo,
        person_key,
        'self' as link_rule
    from council_person_records
    where la_child_id_pseudo is not null

    union all

    select
        secondary.identifier_type,
        secondary.identifier_pseudo,
        case
            when secondary.la_child_ids = 1 then 'la_child_id:' || secondary.la_child_id_pseudo
            when secondary.identifier_type = 'child_id' and secondary.la_child_ids = 0
                then coalesce(matches.right_id, 'child_id:' || secondary.identifier_pseudo)
            else secondary.identifier_type || ':' || secondary.identifier_pseudo
        end,
        case
            when secondary.la_child_ids = 1 then 'la_child_id'
            when secondary.la_child_ids > 1 then 'la_child_id_ambiguous'
            when matches.match_status = 'matched' then 'demographic'
            when matches.match_status = 'ambiguous' then 'demographic_ambiguous'
            else 'self'
        end
    from secondary_identifiers as secondary
    left join early_years_matches as matches
        on matches.left_id = case when secondary.identifier_type = 'child_id' then secondary.identifier_pseudo end

    union all

    select
        'nhs_number',
        health.nhs_number_pseudo,
        case
            when links.is_unique = 1 then links.person_key
            when links.nhs_number_pseudo is null and matches.match_status = 'matched' then matches.right_id
            else 'nhs_number:' || health.nhs_number_pseudo
        end,
        case
            when links.is_unique = 1 then 'nhs_number'
            when links.nhs_number_pseudo is not null then 'nhs_number_ambiguous'
            when matches.match_status = 'matched' then 'demographic'
            when matches.match_status = 'ambiguous' then 'demographic_ambiguous'
            else 'self'
        end
    from health_nhs_numbers as health
    left join nhs_number_links as links on links.nhs_number_pseudo = health.nhs_number_pseudo
    left join gp_demographic_matches as matches on matches.left_id = health.nhs_number_pseudo
    where health.nhs_number_pseudo is not null
)

select
    identifier_type || ':' || identifier_pseudo as identifier,
    identifier_type,
    identifier_pseudo,
    {{ dbt.hash('person_key') }} as person_id,
    link_rule,
    person_key not like 'nhs_number:%' as has_council_record
from identifiers
