-- One row per SEN2 named plan active at the reporting date (startdate on or before it, ceasedate
-- blank or on or after it: a plan is maintained through its cease date), as the DfE counts them:
-- every plan the council maintains. Holder's age at the reporting date, sex and ethnic group, the
-- plan's primary need and placement type (int_sen2_plans).
select
    namedplantableid,
    person_id,
    age,
    {{ age_band('age') }} as age_band,
    sex,
    ethnicity_group,
    primary_need,
    placement_type
from {{ ref('int_sen2_plans') }}
where
    startdate <= {{ reporting_date() }}
    and (ceasedate is null or ceasedate >= {{ reporting_date() }})
