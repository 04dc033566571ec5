-- EHC plan KPIs, as at the reporting date (COUNTY and DISTRICT): the SEN2 named plans the council
-- maintains (the DfE's count), at COUNTY whatever the holder's residence; at DISTRICT by the
-- holder's residence (a holder the linkage cannot place counts at COUNTY only).
--   ehcp_count               numerator: active EHC plans
--                            denominator: none
--   ehcp_rate_0_25           numerator: active EHC plans of holders aged 0-25
--                            denominator: GP-registered county residents aged 0-25 (value per 1,000)
--   ehcp_primary_need_share  numerator: active plans with the primary need
--                            denominator: active plans (of the same sex / age band / ethnic group
--                            for the cross-tabulations)
--   ehcp_placement_share     numerator: active plans with the placement type
--                            denominator: active plans
{%- set sources = sen2_plan_sources() + residence_sources() %}

with plans as (
    select
        case when residence.is_county_resident then residence.residence_lad_code end as district_code,
        plans.age,
        plans.sex,
        plans.age_band,
        plans.primary_need,
        plans.ethnicity_group,
        plans.placement_type
    from {{ ref('int_ehcp_active_plans') }} as plans
    left join {{ ref('int_residence') }} as residence on residence.person_id = plans.person_id
),

registered_residents as (
    select
        residence.residence_lad_code as district_code,
        gp.sex,
        {{ age_band(age_in_years('gp.date_of_birth')) }} as age_band
    from {{ ref('stg_icb__gp_registered_population') }} as gp
    {{ record_person('gp_registration', 'gp') }}
    inner join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
    where
        residence.is_county_resident
        and {{ age_in_years('gp.date_of_birth') }} between 0 and 25
),

plans_and_population as (
    select
        district_code,
        sex,
        age_band,
        1 as is_plan,
        0 as is_registered
    from plans
    where age between 0 and 25
    union all
    select
        district_code,
        sex,
        age_band,
        0,
        1
    from registered_residents
)

{{ kpi_rows('ehcp_count', 'plans', numerator='count(*)',
            sources=sources) }}
union all
{{ kpi_rows('ehcp_rate_0_25', 'plans_and_population',
            numerator='sum(is_plan)', denominator='sum(is_registered)', sources=sources) }}
union all
{{ kpi_rows('ehcp_primary_need_share', 'plans', numerator='count(*)', share=true,
            sources=sources) }}
union all
{{ kpi_rows('ehcp_placement_share', 'plans', numerator='count(*)', share=true, sources=sources) }}
