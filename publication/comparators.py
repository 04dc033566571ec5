"""Public tiers of the DfE comparisons: ``kpi_comparators``, ``ehcp_reconciliation`` and
``ehcp_flow_reconciliation``.

DfE rows are public statistics already and are published unchanged. The Staffordshire
warehouse figures get the project's disclosure control:

- a ``WAREHOUSE`` row of ``kpi_comparators`` is the COUNTY row of ``kpi_values`` with the
  same KPI, breakdown and value, so it takes that row's public form (suppression, secondary
  suppression and rounding included): the comparison reveals nothing the public KPI table
  does not;
- the reconciliation's warehouse count is rounded (or withheld when small, ``status =
  suppressed``) and the difference and its percentage are taken from the rounded count, so the
  exact DfE figure cannot give the exact warehouse count back. No published sum joins it to
  ``kpi_values``: it is counted on January census days (third Thursdays), never a reporting
  date (a month end) (the attack of ``tests/publication`` reads both files).

- the calendar-year reconciliation's warehouse figures take ``kpi_values``' rules, row by row (a
  small count withheld, counts rounded, a rate from the rounded counts), and the difference is
  taken from the public figure. A 31 December month of ``kpi_history`` holds the same figures
  under the same rules, so the two agree.

None of these tables is in the DfE's open-data layout (``time_period``, ``geographic_level``, figures
holding the DfE's symbols); DfE markers are kept as ``missing_reason`` text and mapped to
``status`` (c suppressed, z not_applicable, others not_available) in the dbt models.
"""
import numpy as np
import pandas as pd

from publication.disclosure import DisclosureSettings, primary_suppression, public_kpi_values

WAREHOUSE = "WAREHOUSE"
RECONCILIATION_COUNTS = ("warehouse_ehcp_count",)
_KEY = ["kpi_id", "breakdown", "breakdown_value", "geography_code"]
_PUBLISHED = ["numerator", "denominator", "value", "suppressed", "status"]


def public_kpi_comparators(comparisons: pd.DataFrame, public_kpis: pd.DataFrame) -> pd.DataFrame:
    """The public ``kpi_comparators``: same rows, columns and order; warehouse rows as in ``public_kpis``."""
    public = comparisons.copy()
    warehouse = (public["comparator"] == WAREHOUSE).to_numpy()
    county = public_kpis.loc[public_kpis["geography_level"] == "COUNTY", _KEY + _PUBLISHED]
    matched = public.loc[warehouse, _KEY].merge(county, how="left", on=_KEY, validate="one_to_one")
    if matched["suppressed"].isna().any():
        raise ValueError("kpi_comparators has warehouse rows with no COUNTY row in kpi_values")
    for column in _PUBLISHED:
        public.loc[warehouse, column] = matched[column].to_numpy()
    return public


def public_reconciliation(reconciliation: pd.DataFrame, settings: DisclosureSettings) -> pd.DataFrame:
    """The public ``ehcp_reconciliation``: warehouse counts rounded or withheld, differences from them."""
    public = reconciliation.copy()
    suppressed = reconciliation_primary_suppression(reconciliation, settings)
    counts = public[list(RECONCILIATION_COUNTS)].to_numpy(dtype="float64", na_value=np.nan)
    rounded = np.where(suppressed[:, None], np.nan, settings.rounded(counts))
    public["warehouse_ehcp_count"] = rounded[:, 0]
    dfe = public["dfe_ehcp_count"].to_numpy(dtype="float64", na_value=np.nan)
    public["difference"] = rounded[:, 0] - dfe
    public["difference_percent"] = np.where(dfe > 0, 100 * public["difference"] / np.where(dfe > 0, dfe, 1), np.nan)
    public["suppressed"] = suppressed
    public["status"] = np.where(suppressed, "suppressed", reconciliation["status"].to_numpy(dtype=object))
    return public


def reconciliation_primary_suppression(reconciliation: pd.DataFrame, settings: DisclosureSettings) -> np.ndarray:
    """The rows withheld for a small warehouse count (there is no secondary suppression: no published sum)."""
    counts = reconciliation[list(RECONCILIATION_COUNTS)].to_numpy(dtype="float64", na_value=np.nan)
    return settings.is_small(counts).any(axis=1)


def as_kpi_rows(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The calendar-year warehouse figures as ``kpi_values`` rows (a COUNTY total per KPI and year)."""
    return pd.DataFrame({
        "kpi_id": reconciliation["kpi_id"].to_numpy(), "reporting_date": reconciliation["period_end"].to_numpy(),
        "geography_level": "COUNTY", "geography_code": "", "breakdown": "TOTAL", "breakdown_value": "TOTAL",
        "method": "DIRECT", "unit": reconciliation["unit"].to_numpy(),
        "numerator": reconciliation["warehouse_numerator"].to_numpy(),
        "denominator": reconciliation["warehouse_denominator"].to_numpy(),
        "value": reconciliation["warehouse_value"].to_numpy(), "status": reconciliation["status"].to_numpy()})


def public_flow_reconciliation(reconciliation: pd.DataFrame, settings: DisclosureSettings) -> pd.DataFrame:
    """The public ``ehcp_flow_reconciliation``: the warehouse figures as the public ``kpi_values`` would
    give them, the difference from the public figure."""
    figures = public_kpi_values(as_kpi_rows(reconciliation), settings)
    public = reconciliation.copy()
    for column in ("numerator", "denominator", "value"):
        public[f"warehouse_{column}"] = figures[column].to_numpy()
    public["difference"] = public["warehouse_value"].astype("float64") - public["dfe_value"].astype("float64")
    public["suppressed"] = figures["suppressed"].to_numpy()
    public["status"] = figures["status"].to_numpy()
    return public


def flow_reconciliation_primary_suppression(reconciliation: pd.DataFrame, settings: DisclosureSettings) -> np.ndarray:
    """The rows withheld for a small count of their own."""
    return primary_suppression(as_kpi_rows(reconciliation), settings)
