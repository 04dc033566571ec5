"""The partner extracts of the specification (v1's fifteen, the SEN2 return's nine modules and
the GIAS download), built from the simulated world.

Each extract lists the specification's columns in order and builds Arrow columns for a
slice of its rows (only the GP registrations are large enough to be built in chunks).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import identifiers, sen2
from sample_data.codes import (ACTIVITIES, CONSENT, EAPDR_OUTCOMES, EAPDR_STATUS,
                               ENTITLEMENTS, EPR_SOURCES, FLAG_STATUS, MARKER_SOURCES, NEEDS, SCHOOL_TYPES,
                               SEN_PROVISION, SEN_STATUS, SERVICE_LINES, SLT_SOURCES, SUPPORT_TYPES, YEAR_GROUPS,
                               YES_NO)
from sample_data.community_health import MPFT, NSCHT
from sample_data.flags import RECORDED_BY
from sample_data.geography import COUNTY_DISTRICTS, SUB_ICBS
from sample_data.population import ETHNICITIES, SEXES
from sample_data.sampling import day
from sample_data.world import World

Columns = dict[str, pa.Array]
LAST_UPN_AGE = 19             # the council keeps a UPN on plans up to this age

CAMHS_HEADERS = {
    "referral_id": "Referral ID", "nhs_number": "NHS Number", "date_of_birth": "Date of Birth",
    "referral_date": "Referral Received Date", "service_line": "Service Line",
    "sub_icb_code": "Sub-ICB Code", "first_contact_date": "First Contact Date",
    "second_contact_date": "Second Contact Date", "treatment_start_date": "Treatment Start Date",
    "closed_date": "Closed Date",
}
FLAG_HEADERS = {
    "flag_id": "Flag ID", "nhs_number": "NHS Number", "status": "Status", "consent": "Consent",
    "recorded_date": "Recorded Date", "last_reviewed_date": "Last Reviewed Date", "recorded_by": "Recorded By",
    "impairments": "Impairments", "adjustment_categories": "Adjustment Categories", "adjustments": "Adjustments",
}


@dataclass(frozen=True)
class Extract:
    partner: str
    name: str
    columns: tuple[str, ...]
    rows: int
    build: Callable[[slice], Columns]
    headers: tuple[str, ...] = ()       # XLSX only: the human header of each column
    text_dates: tuple[str, ...] = ()    # XLSX only: date columns written as DD/MM/YYYY text
    encoding: str = "utf-8"             # CSV only: GIAS downloads are Windows-1252

    @property
    def extension(self) -> str:
        return "xlsx" if self.headers else "csv"


def all_extracts(world: World) -> list[Extract]:
    return [*sen2_return(world), establishments(world), school_census(world), eapdr_requests(world),
            early_years_entitlements(world), post16_activity(world),
            gp_registered_population(world), gp_practices(world), lsoa_lookup(world),
            slt_referrals(world), camhs_referrals(world, MPFT), reasonable_adjustment_flags(world, MPFT),
            epr_send_markers(world), camhs_referrals(world, NSCHT),
            reasonable_adjustment_flags(world, NSCHT)]


# --- column helpers ----------------------------------------------------------------

def _codes(labels: list[str], index: np.ndarray) -> pa.Array:
    index = np.asarray(index, dtype=np.int64)
    return pa.array(labels, pa.string()).take(pa.array(index, mask=index < 0))


def _yes_no(flag: np.ndarray) -> pa.Array:
    return _codes(YES_NO, np.where(flag, 0, 1))


def _dates(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype="datetime64[D]"), type=pa.date32(), from_pandas=True)


def _text(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.string(), from_pandas=True)


def _ints(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64))


def _table(partner: str, name: str, columns: Columns, headers: dict | None = None,
           text_dates: tuple[str, ...] = ()) -> Extract:
    rows = len(next(iter(columns.values())))
    return Extract(partner, name, tuple(columns), rows,
                   lambda part: {key: column[part] for key, column in columns.items()},
                   tuple(headers[c] for c in columns) if headers else (), text_dates)


def _la_child_id(world: World, person: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return identifiers.padded("SCC", world.people.la_child_id[person], 8, missing)


def _upn(world: World, person: np.ndarray, known: np.ndarray) -> pa.Array:
    return identifiers.upn_text(world.people.upn[person], ~known)


def _postcode(world: World, postcode: np.ndarray, name: str | None = None) -> pa.Array:
    """Postcodes as text; council extracts (`name` given) use some odd case and spacing."""
    text = pa.array(world.geo.postcodes, pa.string()).take(pa.array(postcode))
    if name is None:
        return text
    r, rng = world.cal["recording"], world.rng(f"recording/postcode/{name}")
    lower = pa.array(rng.random(len(postcode)) < r["postcode_lower_case"])
    unspaced = pa.array(rng.random(len(postcode)) < r["postcode_without_space"])
    text = pc.if_else(lower, pc.utf8_lower(text), text)
    return pc.if_else(unspaced, pc.replace_substring(text, " ", ""), text)


def _lsoa(world: World, lsoa: np.ndarray) -> pa.Array:
    return pa.array(world.geo.lsoa_codes, pa.string()).take(pa.array(lsoa))


def _nhs_number(world: World, person: np.ndarray, name: str, rates: dict) -> pa.Array:
    """NHS numbers as recorded: some missing, some mistyped (bad check digit), some spaced."""
    rng = world.rng(f"recording/nhs/{name}")
    numbers = world.people.nhs_number[person].copy()
    mistyped = rng.random(len(person)) < rates["nhs_number_invalid"]
    numbers[mistyped] = identifiers.corrupt_check_digit(rng, numbers[mistyped])
    numbers[rng.random(len(person)) < rates["nhs_number_missing"]] = -1
    return identifiers.nhs_text(numbers, rng.random(len(person)) < rates["nhs_number_spaced"])


def _ids(world: World, name: str, prefix: str, n: int, digits: int = 8) -> pa.Array:
    return identifiers.padded(prefix, identifiers.distinct_ids(world.rng(f"ids/{name}"), n, digits), digits)


# --- council -----------------------------------------------------------------------

def sen2_return(world: World) -> list[Extract]:
    """The nine SEN2 module files of one delivery (national-formats.md v2)."""
    return [_table("council", module, sen2.as_arrays(items)) for module, items in sen2.sen2_modules(world).items()]


def establishments(world: World) -> Extract:
    """The council's GIAS download, Windows-1252 as GIAS exports it."""
    extract = _table("council", "establishments", sen2.as_arrays(sen2.establishments(world)))
    return replace(extract, encoding="cp1252")


