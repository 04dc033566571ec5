-- Every KPI the DfE also publishes, Staffordshire beside its comparators: one row per KPI row
-- (kpi_id, breakdown, breakdown_value of the seed dfe_kpi_figures) and comparator:
--   WAREHOUSE              Staffordshire from the partners' data (marts.kpi_values, COUNTY row)
--   STAFFORDSHIRE          Staffordshire as published by the DfE
--   REGION                 Staffordshire's DfE region (West Midlands)
--   ENGLAND                England
--   STATISTICAL_NEIGHBOUR  each local authority of the seed statistical_neighbours
-- DfE values are for the matching period: the latest period of the current release ending on or
-- before the reporting date (the January census for stock KPIs, a calendar year for flow KPIs).
-- Local authorities are ranked by value (1 = highest) among Staffordshire and its neighbours and
-- among every authority with a value. Missing DfE values keep their missing_reason, and status
-- says what kind of missing (the DfE's c suppressed, z not_applicable, else not_available).
with county as (
    select
        geography_code,
        geography_name
    from {{ ref('geographies') }}
    where geography_level = 'COUNTY'
),

matching_period as (
    select
        kpi_id,
        breakdown,
        breakdown_value,
        max(period_end) as period_end
    from {{ ref('int_dfe_kpi_values') }}
    where
        period_end <= {{ reporting_date() }}
        and geography_level = 'ENGLAND'
    group by kpi_id, breakdown, breakdown_value
),

published as (
    select dfe.*
    from {{ ref('int_dfe_kpi_values') }} as dfe
    inner join matching_period
        on
            matching_period.kpi_id = dfe.kpi_id
            and matching_period.breakdown = dfe.breakdown
            and matching_period.breakdown_value = dfe.breakdown_value
            and matching_period.period_end = dfe.period_end
),

county_region as (
    select distinct published.region_code
    from published
    inner join county on county.geography_code = published.geography_code
    where published.geography_level = 'LOCAL_AUTHORITY'
),

neighbours as (
    select la_code from {{ ref('statistical_neighbours') }}
),

ranked_authorities as (
    select
        published.*,
        case
            when published.geography_code in (select geography_code from county) then 'STAFFORDSHIRE'
            else 'STATISTICAL_NEIGHBOUR'
        end as comparator,
        case when published.value is not null then rank() over (
            partition by
                published.kpi_id, published.breakdown, published.breakdown_value,
                published.value is not null
            order by published.value desc
        ) end as england_rank,
        count(published.value) over (
            partition by published.kpi_id, published.breakdown, published.breakdown_value
        ) as england_areas
    from published
    where published.geography_level = 'LOCAL_AUTHORITY'
),

comparison_authorities as (
    select
        ranked_authorities.*,
        case when ranked_authorities.value is not null then rank() over (
            partition by
                ranked_authorities.kpi_id,
                ranked_authorities.breakdown,
                ranked_authorities.breakdown_value,
                ranked_authorities.value is not null
            order by ranked_authorities.value desc
        ) end as neighbour_rank,
        count(ranked_authorities.value)
            over (
                partition by ranked_authorities.kpi_id, ranked_authorities.breakdown, ranked_authorities.breakdown_value
            )
            as neighbour_areas
    from ranked_authorities
    where
        ranked_authorities.geography_code in (select geography_code from county)
        or ranked_authorities.geography_code in (select la_code from neighbours)
),

dfe_rows as (
    select
        kpi_id,
        breakdown,
        breakdown_value,
        unit,
        comparator,
        'dfe' as source,
        geography_level,
        geography_code,
        geography_name,
        period_start,
        period_end,
        period_label,
        numerator,
        denominator,
        value,
        missing_reason,
        neighbour_rank,
        neighbour_areas,
        england_rank,
        england_areas,
        {{ dfe_status('missing_reason') }} as status,
        release_file as source_files
    from comparison_authorities
    union all
    select
        kpi_id,
        breakdown,
        breakdown_value,
        unit,
        case geography_level when 'ENGLAND' then 'ENGLAND' else 'REGION' end as comparator,
        'dfe' as source,
        geography_level,
        geography_code,
        geography_name,
        period_start,
        period_end,
        period_label,
        numerator,
        denominator,
        value,
        missing_reason,
        cast(null as integer) as neighbour_rank,
        cast(null as integer) as neighbour_areas,
        cast(null as integer) as england_rank,
        cast(null as integer) as england_areas,
        {{ dfe_status('missing_reason') }} as status,
        release_file as source_files
    from published
    where
        geography_level = 'ENGLAND'
        or (geography_level = 'REGION' and geography_code in (select region_code from county_region))
),

warehouse_rows as (
    select
        kpi.kpi_id,
        kpi.breakdown,
        kpi.breakdown_value,
        kpi.unit,
        'WAREHOUSE' as comparator,
        'warehouse' as source,
        kpi.geography_level,
        kpi.geography_code,
        kpi.geography_name,
        kpi.period_start,
        kpi.period_end,
        case
            when kpi.period_start = kpi.period_end
                then 'As at ' || {{ dbt.cast('kpi.period_end', dbt.type_string()) }}
            else
                {{ dbt.cast('kpi.period_start', dbt.type_string()) }} || ' to '
                || {{ dbt.cast('kpi.period_end', dbt.type_string()) }}
        end as period_label,
        kpi.numerator,
        kpi.denominator,
        kpi.value,
        case when kpi.value is null then 'no denominator (0)' end as missing_reason,
        cast(null as integer) as neighbour_rank,
        cast(null as integer) as neighbour_areas,
        cast(null as integer) as england_rank,
        cast(null as integer) as england_areas,
        kpi.status,
        kpi.source_extracts as source_files
    from {{ ref('kpi_values') }} as kpi
    inner join (select distinct
        kpi_id,
        breakdown,
        breakdown_value
    from {{ ref('dfe_kpi_figures') }}) as measures
        on
            measures.kpi_id = kpi.kpi_id
            and measures.breakdown = kpi.breakdown
            and measures.breakdown_value = kpi.breakdown_value
    where kpi.geography_level = 'COUNTY'
)

select
    kpi_id,
    breakdown,
    breakdown_value,
    unit,
    {{ reporting_date() }} as reporting_date,
    comparator,
    source,
    geography_level,
    geography_code,
    geography_name,
    period_start,
    period_end,
    period_label,
    cast(numerator as {{ double_type() }}) as numerator,
    cast(denominator as {{ double_type() }}) as denominator,
    cast(value as {{ double_type() }}) as value,
    missing_reason,
    cast(neighbour_rank as integer) as neighbour_rank,
    cast(neighbour_areas as integer) as neighbour_areas,
    cast(england_rank as integer) as england_rank,
    cast(england_areas as integer) as england_areas,
    status = 'suppressed' as suppressed,
    status,
    source_files
from (
    select * from dfe_rows
    union all
    select * from warehouse_rows
) as comparisons
