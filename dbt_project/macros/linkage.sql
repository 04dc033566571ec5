{#- Person linkage helpers (rules: the KPI catalogue spec kpis.md, section "Linkage"; dbt_project/README.md). -#}

{#- The identifier a record resolves its person by, in int_person_links' format
    '<identifier_type>:<pseudonym>': la_child_id first, then UPN, then early-years child_id;
    health records by NHS number. Join: int_person_links.identifier = person_identifier(...). -#}
{% macro person_identifier(la_child_id=none, upn=none, child_id=none, nhs_number=none) -%}
    {%- set parts = [] -%}
    {%- for name, column in [('la_child_id', la_child_id), ('upn', upn), ('child_id', child_id), ('nhs_number', nhs_number)] -%}
        {%- if column -%}{%- do parts.append("'" ~ name ~ ":' || " ~ column) -%}{%- endif -%}
    {%- endfor -%}
    {%- if parts | length == 1 -%}{{ parts[0] }}{%- else -%}coalesce({{ parts | join(', ') }}){%- endif -%}
{%- endmacro %}

{#- Match left ids to right ids on the demographic key (date_of_birth, sex, postcode_pseudo),
    only where the key belongs to exactly one id on each side and each id meets exactly one id
    on the other side. Inputs: SQL selecting left_id (right_id), date_of_birth, sex, postcode_pseudo.
    Returns one row per left id that met a candidate: left_id, right_id (null unless matched),
    match_status 'matched' or 'ambiguous'. Left ids meeting no candidate are unmatched. -#}
{% macro demographic_match(left_records, right_records) -%}
    {%- set demographic_key -%}
        {{ dbt.cast('date_of_birth', dbt.type_string()) }} || '|' || sex || '|' || postcode_pseudo
    {%- endset -%}
    with left_keys as (
        select distinct left_id, {{ demographic_key }} as demographic_key
        from ({{ left_records }}) as left_records
        where date_of_birth is not null and sex is not null and postcode_pseudo is not null
    ),
    right_keys as (
        select distinct right_id, {{ demographic_key }} as demographic_key
        from ({{ right_records }}) as right_records
        where date_of_birth is not null and sex is not null and postcode_pseudo is not null
    ),
    candidates as (
        select
            lk.left_id,
            rk.right_id,
            case when lk.key_ids = 1 and rk.key_ids = 1 then 1 else 0 end as key_is_unique
        from (
            select left_id, demographic_key, count(*) over (partition by demographic_key) as key_ids
            from left_keys
        ) as lk
        inner join (
            select right_id, demographic_key, count(*) over (partition by demographic_key) as key_ids
            from right_keys
        ) as rk
            on rk.demographic_key = lk.demographic_key
    ),
    pairs as (
        select
            left_id,
            right_id,
            min(key_is_unique) as key_is_unique,
            count(*) over (partition by left_id) as right_ids,
            count(*) over (partition by right_id) as left_ids
        from candidates
        group by left_id, right_id
    )
    select
        left_id,
        case when max(right_ids) = 1 and min(key_is_unique) = 1 and max(left_ids) = 1
             then min(right_id) end as right_id,
        case when max(right_ids) = 1 and min(key_is_unique) = 1 and max(left_ids) = 1
             then 'matched' else 'ambiguous' end as match_status
    from pairs
    group by left_id
{%- endmacro %}

{#- Join a staging record (alias record_alias, of int_person_records' source) to its person
    (int_person_records, alias person): person.person_id, person.age, ... ; join 'inner' or 'left'. -#}
{% macro record_person(source, record_alias, join='inner') -%}
    {{ join }} join {{ ref('int_person_records') }} as person
        on person.source = '{{ source }}' and person.record_number = {{ record_alias }}._row_number
{%- endmacro %}
