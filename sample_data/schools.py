"""The school census: who is on roll at county schools, SEN provision, FSM and absence."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from math import exp, log

import numpy as np

from sample_data.codes import (DECISIONS, FIRST_YEAR_GROUP_AGE, NEEDS, PLACEMENTS, SCHOOL_PLACEMENTS,
                               SCHOOL_TYPES, SEN_PROVISION, YEAR_GROUPS)
from sample_data.ehcp import Plans, Requests
from sample_data.geography import COUNTY_DISTRICTS, DISTRICTS, STOKE_INDEX, Geography
from sample_data.population import SEXES, People
from sample_data.sampling import (age_on, categorical, day, normal_cdf,
                                  normal_quantile, pick, scaled)

E, K, N = range(len(SEN_PROVISION))
PRIMARY, SECONDARY, SPECIAL, AP_PRU, ALL_THROUGH = range(len(SCHOOL_TYPES))
LAST_PRIMARY_AGE = 10          # academic age of year 6
FIRST_AP_AGE = 5
NEAREST_TO_STOKE = "E07000195"
MAX_COVERAGE = 0.995


@dataclass(frozen=True)
class Schools:
    """County schools plus the other settings named on EHC plans."""

    urn: np.ndarray               # per county school
    district: np.ndarray          # index into DISTRICTS
    type: np.ndarray              # index into SCHOOL_TYPES
    independent_special: np.ndarray
    colleges: np.ndarray
    early_years_settings: np.ndarray


@dataclass
class Census:
    date: date
    person: np.ndarray
    academic_age: np.ndarray
    school: np.ndarray            # index into Schools.urn
    sen: np.ndarray               # index into SEN_PROVISION
    need: np.ndarray              # index into NEEDS, -1 when N
    sessions_possible: np.ndarray
    sessions_missed: np.ndarray
    suspensions: np.ndarray
    excluded: np.ndarray

    @property
    def year_group(self) -> np.ndarray:
        return self.academic_age - FIRST_YEAR_GROUP_AGE


def census_date(as_at: date) -> date:
    """The latest termly census day on or before `as_at` (January, May, October)."""
    def thursday(year: int, month: int, nth: int) -> date:
        first = date(year, month, 1)
        return first + timedelta(days=(3 - first.weekday()) % 7 + 7 * (nth - 1))
    days = [thursday(y, m, nth) for y in (as_at.year - 1, as_at.year)
            for m, nth in ((1, 3), (5, 3), (10, 1))]
    return max(d for d in days if d <= as_at)


def academic_year_start(when: date) -> date:
    return date(when.year if when.month >= 9 else when.year - 1, 9, 1)


def generate(rng: np.random.Generator, geo: Geography, people: People, plans: Plans,
             requests: Requests, as_at: date, scale: float, cal: dict,
             schools: Schools | None = None) -> tuple[Census, Schools]:
    """Pupils on roll at the latest census, with provision, school and attendance; at the
    given schools, if any (a child stays at one school while its district and phase do)."""
    c = cal["school_census"]
    when = census_date(as_at)
    year_start = academic_year_start(when)
    academic_age = age_on(people.dob, day(year_start) - 1)
    last_age = FIRST_YEAR_GROUP_AGE + len(YEAR_GROUPS) - 1
    in_range = (academic_age >= FIRST_YEAR_GROUP_AGE) & (academic_age <= last_age)

    on_plan = plans.active_on(day(when))
    school_plan = on_plan & np.isin(plans.placement, [PLACEMENTS.index(p) for p in SCHOOL_PLACEMENTS])
    plan_of = np.full(len(people), -1)
    plan_of[plans.person[on_plan]] = np.flatnonzero(on_plan)
    ehcp = np.zeros(len(people), dtype=bool)
    ehcp[plans.person[school_plan]] = True
    ehcp &= in_range

    district = geo.district[people.council_lsoa]
    coverage = np.zeros(FIRST_YEAR_GROUP_AGE + len(YEAR_GROUPS))
    for age, share in c["coverage_by_academic_age"].items():
        coverage[int(age)] = share
    base = np.where(in_range, coverage[np.clip(academic_age, 0, len(coverage) - 1)], 0.0)
    base *= np.where(district == STOKE_INDEX, c["stoke_relative_coverage"], 1.0)
    eligible = in_range & ~ehcp & (plan_of < 0)
    lift = (scaled(c["pupils"], scale) - ehcp.sum()) / max(base[eligible].sum(), 1e-9)
    pupil = ehcp | (eligible & (rng.random(len(people)) < np.minimum(base * lift, MAX_COVERAGE)))
    person = np.flatnonzero(pupil)
    age = academic_age[person]

    sen = np.where(ehcp[person], E, N)
    future = np.zeros(len(people), dtype=bool)
    future[plans.person[plans.start > day(when)]] = True
    refused = np.zeros(len(people), dtype=bool)
    refused[requests.person[requests.decision == DECISIONS.index("NO")]] = True
    support = _sen_support(rng, people, person, age, sen, future | refused, c)
    sen[support] = K

    need = np.full(len(person), -1)
    need[sen == E] = plans.primary[plan_of[person[sen == E]]]
    need[sen == K] = categorical(rng, c["sen_support_need"], NEEDS, int((sen == K).sum()))

    school_type = _school_type(rng, plans, plan_of[person], age, sen, c)
    school_district = district[person].copy()
    stoke = school_district == STOKE_INDEX
    school_district[stoke] = categorical(rng, c["stoke_school_districts"], DISTRICTS, int(stoke.sum()))
    if schools is None:
        schools, school = _schools(rng, school_district, school_type, len(plans.person), c)
    else:
        school = _attend(schools, school_district, school_type, people.la_child_id[person])

    possible = _sessions_possible(rng, year_start, when, len(person), c)
    missed = _sessions_missed(rng, sen, possible, c["absence"])
    suspensions, excluded = _behaviour(rng, sen, c)
    census = Census(when, person, age, school, sen, need, possible, missed, suspensions, excluded)
    return census, schools


def _sen_support(rng: np.random.Generator, people: People, person: np.ndarray, age: np.ndarray,
                 sen: np.ndarray, likely: np.ndarray, c: dict) -> np.ndarray:
    """Positions of SEN support pupils: FSM-specific SEND rates less the EHCP pupils."""
    fsm = people.fsm[person]
    counts = np.zeros(2, dtype=np.int64)
    for f, key in ((0, "N"), (1, "Y")):
        members = fsm == bool(f)
        counts[f] = max(round(c["send_rate_by_fsm"][key] * members.sum() - (members & (sen == E)).sum()), 0)
    rates = c["sen_support_age_relative_rate"]
    weight = np.select([age <= 3, age >= 16], [rates["early"], rates["post16"]], rates["school"])
    male = people.sex[person] == SEXES.index("M")
    weight = weight * np.where(male, c["sen_support_male_relative_rate"], 1.0)
    weight = weight * np.where(likely[person], c["sen_support_likely_relative_rate"], 1.0) * (sen != E)
    return pick(rng, weight, counts, fsm.astype(np.int64))


def _school_type(rng: np.random.Generator, plans: Plans, plan: np.ndarray, age: np.ndarray,
                 sen: np.ndarray, c: dict) -> np.ndarray:
    phase = np.where(age <= LAST_PRIMARY_AGE, PRIMARY, SECONDARY)
    phase[rng.random(len(age)) < c["all_through_share"]] = ALL_THROUGH
    placement = np.where(plan >= 0, plans.placement[plan], -1)
    ap_share = np.where(sen == K, c["sen_support_ap_share"], c["other_ap_share"])
    to_ap = (sen != E) & (age >= FIRST_AP_AGE) & (rng.random(len(age)) < ap_share)
    return np.select(
        [(sen == E) & (placement == PLACEMENTS.index("SPECIAL_STATE")),
         ((sen == E) & (placement == PLACEMENTS.index("AP_PRU"))) | to_ap],
        [SPECIAL, AP_PRU], phase)


def _schools(rng: np.random.Generator, district: np.ndarray, school_type: np.ndarray,
             plan_count: int, c: dict) -> tuple[Schools, np.ndarray]:
    """Schools sized from their pupils, and each pupil's school."""
    size = np.array([c["pupils_per_school"][t] for t in SCHOOL_TYPES])
    bucket = district * len(SCHOOL_TYPES) + school_type
    pupils = np.bincount(bucket, minlength=len(COUNTY_DISTRICTS) * len(SCHOOL_TYPES))
    wanted = np.maximum(np.round(pupils / np.tile(size, len(COUNTY_DISTRICTS))), 1)
    per_bucket = np.where(pupils > 0, wanted, 0).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(per_bucket)[:-1]])
    school = first[bucket] + (rng.random(len(bucket)) * per_bucket[bucket]).astype(np.int64)

    n_schools = int(per_bucket.sum())
    n_independent = max(scaled(c["independent_special_schools_per_100_plans"], plan_count / 100), 1)
    n_colleges = c["fe_colleges"]
    urns = rng.choice(np.arange(100_000, 150_000), size=n_schools + n_independent + n_colleges,
                      replace=False).astype(str).astype(object)
    n_settings = max(scaled(c["early_years_settings_per_100_plans"], plan_count / 100), 1)
    settings = np.array([f"EY{u}" for u in rng.choice(np.arange(100_000, 1_000_000), n_settings,
                                                      replace=False)], dtype=object)
    bucket_of_school = np.repeat(np.arange(len(per_bucket)), per_bucket)
    return Schools(
        urn=urns[:n_schools],
        district=bucket_of_school // len(SCHOOL_TYPES),
        type=bucket_of_school % len(SCHOOL_TYPES),
        independent_special=urns[n_schools:n_schools + n_independent],
        colleges=urns[n_schools + n_independent:],
        early_years_settings=settings,
    ), school


