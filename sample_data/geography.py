"""Real ONS geography and 0-25 population, and synthetic postcodes for each LSOA."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REFERENCE = Path(__file__).with_name("reference")
LOOKUP_FILE = REFERENCE / "lsoa21_subicb24_lad24_staffordshire_stoke.csv"
POPULATION_FILE = REFERENCE / "lsoa11_subicb22_lad22_population2020_age0_25_staffordshire_stoke.csv"

COUNTY_DISTRICTS = ["E07000192", "E07000193", "E07000194", "E07000195",
                    "E07000196", "E07000197", "E07000198", "E07000199"]
STOKE = "E06000021"
DISTRICTS = COUNTY_DISTRICTS + [STOKE]
STOKE_INDEX = DISTRICTS.index(STOKE)
SUB_ICBS = ["04Y", "05D", "05G", "05Q", "05V", "05W"]
NORTH_SUB_ICBS = ["05G", "05W"]
MAX_AGE = 25
POSTCODES_PER_LSOA = 25

# Plausible postcode districts (outward codes) and a main town for each district.
OUTWARD_CODES = {
    "E07000192": ["WS11", "WS12", "WS15"],
    "E07000193": ["DE13", "DE14", "DE15", "ST14"],
    "E07000194": ["WS13", "WS14", "WS7"],
    "E07000195": ["ST5", "ST7"],
    "E07000196": ["WV8", "WV9", "WV5", "ST19", "WS6"],
    "E07000197": ["ST16", "ST17", "ST18", "ST15"],
    "E07000198": ["ST13", "ST10", "ST8", "ST9"],
    "E07000199": ["B77", "B78", "B79"],
    "E06000021": ["ST1", "ST2", "ST3", "ST4", "ST6"],
}
TOWNS = {
    "E07000192": "Cannock", "E07000193": "Burton", "E07000194": "Lichfield",
    "E07000195": "Newcastle", "E07000196": "Codsall", "E07000197": "Stafford",
    "E07000198": "Leek", "E07000199": "Tamworth", "E06000021": "Hanley",
}
UNIT_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))


@dataclass(frozen=True)
class Geography:
    """The ICB's LSOAs (2021) with district, sub-ICB, 0-25 population and postcodes."""

    lookup: pd.DataFrame          # the reference lookup, unchanged
    district: np.ndarray          # per LSOA: index into DISTRICTS
    sub_icb: np.ndarray           # per LSOA: index into SUB_ICBS
    population: np.ndarray        # per LSOA × single year of age 0-25
    deprivation: np.ndarray       # per LSOA: synthetic deprivation score (mean 0)
    postcodes: np.ndarray         # POSTCODES_PER_LSOA per LSOA, LSOA-major

    @property
    def lsoa_codes(self) -> np.ndarray:
        return self.lookup["lsoa21_code"].to_numpy(dtype=object)

    def in_county(self, lsoa: np.ndarray) -> np.ndarray:
        return self.district[lsoa] != STOKE_INDEX


def load(rng: np.random.Generator, stoke_deprivation_shift: float) -> Geography:
    """Read the reference files and draw the synthetic per-LSOA attributes."""
    lookup = pd.read_csv(LOOKUP_FILE, dtype=str)
    district = lookup["ltla24_code"].map({d: i for i, d in enumerate(DISTRICTS)}).to_numpy(np.int8)
    sub_icb = lookup["sicbl24_code_nhs"].map({s: i for i, s in enumerate(SUB_ICBS)}).to_numpy(np.int8)
    deprivation = rng.standard_normal(len(lookup)) + stoke_deprivation_shift * (district == STOKE_INDEX)
    return Geography(lookup, district, sub_icb, _population(lookup), deprivation,
                     _postcodes(rng, lookup["ltla24_code"].to_numpy()))


def _population(lookup: pd.DataFrame) -> np.ndarray:
    """0-25 population of each 2021 LSOA by single year of age.

    LSOAs whose code is new in 2021 take their district's mean; each district is then
    scaled back to its ONS total for every age.
    """
    ages = [str(a) for a in range(MAX_AGE + 1)]
    source = pd.read_csv(POPULATION_FILE, dtype={"lsoa11_code": str, "ltla22_code": str})
    by_code = source.set_index("lsoa11_code")[ages]
    district_mean = source.groupby("ltla22_code")[ages].mean()
    district_total = source.groupby("ltla22_code")[ages].sum()
    known = lookup["lsoa21_code"].isin(by_code.index)
    population = np.where(
        known.to_numpy()[:, None],
        by_code.reindex(lookup["lsoa21_code"]).to_numpy(),
        district_mean.reindex(lookup["ltla24_code"]).to_numpy(),
    )
    drawn_total = pd.DataFrame(population, columns=ages).groupby(lookup["ltla24_code"].to_numpy()).sum()
    factor = (district_total / drawn_total).reindex(lookup["ltla24_code"]).to_numpy()
    return population * factor


def _postcodes(rng: np.random.Generator, lsoa_district: np.ndarray) -> np.ndarray:
    """Distinct synthetic postcodes (`ST16 2AB` style) in the district's postcode areas."""
    taken: set[str] = set()
    codes = []
    for district in lsoa_district:
        outward = rng.choice(OUTWARD_CODES[district])
        sectors = rng.choice(10, size=2, replace=False)
        mine: list[str] = []
        while len(mine) < POSTCODES_PER_LSOA:
            letters = rng.choice(UNIT_LETTERS, size=2)
            code = f"{outward} {rng.choice(sectors)}{letters[0]}{letters[1]}"
            if code not in taken:
                taken.add(code)
                mine.append(code)
        codes.extend(mine)
    return np.array(codes, dtype=object)
