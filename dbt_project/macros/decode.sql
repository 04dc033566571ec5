{#- Code decoders used by the staging models. -#}

{#- Y/N code -> boolean (null stays null). -#}
{% macro yes_no(column) -%}
    case {{ column }} when 'Y' then true when 'N' then false end
{%- endmacro %}

{#- DfE ethnicity code -> reporting group. -#}
{% macro ethnicity_group(column) -%}
    case
        when {{ column }} in ('CHNE', 'OOTH') then 'Chinese-Other'
        when {{ column }} like 'W%' then 'White'
        when {{ column }} like 'M%' then 'Mixed'
        when {{ column }} like 'A%' then 'Asian'
        when {{ column }} like 'B%' then 'Black'
        else 'Not known'
    end
{%- endmacro %}

{#- School census sen_provision (E/K/N) -> SEN status. -#}
{% macro sen_provision_status(column) -%}
    case {{ column }} when 'E' then 'EHCP' when 'K' then 'SEN_SUPPORT' when 'N' then 'NONE' end
{%- endmacro %}

{#- National curriculum year group -> number (N1 = -2, N2 = -1, R = 0, 1..14). -#}
{% macro year_group_number(column) -%}
    case {{ column }}
        when 'N1' then -2
        when 'N2' then -1
        when 'R' then 0
        else cast({{ column }} as integer)
    end
{%- endmacro %}

{#- True when a |-separated code list contains the code (SQL expressions, e.g. a code list seed's column). -#}
{% macro list_contains(list_column, code) -%}
    ('|' || replace({{ list_column }}, ' ', '') || '|' like '%|' || {{ code }} || '|%')
{%- endmacro %}