def school_census(world: World) -> Extract:
    c, people = world.census, world.people
    order = np.argsort(people.upn[c.person], kind="stable")
    person = c.person[order]
    return _table("council", "school_census", {
        "upn": _upn(world, person, np.ones(len(person), dtype=bool)),
        "la_child_id": _la_child_id(world, person, ~world.known_to_send[person]),
        "census_date": _dates(np.full(len(person), day(c.date))),
        "school_urn": _text(world.schools.urn[c.school[order]]),
        "school_type": _codes(SCHOOL_TYPES, world.schools.type[c.school[order]]),
        "year_group": _codes(YEAR_GROUPS, c.year_group[order]),
        "date_of_birth": _dates(people.dob[person]),
        "sex": _codes(SEXES, people.sex[person]),
        "ethnicity": _codes(ETHNICITIES, people.ethnicity[person]),
        "postcode": _postcode(world, people.council_postcode[person], "school_census"),
        "lsoa_code": _lsoa(world, people.council_lsoa[person]),
        "sen_provision": _codes(SEN_PROVISION, c.sen[order]),
        "primary_need": _codes(NEEDS, c.need[order]),
        "fsm_eligible": _yes_no(people.fsm[person]),
        "sessions_possible": _ints(c.sessions_possible[order]),
        "sessions_missed": _ints(c.sessions_missed[order]),
        "suspensions": _ints(c.suspensions[order]),
        "permanent_exclusion": _yes_no(c.excluded[order]),
    })


