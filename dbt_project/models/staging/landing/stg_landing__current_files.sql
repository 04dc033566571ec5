-- The current file of every extract for the reporting date, one row per partner and extract
-- (decisions 0004, 0011, 0016): the newest accepted delivery dated on or before the reporting
-- date; of deliveries with one date the newest received (landing leaves one accepted per date).
-- The one owner of the rule: staging reads it through current_file_rows, and Python through
-- connectors/current_files.py, which renders this file.
select
    partner,
    {{ adapter.quote('extract') }},
    file_id,
    as_at,
    received_at
from (
    select
        files.partner,
        files.{{ adapter.quote('extract') }},
        files.file_id,
        files.as_at,
        files.received_at,
        row_number() over (
            partition by files.partner, files.{{ adapter.quote('extract') }}
            order by files.as_at desc, files.received_at desc, files.file_id desc
        ) as newest_first
    from {{ source('landing', 'files') }} as files
    where
        files.status = 'accepted'
        and files.as_at <= {{ reporting_date() }}
) as accepted
where newest_first = 1
