-- The warehouse's active EHC plans on each January census day beside the DfE's published
-- Staffordshire figure for that January (computed by the DfE from the same SEN2 return), so a
-- board sees when the monthly return and the national figure disagree. One row per January of the
-- current DfE release on or before the reporting date, within three years of it.
--   warehouse_ehcp_count        ehcp_count's definition on the census day: the SEN2 named plans the
--                               council maintains that day (started on or before it, ceasing on or after it)
--   difference                  warehouse_ehcp_count - dfe_ehcp_count; difference_percent of the DfE figure
--   status                      of the warehouse counts (the public tier withholds small ones); dfe_status
--                               of the DfE figure, from its symbol (c suppressed, z not_applicable, else
--                               not_available)
with county as (
    select geography_code from {{ ref('geographies') }}
    where geography_level = 'COUNTY'
),

januaries as (
    select
        period_start as census_date,
        period_label,
        time_period,
        release_file,
        value as dfe_ehcp_count,
        missing_reason as dfe_missing_reason
    from {{ ref('int_dfe_kpi_values') }}
    where
        kpi_id = 'ehcp_count'
        and breakdown = 'TOTAL'
        and geography_code in (select geography_code from county)
        and period_start <= {{ reporting_date() }}
        and period_start > cast({{ dbt.dateadd('year', -3, reporting_date()) }} as date)
),

warehouse as (
    select
        januaries.census_date,
        count(*) as warehouse_ehcp_count
    from januaries
    inner join {{ ref('int_sen2_plans') }} as plans
        on
            plans.startdate <= januaries.census_date
            and (plans.ceasedate is null or plans.ceasedate >= januaries.census_date)
    group by januaries.census_date
),

return_file as (
    select min(_source_extract) as return_file from {{ ref('stg_council__sen2_namedplan') }}
)

select
    {{ reporting_date() }} as reporting_date,
    januaries.census_date,
    januaries.period_label,
    januaries.time_period as dfe_time_period,
    cast(coalesce(warehouse.warehouse_ehcp_count, 0) as {{ double_type() }}) as warehouse_ehcp_count,
    cast(januaries.dfe_ehcp_count as {{ double_type() }}) as dfe_ehcp_count,
    januaries.dfe_missing_reason,
    cast(coalesce(warehouse.warehouse_ehcp_count, 0) - januaries.dfe_ehcp_count as {{ double_type() }}) as difference,
    cast(
        100.0 * (coalesce(warehouse.warehouse_ehcp_count, 0) - januaries.dfe_ehcp_count)
        / nullif(januaries.dfe_ehcp_count, 0) as {{ double_type() }}
    ) as difference_percent,
    false as suppressed,
    'available' as status,
    {{ dfe_status('januaries.dfe_missing_reason') }} as dfe_status,
    return_file.return_file,
    januaries.release_file
from januaries
left join warehouse on warehouse.census_date = januaries.census_date
cross join return_file
