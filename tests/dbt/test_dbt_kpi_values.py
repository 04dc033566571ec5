"""dbt build over the hand-built people (hand_built_people.py): exact kpi_values rows for every
KPI id, district sums, linkage counts, the cohort, and no identifiers in marts.

Reporting date 2025-07-31; flow period 2024-08-01 .. 2025-07-31. Districts: CANNOCK E07000192,
NEWCASTLE E07000195, STAFFORD E07000197. Crosswalk (registrations with a known LSOA):
04Y -> Cannock 2/2; 05G -> Newcastle 3/4 (N02, N07, N10), OUTSIDE_ICB 1/4 (N17); 05V -> Stafford 1/1
(N03); 05W -> Stafford 2/3 (N09a, N09b), Stoke-on-Trent 1/3 (N16).
"""
from __future__ import annotations

import csv
import hashlib

import duckdb
import pytest

from connectors.contracts import REFERENCE_DIR
from tests.dbt.hand_built_people import DATES_OF_BIRTH, PSEUDONYMS, pseudo

COUNTY, CANNOCK, NEWCASTLE, STAFFORD, TAMWORTH = "E10000028", "E07000192", "E07000195", "E07000197", "E07000199"
T = "TOTAL"

# (kpi_id, geography_code, breakdown, breakdown_value): (numerator, denominator, value, method)
EXPECTED = {
    # ehcp_count: the SEN2 plans the council maintains = Amy, Ben, Cara, Ola, Pat (26, still a plan;
    # Dan's plan ceased 2024-12-31, Sam's 2023-06-30; N91 N92 N94 are in files that are not current).
    # Residence: Amy Cannock (census), Ben Newcastle and Cara Stafford (GP registrations); Ola and Pat
    # have no residence record: COUNTY only.
    ("ehcp_count", COUNTY, T, T): (5, None, 5, "DIRECT"),
    ("ehcp_count", COUNTY, "SEX", "F"): (2, None, 2, "DIRECT"),                   # Amy, Cara
    ("ehcp_count", COUNTY, "SEX", "M"): (3, None, 3, "DIRECT"),                   # Ben, Ola, Pat
    ("ehcp_count", COUNTY, "AGE_BAND", "5-10"): (1, None, 1, "DIRECT"),           # Amy 10
    ("ehcp_count", COUNTY, "AGE_BAND", "11-15"): (1, None, 1, "DIRECT"),          # Cara 12
    ("ehcp_count", COUNTY, "AGE_BAND", "16-19"): (2, None, 2, "DIRECT"),          # Ben 17, Ola 19; Pat 26 has none
    ("ehcp_count", COUNTY, "PRIMARY_NEED", "ASD"): (2, None, 2, "DIRECT"),
    ("ehcp_count", COUNTY, "PRIMARY_NEED", "SLCN"): (1, None, 1, "DIRECT"),
    ("ehcp_count", COUNTY, "PRIMARY_NEED", "SEMH"): (1, None, 1, "DIRECT"),
    ("ehcp_count", COUNTY, "PRIMARY_NEED", "MLD"): (1, None, 1, "DIRECT"),        # Pat
    ("ehcp_count", COUNTY, "ETHNICITY_GROUP", "White"): (2, None, 2, "DIRECT"),   # WBRI Amy, Pat
    ("ehcp_count", COUNTY, "ETHNICITY_GROUP", "Mixed"): (1, None, 1, "DIRECT"),   # MWBC
    ("ehcp_count", COUNTY, "ETHNICITY_GROUP", "Not known"): (1, None, 1, "DIRECT"),  # NOBT
    ("ehcp_count", COUNTY, "ETHNICITY_GROUP", "Asian"): (1, None, 1, "DIRECT"),   # AIND
    # placement types from the rank-1 placement's GIAS establishment, or its SEN setting (Pat: OLA)
    ("ehcp_count", COUNTY, "PLACEMENT_TYPE", "MAINSTREAM"): (1, None, 1, "DIRECT"),
    ("ehcp_count", COUNTY, "PLACEMENT_TYPE", "SPECIAL_STATE"): (1, None, 1, "DIRECT"),
    ("ehcp_count", COUNTY, "PLACEMENT_TYPE", "SPECIAL_INDEPENDENT"): (1, None, 1, "DIRECT"),
    ("ehcp_count", COUNTY, "PLACEMENT_TYPE", "FE_COLLEGE"): (1, None, 1, "DIRECT"),   # by UKPRN
    ("ehcp_count", COUNTY, "PLACEMENT_TYPE", "OTHER"): (1, None, 1, "DIRECT"),
    ("ehcp_count", NEWCASTLE, T, T): (1, None, 1, "DIRECT"),
    ("ehcp_count", CANNOCK, T, T): (1, None, 1, "DIRECT"),
    ("ehcp_count", STAFFORD, T, T): (1, None, 1, "DIRECT"),
    ("ehcp_count", TAMWORTH, T, T): (0, None, 0, "DIRECT"),
    # ehcp_rate_0_25: plans of holders aged 0-25 (Pat left out) per GP-registered county residents
    # aged 0-25 = N01 (F 5-10, Cannock), N02 (M 16-19, Newcastle), N03 (F 11-15, Stafford), N07 (M 0-4,
    # Newcastle), N09a/N09b (F 0-4, Stafford), N10 (M 20-25, Newcastle), N11 (F 11-15, Cannock) = 8;
    # N16 Stoke, N17 Shropshire, N18 no LSOA.
    ("ehcp_rate_0_25", COUNTY, T, T): (4, 8, 500, "DIRECT"),
    ("ehcp_rate_0_25", COUNTY, "SEX", "F"): (2, 5, 400, "DIRECT"),
    ("ehcp_rate_0_25", COUNTY, "SEX", "M"): (2, 3, 2000 / 3, "DIRECT"),
    ("ehcp_rate_0_25", COUNTY, "AGE_BAND", "0-4"): (0, 3, 0, "DIRECT"),
    ("ehcp_rate_0_25", COUNTY, "AGE_BAND", "5-10"): (1, 1, 1000, "DIRECT"),
    ("ehcp_rate_0_25", COUNTY, "AGE_BAND", "11-15"): (1, 2, 500, "DIRECT"),
    ("ehcp_rate_0_25", COUNTY, "AGE_BAND", "16-19"): (2, 1, 2000, "DIRECT"),      # Ola has no GP registration
    ("ehcp_rate_0_25", COUNTY, "AGE_BAND", "20-25"): (0, 1, 0, "DIRECT"),
    ("ehcp_rate_0_25", NEWCASTLE, T, T): (1, 3, 1000 / 3, "DIRECT"),              # Ben
    ("ehcp_rate_0_25", TAMWORTH, T, T): (0, 0, None, "DIRECT"),
    # ehcp_primary_need_share: of the 5 plans; cross-tabs within the first dimension
    ("ehcp_primary_need_share", COUNTY, T, T): (5, 5, 100, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "PRIMARY_NEED", "ASD"): (2, 5, 40, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "PRIMARY_NEED", "SLCN"): (1, 5, 20, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "PRIMARY_NEED", "SEMH"): (1, 5, 20, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "PRIMARY_NEED", "MLD"): (1, 5, 20, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "SEX|PRIMARY_NEED", "F|ASD"): (1, 2, 50, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "SEX|PRIMARY_NEED", "F|SEMH"): (1, 2, 50, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "SEX|PRIMARY_NEED", "M|ASD"): (1, 3, 100 / 3, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "SEX|PRIMARY_NEED", "M|SLCN"): (1, 3, 100 / 3, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "SEX|PRIMARY_NEED", "M|MLD"): (1, 3, 100 / 3, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "AGE_BAND|PRIMARY_NEED", "5-10|ASD"): (1, 1, 100, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "AGE_BAND|PRIMARY_NEED", "11-15|SEMH"): (1, 1, 100, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "AGE_BAND|PRIMARY_NEED", "16-19|ASD"): (1, 2, 50, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "AGE_BAND|PRIMARY_NEED", "16-19|SLCN"): (1, 2, 50, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "ETHNICITY_GROUP|PRIMARY_NEED", "White|ASD"): (1, 2, 50, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "ETHNICITY_GROUP|PRIMARY_NEED", "White|MLD"): (1, 2, 50, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "ETHNICITY_GROUP|PRIMARY_NEED", "Mixed|SLCN"): (1, 1, 100, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "ETHNICITY_GROUP|PRIMARY_NEED", "Not known|SEMH"): (1, 1, 100, "DIRECT"),
    ("ehcp_primary_need_share", COUNTY, "ETHNICITY_GROUP|PRIMARY_NEED", "Asian|ASD"): (1, 1, 100, "DIRECT"),
    ("ehcp_primary_need_share", NEWCASTLE, "PRIMARY_NEED", "ASD"): (0, 1, 0, "DIRECT"),   # Ben is SLCN
    ("ehcp_primary_need_share", NEWCASTLE, "PRIMARY_NEED", "SLCN"): (1, 1, 100, "DIRECT"),
    ("ehcp_placement_share", COUNTY, T, T): (5, 5, 100, "DIRECT"),
    ("ehcp_placement_share", COUNTY, "PLACEMENT_TYPE", "MAINSTREAM"): (1, 5, 20, "DIRECT"),
    ("ehcp_placement_share", COUNTY, "PLACEMENT_TYPE", "SPECIAL_STATE"): (1, 5, 20, "DIRECT"),
    ("ehcp_placement_share", COUNTY, "PLACEMENT_TYPE", "SPECIAL_INDEPENDENT"): (1, 5, 20, "DIRECT"),
    ("ehcp_placement_share", COUNTY, "PLACEMENT_TYPE", "FE_COLLEGE"): (1, 5, 20, "DIRECT"),
    ("ehcp_placement_share", COUNTY, "PLACEMENT_TYPE", "OTHER"): (1, 5, 20, "DIRECT"),
    # census: 6 pupils Amy (E), Dan (K), Eve (K, lives in Stoke), Finn (N), Quinn (N), Rae (K)
    ("sen_support_count", COUNTY, T, T): (3, None, 3, "DIRECT"),                   # Dan, Eve, Rae
    ("sen_support_count", COUNTY, "SEX", "F"): (2, None, 2, "DIRECT"),
    ("sen_support_count", COUNTY, "SEX", "M"): (1, None, 1, "DIRECT"),
    ("sen_support_count", COUNTY, "PRIMARY_NEED", "SPLD"): (1, None, 1, "DIRECT"),
    ("sen_support_count", COUNTY, "PRIMARY_NEED", "MLD"): (1, None, 1, "DIRECT"),
    ("sen_support_count", COUNTY, "PRIMARY_NEED", "SLCN"): (1, None, 1, "DIRECT"),
    ("sen_support_count", COUNTY, "AGE_BAND", "0-4"): (1, None, 1, "DIRECT"),      # Rae 3
    ("sen_support_count", COUNTY, "AGE_BAND", "5-10"): (1, None, 1, "DIRECT"),     # Eve 9
    ("sen_support_count", COUNTY, "AGE_BAND", "11-15"): (1, None, 1, "DIRECT"),    # Dan 12
    ("sen_support_count", CANNOCK, T, T): (1, None, 1, "DIRECT"),                  # Rae
    ("sen_support_count", STAFFORD, T, T): (1, None, 1, "DIRECT"),                 # Dan
    ("sen_support_pct", COUNTY, T, T): (3, 6, 50, "DIRECT"),
    ("sen_support_pct", COUNTY, "SEX", "F"): (2, 4, 50, "DIRECT"),                 # Eve, Rae of Amy, Eve, Quinn, Rae
    ("sen_support_pct", COUNTY, "SEX", "M"): (1, 2, 50, "DIRECT"),                 # Dan of Dan, Finn
    ("sen_support_pct", CANNOCK, T, T): (1, 3, 100 / 3, "DIRECT"),                 # Rae of Amy, Finn, Rae
    ("send_prevalence_by_fsm", COUNTY, T, T): (4, 6, 400 / 6, "DIRECT"),           # Amy, Dan, Eve, Rae
    ("send_prevalence_by_fsm", COUNTY, "FSM", "Y"): (2, 2, 100, "DIRECT"),         # Amy, Eve
    ("send_prevalence_by_fsm", COUNTY, "FSM", "N"): (2, 3, 200 / 3, "DIRECT"),     # Dan, Rae of Dan, Finn, Rae
    # absence: Amy 30/300, Dan 100/200, Finn 5/100, Quinn 40/200, Rae 10/100; Eve has no sessions
    ("absence_rate", COUNTY, T, T): (185, 900, 18500 / 900, "DIRECT"),
    ("absence_rate", COUNTY, "SEN_STATUS", "EHCP"): (30, 300, 10, "DIRECT"),
    ("absence_rate", COUNTY, "SEN_STATUS", "SEN_SUPPORT"): (110, 300, 11000 / 300, "DIRECT"),
    ("absence_rate", COUNTY, "SEN_STATUS", "NONE"): (45, 300, 15, "DIRECT"),
    ("absence_rate", CANNOCK, T, T): (45, 500, 9, "DIRECT"),                       # Amy, Finn, Rae
    ("persistent_absence", COUNTY, T, T): (4, 5, 80, "DIRECT"),                    # all but Finn (5%)
    ("persistent_absence", COUNTY, "SEN_STATUS", "EHCP"): (1, 1, 100, "DIRECT"),   # Amy exactly 10%
    ("persistent_absence", COUNTY, "SEN_STATUS", "SEN_SUPPORT"): (2, 2, 100, "DIRECT"),
    ("persistent_absence", COUNTY, "SEN_STATUS", "NONE"): (1, 2, 50, "DIRECT"),    # Quinn 20%
    ("severe_absence", COUNTY, T, T): (1, 5, 20, "DIRECT"),                        # Dan exactly 50%
    ("severe_absence", COUNTY, "SEN_STATUS", "EHCP"): (0, 1, 0, "DIRECT"),
    ("severe_absence", COUNTY, "SEN_STATUS", "SEN_SUPPORT"): (1, 2, 50, "DIRECT"),
    ("severe_absence", COUNTY, "SEN_STATUS", "NONE"): (0, 2, 0, "DIRECT"),
    ("suspension_rate", COUNTY, T, T): (3, 6, 50, "DIRECT"),                       # Amy 1 + Dan 2, 6 pupils
    ("suspension_rate", COUNTY, "SEN_STATUS", "EHCP"): (1, 1, 100, "DIRECT"),
    ("suspension_rate", COUNTY, "SEN_STATUS", "SEN_SUPPORT"): (2, 3, 200 / 3, "DIRECT"),
    ("suspension_rate", COUNTY, "SEN_STATUS", "NONE"): (0, 2, 0, "DIRECT"),
    # SEN2 flows: received in period E1, E2, E3, E5, E6 (E4 before); requests decided in period E1 E2
    # E6 Y, E3 N (E4 decided 2024-06-20, before); of those received, decided within 42 days: E1 39,
    # E6 28 (E2 45, E3 50); assessments decided in period: E1 E2 E4 Y, E6 N (the plans' historical
    # H assessments are not); issued, no exception: E1 126 days, E2 151 (E4 week20: 142 days);
    # E6 not to issue after 120 days; reviews decided in period: Amy 19 days, Ben 31 (Cara's in
    # June 2024); ceased in period: Dan, 2024-12-31, needs met (2)
    ("ehcna_requests", COUNTY, T, T): (5, None, 5, "DIRECT"),
    ("ehcna_decision_6_weeks", COUNTY, T, T): (2, 4, 50, "DIRECT"),
    ("ehcna_refusal_rate", COUNTY, T, T): (1, 4, 25, "DIRECT"),
    ("ehcna_issue_rate", COUNTY, T, T): (3, 4, 75, "DIRECT"),
    ("ehcp_new_plans", COUNTY, T, T): (3, None, 3, "DIRECT"),
    ("ehcp_issued_20_weeks", COUNTY, T, T): (1, 2, 50, "DIRECT"),
    ("ehcp_issued_20_weeks_all", COUNTY, T, T): (1, 3, 100 / 3, "DIRECT"),
    ("ehcna_no_issue_16_weeks", COUNTY, T, T): (0, 1, 0, "DIRECT"),
    ("annual_review_4_weeks", COUNTY, T, T): (1, 2, 50, "DIRECT"),
    ("ehcp_ceased", COUNTY, T, T): (1, None, 1, "DIRECT"),
    ("ehcp_ceased", COUNTY, "CEASE_REASON", "2"): (1, None, 1, "DIRECT"),
    ("mediation_rate", COUNTY, T, T): (1, 5, 20, "DIRECT"),                        # E2
    ("tribunal_rate", COUNTY, T, T): (1, 5, 20, "DIRECT"),                         # E3
    # post-16, latest month 2025-07, district from each record's own LSOA: Ben 17 EHCP NEET (L2
    # Newcastle), C13 16 SEN_SUPPORT EET (no LSOA: county only), P30 16 NONE NEET (L1 Cannock) and
    # P31 17 NONE EET (L4 Stoke-on-Trent: county only), both without la_child_id; Ola 19 EHCP
    # NOT_KNOWN (L2); C13's June NEET row is not the latest
    ("neet_16_17", COUNTY, T, T): (2, 4, 50, "DIRECT"),
    ("neet_16_17", COUNTY, "SEN_STATUS", "EHCP"): (1, 1, 100, "DIRECT"),
    ("neet_16_17", COUNTY, "SEN_STATUS", "SEN_SUPPORT"): (0, 1, 0, "DIRECT"),
    ("neet_16_17", COUNTY, "SEN_STATUS", "NONE"): (1, 2, 50, "DIRECT"),
    ("neet_16_17", NEWCASTLE, T, T): (1, 1, 100, "DIRECT"),
    ("neet_16_17", CANNOCK, T, T): (1, 1, 100, "DIRECT"),
    ("neet_16_17", STAFFORD, T, T): (0, 0, None, "DIRECT"),
    ("activity_not_known_16_24_ehcp", COUNTY, T, T): (1, 2, 50, "DIRECT"),         # Ola of Ben, Ola
    ("activity_not_known_16_24_ehcp", NEWCASTLE, T, T): (1, 2, 50, "DIRECT"),
    # EAPDR in period: R1 (hub Cannock), R3 (hub Newcastle); R2 was July 2024
    ("eapdr_requests", COUNTY, T, T): (2, None, 2, "DIRECT"),
    ("eapdr_requests", CANNOCK, T, T): (1, None, 1, "DIRECT"),
    ("eapdr_requests", NEWCASTLE, T, T): (1, None, 1, "DIRECT"),
    # early years, 2025-SUMMER, county residents: K07 (marker), K08, K09, K20 (marker, two
    # entitlements), K23; K21 lives in Stoke-on-Trent
    ("early_years_send_marker_pct", COUNTY, T, T): (2, 5, 40, "DIRECT"),
    ("early_years_send_marker_pct", COUNTY, "SERVICE_LINE", "UNIVERSAL_3_4"): (2, 4, 50, "DIRECT"),
    ("early_years_send_marker_pct", COUNTY, "SERVICE_LINE", "THINK2"): (0, 1, 0, "DIRECT"),
    ("early_years_send_marker_pct", COUNTY, "SERVICE_LINE", "WP_3_4"): (1, 1, 100, "DIRECT"),
    ("early_years_send_marker_pct", CANNOCK, T, T): (1, 3, 100 / 3, "DIRECT"),     # K20 of K08, K20, K23
    # SLT in period: S1, S2 (04Y), S3, S5 (05G); waiting: S1 91 days (04Y), S3 180 (05G), S4 395 (05W)
    ("slt_referrals", COUNTY, T, T): (4, None, 4, "DIRECT"),
    ("slt_referrals", COUNTY, "PROVIDER", "MPFT"): (4, None, 4, "DIRECT"),
    ("slt_referrals", "04Y", T, T): (2, None, 2, "DIRECT"),
    ("slt_referrals", "05G", T, T): (2, None, 2, "DIRECT"),
    ("slt_referrals", "05W", T, T): (0, None, 0, "DIRECT"),
    ("slt_referrals", CANNOCK, T, T): (2, None, 2, "APPORTIONED"),                 # 2 x 1
    ("slt_referrals", NEWCASTLE, T, T): (1.5, None, 1.5, "APPORTIONED"),           # 2 x 3/4
    ("slt_referrals", STAFFORD, T, T): (0, None, 0, "APPORTIONED"),
    ("slt_waiting", COUNTY, T, T): (2, None, 2, "DIRECT"),                         # 05W left out
    ("slt_waiting", "05W", T, T): (1, None, 1, "DIRECT"),
    ("slt_waiting", CANNOCK, T, T): (1, None, 1, "APPORTIONED"),
    ("slt_waiting", NEWCASTLE, T, T): (0.75, None, 0.75, "APPORTIONED"),
    ("slt_waiting", STAFFORD, T, T): (2 / 3, None, 2 / 3, "APPORTIONED"),         # 05W 1 x 2/3
    ("slt_waiting_over_18_weeks", COUNTY, T, T): (1, 2, 50, "DIRECT"),             # S3
    ("slt_waiting_over_18_weeks", "04Y", T, T): (0, 1, 0, "DIRECT"),
    ("slt_waiting_over_18_weeks", "05W", T, T): (1, 1, 100, "DIRECT"),
    ("slt_waiting_over_18_weeks", CANNOCK, T, T): (0, 1, 0, "APPORTIONED"),
    ("slt_waiting_over_18_weeks", STAFFORD, T, T): (2 / 3, 2 / 3, 100, "APPORTIONED"),
    # CAMHS in period: M1, M2 (MPFT 04Y), T1, T3, T4 (NSCHT 05G), T2 (NSCHT 05W, not county); M3 2024-06
    ("camhs_referrals", COUNTY, T, T): (5, None, 5, "DIRECT"),
    ("camhs_referrals", COUNTY, "PROVIDER", "MPFT"): (2, None, 2, "DIRECT"),
    ("camhs_referrals", COUNTY, "PROVIDER", "NSCHT"): (3, None, 3, "DIRECT"),
    ("camhs_referrals", COUNTY, "SERVICE_LINE", "CORE_CAMHS"): (3, None, 3, "DIRECT"),
    ("camhs_referrals", COUNTY, "SERVICE_LINE", "AUTISM_ASSESSMENT"): (1, None, 1, "DIRECT"),
    ("camhs_referrals", COUNTY, "SERVICE_LINE", "GETTING_ADVICE"): (1, None, 1, "DIRECT"),
    ("camhs_referrals", COUNTY, "SERVICE_LINE", "MHST"): (0, None, 0, "DIRECT"),
    ("camhs_referrals", "05W", T, T): (1, None, 1, "DIRECT"),
    ("camhs_referrals", NEWCASTLE, T, T): (2.25, None, 2.25, "APPORTIONED"),       # 3 x 3/4
    ("camhs_referrals", STAFFORD, T, T): (2 / 3, None, 2 / 3, "APPORTIONED"),     # 05W 1 x 2/3
    # first contacts in period: M1 20 days (04Y), M3 92 (05V), T1 10 (05G), T3 30 (05G)
    ("camhs_median_wait_first_contact", COUNTY, T, T): (None, 4, 25, "DIRECT"),    # 10 20 30 92
    ("camhs_median_wait_first_contact", COUNTY, "PROVIDER", "MPFT"): (None, 2, 56, "DIRECT"),   # 20 92
    ("camhs_median_wait_first_contact", COUNTY, "PROVIDER", "NSCHT"): (None, 2, 20, "DIRECT"),  # 10 30
    ("camhs_median_wait_first_contact", "05G", T, T): (None, 2, 20, "DIRECT"),
    ("camhs_median_wait_first_contact", "05W", T, T): (None, 0, None, "DIRECT"),
    # still waiting: M2 180 days (04Y, AUTISM_ASSESSMENT), T2 91 days (05W, MHST)
    ("camhs_median_wait_still_waiting", COUNTY, T, T): (None, 1, 180, "DIRECT"),
    ("camhs_median_wait_still_waiting", COUNTY, "PROVIDER", "MPFT"): (None, 1, 180, "DIRECT"),
    ("camhs_median_wait_still_waiting", COUNTY, "PROVIDER", "NSCHT"): (None, 0, None, "DIRECT"),
    ("camhs_median_wait_still_waiting", COUNTY, "SERVICE_LINE", "AUTISM_ASSESSMENT"): (None, 1, 180, "DIRECT"),
    ("camhs_median_wait_still_waiting", COUNTY, "SERVICE_LINE", "MHST"): (None, 0, None, "DIRECT"),
    ("camhs_median_wait_still_waiting", "05W", T, T): (None, 1, 91, "DIRECT"),
    # treatment starts in period: M1 61 days (04Y), M3 183 (05V), T1 61 (05G)
    ("camhs_treatment_18_weeks", COUNTY, T, T): (2, 3, 200 / 3, "DIRECT"),
    ("camhs_treatment_18_weeks", COUNTY, "PROVIDER", "MPFT"): (1, 2, 50, "DIRECT"),
    ("camhs_treatment_18_weeks", COUNTY, "PROVIDER", "NSCHT"): (1, 1, 100, "DIRECT"),
    ("camhs_treatment_18_weeks", CANNOCK, T, T): (1, 1, 100, "APPORTIONED"),
    ("camhs_treatment_18_weeks", NEWCASTLE, T, T): (0.75, 0.75, 100, "APPORTIONED"),
    ("camhs_treatment_18_weeks", STAFFORD, T, T): (0, 1, 0, "APPORTIONED"),        # 05V M3
    # LD register aged 14-25, county residents: Ben 17 (check 2025-01-15), Jack 24 (2024-06-30); Gus is 3
    ("ld_health_check_uptake", COUNTY, T, T): (1, 2, 50, "DIRECT"),
    ("ld_health_check_uptake", NEWCASTLE, T, T): (1, 2, 50, "DIRECT"),
    # cohort (11): EHCP Amy Ben Cara Ola; SEN_SUPPORT Dan Rae; EAPDR Finn; EARLY_YEARS_MARKER Gus K20;
    # HEALTH_IDENTIFIED Jack Kim. Out: Pat (26), Eve and K21 (Stoke), Leo (no residence). Ola has no
    # residence record but a council record: a county resident of no district.
    ("cohort_size", COUNTY, T, T): (11, None, 11, "DIRECT"),
    ("cohort_size", COUNTY, "SEN_STATUS", "EHCP"): (4, None, 4, "DIRECT"),
    ("cohort_size", COUNTY, "SEN_STATUS", "SEN_SUPPORT"): (2, None, 2, "DIRECT"),
    ("cohort_size", COUNTY, "SEN_STATUS", "EAPDR"): (1, None, 1, "DIRECT"),
    ("cohort_size", COUNTY, "SEN_STATUS", "EARLY_YEARS_MARKER"): (2, None, 2, "DIRECT"),
    ("cohort_size", COUNTY, "SEN_STATUS", "HEALTH_IDENTIFIED"): (2, None, 2, "DIRECT"),
    ("cohort_size", CANNOCK, T, T): (5, None, 5, "DIRECT"),                        # Amy Rae Finn K20 Kim
    ("cohort_size", NEWCASTLE, T, T): (3, None, 3, "DIRECT"),                      # Ben Gus Jack
    ("cohort_size", STAFFORD, T, T): (2, None, 2, "DIRECT"),                       # Cara Dan
    # RA flags: Amy (F01), Jack (F10: NSCHT active, MPFT's entered-in-error ignored); Kim inactive (and
    # RADISSENT at NSCHT); Ben's active RADISSENT and Cara's active RAREVOKED flags do not count
    ("ra_flag_coverage", COUNTY, T, T): (2, 11, 200 / 11, "DIRECT"),
    ("ra_flag_coverage", COUNTY, "SEN_STATUS", "EHCP"): (1, 4, 25, "DIRECT"),
    ("ra_flag_coverage", COUNTY, "SEN_STATUS", "SEN_SUPPORT"): (0, 2, 0, "DIRECT"),
    ("ra_flag_coverage", COUNTY, "SEN_STATUS", "EAPDR"): (0, 1, 0, "DIRECT"),
    ("ra_flag_coverage", COUNTY, "SEN_STATUS", "EARLY_YEARS_MARKER"): (0, 2, 0, "DIRECT"),
    ("ra_flag_coverage", COUNTY, "SEN_STATUS", "HEALTH_IDENTIFIED"): (1, 2, 50, "DIRECT"),
    # by impairment and adjustment category (code-list labels, RA_BREAKDOWNS below), of the whole cohort
    ("ra_flag_coverage", NEWCASTLE, "IMPAIRMENT", "Learning or understanding or concentrating"):
        (1, 3, 100 / 3, "DIRECT"),
    ("ra_flag_coverage", CANNOCK, "ADJUSTMENT_CATEGORY", "Adjustments in relation to the environment of care"):
        (1, 5, 20, "DIRECT"),
    ("cohort_health_linkage_rate", COUNTY, T, T): (3, 4, 75, "DIRECT"),
    ("cohort_health_linkage_rate", NEWCASTLE, T, T): (1, 1, 100, "DIRECT"),
}

