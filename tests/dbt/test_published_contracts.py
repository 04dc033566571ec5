"""Published models have enforced dbt contracts: a model whose SQL drifts from its declared columns
fails to build, and builds again once its contract is switched off (so the contract is what stops it)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner

from tests.dbt.conftest import DBT_PROJECT

CROSSWALK_SQL = Path("models/marts/sub_icb_district_crosswalk.sql")
MARTS_SCHEMA = Path("models/marts/schema.yml")


@pytest.fixture
def project_copy(tmp_path, warehouse, monkeypatch) -> Path:
    """A copy of the dbt project (and the seeds it reads beside it) over a copy of the built warehouse."""
    shutil.copytree(DBT_PROJECT, tmp_path / "dbt_project", ignore=shutil.ignore_patterns("target", "logs"))
    shutil.copytree(DBT_PROJECT.parent / "reference" / "radf", tmp_path / "reference" / "radf")
    (tmp_path / "built").mkdir()
    for part in warehouse.parent.glob(f"{warehouse.name}*"):  # with its write-ahead log
        shutil.copy(part, tmp_path / "built" / part.name.replace(warehouse.name, "warehouse.duckdb"))
    monkeypatch.setenv("SEND_WAREHOUSE_DUCKDB", str(tmp_path / "built" / "warehouse.duckdb"))
    return tmp_path / "dbt_project"


def run_crosswalk(project: Path, capsys) -> tuple[bool, str]:
    result = dbtRunner().invoke([
        "run", "--select", "sub_icb_district_crosswalk", "--project-dir", str(project), "--profiles-dir", str(project),
        "--no-send-anonymous-usage-stats",
        "--no-partial-parse"])
    return result.success, capsys.readouterr().out


def test_a_published_model_whose_sql_drifts_from_its_contract_fails_until_the_contract_is_off(project_copy, capsys):
    built, output = run_crosswalk(project_copy, capsys)
    assert built, output
    sql = project_copy / CROSSWALK_SQL
    sql.write_text("select sub_icb_code, lad_code, cast(weight as varchar) as weight, population, sub_icb_population,"
                   f" status\nfrom (\n{sql.read_text()}\n) as drifted\n")
    built, output = run_crosswalk(project_copy, capsys)
    assert not built and "contract" in output.lower() and "weight" in output

    schema = project_copy / MARTS_SCHEMA
    before, crosswalk = schema.read_text().split("- name: sub_icb_district_crosswalk")
    schema.write_text(before + "- name: sub_icb_district_crosswalk"
                      + crosswalk.replace("contract: {enforced: true}", "contract: {enforced: false}", 1))
    built, output = run_crosswalk(project_copy, capsys)
    assert built, output
