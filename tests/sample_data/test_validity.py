"""Every row is in scope and clean: the warehouse would quarantine nothing but the
deliberately mistyped NHS numbers."""
from __future__ import annotations

import pandas as pd
import pytest

from connectors.contracts import DATE_TYPES, REFERENCE_DIR, all_contracts
from tests.sample_data.sen2_files import is_yes_no, sen2_date

SEX = {"M", "F", "U"}
YES_NO = {"Y", "N"}
NEEDS = {"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH", "NSA"}
ETHNICITY = {"WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
             "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"}
SUB_ICBS = {"04Y", "05D", "05G", "05Q", "05V", "05W"}
DISTRICTS = {f"E0700019{d}" for d in range(2, 10)}
SERVICE_LINES = {"CORE_CAMHS", "MHST", "GETTING_ADVICE", "AUTISM_ASSESSMENT"}
FLAG_STATUS = {"active", "inactive", "entered-in-error"}
# The national Reasonable Adjustment vocabulary (national-formats.md v2).
CONSENT = {"RACONSENT", "RADISSENT", "RAREVOKED"}
IMPAIRMENTS = {str(n) for n in [*range(1, 11), 12]}
ADJUSTMENT_CATEGORIES = {f"{n:03d}" for n in range(1, 12)}

CODES = {
    ("council", "school_census"): {
        "school_type": {"PRIMARY", "SECONDARY", "SPECIAL", "AP_PRU", "ALL_THROUGH"},
        "year_group": {"N1", "N2", "R"} | {str(y) for y in range(1, 15)},
        "sex": SEX, "ethnicity": ETHNICITY, "sen_provision": {"E", "K", "N"}, "primary_need": NEEDS,
        "fsm_eligible": YES_NO, "permanent_exclusion": YES_NO},
    ("council", "eapdr_requests"): {
        "hub_district": DISTRICTS,
        "support_type": {"SEDIS", "EDUCATIONAL_PSYCHOLOGY", "SPECIALIST_TEACHING", "AUTISM_INCLUSION",
                         "OTHER"},
        "status": {"OPEN", "CLOSED"},
        "outcome": {"NEEDS_MET_IN_SETTING", "ESCALATED_TO_EHCNA", "WITHDRAWN"}},
    ("council", "early_years_entitlements"): {
        "sex": SEX, "entitlement": {"THINK2", "WP_UNDER3", "UNIVERSAL_3_4", "WP_3_4"},
        "send_marker": YES_NO, "send_marker_source": {"SENIF", "DAF", "OTHER"}},
    ("council", "post16_activity"): {
        "sen_status": {"EHCP", "SEN_SUPPORT", "NONE"}, "activity": {"EET", "NEET", "NOT_KNOWN"}},
    ("icb", "gp_registered_population"): {
        "sex": SEX, "learning_disability_register": YES_NO, "autism_diagnosis": YES_NO},
    ("icb", "gp_practices"): {"sub_icb_code": SUB_ICBS},
    ("mpft", "slt_referrals"): {
        "referral_source": {"HEALTH_VISITOR", "EARLY_YEARS", "SCHOOL", "PAEDIATRICS", "SELF", "OTHER"},
        "sub_icb_code": SUB_ICBS},
    ("mpft", "camhs_referrals"): {"service_line": SERVICE_LINES, "sub_icb_code": SUB_ICBS},
    ("mpft", "reasonable_adjustment_flags"): {"status": FLAG_STATUS, "consent": CONSENT,
                                              "recorded_by": {"RRE"}},
    ("mpft", "epr_send_markers"): {"marker_source": {"EHCP_NOTIFIED", "CLINICIAN", "SCHOOL_NURSE"}},
}
KEYS = {
    ("council", "school_census"): ["upn"],
    ("council", "eapdr_requests"): ["request_id"],
    ("council", "early_years_entitlements"): ["child_id", "term", "entitlement"],
    ("council", "post16_activity"): ["ccis_id", "activity_month"],
    ("icb", "gp_registered_population"): ["nhs_number"],
    ("icb", "gp_practices"): ["practice_code"],
    ("icb", "lsoa_lookup"): ["lsoa_code"],
    ("mpft", "slt_referrals"): ["referral_id"],
    ("mpft", "camhs_referrals"): ["referral_id"],
    ("mpft", "reasonable_adjustment_flags"): ["flag_id"],
    ("mpft", "epr_send_markers"): ["nhs_number", "marker_source", "marker_date"],
}
# The SEN2 return's modules: keys and code lists as their contracts say.
SEN2 = {(c.partner, c.extract): c for c in all_contracts() if c.group == "sen2"}
KEYS |= {key: list(c.key) for key, c in SEN2.items()}
NSCHT_COLUMNS = {
    "camhs_referrals": ["referral_id", "nhs_number", "date_of_birth", "referral_date", "service_line",
                        "sub_icb_code", "first_contact_date", "second_contact_date",
                        "treatment_start_date", "closed_date"],
    "reasonable_adjustment_flags": ["flag_id", "nhs_number", "status", "consent", "recorded_date",
                                    "last_reviewed_date", "recorded_by", "impairments", "adjustment_categories",
                                    "adjustments"],
}
DATE_COLUMNS = {"date_of_birth", "census_date", "marker_date"}


