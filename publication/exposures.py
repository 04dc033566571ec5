"""The dbt exposures of the two published tiers, generated from the manifest's published models (a
tier's readers depend on every table it holds). ``python -m publication.exposures`` rewrites the file;
a test fails when the committed file differs from what the manifest gives. The hand-written
consumers (dashboards, the board report) are in ``exposures.yml`` beside it."""
import yaml

from publication.dbt_manifest import DBT_PROJECT_DIR, published_models

EXPOSURES_FILE = DBT_PROJECT_DIR / "models" / "marts" / "_published_tiers.yml"
HEADER = ("# Generated from the dbt manifest's published models by `python -m publication.exposures`: publish a\n"
          "# model (access: public, meta.publication) and run it, never edit this file.\n")
OWNER = "SEND partnership data team"
TIER_EXPOSURES = {
    "public": ("public_tier", "Public tier: open data and the BI database's public schema", (
        "Every table published in the public tier, after disclosure control (docs/decisions/0008): "
        "HOME/publish/public as CSV, Parquet and published.duckdb, the Explore Education Statistics files "
        "under ees/, and the public schema of the BI database, readable by anyone.")),
    "restricted": ("restricted_tier", "Restricted tier: the partnership's analysts", (
        "Every published table with exact figures, for the partnership's analysts only: HOME/publish/restricted "
        "as CSV, Parquet and published.duckdb, and the restricted schema of the BI database.")),
}


def readers_of(tier: str) -> list[str]:
    """The published models of ``tier``: a public model is published in both tiers."""
    return sorted(m.model for m in published_models().values() if tier == "restricted" or m.tier == "public")


def exposures() -> dict:
    """The ``exposures:`` document, a tier per exposure."""
    return {"version": 2, "exposures": [{
        "name": name,
        "label": label,
        "type": "application",
        "maturity": "high",
        "description": description,
        "depends_on": [f"ref('{model}')" for model in readers_of(tier)],
        "owner": {"name": OWNER},
    } for tier, (name, label, description) in TIER_EXPOSURES.items()]}


def exposures_yaml() -> str:
    return HEADER + yaml.safe_dump(exposures(), sort_keys=False, width=100, allow_unicode=True)


if __name__ == "__main__":
    EXPOSURES_FILE.write_text(exposures_yaml(), encoding="utf-8")
    print(f"wrote {EXPOSURES_FILE}")
