"""A dozen hand-built people across the clean extracts, reporting date 2025-07-31.

Flow period: 2024-08-01 .. 2025-07-31. Geography:
  LSOA L1 -> E07000192 Cannock Chase (sub-ICB 04Y)     L2 -> E07000195 Newcastle-under-Lyme (05G)
  LSOA L3 -> E07000197 Stafford (05V)                  L4 -> E06000021 Stoke-on-Trent (05W)
  LSOA L5 -> E06000051 Shropshire (05N, outside the ICB)
  practices M83001 04Y, M83002 05G, M83003 05W, M83004 05V

Council persons (la_child_id = SEN2 persontableid C.., UPN U.., early-years child_id K..); the SEN2
return (national-formats.md v2) carries no NHS number and no LSOA, so plan holders link to their GP
registration by (dob, sex, postcode) and live where the census or the GP registration says:
  Amy  C01/U01      F 2015-03-10 (10)  active EHCP ASD MAINSTREAM White, L1; census E; GP N01 04Y; RA flag
                                       (impairments 9, 5; category 009)
  Ben  C02/U02      M 2008-05-20 (17)  active EHCP SLCN SPECIAL_STATE Mixed; GP N02 (L2); LD register;
                                       an active RA flag with consent RADISSENT (does not count)
  Cara C03          F 2012-11-02 (12)  active EHCP SEMH SPECIAL_INDEPENDENT; GP N03 (L3); an active RA
                                       flag with consent RAREVOKED (does not count)
  Dan  C04/U04      M 2013-06-15 (12)  EHCP ceased 2024-12-31 (needs met); census K (SPLD), 200/100 sessions, L3
  Ola  C15          M 2006-02-01 (19)  active EHCP ASD FE_COLLEGE Asian; no GP registration, no census:
                                       residence unknown -> county only
  Pat  C14          M 1999-01-01 (26)  active EHCP (OLA: OTHER) aged 26: a plan the council maintains
                                       (ehcp_count), but outside every 0-25 figure; residence unknown
  Sam  C16          M 2010-01-01 (15)  EHCP ceased 2024-01-18 (moved LA), the January 2024 census day
  Hana C08/K08      F 2022-12-10 (2)   funded THINK2, no marker, L1; an EHCNA request
  C13 (U13)         F 2009-03-01 (16)  post-16 SEN_SUPPORT EET; U13 also on an EAPDR of C14 -> ambiguous UPN
  Eve  U05          F 2016-01-20 (9)   census K (MLD), lives in Stoke-on-Trent (L4), no possible sessions
  Finn U06          M 2014-09-01 (10)  census N, L1; open EAPDR request by UPN only
  Quinn U22         F 2011-01-01 (14)  census N, FSM not recorded, 200/40 sessions, L2
  Rae  U23 (K23)    F 2021-12-01 (3)   census K (SLCN) year N2, L1; early-years K23 (no la_child_id)
                                       linked to her by (dob, sex, postcode)
  Gus  K07 (N07)    M 2021-10-05 (3)   SEND marker this term, L2; linked to GP N07 by (dob, sex, postcode)
  Ivy  K09          F 2021-08-01 (3)   funded, no marker, L3; GP twins N09a/N09b share her key -> ambiguous
  K20               F 2021-05-05 (4)   SEND marker on two entitlements (UNIVERSAL_3_4, WP_3_4), L1
  K21               M 2022-11-11 (2)   SEND marker but lives in Stoke-on-Trent (L4)
Careers-service records (ccis_id P..), with their own LSOA: P02 Ben (L2), P13 C13 (no LSOA), P15 Ola
  (L2); P30 F 2009-01-10 (16) NEET, L1 and P31 M 2008-04-04 (17) EET, L4 Stoke-on-Trent are not known
  to SEND services (no la_child_id, no UPN): they link to no person and still count.
Health-only persons (NHS numbers N..):
  Jack N10  M 2001-02-01 (24)  LD register (check 2024-06-30, before the period), L2; RA flag F10 active
                               at NSCHT (impairment 5; categories 008, 009) and entered-in-error at MPFT
  Kim  N11  F 2010-07-15 (15)  open SLT referral, L1; RA flag inactive at MPFT, RADISSENT at NSCHT
  Leo  N12  EPR SEND marker only, no residence -> not a county resident
  N19       an active RA flag with consent RADISSENT only: never a person
  N09a, N09b (twins, L3, practice 05W), N16 (L4, 05W), N17 (L5, 05G), N18 (no LSOA, 04Y)
Files: the SEN2 named-plan module has an older accepted file, a superseded and a rejected file for
the same date and a newer file after the reporting date, each with a second plan for Amy's assessment;
only file 3 is current. Establishments (GIAS): 100001 community school, 100002 community special
school, 100003 independent special school, college UKPRN 10000004.
"""
from __future__ import annotations

