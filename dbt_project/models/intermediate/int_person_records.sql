-- Every staging record that names a person, resolved to its person once (int_person_links by
-- person_identifier): one row per record with its source, partner, the source's rank, date of
-- birth, sex, residence LSOA and the date the record observed the person. source_rank orders the
-- sources supplying demographics and residence (1 first): EHC caseload, school census, GP
-- registration, early years, post-16, SLT; null for records that only show the person was seen.
with links as (
    select identifier, person_id from {{ ref('int_person_links') }}
),

records as (
    select {{ person_identifier(la_child_id='la_child_id_pseudo') }} as identifier,
           'ehcp_caseload' as source, 'council' as partner, 1 as source_rank,
           date_of_birth, sex, lsoa_code, ehcp_start_date as observed_on
    from {{ ref('stg_council__ehcp_caseload') }}
    union all
    select {{ person_identifier(la_child_id='la_child_id_pseudo', upn='upn_pseudo') }},
           'school_census', 'council', 2, date_of_birth, sex, lsoa_code, census_date
    from {{ ref('stg_council__school_census') }}
    union all
    select {{ person_identifier(nhs_number='nhs_number_pseudo') }},
           'gp_registration', 'icb', 3, date_of_birth, sex, lsoa_code, registration_date
    from {{ ref('stg_icb__gp_registered_population') }}
    union all
    select {{ person_identifier(la_child_id='la_child_id_pseudo', child_id='child_id_pseudo') }},
           'early_years', 'council', 4, date_of_birth, sex, lsoa_code, term_start_date
    from {{ ref('stg_council__early_years_entitlements') }}
    union all
    select {{ person_identifier(la_child_id='la_child_id_pseudo', upn='upn_pseudo') }},
           'post16_activity', 'council', 5, date_of_birth, null, null, activity_month_start
    from {{ ref('stg_council__post16_activity') }}
    union all
    select {{ person_identifier(nhs_number='nhs_number_pseudo') }},
           'mpft_slt_referrals', 'mpft', 6, date_of_birth, null, null, referral_date
    from {{ ref('stg_mpft__slt_referrals') }}
    union all
    select {{ person_identifier(la_child_id='la_child_id_pseudo', upn='upn_pseudo') }},
           'eapdr_requests', 'council', null, null, null, null, request_date
    from {{ ref('stg_council__eapdr_requests') }}
    union all
    select {{ person_identifier(la_child_id='la_child_id_pseudo') }},
           'ehcna_requests', 'council', null, null, null, null, request_date
    from {{ ref('stg_council__ehcna_requests') }}
    union all
    select {{ person_identifier(nhs_number='nhs_number_pseudo') }},
           'mpft_camhs_referrals', 'mpft', null, date_of_birth, null, null, referral_date
    from {{ ref('stg_mpft__camhs_referrals') }}
    union all
    select {{ person_identifier(nhs_number='nhs_number_pseudo') }},
           'nscht_camhs_referrals', 'nscht', null, date_of_birth, null, null, referral_date
    from {{ ref('stg_nscht__camhs_referrals') }}
    union all
    select {{ person_identifier(nhs_number='nhs_number_pseudo') }},
           'mpft_reasonable_adjustment_flags', 'mpft', null, null, null, null, recorded_date
    from {{ ref('stg_mpft__reasonable_adjustment_flags') }}
    union all
    select {{ person_identifier(nhs_number='nhs_number_pseudo') }},
           'nscht_reasonable_adjustment_flags', 'nscht', null, null, null, null, recorded_date
    from {{ ref('stg_nscht__reasonable_adjustment_flags') }}
    union all
    select {{ person_identifier(nhs_number='nhs_number_pseudo') }},
           'mpft_epr_send_markers', 'mpft', null, null, null, null, marker_date
    from {{ ref('stg_mpft__epr_send_markers') }}
)

select
    links.person_id,
    records.source,
    records.partner,
    records.source_rank,
    records.date_of_birth,
    records.sex,
    records.lsoa_code,
    records.observed_on
from records
inner join links on links.identifier = records.identifier