def eapdr_requests(world: World) -> Extract:
    e = world.eapdr
    return _table("council", "eapdr_requests", {
        "request_id": identifiers.padded("EAPDR", np.arange(1, len(e.person) + 1), 6),
        "upn": _upn(world, e.person, world.people.has_upn[e.person]),
        "la_child_id": _la_child_id(world, e.person),
        "hub_district": _codes(COUNTY_DISTRICTS, e.hub),
        "request_date": _dates(e.request_date),
        "support_type": _codes(SUPPORT_TYPES, e.support_type),
        "status": _codes(EAPDR_STATUS, e.closed.astype(np.int64)),
        "outcome": _codes(EAPDR_OUTCOMES, e.outcome),
    })


def early_years_entitlements(world: World) -> Extract:
    c, people = world.claims, world.people
    children, child = np.unique(c.person, return_inverse=True)
    child_id = identifiers.distinct_ids(world.rng("ids/early_years"), len(children), 7)[child.ravel()]
    return _table("council", "early_years_entitlements", {
        "child_id": identifiers.padded("FEE", child_id, 7),
        "la_child_id": _la_child_id(world, c.person, ~world.known_to_send[c.person]),
        "date_of_birth": _dates(people.dob[c.person]),
        "sex": _codes(SEXES, people.sex[c.person]),
        "term": _text(c.term),
        "entitlement": _codes(ENTITLEMENTS, c.entitlement),
        "send_marker": _yes_no(c.send_marker),
        "send_marker_source": _codes(MARKER_SOURCES, c.marker_source),
        "hours_taken": pa.array(c.hours_taken, pa.float64()),
        "postcode": _postcode(world, people.council_postcode[c.person], "early_years"),
        "lsoa_code": _lsoa(world, people.council_lsoa[c.person]),
    })


def post16_activity(world: World) -> Extract:
    a, people = world.activity, world.people
    tracked, row_person = np.unique(a.person, return_inverse=True)
    ccis = identifiers.distinct_ids(world.rng("ids/ccis"), len(tracked), 8)[row_person]
    return _table("council", "post16_activity", {
        "ccis_id": identifiers.padded("CCIS", ccis, 8),
        # most tracked young people are not known to SEND services: no council id
        "la_child_id": _la_child_id(world, a.person, ~world.known_to_send[a.person]),
        "upn": _upn(world, a.person, a.upn_known),
        "date_of_birth": _dates(people.dob[a.person]),
        "postcode": _postcode(world, people.council_postcode[a.person], "post16"),
        "lsoa_code": _lsoa(world, people.council_lsoa[a.person]),
        "sen_status": _codes(SEN_STATUS, a.sen_status),
        "activity": _codes(ACTIVITIES, a.activity),
        "activity_month": _text(a.month),
    })


# --- icb ---------------------------------------------------------------------------

def gp_registered_population(world: World) -> Extract:
    people, reg, registers = world.people, world.registrations, world.registers
    person = np.flatnonzero(reg.practice >= 0)
    practice_codes = pa.array(world.practices.code, pa.string())

    def build(part: slice) -> Columns:
        p = person[part]
        return {
            "nhs_number": identifiers.nhs_text(people.nhs_number[p]),
            "date_of_birth": _dates(people.dob[p]),
            "sex": _codes(SEXES, people.sex[p]),
            "postcode": _postcode(world, people.postcode[p]),
            "lsoa_code": _lsoa(world, people.lsoa[p]),
            "practice_code": practice_codes.take(pa.array(reg.practice[p])),
            "registration_date": _dates(reg.registration_date[p]),
            "learning_disability_register": _yes_no(registers.learning_disability[p]),
            "autism_diagnosis": _yes_no(registers.autism[p]),
            "annual_health_check_date": _dates(registers.health_check[p]),
        }
    columns = ("nhs_number", "date_of_birth", "sex", "postcode", "lsoa_code", "practice_code",
               "registration_date", "learning_disability_register", "autism_diagnosis",
               "annual_health_check_date")
    return Extract("icb", "gp_registered_population", columns, len(person), build)