def nhs_valid(number: str) -> bool:
    digits = number.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    return check != 10 and (0 if check == 11 else check) == int(digits[9])


def all_tables(drop) -> dict[tuple[str, str], pd.DataFrame]:
    tables = {key: drop.csv(*key) for key in KEYS}
    for name, columns in NSCHT_COLUMNS.items():
        frame = drop.xlsx(name)
        frame.columns = columns
        for column in columns:
            if column.endswith("_date") or column in DATE_COLUMNS:
                frame[column] = frame[column].map(_excel_date)
            else:
                frame[column] = frame[column].astype("string")
        tables[("nscht", name)] = frame
    return tables


def _excel_date(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    if isinstance(value, str):
        return pd.to_datetime(value, format="%d/%m/%Y").date().isoformat()
    return pd.Timestamp(value).date().isoformat()


@pytest.fixture(scope="module")
def tables(small_drop):
    return all_tables(small_drop)


def test_codes_come_from_the_spec_lists(tables):
    for key, columns in CODES.items():
        for column, allowed in columns.items():
            values = set(tables[key][column].dropna())
            assert values <= allowed, f"{key} {column}: {values - allowed}"
    for partner in ("mpft", "nscht"):
        flags = tables[(partner, "reasonable_adjustment_flags")]
        assert set(flags.status) <= FLAG_STATUS
        assert set(flags.consent) <= CONSENT
        assert set(flags.impairments.str.split("|").explode()) <= IMPAIRMENTS
        assert set(flags.adjustment_categories.str.split("|").explode()) <= ADJUSTMENT_CATEGORIES
        assert set(tables[(partner, "camhs_referrals")].service_line) <= SERVICE_LINES


def test_sen2_codes_are_the_contracts_code_lists(tables):
    checked = 0
    for key, contract in SEN2.items():
        for column in contract.columns:
            values = tables[key][column.source_header].dropna()
            if column.codes:
                assert set(values) <= set(column.codes), f"{key} {column.name}: {set(values) - set(column.codes)}"
                checked += 1
            if column.type == "yes_no":
                assert is_yes_no(values).all(), f"{key} {column.name}: {set(values[~is_yes_no(values)])}"
                checked += 1
    assert checked >= 15


def _verhoeff_valid(sctid: str) -> bool:
    """Verhoeff's check written out from its published tables: an oracle independent of landing's
    (connectors/validation.py), which derives the permutations and runs in SQL."""
    d = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
         [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
         [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
         [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
    p = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
         [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
         [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
    check = 0
    for i, digit in enumerate(reversed(sctid)):
        check = d[check][p[i % 8][int(digit)]]
    return check == 0


def test_flags_are_mostly_consented_with_adjustments_from_the_value_set(tables):
    """Most flags have consent RACONSENT and some a dissent or revocation; nearly every SNOMED CT id
    passes its check digit (a rare one does not), and those that pass are the value set's or the
    valid forms of its two truncated ids."""
    with (REFERENCE_DIR / "radf" / "ra_flag_codes.csv").open(encoding="utf-8") as f:
        value_set = {line.split(",")[0] for line in f.read().splitlines()[1:]}
    flags = pd.concat([tables[(partner, "reasonable_adjustment_flags")] for partner in ("mpft", "nscht")])
    consent = flags.consent.value_counts(normalize=True)
    assert consent["RACONSENT"] > 0.9 and consent[["RADISSENT", "RAREVOKED"]].min() > 0
    ids = flags.adjustments.dropna().str.split("|").explode()
    valid = ids[ids.map(_verhoeff_valid)]
    assert 0 < 1 - len(valid) / len(ids) < 0.02
    assert set(valid) - value_set == {"1082661000000107", "1082551000000105"} & set(valid)
    assert len(set(valid) & value_set) > 50


def test_keys_are_unique(tables):
    for key, columns in KEYS.items():
        assert not tables[key].duplicated(columns).any(), key
    for name, key in (("camhs_referrals", "referral_id"), ("reasonable_adjustment_flags", "flag_id")):
        assert tables[("nscht", name)][key].is_unique


def test_people_are_aged_0_to_25_and_nothing_is_dated_after_as_at(tables, small_drop):
    as_at = pd.Timestamp(small_drop.as_at)
    for key, frame in tables.items():
        for column in frame.columns:
            if column.endswith("_date") or column in DATE_COLUMNS:
                dates = pd.to_datetime(frame[column].dropna(), format="%Y-%m-%d")
                assert (dates <= as_at).all(), f"{key} {column}"
        if "date_of_birth" in frame:
            dob = pd.to_datetime(frame["date_of_birth"], format="%Y-%m-%d")
            before_birthday = (dob.dt.month * 100 + dob.dt.day) > as_at.month * 100 + as_at.day
            age = as_at.year - dob.dt.year - before_birthday
            assert age.between(0, 25).all(), key


def test_sen2_dates_are_in_the_past_and_people_aged_0_to_25(tables, small_drop):
    as_at = pd.Timestamp(small_drop.as_at)
    for key, contract in SEN2.items():
        for column in (c for c in contract.columns if c.type in DATE_TYPES):
            dates = sen2_date(tables[key][column.source_header])
            assert (dates.dropna() <= as_at).all(), f"{key} {column.name}"
    dob = sen2_date(tables[("council", "sen2_person")].personbirthdate)
    age = as_at.year - dob.dt.year - ((dob.dt.month * 100 + dob.dt.day) > as_at.month * 100 + as_at.day)
    assert age.between(0, 25).all()


def test_identifier_and_geography_formats(tables):
    lookup = set(tables[("icb", "lsoa_lookup")].lsoa_code)
    assert len(lookup) == 697
    practices = set(tables[("icb", "gp_practices")].practice_code)
    assert len(practices) >= 100
    for key, frame in tables.items():
        if "lsoa_code" in frame:
            assert frame.lsoa_code.isin(lookup).all(), key
        if "postcode" in frame:
            compact = frame.postcode.str.upper().str.replace(" ", "")
            normal = compact.str[:-3] + " " + compact.str[-3:]
            assert normal.str.fullmatch(r"(ST|WS|DE|B|WV|DY)\d{1,2} \d[A-Z]{2}").all(), key
        if "upn" in frame:  # SEN2 also holds temporary UPNs (a letter last)
            upn = r"[A-Z]\d{11}[0-9A-Z]" if key in SEN2 else r"[A-Z]\d{12}"
            assert frame.upn.dropna().str.fullmatch(upn).all(), key
        if "practice_code" in frame:
            assert frame.practice_code.str.fullmatch(r"M83\d{3}").all()
            assert frame.practice_code.isin(practices).all()
    for key in (("council", "sen2_person"), ("council", "sen2_requests")):
        assert tables[key].persontableid.str.fullmatch(r"SCC\d{8}").all(), key


def test_nhs_numbers_are_valid_except_the_mistyped_few(tables):
    for key in (("icb", "gp_registered_population"), ("mpft", "epr_send_markers")):
        assert tables[key].nhs_number.map(nhs_valid).all(), key
    recorded = pd.concat([tables[key].nhs_number.dropna() for key in tables
                          if "nhs_number" in tables[key] and key[1] not in
                          ("gp_registered_population", "epr_send_markers")])
    invalid = (~recorded.map(nhs_valid)).mean()
    assert 0 < invalid < 0.03


def test_nulls_follow_the_record_state(tables, small_drop):
    dates = {key: tables[key].assign(**{c.source_header: sen2_date(tables[key][c.source_header])
                                        for c in contract.columns if c.type in DATE_TYPES})
             for key, contract in SEN2.items()}
    requests, assessments = dates[("council", "sen2_requests")], dates[("council", "sen2_assessment")]
    plans, active = dates[("council", "sen2_namedplan")], dates[("council", "sen2_activeplans")]
    assert (requests.requestoutcomedate.isna() == (requests.requestoutcome == "A")).all()
    assert (requests.receiveddate <= requests.requestoutcomedate).sum() == requests.requestoutcomedate.notna().sum()
    assessed = set(requests.requeststableid[requests.requestoutcome.isin(["Y", "H"])])
    assert set(assessments.requeststableid) == assessed and assessments.requeststableid.is_unique
    assert (assessments.assessmentoutcomedate.isna() == (assessments.assessmentoutcome == "A")).all()
    decided = requests.merge(assessments, on="requeststableid").dropna(subset=["assessmentoutcomedate"])
    assert (decided.requestoutcomedate <= decided.assessmentoutcomedate).all()
    issued = plans.merge(assessments, on="assessmenttableid", validate="one_to_one")
    assert len(issued) == len(plans) and set(issued.assessmentoutcome) <= {"Y", "H"}
    assert (issued.startdate == issued.assessmentoutcomedate).all()
    assert (plans.ceasedate.isna() == plans.ceasereason.isna()).all()
    assert (plans.startdate <= plans.ceasedate).sum() == plans.ceasedate.notna().sum()
    people = tables[("council", "sen2_person")].assign(
        dob=lambda f: sen2_date(f.personbirthdate))[["persontableid", "dob"]]
    born = issued.merge(requests[["requeststableid", "persontableid"]], on="requeststableid").merge(people)
    assert len(born) == len(plans) and (born.dob <= born.startdate).all()
    as_at = pd.Timestamp(small_drop.as_at)
    in_force = issued[issued.ceasedate.isna() | (issued.ceasedate > as_at)]
    assert set(active.requeststableid) == set(in_force.requeststableid) and active.requeststableid.is_unique
    assert (active.reviewmeeting.isna() == active.reviewoutcome.isna()).all()

    census = tables[("council", "school_census")]
    assert (census.primary_need.isna() == (census.sen_provision == "N")).all()
    assert (census.sessions_missed.astype(int) <= census.sessions_possible.astype(int)).all()
    assert census.census_date.nunique() == 1

    hubs = tables[("council", "eapdr_requests")]
    assert (hubs.outcome.isna() == (hubs.status == "OPEN")).all()
    early = tables[("council", "early_years_entitlements")]
    assert (early.send_marker_source.isna() == (early.send_marker == "N")).all()

    for partner in ("mpft", "nscht"):
        camhs = tables[(partner, "camhs_referrals")]
        assert (camhs.referral_date > camhs.date_of_birth).all()
        assert (camhs.referral_date <= camhs.first_contact_date.fillna("9999")).all()
        assert (camhs.first_contact_date.fillna("0") <= camhs.second_contact_date.fillna("9999")).all()
        assert camhs.second_contact_date.isna().sum() <= camhs.treatment_start_date.isna().sum()
        flags = tables[(partner, "reasonable_adjustment_flags")]
        assert (flags.recorded_date <= flags.last_reviewed_date.fillna("9999")).all()

    gp = tables[("icb", "gp_registered_population")]
    assert (gp.date_of_birth <= gp.registration_date).all()


def test_council_only_names_children_known_to_send_services(tables):
    known = set(tables[("council", "eapdr_requests")].la_child_id)
    for key in (("council", "sen2_person"), ("council", "sen2_requests")):
        known |= set(tables[key].persontableid)
    early = tables[("council", "early_years_entitlements")]
    known |= set(early.la_child_id.dropna())
    assert early.la_child_id.notna().eq(early.send_marker.eq("Y") | early.la_child_id.isin(known)).all()
    census = tables[("council", "school_census")]
    assert set(census.la_child_id.dropna()) <= known
    assert census.la_child_id[census.sen_provision == "E"].notna().all()
