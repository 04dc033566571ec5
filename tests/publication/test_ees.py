"""The public KPI series in the DfE's EES layout, checked against the DfE's published file rules
(``ees_rules``), and the checks shown to catch broken files."""
from datetime import date

import pandas as pd
import pytest

from publication.ees import FILE, OTHER_FILE, OTHER_LEVELS, EesLayoutError, ees_files
from publication.publish import write_csv
from tests.publication.ees_rules import problems

JUNE, JULY = date(2025, 6, 30), date(2025, 7, 31)
SUB_ICB_COLUMNS = {level: (f"{prefix}_code", f"{prefix}_name") for level, prefix in OTHER_LEVELS.values()}
CATALOGUE = pd.DataFrame.from_records([
    ("ehcp_count", "Active EHC plans", "Active EHC plans", None),
    ("ehcp_primary_need_share", "EHC plans by primary need", "Plans with the need", "Active EHC plans"),
    ("camhs_median_wait", "CAMHS median wait", None, "First contacts (values behind the median)"),
], columns=["kpi_id", "name", "numerator", "denominator"])


@pytest.fixture
def public_history(kpi_table):
    """A public kpi_history of two months, already withheld and rounded: counts, a percentage with a
    cross-tabulation, a median by sub-ICB; suppressed, not applicable and not available rows."""
    def month(reporting_date, county):
        counts = kpi_table([
            ("COUNTY", "E10000028", "TOTAL", "TOTAL", county, None, county),
            ("COUNTY", "E10000028", "SEX", "F", 60, None, 60), ("COUNTY", "E10000028", "SEX", "M", 65, None, 65),
            ("DISTRICT", "E07000192", "TOTAL", "TOTAL", None, None, None),
            ("DISTRICT", "E07000193", "TOTAL", "TOTAL", 20, None, 20),
            ("DISTRICT", "E07000194", "TOTAL", "TOTAL", None, None, None),
        ], kpi_id="ehcp_count")
        counts.loc[3, ["status", "suppressed"]] = ["suppressed", True]
        shares = kpi_table([
            ("COUNTY", "E10000028", "TOTAL", "TOTAL", 125, 125, 100.0),
            ("COUNTY", "E10000028", "PRIMARY_NEED", "ASD", 50, 125, 40.0),
            ("COUNTY", "E10000028", "SEX|PRIMARY_NEED", "F|ASD", 20, 60, 33.3),
            ("COUNTY", "E10000028", "SEX|PRIMARY_NEED", "M|ASD", None, None, None),
        ], kpi_id="ehcp_primary_need_share", unit="percent")
        shares.loc[3, ["status", "suppressed"]] = ["suppressed", True]
        medians = kpi_table([
            ("SUB_ICB", "04Y", "TOTAL", "TOTAL", None, 50, 30.0),
            ("SUB_ICB", "04Y", "PROVIDER", "MPFT", None, 45, 28.0),
            ("SUB_ICB", "05D", "TOTAL", "TOTAL", None, 0, None),
        ], kpi_id="camhs_median_wait", unit="days")
        rows = pd.concat([counts, shares, medians], ignore_index=True)
        return rows.assign(reporting_date=reporting_date, period_end=reporting_date)
    return pd.concat([month(JUNE, 120), month(JULY, 125)], ignore_index=True)


def written(files: dict[str, pd.DataFrame], folder) -> dict[str, object]:
    for name, frame in files.items():
        write_csv(frame, folder / name)
    return {name: folder / name for name in files}


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def check(paths: dict, name: str) -> list[str]:
    return problems(paths[f"{name}.csv"], paths[f"{name}.meta.csv"], SUB_ICB_COLUMNS if name == OTHER_FILE else None)


def test_the_files_follow_the_dfe_rules(public_history, tmp_path):
    paths = written(ees_files(public_history, CATALOGUE), tmp_path)
    assert set(paths) == {f"{name}{kind}" for name in (FILE, OTHER_FILE) for kind in (".csv", ".meta.csv")}
    assert check(paths, FILE) == []
    assert check(paths, OTHER_FILE) == []
    # the sub-ICB file is separate because the DfE layout does not accept its level
    assert problems(paths[f"{OTHER_FILE}.csv"], paths[f"{OTHER_FILE}.meta.csv"]) == [
        f"{OTHER_FILE}.csv: geographic_level not accepted: ['Sub-ICB location']"]


