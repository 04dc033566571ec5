-- EHC needs assessment and plan flow KPIs from the SEN2 return, over the 12 months ending on the
-- reporting date (the calendar year for 31 December: the DfE's figures), COUNTY only
-- (national-formats.md v2, "What the warehouse computes from it"). Days are counted from the
-- request's receiveddate.
--   ehcna_requests           numerator: requests received in period                       denominator: none
--   ehcna_decision_6_weeks   numerator: of those decided (outcome Y or N), decided within 42 days
--                            denominator: requests received in period with outcome Y or N
--   ehcna_refusal_rate       numerator: requests decided in period not to assess (N)     denominator: requests decided in period (Y or N)
--   ehcna_issue_rate         numerator: assessments decided in period to issue (Y)        denominator: assessments decided in period (Y or N)
--   ehcp_new_plans           numerator: assessments with outcome Y issued in period (H and S, transfers in, are not new)
--   ehcp_issued_20_weeks     numerator: plans issued in period within 140 days
--                            denominator: plans issued in period (outcome Y) with week20 no and no assessment mediation or tribunal
--   ehcp_issued_20_weeks_all numerator: plans issued in period within 140 days    denominator: plans issued in period (outcome Y)
--   ehcna_no_issue_16_weeks  numerator: decisions in period not to issue (N) within 112 days
--                            denominator: decisions in period not to issue
--   annual_review_4_weeks    numerator: review decisions (lastreview) in period within 28 days of the meeting
--                            denominator: review decisions in period
--   ehcp_ceased              numerator: named plans with ceasedate in period, by ceasereason
--   mediation_rate           numerator: requests received in period with mediation (request, assessment or other)
--                            denominator: requests received in period
--   tribunal_rate            the same for tribunals
{%- set sources = sen2_plan_sources() %}

with requests as (
    select * from {{ ref('stg_council__sen2_requests') }}
),

assessments as (
    select
        assessment.*,
        requests.receiveddate,
        {{ days_between('requests.receiveddate', 'assessment.assessmentoutcomedate') }} as days_to_outcome
    from {{ ref('stg_council__sen2_assessment') }} as assessment
    inner join requests on requests.requeststableid = assessment.requeststableid
),

disputes as (
    select
        requeststableid,
        max(case when assessmentmediation or othermediation then 1 else 0 end) as assessment_mediation,
        max(case when assessmenttribunal or othertribunal then 1 else 0 end) as assessment_tribunal
    from assessments
    group by requeststableid
),

requests_received as (
    select
        requests.*,
        {{ days_between('requests.receiveddate', 'requests.requestoutcomedate') }} as days_to_decision,
        coalesce(requests.requestmediation, false) or coalesce(disputes.assessment_mediation, 0) = 1 as went_to_mediation,
        coalesce(requests.requesttribunal, false) or coalesce(disputes.assessment_tribunal, 0) = 1 as went_to_tribunal
    from requests
    left join disputes on disputes.requeststableid = requests.requeststableid
    where {{ in_period('requests.receiveddate') }}
),

received_and_decided as (
    select * from requests_received where requestoutcome in ('Y', 'N')
),

request_decisions as (
    select * from requests where requestoutcome in ('Y', 'N') and {{ in_period('requestoutcomedate') }}
),

assessment_decisions as (
    select * from assessments where assessmentoutcome in ('Y', 'N') and {{ in_period('assessmentoutcomedate') }}
),

plans_issued as (
    select * from assessment_decisions where assessmentoutcome = 'Y'
),

plans_issued_without_exceptions as (
    select * from plans_issued
    where not coalesce(week20, false)
      and not coalesce(assessmentmediation, false)
      and not coalesce(assessmenttribunal, false)
),

decisions_not_to_issue as (
    select * from assessment_decisions where assessmentoutcome = 'N'
),

review_decisions as (
    select {{ days_between('reviewmeeting', 'lastreview') }} as days_to_decision
    from {{ ref('stg_council__sen2_activeplans') }}
    where {{ in_period('lastreview') }}
),

plans_ceased as (
    select ceasereason as cease_reason from {{ ref('int_sen2_plans') }} where {{ in_period('ceasedate') }}
)

{{ kpi_rows('ehcna_requests', 'count', 'requests_received', numerator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcna_decision_6_weeks', 'percent', 'received_and_decided',
            numerator='sum(case when days_to_decision <= 42 then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcna_refusal_rate', 'percent', 'request_decisions',
            numerator="sum(case when requestoutcome = 'N' then 1 else 0 end)", denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcna_issue_rate', 'percent', 'assessment_decisions',
            numerator="sum(case when assessmentoutcome = 'Y' then 1 else 0 end)", denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcp_new_plans', 'count', 'plans_issued', numerator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcp_issued_20_weeks', 'percent', 'plans_issued_without_exceptions',
            numerator='sum(case when days_to_outcome <= 140 then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcp_issued_20_weeks_all', 'percent', 'plans_issued',
            numerator='sum(case when days_to_outcome <= 140 then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcna_no_issue_16_weeks', 'percent', 'decisions_not_to_issue',
            numerator='sum(case when days_to_outcome <= 112 then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('annual_review_4_weeks', 'percent', 'review_decisions',
            numerator='sum(case when days_to_decision <= 28 then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('ehcp_ceased', 'count', 'plans_ceased', numerator='count(*)', breakdowns=['CEASE_REASON'],
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('mediation_rate', 'percent', 'requests_received',
            numerator='sum(case when went_to_mediation then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
union all
{{ kpi_rows('tribunal_rate', 'percent', 'requests_received',
            numerator='sum(case when went_to_tribunal then 1 else 0 end)', denominator='count(*)',
            geography='county', period='flow', sources=sources) }}
