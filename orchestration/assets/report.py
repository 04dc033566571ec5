"""The governance board's data-quality report for a refresh, published or held back."""

from datetime import date

import dagster as dg

from orchestration.assets.publication import publication
from orchestration.refresh_outcome import refresh_outcome
from orchestration.resources import Warehouse
from orchestration.run_tags import REPORTING_DATE_TAG
from publication.publish import current_publication
from reporting.board_report import build_report
from reporting.performance_pack import build_performance_pack

REFRESH_JOB = "refresh"


class ReportConfig(dg.Config):
    refresh_run_id: str | None = None  # the refresh to report on; default the newest


def _newest_refresh(instance: dg.DagsterInstance) -> str:
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=REFRESH_JOB), limit=1)
    if not runs:
        raise dg.Failure("no refresh run to report on")
    return runs[0].run_id


def _reporting_date(context: dg.AssetExecutionContext, warehouse: Warehouse) -> date:
    """The month the reported refresh built (tagged on the report run), else the published month."""
    tagged = context.run.tags.get(REPORTING_DATE_TAG)
    return date.fromisoformat(tagged) if tagged else warehouse.published_reporting_date()


# Downstream of publication in the lineage, but made after every refresh, published or held back:
# the board reads why a refresh was held back, beside the publication that stays current.
@dg.asset(group_name="reporting", kinds={"html", "pdf"}, deps=[publication],
          description="Data-quality report for the governance board (HTML and PDF, one per refresh, "
                      "listed in HOME/reports/index.html) and the validation pages for data engineers "
                      "(HOME/reports/data-docs). Made after every refresh: a held-back one says why, "
                      "beside the current publication, which stays in place. A refresh that published "
                      "also writes the month's performance pack (both editions, HTML and PDF).")
def quality_report(context: dg.AssetExecutionContext, config: ReportConfig,
                   warehouse: Warehouse) -> dg.MaterializeResult:
    outcome = refresh_outcome(context.instance, config.refresh_run_id or _newest_refresh(context.instance))
    data_docs = warehouse.data_docs.build(outcome.run_id)
    with warehouse.connect() as con:
        path = build_report(con, warehouse.reports_dir, _reporting_date(context, warehouse),
                            outcome.published, outcome.reasons, run_id=outcome.run_id,
                            file_failures=outcome.file_failures,
                            publication=current_publication(warehouse.home_path))
    packs = build_performance_pack(warehouse.home_path / "publish", warehouse.reports_dir) if outcome.published else {}
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)), "pdf": dg.MetadataValue.path(str(path.with_suffix(".pdf"))),
        "index": dg.MetadataValue.path(str(warehouse.reports_dir / "index.html")),
        "data_docs": dg.MetadataValue.path(str(data_docs)), "published": outcome.published,
        "refresh_run_id": outcome.run_id,
        **{f"performance_pack_{edition}": dg.MetadataValue.path(str(file)) for edition, file in packs.items()},
    })
