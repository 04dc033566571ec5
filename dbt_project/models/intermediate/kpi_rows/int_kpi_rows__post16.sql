-- Post-16 activity KPIs at the latest activity month in the current file, by the careers service's
-- SEN status (EHCP / SEN_SUPPORT / NONE). Ages at the reporting date. Every tracked record counts at
-- council level whether or not it links to a person (most are not known to SEND services);
-- DISTRICT rows place a record by its own lsoa_code through the LSOA lookup; a record with no LSOA,
-- or one outside the county's districts, counts at COUNTY level only (national-formats.md v2).
-- Facts: int_kpi_facts__post16_young_people.
--   neet_16_17                     numerator: 16-17 year olds NEET
--                                  denominator: every tracked 16-17 year old (not known included)
--   activity_not_known_16_24_ehcp  numerator: 16-24 year olds with an EHCP whose activity is not known
--                                  denominator: 16-24 year olds with an EHCP
{%- set sources = ['stg_council__post16_activity', 'stg_icb__lsoa_lookup'] %}
{%- set young_people = ref('int_kpi_facts__post16_young_people') %}

{{ kpi_rows('neet_16_17', young_people, where='age between 16 and 17',
            numerator="sum(case when activity = 'NEET' then 1 else 0 end)", denominator='count(*)', sources=sources) }}
union all
{{ kpi_rows('activity_not_known_16_24_ehcp', young_people, where="age between 16 and 24 and sen_status = 'EHCP'",
            numerator="sum(case when activity = 'NOT_KNOWN' then 1 else 0 end)", denominator='count(*)',
            sources=sources) }}
