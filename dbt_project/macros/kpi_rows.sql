{#- The columns of the published kpi_values table, in order. -#}
{% macro kpi_value_columns() -%}
    {{ return(['kpi_id', 'reporting_date', 'period_start', 'period_end', 'geography_level',
               'geography_code', 'geography_name', 'breakdown', 'breakdown_value', 'numerator',
               'denominator', 'value', 'unit', 'method', 'suppressed', 'status', 'refreshed_at',
               'source_extracts']) }}
{%- endmacro %}

{#- The reporting date's rows of every KPI family (marts/kpi/), with the kpi_values columns: what
    kpi_values publishes and kpi_history keeps for every month. -#}
{% macro kpi_family_rows() -%}
{%- set families = ['kpi_ehcp', 'kpi_census', 'kpi_absence', 'kpi_ehcna', 'kpi_post16', 'kpi_eapdr',
                    'kpi_early_years', 'kpi_slt', 'kpi_camhs', 'kpi_health_checks', 'kpi_cohort'] %}
{%- for family in families %}
select {{ kpi_value_columns() | join(', ') }} from {{ ref(family) }}
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
  kpi_rows: one KPI's published rows (the kpi_values columns) from a fact CTE of the calling
  model, one row per person or event. The KPI's unit, breakdowns, geography and period are its
  entry in kpis/registry.yml (macro kpi_registry(), generated); an id the registry lacks, or a
  value outside its vocabularies, is a compile error.

    kpi_id           the KPI id
    fact             name of the CTE holding the fact rows
    numerator        aggregate SQL over the fact rows, e.g. "count(*)", "sum(sessions_missed)"
    denominator      aggregate SQL, or none for counts
    median           (unit days) the column whose median is the value; the denominator is the
                     number of values behind it and the numerator is empty
    share            true: the denominator is the total over the breakdown's last dimension
                     (within the first dimension for a cross-tabulation such as SEX|PRIMARY_NEED)
    sources          staging models whose current files fed the KPI (source_extracts)

  From the registry: breakdowns (a TOTAL row is always added; a breakdown reads the fact column of
  the same name in lower case, SEX -> sex, and fact rows where that column is null are left out of
  it); geography 'residence' (COUNTY = every fact row, DISTRICT = fact.district_code), 'county'
  (COUNTY only) or 'sub_icb' (COUNTY = fact.sub_icb_code in the five county sub-ICBs, SUB_ICB = all
  six, DISTRICT apportioned through sub_icb_district_crosswalk, not for medians); period 'stock' (as
  at reporting_date) or 'flow' (the 12 months ending on it).

  Every geography of the levels gets a row for every breakdown value seen anywhere in the fact,
  zero-filled, so published tables have the same cells everywhere.
-#}
{% macro kpi_rows(kpi_id, fact, numerator=none, denominator=none, median=none, share=false, sources=[]) -%}
{%- set registry, vocabulary = kpi_registry(), kpi_vocabulary() -%}
{%- if kpi_id not in registry -%}
    {{ exceptions.raise_compiler_error("kpi_rows: KPI '" ~ kpi_id ~ "' is not in kpis/registry.yml") }}
{%- endif -%}
{%- set kpi = registry[kpi_id] -%}
{%- set unit, breakdowns, geography, period = kpi['unit'], kpi['breakdowns'], kpi['geography'], kpi['period'] -%}
{%- for field, value, allowed in [('unit', unit, vocabulary['units']), ('geography', geography, vocabulary['levels']),
                                  ('period', period, vocabulary['periods'])] if value not in allowed -%}
    {{ exceptions.raise_compiler_error("kpi_rows: KPI '" ~ kpi_id ~ "' has an unknown " ~ field ~ " '" ~ value ~ "'") }}
{%- endfor -%}
{%- set levels = vocabulary['levels'][geography] -%}
{%- if geography == 'sub_icb' and unit == 'days' -%}
    {%- set levels = levels | reject('equalto', 'DISTRICT') | list -%}
{%- endif -%}
{%- set apportioned = geography == 'sub_icb' and 'DISTRICT' in levels -%}
{%- set scale = vocabulary['units'][unit] -%}
{%- set number = double_type() -%}
select {{ kpi_value_columns() | join(', ') }}
from (
    with kpi_geographies as (
        select geography_level, geography_code, geography_name, in_county
        from {{ ref('geographies') }}
    ),
    kpi_fact as (
        {%- if geography == 'sub_icb' %}
        select county.geography_level, county.geography_code, fact_rows.*
        from {{ fact }} as fact_rows
        cross join kpi_geographies as county
        where county.geography_level = 'COUNTY'
          and fact_rows.sub_icb_code in (
              select geography_code from kpi_geographies where geography_level = 'SUB_ICB' and in_county)
        union all
        select 'SUB_ICB' as geography_level, fact_rows.sub_icb_code as geography_code, fact_rows.*
        from {{ fact }} as fact_rows
        where fact_rows.sub_icb_code in (
              select geography_code from kpi_geographies where geography_level = 'SUB_ICB')
        {%- else %}
        select county.geography_level, county.geography_code, fact_rows.*
        from {{ fact }} as fact_rows
        cross join kpi_geographies as county
        where county.geography_level = 'COUNTY'
        {%- if geography == 'residence' %}
        union all
        select 'DISTRICT' as geography_level, fact_rows.district_code as geography_code, fact_rows.*
        from {{ fact }} as fact_rows
        where fact_rows.district_code in (
              select geography_code from kpi_geographies where geography_level = 'DISTRICT')
        {%- endif %}
        {%- endif %}
    ),
    kpi_cells as (
        {%- for breakdown in ['TOTAL'] + breakdowns %}
        {%- set dimensions = [] if breakdown == 'TOTAL' else breakdown.lower().split('|') %}
        select
            geography_level,
            geography_code,
            '{{ breakdown }}' as breakdown,
            {% if dimensions | length == 0 %}'TOTAL'{% else %}{{ dbt.cast(dimensions[0], dbt.type_string()) }}{% endif %} as dimension_1,
            {% if dimensions | length == 2 %}{{ dbt.cast(dimensions[1], dbt.type_string()) }}{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as dimension_2,
            {%- if unit == 'days' %}
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
    {%- if apportioned %}
    kpi_apportioned as (
        {{ apportion_to_districts('kpi_cells') }}
    ),
    {%- endif %}
    kpi_all_cells as (
        select * from kpi_cells
        {%- if apportioned %}
        union all
        select * from kpi_apportioned
        {%- endif %}
    ),
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
            {%- if unit == 'days' %}
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
            where geographies.geography_level in ('{{ levels | join("', '") }}')
        ) as grid
        left join kpi_all_cells as cells
            on cells.geography_level = grid.geography_level
           and cells.geography_code = grid.geography_code
           and cells.breakdown = grid.breakdown
           and cells.dimension_1 = grid.dimension_1
           and cells.dimension_2 is not distinct from grid.dimension_2
    ),
    kpi_sources as (
        select {{ ordered_string_agg('_source_extract', "'; '") }} as source_extracts
        from (
            {%- for source_model in sources %}
            select distinct _source_extract from {{ ref(source_model) }}
            {% if not loop.last %}union{% endif %}
            {%- endfor %}
        ) as used_files
    )
    select
        '{{ kpi_id }}' as kpi_id,
        {{ reporting_date() }} as reporting_date,
        {{ period_start() if period == 'flow' else reporting_date() }} as period_start,
        {{ reporting_date() }} as period_end,
        filled.geography_level,
        filled.geography_code,
        filled.geography_name,
        filled.breakdown,
        case when filled.dimension_2 is null then filled.dimension_1
             else filled.dimension_1 || '|' || filled.dimension_2 end as breakdown_value,
        filled.numerator,
        filled.denominator,
        {%- if unit == 'count' %}
        {%- set value = 'filled.numerator' %}
        {%- elif unit == 'days' %}
        {%- set value = 'filled.median_value' %}
        {%- else %}
        {%- set value = scale ~ ' * filled.numerator / nullif(filled.denominator, 0)' %}
        {%- endif %}
        {{ value }} as value,
        '{{ unit }}' as unit,
        {%- if apportioned %}
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
) as {{ kpi_id }}_rows
{%- endmacro %}

{#- True when a figure changed between two runs of a month: one is null and the other not, or they
    differ by more than floating-point noise (apportioned figures are sums of fractions, whose
    order of addition is not fixed). -#}
{% macro figure_changed(new, old) -%}
    coalesce(abs({{ new }} - {{ old }}) > 1e-9 * (1 + abs({{ old }})), {{ new }} is not null or {{ old }} is not null)
{%- endmacro %}
