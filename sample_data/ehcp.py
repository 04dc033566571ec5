"""EHC needs assessment requests and the EHC plan caseload.

Plans issued in the last three years come from the requests' `ISSUE` outcomes; older
plans (and transfers-in) fill the caseload up to the published active count, with the
DfE age profile; ceased plans follow the DfE ages and reasons of cessation.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from sample_data import needs
from sample_data.calibration import active_plan_target
from sample_data.codes import CEASE_REASONS, DECISIONS, NEEDS, OUTCOMES, PLACEMENTS, REQUESTERS
from sample_data.geography import DISTRICTS, MAX_AGE, STOKE_INDEX, Geography
from sample_data.population import ETHNICITY_GROUP, ETHNICITY_GROUPS, NOBT, SEXES, People
from sample_data.sampling import (NAT, add_years, apportion, categorical, day, pick, plus_years,
                                  probabilities, scaled, take, uniform_dates, age_on)

HISTORY_YEARS = 3
SHORTEST_PLAN_DAYS = 30           # a plan ceased soon after issue ran at least this long
SHORTEST_CEASED_PLAN_DAYS = 180   # an older ceased plan ran at least this long
AGE_BANDS = {"0-10": (0, 10), "11-15": (11, 15), "16-19": (16, 19), "20-25": (20, 25)}


@dataclass
class Requests:
    person: np.ndarray
    request_date: np.ndarray
    requester: np.ndarray
    decision: np.ndarray        # index into DECISIONS
    decision_date: np.ndarray
    outcome: np.ndarray         # index into OUTCOMES, -1 if not assessed
    outcome_date: np.ndarray
    issued_date: np.ndarray
    exception: np.ndarray
    mediation: np.ndarray
    tribunal: np.ndarray

    def on(self, as_at: date) -> Requests:
        """The requests of the three years to `as_at`, as they stood then."""
        today = day(as_at)
        held = take(self, (self.request_date >= history_start(as_at)) & (self.request_date <= today))
        decided = held.decision_date <= today
        assessed = decided & (held.decision == DECISIONS.index("YES"))
        outcome_known = assessed & (held.outcome_date <= today)
        held.decision = np.where(decided, held.decision, DECISIONS.index("PENDING"))
        held.decision_date = np.where(decided, held.decision_date, NAT)
        held.outcome = np.select([outcome_known, assessed], [held.outcome, OUTCOMES.index("PENDING")], -1)
        held.outcome_date = np.where(outcome_known, held.outcome_date, NAT)
        held.issued_date = np.where(outcome_known, held.issued_date, NAT)
        held.mediation, held.tribunal = held.mediation & decided, held.tribunal & decided
        return held


@dataclass
class Plans:
    person: np.ndarray
    start: np.ndarray
    end: np.ndarray             # NaT while active
    cease_reason: np.ndarray    # index into CEASE_REASONS, -1 while active
    ethnicity: np.ndarray       # as recorded by the council
    primary: np.ndarray         # index into NEEDS
    secondary: np.ndarray       # index into NEEDS, -1 if none
    placement: np.ndarray       # index into PLACEMENTS

    def active_on(self, when) -> np.ndarray:
        when = np.datetime64(when, "D")
        return (self.start <= when) & (np.isnat(self.end) | (self.end > when))

    def on(self, as_at: date) -> Plans:
        """The plans held in the three years to `as_at`, as they stood then."""
        today = day(as_at)
        held = take(self, (self.start <= today) & (np.isnat(self.end) | (self.end >= history_start(as_at))))
        ceased = held.end <= today
        held.end = np.where(ceased, held.end, NAT)
        held.cease_reason = np.where(ceased, held.cease_reason, -1)
        return held


def history_start(as_at: date) -> np.datetime64:
    return day(add_years(as_at, -HISTORY_YEARS)) + 1


def generate(rng: np.random.Generator, geo: Geography, people: People, as_at: date,
             scale: float, cal: dict, months: Sequence[date] = ()) -> tuple[Requests, Plans]:
    """Requests of the last three years and every plan held in them; given the month ends
    of a history (oldest first, ending at `as_at`), of the three years before each, with
    the active plans following the published trend month by month."""
    months = list(months) or [as_at]
    today, first = day(as_at), history_start(months[0])
    years = HISTORY_YEARS + (len(months) - 1) / 12
    district = geo.district[people.council_lsoa]
    taken = np.zeros(len(people), dtype=bool)
    requests = _requests(rng, people, district, taken, today, first, years, scale, cal)

    issued = ~np.isnat(requests.issued_date)
    new_person, new_start = requests.person[issued], requests.issued_date[issued]
    new_end = np.full(len(new_person), NAT)
    ceases = ((rng.random(len(new_person)) < cal["ehcp"]["new_plan_ceased_share"])
              & (new_start < today - SHORTEST_PLAN_DAYS))
    new_end[ceases] = uniform_dates(rng, new_start[ceases] + SHORTEST_PLAN_DAYS, np.full(ceases.sum(), today))

    target = active_plan_target(as_at, cal) * scale
    profile = _profile(cal["ehcp"]["age_profile"])
    new_active_ages = np.bincount(people.age[new_person[~ceases]], minlength=MAX_AGE + 1)
    county_target = int(round(target))
    still_needed = np.clip(apportion(county_target, profile) - new_active_ages, 0, None)
    old_counts = apportion(max(county_target - int((~ceases).sum()), 0), still_needed)
    county = district != STOKE_INDEX
    old = pick(rng, _holder_weight(people, district, cal) * county * ~taken, old_counts, people.age)
    taken[old] = True
    stoke_counts = apportion(int(round(target * cal["ehcp"]["out_of_county_share"])), profile)
    stoke = pick(rng, _holder_weight(people, district, cal) * ~county * ~taken, stoke_counts, people.age)
    taken[stoke] = True
    active_person = np.concatenate([old, stoke])
    active_start = _earlier_start(rng, people.dob[active_person], today, first, cal)

    ceased_person, ceased_end = _ceased(rng, people, district, taken, today, first, years, scale,
                                        int(ceases.sum()), cal)
    ceased_latest = ceased_end - SHORTEST_CEASED_PLAN_DAYS
    ceased_start = np.minimum(
        _earlier_start(rng, people.dob[ceased_person], ceased_latest, ceased_latest, cal), ceased_end - 1)

    person = np.concatenate([new_person, active_person, ceased_person])
    start = np.concatenate([new_start, active_start, ceased_start])
    end = np.concatenate([new_end, np.full(len(active_person), NAT), ceased_end])
    if len(months) > 1:
        older = len(new_person) + np.arange(len(old))
        counted = district[person] != STOKE_INDEX
        start[older] = _follow_trend(rng, start, end, counted, older, people.dob[old], months, scale, cal)
    return requests, _describe(rng, people, district, person, start, end, today, cal)


def _follow_trend(rng: np.random.Generator, start: np.ndarray, end: np.ndarray, counted: np.ndarray,
                  older: np.ndarray, dob: np.ndarray, months: list[date], scale: float,
                  cal: dict) -> np.ndarray:
    """Start dates of the older county plans, some moved into the history (transfers in and
    late-recorded plans) so that each month end's active count meets the trend's target."""
    ends = np.array([day(m) for m in months])
    active = [int((counted & (start <= e) & (np.isnat(end) | (end > e))).sum()) for e in ends[:-1]]
    excess = np.array(active) - np.array([active_plan_target(m, cal) * scale for m in months[:-1]])
    # plans to start after each month end: never more at a later month than at an earlier one
    later = np.minimum.accumulate(np.clip(np.round(excess), 0, len(older)).astype(np.int64))
    moved = rng.permutation(len(older))[:later[0] if len(later) else 0]
    # the r-th moved plan starts after every month end that still needs more than r plans later
    month = np.searchsorted(-later, -np.arange(len(moved)), side="left") - 1
    first_day = ends[month] + 1
    new_start = start[older].copy()
    new_start[moved] = np.minimum(np.maximum(uniform_dates(rng, first_day, ends[month + 1]),
                                             plus_years(dob[moved], cal["ehcp"]["youngest_start_age_years"])),
                                  ends[-1])
    return new_start


def _profile(ages: dict) -> np.ndarray:
    profile = np.zeros(MAX_AGE + 1)
    for age, count in ages.items():
        profile[int(age)] = count
    return profile


def _holder_weight(people: People, district: np.ndarray, cal: dict) -> np.ndarray:
    """Relative chance of holding a plan: sex, FSM eligibility and district."""
    ehcp = cal["ehcp"]
    male = ehcp["male_share"]
    weight = np.select([people.sex == SEXES.index("M"), people.sex == SEXES.index("F")],
                       [male, 1 - male], 0.5)
    weight = weight * np.where(people.fsm, ehcp["fsm_relative_rate"], 1.0)
    factor = np.array([ehcp["district_relative_rate"].get(code, 1.0) for code in DISTRICTS])
    return weight * factor[district]


def people_for(rng: np.random.Generator, wanted_age: np.ndarray, weight: np.ndarray,
               age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct people for rows that each want someone of a given age now.

    Returns (rows, people) matched pairwise; rows that could not be served are dropped.
    """
    chosen = pick(rng, weight, np.bincount(wanted_age, minlength=MAX_AGE + 1), age)
    chosen = chosen[np.argsort(age[chosen], kind="stable")]
    got = np.bincount(age[chosen], minlength=MAX_AGE + 1)
    rows = np.argsort(wanted_age, kind="stable")
    sorted_age = wanted_age[rows]
    rank = np.arange(len(rows)) - np.searchsorted(sorted_age, sorted_age)
    return rows[rank < got[sorted_age]], chosen