def _attend(schools: Schools, district: np.ndarray, school_type: np.ndarray,
            child_id: np.ndarray) -> np.ndarray:
    """Each pupil's school among those of its district and type (any school where there is
    none), chosen by the pupil's id so that it is the same school at every census."""
    buckets = len(COUNTY_DISTRICTS) * len(SCHOOL_TYPES)
    order = np.argsort(schools.district * len(SCHOOL_TYPES) + schools.type, kind="stable")
    per_bucket = np.bincount(schools.district * len(SCHOOL_TYPES) + schools.type, minlength=buckets)
    first = np.concatenate([[0], np.cumsum(per_bucket)[:-1]])
    bucket = district * len(SCHOOL_TYPES) + school_type
    draw = (child_id * 0.6180339887498949) % 1.0
    place = np.where(per_bucket[bucket] > 0, first[bucket] + (draw * per_bucket[bucket]).astype(np.int64),
                     (draw * len(order)).astype(np.int64))
    return order[place]


def _sessions_possible(rng: np.random.Generator, year_start: date, when: date, n: int,
                       c: dict) -> np.ndarray:
    weekdays = np.busday_count(year_start, when)
    full = 2 * int(round(weekdays * c["school_days_share_of_weekdays"]))
    possible = np.full(n, full)
    part = rng.random(n) < c["part_year_share"]
    possible[part] = np.round(full * rng.uniform(0.2, 1.0, part.sum())).astype(np.int64)
    possible[rng.random(n) < c["no_sessions_share"]] = 0
    return possible


