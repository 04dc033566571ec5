-- The weights of each sub-ICB sum to 1 across all destinations.
select
    sub_icb_code,
    sum(weight) as total_weight
from {{ ref('sub_icb_district_crosswalk') }}
group by sub_icb_code
having abs(sum(weight) - 1) > 1e-9