def test_the_figures_are_the_public_tiers_with_the_dfe_symbols(public_history, tmp_path):
    paths = written(ees_files(public_history, CATALOGUE), tmp_path)
    data = read(paths[f"{FILE}.csv"])
    assert list(data.columns) == [
        "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
        "region_name", "new_la_code", "old_la_code", "la_name", "lad_code", "lad_name", "sex", "primary_need",
        "ehcp_count", "ehcp_primary_need_share", "ehcp_primary_need_share_numerator",
        "ehcp_primary_need_share_denominator"]
    county = data[(data.geographic_level == "Local authority") & (data.time_identifier == "July")]
    total = county.iloc[0]
    assert list(total.iloc[:12]) == ["2025", "July", "Local authority", "E92000001", "England", "E12000005",
                                     "West Midlands", "E10000028", "860", "Staffordshire", "", ""]
    assert (total.sex, total.primary_need, total.ehcp_count, total.ehcp_primary_need_share) == (
        "Total", "Total", "125", "100")
    cell = county.set_index(["sex", "primary_need"])
    assert list(cell.loc[("F", "ASD"), ["ehcp_count", "ehcp_primary_need_share",
                                        "ehcp_primary_need_share_numerator"]]) == ["z", "33.3", "20"]
    assert cell.loc[("M", "ASD"), "ehcp_primary_need_share_denominator"] == "c"
    districts = data[(data.geographic_level == "Local authority district") & (data.sex == "Total")
                     & (data.primary_need == "Total") & (data.time_identifier == "June")].set_index("lad_code")
    assert list(districts.ehcp_count) == ["c", "20", "x"]
    assert set(districts.ehcp_primary_need_share) == {"z"}  # not published by district
    assert set(districts.new_la_code) == {"E10000028"}
    assert list(districts.lad_name) == ["E07000192", "E07000193", "E07000194"]
    other = read(paths[f"{OTHER_FILE}.csv"])
    assert list(other.columns) == ["time_period", "time_identifier", "geographic_level", "country_code",
                                   "country_name", "sub_icb_code", "sub_icb_name", "provider", "camhs_median_wait",
                                   "camhs_median_wait_denominator"]
    medians = other.set_index("sub_icb_code")
    july = medians[medians.time_identifier == "July"].set_index("provider", append=True)
    assert list(july.loc[("05D", "Total"), ["camhs_median_wait", "camhs_median_wait_denominator"]]) == ["z", "0"]
    assert list(july.loc[("04Y", "MPFT"), ["camhs_median_wait", "camhs_median_wait_denominator"]]) == ["28", "45"]
    assert list(july.loc[("05D", "MPFT"), ["camhs_median_wait", "camhs_median_wait_denominator"]]) == ["z", "z"]
    meta = read(paths[f"{FILE}.meta.csv"]).set_index("col_name")
    assert list(meta.loc["ehcp_primary_need_share", ["col_type", "indicator_unit", "indicator_dp"]]) == [
        "Indicator", "%", "1"]
    assert list(meta.loc["sex", ["col_type", "label"]]) == ["Filter", "Sex"]


