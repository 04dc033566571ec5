"""Data Docs for the data engineers: every validation run's results, as counts, in static pages.

The runner hands every GX validation result to ``DataDocs.record``, which keeps a reduced
copy (``reduced``: counts, percentages and numeric statistics only) in GX's filesystem
validation-results store next to the suite it ran. ``DataDocs.build`` renders the pages from
that store with the project's own templates (``templates/``): one page per suite run and an
index of every run kept, self-contained (no script, style sheet, font or image from the
network: GX 1.24's site builder loads its assets from public CDNs and a logo from a cloud
bucket with the context's id in the address; see docs/decisions/0009-self-contained-reports.md).
"""
from __future__ import annotations

import copy
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from numbers import Real
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

os.environ["GX_ANALYTICS_ENABLED"] = "false"  # set before GX is imported: no usage analytics

import great_expectations as gx  # noqa: E402
from great_expectations.core import ExpectationSuiteValidationResult  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context.types.base import (  # noqa: E402
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.data_context.types.resource_identifiers import (  # noqa: E402
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

_TEMPLATES = Environment(loader=PackageLoader("expectations", "templates"),
                         autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
# What a reduced result keeps of GX's ``result``: counts and shares of rows, never the rows.
KEPT_STATISTICS = (
    "element_count", "missing_count", "missing_percent", "unexpected_count", "unexpected_percent",
    "unexpected_percent_total", "unexpected_percent_nonmissing",
)


def _raised(exception_info: dict | None) -> bool:
    """GX's exception info is flat, or keyed by metric when a metric could not be computed."""
    info = exception_info or {}
    return bool(info.get("raised_exception")) or any(
        isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def reduced(result: ExpectationSuiteValidationResult) -> ExpectationSuiteValidationResult:
    """A copy of ``result`` without unexpected values, value lists, details or error messages.

    ``observed_value`` stays only when it is a number (a count, share, maximum of a computed
    frame column); lists and text (distinct values, column names) are dropped. An error
    message may quote a row value, so an expectation GX could not evaluate keeps only the
    fact, in its ``meta`` (GX 1.24's Data Docs cannot draw a page holding a raised exception).
    """
    kept = copy.deepcopy(result)
    for expectation in kept.results:
        statistics = expectation.result or {}
        observed = statistics.get("observed_value")
        expectation.result = {name: statistics[name] for name in KEPT_STATISTICS if name in statistics}
        if isinstance(observed, Real) and not isinstance(observed, bool):
            expectation.result["observed_value"] = observed
        if _raised(expectation.exception_info):
            expectation.meta = {**(expectation.meta or {}), "not_evaluated": "GX raised an error evaluating it"}
        expectation.exception_info = {"raised_exception": False, "exception_message": None,
                                      "exception_traceback": None}
    return kept


def _filesystem(directory: Path) -> dict:
    return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory)}


@dataclass(frozen=True)
class Check:
    """One expectation of a suite run, as a page shows it."""

    description: str
    severity: str
    expectation: str
    columns: str
    outcome: str  # met, failed or not evaluated
    statistics: dict


@dataclass(frozen=True)
class Page:
    """One suite run on one batch: its page under ``validations/``."""

    suite: str
    run_name: str
    run_time: datetime
    batch: str
    checks: tuple[Check, ...]

    @property
    def path(self) -> str:
        return f"validations/{_safe(self.suite)}/{_safe(self.run_name)}/{_safe(self.batch)}.html"

    def count(self, outcome: str, severity: str | None = None) -> int:
        return sum(c.outcome == outcome and severity in (None, c.severity) for c in self.checks)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def _check(result) -> Check:
    config = result.expectation_config
    meta = config.meta or {}
    columns = [config.kwargs[a] for a in ("column", "column_A", "column_B") if a in config.kwargs]
    columns += list(config.kwargs.get("column_list") or [])
    outcome = "not evaluated" if (result.meta or {}).get("not_evaluated") else "met" if result.success else "failed"
    return Check(description=meta.get("description", config.type), severity=meta.get("severity", ""),
                 expectation=config.type, columns=", ".join(columns), outcome=outcome,
                 statistics=dict(result.result or {}))


def _filesystem(directory: Path) -> dict:
    return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory)}


@dataclass(frozen=True)
class DataDocs:
    """GX stores under ``store_dir``; the rendered site at ``site_dir/index.html``."""

    store_dir: Path
    site_dir: Path

    def _context(self):
        defaults = InMemoryStoreBackendDefaults()
        stores = copy.deepcopy(defaults.stores)
        stores[defaults.expectations_store_name]["store_backend"] = _filesystem(self.store_dir / "expectations")
        stores[defaults.validation_results_store_name]["store_backend"] = _filesystem(self.store_dir / "validations")
        return gx.get_context(mode="ephemeral", project_config=DataContextConfig(
            store_backend_defaults=defaults,
            stores=stores,
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
        ))

    def record(self, suite: gx.ExpectationSuite, result: ExpectationSuiteValidationResult, *,
               run_id: str, run_time: datetime, batch: str) -> None:
        """Keep ``suite`` and the reduced ``result`` of running it on ``batch`` in run ``run_id``."""
        context = self._context()
        suites = context.expectations_store
        suites.add_or_update(key=suites.get_key(name=suite.name, id=None), value=suite)
        run = RunIdentifier(run_name=run_id, run_time=run_time)
        kept = reduced(result)
        kept.meta["run_id"] = run
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=suite.name), run,
                                         batch.replace("/", "."))
        context.validation_results_store.set(key, kept)

    def pages(self) -> list[Page]:
        """Every suite run kept, newest run first."""
        store = self._context().validation_results_store
        pages = []
        for key in store.list_keys():
            result = store.get(key)
            pages.append(Page(suite=key.expectation_suite_identifier.name, run_name=key.run_id.run_name,
                              run_time=key.run_id.run_time, batch=key.batch_identifier,
                              checks=tuple(_check(r) for r in result.results)))
        return sorted(pages, key=lambda p: (-p.run_time.timestamp(), p.suite, p.batch))

    def build(self, run_id: str) -> Path:
        """Render every kept run's pages and the index (``run_id``'s runs first); return the index.

        The site is written whole into a new folder and swapped in, so pages of an older
        layout (GX's own site) never survive beside the new ones.
        """
        pages = self.pages()
        pages.sort(key=lambda p: p.run_name != run_id)  # stable: the rest stay newest first
        staging = self.site_dir.with_name(f".{self.site_dir.name}.tmp")
        shutil.rmtree(staging, ignore_errors=True)
        for page in pages:
            target = staging / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            root = "../" * page.path.count("/")
            target.write_text(_TEMPLATES.get_template("data_docs_page.html.j2").render(page=page, root=root),
                              encoding="utf-8")
        staging.mkdir(parents=True, exist_ok=True)
        (staging / "index.html").write_text(_TEMPLATES.get_template("data_docs_index.html.j2").render(
            pages=pages, current_run=run_id), encoding="utf-8")
        shutil.rmtree(self.site_dir, ignore_errors=True)
        staging.rename(self.site_dir)
        return self.site_dir / "index.html"
