"""Funded early education claims for the latest terms."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sample_data.codes import ENTITLEMENTS, MARKER_SOURCES
from sample_data.ehcp import Plans
from sample_data.geography import Geography
from sample_data.population import People
from sample_data.sampling import age_on, categorical, day
from sample_data.schools import academic_year_start

TERM_STARTS = [("SPRING", 1, 1), ("SUMMER", 4, 1), ("AUTUMN", 9, 1)]
MAX_CLAIM_CHANCE = 0.98
RECEPTION_AGE = 4


@dataclass
class Claims:
    person: np.ndarray
    term: np.ndarray              # term label, e.g. "2025-SUMMER"
    entitlement: np.ndarray       # index into ENTITLEMENTS
    send_marker: np.ndarray
    marker_source: np.ndarray     # index into MARKER_SOURCES, -1 without a marker
    hours_taken: np.ndarray


def latest_terms(as_at: date, count: int) -> list[tuple[str, date]]:
    """The `count` latest terms started on or before `as_at`, oldest first."""
    starts = sorted((date(y, m, d), f"{y}-{name}") for y in range(as_at.year - 2, as_at.year + 1)
                    for name, m, d in TERM_STARTS)
    started = [(label, start) for start, label in starts if start <= as_at]
    return started[-count:]


def generate(rng: np.random.Generator, geo: Geography, people: People, plans: Plans,
             as_at: date, scale: float, cal: dict) -> Claims:
    """Claims per term: eligible children of the right age and family circumstances claim
    at the rate that gives the published numbers; the SEND marker rate is per entitlement,
    with every child holding an EHC plan marked. Draws are per child, so a child who claims
    one term usually claims the next with the same marker."""
    e = cal["early_years"]
    resident = geo.in_county(people.council_lsoa)
    claim_draw, marker_draw = rng.random(len(people)), rng.random(len(people))
    source = categorical(rng, e["marker_source"], MARKER_SOURCES, len(people))
    parts = []
    for label, start in latest_terms(as_at, e["terms"]):
        age = np.where(people.dob <= day(start), age_on(people.dob, day(start)), -1)
        before_school = age_on(people.dob, day(academic_year_start(start)) - 1) < RECEPTION_AGE
        two, three_four = resident & (age == 2), resident & (age >= 3) & before_school
        candidates = {"THINK2": two & people.fsm, "WP_UNDER3": two & people.working_parents,
                      "UNIVERSAL_3_4": three_four & ~people.working_parents,
                      "WP_3_4": three_four & people.working_parents}
        on_plan = np.zeros(len(people), dtype=bool)
        on_plan[plans.person[plans.active_on(day(start))]] = True
        for code, candidate in candidates.items():
            wanted = e["children_per_term"][code] * scale
            chance = min(wanted / max(candidate.sum(), 1), MAX_CLAIM_CHANCE)
            person = np.flatnonzero(candidate & (claim_draw < chance))
            planned = on_plan[person]
            rate = e["send_marker_rate"][code]
            other_rate = max(rate * len(person) - planned.sum(), 0) / max((~planned).sum(), 1)
            marker = planned | (marker_draw[person] < other_rate)
            full = e["weekly_hours"][code] * e["weeks_per_term"]
            hours = np.round(full * rng.uniform(*e["hours_taken_share"], len(person)) * 2) / 2  # to ½ hour
            parts.append((person, np.full(len(person), label, dtype=object),
                          np.full(len(person), ENTITLEMENTS.index(code)), marker,
                          np.where(marker, source[person], -1), hours))
    return Claims(*(np.concatenate(column) for column in zip(*parts)))