import hashlib

REPORTING_DATE = "2025-07-31"


def pseudo(label: str) -> str:
    """The test's stand-in for a keyed hash: SHA-256 of a readable label (C01, N01, U01 ...)."""
    return hashlib.sha256(label.encode()).hexdigest()


L1, L2, L3, L4, L5 = "E01000001", "E01000002", "E01000003", "E01000004", "E01000005"
P1, P2, P3, P4 = "M83001", "M83002", "M83003", "M83004"


def _file(file_id: int, table: str, as_at: str, status: str = "accepted") -> dict:
    partner, extract = table.split("__")
    return dict(file_id=file_id, partner=partner, extract=extract, as_at=as_at, status=status)


FILES = [
    _file(1, "council__sen2_namedplan", "2025-06-30"),
    _file(2, "council__sen2_namedplan", "2025-07-31", "superseded"),
    _file(3, "council__sen2_namedplan", "2025-07-31"),
    _file(4, "council__sen2_namedplan", "2025-08-31"),
    _file(5, "council__sen2_namedplan", "2025-07-31", "rejected"),
    *(_file(file_id, f"council__sen2_{module}", "2025-07-31") for file_id, module in (
        (6, "header"), (7, "person"), (8, "requests"), (9, "assessment"), (10, "plandetail"),
        (15, "activeplans"), (16, "placementdetail"), (17, "senneed"))),
    _file(18, "council__establishments", "2025-07-01"),
    _file(11, "council__school_census", "2025-05-15"),
    _file(12, "council__eapdr_requests", "2025-07-31"),
    _file(13, "council__early_years_entitlements", "2025-06-01"),
    _file(14, "council__post16_activity", "2025-07-31"),
    _file(20, "icb__gp_registered_population", "2025-07-31"),
    _file(21, "icb__gp_practices", "2025-07-31"),
    _file(22, "icb__lsoa_lookup", "2025-01-01"),
    _file(30, "mpft__slt_referrals", "2025-07-31"),
    _file(31, "mpft__camhs_referrals", "2025-07-31"),
    _file(32, "mpft__reasonable_adjustment_flags", "2025-07-31"),
    _file(33, "mpft__epr_send_markers", "2025-07-31"),
    _file(40, "nscht__camhs_referrals", "2025-07-31"),
    _file(41, "nscht__reasonable_adjustment_flags", "2025-07-31"),
]


def _person(la, dob, sex, ethnicity, postcode, upn=None):
    return dict(persontableid_pseudo=pseudo(la), personbirthdate=dob, sex=sex, ethnicity=ethnicity,
                postcode_pseudo=pseudo(postcode), upn_pseudo=upn and pseudo(upn))


