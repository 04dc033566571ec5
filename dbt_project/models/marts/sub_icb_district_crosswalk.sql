-- Published sub-ICB -> district crosswalk: for each sub-ICB, the share (weight) of its 0-25
-- registered population living in each district, Stoke-on-Trent (E06000021) or OUTSIDE_ICB,
-- with the populations the weight rests on. Health KPIs are apportioned to districts with it.
-- status: available (the public tier withholds small populations and sets suppressed).
select
    sub_icb_code,
    lad_code,
    weight,
    population,
    sub_icb_population,
    'available' as status
from {{ ref('int_sub_icb_district_weights') }}