def absence_model(rate: float, persistent: float, severe: float) -> tuple[float, float, float]:
    """(share with no absence, mu, sigma) of absence rates: none, or lognormal capped at 1.

    The lognormal meets the persistent (≥10%) and severe (≥50%) shares exactly; the share
    with no absence is chosen to bring the mean closest to `rate`.
    """
    best = None
    for zero in np.arange(0.0, 0.6, 0.005):
        p10, p50 = persistent / (1 - zero), severe / (1 - zero)
        z10, z50 = normal_quantile(1 - p10), normal_quantile(1 - p50)
        sigma = (log(0.5) - log(0.1)) / (z50 - z10)
        mu = log(0.1) - sigma * z10
        capped_mean = (exp(mu + sigma ** 2 / 2) * normal_cdf((-mu - sigma ** 2) / sigma)
                       + 1 - normal_cdf(-mu / sigma))
        gap = abs((1 - zero) * capped_mean - rate)
        if best is None or gap < best[0]:
            best = (gap, float(zero), mu, sigma)
    return best[1:]


def _sessions_missed(rng: np.random.Generator, sen: np.ndarray, possible: np.ndarray,
                     absence: dict) -> np.ndarray:
    rate = np.zeros(len(sen))
    for status, code in enumerate(SEN_PROVISION):
        members = np.flatnonzero(sen == status)
        zero, mu, sigma = absence_model(**absence[code])
        drawn = np.minimum(np.exp(mu + sigma * rng.standard_normal(len(members))), 1.0)
        rate[members] = np.where(rng.random(len(members)) < zero, 0.0, drawn)
    return np.round(rate * possible).astype(np.int64)


