"""The council's SEN2 person-level return (nine module files) and its GIAS establishments
download, from the same world as the v1 EHC caseload and requests (national-formats.md v2).

The same child has the same council person id (``persontableid`` = the v1 ``la_child_id``) and
UPN as in the school census. Imperfections a real Blade export has: dates in ISO and in the
export's ``YYYY-Mon-DD HH:MM:SS`` form, yes/no as 1/0 with some true/false and Y/N, temporary
UPNs, a few SEN need records of an active plan not in the delivery (orphans), and a GIAS file
in Windows-1252 with accented school names. Plans older than the requests' three years (and
transfers in) get a historical (``H``) request and assessment, as the return records them.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from sample_data.codes import CEASE_REASONS, DECISIONS, NEEDS, OUTCOMES, PLACEMENTS, REQUESTERS, SCHOOL_TYPES
from sample_data.population import ETHNICITIES, SEXES
from sample_data.world import World

BLADE_DATE_SHARE = 0.3       # dates written in the export's own form
OTHER_YES_NO_SHARE = 0.05    # yes/no written true/false or Y/N instead of 1/0
TEMPORARY_UPN_SHARE = 0.02   # UPNs ending in a letter (a temporary UPN)
ORPHAN_NEEDS = 3             # SEN need records whose active plan is not in the delivery
REQUEST_SOURCE = {"PARENT": "1", "YOUNG_PERSON": "1", "SCHOOL": "2", "HEALTH": "3", "OTHER": "5"}
REQUEST_OUTCOME = {"YES": "Y", "NO": "N", "PENDING": "A"}
ASSESSMENT_OUTCOME = {"ISSUE": "Y", "NO_ISSUE": "N", "PENDING": "A", "WITHDRAWN": "W"}
CEASE_REASON = {"NO_LONGER_ENGAGING": "6", "MOVED_LA": "5", "HIGHER_EDUCATION": "3", "EMPLOYMENT": "4",
                "NEEDS_MET": "2", "OTHER": "9"}
SEN_SETTING = {"HOME_EDUCATED": "EHE", "NEET": "NEET", "OTHER": "OLA"}
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Khan",
            "O'Connor", "Nowak", "Okafor", "Hughes"]
FORENAMES = ["Oliver", "Amelia", "Noah", "Isla", "Muhammad", "Ava", "Jack", "Zoë", "Leo", "Chloé", "Harry", "Maya"]
# GIAS type and type group of each county school type (sample_data.codes.SCHOOL_TYPES).
GIAS_TYPES = {"PRIMARY": ("Community school", "Local authority maintained schools", "Primary"),
              "SECONDARY": ("Academy converter", "Academies", "Secondary"),
              "SPECIAL": ("Community special school", "Special schools", "Not applicable"),
              "AP_PRU": ("Pupil referral unit", "Local authority maintained schools", "Not applicable"),
              "ALL_THROUGH": ("Academy sponsor led", "Academies", "All-through")}
GIAS_OTHER = {"independent_special": ("Other independent special school", "Independent schools", "Not applicable"),
              "colleges": ("Further education", "Colleges", "16 plus")}
PLACE_NAMES = ["Chase", "Moorlands", "Brook", "Hilltop", "Riverside", "Abbey", "Sainte-Thérèse", "Meadow"]


def sen2_modules(world: World) -> dict[str, dict[str, list]]:
    """The nine modules as {module: {item: values}} (every value text or None)."""
    rng = world.rng("sen2")
    people, plans, r = world.people, world.plans, world.requests
    as_at = np.datetime64(world.as_at, "D")

    def when(value) -> str | None:
        if value is None or np.isnat(np.datetime64(value, "D")):
            return None
        d = np.datetime64(value, "D").item()
        return f"{d:%Y-%b-%d} 00:00:00" if rng.random() < BLADE_DATE_SHARE else d.isoformat()

    def yes_no(flag) -> str:
        if rng.random() < OTHER_YES_NO_SHARE:
            return rng.choice(["true", "Y"]) if flag else rng.choice(["false", "N"])
        return "1" if flag else "0"

    def person_id(p) -> str:
        return f"SCC{people.la_child_id[p]:08d}"

    requests = {k: [] for k in ("requeststableid", "persontableid", "receiveddate", "requestsource", "rya",
                                "requestoutcomedate", "requestoutcome", "requestmediation", "requesttribunal",
                                "exported")}
    assessments = {k: [] for k in ("assessmenttableid", "requeststableid", "assessmentoutcome",
                                   "assessmentoutcomedate", "assessmentmediation", "assessmenttribunal",
                                   "othermediation", "othertribunal", "week20")}
    issued: dict[tuple[int, np.datetime64], str] = {}  # (person, issue date) -> the issuing assessment

    def add_request(person, received, source, outcome, outcome_date, mediation, tribunal) -> str:
        rid = f"RQ{len(requests['requeststableid']) + 1:07d}"
        for k, v in zip(requests, (rid, person_id(person), when(received), source, "0", when(outcome_date),
                                   outcome, yes_no(mediation), yes_no(tribunal), None)):
            requests[k].append(v)
        return rid

    def add_assessment(rid, outcome, outcome_date, mediation, tribunal, week20) -> str:
        aid = f"AS{len(assessments['assessmenttableid']) + 1:07d}"
        for k, v in zip(assessments, (aid, rid, outcome, when(outcome_date), yes_no(mediation), yes_no(tribunal),
                                      "0", "0", yes_no(week20))):
            assessments[k].append(v)
        return aid

    plan_request: dict[int, str] = {}
    for i in range(len(r.person)):
        rid = add_request(r.person[i], r.request_date[i], REQUEST_SOURCE[REQUESTERS[r.requester[i]]],
                          REQUEST_OUTCOME[DECISIONS[r.decision[i]]], r.decision_date[i], r.mediation[i], r.tribunal[i])
        if r.outcome[i] >= 0:
            outcome = ASSESSMENT_OUTCOME[OUTCOMES[r.outcome[i]]]
            date = r.issued_date[i] if outcome == "Y" else r.outcome_date[i]
            aid = add_assessment(rid, outcome, date, r.mediation[i], r.tribunal[i], r.exception[i])
            if outcome == "Y" and not np.isnat(r.issued_date[i]):
                issued[(int(r.person[i]), np.datetime64(r.issued_date[i], "D"))] = aid
                plan_request[aid] = rid

    named = {k: [] for k in ("namedplantableid", "assessmenttableid", "startdate", "planres", "planwbp", "pb", "oa",
                             "dp", "ceasedate", "ceasereason")}
    detail = {k: [] for k in ("plandetailtableid", "namedplantableid", "urn", "ukprn", "sensetting",
                              "sensettingother", "placementrank", "senunitindicator", "resourcedprovisionindicator")}
    active = {k: [] for k in ("activeplanstableid", "requeststableid", "transferla", "reviewmeeting",
                              "reviewoutcome", "lastreview", "reviewdraft", "phasetransferduedate",
                              "phasetransferfinaldate")}
    placement = {k: [] for k in ("placementdetailtableid", "activeplanstableid", "urn", "ukprn", "sensetting",
                                 "sensettingother", "placementrank", "entrydate", "leavingdate", "senunitindicator",
                                 "resourcedprovisionindicator", "res", "wbp")}
    need = {k: [] for k in ("senneedtableid", "activeplanstableid", "sentype", "sentyperank")}
    is_active = plans.active_on(as_at)
    for i in range(len(plans.person)):
        person, start = int(plans.person[i]), np.datetime64(plans.start[i], "D")
        aid = issued.get((person, start))
        if aid is None:  # issued before the requests' period, or a transfer in: historical records
            rid = add_request(person, start - 140, "1", "H", start - 42, False, False)
            aid = add_assessment(rid, "H", start, False, False, False)
            plan_request[aid] = rid
        pid = f"NP{i + 1:07d}"
        ceased = not np.isnat(plans.end[i])
        for k, v in zip(named, (pid, aid, when(start), None, None, "0", "0", None,
                                when(plans.end[i]) if ceased else None,
                                CEASE_REASON[CEASE_REASONS[plans.cease_reason[i]]] if ceased else None)):
            named[k].append(v)
        kind = PLACEMENTS[plans.placement[i]]
        urn = world.placement_urn[i]
        setting = None if urn else SEN_SETTING.get(kind, "OTH")
        resourced = "1" if kind == "RESOURCED_PROVISION" else "0"
        for k, v in zip(detail, (f"PD{i + 1:07d}", pid, urn, None, setting, None, "1", "0", resourced)):
            detail[k].append(v)
        if not is_active[i]:
            continue
        apid = f"AP{i + 1:07d}"
        review = max(start, as_at - int(rng.integers(45, 330)))  # decided 5-40 days later, by the as-at date
        reviewed = review > start
        for k, v in zip(active, (apid, plan_request[aid], None, when(review) if reviewed else None,
                                 "M" if reviewed else None,
                                 when(review + int(rng.integers(5, 40))) if reviewed else None, None, None, None)):
            active[k].append(v)
        for k, v in zip(placement, (f"PL{i + 1:07d}", apid, urn, None, setting, None, "1", when(start), None,
                                    "0", resourced, None, None)):
            placement[k].append(v)
        for rank, index in ((1, plans.primary[i]), (2, plans.secondary[i])):
            if index >= 0:
                code = NEEDS[index] if NEEDS[index] != "NSA" else "OTH"
                for k, v in zip(need, (f"SN{len(need['senneedtableid']) + 1:07d}", apid, code, str(rank))):
                    need[k].append(v)
    for n in range(ORPHAN_NEEDS):  # the active plan was deleted in the case system, its needs were not
        for k, v in zip(need, (f"SN9{n:06d}", f"AP9{n:06d}", "SLCN", "1")):
            need[k].append(v)

    persons = sorted({int(p) for p in np.concatenate([r.person, plans.person])})
    person = {k: [] for k in ("persontableid", "surname", "forename", "personbirthdate", "sex", "ethnicity",
                              "postcode", "upn", "uniquelearnernumber", "upnunknown")}
    postcodes = world.geo.postcodes
    for p in persons:
        upn = None
        if people.has_upn[p]:
            upn = _upn_text(int(people.upn[p]))
            if rng.random() < TEMPORARY_UPN_SHARE:
                upn = upn[:-1] + "A"
        for k, v in zip(person, (person_id(p), str(rng.choice(SURNAMES)), str(rng.choice(FORENAMES)),
                                 when(people.dob[p]), SEXES[people.sex[p]], ETHNICITIES[people.ethnicity[p]],
                                 postcodes[people.council_postcode[p]], upn, None, None if upn else "UN2")):
            person[k].append(v)
    header = {"collection": ["SEN2"], "year": [str(world.as_at.year)], "referencedate": [world.as_at.isoformat()],
              "lea": ["860"], "softwarecode": ["BLADE"], "release": ["2025.1"], "serialno": ["1"],
              "datetime": [f"{world.as_at:%Y-%b-%d} 18:00:00"], "dmo": [None], "dco": [None]}
    return {"sen2_header": header, "sen2_person": person, "sen2_requests": requests,
            "sen2_assessment": assessments, "sen2_namedplan": named, "sen2_plandetail": detail,
            "sen2_activeplans": active, "sen2_placementdetail": placement, "sen2_senneed": need}


def _upn_text(digits: int) -> str:
    from sample_data.identifiers import upn_text

    return upn_text(np.array([digits])).to_pylist()[0]


def establishments(world: World) -> dict[str, list]:
    """The GIAS download: county schools, independent special schools and colleges (early years
    settings have Ofsted URNs GIAS does not list)."""
    s, rng = world.schools, world.rng("gias")
    rows = [(urn, GIAS_TYPES[SCHOOL_TYPES[s.type[i]]]) for i, urn in enumerate(s.urn)]
    rows += [(urn, GIAS_OTHER[group]) for group in GIAS_OTHER for urn in getattr(s, group)]
    out = {k: [] for k in ("URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
                           "TypeOfEstablishment (name)", "EstablishmentTypeGroup (name)",
                           "EstablishmentStatus (name)", "PhaseOfEducation (name)", "UKPRN", "Postcode")}
    for n, (urn, (kind, group, phase)) in enumerate(rows):
        place = PLACE_NAMES[n % len(PLACE_NAMES)]
        name = f"{place} {kind.title() if group != 'Colleges' else 'College'} {n + 1}"
        postcode = world.geo.postcodes[int(rng.integers(0, len(world.geo.postcodes)))]
        values = (str(urn), "860", "Staffordshire", f"{2000 + n:04d}", name, kind, group, "Open", phase,
                  f"1{int(rng.integers(0, 10**7)):07d}", postcode)
        for k, v in zip(out, values):
            out[k].append(v)
    return out


def as_arrays(columns: dict[str, list]) -> dict[str, pa.Array]:
    return {k: pa.array(v, pa.string()) for k, v in columns.items()}
