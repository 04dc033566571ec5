-- Careers-service activity of young people aged 16-24 in the current file, one row per person and month.
with activity as (
    {{ current_file_rows('council', 'post16_activity') }}
),

decoded as (
    select
        la_child_id_pseudo,
        upn_pseudo,
        date_of_birth,
        sen_status,
        activity,
        activity_month,
        cast(activity_month || '-01' as date) as activity_month_start,
        _row_number,
        _source_extract
    from activity
)

select
    *,
    activity_month_start = max(activity_month_start) over () as is_latest_month
from decoded
