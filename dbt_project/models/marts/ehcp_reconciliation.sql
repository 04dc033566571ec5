-- The warehouse's active EHC plans on each January census day beside the DfE's published
-- Staffordshire figure for that January (the council's SEN2 return), so a board sees when local
-- data and the national return disagree. One row per January of the current DfE release on or
-- before the reporting date and within the caseload extract's three years of history.
--   warehouse_ehcp_count        ehcp_count's definition on the census day: active plans (one per
--                               person) of county residents aged 0-25 on that day
--   warehouse_plans_maintained  every active plan of the caseload on the census day, aged 0-25,
--                               wherever the person lives (what SEN2 counts: plans the LA maintains)
--   difference                  warehouse_ehcp_count - dfe_ehcp_count; difference_percent of the DfE figure
--   status                      of the warehouse counts (the public tier withholds small ones); dfe_status
--                               of the DfE figure, from its symbol (c suppressed, z not_applicable, else
--                               not_available)
with county as (
    select geography_code from {{ ref('geographies') }} where geography_level = 'COUNTY'
),

januaries as (
    select period_start as census_date, period_label, time_period, release_file, value as dfe_ehcp_count,
           missing_reason as dfe_missing_reason
    from {{ ref('int_dfe_kpi_values') }}
    where kpi_id = 'ehcp_count'
      and breakdown = 'TOTAL'
      and geography_code in (select geography_code from county)
      and period_start <= {{ reporting_date() }}
      and period_start > cast({{ dbt.dateadd('year', -3, reporting_date()) }} as date)
),

plans_on_census_day as (
    select
        januaries.census_date,
        caseload.la_child_id_pseudo,
        person.person_id,
        residence.is_county_resident
    from januaries
    inner join {{ ref('stg_council__ehcp_caseload') }} as caseload
        on caseload.ehcp_start_date <= januaries.census_date
       and (caseload.ehcp_end_date is null or caseload.ehcp_end_date > januaries.census_date)
       and (caseload.ehcp_status = 'ACTIVE' or caseload.ehcp_end_date is not null)
       and {{ age_on('caseload.date_of_birth', 'januaries.census_date') }} between 0 and 25
    {{ record_person('ehcp_caseload', 'caseload') }}
    left join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
),

warehouse as (
    select
        census_date,
        count(distinct case when is_county_resident then person_id end) as warehouse_ehcp_count,
        count(distinct la_child_id_pseudo) as warehouse_plans_maintained
    from plans_on_census_day
    group by census_date
),

caseload_file as (
    select min(_source_extract) as caseload_file from {{ ref('stg_council__ehcp_caseload') }}
)

select
    {{ reporting_date() }} as reporting_date,
    januaries.census_date,
    januaries.period_label,
    januaries.time_period as dfe_time_period,
    cast(coalesce(warehouse.warehouse_ehcp_count, 0) as {{ double_type() }}) as warehouse_ehcp_count,
    cast(coalesce(warehouse.warehouse_plans_maintained, 0) as {{ double_type() }}) as warehouse_plans_maintained,
    cast(januaries.dfe_ehcp_count as {{ double_type() }}) as dfe_ehcp_count,
    januaries.dfe_missing_reason,
    cast(coalesce(warehouse.warehouse_ehcp_count, 0) - januaries.dfe_ehcp_count as {{ double_type() }}) as difference,
    cast(100.0 * (coalesce(warehouse.warehouse_ehcp_count, 0) - januaries.dfe_ehcp_count)
         / nullif(januaries.dfe_ehcp_count, 0) as {{ double_type() }}) as difference_percent,
    false as suppressed,
    'available' as status,
    {{ dfe_status('januaries.dfe_missing_reason') }} as dfe_status,
    caseload_file.caseload_file,
    januaries.release_file
from januaries
left join warehouse on warehouse.census_date = januaries.census_date
cross join caseload_file
