{#- Rows of an extract's current file: the newest accepted landing.files row for the
    partner/extract with as_at <= reporting_date. Adds _source_extract = partner/extract/as_at. -#}
{% macro current_file_rows(partner, extract) -%}
    select
        extract_rows.*,
        '{{ partner }}/{{ extract }}/' || {{ dbt.cast('current_file.as_at', dbt.type_string()) }} as _source_extract
    from {{ source('clean', partner ~ '__' ~ extract) }} as extract_rows
    inner join (
        select files.file_id, files.as_at
        from {{ source('landing', 'files') }} as files
        where files.partner = '{{ partner }}'
          and files.{{ adapter.quote('extract') }} = '{{ extract }}'
          and files.status = 'accepted'
          and files.as_at <= {{ reporting_date() }}
        order by files.as_at desc, files.received_at desc, files.file_id desc
        limit 1
    ) as current_file
        on extract_rows._file_id = current_file.file_id
{%- endmacro %}
