-- Every staging record that names a person, resolved to its person once (int_person_links by
-- person_identifier): one row per record (source and record_number, the staging row's _row_number)
-- with its partner, the source's rank, age at the reporting date (dates of birth stay in staging),
-- sex, residence LSOA and the date the record observed the person. source_rank orders the sources
-- supplying age, sex and residence (1 first): SEN2 person (age and sex; SEN2 carries a postcode,
-- not an LSOA), school census, GP registration, early years, post-16, SLT; null for records that
-- only show the person was seen. Reasonable Adjustment flags are records only with consent
-- RACONSENT (national-formats.md v2).
with links as (
    select
        identifier,
        person_id
    from {{ ref('int_person_links') }}
),

records as (
    select
        {{ person_identifier(la_child_id='persontableid_pseudo', upn='upn_pseudo') }} as identifier,
        _row_number as record_number,
        'sen2_person' as source,
        'council' as partner,
        1 as source_rank,
        {{ age_in_years('personbirthdate') }} as age,
        sex,
        cast(null as {{ dbt.type_string() }}) as lsoa_code,
        cast(null as date) as observed_on
    from {{ ref('stg_council__sen2_person') }}
    union all
    select
        {{ person_identifier(la_child_id='la_child_id_pseudo', upn='upn_pseudo') }},
        _row_number,
        'school_census',
        'council',
        2,
        {{ age_in_years('date_of_birth') }},
        sex,
        lsoa_code,
        census_date
    from {{ ref('stg_council__school_census') }}
    union all
    select
        {{ person_identifier(nhs_number='nhs_number_pseudo') }},
        _row_number,
        'gp_registration',
        'icb',
        3,
        {{ age_in_years('date_of_birth') }},
        sex,
        lsoa_code,
        registration_date
    from {{ ref('stg_icb__gp_registered_population') }}
    union all
    select
        {{ person_identifier(la_child_id='la_child_id_pseudo', child_id='child_id_pseudo') }},
        _row_number,
        'early_years',
        'council',
        4,
        {{ age_in_years('date_of_birth') }},
        sex,
        lsoa_code,
        term_start_date
    from {{ ref('stg_council__early_years_entitlements') }}
    union all
    select
        {{ person_identifier(la_child_id='la_child_id_pseudo', upn='upn_pseudo') }},
        _row_number,
        'post16_activity',
        'council',
        5,
        {{ age_in_years('date_of_birth') }},
        null,
        null,
        activity_month_start
    from {{ ref('stg_council__post16_activity') }}
    union all
    select
        {{ person_identifier(nhs_number='nhs_number_pseudo') }},
        _row_number,
        'mpft_slt_referrals',
        'mpft',
        6,
        {{ age_in_years('date_of_birth') }},
        null,
        null,
        referral_date
    from {{ ref('stg_mpft__slt_referrals') }}
    union all
    select
        {{ person_identifier(la_child_id='la_child_id_pseudo', upn='upn_pseudo') }},
        _row_number,
        'eapdr_requests',
        'council',
        null,
        null,
        null,
        null,
        request_date
    from {{ ref('stg_council__eapdr_requests') }}
    union all
    select
        {{ person_identifier(la_child_id='persontableid_pseudo') }},
        _row_number,
        'sen2_requests',
        'council',
        null,
        null,
        null,
        null,
        receiveddate
    from {{ ref('stg_council__sen2_requests') }}
    where persontableid_pseudo is not null
    union all
    {%- for partner in partners_sending('camhs_referrals') %}
        select
            {{ person_identifier(nhs_number='nhs_number_pseudo') }},
            _row_number,
            '{{ partner }}_camhs_referrals',
            '{{ partner }}',
            null,
            {{ age_in_years('date_of_birth') }},
            null,
            null,
            referral_date
        from {{ ref('stg_' ~ partner ~ '__camhs_referrals') }}
        union all
    {%- endfor %}
    {%- for partner in partners_sending('reasonable_adjustment_flags') %}
        select
            {{ person_identifier(nhs_number='nhs_number_pseudo') }},
            _row_number,
            '{{ partner }}_reasonable_adjustment_flags',
            '{{ partner }}',
            null,
            null,
            null,
            null,
            recorded_date
        from {{ ref('stg_' ~ partner ~ '__reasonable_adjustment_flags') }}
        where consent = 'RACONSENT'  -- a dissent or revocation is never linked to a person
        union all
    {%- endfor %}
    select
        {{ person_identifier(nhs_number='nhs_number_pseudo') }},
        _row_number,
        'mpft_epr_send_markers',
        'mpft',
        null,
        null,
        null,
        null,
        marker_date
    from {{ ref('stg_mpft__epr_send_markers') }}
)

select
    links.person_id,
    records.source,
    records.record_number,
    records.partner,
    records.source_rank,
    records.age,
    records.sex,
    records.lsoa_code,
    records.observed_on
from records
inner join links on links.identifier = records.identifier
