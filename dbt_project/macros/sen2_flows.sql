{#-
  sen2_flow_events: the events behind the SEN2 flow measures (national-formats.md v2, "What the
  warehouse computes from it"), one row per event with the date that places it in a period:
  kpi_id, event_date, numerator (1 when the event counts in the numerator, else 0), denominator
  (1, or null for a count), cease_reason (ehcp_ceased only). They are the fact model
  int_kpi_facts__sen2_flow_events, of which int_kpi_rows__ehcna keeps the events of the 12 months
  ending on the reporting date; ehcp_flow_reconciliation keeps those of each calendar year the DfE
  publishes. Days are counted from the request's receiveddate.
-#}
{% macro sen2_flow_events() -%}
select kpi_id, event_date, numerator, denominator, cease_reason
from (
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

    received as (
        select
            requests.*,
            {{ days_between('requests.receiveddate', 'requests.requestoutcomedate') }} as days_to_decision,
            coalesce(requests.requestmediation, false) or coalesce(disputes.assessment_mediation, 0) = 1
                as went_to_mediation,
            coalesce(requests.requesttribunal, false) or coalesce(disputes.assessment_tribunal, 0) = 1
                as went_to_tribunal
        from requests
        left join disputes on disputes.requeststableid = requests.requeststableid
    ),

    decided_assessments as (
        select * from assessments where assessmentoutcome in ('Y', 'N')
    )

    {%- set null_reason = 'cast(null as ' ~ dbt.type_string() ~ ')' %}
    select 'ehcna_requests' as kpi_id, receiveddate as event_date, 1 as numerator,
           cast(null as integer) as denominator, {{ null_reason }} as cease_reason
    from received
    union all
    select 'ehcna_decision_6_weeks', receiveddate, case when days_to_decision <= 42 then 1 else 0 end, 1,
           {{ null_reason }}
    from received where requestoutcome in ('Y', 'N')
    union all
    select 'ehcna_refusal_rate', requestoutcomedate, case when requestoutcome = 'N' then 1 else 0 end, 1,
           {{ null_reason }}
    from requests where requestoutcome in ('Y', 'N')
    union all
    select 'ehcna_issue_rate', assessmentoutcomedate, case when assessmentoutcome = 'Y' then 1 else 0 end, 1,
           {{ null_reason }}
    from decided_assessments
    union all
    select 'ehcp_new_plans', assessmentoutcomedate, 1, cast(null as integer), {{ null_reason }}
    from decided_assessments where assessmentoutcome = 'Y'
    union all
    select 'ehcp_issued_20_weeks', assessmentoutcomedate, case when days_to_outcome <= 140 then 1 else 0 end, 1,
           {{ null_reason }}
    from decided_assessments
    where assessmentoutcome = 'Y'
      and not coalesce(week20, false)
      and not coalesce(assessmentmediation, false)
      and not coalesce(assessmenttribunal, false)
    union all
    select 'ehcp_issued_20_weeks_all', assessmentoutcomedate, case when days_to_outcome <= 140 then 1 else 0 end,
           1, {{ null_reason }}
    from decided_assessments where assessmentoutcome = 'Y'
    union all
    select 'ehcna_no_issue_16_weeks', assessmentoutcomedate, case when days_to_outcome <= 112 then 1 else 0 end,
           1, {{ null_reason }}
    from decided_assessments where assessmentoutcome = 'N'
    union all
    select 'annual_review_4_weeks', lastreview,
           case when {{ days_between('reviewmeeting', 'lastreview') }} <= 28 then 1 else 0 end, 1, {{ null_reason }}
    from {{ ref('stg_council__sen2_activeplans') }} where lastreview is not null
    union all
    select 'ehcp_ceased', ceasedate, 1, cast(null as integer), ceasereason
    from {{ ref('int_sen2_plans') }} where ceasedate is not null
    union all
    select 'mediation_rate', receiveddate, case when went_to_mediation then 1 else 0 end, 1, {{ null_reason }}
    from received
    union all
    select 'tribunal_rate', receiveddate, case when went_to_tribunal then 1 else 0 end, 1, {{ null_reason }}
    from received
) as sen2_flow_events
{%- endmacro %}