def gp_practices(world: World) -> Extract:
    p = world.practices
    return _table("icb", "gp_practices", {
        "practice_code": _text(p.code),
        "practice_name": _text(p.name),
        "sub_icb_code": _codes(SUB_ICBS, p.sub_icb),
        "postcode": _postcode(world, p.postcode),
        "lsoa_code": _lsoa(world, p.lsoa()),
    })


def lsoa_lookup(world: World) -> Extract:
    lookup = world.geo.lookup
    source = {"lsoa_code": "lsoa21_code", "lsoa_name": "lsoa21_name", "lad_code": "ltla24_code",
              "lad_name": "ltla24_name", "sub_icb_code": "sicbl24_code_nhs", "sub_icb_name": "sicbl24_name"}
    return _table("icb", "lsoa_lookup", {key: _text(lookup[column].to_numpy(dtype=object))
                                         for key, column in source.items()})


# --- trusts ------------------------------------------------------------------------

def slt_referrals(world: World) -> Extract:
    s = world.slt
    return _table("mpft", "slt_referrals", {
        "referral_id": _ids(world, "slt", "SLT", len(s.person)),
        "nhs_number": _nhs_number(world, s.person, "slt", world.cal["health"]),
        "date_of_birth": _dates(world.people.dob[s.person]),
        "referral_date": _dates(s.referral_date),
        "referral_source": _codes(SLT_SOURCES, s.source),
        "sub_icb_code": _codes(SUB_ICBS, s.sub_icb),
        "first_assessment_date": _dates(s.first_assessment),
        "discharge_date": _dates(s.discharge),
    })


def camhs_referrals(world: World, provider: int) -> Extract:
    c = world.camhs
    rows = np.flatnonzero(c.provider == provider)
    person = c.person[rows]
    partner = "nscht" if provider == NSCHT else "mpft"
    columns = {
        "referral_id": _ids(world, f"{partner}/camhs", "NS" if provider == NSCHT else "MPC", len(rows)),
        "nhs_number": _nhs_number(world, person, f"{partner}/camhs", world.cal["health"]),
        "date_of_birth": _dates(world.people.dob[person]),
        "referral_date": _dates(c.referral_date[rows]),
        "service_line": _codes(SERVICE_LINES, c.service_line[rows]),
        "sub_icb_code": _codes(SUB_ICBS, c.sub_icb[rows]),
        "first_contact_date": _dates(c.first_contact[rows]),
        "second_contact_date": _dates(c.second_contact[rows]),
        "treatment_start_date": _dates(c.treatment_start[rows]),
        "closed_date": _dates(c.closed[rows]),
    }
    if provider == NSCHT:
        return _table(partner, "camhs_referrals", columns, CAMHS_HEADERS, ("date_of_birth", "closed_date"))
    return _table(partner, "camhs_referrals", columns)


def reasonable_adjustment_flags(world: World, provider: int) -> Extract:
    f = world.flags
    rows = np.flatnonzero(f.provider == provider)
    partner = "nscht" if provider == NSCHT else "mpft"
    columns = {
        "flag_id": _ids(world, f"{partner}/flags", "RAF", len(rows)),
        "nhs_number": _nhs_number(world, f.person[rows], f"{partner}/flags", world.cal["health"]),
        "status": _codes(FLAG_STATUS, f.status[rows]),
        "consent": _codes(CONSENT, f.consent[rows]),
        "recorded_date": _dates(f.recorded[rows]),
        "last_reviewed_date": _dates(f.reviewed[rows]),
        "recorded_by": _text(np.full(len(rows), RECORDED_BY[provider], dtype=object)),
        "impairments": _text(f.impairments[rows]),
        "adjustment_categories": _text(f.categories[rows]),
        "adjustments": _text(f.adjustments[rows]),
    }
    if provider == NSCHT:
        return _table(partner, "reasonable_adjustment_flags", columns, FLAG_HEADERS, ("last_reviewed_date",))
    return _table(partner, "reasonable_adjustment_flags", columns)


def epr_send_markers(world: World) -> Extract:
    m = world.markers
    return _table("mpft", "epr_send_markers", {
        "nhs_number": identifiers.nhs_text(world.people.nhs_number[m.person]),
        "marker_date": _dates(m.date),
        "marker_source": _codes(EPR_SOURCES, m.source),
    })
