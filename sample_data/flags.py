"""Reasonable Adjustment flags (both trusts) and MPFT's EPR SEND markers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sample_data.codes import ADJUSTMENTS, EPR_SOURCES, FLAG_STATUS, IMPAIRMENTS, NEEDS
from sample_data.community_health import MPFT, NORTH, NSCHT, window_start
from sample_data.sampling import NAT, categorical, day, uniform_dates

NEED_IMPAIRMENTS = {
    "SLD": ["LEARNING_DISABILITY"], "PMLD": ["LEARNING_DISABILITY", "PHYSICAL_MOBILITY"],
    "ASD": ["AUTISM"], "SLCN": ["COMMUNICATION"], "SEMH": ["MENTAL_HEALTH"],
    "HI": ["SENSORY_HEARING"], "VI": ["SENSORY_VISION"], "MSI": ["SENSORY_HEARING", "SENSORY_VISION"],
    "PD": ["PHYSICAL_MOBILITY"], "SPLD": ["NEURODIVERGENCE_OTHER"], "OTH": ["OTHER"],
}
FALLBACK_IMPAIRMENTS = ["NEURODIVERGENCE_OTHER", "LONG_TERM_CONDITION", "OTHER"]
SUPERSEDED_STATUS = {"inactive": 0.7, "entered-in-error": 0.3}


@dataclass
class Flags:
    person: np.ndarray
    provider: np.ndarray          # index into community_health.PROVIDERS
    status: np.ndarray            # index into FLAG_STATUS
    recorded: np.ndarray
    reviewed: np.ndarray
    impairments: np.ndarray       # "|"-joined codes
    adjustments: np.ndarray


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
    for key, impairment in (("ld", "LEARNING_DISABILITY"), ("autism", "AUTISM"), ("camhs", "MENTAL_HEALTH")):
        impairments |= np.where(status[key][person], _bit(IMPAIRMENTS, impairment), 0)
    impairments |= np.where(rng.random(n) < r["extra_long_term_condition"],
                            _bit(IMPAIRMENTS, "LONG_TERM_CONDITION"), 0)
    fallback = np.array([_bit(IMPAIRMENTS, c) for c in FALLBACK_IMPAIRMENTS])
    impairments = np.where(impairments == 0, fallback[rng.integers(0, len(fallback), n)], impairments)

    adjustments = np.zeros(n, dtype=np.int64)
    for impairment, options in r["adjustment_propensity"].items():
        has = impairments & _bit(IMPAIRMENTS, impairment) > 0
        for adjustment, share in options.items():
            adjustments |= np.where(has & (rng.random(n) < share), _bit(ADJUSTMENTS, adjustment), 0)
    adjustments = np.where(adjustments == 0, _bit(ADJUSTMENTS, "APPOINTMENT"), adjustments)

    today, first = day(as_at), np.maximum(window_start(as_at, cal), dob[person])
    recorded = uniform_dates(rng, first, np.full(n, today))
    reviewed = np.where(rng.random(n) < r["reviewed_share"],
                        uniform_dates(rng, recorded, np.full(n, today)), NAT)
    flag_status = categorical(rng, r["status"], FLAG_STATUS, n)

    extra = np.flatnonzero(rng.random(n) < r["extra_record_share"])
    extra_recorded = uniform_dates(rng, first[extra], recorded[extra])
    columns = (
        np.concatenate([person, person[extra]]),
        np.concatenate([flag_status, categorical(rng, SUPERSEDED_STATUS, FLAG_STATUS, len(extra))]),
        np.concatenate([recorded, extra_recorded]),
        np.concatenate([reviewed, np.full(len(extra), NAT)]),
        np.concatenate([impairments, impairments[extra]]),
        np.concatenate([adjustments, adjustments[extra]]),
    )
    order = np.argsort(columns[2], kind="stable")
    person, flag_status, recorded, reviewed, impairments, adjustments = (c[order] for c in columns)
    return Flags(person, np.where(NORTH[person_sub_icb[person]], NSCHT, MPFT), flag_status, recorded,
                 reviewed, _joined(impairments, IMPAIRMENTS), _joined(adjustments, ADJUSTMENTS))


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
