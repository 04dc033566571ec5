{#- Engine differences, one dispatched macro each (default: DuckDB and PostgreSQL; spark__:
    Spark and Databricks). Models and other macros call these, never engine-specific SQL. -#}

{#- The 8-byte floating-point type. -#}
{% macro double_type() -%}{{ return(adapter.dispatch('double_type', 'send_warehouse')()) }}{%- endmacro %}
{% macro default__double_type() -%}double precision{%- endmacro %}
{% macro spark__double_type() -%}double{%- endmacro %}

{#- Day of the week of a date, 0 = Sunday .. 6 = Saturday. -#}
{% macro day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('day_of_week', 'send_warehouse')(date_expression)) }}
{%- endmacro %}
{% macro default__day_of_week(date_expression) -%}extract(dow from {{ date_expression }}){%- endmacro %}
{% macro spark__day_of_week(date_expression) -%}(dayofweek({{ date_expression }}) - 1){%- endmacro %}

{#- The column's values joined by the delimiter (a SQL string literal), in ascending order. -#}
{% macro ordered_string_agg(column, delimiter) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'send_warehouse')(column, delimiter)) }}
{%- endmacro %}
{% macro default__ordered_string_agg(column, delimiter) -%}
    {{ dbt.listagg(column, delimiter, 'order by ' ~ column) }}
{%- endmacro %}
{% macro spark__ordered_string_agg(column, delimiter) -%}
    array_join(array_sort(collect_list({{ column }})), {{ delimiter }})
{%- endmacro %}

{#- How an incremental model replaces one reporting month's block (kpi_history): delete+insert by
    the month; Spark overwrites the month's partition. A config dict for the model's config(). -#}
{% macro month_block_config() -%}{{ return(adapter.dispatch('month_block_config', 'send_warehouse')()) }}{%- endmacro %}
{% macro default__month_block_config() -%}{{ return({'incremental_strategy': 'delete+insert'}) }}{%- endmacro %}
{% macro spark__month_block_config() -%}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': ['reporting_date']}) }}
{%- endmacro %}

{#- Refresh the planner's statistics of a table just built (a post-hook). -#}
{% macro analyze_table(relation) -%}
    {{ return(adapter.dispatch('analyze_table', 'send_warehouse')(relation)) }}
{%- endmacro %}
{% macro default__analyze_table(relation) -%}analyze {{ relation }}{%- endmacro %}
{% macro spark__analyze_table(relation) -%}analyze table {{ relation }} compute statistics{%- endmacro %}

{#-
  register_clean_zone (on-run-start): on Spark, the dbt sources' tables `clean.<partner>__<extract>` and
  `landing.files` become views over the Parquet clean zone (connectors/clean_zone.py) at
  env var SEND_WAREHOUSE_CLEAN_ZONE, so the staging models read the same files any engine
  reads. DuckDB and PostgreSQL read their own tables: nothing to do.
-#}
{% macro register_clean_zone() -%}
    {{ return(adapter.dispatch('register_clean_zone', 'send_warehouse')()) }}
{%- endmacro %}
{% macro default__register_clean_zone() -%}
    select 1
{%- endmacro %}
{% macro spark__register_clean_zone() -%}
    {%- if execute -%}
        {%- set zone = env_var('SEND_WAREHOUSE_CLEAN_ZONE') -%}
        {%- for schema in ['clean', 'landing'] -%}
            {%- do run_query('create database if not exists ' ~ schema) -%}
        {%- endfor -%}
        {#- landing.run_parameters is not in the zone: whoever runs dbt creates it (publication/run_parameters.py) -#}
        {%- for node in graph.sources.values()
                if node.schema in ['clean', 'landing'] and node.identifier != 'run_parameters' -%}
            {%- set folder = 'landing_files' if node.schema == 'landing' else node.identifier -%}
            {%- do run_query('create or replace view ' ~ node.schema ~ '.' ~ node.identifier
                             ~ ' as select * from parquet.`' ~ zone ~ '/' ~ folder ~ '`') -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- Seeds on Spark: dbt-spark binds CSV values into its INSERT unescaped, so a value with a
    quote (the KPI catalogue's definitions) breaks the statement; here every value is an
    escaped literal. Used through the dbt dispatch search order of dbt_project.yml. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
            ({%- for value in row -%}
                {%- set type = column_override.get(agate_table.column_names[loop.index0],
                                                   adapter.convert_type(agate_table, loop.index0)) -%}
                {%- if value is none -%}cast(null as {{ type }})
                {%- else -%}cast('{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
                {%- endif -%}{%- if not loop.last %}, {% endif -%}
            {%- endfor -%}){%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) if loop.first -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}
