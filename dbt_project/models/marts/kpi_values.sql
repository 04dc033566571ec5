-- The published KPI table (restricted tier): every KPI family's rows with exactly the columns of
-- kpis.md. Disclosure control for the public tier is applied at publication.
{%- set families = ['kpi_ehcp', 'kpi_census', 'kpi_absence', 'kpi_ehcna', 'kpi_post16', 'kpi_eapdr',
                    'kpi_early_years', 'kpi_slt', 'kpi_camhs', 'kpi_health_checks', 'kpi_cohort'] %}
{%- for family in families %}
select {{ kpi_value_columns() | join(', ') }} from {{ ref(family) }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
