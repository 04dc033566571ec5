-- One row per person with an active Reasonable Adjustment flag at the reporting date, with the
-- impairment and adjustment categories of their active flags. Per flag_id the latest record
-- across MPFT and NSCHT decides (latest review, else recording date); entered-in-error records
-- are ignored.
with flag_records as (
    select 'mpft_reasonable_adjustment_flags' as person_source, _row_number,
           flag_id, provider, flag_status, recorded_date, last_reviewed_date, impairments, adjustments
    from {{ ref('stg_mpft__reasonable_adjustment_flags') }}
    union all
    select 'nscht_reasonable_adjustment_flags', _row_number,
           flag_id, provider, flag_status, recorded_date, last_reviewed_date, impairments, adjustments
    from {{ ref('stg_nscht__reasonable_adjustment_flags') }}
),

latest as (
    select
        flag_records.*,
        row_number() over (
            partition by flag_id
            order by coalesce(last_reviewed_date, recorded_date) desc, recorded_date desc, provider
        ) as recency
    from flag_records
    where flag_status <> 'entered-in-error'
      and recorded_date <= {{ reporting_date() }}
),

active_flags as (
    select person.person_id, latest.impairments, latest.adjustments
    from latest
    -- record_person's join, the source taken from the record (two trusts' flags)
    inner join {{ ref('int_person_records') }} as person
        on person.source = latest.person_source and person.record_number = latest._row_number
    where latest.recency = 1
      and latest.flag_status = 'active'
),

categories as (
    select
        person_id,
        count(*) as active_flags
        {%- for code in var('impairment_categories') %}
        , max(case when {{ list_contains('impairments', code) }} then 1 else 0 end) as impairment_{{ loop.index }}
        {%- endfor %}
        {%- for code in var('adjustment_categories') %}
        , max(case when {{ list_contains('adjustments', code) }} then 1 else 0 end) as adjustment_{{ loop.index }}
        {%- endfor %}
    from active_flags
    group by person_id
)

select
    person_id,
    active_flags,
    nullif(concat_ws('|'
        {%- for code in var('impairment_categories') %}
        , case when impairment_{{ loop.index }} = 1 then '{{ code }}' end
        {%- endfor %}
    ), '') as impairment_categories,
    nullif(concat_ws('|'
        {%- for code in var('adjustment_categories') %}
        , case when adjustment_{{ loop.index }} = 1 then '{{ code }}' end
        {%- endfor %}
    ), '') as adjustment_categories
from categories