DIRECT_COUNTS_SUMMING_TO_COUNTY = ["eapdr_requests"]
# People counted at COUNTY with no district (geography.md: a holder the linkage cannot place):
# Ola and Pat hold plans, Ola is in the cohort.
UNPLACED = {"ehcp_count": 2, "cohort_size": 1}



def _labels(file: str) -> dict[str, str]:
    with (REFERENCE_DIR / "radf" / file).open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["display"] for row in csv.DictReader(f)}


# Cohort persons whose counting RA flags record each code: impairments Amy 9 and 5, Jack 5;
# categories Amy 009, Jack 008 and 009. Kim's 2 and 002 (inactive), Jack's MPFT 7 and 011
# (entered-in-error) and the dissents' and revocation's 5, 7, 9 and 001 do not count.
RA_BREAKDOWNS = {("IMPAIRMENT", "ra_impairment_codes.csv"): {"5": 2, "9": 1},
                 ("ADJUSTMENT_CATEGORY", "ra_adjustment_categories.csv"): {"008": 1, "009": 2}}
for (breakdown, file), counted in RA_BREAKDOWNS.items():
    for code, label in _labels(file).items():
        n = counted.get(code, 0)
        EXPECTED[("ra_flag_coverage", COUNTY, breakdown, label)] = (n, 11, 100 * n / 11, "DIRECT")


