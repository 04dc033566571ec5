-- EAPDR requests received in the 12 months ending on the reporting date, one row per request,
-- placed by the hub's district.
select
    request_id,
    hub_district as district_code
from {{ ref('stg_council__eapdr_requests') }}
where {{ in_period('request_date') }}