def _behaviour(rng: np.random.Generator, sen: np.ndarray, c: dict) -> tuple[np.ndarray, np.ndarray]:
    """Suspension counts and permanent exclusions by SEN provision."""
    per_pupil = c["suspensions_per_suspended_pupil"]
    chance = np.array([c["suspensions_per_100"][code] / 100 / per_pupil for code in SEN_PROVISION])
    suspended = rng.random(len(sen)) < chance[sen]
    suspensions = np.where(suspended, 1 + rng.poisson(per_pupil - 1, len(sen)), 0)
    excluded_rate = np.array([c["permanent_exclusion"][code] for code in SEN_PROVISION])
    return suspensions, rng.random(len(sen)) < excluded_rate[sen]


def placement_urns(rng: np.random.Generator, geo: Geography, people: People, plans: Plans,
                   census: Census, schools: Schools) -> np.ndarray:
    """The URN of each plan's setting: the census school where the child is on roll, a
    county school of the right kind otherwise, or the independent/FE/early-years setting."""
    urn = np.full(len(plans.person), None, dtype=object)
    on_roll = np.full(len(people), -1)
    on_roll[census.person] = census.school
    school = on_roll[plans.person]
    placement = plans.placement
    is_school = np.isin(placement, [PLACEMENTS.index(p) for p in SCHOOL_PLACEMENTS])
    known = is_school & (school >= 0)
    urn[known] = schools.urn[school[known]]

    wanted = np.select(
        [placement == PLACEMENTS.index("SPECIAL_STATE"), placement == PLACEMENTS.index("AP_PRU"),
         people.age[plans.person] <= LAST_PRIMARY_AGE], [SPECIAL, AP_PRU, PRIMARY], SECONDARY)
    district = geo.district[people.council_lsoa[plans.person]]
    district[district == STOKE_INDEX] = DISTRICTS.index(NEAREST_TO_STOKE)
    rows = np.flatnonzero(is_school & ~known)
    for t, d in np.unique(np.stack([wanted[rows], district[rows]], axis=1), axis=0):
        these = rows[(wanted[rows] == t) & (district[rows] == d)]
        options = np.flatnonzero((schools.type == t) & (schools.district == d))
        if not len(options):
            options = np.flatnonzero(schools.type == t)
        if not len(options):
            options = np.arange(len(schools.urn))
        urn[these] = schools.urn[rng.choice(options, size=len(these))]
    for code, settings in (("SPECIAL_INDEPENDENT", schools.independent_special),
                           ("FE_COLLEGE", schools.colleges), ("EARLY_YEARS", schools.early_years_settings)):
        rows = np.flatnonzero(placement == PLACEMENTS.index(code))
        urn[rows] = settings[rng.integers(0, len(settings), len(rows))]
    return urn