def _close(actual, expected) -> bool:
    if expected is None or actual is None:
        return actual is expected
    return actual == pytest.approx(expected)


def test_every_kpi_of_the_catalogue_is_asserted(warehouse):
    with duckdb.connect(str(warehouse)) as con:
        catalogue = {r[0] for r in con.execute("select kpi_id from marts.kpi_catalogue").fetchall()}
    assert catalogue == {key[0] for key in EXPECTED}
    assert len(catalogue) == 38


def test_kpi_values(kpis):
    wrong = {
        key: (kpis.get(key), expected)
        for key, expected in EXPECTED.items()
        if key not in kpis or not all(_close(a, e) for a, e in zip(kpis[key], expected))
    }
    assert not wrong, "\n".join(f"{k}: got {got}, expected {exp}" for k, (got, exp) in wrong.items())


def test_county_rows_are_exactly_the_expected_ones(kpis):
    """At COUNTY every KPI has exactly the rows listed above: no extra breakdown values."""
    published = {key for key in kpis if key[1] == COUNTY}
    assert published == {key for key in EXPECTED if key[1] == COUNTY}


def test_every_geography_has_every_breakdown_value(warehouse):
    """Each KPI publishes the same breakdown cells at every geography of its levels."""
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute("""
            select kpi_id, geography_level, count(distinct geography_code), count(*),
                   count(distinct breakdown || '=' || breakdown_value)
            from marts.kpi_values group by kpi_id, geography_level
        """).fetchall()
    cells = {}
    for kpi_id, level, geographies, n_rows, n_cells in rows:
        assert geographies == {"COUNTY": 1, "DISTRICT": 8, "SUB_ICB": 6}[level]
        assert n_rows == geographies * n_cells
        cells.setdefault(kpi_id, set()).add(n_cells)
    assert all(len(sizes) == 1 for sizes in cells.values())
    levels = {}
    for kpi_id, level, *_ in rows:
        levels.setdefault(kpi_id, set()).add(level)
    assert levels["ehcna_requests"] == {"COUNTY"}
    assert levels["camhs_median_wait_first_contact"] == {"COUNTY", "SUB_ICB"}
    assert levels["slt_waiting"] == {"COUNTY", "SUB_ICB", "DISTRICT"}
    assert levels["ehcp_count"] == {"COUNTY", "DISTRICT"}