def _age_now(rng: np.random.Generator, age_then: np.ndarray, then: np.ndarray,
             today: np.datetime64) -> np.ndarray:
    elapsed = (today - then).astype(np.int64) / 365.25
    return np.floor(age_then + elapsed + rng.random(len(then))).astype(np.int64)


def _requests(rng: np.random.Generator, people: People, district: np.ndarray, taken: np.ndarray,
              today: np.datetime64, first: np.datetime64, years: float, scale: float, cal: dict) -> Requests:
    c = cal["ehcna"]
    n = scaled(c["requests_per_year"] * years, scale)
    request_date = uniform_dates(rng, np.full(n, first), np.full(n, today))
    start_ages = np.array(sorted(c["start_age_profile"]))
    age_then = start_ages[categorical(rng, c["start_age_profile"], list(start_ages), n)]
    wanted = np.minimum(_age_now(rng, age_then, request_date, today), MAX_AGE)
    weight = _holder_weight(people, district, cal) * (district != STOKE_INDEX)
    rows, person = people_for(rng, wanted, weight, people.age)
    taken[person] = True
    order = np.argsort(request_date[rows], kind="stable")
    rows, person, request_date = rows[order], person[order], request_date[rows][order]
    n = len(rows)

    decision_date = request_date + rng.integers(c["decision_days"][0], c["decision_days"][1] + 1, n)
    decided = decision_date <= today
    refused = decided & (rng.random(n) < c["refusal_rate"])
    assessed = decided & ~refused
    decision = np.select([~decided, refused], [DECISIONS.index("PENDING"), DECISIONS.index("NO")],
                         DECISIONS.index("YES"))

    withdrawn = assessed & (rng.random(n) < c["withdrawn_share"])
    issue = assessed & ~withdrawn & (rng.random(n) < c["issue_rate"])
    exception = rng.random(n) < c["exception_share"]
    timely = ~exception & (rng.random(n) < c["within_20_weeks"])
    lo, hi = c["within_20_weeks_days"]
    issue_days = np.where(timely, rng.integers(lo, hi + 1, n),
                          hi + 1 + rng.exponential(c["late_extra_days_mean"], n).astype(np.int64))
    outcome_date = np.select(
        [issue, withdrawn, assessed],
        [request_date + issue_days,
         decision_date + rng.integers(c["withdrawn_days"][0], c["withdrawn_days"][1] + 1, n),
         decision_date + rng.integers(c["no_issue_days"][0], c["no_issue_days"][1] + 1, n)], NAT)
    waiting = assessed & (outcome_date > today)
    outcome = np.select([~assessed, waiting, issue, withdrawn],
                        [-1, OUTCOMES.index("PENDING"), OUTCOMES.index("ISSUE"),
                         OUTCOMES.index("WITHDRAWN")], OUTCOMES.index("NO_ISSUE"))
    outcome_date = np.where(waiting, NAT, outcome_date)

    recent = request_date > today - 365

    def disputes(rate: float) -> np.ndarray:
        """Mediation or tribunal, mostly after a refusal, at `rate` of the last year's requests."""
        relative = c["refusal_dispute_relative_rate"]
        base = rate * recent.sum() / max(relative * (refused & recent).sum() + (assessed & recent).sum(), 1)
        return decided & (rng.random(n) < np.where(refused, relative * base, base))

    return Requests(
        person=person, request_date=request_date,
        requester=categorical(rng, c["requester"], REQUESTERS, n),
        decision=decision, decision_date=np.where(decided, decision_date, NAT),
        outcome=outcome, outcome_date=outcome_date,
        issued_date=np.where(outcome == OUTCOMES.index("ISSUE"), outcome_date, NAT),
        exception=exception, mediation=disputes(c["mediation_rate"]),
        tribunal=disputes(c["tribunal_rate"]))


