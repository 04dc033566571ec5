"""What is published, as the dbt manifest says (``dbt_project/target/manifest.json``).

A published model carries ``access: public`` and ``meta: {publication: {tier: ..., table: ...}}``
in its ``schema.yml`` (a published seed, which has no access, carries the meta alone): tier
``public`` is published in both tiers (its public form made by publication), ``restricted`` in the
restricted tier only; ``table`` is the published name when it is not the model's. Publication, the
Dagster ``publication`` asset's dependencies and the data dictionary read this, never a YAML file.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"
TIERS = ("restricted", "public")
PROJECT = "send_warehouse"


class PublicationMetaError(ValueError):
    """A model's publication settings in the dbt project are inconsistent."""


@dataclass(frozen=True)
class PublishedModel:
    """A dbt model (or seed) ``marts.<model>`` published as ``table`` in ``tier`` (and below it)."""

    model: str
    table: str
    tier: str


def manifest_is_stale() -> bool:
    """No manifest yet, or a file of the dbt project changed after it was written."""
    if not MANIFEST_PATH.exists():
        return True
    written = MANIFEST_PATH.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests", "../reference/radf"):  # the last: seed-paths
        sources.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > written for p in sources if p.exists())


def parse_project() -> None:
    """``dbt parse``: writes the manifest (dbt renders the profile even to parse; a run sets the real path)."""
    dbt = Path(sys.executable).with_name("dbt")
    environment = {"SEND_WAREHOUSE_DUCKDB": "parse-only.duckdb", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                   **os.environ}
    subprocess.run([str(dbt), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                    "--profiles-dir", str(DBT_PROJECT_DIR), "--target", "duckdb"],
                   check=True, env=environment, cwd=DBT_PROJECT_DIR)


@cache
def manifest() -> dict:
    """The project's manifest, parsed again first when the project changed since it was written."""
    if manifest_is_stale():
        parse_project()
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))


def _marts_nodes() -> list[dict]:
    return [node for node in manifest()["nodes"].values()
            if node["package_name"] == PROJECT and node["resource_type"] in ("model", "seed")]


def published_models() -> dict[str, PublishedModel]:
    """Every published model by name, checked: a public-access model is published and vice versa."""
    published = {}
    for node in _marts_nodes():
        settings = node["config"].get("meta", {}).get("publication")
        public_access = node.get("access") == "public"
        if node["resource_type"] == "model" and public_access != (settings is not None):
            raise PublicationMetaError(
                f"model {node['name']}: a published model has access: public and meta.publication, "
                "an unpublished one neither")
        if settings is None:
            continue
        if settings.get("tier") not in TIERS:
            raise PublicationMetaError(f"{node['name']}: meta.publication.tier must be one of {', '.join(TIERS)}")
        published[node["name"]] = PublishedModel(node["name"], settings.get("table", node["name"]), settings["tier"])
    return published


def column_descriptions() -> dict[str, dict[str, str]]:
    """dbt model or seed name -> column name -> description (as ``dbt docs`` shows it)."""
    return {node["name"]: {name: " ".join(column.get("description", "").split())
                           for name, column in node["columns"].items()}
            for node in _marts_nodes()}


def table_descriptions() -> dict[str, str]:
    """dbt model or seed name -> its description."""
    return {node["name"]: " ".join(node.get("description", "").split()) for node in _marts_nodes()}