def test_district_counts_sum_to_county(kpis):
    for kpi_id in DIRECT_COUNTS_SUMMING_TO_COUNTY:
        county = {k[2:]: v[0] for k, v in kpis.items() if k[0] == kpi_id and k[1] == COUNTY}
        for cell, count in county.items():
            districts = sum(v[0] for k, v in kpis.items()
                            if k[0] == kpi_id and k[1].startswith("E07") and k[2:] == cell)
            assert districts == count, (kpi_id, cell)
    for kpi_id, unplaced in UNPLACED.items():
        districts = sum(v[0] for k, v in kpis.items() if k[0] == kpi_id and k[1].startswith("E07") and k[2] == T)
        assert districts + unplaced == kpis[(kpi_id, COUNTY, T, T)][0], kpi_id
    # census KPIs count every pupil at COUNTY but leave pupils living outside the county out of
    # the districts: Eve (Stoke-on-Trent) is the one SEN support pupil missing from the districts
    districts = sum(v[0] for k, v in kpis.items()
                    if k[0] == "sen_support_count" and k[1].startswith("E07") and k[2] == T)
    assert districts == kpis[("sen_support_count", COUNTY, T, T)][0] - 1


def test_kpi_rows_carry_period_and_lineage(warehouse):
    with duckdb.connect(str(warehouse)) as con:
        flow = con.execute("select distinct period_start, period_end, refreshed_at from marts.kpi_values"
                           " where kpi_id = 'ehcna_requests'").fetchall()
        stock = con.execute("select distinct period_start from marts.kpi_values where kpi_id = 'ehcp_count'").fetchall()
        lineage = con.execute("select distinct source_extracts, suppressed from marts.kpi_values"
                              " where kpi_id = 'ehcp_count'").fetchall()
    assert [(str(a), str(b), str(c)) for a, b, c in flow] == [("2024-08-01", "2025-07-31", "2025-08-05 06:00:00")]
    assert [str(r[0]) for r in stock] == ["2025-07-31"]
    assert lineage == [(
        "council/early_years_entitlements/2025-06-01; council/establishments/2025-07-01; "
        "council/school_census/2025-05-15; council/sen2_activeplans/2025-07-31; council/sen2_assessment/2025-07-31; "
        "council/sen2_namedplan/2025-07-31; council/sen2_person/2025-07-31; council/sen2_placementdetail/2025-07-31; "
        "council/sen2_requests/2025-07-31; council/sen2_senneed/2025-07-31; icb/gp_registered_population/2025-07-31; "
        "icb/lsoa_lookup/2025-01-01",
        False,
    )]


