{#- Models land in schemas named exactly as configured (staging, intermediate, marts),
    not prefixed with the target schema. The var `marts_schema` builds the marts elsewhere
    (the PostgreSQL target builds into marts_build and swaps it in once every test passed). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' -%}
        {{ var('marts_schema', 'marts') }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
