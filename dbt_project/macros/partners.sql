{#- Generated from connectors/contracts/ by `python -m connectors.dbt_sources`: edit the contracts, not this file. -#}

{#- The partners whose contracts include an extract: a model unions their staging models
    (stg_<partner>__<extract>) with a loop over this list. -#}
{% macro partners_sending(extract) -%}
    {%- set partners = {
        'assessments': ['dfe'],
        'camhs_referrals': ['mpft', 'nscht'],
        'caseload': ['dfe'],
        'eapdr_requests': ['council'],
        'early_years_entitlements': ['council'],
        'epr_send_markers': ['mpft'],
        'establishments': ['council'],
        'gp_practices': ['icb'],
        'gp_registered_population': ['icb'],
        'lsoa_lookup': ['icb'],
        'post16_activity': ['council'],
        'reasonable_adjustment_flags': ['mpft', 'nscht'],
        'requests': ['dfe'],
        'school_census': ['council'],
        'sen2_activeplans': ['council'],
        'sen2_assessment': ['council'],
        'sen2_header': ['council'],
        'sen2_namedplan': ['council'],
        'sen2_person': ['council'],
        'sen2_placementdetail': ['council'],
        'sen2_plandetail': ['council'],
        'sen2_requests': ['council'],
        'sen2_senneed': ['council'],
        'sen_needs_all_plans': ['dfe'],
        'slt_referrals': ['mpft'],
        'timeliness_20_week': ['dfe']
    } -%}
    {{- return(partners[extract]) -}}
{%- endmacro %}
