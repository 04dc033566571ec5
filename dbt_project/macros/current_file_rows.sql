{#- Rows of an extract's current file (model stg_landing__current_files owns which file that is).
    Adds _source_extract = partner/extract/as_at. -#}
{% macro current_file_rows(partner, extract) -%}
    select
        extract_rows.*,
        '{{ partner }}/{{ extract }}/' || {{ dbt.cast('current_file.as_at', dbt.type_string()) }} as _source_extract
    from {{ source(partner, extract) }} as extract_rows
    inner join {{ ref('stg_landing__current_files') }} as current_file
        on extract_rows._file_id = current_file.file_id
    where current_file.partner = '{{ partner }}'
      and current_file.{{ adapter.quote('extract') }} = '{{ extract }}'
{%- endmacro %}
