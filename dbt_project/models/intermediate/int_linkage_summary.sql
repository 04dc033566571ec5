-- Linkage outcomes as counts: identifiers by the rule that attached them to a person ('self' = the
-- identifier is the person's own key, linked to nothing else; *_ambiguous = a key that was not
-- unique and so was not linked), and council persons (rooted at a council identifier) with and
-- without a linked NHS number. Every outcome has a row, zero included.
with outcomes as (
    select
        identifier_type,
        link_rule
    from (
        values
        ('la_child_id', 'self'),
        ('upn', 'la_child_id'), ('upn', 'la_child_id_ambiguous'), ('upn', 'self'),
        ('child_id', 'la_child_id'), ('child_id', 'la_child_id_ambiguous'),
        ('child_id', 'demographic'), ('child_id', 'demographic_ambiguous'), ('child_id', 'self'),
        ('nhs_number', 'nhs_number'), ('nhs_number', 'nhs_number_ambiguous'),
        ('nhs_number', 'demographic'), ('nhs_number', 'demographic_ambiguous'), ('nhs_number', 'self')
    ) as expected (identifier_type, link_rule)
),

links as (
    select * from {{ ref('int_person_links') }}
),

council_persons as (
    select
        roots.person_id,
        max(case when numbers.identifier is not null then 1 else 0 end) as has_nhs_number
    from links as roots
    left join links as numbers
        on numbers.person_id = roots.person_id and numbers.identifier_type = 'nhs_number'
    where roots.identifier_type <> 'nhs_number' and roots.link_rule = 'self'
    group by roots.person_id
)

select
    outcomes.identifier_type,
    outcomes.link_rule,
    count(links.identifier) as key_count
from outcomes
left join links
    on links.identifier_type = outcomes.identifier_type and links.link_rule = outcomes.link_rule
group by outcomes.identifier_type, outcomes.link_rule

union all

select
    'council_person',
    'health_linked',
    count(*)
from council_persons
where has_nhs_number = 1

union all

select
    'council_person',
    'no_health_link',
    count(*)
from council_persons
where has_nhs_number = 0
