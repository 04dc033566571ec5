"""Reading the sample SEN2 modules as the return writes them: dates ISO or ``YYYY-Mon-DD HH:MM:SS``,
yes/no as 1/0, true/false or Y/N, and the active plans of the as-at date with their person and need."""
from __future__ import annotations

import pandas as pd

from connectors.validation import YES_NO_FORMS

EXPORT_DATE = "%Y-%b-%d %H:%M:%S"


def sen2_date(values: pd.Series) -> pd.Series:
    """Timestamps of ISO or export-form dates (NaT for blanks); any other text is an error."""
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    parsed = iso.fillna(pd.to_datetime(values, format=EXPORT_DATE, errors="coerce"))
    bad = values.notna() & parsed.isna()
    if bad.any():
        raise ValueError(f"{values.name}: not an ISO or SEN2 export date: {sorted(set(values[bad]))[:5]}")
    return parsed


def is_yes_no(values: pd.Series) -> pd.Series:
    return values.str.lower().isin(YES_NO_FORMS["Y"] + YES_NO_FORMS["N"])


def is_yes(values: pd.Series) -> pd.Series:
    return values.str.lower().isin(YES_NO_FORMS["Y"])


def sen2(drop, module: str) -> pd.DataFrame:
    return drop.csv("council", f"sen2_{module}")


def active_plans(drop) -> pd.DataFrame:
    """Named plans in force on the as-at date (started, not ceased before it), one row each, with
    the person, the primary need (rank 1 under the request's active plan, DS folded into OTH) and
    the active plan's id."""
    as_at = pd.Timestamp(drop.as_at)
    named = sen2(drop, "namedplan")
    start, cease = sen2_date(named.startdate), sen2_date(named.ceasedate)
    named = named[(start <= as_at) & (cease.isna() | (cease >= as_at))]
    plans = (named.merge(sen2(drop, "assessment")[["assessmenttableid", "requeststableid"]], on="assessmenttableid")
             .merge(sen2(drop, "requests")[["requeststableid", "persontableid"]], on="requeststableid")
             .merge(sen2(drop, "person"), on="persontableid"))
    active = sen2(drop, "activeplans")[["activeplanstableid", "requeststableid"]]
    need = sen2(drop, "senneed")
    primary = need[need.sentyperank == "1"].merge(active, on="activeplanstableid")
    primary = primary.assign(primary_need=primary.sentype.replace({"DS": "OTH"}))
    assert primary.requeststableid.is_unique, "a request with two active plans or two rank-1 needs"
    plans = plans.merge(active, on="requeststableid", how="left")
    plans = plans.merge(primary[["activeplanstableid", "primary_need"]], on="activeplanstableid", how="left")
    assert len(plans) == len(named), "a named plan without one assessment, request and person"
    return plans
