{#- Reporting date, periods and ages. Portable SQL (DuckDB and PostgreSQL). -#}

{#- The refresh's as-at date (var reporting_date, required, YYYY-MM-DD) as a DATE literal. -#}
{% macro reporting_date() -%}
    {%- set value = var('reporting_date') | string -%}
    {%- if execute and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
        {{ exceptions.raise_compiler_error("var reporting_date must be YYYY-MM-DD, got '" ~ value ~ "'") }}
    {%- endif -%}
    cast('{{ value }}' as date)
{%- endmacro %}

{#- First day of the 12 months ending on the reporting date: reporting_date - 12 months + 1 day. -#}
{% macro period_start() -%}
    cast({{ dbt.dateadd('day', 1, dbt.dateadd('month', -12, reporting_date())) }} as date)
{%- endmacro %}

{#- True when the date falls in the 12 months ending on the reporting date. -#}
{% macro in_period(date_column) -%}
    ({{ date_column }} between {{ period_start() }} and {{ reporting_date() }})
{%- endmacro %}

{#- When the KPIs were refreshed: var refreshed_at, default the run start (UTC). -#}
{% macro refreshed_at() -%}
    cast('{{ var("refreshed_at", run_started_at.strftime("%Y-%m-%d %H:%M:%S")) }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Age in whole years at the reporting date. -#}
{% macro age_in_years(date_of_birth) -%}
    {{ age_on(date_of_birth, reporting_date()) }}
{%- endmacro %}

{#- Age in whole years on a date (SQL date expression). -#}
{% macro age_on(date_of_birth, on) -%}
    cast(
        extract(year from {{ on }}) - extract(year from {{ date_of_birth }})
        - case
            when extract(month from {{ on }}) * 100 + extract(day from {{ on }})
                 < extract(month from {{ date_of_birth }}) * 100 + extract(day from {{ date_of_birth }})
            then 1 else 0
          end
    as integer)
{%- endmacro %}

{#- DfE age band of an age in whole years; null outside 0-25. -#}
{% macro age_band(age) -%}
    case
        when {{ age }} between 0 and 4 then '0-4'
        when {{ age }} between 5 and 10 then '5-10'
        when {{ age }} between 11 and 15 then '11-15'
        when {{ age }} between 16 and 19 then '16-19'
        when {{ age }} between 20 and 25 then '20-25'
    end
{%- endmacro %}

{#- Whole days from one date to another. -#}
{% macro days_between(from_date, to_date) -%}
    {{ dbt.datediff(from_date, to_date, 'day') }}
{%- endmacro %}
