"""Reasonable Adjustment flags (both trusts) and MPFT's EPR SEND markers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sample_data.codes import (ADJUSTMENT_CATEGORIES, CONSENT, EPR_SOURCES, FLAG_CODE_ROWS, FLAG_STATUS,
                               IMPAIRMENTS, NEEDS)
from sample_data.community_health import MPFT, NORTH, NSCHT, window_start
from sample_data.sampling import NAT, categorical, day, uniform_dates

# National impairment codes (reference/radf/ra_impairment_codes.csv) by primary need: 1 vision,
# 2 hearing, 3 mobility, 4 dexterity, 5 learning or understanding, 7 mental health, 9 social or
# behavioural (autism), 10 other.
NEED_IMPAIRMENTS = {
    "SLD": ["5"], "PMLD": ["5", "3", "4"], "ASD": ["9"], "SLCN": ["5"], "SEMH": ["7"], "HI": ["2"],
    "VI": ["1"], "MSI": ["1", "2"], "PD": ["3"], "SPLD": ["5"], "OTH": ["10"],
}
FALLBACK_IMPAIRMENTS = ["5", "8", "10"]
FALLBACK_CATEGORY = "010"  # adjustments to support additional needs
SUPERSEDED_STATUS = {"inactive": 0.7, "entered-in-error": 0.3}
# ODS codes of the recording organisations: MPFT and NSCHT.
RECORDED_BY = {MPFT: "RRE", NSCHT: "RLY"}


@dataclass
class Flags:
    person: np.ndarray
    provider: np.ndarray          # index into community_health.PROVIDERS
    status: np.ndarray            # index into FLAG_STATUS
    consent: np.ndarray           # index into CONSENT
    recorded: np.ndarray
    reviewed: np.ndarray
    impairments: np.ndarray       # "|"-joined codes
    categories: np.ndarray        # "|"-joined adjustment categories
    adjustments: np.ndarray       # "|"-joined SNOMED CT ids (None for none)


@dataclass
class Markers:
    person: np.ndarray
    date: np.ndarray
    source: np.ndarray            # index into EPR_SOURCES


def _bit(codes: list[str], code: str) -> int:
    return 1 << codes.index(code)


def _joined(masks: np.ndarray, codes: list[str]) -> np.ndarray:
    """Bit masks as `|`-joined code lists."""
    unique, inverse = np.unique(masks, return_inverse=True)
    text = np.array(["|".join(c for i, c in enumerate(codes) if m >> i & 1) for m in unique], dtype=object)
    return text[inverse.ravel()]


def reasonable_adjustments(rng: np.random.Generator, person_sub_icb: np.ndarray, dob: np.ndarray,
                           status: dict[str, np.ndarray], as_at: date, cal: dict) -> Flags:
    """Flag records for a share of the SEND cohort known to the trusts.

    `status` holds per-person arrays: `ehcp`, `sen_support`, `ld`, `autism`, `camhs`
    (booleans), `need` (index into NEEDS, -1 for none) and `plan_start` (active plans).
    """
    r = cal["ra_flags"]
    chance = np.zeros(len(person_sub_icb))
    for key, share in r["propensity"].items():
        chance = np.maximum(chance, np.where(status[key], share, 0.0))
    person = np.flatnonzero((person_sub_icb >= 0) & (rng.random(len(chance)) < chance))
    n = len(person)

    impairments = np.zeros(n, dtype=np.int64)
    need = status["need"][person]
    for code, found in NEED_IMPAIRMENTS.items():
        for impairment in found:
            impairments |= np.where(need == NEEDS.index(code), _bit(IMPAIRMENTS, impairment), 0)
    for key, impairment in (("ld", "5"), ("autism", "9"), ("camhs", "7")):
        impairments |= np.where(status[key][person], _bit(IMPAIRMENTS, impairment), 0)
    impairments |= np.where(rng.random(n) < r["extra_long_term_condition"], _bit(IMPAIRMENTS, "8"), 0)
    fallback = np.array([_bit(IMPAIRMENTS, c) for c in FALLBACK_IMPAIRMENTS])
    impairments = np.where(impairments == 0, fallback[rng.integers(0, len(fallback), n)], impairments)

    categories = np.zeros(n, dtype=np.int64)
    for impairment, options in r["adjustment_propensity"].items():
        has = impairments & _bit(IMPAIRMENTS, impairment) > 0
        for category, share in options.items():
            categories |= np.where(has & (rng.random(n) < share), _bit(ADJUSTMENT_CATEGORIES, category), 0)
    categories = np.where(categories == 0, _bit(ADJUSTMENT_CATEGORIES, FALLBACK_CATEGORY), categories)
    adjustments = _snomed_adjustments(rng, categories, r)

    today, first = day(as_at), np.maximum(window_start(as_at, cal), dob[person])
    recorded = uniform_dates(rng, first, np.full(n, today))
    reviewed = np.where(rng.random(n) < r["reviewed_share"],
                        uniform_dates(rng, recorded, np.full(n, today)), NAT)
    flag_status = categorical(rng, r["status"], FLAG_STATUS, n)
    consent = categorical(rng, r["consent"], CONSENT, n)

    extra = np.flatnonzero(rng.random(n) < r["extra_record_share"])
    extra_recorded = uniform_dates(rng, first[extra], recorded[extra])
    columns = (
        np.concatenate([person, person[extra]]),
        np.concatenate([flag_status, categorical(rng, SUPERSEDED_STATUS, FLAG_STATUS, len(extra))]),
        np.concatenate([consent, categorical(rng, r["consent"], CONSENT, len(extra))]),
        np.concatenate([recorded, extra_recorded]),
        np.concatenate([reviewed, np.full(len(extra), NAT)]),
        np.concatenate([impairments, impairments[extra]]),
        np.concatenate([categories, categories[extra]]),
        np.concatenate([adjustments, adjustments[extra]]),
    )
    order = np.argsort(columns[3], kind="stable")
    person, flag_status, consent, recorded, reviewed, impairments, categories, adjustments = (
        c[order] for c in columns)
    return Flags(person, np.where(NORTH[person_sub_icb[person]], NSCHT, MPFT), flag_status, consent, recorded,
                 reviewed, _joined(impairments, IMPAIRMENTS), _joined(categories, ADJUSTMENT_CATEGORIES),
                 adjustments)


def _snomed_adjustments(rng: np.random.Generator, categories: np.ndarray, r: dict) -> np.ndarray:
    """One SNOMED CT adjustment of each flag's categories (two for some), drawn from the category's
    rows of the value set as the trusts' systems send them; a few flags get an id with a wrong check digit."""
    codes = [r["system_ids"].get(c, c) for c in FLAG_CODE_ROWS]
    drawn = [[] for _ in range(len(categories))]
    for category in ADJUSTMENT_CATEGORIES:
        first, last = r["category_rows"][category]
        has = np.flatnonzero(categories & _bit(ADJUSTMENT_CATEGORIES, category) > 0)
        picks = rng.integers(first - 1, last, (len(has), 2))
        second = rng.random(len(has)) < r["second_adjustment_share"]
        for flag, (a, b), two in zip(has, picks, second):
            drawn[flag] += [codes[a], codes[b]] if two else [codes[a]]
    wrong = rng.random(len(drawn)) < r["invalid_snomed_share"]
    for flag in np.flatnonzero(wrong):
        sctid = drawn[flag][0]
        drawn[flag][0] = sctid[:-1] + str((int(sctid[-1]) + 1) % 10)  # Verhoeff catches every single-digit error
    return np.array(["|".join(dict.fromkeys(ids)) for ids in drawn], dtype=object)


