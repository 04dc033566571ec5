{#- Generated from kpis/registry.yml by `python -m kpis`: edit the registry, not this file.
    kpi_registry(): what kpi_rows needs of each KPI; kpi_vocabulary(): the values those may take. -#}
{% macro kpi_registry() -%}
{{ return({
    "ehcp_count": {"unit": "count", "breakdowns": ["SEX", "AGE_BAND", "PRIMARY_NEED", "ETHNICITY_GROUP", "PLACEMENT_TYPE"], "geography": "residence", "period": "stock"},
    "ehcp_rate_0_25": {"unit": "per_1000", "breakdowns": ["SEX", "AGE_BAND"], "geography": "residence", "period": "stock"},
    "ehcp_primary_need_share": {"unit": "percent", "breakdowns": ["PRIMARY_NEED", "SEX|PRIMARY_NEED", "AGE_BAND|PRIMARY_NEED", "ETHNICITY_GROUP|PRIMARY_NEED"], "geography": "residence", "period": "stock"},
    "ehcp_placement_share": {"unit": "percent", "breakdowns": ["PLACEMENT_TYPE"], "geography": "residence", "period": "stock"},
    "sen_support_count": {"unit": "count", "breakdowns": ["SEX", "PRIMARY_NEED", "AGE_BAND"], "geography": "residence", "period": "stock"},
    "sen_support_pct": {"unit": "percent", "breakdowns": ["SEX"], "geography": "residence", "period": "stock"},
    "send_prevalence_by_fsm": {"unit": "percent", "breakdowns": ["FSM"], "geography": "residence", "period": "stock"},
    "ehcna_requests": {"unit": "count", "breakdowns": [], "geography": "county", "period": "flow"},
    "ehcna_refusal_rate": {"unit": "percent", "breakdowns": [], "geography": "county", "period": "flow"},
    "ehcna_issue_rate": {"unit": "percent", "breakdowns": [], "geography": "county", "period": "flow"},
    "ehcp_issued_20_weeks": {"unit": "percent", "breakdowns": [], "geography": "county", "period": "flow"},
    "ehcp_issued_20_weeks_all": {"unit": "percent", "breakdowns": [], "geography": "county", "period": "flow"},
    "mediation_rate": {"unit": "percent", "breakdowns": [], "geography": "county", "period": "flow"},
    "tribunal_rate": {"unit": "percent", "breakdowns": [], "geography": "county", "period": "flow"},
    "ehcp_new_plans": {"unit": "count", "breakdowns": [], "geography": "county", "period": "flow"},
    "ehcna_decision_6_weeks": {"unit": "percent", "breakdowns": [], "geography": "county", "period": "flow"},
    "ehcna_no_issue_16_weeks": {"unit": "percent", "breakdowns": [], "geography": "county", "period": "flow"},
    "annual_review_4_weeks": {"unit": "percent", "breakdowns": [], "geography": "county", "period": "flow"},
    "ehcp_ceased": {"unit": "count", "breakdowns": ["CEASE_REASON"], "geography": "county", "period": "flow"},
    "absence_rate": {"unit": "percent", "breakdowns": ["SEN_STATUS"], "geography": "residence", "period": "stock"},
    "persistent_absence": {"unit": "percent", "breakdowns": ["SEN_STATUS"], "geography": "residence", "period": "stock"},
    "severe_absence": {"unit": "percent", "breakdowns": ["SEN_STATUS"], "geography": "residence", "period": "stock"},
    "suspension_rate": {"unit": "per_100", "breakdowns": ["SEN_STATUS"], "geography": "residence", "period": "stock"},
    "neet_16_17": {"unit": "percent", "breakdowns": ["SEN_STATUS"], "geography": "residence", "period": "stock"},
    "activity_not_known_16_24_ehcp": {"unit": "percent", "breakdowns": [], "geography": "residence", "period": "stock"},
    "eapdr_requests": {"unit": "count", "breakdowns": [], "geography": "residence", "period": "flow"},
    "early_years_send_marker_pct": {"unit": "percent", "breakdowns": ["SERVICE_LINE"], "geography": "residence", "period": "stock"},
    "slt_referrals": {"unit": "count", "breakdowns": ["PROVIDER"], "geography": "sub_icb", "period": "flow"},
    "slt_waiting": {"unit": "count", "breakdowns": [], "geography": "sub_icb", "period": "stock"},
    "slt_waiting_over_18_weeks": {"unit": "percent", "breakdowns": [], "geography": "sub_icb", "period": "stock"},
    "camhs_referrals": {"unit": "count", "breakdowns": ["PROVIDER", "SERVICE_LINE"], "geography": "sub_icb", "period": "flow"},
    "camhs_median_wait_first_contact": {"unit": "days", "breakdowns": ["PROVIDER"], "geography": "sub_icb", "period": "flow"},
    "camhs_median_wait_still_waiting": {"unit": "days", "breakdowns": ["PROVIDER", "SERVICE_LINE"], "geography": "sub_icb", "period": "stock"},
    "camhs_treatment_18_weeks": {"unit": "percent", "breakdowns": ["PROVIDER"], "geography": "sub_icb", "period": "flow"},
    "ld_health_check_uptake": {"unit": "percent", "breakdowns": [], "geography": "residence", "period": "flow"},
    "ra_flag_coverage": {"unit": "percent", "breakdowns": ["SEN_STATUS", "IMPAIRMENT", "ADJUSTMENT_CATEGORY"], "geography": "residence", "period": "stock"},
    "cohort_size": {"unit": "count", "breakdowns": ["SEN_STATUS"], "geography": "residence", "period": "stock"},
    "cohort_health_linkage_rate": {"unit": "percent", "breakdowns": [], "geography": "residence", "period": "stock"},
}) }}
{%- endmacro %}

{% macro kpi_vocabulary() -%}
{{ return({"units": {"count": none, "percent": 100, "per_100": 100, "per_1000": 1000, "days": none}, "levels": {"residence": ["COUNTY", "DISTRICT"], "county": ["COUNTY"], "sub_icb": ["COUNTY", "SUB_ICB", "DISTRICT"]}, "periods": ["stock", "flow"]}) }}
{%- endmacro %}
