"""The KPI registry owns every KPI's description: the catalogue seed and the macro kpi_rows reads
are generated from it, the suites' id check reads it, and what its vocabularies do not allow is an
error before any SQL runs."""
import copy
import csv
import io

import pytest
import yaml

import kpis
from kpis import REGISTRY_FILE, RegistryError, parse
from kpis.generate import CATALOGUE_FILE, MACRO_FILE, catalogue_csv, macro_sql

DOCUMENT = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
NEW_KPI = {"id": "slt_discharged", "name": "SLT discharges", "definition": "SLT referrals discharged in the 12 months",
           "numerator": "Referrals discharged in period", "unit": "count", "breakdowns": ["PROVIDER"],
           "geography": "sub_icb", "period": "flow", "direction": "neither", "source": "mpft/slt_referrals",
           "refresh_cadence": "monthly"}


def with_kpi(**fields) -> dict:
    document = copy.deepcopy(DOCUMENT)
    document["kpis"].append({**NEW_KPI, **fields})
    return document


def test_the_committed_catalogue_and_macro_are_what_the_registry_gives():
    hint = "run `python -m kpis` after editing kpis/registry.yml"
    assert CATALOGUE_FILE.read_text(encoding="utf-8") == catalogue_csv(), hint
    assert MACRO_FILE.read_text(encoding="utf-8") == macro_sql(), hint


def test_a_kpi_added_to_the_registry_flows_to_the_catalogue_the_macro_and_the_suites(monkeypatch):
    registry = parse(with_kpi())
    (row,) = [r for r in csv.DictReader(io.StringIO(catalogue_csv(registry))) if r["kpi_id"] == "slt_discharged"]
    assert (row["unit"], row["breakdowns"], row["geography_levels"], row["direction"]) == (
        "count", "TOTAL; PROVIDER", "COUNTY; SUB_ICB; DISTRICT (apportioned)", "neither")
    assert ('"slt_discharged": {"unit": "count", "breakdowns": ["PROVIDER"], "geography": "sub_icb", '
            '"period": "flow"}') in macro_sql(registry)
    monkeypatch.setattr(kpis, "registry", lambda: registry)
    import expectations.parameters as parameters
    monkeypatch.setattr(parameters, "registry", lambda: registry)
    assert "slt_discharged" in parameters.reference_parameters()["catalogue_kpi_ids"]


@pytest.mark.parametrize("fields, problem", [
    ({"unit": "ratio"}, "unknown unit 'ratio'"),
    ({"geography": "ward"}, "unknown geography 'ward'"),
    ({"period": "quarter"}, "unknown period 'quarter'"),
    ({"direction": "up"}, "unknown direction 'up'"),
    ({"breakdowns": ["sex"]}, "breakdown 'sex'"),
    ({"id": "ehcp_count"}, "the id is repeated"),
    ({"unit": "percent"}, "a rate needs a denominator"),
])
def test_a_value_the_vocabularies_do_not_allow_is_refused_naming_the_kpi(fields, problem):
    with pytest.raises(RegistryError, match=f"KPI {fields.get('id', 'slt_discharged')}: .*{problem}"):
        parse(with_kpi(**fields))


def test_a_median_has_no_apportioned_districts():
    registry = parse(with_kpi(unit="days", denominator="Referrals discharged in period"))
    assert registry.geography_levels(registry.kpi("slt_discharged")) == ("COUNTY", "SUB_ICB")


def test_kpi_rows_of_an_id_the_registry_lacks_is_a_compile_error(tmp_path, monkeypatch, capsys):
    from dbt.cli.main import dbtRunner

    from kpis.generate import DBT_PROJECT
    monkeypatch.setenv("SEND_WAREHOUSE_DUCKDB", str(tmp_path / "warehouse.duckdb"))
    args = ["--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT), "--target-path", str(tmp_path),
            "--log-path", str(tmp_path / "logs"),
            "--no-send-anonymous-usage-stats", "--quiet"]
    result = dbtRunner().invoke(["compile", "--inline", "{{ kpi_rows('slt_discharged', 'facts') }}", *args])
    assert not result.success and "KPI 'slt_discharged' is not in kpis/registry.yml" in capsys.readouterr().out
    result = dbtRunner().invoke(["compile", "--inline", "{{ kpi_registry()['slt_referrals']['unit'] }}", *args])
    assert result.success and result.result.results[0].node.compiled_code.strip() == "count"
