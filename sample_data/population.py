"""The one synthetic population every partner's records are drawn from."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sample_data import identifiers
from sample_data.geography import DISTRICTS, MAX_AGE, POSTCODES_PER_LSOA, Geography
from sample_data.sampling import age_on, categorical, dates_of_birth, day, take

SEXES = ["M", "F", "U"]
ETHNICITIES = ["WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
               "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"]
NOBT = ETHNICITIES.index("NOBT")
ETHNICITY_GROUPS = ["White", "Mixed", "Asian", "Black", "Other", "Unknown"]
ETHNICITY_GROUP = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5])


@dataclass
class People:
    """One entry per person resident in the ICB area aged 0-25 on the as-at date."""

    age: np.ndarray
    dob: np.ndarray
    sex: np.ndarray               # index into SEXES
    ethnicity: np.ndarray         # index into ETHNICITIES
    postcode: np.ndarray          # current address (GP record): index into geography.postcodes
    council_postcode: np.ndarray  # address the council holds (older for people who moved)
    fsm: np.ndarray               # eligible for free school meals / disadvantaged
    working_parents: np.ndarray
    nhs_number: np.ndarray
    upn: np.ndarray               # twelve-digit UPN body
    has_upn: np.ndarray
    la_child_id: np.ndarray
    registered: np.ndarray        # registered with an ICB practice

    def __len__(self) -> int:
        return len(self.age)

    def on(self, as_at: date) -> tuple[People, np.ndarray]:
        """The people born by `as_at`, aged as then, and which they are (a mask)."""
        born = self.dob <= day(as_at)
        people = take(self, born)
        people.age = age_on(people.dob, day(as_at)).astype(np.int8)
        people.has_upn = people.has_upn & (people.age >= 4)
        return people, born

    @property
    def lsoa(self) -> np.ndarray:
        return self.postcode // POSTCODES_PER_LSOA

    @property
    def council_lsoa(self) -> np.ndarray:
        return self.council_postcode // POSTCODES_PER_LSOA


def draw(rng: np.random.Generator, geo: Geography, as_at: date, scale: float, cal: dict) -> People:
    """Draw people by LSOA and single year of age in proportion to the ONS population."""
    pop = cal["population"]
    cells = geo.population.ravel()
    counts = rng.multinomial(int(round(cells.sum() * scale)), cells / cells.sum())
    cell = np.repeat(np.arange(len(cells)), counts)
    lsoa, age = np.divmod(cell, MAX_AGE + 1)
    n = len(cell)
    dob = dates_of_birth(rng, age, as_at)

    sex = (rng.random(n) < 0.5).astype(np.int8)
    sex[rng.random(n) < pop["sex_unknown_share"]] = SEXES.index("U")
    ethnicity = _ethnicity(rng, geo.district[lsoa], pop["ethnicity"])

    postcode = lsoa * POSTCODES_PER_LSOA + rng.integers(0, POSTCODES_PER_LSOA, n)
    council_postcode = _older_addresses(rng, geo, lsoa, postcode, pop["moved_share"])

    fsm_share = cal["school_census"]["fsm_eligible_share"]
    lean = np.exp(pop["fsm_deprivation_spread"] * geo.deprivation)
    county_weight = geo.population.sum(axis=1) * geo.in_county(np.arange(len(lean)))
    fsm_chance = np.clip(fsm_share * lean / np.average(lean, weights=county_weight), 0, 0.95)
    fsm = rng.random(n) < fsm_chance[lsoa]
    working_parents = ~fsm & (rng.random(n) < pop["working_parent_share"])

    entry_year = dob.astype("datetime64[Y]").astype(np.int64) + 1970 + 4
    return People(
        age=age.astype(np.int8), dob=dob, sex=sex, ethnicity=ethnicity,
        postcode=postcode, council_postcode=council_postcode, fsm=fsm,
        working_parents=working_parents,
        nhs_number=identifiers.nhs_numbers(rng, n),
        upn=identifiers.upn_digits(rng, entry_year),
        has_upn=(age >= 4) & (rng.random(n) < pop["upn_share_aged_4_plus"]),
        la_child_id=identifiers.distinct_ids(rng, n, 8),
        registered=rng.random(n) < cal["registration"]["registered_share"],
    )


def _ethnicity(rng: np.random.Generator, district: np.ndarray, mixes: dict) -> np.ndarray:
    ethnicity = np.empty(len(district), dtype=np.int8)
    for d, code in enumerate(DISTRICTS):
        here = np.flatnonzero(district == d)
        ethnicity[here] = categorical(rng, mixes.get(code, mixes["county"]), ETHNICITIES, len(here))
    return ethnicity


def _older_addresses(rng: np.random.Generator, geo: Geography, lsoa: np.ndarray,
                     postcode: np.ndarray, moved_share: float) -> np.ndarray:
    """The council's address: the current one, or for movers one elsewhere in the district."""
    council = postcode.copy()
    moved = np.flatnonzero(rng.random(len(postcode)) < moved_share)
    district = geo.district[lsoa[moved]]
    for d in np.unique(district):
        movers = moved[district == d]
        options = np.flatnonzero(geo.district == d)
        old_lsoa = rng.choice(options, size=len(movers))
        council[movers] = old_lsoa * POSTCODES_PER_LSOA + rng.integers(0, POSTCODES_PER_LSOA, len(movers))
    return council
