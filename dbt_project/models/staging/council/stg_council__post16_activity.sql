-- Careers-service activity of young people aged 16-24 in the current file, one row per tracked
-- young person (ccis_id) and month; la_child_id is null unless known to SEND services.
with activity as (
    {{ current_file_rows('council', 'post16_activity') }}
),

decoded as (
    select
        ccis_id_pseudo,
        la_child_id_pseudo,
        upn_pseudo,
        date_of_birth,
        postcode_pseudo,
        lsoa_code,
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
