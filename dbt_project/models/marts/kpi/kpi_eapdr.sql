-- EAPDR KPIs over the 12 months ending on the reporting date, at COUNTY and by the hub's district.
--   eapdr_requests  numerator: EAPDR requests received in period   denominator: none
{%- set sources = ['stg_council__eapdr_requests'] %}

with requests as (
    select hub_district as district_code
    from {{ ref('stg_council__eapdr_requests') }}
    where {{ in_period('request_date') }}
)

{{ kpi_rows('eapdr_requests', 'requests', numerator='count(*)', sources=sources) }}
