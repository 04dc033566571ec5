{{ config(meta={'dagster': {'ref': {'name': 'stg_landing__current_files'}}}) }}
-- Every current file is an accepted delivery dated on or before the reporting date, and no
-- accepted delivery of its extract is newer (by as-at date, then receipt) and also eligible.
select current_file.file_id
from {{ ref('stg_landing__current_files') }} as current_file
inner join {{ source('landing', 'files') }} as files on files.file_id = current_file.file_id
where
    files.status <> 'accepted'
    or files.as_at > {{ reporting_date() }}
    or exists (
        select 1 from {{ source('landing', 'files') }} as newer
        where
            newer.partner = current_file.partner
            and newer.{{ adapter.quote('extract') }} = current_file.{{ adapter.quote('extract') }}
            and newer.status = 'accepted'
            and newer.as_at <= {{ reporting_date() }}
            and (
                newer.as_at > current_file.as_at
                or (newer.as_at = current_file.as_at and newer.received_at > current_file.received_at)
            )
    )
