{#- Apportion SUB_ICB KPI cells to districts through sub_icb_district_crosswalk: each district
    gets the weighted sum of the sub-ICB numerators and denominators (percentages are then
    computed from the apportioned figures). Weight going to Stoke-on-Trent or outside the ICB
    area lands on non-county codes, which kpi_rows leaves out. -#}
{% macro apportion_to_districts(cells) -%}
    select
        'DISTRICT' as geography_level,
        crosswalk.lad_code as geography_code,
        cells.breakdown,
        cells.dimension_1,
        cells.dimension_2,
        sum(cells.numerator * crosswalk.weight) as numerator,
        sum(cells.denominator * crosswalk.weight) as denominator,
        cast(null as {{ double_type() }}) as median_value
    from {{ cells }} as cells
    inner join {{ ref('sub_icb_district_crosswalk') }} as crosswalk
        on crosswalk.sub_icb_code = cells.geography_code
    where cells.geography_level = 'SUB_ICB'
    group by crosswalk.lad_code, cells.breakdown, cells.dimension_1, cells.dimension_2
{%- endmacro %}
