-- EHC needs assessment and plan flow KPIs from the SEN2 return, over the 12 months ending on the
-- reporting date (the calendar year for 31 December: the DfE's figures), COUNTY only
-- (national-formats.md v2, "What the warehouse computes from it"): each KPI's events of
-- int_kpi_facts__sen2_flow_events (macro sen2_flow_events, their one definition, also read by
-- ehcp_flow_reconciliation) dated in the period. Days are counted from the request's receiveddate.
--   ehcna_requests           numerator: requests received in period                       denominator: none
--   ehcna_decision_6_weeks   numerator: of those decided (outcome Y or N), decided within 42 days
--                            denominator: requests received in period with outcome Y or N
--   ehcna_refusal_rate       numerator: requests decided in period not to assess (N)
--                            denominator: requests decided in period (Y or N)
--   ehcna_issue_rate         numerator: assessments decided in period to issue (Y)
--                            denominator: assessments decided in period (Y or N)
--   ehcp_new_plans           numerator: assessments with outcome Y issued in period (H and S, transfers in,
--                            are not new)
--   ehcp_issued_20_weeks     numerator: plans issued in period within 140 days
--                            denominator: plans issued in period (outcome Y) with week20 no and no
--                            assessment mediation or tribunal
--   ehcp_issued_20_weeks_all numerator: plans issued in period within 140 days
--                            denominator: plans issued in period (outcome Y)
--   ehcna_no_issue_16_weeks  numerator: decisions in period not to issue (N) within 112 days
--                            denominator: decisions in period not to issue
--   annual_review_4_weeks    numerator: review decisions (lastreview) in period within 28 days of the meeting
--                            denominator: review decisions in period
--   ehcp_ceased              numerator: named plans with ceasedate in period, by ceasereason
--   mediation_rate           numerator: requests received in period with mediation (request, assessment or other)
--                            denominator: requests received in period
--   tribunal_rate            the same for tribunals
{%- set sources = sen2_plan_sources() %}
{%- set kpi_ids = ['ehcna_requests',
                   'ehcna_decision_6_weeks',
                   'ehcna_refusal_rate',
                   'ehcna_issue_rate',
                   'ehcp_new_plans',
                   'ehcp_issued_20_weeks',
                   'ehcp_issued_20_weeks_all',
                   'ehcna_no_issue_16_weeks',
                   'annual_review_4_weeks',
                   'ehcp_ceased',
                   'mediation_rate',
                   'tribunal_rate'] %}
{%- set kpi_row_sets = [] %}
{%- for kpi_id in kpi_ids %}
    {%- do kpi_row_sets.append(kpi_rows(kpi_id, ref('int_kpi_facts__sen2_flow_events'),
                                        where="kpi_id = '" ~ kpi_id ~ "' and " ~ in_period('event_date'),
                                        numerator='sum(numerator)',
                                        denominator='sum(denominator)' if kpi_registry()[kpi_id]['unit'] == 'percent'
                                                    else none,
                                        sources=sources)) %}
{%- endfor %}

{{ kpi_row_sets | join('\nunion all\n') }}
