-- The careers service's tracked young people at the latest activity month in the current file, one
-- row per record, placed in a district by the record's own LSOA (empty when it has none or the
-- lookup does not know it). Ages at the reporting date.
select
    post16.ccis_id_pseudo,
    lookup.lad_code as district_code,
    post16.sen_status,
    post16.activity,
    {{ age_in_years('post16.date_of_birth') }} as age
from {{ ref('stg_council__post16_activity') }} as post16
left join {{ ref('stg_icb__lsoa_lookup') }} as lookup on lookup.lsoa_code = post16.lsoa_code
where post16.is_latest_month
