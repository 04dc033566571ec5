-- The SEND cohort: one row per county resident aged 0-25 at the reporting date with any SEND
-- indicator, at their highest status EHCP > SEN_SUPPORT > EAPDR > EARLY_YEARS_MARKER >
-- HEALTH_IDENTIFIED. No NHS number, UPN, postcode or date of birth: person_id is a hash.
with indicators as (
    select
        person_id,
        1 as status_rank
    from {{ ref('int_ehcp_active_plans') }}
    where person_id is not null
    union all
    select
        person.person_id,
        2
    from {{ ref('stg_council__school_census') }} as census
    {{ record_person('school_census', 'census') }}
    where census.sen_provision = 'K'
    union all
    select
        person.person_id,
        3
    from {{ ref('stg_council__eapdr_requests') }} as eapdr
    {{ record_person('eapdr_requests', 'eapdr') }}
    where eapdr.request_status = 'OPEN' and eapdr.request_date <= {{ reporting_date() }}
    union all
    select
        person.person_id,
        4
    from {{ ref('stg_council__early_years_entitlements') }} as early_years
    {{ record_person('early_years', 'early_years') }}
    where early_years.is_latest_term and early_years.has_send_marker
    union all
    select
        person.person_id,
        5
    from {{ ref('stg_icb__gp_registered_population') }} as gp
    {{ record_person('gp_registration', 'gp') }}
    where gp.on_learning_disability_register or gp.has_autism_diagnosis
    union all
    select
        person.person_id,
        5
    from {{ ref('stg_mpft__slt_referrals') }} as slt
    {{ record_person('mpft_slt_referrals', 'slt') }}
    where
        slt.referral_date <= {{ reporting_date() }}
        and (slt.discharge_date is null or slt.discharge_date > {{ reporting_date() }})
    union all
    select
        person.person_id,
        5
    from {{ ref('stg_mpft__epr_send_markers') }} as markers
    {{ record_person('mpft_epr_send_markers', 'markers') }}
    where markers.marker_date <= {{ reporting_date() }}
),

statuses as (
    select
        person_id,
        min(status_rank) as status_rank,
        max(case when status_rank = 1 then 1 else 0 end) = 1 as has_active_ehcp,
        max(case when status_rank = 2 then 1 else 0 end) = 1 as has_sen_support,
        max(case when status_rank = 3 then 1 else 0 end) = 1 as has_open_eapdr,
        max(case when status_rank = 4 then 1 else 0 end) = 1 as has_early_years_marker,
        max(case when status_rank = 5 then 1 else 0 end) = 1 as is_health_identified
    from indicators
    group by person_id
),

-- age (from the date of birth) and sex from the first ranked source that has a date of birth
demographics as (
    select
        person_id,
        age,
        sex,
        row_number() over (partition by person_id order by source_rank) as dob_preference,
        row_number() over (
            partition by person_id order by case when sex is null then 1 else 0 end, source_rank
        ) as sex_preference
    from {{ ref('int_person_records') }}
    where source_rank is not null and age is not null
),

people as (
    select
        statuses.*,
        dob.age,
        sex_source.sex
    from statuses
    left join demographics as dob on dob.person_id = statuses.person_id and dob.dob_preference = 1
    left join demographics as sex_source on sex_source.person_id = statuses.person_id and sex_source.sex_preference = 1
),

-- which partners' records the person was built from
partner_records as (
    select distinct
        person_id,
        partner
    from {{ ref('int_person_records') }}
),

partners as (
    select
        person_id,
        max(case when partner = 'council' then 1 else 0 end) as council,
        max(case when partner = 'icb' then 1 else 0 end) as icb,
        max(case when partner = 'mpft' then 1 else 0 end) as mpft,
        max(case when partner = 'nscht' then 1 else 0 end) as nscht
    from partner_records
    group by person_id
)

select
    people.person_id,
    case people.status_rank
        when 1 then 'EHCP'
        when 2 then 'SEN_SUPPORT'
        when 3 then 'EAPDR'
        when 4 then 'EARLY_YEARS_MARKER'
        when 5 then 'HEALTH_IDENTIFIED'
    end as sen_status,
    people.has_active_ehcp,
    people.has_sen_support,
    people.has_open_eapdr,
    people.has_early_years_marker,
    people.is_health_identified,
    {{ age_band('people.age') }} as age_band,
    people.sex,
    residence.residence_lad_code as residence_district_code,
    residence.residence_source,
    registration.sub_icb_code as registered_sub_icb_code,
    registration.person_id is not null as has_gp_registration,
    adjustments.person_id is not null as has_reasonable_adjustment_flag,
    adjustments.impairment_codes as reasonable_adjustment_impairments,
    adjustments.adjustment_categories as reasonable_adjustment_categories,
    concat_ws(
        '|',
        case when partners.council = 1 then 'council' end,
        case when partners.icb = 1 then 'icb' end,
        case when partners.mpft = 1 then 'mpft' end,
        case when partners.nscht = 1 then 'nscht' end
    ) as contributing_partners
from people
inner join {{ ref('int_residence') }} as residence on residence.person_id = people.person_id
inner join partners on partners.person_id = people.person_id
left join {{ ref('int_registered_sub_icb') }} as registration on registration.person_id = people.person_id
left join {{ ref('int_reasonable_adjustments') }} as adjustments on adjustments.person_id = people.person_id
where
    residence.is_county_resident
    and (people.age is null or people.age between 0 and 25)
