-- School census SEN KPIs, as at the reporting date (latest census). COUNTY counts every pupil in
-- the census; DISTRICT rows use the pupil's residence and leave out pupils living outside the county.
-- Facts: int_kpi_facts__school_census_pupils.
--   sen_support_count       numerator: pupils with sen_provision K          denominator: none
--   sen_support_pct         numerator: pupils with K                        denominator: all pupils
--   send_prevalence_by_fsm  numerator: pupils with E or K                   denominator: all pupils (by FSM Y/N)
{%- set sources = ['stg_council__school_census'] + residence_sources() %}
{%- set pupils = ref('int_kpi_facts__school_census_pupils') %}

{{ kpi_rows('sen_support_count', pupils, where="sen_provision = 'K'", numerator='count(*)', sources=sources) }}
union all
{{ kpi_rows('sen_support_pct', pupils,
            numerator="sum(case when sen_provision = 'K' then 1 else 0 end)", denominator='count(*)',
            sources=sources) }}
union all
{{ kpi_rows('send_prevalence_by_fsm', pupils,
            numerator="sum(case when sen_provision in ('E', 'K') then 1 else 0 end)", denominator='count(*)',
            sources=sources) }}
