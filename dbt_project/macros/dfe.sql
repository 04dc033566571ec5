{#- The DfE "Education, health and care plans" release files (source dfe, tables clean.dfe__<file>). -#}

{#- Columns of a release file that describe the row rather than hold a figure. -#}
{% macro dfe_descriptive_columns() -%}
    {{ return(['time_period', 'time_identifier', 'geographic_level', 'country_code', 'country_name',
               'region_code', 'region_name', 'new_la_code', 'old_la_code', 'la_name', 'breakdown_topic',
               'breakdown', '_file_id', '_row_number', '_as_at']) }}
{%- endmacro %}

{#- Why a published figure is missing: the DfE's statistics symbols, or a blank cell; null when
    the figure is a number. -#}
{% macro dfe_symbol_reasons() -%}
    {{ return({'x': 'unavailable (x)', 'c': 'confidential, withheld by the DfE (c)', 'z': 'not applicable (z)',
               'low': 'below half the unit shown (low)', 'u': 'low reliability (u)'}) }}
{%- endmacro %}

{% macro dfe_missing_reason(raw) -%}
    case
        when {{ raw }} is null then 'blank in the release'
        {%- for symbol, reason in dfe_symbol_reasons().items() %}
        when {{ raw }} = '{{ symbol }}' then '{{ reason }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- The status (disclosure.md rule 7) of a DfE figure from its missing_reason: available when it is
    a number, suppressed for the DfE's c, not_applicable for z, not_available for any other symbol,
    a blank or a figure not in the release. -#}
{% macro dfe_status(missing_reason) -%}
    case
        when {{ missing_reason }} is null then 'available'
        when {{ missing_reason }} = '{{ dfe_symbol_reasons()["c"] }}' then 'suppressed'
        when {{ missing_reason }} = '{{ dfe_symbol_reasons()["z"] }}' then 'not_applicable'
        else 'not_available'
    end
{%- endmacro %}

{#- The third Thursday of January of a year (SQL integer expression): the SEN2 census day, the
    "January" the release's active plans are counted on. -#}
{% macro january_census_date(year) -%}
    {%- set first_of_january = "cast(cast(" ~ year ~ " as " ~ dbt.type_string() ~ ") || '-01-01' as date)" -%}
    cast({{ dbt.dateadd('day', '(11 - cast(' ~ day_of_week(first_of_january) ~ ' as integer)) % 7 + 14',
                        first_of_january) }} as date)
{%- endmacro %}

{#-
  dfe_release_figures: the current release file of one DfE extract as one row per area, period
  and published figure (the total rows only), for the staging model stg_dfe__<extract>.

    extract      the release file (caseload, requests, ...)
    period_type  'january' (time_period YYYYZZ: active plans on the January census day of 20ZZ)
                 or 'calendar_year' (time_period YYYY)

  Every column other than the descriptive ones is a figure. value is the number, or null with
  missing_reason when the release has a symbol (x, c, z, low, u) or a blank: never 0. When the
  source table has not been landed (a warehouse built before the DfE files were bundled) the
  model is empty.
-#}
{% macro dfe_release_figures(extract, period_type) -%}
{#- outside the condition below, so that dbt sees the dependency when it parses -#}
{%- do ref('stg_landing__current_files') -%}
{%- set source_relation = source('dfe', extract) -%}
{%- set landed = execute and adapter.get_relation(database=source_relation.database,
                                                   schema=source_relation.schema,
                                                   identifier=source_relation.identifier) is not none -%}
{%- set figures = [] -%}
{%- if landed -%}
    {%- for column in adapter.get_columns_in_relation(source_relation) -%}
        {%- if column.name | lower not in dfe_descriptive_columns() -%}
            {%- do figures.append(column.name | lower) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
{%- set text = dbt.type_string() -%}
{%- if figures %}
with release_rows as (
    {{ current_file_rows('dfe', extract) }}
),

total_rows as (
    select
        *,
        {%- if period_type == 'january' %}
        cast(substr(time_period, 1, 4) as integer) + 1 as period_year
        {%- else %}
        cast(time_period as integer) as period_year
        {%- endif %}
    from release_rows
    where breakdown = breakdown_topic
),

areas as (
    select
        _source_extract as release_file,
        time_period,
        {%- if period_type == 'january' %}
        'JANUARY' as period_type,
        {{ january_census_date('period_year') }} as period_start,
        {{ january_census_date('period_year') }} as period_end,
        'January ' || cast(period_year as {{ text }}) as period_label,
        {%- else %}
        'CALENDAR_YEAR' as period_type,
        cast(cast(period_year as {{ text }}) || '-01-01' as date) as period_start,
        cast(cast(period_year as {{ text }}) || '-12-31' as date) as period_end,
        'Calendar year ' || cast(period_year as {{ text }}) as period_label,
        {%- endif %}
        case geographic_level
            when 'National' then 'ENGLAND'
            when 'Regional' then 'REGION'
            when 'Local authority' then 'LOCAL_AUTHORITY'
        end as geography_level,
        case geographic_level
            when 'National' then country_code
            when 'Regional' then region_code
            else new_la_code
        end as geography_code,
        case geographic_level
            when 'National' then country_name
            when 'Regional' then region_name
            else la_name
        end as geography_name,
        region_code,
        old_la_code,
        {{ figures | join(', ') }}
    from total_rows
)

{% for figure in figures %}
select
    release_file, time_period, period_type, period_start, period_end, period_label,
    geography_level, geography_code, geography_name, region_code, old_la_code,
    '{{ figure }}' as figure,
    case when {{ dfe_missing_reason(figure) }} is null
         then cast({{ figure }} as {{ double_type() }}) end as value,
    {{ dfe_missing_reason(figure) }} as missing_reason
from areas
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- else %}
select
    {%- for column in ['release_file', 'time_period', 'period_type'] %}
    cast(null as {{ text }}) as {{ column }},
    {%- endfor %}
    cast(null as date) as period_start,
    cast(null as date) as period_end,
    {%- for column in ['period_label', 'geography_level', 'geography_code', 'geography_name', 'region_code',
                       'old_la_code', 'figure'] %}
    cast(null as {{ text }}) as {{ column }},
    {%- endfor %}
    cast(null as {{ double_type() }}) as value,
    cast(null as {{ text }}) as missing_reason
where 1 = 0
{%- endif %}
{%- endmacro %}
