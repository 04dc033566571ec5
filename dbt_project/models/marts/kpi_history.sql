-- The KPI series: the kpi_values rows of every reporting date, one block per month end, and
-- revised_at. Incremental by reporting date: a run replaces its own month's block (delete+insert)
-- and leaves every other month's rows as they are (a column added later is appended, null in the
-- months before it; column types are not compared: the PostgreSQL build continues DuckDB's table);
-- full_refresh is off so `--full-refresh` cannot drop the history. A month's figures come from the
-- files current on its month end (stg_landing__current_files). revised_at: when a re-run of the
-- month changed its figures (numerator, denominator, value, status or the set of rows), the
-- re-run's refreshed_at, on every row of the month; a re-run that changes nothing keeps the
-- month's earlier revised_at (null if it was never revised).
{{ config(
    materialized='incremental',
    unique_key='reporting_date',
    on_schema_change='append_new_columns',
    full_refresh=false,
) }}
{{ config(month_block_config()) }}
{%- set keys = ['kpi_id', 'geography_level', 'geography_code', 'breakdown', 'breakdown_value'] %}
with this_month as (
    {{ kpi_family_rows() }}
)
{%- if is_incremental() %},

previous as (
    select * from {{ this }} where reporting_date = {{ reporting_date() }}
),

changed_rows as (
    select count(*) as changed
    from this_month
    full outer join previous
        on {% for key in keys %}previous.{{ key }} = this_month.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
    where previous.kpi_id is null
       or this_month.kpi_id is null
       or this_month.status <> previous.status
       {%- for figure in ['numerator', 'denominator', 'value'] %}
       or {{ figure_changed('this_month.' ~ figure, 'previous.' ~ figure) }}
       {%- endfor %}
),

revision as (
    select
        case
            when (select count(*) from previous) > 0 and (select changed from changed_rows) > 0
                then {{ refreshed_at() }}
            else (select max(revised_at) from previous)
        end as revised_at
)
{%- endif %}

-- this_month: the kpi_values columns (kpi_rows'), which kpi_history's contract checks
select
    this_month.*,  -- noqa: AM04
    {% if is_incremental() %}revision.revised_at{% else %}cast(null as {{ dbt.type_timestamp() }}) as revised_at{% endif %}
from this_month
{%- if is_incremental() %}
cross join revision
{%- endif %}
