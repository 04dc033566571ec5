-- EHC needs assessment KPIs over the 12 months ending on the reporting date, COUNTY only.
--   ehcna_requests        numerator: requests received in period                  denominator: none
--   ehcna_refusal_rate    numerator: decisions in period not to assess (NO)      denominator: decisions in period (YES or NO)
--   ehcna_issue_rate      numerator: outcomes in period that issued a plan       denominator: outcomes in period (ISSUE or NO_ISSUE)
--   ehcp_issued_20_weeks  numerator: plans issued in period within 140 days of the request
--                         denominator: plans issued in period with exception_applies = N
--   ehcp_issued_20_weeks_all  numerator: plans issued in period within 140 days of the request
--                         denominator: every plan issued in period, exceptions included (the DfE's
--                         "including exceptions" measure)
--   mediation_rate        numerator: requests received in period that went to mediation   denominator: requests received in period
--   tribunal_rate         numerator: requests received in period that went to tribunal    denominator: requests received in period
{%- set sources = ['stg_council__ehcna_requests'] %}

with requests as (
    select * from {{ ref('stg_council__ehcna_requests') }}
),

requests_received as (
    select * from requests where {{ in_period('request_date') }}
),

decisions as (
    select * from requests
    where decision_to_assess in ('YES', 'NO') and {{ in_period('decision_date') }}
),

assessment_outcomes as (
    select * from requests
    where assessment_outcome in ('ISSUE', 'NO_ISSUE') and {{ in_period('assessment_outcome_date') }}
),

all_plans_issued as (
    select
        {{ days_between('request_date', 'final_plan_issued_date') }} as days_to_issue,
        exception_applies
    from requests
    where {{ in_period('final_plan_issued_date') }}
),

plans_issued as (
    select days_to_issue from all_plans_issued where not exception_applies
)

{{ kpi_rows('ehcna_requests', 'count', 'requests_received', numerator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcna_refusal_rate', 'percent', 'decisions',
            numerator="sum(case when decision_to_assess = 'NO' then 1 else 0 end)", denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcna_issue_rate', 'percent', 'assessment_outcomes',
            numerator="sum(case when assessment_outcome = 'ISSUE' then 1 else 0 end)", denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcp_issued_20_weeks', 'percent', 'plans_issued',
            numerator='sum(case when days_to_issue <= 140 then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcp_issued_20_weeks_all', 'percent', 'all_plans_issued',
            numerator='sum(case when days_to_issue <= 140 then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('mediation_rate', 'percent', 'requests_received',
            numerator='sum(case when went_to_mediation then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('tribunal_rate', 'percent', 'requests_received',
            numerator='sum(case when went_to_tribunal then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
