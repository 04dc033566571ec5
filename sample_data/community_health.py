"""Trust referrals: speech and language therapy (MPFT) and CAMHS (MPFT South, NSCHT North)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import exp

import numpy as np

from sample_data.codes import SERVICE_LINES, SLT_SOURCES
from sample_data.geography import NORTH_SUB_ICBS, SUB_ICBS, Geography
from sample_data.population import People
from sample_data.sampling import NAT, categorical, day, lognormal, scaled, take, uniform_dates

PROVIDERS = ["MPFT", "NSCHT"]
MPFT, NSCHT = range(len(PROVIDERS))
NORTH = np.isin(SUB_ICBS, NORTH_SUB_ICBS)
STOKE_SUB_ICB = SUB_ICBS.index("05W")
MONTH_DAYS = 30.44
YEAR_DAYS = 365.25
SLT_WAIT_THRESHOLD_DAYS = 126   # 18 weeks
SLT_YOUNGEST_DAYS = 180          # youngest age at referral
CAMHS_YOUNGEST_DAYS = 365


@dataclass
class SltReferrals:
    person: np.ndarray
    referral_date: np.ndarray
    source: np.ndarray            # index into SLT_SOURCES
    sub_icb: np.ndarray           # index into SUB_ICBS (of the child's practice)
    first_assessment: np.ndarray
    discharge: np.ndarray

    def on(self, as_at: date, cal: dict) -> SltReferrals:
        """The referrals of the window to `as_at`, as they stood then."""
        held = take(self, _in_window(self.referral_date, as_at, cal))
        held.first_assessment, held.discharge = (_by(d, as_at) for d in (held.first_assessment, held.discharge))
        return held


@dataclass
class CamhsReferrals:
    person: np.ndarray
    provider: np.ndarray          # index into PROVIDERS
    referral_date: np.ndarray
    service_line: np.ndarray      # index into SERVICE_LINES
    sub_icb: np.ndarray
    first_contact: np.ndarray
    second_contact: np.ndarray
    treatment_start: np.ndarray
    closed: np.ndarray

    def on(self, as_at: date, cal: dict) -> CamhsReferrals:
        """The referrals of the window to `as_at`, as they stood then."""
        held = take(self, _in_window(self.referral_date, as_at, cal))
        for name in ("first_contact", "second_contact", "treatment_start", "closed"):
            setattr(held, name, _by(getattr(held, name), as_at))
        return held


def window_start(as_at: date, cal: dict) -> np.datetime64:
    return day(as_at) - int(round(cal["health"]["window_months"] * MONTH_DAYS))


def _in_window(when: np.ndarray, as_at: date, cal: dict) -> np.ndarray:
    return (when >= window_start(as_at, cal)) & (when <= day(as_at))


def _by(when: np.ndarray, as_at: date) -> np.ndarray:
    """The dates on or before `as_at`; later ones (not yet happened then) NaT."""
    return np.where(when <= day(as_at), when, NAT)


def wait_model(mean_wait: float, share_over: float, threshold: float) -> tuple[float, float]:
    """(minimum wait, exponential mean) of waits `minimum + Exp(mean)` that average
    `mean_wait` days and leave `share_over` of a steady queue waiting over `threshold`."""
    def queue_share_over(scale: float) -> float:
        return scale * exp(-(threshold - (mean_wait - scale)) / scale) / mean_wait
    lo, hi = 1e-6, min(mean_wait, threshold)
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if queue_share_over(mid) < share_over else (lo, mid)
    return mean_wait - lo, lo


def _later(start: np.ndarray, days: np.ndarray, today: np.datetime64) -> np.ndarray:
    """`start` + `days`, or NaT if that is after today (or `start` is NaT)."""
    when = start + np.round(days).astype(np.int64)
    return np.where(when <= today, when, NAT)


def _referral_dates(rng: np.random.Generator, dob: np.ndarray, first: np.datetime64,
                    today: np.datetime64, min_age_days: int) -> np.ndarray:
    return uniform_dates(rng, np.maximum(first, dob + min_age_days), np.full(len(dob), today))


def slt(rng: np.random.Generator, geo: Geography, people: People, practice_sub_icb: np.ndarray,
        slcn: np.ndarray, as_at: date, scale: float, cal: dict,
        first: np.datetime64 | None = None) -> SltReferrals:
    """County children referred in the window (or since `first`); waits leave the published queue."""
    s = cal["slt"]
    today, first = day(as_at), window_start(as_at, cal) if first is None else first
    years = (today - first).astype(np.int64) / YEAR_DAYS
    age_weight = np.zeros(people.age.max() + 2)
    for age, w in s["age_weights"].items():
        age_weight[int(age) + 1] = w             # about a year older now than at referral
    weight = (age_weight[people.age] * (practice_sub_icb >= 0) * geo.in_county(people.lsoa)
              * np.where(slcn, s["slcn_relative_rate"], 1.0))
    n = scaled(s["referrals_per_year"] * years, scale)
    person = rng.choice(len(people), size=n, p=weight / weight.sum())
    referral = _referral_dates(rng, people.dob[person], first, today, SLT_YOUNGEST_DAYS)
    order = np.argsort(referral, kind="stable")
    person, referral = person[order], referral[order]

    minimum, spread = wait_model(s["waiting"] / s["referrals_per_year"] * YEAR_DAYS,
                                 s["waiting_over_126_days"], SLT_WAIT_THRESHOLD_DAYS)
    assessed = _later(referral, minimum + rng.exponential(spread, n), today)
    discharged = _later(assessed, lognormal(rng, s["episode_days"], n), today)
    return SltReferrals(person, referral, categorical(rng, s["source"], SLT_SOURCES, n),
                        practice_sub_icb[person], assessed, discharged)


def camhs(rng: np.random.Generator, people: People, practice_sub_icb: np.ndarray,
          send: np.ndarray, as_at: date, scale: float, cal: dict,
          first: np.datetime64 | None = None) -> CamhsReferrals:
    """Referrals (of the window, or since `first`) by service line, county rates applied
    per head to the whole ICB."""
    c = cal["camhs"]
    today, first = day(as_at), window_start(as_at, cal) if first is None else first
    years = (today - first).astype(np.int64) / YEAR_DAYS
    age_weight = np.zeros(people.age.max() + 1)
    for age, w in c["age_weights"].items():
        age_weight[int(age)] = w
    weight = age_weight[people.age] * (practice_sub_icb >= 0) * np.where(send, c["send_relative_rate"], 1.0)
    county_share = weight[(practice_sub_icb >= 0) & (practice_sub_icb != STOKE_SUB_ICB)].sum() / weight.sum()

    parts = []
    for line, code in enumerate(SERVICE_LINES):
        n = scaled(c["referrals_per_year"][code] * years / county_share, scale)
        person = rng.choice(len(people), size=n, p=weight / weight.sum())
        parts.append((person, np.full(n, line)))
    person, line = (np.concatenate(column) for column in zip(*parts))
    n = len(person)
    sub_icb = practice_sub_icb[person]
    provider = np.where(NORTH[sub_icb], NSCHT, MPFT)
    referral = _referral_dates(rng, people.dob[person], first, today, CAMHS_YOUNGEST_DAYS)

    first_median, first_sigma, gap_median, gap_sigma = (np.zeros(n) for _ in range(4))
    for p, name in enumerate(PROVIDERS):
        for s, code in enumerate(SERVICE_LINES):
            rows = (provider == p) & (line == s)
            first_median[rows], first_sigma[rows] = c["first_contact_days"][name][code]
        gap_median[provider == p], gap_sigma[provider == p] = c["second_contact_days"][name]
    no_contact = rng.random(n) < np.array([c["closed_without_contact"][code] for code in SERVICE_LINES])[line]
    first_contact = _later(referral, first_median * np.exp(first_sigma * rng.standard_normal(n)), today)
    first_contact[no_contact] = NAT
    second = rng.random(n) < c["second_contact_share"]
    second_contact = _later(first_contact, gap_median * np.exp(gap_sigma * rng.standard_normal(n)), today)
    second_contact[~second] = NAT
    treated = np.isin(line, [SERVICE_LINES.index(code) for code in c["treatment_service_lines"]])
    treatment = np.where(treated, second_contact, NAT)
    last = np.where(np.isnat(second_contact), first_contact, second_contact)
    lo, hi = c["closed_without_contact_days"]
    closed = np.where(no_contact, _later(referral, rng.integers(lo, hi + 1, n), today),
                      _later(last, lognormal(rng, c["episode_days"], n), today))
    order = np.argsort(referral, kind="stable")
    return CamhsReferrals(*(column[order] for column in (
        person, provider, referral, line, sub_icb, first_contact, second_contact, treatment, closed)))
