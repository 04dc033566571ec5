-- Funded early years claims of the latest term in the current file, county residents: one row per
-- claim (a child can have several, by entitlement), with the child's residence district.
select
    residence.residence_lad_code as district_code,
    claims.child_id_pseudo,
    claims.entitlement as service_line,
    claims.has_send_marker
from {{ ref('stg_council__early_years_entitlements') }} as claims
{{ record_person('early_years', 'claims') }}
inner join {{ ref('int_residence') }} as residence on residence.person_id = person.person_id
where
    claims.is_latest_term
    and residence.is_county_resident
