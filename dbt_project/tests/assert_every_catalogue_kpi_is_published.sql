-- Every KPI of the catalogue has a COUNTY TOTAL row in kpi_values, and nothing else is published.
select
    catalogue.kpi_id,
    published.kpi_id as published_kpi_id
from {{ ref('kpi_catalogue') }} as catalogue
full outer join (
    select distinct kpi_id
    from {{ ref('kpi_values') }}
    where geography_level = 'COUNTY' and breakdown = 'TOTAL'
) as published
    on published.kpi_id = catalogue.kpi_id
where catalogue.kpi_id is null or published.kpi_id is null
