"""Random streams, weighted sampling and vectorised date arithmetic."""
from __future__ import annotations

import zlib
from dataclasses import fields, replace
from datetime import date, timedelta
from statistics import NormalDist

import numpy as np

NAT = np.datetime64("NaT", "D")


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent random stream for one part of the generator."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def take(records, rows: np.ndarray):
    """A copy of a dataclass of per-record arrays keeping `rows` (a mask or indices)."""
    return replace(records, **{f.name: getattr(records, f.name)[rows] for f in fields(records)})


def probabilities(mix: dict, labels: list) -> np.ndarray:
    """The weights of `mix` in the order of `labels`, normalised (missing labels weigh 0)."""
    p = np.array([float(mix.get(label, 0.0)) for label in labels])
    return p / p.sum()


def categorical(rng: np.random.Generator, mix: dict, labels: list, size: int) -> np.ndarray:
    """Indices into `labels` drawn with the weights of `mix`."""
    return rng.choice(len(labels), size=size, p=probabilities(mix, labels))


def pick(rng: np.random.Generator, weights: np.ndarray, counts: np.ndarray,
         groups: np.ndarray | None = None) -> np.ndarray:
    """Indices of `counts[g]` items of each group `g`, without replacement, chance ∝ weight.

    Efraimidis-Spirakis keys: the largest log(u)/w within each group win. Items of weight 0
    are never picked, so a group may yield fewer than asked.
    """
    weights = np.asarray(weights, dtype=float)
    groups = np.zeros(len(weights), dtype=np.int64) if groups is None else np.asarray(groups)
    counts = np.atleast_1d(np.asarray(counts, dtype=np.int64))
    keys = np.full(len(weights), -np.inf)
    eligible = weights > 0
    keys[eligible] = np.log(rng.random(int(eligible.sum()))) / weights[eligible]
    order = np.lexsort((-keys, groups))
    sorted_groups = groups[order]
    starts = np.searchsorted(sorted_groups, sorted_groups, side="left")
    rank = np.arange(len(order)) - starts
    chosen = (rank < counts[sorted_groups]) & np.isfinite(keys[order])
    return np.sort(order[chosen])


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - counts.sum()
    counts[np.argsort(counts - exact, kind="stable")[:short]] += 1
    return counts


def scaled(count: float, scale: float) -> int:
    """A calibrated count at the generator's scale."""
    return int(round(count * scale))


def day(d: date) -> np.datetime64:
    return np.datetime64(d, "D")


def add_years(d: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def dates_of_birth(rng: np.random.Generator, ages: np.ndarray, as_at: date) -> np.ndarray:
    """Dates of birth giving exactly `ages` whole years on `as_at`."""
    top = int(ages.max()) + 1 if len(ages) else 1
    first = np.array([day(add_years(as_at, -(a + 1)) + timedelta(days=1)) for a in range(top)])
    last = np.array([day(add_years(as_at, -a)) for a in range(top)])
    span = (last - first).astype(np.int64)[ages] + 1
    return first[ages] + (rng.random(len(ages)) * span).astype(np.int64)


def _ymd(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    years = d.astype("datetime64[Y]").astype(np.int64) + 1970
    months = d.astype("datetime64[M]")
    month_day = (months.astype(np.int64) % 12 + 1) * 100 + (d - months).astype(np.int64) + 1
    return years, month_day


def age_on(dob: np.ndarray, on) -> np.ndarray:
    """Whole years of age on `on` (a date or an array of dates)."""
    y1, md1 = _ymd(np.asarray(dob, dtype="datetime64[D]"))
    y2, md2 = _ymd(np.asarray(on, dtype="datetime64[D]"))
    return y2 - y1 - (md2 < md1)


def plus_years(d: np.ndarray, years) -> np.ndarray:
    """Dates shifted by whole years (approximately: 365.25 days a year, to the day)."""
    return d + np.round(np.asarray(years) * 365.25).astype(np.int64)


def uniform_dates(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """A day drawn uniformly between `first` and `last` inclusive (element-wise)."""
    first = np.asarray(first, dtype="datetime64[D]")
    span = (np.asarray(last, dtype="datetime64[D]") - first).astype(np.int64) + 1
    return first + (rng.random(len(first)) * np.maximum(span, 1)).astype(np.int64)


def lognormal(rng: np.random.Generator, median_sigma, size: int) -> np.ndarray:
    """Positive durations with the given [median, sigma] (log scale)."""
    median, sigma = median_sigma
    return median * np.exp(sigma * rng.standard_normal(size))


def normal_quantile(p: float) -> float:
    return NormalDist().inv_cdf(p)


def normal_cdf(x: float) -> float:
    return NormalDist().cdf(x)
