"""Code lists the generator draws from: the extracts' (read from their contracts) and its own world's."""
from __future__ import annotations

import csv

from connectors.contracts import REFERENCE_DIR, contract_for


def _codes(partner: str, extract: str, column: str) -> list[str]:
    """A column's code list, as its extract contract (the one owner) gives it, in order."""
    return list(contract_for(partner, extract).column(column).codes)


# The extracts' code lists, from their contracts.
NEEDS = _codes("council", "school_census", "primary_need")
YES_NO = _codes("council", "school_census", "fsm_eligible")
SCHOOL_TYPES = _codes("council", "school_census", "school_type")
YEAR_GROUPS = _codes("council", "school_census", "year_group")
SEN_PROVISION = _codes("council", "school_census", "sen_provision")
SUPPORT_TYPES = _codes("council", "eapdr_requests", "support_type")
EAPDR_STATUS = _codes("council", "eapdr_requests", "status")
EAPDR_OUTCOMES = _codes("council", "eapdr_requests", "outcome")
ENTITLEMENTS = _codes("council", "early_years_entitlements", "entitlement")
MARKER_SOURCES = _codes("council", "early_years_entitlements", "send_marker_source")
SEN_STATUS = _codes("council", "post16_activity", "sen_status")
ACTIVITIES = _codes("council", "post16_activity", "activity")
SLT_SOURCES = _codes("mpft", "slt_referrals", "referral_source")
SERVICE_LINES = _codes("mpft", "camhs_referrals", "service_line")
FLAG_STATUS = _codes("mpft", "reasonable_adjustment_flags", "status")
EPR_SOURCES = _codes("mpft", "epr_send_markers", "marker_source")
# The national Reasonable Adjustment vocabulary, as the flags contract reads it from reference/radf/.
CONSENT = _codes("mpft", "reasonable_adjustment_flags", "consent")
IMPAIRMENTS = _codes("mpft", "reasonable_adjustment_flags", "impairments")
ADJUSTMENT_CATEGORIES = _codes("mpft", "reasonable_adjustment_flags", "adjustment_categories")
with (REFERENCE_DIR / "radf" / "ra_flag_codes.csv").open(encoding="utf-8", newline="") as _f:
    FLAG_CODE_ROWS = [row["snomed_code"] for row in csv.DictReader(_f)]  # the value set in file order

# The generator's own world: placement types (the DfE's categories, int_sen2_placement_types), and
# how requests and plans go (calibration.yml's keys), written into the SEN2 return's codes by sen2.py.
PLACEMENTS = ["MAINSTREAM", "RESOURCED_PROVISION", "SPECIAL_STATE", "SPECIAL_INDEPENDENT", "AP_PRU",
              "FE_COLLEGE", "EARLY_YEARS", "HOME_EDUCATED", "NEET", "OTHER"]
SCHOOL_PLACEMENTS = ["MAINSTREAM", "RESOURCED_PROVISION", "SPECIAL_STATE", "AP_PRU"]
CEASE_REASONS = ["NO_LONGER_ENGAGING", "MOVED_LA", "HIGHER_EDUCATION", "EMPLOYMENT", "NEEDS_MET", "OTHER"]
REQUESTERS = ["PARENT", "SCHOOL", "YOUNG_PERSON", "HEALTH", "OTHER"]
DECISIONS = ["YES", "NO", "PENDING"]
OUTCOMES = ["ISSUE", "NO_ISSUE", "PENDING", "WITHDRAWN"]
FIRST_YEAR_GROUP_AGE = 2   # academic age (on 31 August) of year group N1
