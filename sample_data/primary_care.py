"""GP practices, registrations and the clinical registers (learning disability, autism)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sample_data.codes import NEEDS
from sample_data.geography import DISTRICTS, POSTCODES_PER_LSOA, SUB_ICBS, TOWNS, Geography
from sample_data.population import People
from sample_data.sampling import NAT, apportion, day, pick, uniform_dates

NAME_STEMS = ["Oak Tree", "Riverside", "Church Street", "Park View", "Market Square", "Meadowbank",
              "Brook Lane", "Castle", "Station Road", "Greenway", "Wharf", "Mill Lane", "Orchard",
              "Priory", "Springfield", "Westfield", "Northgate", "Abbey", "Beacon", "Victoria",
              "Holly Bank", "Elmwood", "Chase View", "Trent Valley", "Moorside", "Hillcrest",
              "Willow", "Queensway", "Bridge Street", "Ashfield"]
NAME_KINDS = ["Surgery", "Medical Practice", "Health Centre", "Medical Centre", "Family Practice"]
LIST_SIZE_SPREAD = 4.0           # gamma shape of practices' relative list sizes
NEWBORN_REGISTRATION_DAYS = 42   # babies are registered within six weeks of birth


@dataclass(frozen=True)
class Practices:
    code: np.ndarray
    name: np.ndarray
    sub_icb: np.ndarray   # index into SUB_ICBS
    postcode: np.ndarray  # index into geography.postcodes
    weight: np.ndarray    # relative list size

    def lsoa(self) -> np.ndarray:
        return self.postcode // POSTCODES_PER_LSOA


@dataclass(frozen=True)
class Registrations:
    practice: np.ndarray          # per person: index into practices, -1 if not registered
    registration_date: np.ndarray


def practices(rng: np.random.Generator, geo: Geography, cal: dict) -> Practices:
    """Synthetic practices, spread over the sub-ICBs in proportion to their population."""
    lsoa_pop = geo.population.sum(axis=1)
    per_sub_icb = apportion(cal["registration"]["practices"],
                            np.bincount(geo.sub_icb, weights=lsoa_pop, minlength=len(SUB_ICBS)))
    lsoa = pick(rng, lsoa_pop, per_sub_icb, geo.sub_icb)
    n = len(lsoa)
    codes = np.sort(rng.choice(1000, size=n, replace=False))
    stems = [(s, k) for s in NAME_STEMS for k in NAME_KINDS]
    names = [f"{TOWNS[DISTRICTS[geo.district[area]]]} {stems[i][0]} {stems[i][1]}"
             for area, i in zip(lsoa, rng.permutation(len(stems))[:n])]
    return Practices(
        code=np.array([f"M83{c:03d}" for c in codes], dtype=object),
        name=np.array(names, dtype=object),
        sub_icb=geo.sub_icb[lsoa],
        postcode=lsoa * POSTCODES_PER_LSOA + rng.integers(0, POSTCODES_PER_LSOA, n),
        weight=rng.gamma(LIST_SIZE_SPREAD, 1.0, n),
    )


def register(rng: np.random.Generator, geo: Geography, people: People, practice: Practices,
             as_at: date, cal: dict) -> Registrations:
    """Register people mostly in their own sub-ICB, some across the boundary, at a
    practice in their own district where the sub-ICB has one."""
    lsoa = people.lsoa
    district, home = geo.district[lsoa], geo.sub_icb[lsoa]
    target = home.copy()
    u = rng.random(len(home))
    for d, code in enumerate(DISTRICTS):
        rule = cal["registration"]["cross_boundary"][code]
        for h in np.unique(home[district == d]):
            mix = np.array([rule["to"].get(s, 0.0) if i != h else 0.0 for i, s in enumerate(SUB_ICBS)])
            movers = np.flatnonzero((district == d) & (home == h) & (u < rule["share"]))
            if mix.sum() > 0:
                target[movers] = rng.choice(len(SUB_ICBS), size=len(movers), p=mix / mix.sum())

    practice_district = geo.district[practice.lsoa()]
    chosen = np.full(len(people), -1, dtype=np.int32)
    for s in range(len(SUB_ICBS)):
        for d in range(len(DISTRICTS)):
            who = np.flatnonzero(people.registered & (target == s) & (district == d))
            options = np.flatnonzero((practice.sub_icb == s) & (practice_district == d))
            if not len(options):
                options = np.flatnonzero(practice.sub_icb == s)
            w = practice.weight[options]
            chosen[who] = rng.choice(options, size=len(who), p=w / w.sum())

    since_birth = rng.random(len(people)) < cal["registration"]["since_birth_share"]
    end = np.full(len(people), day(as_at))
    newborn = people.dob + rng.integers(0, NEWBORN_REGISTRATION_DAYS + 1, len(people))
    joined = np.where(since_birth, np.minimum(newborn, end), uniform_dates(rng, people.dob, end))
    return Registrations(chosen, np.where(chosen >= 0, joined, NAT))


@dataclass(frozen=True)
class ClinicalRegisters:
    learning_disability: np.ndarray
    autism: np.ndarray
    health_check: np.ndarray      # latest annual health check date, NaT if none


def clinical_registers(rng: np.random.Generator, people: People, need: dict[str, np.ndarray],
                       as_at: date, cal: dict) -> ClinicalRegisters:
    """LD register and autism diagnoses: likely for children whose SEND needs point to
    them, otherwise at a background rate that lands the published shares.

    `need` holds per-person need indices (-1 for none): `plan`, `plan_secondary`,
    `sen_support_need`."""
    gp = cal["gp"]
    registered = people.registered
    plan, secondary, support = need["plan"], need["plan_secondary"], need["sen_support_need"]
    asd, mld = NEEDS.index("ASD"), NEEDS.index("MLD")
    ld_chance = np.zeros(len(people))
    for code in ("SLD", "PMLD", "MLD", "ASD"):
        ld_chance[plan == NEEDS.index(code)] = gp["ld_propensity"][code]
    ld_chance[(plan < 0) & (support == mld)] = gp["ld_propensity"]["sen_support_MLD"]
    ld = _fill_to_share(rng, ld_chance, registered, gp["ld_register_share"],
                        _age_factor(people.age, gp["ld_age_factor"]))

    autism_chance = np.zeros(len(people))
    autism_chance[secondary == asd] = gp["autism_propensity"]["secondary_ASD"]
    autism_chance[plan == asd] = gp["autism_propensity"]["ASD"]
    autism_chance[(plan < 0) & (support == asd)] = gp["autism_propensity"]["sen_support_ASD"]
    autism = _fill_to_share(rng, autism_chance, registered, gp["autism_share"],
                            _age_factor(people.age, gp["autism_age_factor"]))

    today = day(as_at)
    u = rng.random(len(people))
    recent = today - rng.integers(0, 365, len(people))
    older = today - rng.integers(365, 730, len(people))
    adult = people.age >= 14
    within, later = gp["health_check_within_12_months"], gp["health_check_12_to_24_months"]
    check = np.select(
        [ld & adult & (u < within), ld & adult & (u < within + later),
         ld & ~adult & (u < gp["health_check_under_14"])],
        [recent, older, recent], NAT)
    return ClinicalRegisters(ld, autism, np.maximum(check, people.dob))


def _age_factor(age: np.ndarray, below: dict) -> np.ndarray:
    """Relative background rate by age: `below` maps an age limit to the factor under it."""
    factor = np.ones(len(age))
    for limit in sorted(below, reverse=True):
        factor[age < int(limit)] = below[limit]
    return factor


def _fill_to_share(rng: np.random.Generator, chance: np.ndarray, registered: np.ndarray,
                   share: float, age_factor: np.ndarray) -> np.ndarray:
    """Bernoulli(chance), topped up at a background rate to `share` of the registered."""
    flagged = rng.random(len(chance)) < chance
    rest = registered & ~flagged
    missing = share * registered.sum() - (flagged & registered).sum()
    weight = age_factor * rest
    background = max(missing, 0) / max(weight.sum(), 1)
    return (flagged | (rng.random(len(chance)) < background * weight)) & registered