def test_crosswalk(warehouse):
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute("select sub_icb_code, lad_code, weight, population, sub_icb_population"
                           " from marts.sub_icb_district_crosswalk").fetchall()
    got = {(s, lad): (w, p, sp) for s, lad, w, p, sp in rows}
    assert set(got) == {("04Y", CANNOCK), ("05G", NEWCASTLE), ("05G", "OUTSIDE_ICB"), ("05V", STAFFORD),
                        ("05W", STAFFORD), ("05W", "E06000021")}
    assert got[("05G", NEWCASTLE)] == (0.75, 3, 4)
    assert got[("05G", "OUTSIDE_ICB")] == (0.25, 1, 4)   # N17 lives in Shropshire
    assert got[("05W", "E06000021")][1:] == (1, 3)       # N16 lives in Stoke-on-Trent
    assert got[("04Y", CANNOCK)] == (1.0, 2, 2)          # N18 (no LSOA) is left out


def test_linkage_summary(warehouse):
    with duckdb.connect(str(warehouse)) as con:
        got = dict(((t, r), n) for t, r, n in con.execute(
            "select identifier_type, link_rule, key_count from intermediate.int_linkage_summary").fetchall())
    assert got == {
        ("la_child_id", "self"): 9,                 # C01 C02 C03 C04 C08 C13 C14 C15 C16
        ("upn", "la_child_id"): 3,                  # U01 U02 U04
        ("upn", "la_child_id_ambiguous"): 1,        # U13 seen with C13 and C14
        ("upn", "self"): 4,                         # U05 U06 U22 U23
        ("child_id", "la_child_id"): 1,             # K08
        ("child_id", "la_child_id_ambiguous"): 0,
        ("child_id", "demographic"): 1,             # K23 -> Rae's census record
        ("child_id", "demographic_ambiguous"): 0,
        ("child_id", "self"): 4,                    # K07 K09 K20 K21
        ("nhs_number", "nhs_number"): 0,            # no council extract carries an NHS number (SEN2 has none)
        ("nhs_number", "nhs_number_ambiguous"): 0,
        ("nhs_number", "demographic"): 4,           # N01 -> Amy, N02 -> Ben, N03 -> Cara, N07 -> Gus
        ("nhs_number", "demographic_ambiguous"): 2,  # twins N09a N09b share Ivy's key
        ("nhs_number", "self"): 6,                  # N10 N11 N12 N16 N17 N18
        ("council_person", "health_linked"): 4,     # Amy Cara Ben Gus
        ("council_person", "no_health_link"): 13,
    }


