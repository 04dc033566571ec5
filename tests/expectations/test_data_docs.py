"""Data Docs for data engineers: built from the runner's GX results, with counts but no row values."""
import re

from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult

from expectations.data_docs import DataDocs, reduced
from expectations.runner import validate

NHS_LIKE = "943 476 5919"  # shaped like an NHS number: must never reach the Data Docs
GP = dict(asset_key="clean/icb__gp_registered_population", partner="icb", extract="gp_registered_population")


def site_text(docs: DataDocs) -> str:
    files = [*docs.site_dir.rglob("*.html"), *docs.store_dir.rglob("*.json")]
    return "\n".join(f.read_text() for f in files)


def test_data_docs_show_each_run_with_counts_and_no_values(tmp_path, con, as_at, registrations_warehouse):
    docs = DataDocs(store_dir=tmp_path / "gx", site_dir=tmp_path / "data-docs")
    registrations_warehouse(nhs_number_pseudo=f"case when i < 3 then '{NHS_LIKE}' else sha256('nhs' || i) end")
    for run_id in ("run-1", "run-2"):  # two refreshes, each building the docs after its checks
        validate(con, "clean__icb__gp_registered_population", run_id=run_id, extract_date=as_at,
                 data_docs=docs, **GP)
        index = docs.build(run_id)

    assert index == docs.site_dir / "index.html" and index.exists()
    pages = {p.relative_to(docs.site_dir / "validations").parent.as_posix()
             for p in (docs.site_dir / "validations").rglob("*.html")}
    # One page per run of each GX suite: the table rows, and each frame.
    suite = "clean__icb__gp_registered_population"
    assert pages == {f"{suite}{frame}/{run}" for run in ("run-1", "run-2")
                     for frame in ("", ".invalid_nhs_numbers", ".delivery_size_change", ".table_columns")}
    links = re.findall(r'href="([^"]+)"', index.read_text())
    assert len(links) == 8 and all((docs.site_dir / link).is_file() for link in links)
    assert links[0].split("/")[2] == "run-2"  # the run just built first
    text = site_text(docs)
    words = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    assert ("none is stored in clear. critical Failed 3 unexpected of 30 rows (10.00% of non-missing)"
            in words)
    assert NHS_LIKE not in text and NHS_LIKE.replace(" ", "") not in text
    assert "partial_unexpected" not in text


def test_a_run_without_results_still_gets_an_index(tmp_path):
    docs = DataDocs(store_dir=tmp_path / "gx", site_dir=tmp_path / "data-docs")
    assert docs.build("no-such-run").exists()


def test_reduced_results_keep_counts_and_numbers_only():
    values = {"partial_unexpected_list": [NHS_LIKE], "partial_unexpected_counts": [{"value": NHS_LIKE, "count": 3}],
              "unexpected_list": [NHS_LIKE], "details": {"value_counts": [NHS_LIKE]}}
    full = ExpectationSuiteValidationResult(success=False, suite_name="s", results=[
        ExpectationValidationResult(success=False, result={"unexpected_count": 3, "element_count": 30,
                                                           "observed_value": NHS_LIKE, **values}),
        ExpectationValidationResult(success=True, result={"observed_value": 12.5}),
    ])
    kept = reduced(full)
    assert [r.result for r in kept.results] == [{"element_count": 30, "unexpected_count": 3},
                                                {"observed_value": 12.5}]
    assert full.results[0].result["partial_unexpected_list"] == [NHS_LIKE]  # the original is untouched


def test_an_expectation_gx_could_not_evaluate_still_gets_its_page(tmp_path, con, as_at, registrations_warehouse,
                                                                  caplog):
    docs = DataDocs(store_dir=tmp_path / "gx", site_dir=tmp_path / "data-docs")
    registrations_warehouse()
    con.execute("alter table clean.icb__gp_registered_population drop column sex")  # read by three expectations
    validate(con, "clean__icb__gp_registered_population", run_id="run-1", extract_date=as_at, data_docs=docs, **GP)
    docs.build("run-1")
    assert "unexpected Exception occurred during data docs rendering" not in caplog.text
    page = next((docs.site_dir / "validations" / "clean__icb__gp_registered_population" / "run-1").rglob("*.html"))
    assert "Not evaluated" in page.read_text()
