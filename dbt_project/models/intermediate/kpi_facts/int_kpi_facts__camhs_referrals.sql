-- CAMHS referrals of every trust that sends them (MPFT South, NSCHT North) in their current files,
-- one row per referral, by the referral's sub-ICB.
{% for partner in partners_sending('camhs_referrals') %}
    {%- if not loop.first %}
        union all
    {% endif -%}
    select
        referral_id,
        provider,
        service_line,
        sub_icb_code,
        referral_date,
        first_contact_date,
        treatment_start_date,
        closed_date
    from {{ ref('stg_' ~ partner ~ '__camhs_referrals') }}
{%- endfor %}
