-- The DfE's published figures as the warehouse's KPIs: for every KPI row of the seed
-- dfe_kpi_figures, every area (England, regions, local authorities) and period of the current
-- release, numerator = the sum of the numerator figures, denominator = the sum of the
-- denominator figures, value as the KPI's unit. A KPI is missing (null, with missing_reason)
-- when any figure it is made of is a symbol, blank or not in the release: never 0.
with figures as (
    {%- for extract in ['caseload', 'sen_needs_all_plans', 'requests', 'assessments', 'timeliness_20_week'] %}
        select
            '{{ extract }}' as dfe_file,
            *
        from {{ ref('stg_dfe__' ~ extract) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

measures as (
    select
        measures.kpi_id,
        measures.breakdown,
        measures.breakdown_value,
        measures.dfe_file,
        measures.numerator_figures,
        measures.denominator_figures,
        catalogue.unit,
        {#- number of |-separated figures in each list #}
        length(measures.numerator_figures) - length(replace(measures.numerator_figures, '|', '')) + 1
            as numerator_figure_count,
        case
            when measures.denominator_figures is null then 0
            else length(measures.denominator_figures) - length(replace(measures.denominator_figures, '|', '')) + 1
        end as denominator_figure_count
    from {{ ref('dfe_kpi_figures') }} as measures
    inner join {{ ref('kpi_catalogue') }} as catalogue on catalogue.kpi_id = measures.kpi_id
),

areas as (
    select distinct
        dfe_file,
        release_file,
        time_period,
        period_type,
        period_start,
        period_end,
        period_label,
        geography_level,
        geography_code,
        geography_name,
        region_code
    from figures
),

parts as (
    select
        measures.kpi_id,
        measures.breakdown,
        measures.breakdown_value,
        figures.geography_code,
        figures.time_period,
        figures.value,
        figures.missing_reason,
        case
            when '|' || measures.numerator_figures || '|' like '%|' || figures.figure || '|%'
                then 1
            else 0
        end as in_numerator,
        case
            when '|' || measures.denominator_figures || '|' like '%|' || figures.figure || '|%'
                then 1
            else 0
        end as in_denominator
    from measures
    inner join figures
        on
            figures.dfe_file = measures.dfe_file
            and (
                '|' || measures.numerator_figures || '|' like '%|' || figures.figure || '|%'
                or '|' || measures.denominator_figures || '|' like '%|' || figures.figure || '|%'
            )
),

sums as (
    select
        kpi_id,
        breakdown,
        breakdown_value,
        geography_code,
        time_period,
        sum(in_numerator) as numerator_figures_found,
        sum(in_denominator) as denominator_figures_found,
        sum(case when in_numerator = 1 then value end) as numerator,
        sum(case when in_denominator = 1 then value end) as denominator,
        min(missing_reason) as missing_reason
    from parts
    group by kpi_id, breakdown, breakdown_value, geography_code, time_period
),

computed as (
    select
        measures.kpi_id,
        measures.breakdown,
        measures.breakdown_value,
        measures.unit,
        areas.dfe_file,
        areas.release_file,
        areas.time_period,
        areas.period_type,
        areas.period_start,
        areas.period_end,
        areas.period_label,
        areas.geography_level,
        areas.geography_code,
        areas.geography_name,
        areas.region_code,
        case
            when sums.missing_reason is not null then sums.missing_reason
            when
                coalesce(sums.numerator_figures_found, 0) < measures.numerator_figure_count
                or coalesce(sums.denominator_figures_found, 0) < measures.denominator_figure_count
                then 'not in the release'
            when measures.denominator_figure_count > 0 and sums.denominator = 0 then 'no denominator (0)'
        end as missing_reason,
        sums.numerator,
        sums.denominator
    from measures
    inner join areas on areas.dfe_file = measures.dfe_file
    left join sums
        on
            sums.kpi_id = measures.kpi_id
            and sums.breakdown = measures.breakdown
            and sums.breakdown_value = measures.breakdown_value
            and sums.geography_code = areas.geography_code
            and sums.time_period = areas.time_period
)

select
    kpi_id,
    breakdown,
    breakdown_value,
    unit,
    dfe_file,
    release_file,
    time_period,
    period_type,
    period_start,
    period_end,
    period_label,
    geography_level,
    geography_code,
    geography_name,
    region_code,
    case when missing_reason is null then numerator end as numerator,
    case when missing_reason is null then denominator end as denominator,
    case
        when missing_reason is not null then null
        when unit = 'count' then numerator
        when unit = 'percent' then 100 * numerator / denominator
    end as value,
    missing_reason
from computed
