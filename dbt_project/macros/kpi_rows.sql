{#- The reporting date's rows of every KPI family (models/intermediate/kpi_rows/): what kpi_values
    publishes and kpi_history keeps for every month. Every family's rows come from kpi_rows, so they
    have the kpi_values columns in the order kpi_published_columns makes them (kpi_values' contract,
    schema.yml, checks them at every build). The one list of the families: dbt records a model's refs
    when it parses it, before the graph of models exists. -#}
{% macro kpi_family_rows() -%}
{%- set families = ['ehcp', 'census', 'absence', 'ehcna', 'post16', 'eapdr', 'early_years', 'slt', 'camhs',
                    'health_checks', 'cohort'] %}
{%- for family in families %}
select * from {{ ref('int_kpi_rows__' ~ family) }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- endmacro %}

{#- The staging models a person's residence can come from (int_residence). -#}
{% macro residence_sources() -%}
    {{ return(['stg_icb__lsoa_lookup', 'stg_council__school_census',
               'stg_icb__gp_registered_population', 'stg_council__early_years_entitlements']) }}
{%- endmacro %}

{#- The SEN2 modules and the establishments file a named plan and its description come from (int_sen2_plans). -#}
{% macro sen2_plan_sources() -%}
    {{ return(['stg_council__sen2_person', 'stg_council__sen2_requests', 'stg_council__sen2_assessment',
               'stg_council__sen2_namedplan', 'stg_council__sen2_activeplans', 'stg_council__sen2_senneed',
               'stg_council__sen2_placementdetail', 'stg_council__establishments']) }}
{%- endmacro %}

{#-
  kpi_rows: one KPI's published rows (the kpi_values columns) from a fact model, one row per
  person or event (models/intermediate/kpi_facts/). The KPI's unit, breakdowns, geography and
  period are its entry in kpis/registry.yml (macro kpi_registry(), generated); an id the registry
  lacks, or a value outside its vocabularies, is a compile error (kpi_definition).

    kpi_id           the KPI id
    fact             the fact relation, ref('int_kpi_facts__...')
    numerator        aggregate SQL over the fact rows, e.g. "count(*)", "sum(sessions_missed)"
    denominator      aggregate SQL, or none for counts
    median           (unit days) the column whose median is the value; the denominator is the
                     number of values behind it and the numerator is empty
    share            true: the denominator is the total over the breakdown's last dimension
                     (within the first dimension for a cross-tabulation such as SEX|PRIMARY_NEED)
    where            a condition on the fact rows: the KPI counts only those meeting it, e.g.
                     "sen_status = 'EHCP'"; none counts every row
    sources          staging models whose current files fed the KPI (source_extracts)

  The steps, one macro each: kpi_geography_facts places each fact row in the geographies it counts
  in; kpi_cells aggregates them per geography and breakdown value (adding apportioned districts);
  kpi_filled_grid gives every geography of the levels every breakdown value seen anywhere in the
  KPI's fact rows, zero-filled, so published tables have the same cells everywhere; kpi_published_columns
  turns the cells into the kpi_values columns.
-#}
{% macro kpi_rows(kpi_id, fact, numerator=none, denominator=none, median=none, share=false, where=none,
                  sources=[]) -%}
{%- set kpi = kpi_definition(kpi_id) -%}
select *
from (
    with kpi_geographies as (
        select geography_level, geography_code, geography_name, in_county
        from {{ ref('geographies') }}
    ),
    {{ kpi_geography_facts(fact, kpi, where) }},
    {{ kpi_cells(kpi, numerator, denominator, median) }},
    {{ kpi_filled_grid(kpi, denominator, share) }},
    kpi_sources as (
        select {{ ordered_string_agg('_source_extract', "'; '") }} as source_extracts
        from (
            {%- for source_model in sources %}
            select distinct _source_extract from {{ ref(source_model) }}
            {% if not loop.last %}union{% endif %}
            {%- endfor %}
        ) as used_files
    )
    {{ kpi_published_columns(kpi_id, kpi) }}
) as {{ kpi_id }}_rows
{%- endmacro %}

{#- kpi_definition: the registry entry of kpi_id (unit, breakdowns, geography, period) with the
    levels it is published at (a median has no apportioned DISTRICT), whether DISTRICT is
    apportioned from SUB_ICB, and the rate scale. An id the registry lacks, or a unit, geography
    or period outside its vocabularies, is a compile error. -#}
{% macro kpi_definition(kpi_id) -%}
{%- set registry, vocabulary = kpi_registry(), kpi_vocabulary() -%}
{%- if kpi_id not in registry -%}
    {{ exceptions.raise_compiler_error("kpi_rows: KPI '" ~ kpi_id ~ "' is not in kpis/registry.yml") }}
{%- endif -%}
{%- set kpi = registry[kpi_id] -%}
{%- for field, allowed in [('unit', vocabulary['units']), ('geography', vocabulary['levels']),
                           ('period', vocabulary['periods'])] if kpi[field] not in allowed -%}
    {{ exceptions.raise_compiler_error("kpi_rows: KPI '" ~ kpi_id ~ "' has an unknown " ~ field ~ " '" ~ kpi[field] ~ "'") }}
{%- endfor -%}
{%- set levels = vocabulary['levels'][kpi['geography']] -%}
{%- if kpi['geography'] == 'sub_icb' and kpi['unit'] == 'days' -%}
    {%- set levels = levels | reject('equalto', 'DISTRICT') | list -%}
{%- endif -%}
{{ return(dict(kpi, levels=levels, apportioned=kpi['geography'] == 'sub_icb' and 'DISTRICT' in levels,
               scale=vocabulary['units'][kpi['unit']])) }}
{%- endmacro %}

{#- kpi_geography_facts: CTEs kpi_fact_rows (the fact rows meeting `where`) and kpi_fact (each of
    them once per geography it counts in, as geography_level, geography_code). Geography
    'residence': COUNTY = every row, DISTRICT = district_code; 'county': COUNTY only; 'sub_icb':
    COUNTY = sub_icb_code in the five county sub-ICBs, SUB_ICB = all six. Reads kpi_geographies. -#}
{% macro kpi_geography_facts(fact, kpi, where) -%}
kpi_fact_rows as (
        select * from {{ fact }}
        {%- if where %}
        where {{ where }}
        {%- endif %}
    ),
    kpi_fact as (
        {%- if kpi['geography'] == 'sub_icb' %}
        select county.geography_level, county.geography_code, fact_rows.*
        from kpi_fact_rows as fact_rows
        cross join kpi_geographies as county
        where county.geography_level = 'COUNTY'
          and fact_rows.sub_icb_code in (
              select geography_code from kpi_geographies where geography_level = 'SUB_ICB' and in_county)
        union all
        select 'SUB_ICB' as geography_level, fact_rows.sub_icb_code as geography_code, fact_rows.*
        from kpi_fact_rows as fact_rows
        where fact_rows.sub_icb_code in (
              select geography_code from kpi_geographies where geography_level = 'SUB_ICB')
        {%- else %}
        select county.geography_level, county.geography_code, fact_rows.*
        from kpi_fact_rows as fact_rows
        cross join kpi_geographies as county
        where county.geography_level = 'COUNTY'
        {%- if kpi['geography'] == 'residence' %}
        union all
        select 'DISTRICT' as geography_level, fact_rows.district_code as geography_code, fact_rows.*
        from kpi_fact_rows as fact_rows
        where fact_rows.district_code in (
              select geography_code from kpi_geographies where geography_level = 'DISTRICT')
        {%- endif %}
        {%- endif %}
    )
{%- endmacro %}

{#- kpi_cells: CTEs kpi_cells (per geography of kpi_fact, breakdown and breakdown value: numerator,
    denominator, median_value) and kpi_all_cells (those and, for an apportioned KPI, their DISTRICT
    apportionment). A TOTAL row is always added; a breakdown reads the fact column of the same name
    in lower case (SEX -> sex; a cross-tabulation SEX|PRIMARY_NEED two), and rows where it is null
    are left out of that breakdown. -#}
{% macro kpi_cells(kpi, numerator, denominator, median) -%}
{%- set number = double_type() -%}
kpi_cells as (
        {%- for breakdown in ['TOTAL'] + kpi['breakdowns'] %}
        {%- set dimensions = [] if breakdown == 'TOTAL' else breakdown.lower().split('|') %}
        select
            geography_level,
            geography_code,
            '{{ breakdown }}' as breakdown,
            {% if dimensions | length == 0 %}'TOTAL'{% else %}{{ dbt.cast(dimensions[0], dbt.type_string()) }}{% endif %} as dimension_1,
            {% if dimensions | length == 2 %}{{ dbt.cast(dimensions[1], dbt.type_string()) }}{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as dimension_2,
            {%- if kpi['unit'] == 'days' %}
            cast(null as {{ number }}) as numerator,
            cast(count({{ median }}) as {{ number }}) as denominator,
            cast(percentile_cont(0.5) within group (order by {{ median }}) as {{ number }}) as median_value
            {%- else %}
            cast({{ numerator }} as {{ number }}) as numerator,
            cast({{ denominator or 'null' }} as {{ number }}) as denominator,
            cast(null as {{ number }}) as median_value
            {%- endif %}
        from kpi_fact
        {%- if dimensions %}
        where {{ dimensions | join(' is not null and ') }} is not null
        {%- endif %}
        group by geography_level, geography_code{% for dimension in dimensions %}, {{ dimension }}{% endfor %}
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ),
    {%- if kpi['apportioned'] %}
    kpi_apportioned as (
        {{ apportion_to_districts('kpi_cells') }}
    ),
    {%- endif %}
    kpi_all_cells as (
        select * from kpi_cells
        {%- if kpi['apportioned'] %}
        union all
        select * from kpi_apportioned
        {%- endif %}
    )
{%- endmacro %}

{#- kpi_filled_grid: CTEs kpi_breakdown_values (every breakdown value in kpi_cells, and TOTAL) and
    kpi_filled (every geography of the KPI's levels x every breakdown value, with its cell of
    kpi_all_cells or zeros: counts and denominators 0, a median's numerator and value empty). With
    share, the denominator is the sum of the numerators over the breakdown's last dimension. -#}
{% macro kpi_filled_grid(kpi, denominator, share) -%}
kpi_breakdown_values as (
        select breakdown, dimension_1, dimension_2 from kpi_cells
        union
        select 'TOTAL', 'TOTAL', cast(null as {{ dbt.type_string() }})
    ),
    kpi_filled as (
        select
            grid.geography_level,
            grid.geography_code,
            grid.geography_name,
            grid.breakdown,
            grid.dimension_1,
            grid.dimension_2,
            {%- if kpi['unit'] == 'days' %}
            cells.numerator,
            coalesce(cells.denominator, 0) as denominator,
            {%- else %}
            coalesce(cells.numerator, 0) as numerator,
            {%- if share %}
            sum(coalesce(cells.numerator, 0)) over (
                partition by grid.geography_level, grid.geography_code, grid.breakdown,
                             case when grid.dimension_2 is null then null else grid.dimension_1 end
            ) as denominator,
            {%- elif denominator %}
            coalesce(cells.denominator, 0) as denominator,
            {%- else %}
            cells.denominator,
            {%- endif %}
            {%- endif %}
            cells.median_value
        from (
            select geographies.geography_level, geographies.geography_code, geographies.geography_name,
                   breakdown_values.breakdown, breakdown_values.dimension_1, breakdown_values.dimension_2
            from kpi_geographies as geographies
            cross join kpi_breakdown_values as breakdown_values
            where geographies.geography_level in ('{{ kpi['levels'] | join("', '") }}')
        ) as grid
        left join kpi_all_cells as cells
            on cells.geography_level = grid.geography_level
           and cells.geography_code = grid.geography_code
           and cells.breakdown = grid.breakdown
           and cells.dimension_1 = grid.dimension_1
           and cells.dimension_2 is not distinct from grid.dimension_2
    )
{%- endmacro %}

{#- kpi_published_columns: the select of the kpi_values columns from kpi_filled and kpi_sources:
    the KPI's period (flow: the 12 months ending on the reporting date; stock: as at it), the
    breakdown value (dimensions joined by |), the value (a count's numerator, a median, or scale x
    numerator / denominator), the method (APPORTIONED districts) and the status. -#}
{% macro kpi_published_columns(kpi_id, kpi) -%}
select
        '{{ kpi_id }}' as kpi_id,
        {{ reporting_date() }} as reporting_date,
        {{ period_start() if kpi['period'] == 'flow' else reporting_date() }} as period_start,
        {{ reporting_date() }} as period_end,
        filled.geography_level,
        filled.geography_code,
        filled.geography_name,
        filled.breakdown,
        case when filled.dimension_2 is null then filled.dimension_1
             else filled.dimension_1 || '|' || filled.dimension_2 end as breakdown_value,
        filled.numerator,
        filled.denominator,
        {%- if kpi['unit'] == 'count' %}
        {%- set value = 'filled.numerator' %}
        {%- elif kpi['unit'] == 'days' %}
        {%- set value = 'filled.median_value' %}
        {%- else %}
        {%- set value = kpi['scale'] ~ ' * filled.numerator / nullif(filled.denominator, 0)' %}
        {%- endif %}
        {{ value }} as value,
        '{{ kpi['unit'] }}' as unit,
        {%- if kpi['apportioned'] %}
        case when filled.geography_level = 'DISTRICT' then 'APPORTIONED' else 'DIRECT' end as method,
        {%- else %}
        'DIRECT' as method,
        {%- endif %}
        false as suppressed,
        case when filled.denominator = 0 then 'not_applicable'
             when {{ value }} is null then 'not_available'
             else 'available' end as status,
        {{ refreshed_at() }} as refreshed_at,
        kpi_sources.source_extracts
    from kpi_filled as filled
    cross join kpi_sources
{%- endmacro %}

{#- True when a figure changed between two runs of a month: one is null and the other not, or they
    differ by more than floating-point noise (apportioned figures are sums of fractions, whose
    order of addition is not fixed). -#}
{% macro figure_changed(new, old) -%}
    coalesce(abs({{ new }} - {{ old }}) > 1e-9 * (1 + abs({{ old }})), {{ new }} is not null or {{ old }} is not null)
{%- endmacro %}
