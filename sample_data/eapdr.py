"""Enhanced Assess Plan Do Review requests to the SEND and Inclusion Hubs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sample_data.codes import EAPDR_OUTCOMES, SCHOOL_TYPES, SUPPORT_TYPES
from sample_data.ehcp import HISTORY_YEARS, history_start
from sample_data.geography import COUNTY_DISTRICTS
from sample_data.population import People
from sample_data.sampling import (apportion, categorical, day, pick, plus_years, probabilities,
                                  scaled, uniform_dates)
from sample_data.schools import E, K, Census, Schools

MAINSTREAM_TYPES = [SCHOOL_TYPES.index(t) for t in ("PRIMARY", "SECONDARY", "ALL_THROUGH")]
SCHOOL_AGES = (4, 15)
DATE_JITTER_DAYS = 730


@dataclass
class EapdrRequests:
    person: np.ndarray
    hub: np.ndarray               # index into COUNTY_DISTRICTS (the school's district)
    request_date: np.ndarray
    support_type: np.ndarray
    closed: np.ndarray
    outcome: np.ndarray           # index into EAPDR_OUTCOMES, -1 while open


def generate(rng: np.random.Generator, people: People, census: Census, schools: Schools,
             as_at: date, scale: float, cal: dict) -> EapdrRequests:
    """Requests over the last three years from mainstream pupils, mostly on SEN support,
    shared between the district hubs as published."""
    e = cal["eapdr"]
    total = scaled(e["requests_per_year"] * HISTORY_YEARS, scale)
    per_hub = apportion(total, probabilities(e["hub_share"], COUNTY_DISTRICTS))
    age = census.academic_age
    mainstream = np.isin(schools.type[census.school], MAINSTREAM_TYPES)
    eligible = mainstream & (census.sen != E) & (age >= SCHOOL_AGES[0]) & (age <= SCHOOL_AGES[1])
    weight = np.where(census.sen == K, e["sen_support_relative_rate"], 1.0) * eligible
    hub = schools.district[census.school]
    rows = pick(rng, weight, per_hub, hub)
    rows = rows[rng.permutation(len(rows))]
    person = census.person[rows]
    n = len(rows)

    request_date = _request_dates(rng, people.dob[person], as_at)
    today = day(as_at)
    lo, hi = e["duration_days"]
    closed = request_date + rng.integers(lo, hi + 1, n) <= today
    outcome = np.where(closed, categorical(rng, e["outcome"], EAPDR_OUTCOMES, n), -1)
    order = np.argsort(request_date, kind="stable")
    return EapdrRequests(
        person=person[order], hub=hub[rows][order], request_date=request_date[order],
        support_type=categorical(rng, e["support_type"], SUPPORT_TYPES, n)[order],
        closed=closed[order], outcome=outcome[order])


def _request_dates(rng: np.random.Generator, dob: np.ndarray, as_at: date) -> np.ndarray:
    """Dates spread evenly over the three years, the earliest going to the oldest pupils
    (with some shuffle), none before a pupil's fourth birthday."""
    n = len(dob)
    dates = np.sort(uniform_dates(rng, np.full(n, history_start(as_at)), np.full(n, day(as_at))))
    jitter = rng.normal(0, DATE_JITTER_DAYS, n).astype(np.int64)
    ranked = np.empty(n, dtype=dates.dtype)
    ranked[np.argsort(dob + jitter, kind="stable")] = dates
    return np.maximum(ranked, plus_years(dob, SCHOOL_AGES[0]))
