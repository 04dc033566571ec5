-- EAPDR KPIs over the 12 months ending on the reporting date, at COUNTY and by the hub's district.
-- Facts: int_kpi_facts__eapdr_requests.
--   eapdr_requests  numerator: EAPDR requests received in period   denominator: none
{{ kpi_rows('eapdr_requests', ref('int_kpi_facts__eapdr_requests'), numerator='count(*)',
            sources=['stg_council__eapdr_requests']) }}
