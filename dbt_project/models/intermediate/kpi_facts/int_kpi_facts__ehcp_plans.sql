-- EHC plans active at the reporting date, one row per plan, with the holder's residence district
-- (empty when the holder does not live in the county or the linkage cannot place them).
select
    plans.namedplantableid,
    case when residence.is_county_resident then residence.residence_lad_code end as district_code,
    plans.age,
    plans.sex,
    plans.age_band,
    plans.primary_need,
    plans.ethnicity_group,
    plans.placement_type
from {{ ref('int_ehcp_active_plans') }} as plans
left join {{ ref('int_residence') }} as residence on residence.person_id = plans.person_id