BREAKAGES = {
    "a Total row deleted": (
        FILE, lambda data, meta: (data.drop(index=0), meta), "lacks filter combination(s) [('Total', 'Total')]"),
    "a total deleted everywhere": (
        FILE, lambda data, meta: (data[(data.sex != "F") | (data.primary_need != "Total")], meta),
        "filters {'sex': 'F', 'primary_need': 'ASD'} have no total row {'sex': 'F', 'primary_need': 'Total'}"),
    "a symbol the DfE does not use": (
        FILE, lambda data, meta: (data.replace({"ehcp_count": {"c": "~"}}), meta),
        "'~' is neither a number nor one of the symbols"),
    "a blank indicator cell": (
        FILE, lambda data, meta: (data.replace({"ehcp_count": {"x": ""}}), meta), "'' is neither a number"),
    "a meta row dropped": (
        FILE, lambda data, meta: (data, meta[meta.col_name != "ehcp_count"]), "misses ['ehcp_count']"),
    "a meta row for a column the data file lacks": (
        FILE, lambda data, meta: (data.drop(columns="ehcp_count"), meta), "lists ['ehcp_count'] not in the data"),
    "a meta col_type the DfE does not accept": (
        FILE, lambda data, meta: (data, meta.replace({"col_type": {"Filter": "Dimension"}})),
        "col_type not Filter or Indicator: ['Dimension']"),
    "a time identifier the DfE does not accept": (
        FILE, lambda data, meta: (data.replace({"time_identifier": {"June": "Month 6"}}), meta),
        "time_identifier not accepted: ['Month 6']"),
    "two families of time identifiers": (
        FILE, lambda data, meta: (data.replace({"time_identifier": {"June": "Calendar year"}}), meta),
        "more than one family"),
    "a geographic level the DfE does not accept": (
        FILE, lambda data, meta: (data.replace({"geographic_level": {"Local authority": "County"}}), meta),
        "geographic_level not accepted: ['County']"),
    "a local authority without its DfE code": (
        FILE, lambda data, meta: (data.assign(old_la_code=""), meta), "Local authority rows (first row 2) have "
                                                                      "blank ['old_la_code']"),
    "a required column dropped": (
        FILE, lambda data, meta: (data.drop(columns="country_name"), meta), "required column(s) missing"),
    "a filter without Total": (
        FILE, lambda data, meta: (data.replace({"sex": {"Total": "All"}}), meta), "filter sex has no Total"),
    "an area missing a filter combination": (
        OTHER_FILE, lambda data, meta: (data.drop(index=len(data) - 1), meta), "lacks filter combination"),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_the_checks_fail_on_broken_files(public_history, tmp_path, breakage):
    name, broken, expected = BREAKAGES[breakage]
    paths = written(ees_files(public_history, CATALOGUE), tmp_path)
    data, meta = broken(read(paths[f"{name}.csv"]), read(paths[f"{name}.meta.csv"]))
    data.to_csv(paths[f"{name}.csv"], index=False)
    meta.to_csv(paths[f"{name}.meta.csv"], index=False)
    found = check(paths, name)
    assert any(expected in problem for problem in found), found


def test_a_month_with_two_reporting_dates_is_published_once_with_the_newest(public_history, tmp_path):
    mid_july = public_history[public_history.reporting_date == JULY].assign(reporting_date=date(2025, 7, 15),
                                                                            value=0.0, numerator=0.0)
    paths = written(ees_files(pd.concat([public_history, mid_july]), CATALOGUE), tmp_path)
    assert check(paths, FILE) == []
    data = read(paths[f"{FILE}.csv"])
    assert data[data.time_identifier == "July"].ehcp_count.iloc[0] == "125"


@pytest.mark.parametrize(("broken", "message"), [
    (lambda history, catalogue: (history.replace({"geography_level": {"SUB_ICB": "ICB"}}), catalogue),
     r"geography level\(s\) \['ICB'\] have no place in the DfE layout"),
    (lambda history, catalogue: (history, catalogue[catalogue.kpi_id != "ehcp_count"]),
     r"KPI\(s\) \['ehcp_count'\] are not in kpi_catalogue"),
    (lambda history, catalogue: (history.replace({"breakdown_value": {"F|ASD": "F"}}), catalogue),
     r"ehcp_primary_need_share E10000028 breakdown 'SEX\|PRIMARY_NEED' has breakdown_value 'F'"),
    (lambda history, catalogue: (history.replace({"geography_code": {"E10000028": "E10000099"}}), catalogue),
     r"local authority E10000099 is not in the bundled DfE release"),
])
def test_rows_the_layout_cannot_hold_are_a_clear_error(public_history, broken, message):
    with pytest.raises(EesLayoutError, match=message):
        ees_files(*broken(public_history, CATALOGUE))
