"""Great Expectations Data Docs for the data engineers, holding counts but no value from a data row.

The runner hands every GX validation result to ``DataDocs.record``, which keeps a reduced
copy (``reduced``: counts, percentages and numeric statistics only) in GX's filesystem
validation-results store next to the suite it ran. ``DataDocs.build`` renders GX's own Data
Docs site from that store: one page per suite run and an index of every run kept.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from datetime import datetime
from numbers import Real
from pathlib import Path

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

SITE = "data_docs"
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
            data_docs_sites={SITE: {"class_name": "SiteBuilder", "show_how_to_buttons": False,
                                    "store_backend": _filesystem(self.site_dir)}},
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

    def build(self, run_id: str) -> Path:
        """Render the pages of run ``run_id`` and of every suite, and the index of all runs kept."""
        context = self._context()
        pages = [k for k in context.validation_results_store.list_keys() if k.run_id.run_name == run_id]
        pages += context.expectations_store.list_keys()
        context.build_data_docs(site_names=[SITE], resource_identifiers=pages)
        return self.site_dir / "index.html"