def test_cohort_rows(warehouse):
    def pid(identifier_type: str, label: str) -> str:
        return hashlib.md5(f"{identifier_type}:{pseudo(label)}".encode()).hexdigest()

    with duckdb.connect(str(warehouse)) as con:
        cohort = {r[0]: r[1:] for r in con.execute("""
            select person_id, sen_status, age_band, sex, residence_district_code, registered_sub_icb_code,
                   has_reasonable_adjustment_flag, reasonable_adjustment_impairments,
                   reasonable_adjustment_categories, contributing_partners
            from marts.mart_send_cohort""").fetchall()}
    assert cohort == {
        pid("la_child_id", "C01"): ("EHCP", "5-10", "F", CANNOCK, "04Y", True, "5|9", "009", "council|icb|mpft"),
        pid("la_child_id", "C02"): ("EHCP", "16-19", "M", NEWCASTLE, "05G", False, None, None, "council|icb|nscht"),
        pid("la_child_id", "C03"): ("EHCP", "11-15", "F", STAFFORD, "05V", False, None, None, "council|icb|mpft"),
        pid("la_child_id", "C15"): ("EHCP", "16-19", "M", None, None, False, None, None, "council"),
        pid("la_child_id", "C04"): ("SEN_SUPPORT", "11-15", "M", STAFFORD, None, False, None, None, "council"),
        pid("upn", "U23"): ("SEN_SUPPORT", "0-4", "F", CANNOCK, None, False, None, None, "council"),
        pid("upn", "U06"): ("EAPDR", "5-10", "M", CANNOCK, None, False, None, None, "council"),
        pid("child_id", "K07"): ("EARLY_YEARS_MARKER", "0-4", "M", NEWCASTLE, "05G", False, None, None,
                                 "council|icb|mpft"),
        pid("child_id", "K20"): ("EARLY_YEARS_MARKER", "0-4", "F", CANNOCK, None, False, None, None, "council"),
        pid("nhs_number", "N10"): ("HEALTH_IDENTIFIED", "20-25", "M", NEWCASTLE, "05G", True, "5", "008|009",
                                   "icb|mpft|nscht"),
        pid("nhs_number", "N11"): ("HEALTH_IDENTIFIED", "11-15", "F", CANNOCK, "04Y", False, None, None, "icb|mpft"),
    }


