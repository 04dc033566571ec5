"""Activity of young people aged 16-24 tracked by the careers service."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sample_data.codes import ACTIVITIES, SEN_STATUS
from sample_data.ehcp import Plans
from sample_data.geography import Geography
from sample_data.population import People
from sample_data.sampling import day
from sample_data.schools import K, Census

EHCP, SEN_SUPPORT, NONE = range(len(SEN_STATUS))
EET, NEET, NOT_KNOWN = range(len(ACTIVITIES))
ALL_TRACKED_AGES = (16, 17)
EHCP_TRACKED_AGES = (18, 24)


@dataclass
class Activity:
    person: np.ndarray
    sen_status: np.ndarray        # index into SEN_STATUS
    activity: np.ndarray          # index into ACTIVITIES
    month: np.ndarray             # "YYYY-MM"
    upn_known: np.ndarray


def generate(rng: np.random.Generator, geo: Geography, people: People, plans: Plans,
             census: Census, as_at: date, cal: dict) -> Activity:
    """Every county 16-17 year old and every 18-24 year old with an EHC plan, one row per
    month; NEET and not-known rates by SEN status as published."""
    p = cal["post16"]
    ehcp = np.zeros(len(people), dtype=bool)
    ehcp[plans.person[plans.active_on(day(as_at))]] = True
    resident = geo.in_county(people.council_lsoa)
    young = resident & (people.age >= ALL_TRACKED_AGES[0]) & (people.age <= ALL_TRACKED_AGES[1])
    older = resident & ehcp & (people.age >= EHCP_TRACKED_AGES[0]) & (people.age <= EHCP_TRACKED_AGES[1])
    person = np.flatnonzero(young | older)
    n = len(person)

    on_roll = np.zeros(len(people), dtype=bool)
    on_roll[census.person] = True
    support = np.zeros(len(people), dtype=bool)
    support[census.person[census.sen == K]] = True
    support |= ~on_roll & (rng.random(len(people)) < p["sen_support_outside_census"])
    status = np.select([ehcp[person], support[person]], [EHCP, SEN_SUPPORT], NONE)

    neet = np.array([p["neet"][code] for code in SEN_STATUS])[status]
    is_older = older[person]
    ehcp_rows = status == EHCP
    missing_not_known = (p["not_known_16_24_ehcp"] * ehcp_rows.sum()
                         - p["not_known_16_17"] * (ehcp_rows & ~is_older).sum())
    older_not_known = min(max(missing_not_known, 0) / max(is_older.sum(), 1), 1 - p["neet"]["EHCP"])
    not_known = np.where(is_older, older_not_known, p["not_known_16_17"])

    def activity() -> np.ndarray:
        u = rng.random(n)
        return np.select([u < neet, u < neet + not_known], [NEET, NOT_KNOWN], EET)

    months = np.arange(np.datetime64(as_at, "M") - p["months"] + 1, np.datetime64(as_at, "M") + 1)
    current = activity()
    rows = []
    for month in months[::-1]:
        rows.append((person, status, current.copy(), np.full(n, str(month), dtype=object)))
        change = rng.random(n) < p["monthly_change"]
        current[change] = activity()[change]
    person, status, act, month = (np.concatenate(column[::-1]) for column in zip(*rows))
    upn_known = people.has_upn[person] & np.tile(rng.random(n) >= p["upn_missing"], len(months))
    return Activity(person, status, act, month, upn_known)
