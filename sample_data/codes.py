"""Code lists of the partner extract specification used by the generator."""
from __future__ import annotations

import csv

from connectors.contracts import REFERENCE_DIR, contract_for

NEEDS = ["SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH", "NSA"]
PLACEMENTS = ["MAINSTREAM", "RESOURCED_PROVISION", "SPECIAL_STATE", "SPECIAL_INDEPENDENT", "AP_PRU",
              "FE_COLLEGE", "EARLY_YEARS", "HOME_EDUCATED", "NEET", "OTHER"]
SCHOOL_PLACEMENTS = ["MAINSTREAM", "RESOURCED_PROVISION", "SPECIAL_STATE", "AP_PRU"]
CEASE_REASONS = ["NO_LONGER_ENGAGING", "MOVED_LA", "HIGHER_EDUCATION", "EMPLOYMENT", "NEEDS_MET", "OTHER"]
REQUESTERS = ["PARENT", "SCHOOL", "YOUNG_PERSON", "HEALTH", "OTHER"]
DECISIONS = ["YES", "NO", "PENDING"]
OUTCOMES = ["ISSUE", "NO_ISSUE", "PENDING", "WITHDRAWN"]
YES_NO = ["Y", "N"]
SCHOOL_TYPES = ["PRIMARY", "SECONDARY", "SPECIAL", "AP_PRU", "ALL_THROUGH"]
YEAR_GROUPS = ["N1", "N2", "R"] + [str(y) for y in range(1, 15)]
FIRST_YEAR_GROUP_AGE = 2   # academic age (on 31 August) of year group N1
SEN_PROVISION = ["E", "K", "N"]
SUPPORT_TYPES = ["SEDIS", "EDUCATIONAL_PSYCHOLOGY", "SPECIALIST_TEACHING", "AUTISM_INCLUSION", "OTHER"]
EAPDR_STATUS = ["OPEN", "CLOSED"]
EAPDR_OUTCOMES = ["NEEDS_MET_IN_SETTING", "ESCALATED_TO_EHCNA", "WITHDRAWN"]
ENTITLEMENTS = ["THINK2", "WP_UNDER3", "UNIVERSAL_3_4", "WP_3_4"]
MARKER_SOURCES = ["SENIF", "DAF", "OTHER"]
SEN_STATUS = ["EHCP", "SEN_SUPPORT", "NONE"]
ACTIVITIES = ["EET", "NEET", "NOT_KNOWN"]
SLT_SOURCES = ["HEALTH_VISITOR", "EARLY_YEARS", "SCHOOL", "PAEDIATRICS", "SELF", "OTHER"]
SERVICE_LINES = ["CORE_CAMHS", "MHST", "GETTING_ADVICE", "AUTISM_ASSESSMENT"]
FLAG_STATUS = ["active", "inactive", "entered-in-error"]
# The national Reasonable Adjustment vocabulary, as the flags contract reads it from reference/radf/.
_FLAGS = contract_for("mpft", "reasonable_adjustment_flags")
CONSENT = list(_FLAGS.column("consent").codes)
IMPAIRMENTS = list(_FLAGS.column("impairments").codes)
ADJUSTMENT_CATEGORIES = list(_FLAGS.column("adjustment_categories").codes)
with (REFERENCE_DIR / "radf" / "ra_flag_codes.csv").open(encoding="utf-8", newline="") as _f:
    FLAG_CODE_ROWS = [row["snomed_code"] for row in csv.DictReader(_f)]  # the value set in file order
EPR_SOURCES = ["EHCP_NOTIFIED", "CLINICIAN", "SCHOOL_NURSE"]
