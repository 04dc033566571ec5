-- The council's calendar-year EHC measures computed from its SEN2 return beside the DfE's published
-- figures for the council (the bundled release, computed by the DfE from the same return), with the
-- difference and the DfE's symbols. One row per measure the DfE publishes for a calendar year
-- (requests, decisions, assessments, 20-week timeliness, mediation, tribunals) and per year of the
-- current release that ended on or before the reporting date, within three years of it. The
-- warehouse figures are the events of macro sen2_flow_events dated in that year: the definitions
-- the ehcna KPIs publish (int_kpi_rows__ehcna).
--   warehouse_numerator, warehouse_denominator, warehouse_value  the year's figure (value as the KPI's unit)
--   difference                  warehouse_value - dfe_value (the KPI's unit: plans or percentage points)
--   status                      of the warehouse figures (the public tier withholds small counts); dfe_status
--                               of the DfE figure, from its symbol
with county as (
    select geography_code from {{ ref('geographies') }}
    where geography_level = 'COUNTY'
),

years as (
    select
        kpi_id,
        unit,
        time_period,
        period_label,
        period_start,
        period_end,
        release_file,
        value as dfe_value,
        missing_reason as dfe_missing_reason
    from {{ ref('int_dfe_kpi_values') }}
    where
        breakdown = 'TOTAL'
        and geography_code in (select geography_code from county)
        and period_type = 'CALENDAR_YEAR'
        and period_end <= {{ reporting_date() }}
        and period_start > cast({{ dbt.dateadd('year', -3, reporting_date()) }} as date)
),

events as (
    {{ sen2_flow_events() }}
),

warehouse as (
    select
        years.kpi_id,
        years.time_period,
        sum(events.numerator) as numerator,
        sum(events.denominator) as denominator
    from years
    inner join events
        on
            events.kpi_id = years.kpi_id
            and events.event_date between years.period_start and years.period_end
    group by years.kpi_id, years.time_period
),

counts as (
    select
        years.*,
        cast(coalesce(warehouse.numerator, 0) as {{ double_type() }}) as warehouse_numerator,
        cast(
            case when years.unit = 'count' then null else coalesce(warehouse.denominator, 0) end
            as {{ double_type() }}
        ) as warehouse_denominator
    from years
    left join warehouse on warehouse.kpi_id = years.kpi_id and warehouse.time_period = years.time_period
),

figures as (
    select
        counts.*,
        cast(case
            when counts.unit = 'count' then counts.warehouse_numerator
            else 100 * counts.warehouse_numerator / nullif(counts.warehouse_denominator, 0)
        end
        as {{ double_type() }}) as warehouse_value
    from counts
),

return_file as (
    select min(_source_extract) as return_file from {{ ref('stg_council__sen2_requests') }}
)

select
    {{ reporting_date() }} as reporting_date,
    figures.kpi_id,
    figures.unit,
    figures.time_period as dfe_time_period,
    figures.period_label,
    figures.period_start,
    figures.period_end,
    figures.warehouse_numerator,
    figures.warehouse_denominator,
    figures.warehouse_value,
    cast(figures.dfe_value as {{ double_type() }}) as dfe_value,
    figures.dfe_missing_reason,
    cast(figures.warehouse_value - figures.dfe_value as {{ double_type() }}) as difference,
    false as suppressed,
    case
        when figures.unit <> 'count' and figures.warehouse_denominator = 0 then 'not_applicable'
        else 'available'
    end as status,
    {{ dfe_status('figures.dfe_missing_reason') }} as dfe_status,
    return_file.return_file,
    figures.release_file
from figures
cross join return_file
