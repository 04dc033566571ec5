-- School census attendance and suspension KPIs, as at the reporting date (sessions and suspensions
-- for the year to date), by SEN status (EHCP / SEN_SUPPORT / NONE from sen_provision E / K / N).
-- COUNTY counts every pupil; DISTRICT by the pupil's residence. Pupils with no possible sessions
-- are left out of the absence KPIs. Facts: int_kpi_facts__school_census_pupils.
--   absence_rate        numerator: sessions missed                      denominator: sessions possible
--   persistent_absence  numerator: pupils missing >= 10% of sessions    denominator: pupils
--   severe_absence      numerator: pupils missing >= 50% of sessions    denominator: pupils
--   suspension_rate     numerator: suspensions                          denominator: pupils (per 100)
{%- set sources = ['stg_council__school_census'] + residence_sources() %}
{%- set pupils = ref('int_kpi_facts__school_census_pupils') %}
{%- set with_sessions = 'sessions_possible > 0 and sessions_missed is not null' %}

{{ kpi_rows('absence_rate', pupils, where=with_sessions,
            numerator='sum(sessions_missed)', denominator='sum(sessions_possible)', sources=sources) }}
union all
{{ kpi_rows('persistent_absence', pupils, where=with_sessions,
            numerator='sum(case when sessions_missed * 10 >= sessions_possible then 1 else 0 end)',
            denominator='count(*)', sources=sources) }}
union all
{{ kpi_rows('severe_absence', pupils, where=with_sessions,
            numerator='sum(case when sessions_missed * 2 >= sessions_possible then 1 else 0 end)',
            denominator='count(*)', sources=sources) }}
union all
{{ kpi_rows('suspension_rate', pupils,
            numerator='sum(suspensions)', denominator='count(*)', sources=sources) }}