def _plan(plan_id, la, start, need, placement, end=None, cease_reason=None, review=None):
    """A named plan of person ``la`` with its historical request (R<id>) and assessment (A<id>), its
    active-plan record (P<id>: while not ceased), need of rank 1 and placement of rank 1
    (``placement``: a URN, UKPRN:<ukprn> or a SEN setting code)."""
    urn = ukprn = setting = None
    if placement.startswith("UKPRN:"):
        ukprn = placement.removeprefix("UKPRN:")
    elif placement.isdigit():
        urn = placement
    else:
        setting = placement
    rows = {
        "requests": [dict(requeststableid=f"R{plan_id}", persontableid_pseudo=pseudo(la), receiveddate="2015-01-01",
                          requestoutcome="H")],
        "assessment": [dict(assessmenttableid=f"A{plan_id}", requeststableid=f"R{plan_id}", assessmentoutcome="H",
                            assessmentoutcomedate=start)],
        "namedplan": [dict(namedplantableid=f"N{plan_id}", assessmenttableid=f"A{plan_id}", startdate=start,
                           ceasedate=end, ceasereason=cease_reason)],
    }
    if end is None:
        meeting, decided = review or (None, None)
        rows["activeplans"] = [dict(activeplanstableid=f"P{plan_id}", requeststableid=f"R{plan_id}",
                                    reviewmeeting=meeting, lastreview=decided)]
        rows["senneed"] = [dict(senneedtableid=f"S{plan_id}", activeplanstableid=f"P{plan_id}", sentype=need,
                                sentyperank="1")]
        rows["placementdetail"] = [dict(placementdetailtableid=f"D{plan_id}", activeplanstableid=f"P{plan_id}",
                                        urn=urn, ukprn=ukprn, sensetting=setting, placementrank="1")]
    return rows


def _request(request_id, la, received, outcome, outcome_date=None, mediation=False, tribunal=False):
    return dict(requeststableid=request_id, persontableid_pseudo=pseudo(la), receiveddate=received,
                requestoutcome=outcome, requestoutcomedate=outcome_date, requestmediation=_yes_no(mediation),
                requesttribunal=_yes_no(tribunal))


def _assessment(request_id, outcome, outcome_date, week20=False):
    return dict(assessmenttableid=f"A{request_id}", requeststableid=request_id, assessmentoutcome=outcome,
                assessmentoutcomedate=outcome_date, week20=_yes_no(week20))


def _yes_no(flag: bool) -> str:
    """A yes/no item as the clean tables hold it."""
    return "Y" if flag else "N"


def _establishment(urn, name, type_of_establishment, type_group, ukprn=None):
    return dict(urn=urn, establishment_name=name, type_of_establishment=type_of_establishment,
                establishment_type_group=type_group, ukprn=ukprn)


PLANS = [
    _plan("01", "C01", "2022-01-01", "ASD", "100001", review=("2025-03-01", "2025-03-20")),
    _plan("02", "C02", "2020-09-01", "SLCN", "100002", review=("2025-01-10", "2025-02-10")),
    _plan("03", "C03", "2024-02-01", "SEMH", "100003", review=("2024-06-01", "2024-06-15")),
    _plan("04", "C04", "2019-01-01", "SPLD", "100001", end="2024-12-31", cease_reason="2"),
    _plan("15", "C15", "2021-05-01", "ASD", "UKPRN:10000004"),
    _plan("14", "C14", "2015-01-01", "MLD", "OLA"),
    _plan("16", "C16", "2018-01-01", "SEMH", "100001", end="2024-01-18", cease_reason="5"),
]


def _sen2(module: str) -> list[dict]:
    return [row for plan in PLANS for row in plan.get(module, [])]


def _pupil(upn, dob, sex, ethnicity, postcode, lsoa, provision, need, fsm, possible, missed, suspensions,
           year_group, la=None):
    return dict(
        upn_pseudo=pseudo(upn), la_child_id_pseudo=la and pseudo(la), census_date="2025-05-15",
        school_urn="123456", school_type="PRIMARY", year_group=year_group, date_of_birth=dob, sex=sex,
        ethnicity=ethnicity, postcode_pseudo=pseudo(postcode), lsoa_code=lsoa, sen_provision=provision,
        primary_need=need, fsm_eligible=fsm, sessions_possible=possible, sessions_missed=missed,
        suspensions=suspensions, permanent_exclusion="N",
    )