def test_a_dissent_or_revocation_is_landed_but_never_linked_to_a_person(warehouse):
    """Ben's RADISSENT (MPFT), Cara's RAREVOKED (MPFT), Kim's and N19's RADISSENT (NSCHT) flags are
    in staging but name no person: were they linked, Ben and Kim would gain a contributing partner
    (test_cohort_rows), Ben and Cara the flag, and N19 would be an identifier (test_linkage_summary)."""
    with duckdb.connect(str(warehouse)) as con:
        staged = con.execute(
            "select consent, count(*) from (select consent from staging.stg_mpft__reasonable_adjustment_flags"
            " union all select consent from staging.stg_nscht__reasonable_adjustment_flags) group by all"
            " order by all").fetchall()
        linked = con.execute(
            "select count(*) from intermediate.int_person_records where source like '%reasonable_adjustment%'"
        ).fetchone()[0]
    assert staged == [("RACONSENT", 4), ("RADISSENT", 3), ("RAREVOKED", 1)]
    assert linked == 4


def test_marts_hold_no_dates_of_birth_or_pseudonyms(warehouse):
    with duckdb.connect(str(warehouse)) as con:
        columns = con.execute("select table_name, column_name from information_schema.columns"
                              " where table_schema = 'marts'").fetchall()
        assert {t for t, _ in columns} >= {"mart_send_cohort", "kpi_values", "sub_icb_district_crosswalk"}
        for table, column in columns:
            values = {str(v[0]) for v in con.execute(
                f'select distinct cast("{column}" as varchar) from marts."{table}"').fetchall() if v[0] is not None}
            assert not values & DATES_OF_BIRTH, (table, column)
            assert not any(p in v for v in values for p in PSEUDONYMS), (table, column)


