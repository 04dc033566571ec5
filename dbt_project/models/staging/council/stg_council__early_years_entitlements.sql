-- Funded early education claims in the current file, one row per child, term and entitlement.
with claims as (
    {{ current_file_rows('council', 'early_years_entitlements') }}
),

decoded as (
    select
        child_id_pseudo,
        la_child_id_pseudo,
        date_of_birth,
        sex,
        term,
        cast(
            {{ dbt.split_part('term', "'-'", 1) }}
            || case {{ dbt.split_part('term', "'-'", 2) }}
                when 'SPRING' then '-01-01'
                when 'SUMMER' then '-04-01'
                when 'AUTUMN' then '-09-01'
            end
            as date
        ) as term_start_date,
        entitlement,
        {{ yes_no('send_marker') }} as has_send_marker,
        send_marker_source,
        hours_taken,
        postcode_pseudo,
        lsoa_code,
        _row_number,
        _source_extract
    from claims
)

select
    *,
    term_start_date = max(term_start_date) over () as is_latest_term
from decoded