def _claim(child, dob, sex, term, entitlement, marker, postcode, lsoa, la=None):
    return dict(
        child_id_pseudo=pseudo(child), la_child_id_pseudo=la and pseudo(la), date_of_birth=dob, sex=sex,
        term=term, entitlement=entitlement, send_marker=marker,
        send_marker_source="SENIF" if marker == "Y" else None, hours_taken=15.0,
        postcode_pseudo=pseudo(postcode), lsoa_code=lsoa,
    )


def _gp(nhs, dob, sex, postcode, lsoa, practice, ld="N", autism="N", health_check=None):
    return dict(
        nhs_number_pseudo=pseudo(nhs), date_of_birth=dob, sex=sex, postcode_pseudo=pseudo(postcode),
        lsoa_code=lsoa, practice_code=practice, registration_date="2020-01-01",
        learning_disability_register=ld, autism_diagnosis=autism, annual_health_check_date=health_check,
    )


def _camhs(referral_id, nhs, dob, referral, service_line, sub_icb, first_contact=None, treatment=None,
           closed=None):
    return dict(
        referral_id=referral_id, nhs_number_pseudo=nhs and pseudo(nhs), date_of_birth=dob,
        referral_date=referral, service_line=service_line, sub_icb_code=sub_icb,
        first_contact_date=first_contact, treatment_start_date=treatment, closed_date=closed,
    )


def _slt(referral_id, nhs, dob, referral, sub_icb, assessed=None, discharged=None):
    return dict(
        referral_id=referral_id, nhs_number_pseudo=nhs and pseudo(nhs), date_of_birth=dob,
        referral_date=referral, referral_source="SCHOOL", sub_icb_code=sub_icb,
        first_assessment_date=assessed, discharge_date=discharged,
    )


def _tracked(ccis, la, upn, dob, lsoa, sen_status, activity, month):
    return dict(ccis_id_pseudo=pseudo(ccis), la_child_id_pseudo=la and pseudo(la), upn_pseudo=upn and pseudo(upn),
                date_of_birth=dob, postcode_pseudo=pseudo(f"PC{ccis}"), lsoa_code=lsoa, sen_status=sen_status,
                activity=activity, activity_month=month)


def _flag(flag_id, nhs, status, recorded, reviewed, impairments, categories, adjustments,
          consent="RACONSENT", ods="RRE"):
    return dict(
        flag_id=flag_id, nhs_number_pseudo=pseudo(nhs), status=status, consent=consent, recorded_date=recorded,
        last_reviewed_date=reviewed, recorded_by=ods, impairments=impairments, adjustment_categories=categories,
        adjustments=adjustments,
    )