def epr_markers(rng: np.random.Generator, person_sub_icb: np.ndarray, dob: np.ndarray,
                status: dict[str, np.ndarray], as_at: date, cal: dict) -> Markers:
    """SEND markers in MPFT's record for South patients: plans notified by the council,
    clinicians' and school nurses' markers."""
    propensity = cal["epr_send_markers"]["propensity"]
    south = (person_sub_icb >= 0) & ~NORTH[np.maximum(person_sub_icb, 0)]
    today, first = day(as_at), window_start(as_at, cal)
    who = {"EHCP_NOTIFIED": status["ehcp"], "CLINICIAN": status["ld"] | status["autism"],
           "SCHOOL_NURSE": status["sen_support"]}
    parts = []
    for source, code in enumerate(EPR_SOURCES):
        person = np.flatnonzero(south & who[code] & (rng.random(len(south)) < propensity[code]))
        earliest = np.maximum(first, dob[person])
        if code == "EHCP_NOTIFIED":
            earliest = np.maximum(earliest, status["plan_start"][person])
        parts.append((person, uniform_dates(rng, earliest, np.full(len(person), today)),
                      np.full(len(person), source)))
    person, when, source = (np.concatenate(column) for column in zip(*parts))
    order = np.argsort(when, kind="stable")
    return Markers(person[order], when[order], source[order])
