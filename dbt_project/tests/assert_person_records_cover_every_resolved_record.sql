{{ config(meta={'dagster': {'ref': {'name': 'int_person_records'}}}) }}
-- int_person_records holds one row per staging record that resolves to a person: as many rows
-- per source as the source's records with an identifier in int_person_links.
{%- set sources = {
    'sen2_person': ('stg_council__sen2_person', person_identifier(la_child_id='persontableid_pseudo', upn='upn_pseudo')),
    'school_census': ('stg_council__school_census', person_identifier(la_child_id='la_child_id_pseudo', upn='upn_pseudo')),
    'gp_registration': ('stg_icb__gp_registered_population', person_identifier(nhs_number='nhs_number_pseudo')),
    'mpft_epr_send_markers': ('stg_mpft__epr_send_markers', person_identifier(nhs_number='nhs_number_pseudo')),
} %}
with expected as (
    {%- for source, (model, identifier) in sources.items() %}
        select
            '{{ source }}' as source,
            count(*) as records
        from {{ ref(model) }}
        where {{ identifier }} in (select identifier from {{ ref('int_person_links') }})
        {%- if not loop.last %} union all{% endif %}
    {%- endfor %}
),

found as (
    select
        source,
        count(*) as records
    from {{ ref('int_person_records') }}
    group by source
)

select
    expected.source,
    expected.records as expected_records,
    found.records as found_records
from expected
left join found on found.source = expected.source
where coalesce(found.records, 0) <> expected.records
