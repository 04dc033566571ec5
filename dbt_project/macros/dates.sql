{#- Reporting date, periods and ages. Portable SQL (DuckDB and PostgreSQL). -#}

{#- The build's as-at date (DATE): the one row of the source landing.run_parameters, which whoever
    runs dbt writes first (publication/run_parameters.py), as a scalar subquery; not a var, so that
    a new month does not make dbt parse the project again (decision 0031). -#}
{% macro reporting_date() -%}
    (select run_parameters.reporting_date from {{ source('landing', 'run_parameters') }} as run_parameters)
{%- endmacro %}

{#- First day of the 12 months ending on the reporting date: reporting_date - 12 months + 1 day. -#}
{% macro period_start() -%}
    cast({{ dbt.dateadd('day', 1, dbt.dateadd('month', -12, reporting_date())) }} as date)
{%- endmacro %}

{#- True when the date falls in the 12 months ending on the reporting date. -#}
{% macro in_period(date_column) -%}
    ({{ date_column }} between {{ period_start() }} and {{ reporting_date() }})
{%- endmacro %}

{#- When the KPIs were refreshed (timestamp, UTC): landing.run_parameters' refreshed_at. -#}
{% macro refreshed_at() -%}
    (select run_parameters.refreshed_at from {{ source('landing', 'run_parameters') }} as run_parameters)
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

{#- landing.run_parameters by hand (a one-row view), before a dbt build outside the orchestration,
    on any target: dbt run-operation write_run_parameters --args '{reporting_date: 2025-07-31}'.
    The orchestration writes the table itself (publication/run_parameters.py). -#}
{% macro write_run_parameters(reporting_date, refreshed_at=none) -%}
    {%- set day = reporting_date | string -%}
    {%- set stamp = (refreshed_at or run_started_at.strftime('%Y-%m-%d %H:%M:%S')) | string -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', day) -%}
        {{ exceptions.raise_compiler_error("reporting_date must be YYYY-MM-DD, got '" ~ day ~ "'") }}
    {%- endif -%}
    {%- do run_query('create schema if not exists landing') -%}
    {%- set existing = adapter.get_relation(database=target.database, schema='landing', identifier='run_parameters') -%}
    {%- if existing is not none -%}
        {%- do run_query('drop ' ~ ('view' if existing.is_view else 'table') ~ ' landing.run_parameters') -%}
    {%- endif -%}
    {%- do run_query("create view landing.run_parameters as select cast('" ~ day ~ "' as date) as reporting_date, cast('"
                     ~ stamp ~ "' as " ~ dbt.type_timestamp() ~ ") as refreshed_at") -%}
    {%- do run_query('commit') if target.type != 'spark' and target.type != 'databricks' -%}
{%- endmacro %}
