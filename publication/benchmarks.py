"""Public tiers of the DfE comparisons: ``kpi_benchmarks`` and ``ehcp_reconciliation``.

DfE rows are public statistics already and are published unchanged. The Staffordshire
warehouse figures get the project's disclosure control:

- a ``WAREHOUSE`` row of ``kpi_benchmarks`` is the COUNTY row of ``kpi_values`` with the
  same KPI, breakdown and value, so it takes that row's public form (suppression, secondary
  suppression and rounding included): the comparison reveals nothing the public KPI table
  does not;
- the reconciliation's warehouse counts are rounded (or withheld when small) and the
  difference and its percentage are taken from the rounded count, so the exact DfE figure
  cannot give the exact warehouse count back.
"""
import numpy as np
import pandas as pd

from publication.disclosure import DisclosureSettings

WAREHOUSE = "WAREHOUSE"
_KEY = ["kpi_id", "breakdown", "breakdown_value", "geography_code"]
_PUBLISHED = ["numerator", "denominator", "value", "suppressed"]


def public_kpi_benchmarks(benchmarks: pd.DataFrame, public_kpis: pd.DataFrame) -> pd.DataFrame:
    """The public ``kpi_benchmarks``: same rows, columns and order; warehouse rows as in ``public_kpis``."""
    public = benchmarks.copy()
    warehouse = (public["comparator"] == WAREHOUSE).to_numpy()
    county = public_kpis.loc[public_kpis["geography_level"] == "COUNTY", _KEY + _PUBLISHED]
    matched = public.loc[warehouse, _KEY].merge(county, how="left", on=_KEY, validate="one_to_one")
    if matched["suppressed"].isna().any():
        raise ValueError("kpi_benchmarks has warehouse rows with no COUNTY row in kpi_values")
    for column in _PUBLISHED:
        public.loc[warehouse, column] = matched[column].to_numpy()
    return public


def public_reconciliation(reconciliation: pd.DataFrame, settings: DisclosureSettings) -> pd.DataFrame:
    """The public ``ehcp_reconciliation``: warehouse counts rounded or withheld, differences from them."""
    public = reconciliation.copy()
    counts = public[["warehouse_ehcp_count", "warehouse_plans_maintained"]].to_numpy(dtype="float64", na_value=np.nan)
    suppressed = settings.is_small(counts).any(axis=1)
    rounded = np.where(suppressed[:, None], np.nan, settings.rounded(counts))
    public["warehouse_ehcp_count"], public["warehouse_plans_maintained"] = rounded[:, 0], rounded[:, 1]
    dfe = public["dfe_ehcp_count"].to_numpy(dtype="float64", na_value=np.nan)
    public["difference"] = rounded[:, 0] - dfe
    public["difference_percent"] = np.where(dfe > 0, 100 * public["difference"] / np.where(dfe > 0, dfe, 1), np.nan)
    public["suppressed"] = suppressed
    return public