def _earlier_start(rng: np.random.Generator, dob: np.ndarray, latest: np.ndarray | np.datetime64,
                   before: np.ndarray | np.datetime64, cal: dict) -> np.ndarray:
    """Start dates of plans not issued from a recent request: before `before` where the
    child was old enough, otherwise (transfers-in) up to `latest`."""
    e = cal["ehcp"]
    earliest = np.maximum(plus_years(dob, e["youngest_start_age_years"]),
                          np.asarray(latest, dtype="datetime64[D]") - int(e["oldest_plan_years"] * 365.25))
    before = np.broadcast_to(np.asarray(before, dtype="datetime64[D]"), earliest.shape)
    latest = np.broadcast_to(np.asarray(latest, dtype="datetime64[D]"), earliest.shape)
    last = np.where(earliest < before, before - 1, latest)
    return np.minimum(uniform_dates(rng, earliest, np.maximum(last, earliest)), latest)


def _ceased(rng: np.random.Generator, people: People, district: np.ndarray, taken: np.ndarray,
            today: np.datetime64, first: np.datetime64, years: float, scale: float, already: int,
            cal: dict) -> tuple[np.ndarray, np.ndarray]:
    """People whose older plan ceased since `first`, and the end dates."""
    e = cal["ehcp"]
    n = max(scaled(e["ceased_per_year"] * years, scale) - already, 0)
    end = uniform_dates(rng, np.full(n, first), np.full(n, today))
    ages = np.array(sorted(e["ceased_age_profile"]))
    wanted = _age_now(rng, ages[categorical(rng, e["ceased_age_profile"], list(ages), n)], end, today)
    keep = wanted <= MAX_AGE
    weight = _holder_weight(people, district, cal) * (district != STOKE_INDEX) * ~taken
    rows, person = people_for(rng, wanted[keep], weight, people.age)
    taken[person] = True
    return person, np.maximum(end[keep][rows], plus_years(people.dob[person], ages.min()))