def test_dates_of_birth_stay_in_staging(warehouse):
    """docs/architecture.md: dates of birth are in clean and staging only, never in intermediate or marts."""
    with duckdb.connect(str(warehouse)) as con:
        holders = con.execute("select table_schema, table_name from information_schema.columns "
                              "where column_name in ('date_of_birth', 'personbirthdate') order by all").fetchall()
    assert {schema for schema, _ in holders} == {"clean", "staging"}, holders


def test_tracked_young_people_without_a_council_id_count(warehouse, kpis):
    """P30 and P31 have no la_child_id or UPN, so they resolve to no person: the old inner join of
    post-16 records to int_person_records would drop them and give neet_16_17 1 of 2, not 2 of 4."""
    with duckdb.connect(str(warehouse)) as con:
        unlinked = con.execute(
            "select count(*) from staging.stg_council__post16_activity as post16"
            " where post16.is_latest_month and post16.ccis_id_pseudo in (?, ?) and not exists ("
            "   select 1 from intermediate.int_person_records as person"
            "   where person.source = 'post16_activity' and person.record_number = post16._row_number)",
            [pseudo("P30"), pseudo("P31")]).fetchone()[0]
        linked_only = con.execute(
            "select sum(case when activity = 'NEET' then 1 else 0 end), count(*)"
            " from staging.stg_council__post16_activity as post16"
            " inner join intermediate.int_person_records as person"
            "   on person.source = 'post16_activity' and person.record_number = post16._row_number"
            " where post16.is_latest_month and person.age between 16 and 17").fetchone()
    assert unlinked == 2
    assert linked_only == (1, 2)
    assert kpis[("neet_16_17", COUNTY, T, T)][:2] == (2, 4)