ROWS = {
    # files 1, 2 and 4 are not current: their second plans for Amy's assessment must not count
    **{("council__sen2_namedplan", file_id): [dict(namedplantableid=f"N9{file_id}", assessmenttableid="A01",
                                                   startdate="2020-01-01")] for file_id in (1, 2, 4)},
    ("council__sen2_header", 6): [dict(collection="SEN2", lea="860")],
    ("council__sen2_person", 7): [
        _person("C01", "2015-03-10", "F", "WBRI", "PC01", upn="U01"),
        _person("C02", "2008-05-20", "M", "MWBC", "PC02", upn="U02"),
        _person("C03", "2012-11-02", "F", "NOBT", "PC03"),
        _person("C04", "2013-06-15", "M", "WBRI", "PC04", upn="U04"),
        _person("C15", "2006-02-01", "M", "AIND", "PC15"),
        _person("C14", "1999-01-01", "M", "WBRI", "PC14"),
        _person("C16", "2010-01-01", "M", "WBRI", "PC16"),
        _person("C08", "2022-12-10", "F", "WBRI", "PC08"),
        _person("C13", "2009-03-01", "F", "WBRI", "PC13", upn="U13"),
    ],
    ("council__sen2_requests", 8): _sen2("requests") + [
        # E1: issued after 126 days (in time); E2: after 151 days (late), mediation; E3: refused,
        # tribunal; E4: requested before the period, issued in it with an exception; E5: pending;
        # E6: assessed, not issued
        _request("E1", "C01", "2024-09-01", "Y", "2024-10-10"),
        _request("E2", "C08", "2024-10-01", "Y", "2024-11-15", mediation=True),
        _request("E3", "C04", "2024-12-01", "N", "2025-01-20", tribunal=True),
        _request("E4", "C03", "2024-05-01", "Y", "2024-06-20"),
        _request("E5", "C13", "2025-06-01", "A"),
        _request("E6", "C15", "2025-02-01", "Y", "2025-03-01"),
    ],
    ("council__sen2_assessment", 9): _sen2("assessment") + [
        _assessment("E1", "Y", "2025-01-05"),
        _assessment("E2", "Y", "2025-03-01"),
        _assessment("E4", "Y", "2024-09-20", week20=True),
        _assessment("E6", "N", "2025-06-01"),
    ],
    ("council__sen2_namedplan", 3): _sen2("namedplan"),
    ("council__sen2_activeplans", 15): _sen2("activeplans"),
    ("council__sen2_senneed", 17): _sen2("senneed"),
    ("council__sen2_placementdetail", 16): _sen2("placementdetail"),
    ("council__establishments", 18): [
        _establishment("100001", "Chase Primary", "Community school", "Local authority maintained schools"),
        _establishment("100002", "Brook School", "Community special school", "Special schools"),
        _establishment("100003", "Hilltop School", "Other independent special school", "Independent schools"),
        _establishment("100004", "Riverside College", "Further education", "Colleges", ukprn="10000004"),
    ],
    ("council__school_census", 11): [
        _pupil("U01", "2015-03-10", "F", "WBRI", "PC01", L1, "E", "ASD", "Y", 300, 30, 1, "5", la="C01"),
        _pupil("U04", "2013-06-15", "M", "WBRI", "PC04", L3, "K", "SPLD", "N", 200, 100, 2, "7", la="C04"),
        _pupil("U05", "2016-01-20", "F", "BAFR", "PC05", L4, "K", "MLD", "Y", 0, 0, 0, "4"),
        _pupil("U06", "2014-09-01", "M", "WBRI", "PC06", L1, "N", None, "N", 100, 5, 0, "5"),
        _pupil("U22", "2011-01-01", "F", "CHNE", "PC22", L2, "N", None, None, 200, 40, 0, "9"),
        _pupil("U23", "2021-12-01", "F", "WBRI", "PC23", L1, "K", "SLCN", "N", 100, 10, 0, "N2"),
    ],
    ("council__eapdr_requests", 12): [
        dict(request_id="R1", upn_pseudo=pseudo("U06"), hub_district="E07000192", request_date="2025-03-01",
             support_type="SPECIALIST_TEACHING", status="OPEN"),
        dict(request_id="R2", upn_pseudo=pseudo("U13"), la_child_id_pseudo=pseudo("C14"), hub_district="E07000195",
             request_date="2024-07-15", support_type="OTHER", status="CLOSED", outcome="WITHDRAWN"),
        dict(request_id="R3", upn_pseudo=pseudo("U02"), la_child_id_pseudo=pseudo("C02"), hub_district="E07000195",
             request_date="2024-11-01", support_type="EDUCATIONAL_PSYCHOLOGY", status="CLOSED",
             outcome="ESCALATED_TO_EHCNA"),
    ],
    ("council__early_years_entitlements", 13): [
        _claim("K07", "2021-10-05", "M", "2025-SUMMER", "UNIVERSAL_3_4", "Y", "PC07", L2),
        _claim("K07", "2021-10-05", "M", "2025-SPRING", "UNIVERSAL_3_4", "N", "PC07", L2),
        _claim("K08", "2022-12-10", "F", "2025-SUMMER", "THINK2", "N", "PC08", L1, la="C08"),
        _claim("K09", "2021-08-01", "F", "2025-SUMMER", "UNIVERSAL_3_4", "N", "PC09", L3),
        _claim("K20", "2021-05-05", "F", "2025-SUMMER", "UNIVERSAL_3_4", "Y", "PC20", L1),
        _claim("K20", "2021-05-05", "F", "2025-SUMMER", "WP_3_4", "Y", "PC20", L1),
        _claim("K21", "2022-11-11", "M", "2025-SUMMER", "THINK2", "Y", "PC21", L4),
        _claim("K23", "2021-12-01", "F", "2025-SUMMER", "UNIVERSAL_3_4", "N", "PC23", L1),
    ],
    ("council__post16_activity", 14): [
        _tracked("P02", "C02", "U02", "2008-05-20", L2, "EHCP", "NEET", "2025-07"),
        _tracked("P13", "C13", "U13", "2009-03-01", None, "SEN_SUPPORT", "EET", "2025-07"),
        _tracked("P13", "C13", "U13", "2009-03-01", None, "SEN_SUPPORT", "NEET", "2025-06"),
        _tracked("P15", "C15", None, "2006-02-01", L2, "EHCP", "NOT_KNOWN", "2025-07"),
        # tracked young people not known to SEND services: no la_child_id, no UPN
        _tracked("P30", None, None, "2009-01-10", L1, "NONE", "NEET", "2025-07"),
        _tracked("P31", None, None, "2008-04-04", L4, "NONE", "EET", "2025-07"),
    ],
    ("icb__gp_registered_population", 20): [
        _gp("N01", "2015-03-10", "F", "PC01", L1, P1, autism="Y"),
        _gp("N02", "2008-05-20", "M", "PC02", L2, P2, ld="Y", health_check="2025-01-15"),
        _gp("N03", "2012-11-02", "F", "PC03", L3, P4),
        _gp("N07", "2021-10-05", "M", "PC07", L2, P2, ld="Y"),
        _gp("N09a", "2021-08-01", "F", "PC09", L3, P3),
        _gp("N09b", "2021-08-01", "F", "PC09", L3, P3),
        _gp("N10", "2001-02-01", "M", "PC10", L2, P2, ld="Y", health_check="2024-06-30"),
        _gp("N11", "2010-07-15", "F", "PC11", L1, P1),
        _gp("N16", "2012-01-01", "F", "PC16H", L4, P3),
        _gp("N17", "2005-05-05", "M", "PC17", L5, P2),
        _gp("N18", "2011-11-11", "M", "PC18", None, P1),
    ],
    ("icb__gp_practices", 21): [
        dict(practice_code=P1, practice_name="Cannock practice", sub_icb_code="04Y", lsoa_code=L1),
        dict(practice_code=P2, practice_name="Newcastle practice", sub_icb_code="05G", lsoa_code=L2),
        dict(practice_code=P3, practice_name="Stoke practice", sub_icb_code="05W", lsoa_code=L4),
        dict(practice_code=P4, practice_name="Stafford practice", sub_icb_code="05V", lsoa_code=L3),
    ],
    ("icb__lsoa_lookup", 22): [
        dict(lsoa_code=L1, lsoa_name="Cannock Chase 001A", lad_code="E07000192", lad_name="Cannock Chase", sub_icb_code="04Y", sub_icb_name="Cannock Chase"),
        dict(lsoa_code=L2, lsoa_name="Newcastle-under-Lyme 001A", lad_code="E07000195", lad_name="Newcastle-under-Lyme", sub_icb_code="05G", sub_icb_name="North Staffordshire"),
        dict(lsoa_code=L3, lsoa_name="Stafford 001A", lad_code="E07000197", lad_name="Stafford", sub_icb_code="05V", sub_icb_name="Stafford and Surrounds"),
        dict(lsoa_code=L4, lsoa_name="Stoke-on-Trent 001A", lad_code="E06000021", lad_name="Stoke-on-Trent", sub_icb_code="05W", sub_icb_name="Stoke-on-Trent"),
        dict(lsoa_code=L5, lsoa_name="Shropshire 001A", lad_code="E06000051", lad_name="Shropshire", sub_icb_code="05N", sub_icb_name="Shropshire"),
    ],
    ("mpft__slt_referrals", 30): [
        _slt("S1", "N11", "2010-07-15", "2025-05-01", "04Y"),                            # waiting 91 days
        _slt("S2", "N01", "2015-03-10", "2025-01-10", "04Y", assessed="2025-02-20"),     # assessed, still open
        _slt("S3", None, "2019-04-04", "2025-02-01", "05G"),                             # waiting 180 days
        _slt("S4", None, "2020-02-02", "2024-07-01", "05W"),                             # waiting 395 days
        _slt("S5", "N07", "2021-10-05", "2025-06-01", "05G", assessed="2025-07-01", discharged="2025-07-20"),
    ],
    ("mpft__camhs_referrals", 31): [
        _camhs("M1", "N11", "2010-07-15", "2025-03-01", "CORE_CAMHS", "04Y", "2025-03-21", "2025-05-01"),  # 20 / 61 days
        _camhs("M2", "N01", "2015-03-10", "2025-02-01", "AUTISM_ASSESSMENT", "04Y"),                       # waiting 180
        _camhs("M3", "N03", "2012-11-02", "2024-06-01", "CORE_CAMHS", "05V", "2024-09-01", "2024-12-01", "2025-03-01"),  # 92 / 183
    ],
    ("nscht__camhs_referrals", 40): [
        _camhs("T1", "N02", "2008-05-20", "2025-04-01", "CORE_CAMHS", "05G", "2025-04-11", "2025-06-01"),  # 10 / 61 days
        _camhs("T2", "N09b", "2021-08-01", "2025-05-01", "MHST", "05W"),                                  # waiting 91
        _camhs("T3", None, "2012-12-12", "2025-06-15", "CORE_CAMHS", "05G", "2025-07-15"),                # 30 days
        _camhs("T4", "N10", "2001-02-01", "2025-07-01", "GETTING_ADVICE", "05G", closed="2025-07-20"),
    ],
    ("mpft__reasonable_adjustment_flags", 32): [
        _flag("F01", "N01", "active", "2024-03-01", None, "9|5", "009", "441092009|957371000000106"),
        _flag("F10", "N10", "entered-in-error", "2024-01-01", "2025-06-01", "7", "011", None),
        _flag("F11", "N11", "inactive", "2024-02-01", "2024-12-01", "2", "002", "225861007"),
        # Ben and Cara are in the cohort; a dissent or revocation never counts nor links them to MPFT
        _flag("F02", "N02", "active", "2024-05-01", None, "5", "001", "1082681000000103", consent="RADISSENT"),
        _flag("F03", "N03", "active", "2024-05-01", None, "9", "001", None, consent="RAREVOKED"),
    ],
    ("nscht__reasonable_adjustment_flags", 41): [
        _flag("F10", "N10", "active", "2024-01-01", "2025-01-01", "5", "009|008", None, ods="RLY"),
        # Kim's dissent at NSCHT: not linked, so NSCHT does not contribute to her
        _flag("F12", "N11", "active", "2025-01-01", None, "7", "001", None, consent="RADISSENT", ods="RLY"),
        # N19 is on no other record: a dissent names no one, so N19 is no identifier (linkage summary)
        _flag("F19", "N19", "active", "2025-02-01", None, "9", "009", None, consent="RADISSENT", ods="RLY"),
    ],
    ("mpft__epr_send_markers", 33): [
        dict(nhs_number_pseudo=pseudo("N12"), marker_date="2024-05-01", marker_source="CLINICIAN"),
    ],
}

DATES_OF_BIRTH = {
    row["date_of_birth"] for rows in ROWS.values() for row in rows if row.get("date_of_birth")
}
PSEUDONYMS = {
    value for rows in ROWS.values() for row in rows for column, value in row.items()
    if column.endswith("_pseudo") and value
}
