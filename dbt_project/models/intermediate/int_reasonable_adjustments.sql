-- One row per person with the Reasonable Adjustment flag at the reporting date (national-formats.md
-- v2): a flag record counts when it is active with consent RACONSENT. Per flag_id the latest record
-- across MPFT and NSCHT decides (latest review, else recording date), so a later dissent or
-- revocation withdraws the flag; entered-in-error records are ignored. RADISSENT and RAREVOKED
-- records are never linked to a person (int_person_records holds RACONSENT records only).
-- With the impairment codes and adjustment categories of the person's counting flags, |-separated.
with flag_records as (
    {% for partner in partners_sending('reasonable_adjustment_flags') %}
        {%- if not loop.first %}
            union all
        {% endif -%}
        select
            '{{ partner }}_reasonable_adjustment_flags' as person_source,
            _row_number,
            flag_id,
            provider,
            flag_status,
            consent,
            recorded_date,
            last_reviewed_date,
            impairments,
            adjustment_categories
        from {{ ref('stg_' ~ partner ~ '__reasonable_adjustment_flags') }}
    {%- endfor %}
),

latest as (
    select
        flag_records.*,
        row_number() over (
            partition by flag_records.flag_id
            order by
                coalesce(flag_records.last_reviewed_date, flag_records.recorded_date) desc,
                flag_records.recorded_date desc,
                flag_records.provider asc
        ) as recency
    from flag_records
    where
        flag_records.flag_status <> 'entered-in-error'
        and flag_records.recorded_date <= {{ reporting_date() }}
),

counting_flags as (
    select
        person.person_id,
        latest.impairments,
        latest.adjustment_categories
    from latest
    -- record_person's join, the source taken from the record (two trusts' flags); it admits
    -- RACONSENT records only
    inner join {{ ref('int_person_records') }} as person
        on person.source = latest.person_source and person.record_number = latest._row_number
    where
        latest.recency = 1
        and latest.flag_status = 'active'
),

impairments as (
    select distinct
        flags.person_id,
        codes.code
    from counting_flags as flags
    inner join {{ ref('ra_impairment_codes') }} as codes on {{ list_contains('flags.impairments', 'codes.code') }}
),

categories as (
    select distinct
        flags.person_id,
        codes.code
    from counting_flags as flags
    inner join {{ ref('ra_adjustment_categories') }} as codes
        on {{ list_contains('flags.adjustment_categories', 'codes.code') }}
),

impairment_lists as (
    select
        person_id, {{ ordered_string_agg('code', "'|'") }} as impairment_codes
    from impairments
    group by person_id
),

category_lists as (
    select
        person_id, {{ ordered_string_agg('code', "'|'") }} as adjustment_categories
    from categories
    group by person_id
),

people as (
    select
        person_id,
        count(*) as active_flags
    from counting_flags
    group by person_id
)

select
    people.person_id,
    people.active_flags,
    impairment_lists.impairment_codes,
    category_lists.adjustment_categories
from people
left join impairment_lists on impairment_lists.person_id = people.person_id
left join category_lists on category_lists.person_id = people.person_id
