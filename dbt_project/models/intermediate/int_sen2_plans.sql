-- One row per SEN2 named EHC plan (module 4a), with its holder (module 1 through the request and the
-- assessment: person_id, age at the reporting date, sex, ethnic group; dates of birth stay in staging),
-- the plan's primary need (the rank-1 SEN need of the request's active plan, module 5c;
-- DS folded into OTH as the DfE publishes it; unknown when the active plan has no rank-1 need or two)
-- and its placement type (int_sen2_placement_types). A plan is active on a date from its startdate
-- through its ceasedate (national-formats.md v2).
with plans as (
    select
        namedplan.namedplantableid,
        namedplan.startdate,
        namedplan.ceasedate,
        namedplan.ceasereason,
        requests.requeststableid,
        requests.persontableid_pseudo
    from {{ ref('stg_council__sen2_namedplan') }} as namedplan
    inner join {{ ref('stg_council__sen2_assessment') }} as assessment
        on assessment.assessmenttableid = namedplan.assessmenttableid
    inner join {{ ref('stg_council__sen2_requests') }} as requests
        on requests.requeststableid = assessment.requeststableid
),

active_plan_records as (
    select
        activeplanstableid,
        requeststableid
    from {{ ref('stg_council__sen2_activeplans') }}
),

primary_needs as (
    select
        activeplanstableid,
        case when count(*) = 1 then case min(sentype) when 'DS' then 'OTH' else min(sentype) end end as primary_need
    from {{ ref('stg_council__sen2_senneed') }}
    where sentyperank = '1'
    group by activeplanstableid
),

holders as (
    select
        holder.persontableid_pseudo,
        person.person_id,
        {{ age_in_years('holder.personbirthdate') }} as age,
        holder.sex,
        {{ ethnicity_group('holder.ethnicity') }} as ethnicity_group
    from {{ ref('stg_council__sen2_person') }} as holder
    {{ record_person('sen2_person', 'holder', join='left') }}
),

described as (
    select
        plans.namedplantableid,
        plans.requeststableid,
        holders.person_id,
        holders.age,
        holders.sex,
        holders.ethnicity_group,
        plans.startdate,
        plans.ceasedate,
        plans.ceasereason,
        min(primary_needs.primary_need) as primary_need,
        min(placements.placement_type) as placement_type
    from plans
    left join holders on holders.persontableid_pseudo = plans.persontableid_pseudo
    left join active_plan_records on active_plan_records.requeststableid = plans.requeststableid
    left join primary_needs on primary_needs.activeplanstableid = active_plan_records.activeplanstableid
    left join {{ ref('int_sen2_placement_types') }} as placements
        on placements.activeplanstableid = active_plan_records.activeplanstableid
    group by
        plans.namedplantableid, plans.requeststableid, holders.person_id, holders.age,
        holders.sex, holders.ethnicity_group, plans.startdate, plans.ceasedate, plans.ceasereason
)

select * from described
