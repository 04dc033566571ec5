"""One synthetic world over consecutive month ends.

The world is simulated once, at the last month end, with the EHC and trust records of the
whole history and their dates; each month's world is those records as they stood on its
month end (known by then, statuses then, ages then), with the other services' records
drawn from it.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np

from sample_data import world as simulation
from sample_data.sampling import NAT, day, take
from sample_data.world import World


def month_ends(as_at: date, months: int) -> list[date]:
    """`months` month ends, oldest first, the last being `as_at`."""
    ends = [as_at]
    for _ in range(months - 1):
        ends.append(ends[-1].replace(day=1) - timedelta(days=1))
    return ends[::-1]


def worlds(as_ats: list[date], scale: float, seed: int) -> Iterator[World]:
    """The world on each of `as_ats` (oldest first); one date is a plain simulation."""
    base = simulation.simulate(as_ats[-1], scale, seed, as_ats if len(as_ats) > 1 else ())
    if len(as_ats) == 1:
        yield base
        return
    for as_at in as_ats:
        yield restate(base, as_at, scale)


def restate(base: World, as_at: date, scale: float) -> World:
    """`base` (simulated at `scale`) as it stood on `as_at`."""
    people, born = base.people.on(as_at)
    index = np.cumsum(born) - 1

    def known(records):
        records = take(records, born[records.person])
        records.person = index[records.person]
        return records

    registrations = take(base.registrations, born)
    joined = registrations.registration_date <= day(as_at)
    registrations = type(registrations)(np.where(joined, registrations.practice, -1),
                                        np.where(joined, registrations.registration_date, NAT))
    referrals = (known(base.slt.on(as_at, base.cal)), known(base.camhs.on(as_at, base.cal)))
    return simulation.records(as_at, scale, base.seed, base.cal, base.geo, people, base.practices,
                              registrations, known(base.requests.on(as_at)), known(base.plans.on(as_at)),
                              referrals, base.schools)
