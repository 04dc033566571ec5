-- GP annual health check KPIs over the 12 months ending on the reporting date, county residents
-- (COUNTY and DISTRICT by residence). Facts: int_kpi_facts__ld_register.
--   ld_health_check_uptake  numerator: LD-register patients aged 14-25 with an annual health check in period
--                           denominator: LD-register patients aged 14-25
{{ kpi_rows('ld_health_check_uptake', ref('int_kpi_facts__ld_register'),
            numerator='sum(case when ' ~ in_period('annual_health_check_date') ~ ' then 1 else 0 end)',
            denominator='count(*)', sources=['stg_icb__gp_registered_population'] + residence_sources()) }}