def _describe(rng: np.random.Generator, people: People, district: np.ndarray,
              person: np.ndarray, start: np.ndarray, end: np.ndarray, today: np.datetime64,
              cal: dict) -> Plans:
    """Needs, placement, social care and cessation reason of each plan."""
    e = cal["ehcp"]
    n = len(person)
    ceased = ~np.isnat(end)
    age = people.age[person]
    age_at_end = np.where(ceased, age_on(people.dob[person], np.where(ceased, end, today)), age)

    ethnicity = people.ethnicity[person].copy()
    ethnicity[rng.random(n) < e["extra_nobt_share"]] = NOBT
    band = np.empty(n, dtype=object)
    for label, (lo, hi) in AGE_BANDS.items():
        band[(age >= lo) & (age <= hi)] = label
    groups = {
        "sex": np.array(SEXES, dtype=object)[people.sex[person]].astype(str),
        "age_band": band.astype(str),
        "district": np.array(DISTRICTS, dtype=object)[district[person]].astype(str),
        "ethnicity_group": np.array(ETHNICITY_GROUPS, dtype=object)[ETHNICITY_GROUP[ethnicity]].astype(str),
    }
    counted = ~ceased & (district[person] != STOKE_INDEX)
    targets = {dim: e["primary_need"][dim] for dim in groups}
    p = needs.fit(groups, targets, e["primary_need"]["total"], counted.astype(float))
    primary = needs.draw(rng, p)
    secondary = np.where(rng.random(n) < e["secondary_need_share"],
                         needs.draw(rng, np.tile(probabilities(e["primary_need"]["total"], NEEDS), (n, 1)),
                                    exclude=primary), -1)

    placement = np.zeros(n, dtype=np.int64)
    for band_rule in e["placement"]:
        lo, hi = band_rule["ages"]
        members = np.flatnonzero((age_at_end >= lo) & (age_at_end <= hi))
        placement[members] = categorical(rng, band_rule["mix"], PLACEMENTS, len(members))

    reason = np.full(n, -1, dtype=np.int64)
    for key, older in (("under_16", False), ("16_plus", True)):
        members = np.flatnonzero(ceased & ((age_at_end >= 16) == older))
        reason[members] = categorical(rng, e["cease_reasons"][key], CEASE_REASONS, len(members))

    return Plans(person=person, start=start, end=end, cease_reason=reason, ethnicity=ethnicity,
                 primary=primary, secondary=secondary, placement=placement)

