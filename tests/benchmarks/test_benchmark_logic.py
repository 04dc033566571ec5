"""The benchmark's own logic: stages from a Dagster event log, sample windows, growth, model order."""
from __future__ import annotations

import time

import dagster as dg
import pytest

from benchmarks.direct import model_order
from benchmarks.report import exponent
from benchmarks.run import _gaps
from benchmarks.sampler import Samples, tree_usage
from benchmarks.stages import EXPECTATIONS, LANDING, MARTS, PUBLICATION, STAGING, Interval, run_intervals, stage_of


@dg.op(name="clean__council__school_census")
def landing_step():
    time.sleep(0.02)


@dg.op(name="clean__council__school_census_quality_suite", ins={"after": dg.In(dg.Nothing)})
def check_step():
    time.sleep(0.02)


@dg.op(name="warehouse_dbt_models", ins={"after": dg.In(dg.Nothing)})
def dbt_step():
    time.sleep(0.05)
    yield dg.AssetMaterialization(asset_key="stg_council__school_census")
    time.sleep(0.1)
    yield dg.AssetMaterialization(asset_key="kpi_values")
    yield dg.Output(None)


@dg.op(name="publication", ins={"after": dg.In(dg.Nothing)})
def publication_step():
    pass


@dg.job(executor_def=dg.in_process_executor)
def refresh_like():
    publication_step(after=dbt_step(after=check_step(after=landing_step())))


def test_stages_come_from_the_step_events_and_the_dbt_step_splits_after_the_last_staging_model():
    with dg.DagsterInstance.ephemeral() as instance:
        run = refresh_like.execute_in_process(instance=instance)
        intervals = run_intervals(instance, run.run_id)
    assert [(i.stage, i.step_key) for i in intervals] == [
        (LANDING, "clean__council__school_census"),
        (EXPECTATIONS, "clean__council__school_census_quality_suite"),
        (STAGING, "warehouse_dbt_models"),
        (MARTS, "warehouse_dbt_models"),
        (PUBLICATION, "publication"),
    ]
    staging, marts = intervals[2], intervals[3]
    assert staging.end == marts.start
    assert staging.seconds >= 0.04 and marts.seconds >= 0.09
    assert all(a.end <= b.start for a, b in zip(intervals, intervals[1:]))


def test_an_unknown_step_is_an_error_not_a_silent_stage():
    assert stage_of("landing_gate") == LANDING
    with pytest.raises(ValueError, match="no benchmark stage"):
        stage_of("something_new")


def test_a_window_interpolates_cpu_and_takes_the_peak_around_it():
    samples = Samples()
    for t, rss, cpu in [(0.0, 100, 0.0), (1.0, 300, 1.0), (2.0, 200, 1.5), (3.0, 50, 1.5)]:
        samples.add(t, rss, cpu)
    cpu, peak = samples.window(0.5, 1.5)
    assert cpu == pytest.approx(1.25 - 0.5)
    assert peak == 300
    # shorter than the interval: the samples on each side still count
    assert samples.window(2.2, 2.3) == (pytest.approx(0.0), 200)


def test_cpu_never_goes_backwards_when_a_child_leaves_the_tree():
    samples = Samples()
    samples.add(0.0, 10, 5.0)
    samples.add(1.0, 10, 4.0)
    assert samples.cpu == [5.0, 5.0]


def test_tree_usage_sees_this_process():
    rss, cpu = tree_usage(__import__("os").getpid())
    assert rss > 10 * 1024 ** 2 and cpu > 0


def test_gaps_are_the_time_in_no_step():
    steps = [Interval(LANDING, "a", 1.0, 2.0), Interval(MARTS, "b", 2.0, 4.0), Interval(PUBLICATION, "c", 5.0, 6.0)]
    assert _gaps(steps, 0.0, 7.0) == [(0.0, 1.0), (4.0, 5.0), (6.0, 7.0)]


def test_exponent_of_linear_and_sublinear_growth():
    assert exponent(1, 10.0, 10, 100.0) == pytest.approx(1.0)
    assert exponent(1, 10.0, 10, 10.0) == pytest.approx(0.0)
    assert exponent(1, 0.0, 10, 10.0) is None


def test_models_come_after_what_they_depend_on():
    def model(name, *deps):
        return {"resource_type": "model", "name": name, "depends_on": {"nodes": [f"model.p.{d}" for d in deps]}}

    manifest = {"nodes": {
        "model.p.kpi": model("kpi", "int", "stg"),
        "model.p.int": model("int", "stg"),
        "model.p.stg": model("stg"),
        "test.p.t": {"resource_type": "test", "name": "t", "depends_on": {"nodes": ["model.p.kpi"]}},
    }}
    assert [m["name"] for m in model_order(manifest)] == ["stg", "int", "kpi"]
