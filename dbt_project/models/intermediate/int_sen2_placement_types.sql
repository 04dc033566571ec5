-- The placement type of each SEN2 active plan (national-formats.md v2): from its rank-1 placement's
-- establishment (GIAS type group and type, by URN, else UKPRN), or from sensetting where the placement
-- has neither, with the unit and resourced-provision indicators. A URN/UKPRN not in the establishments
-- file gives no type (null: unknown, the landing row issue URN_NOT_IN_ESTABLISHMENTS).
with placements as (
    select * from {{ ref('stg_council__sen2_placementdetail') }}
    where placementrank = '1'
),

establishments as (
    select * from {{ ref('stg_council__establishments') }}
),

typed as (
    select
        p.placementdetailtableid,
        p.activeplanstableid,
        p.urn,
        p.ukprn,
        p.sensetting,
        coalesce(p.senunitindicator, false) or coalesce(p.resourcedprovisionindicator, false) as has_unit,
        lower(coalesce(by_urn.type_of_establishment, by_ukprn.type_of_establishment)) as establishment_type,
        coalesce(by_urn.establishment_type_group, by_ukprn.establishment_type_group) as type_group
    from placements as p
    left join establishments as by_urn on p.urn = by_urn.urn
    left join establishments as by_ukprn on p.urn is null and p.ukprn = by_ukprn.ukprn
)

select
    placementdetailtableid,
    activeplanstableid,
    case
        when urn is null and ukprn is null
            then case sensetting
                when 'EHE' then 'HOME_EDUCATED'
                when 'NEET' then 'NEET'
                when 'EYP' then 'EARLY_YEARS'
                when 'OLA' then 'OTHER'
                when 'OPA' then 'OTHER'
                when 'OTH' then 'OTHER'
                when 'NIEC' then 'OTHER'
                when 'NIEO' then 'OTHER'
            end
        when type_group is null then null
        when establishment_type like '%special%'
            then case
                when type_group = 'Independent schools' or establishment_type like '%non-maintained%'
                    then 'SPECIAL_INDEPENDENT'
                else 'SPECIAL_STATE'
            end
        when establishment_type like '%pupil referral%' or establishment_type like '%alternative provision%'
            then 'AP_PRU'
        when
            type_group in ('Colleges', 'Universities') or establishment_type like '%sixth form%'
            or establishment_type like '%further education%' then 'FE_COLLEGE'
        when has_unit then 'RESOURCED_PROVISION'
        when type_group in (
            'Local authority maintained schools', 'Academies', 'Free Schools',
            'Independent schools'
        ) then 'MAINSTREAM'
        else 'OTHER'
    end as placement_type
from typed
