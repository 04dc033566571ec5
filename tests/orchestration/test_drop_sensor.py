"""The drop-folder sensor, evaluated with Dagster's sensor test API on a temporary drop folder."""
import os
import time

import dagster as dg
import pytest

from orchestration.definitions import defs
from orchestration.drop_sensor import SETTLE_SECONDS, partner_drop_sensor
from orchestration.resources import DropFolder

SETTLED = time.time() - 2 * SETTLE_SECONDS


def drop_file(drop, relative: str, text: str = "a,b\n1,2\n", settled: bool = True):
    path = drop / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if settled:
        os.utime(path, (SETTLED, SETTLED))
    return path


def evaluate(drop, cursor=None, instance=None):
    """The sensor's run requests (or skip reason) and its new cursor."""
    instance = instance or dg.DagsterInstance.ephemeral()
    context = dg.build_sensor_context(cursor=cursor, definitions=defs, instance=instance,
                                      resources={"drop": DropFolder(path=str(drop))})
    result = partner_drop_sensor(context)
    return result, context.cursor


def months(request: dg.RunRequest) -> tuple[str, str]:
    return request.partition_key_range.start, request.partition_key_range.end


def with_history_built(*month_keys: str) -> dg.DagsterInstance:
    """An instance on which ``kpi_history`` has been materialised for the given months."""
    instance = dg.DagsterInstance.ephemeral()
    for key in month_keys:
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key="kpi_history", partition=key))
    return instance


def landing_keys(request: dg.RunRequest) -> set[str]:
    return {k.to_user_string() for k in request.asset_selection if k.path[0] == "clean"}


def assert_runnable(request: dg.RunRequest):
    """The request is a valid subset of the refresh job, without the report or PostgreSQL."""
    job = defs.resolve_job_def("refresh").get_subset(asset_selection=set(request.asset_selection),
                                                   asset_check_selection=set(request.asset_check_keys))
    assert job.name == "refresh"
    keys = {k.to_user_string() for k in request.asset_selection}
    assert {"landing_gate", "publication"} <= keys
    assert not keys & {"quality_report", "postgres_marts"}
    assert request.partition_key_range is not None


@pytest.fixture
def drop(tmp_path):
    folder = tmp_path / "drop"
    drop_file(folder, "council/school_census_20250630.csv")
    drop_file(folder, "mpft/camhs_referrals_20250630.csv")
    return folder


def test_the_sensor_and_the_monthly_schedule_are_on_by_default():
    assert defs.get_sensor_def("partner_drop_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.get_schedule_def("refresh_schedule").default_status == dg.DefaultScheduleStatus.RUNNING


def test_the_first_look_records_the_drop_without_starting_runs(drop):
    skipped, cursor = evaluate(drop)
    assert isinstance(skipped, dg.SkipReason) and "2 settled file(s) recorded" in skipped.skip_message
    assert isinstance(evaluate(drop, cursor)[0], dg.SkipReason)


def test_new_files_of_two_partners_request_one_run_each(drop):
    _, cursor = evaluate(drop)
    drop_file(drop, "council/school_census_20250731.csv")
    drop_file(drop, "mpft/camhs_referrals_20250731.csv")
    requests, _ = evaluate(drop, cursor)
    assert [r.tags["send_warehouse/partner"] for r in requests] == ["council", "mpft"]
    assert [landing_keys(r) for r in requests] == [{"clean/council__school_census"}, {"clean/mpft__camhs_referrals"}]


def test_the_first_file_in_an_empty_drop_starts_a_run(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    _, cursor = evaluate(empty)
    drop_file(empty, "icb/gp_practices_20250731.csv")
    (request,), _ = evaluate(empty, cursor)
    assert landing_keys(request) == {"clean/icb__gp_practices"}


def test_a_new_file_requests_a_run_for_that_partners_assets_only(drop):
    _, cursor = evaluate(drop)
    drop_file(drop, "council/school_census_20250731.csv")
    (request,), cursor = evaluate(drop, cursor)
    assert request.tags["send_warehouse/partner"] == "council"
    assert landing_keys(request) == {"clean/council__school_census"}
    assert_runnable(request)
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"stg_council__school_census", "int_kpi_rows__census", "kpi_values"} <= selected
    checks = {(k.asset_key.to_user_string(), k.name) for k in request.asset_check_keys}
    assert ("clean/council__school_census", "delivery_accepted") in checks
    assert ("landing_gate", "every_extract_accepted") in checks
    assert not any(asset.startswith("clean/mpft") for asset, _ in checks)
    skipped, _ = evaluate(drop, cursor)
    assert isinstance(skipped, dg.SkipReason)


def test_a_corrected_file_requests_a_new_run(drop):
    _, cursor = evaluate(drop)
    drop_file(drop, "council/school_census_20250731.csv")
    (first,), cursor = evaluate(drop, cursor)
    drop_file(drop, "council/school_census_20250731.csv", "a,b\n1,2\n3,4\n")
    (request,), _ = evaluate(drop, cursor)
    assert landing_keys(request) == {"clean/council__school_census"}
    assert request.run_key != first.run_key


def test_a_file_still_being_written_waits_until_it_settles(drop):
    _, cursor = evaluate(drop)
    path = drop_file(drop, "mpft/slt_referrals_20250731.csv", settled=False)
    skipped, cursor = evaluate(drop, cursor)
    assert isinstance(skipped, dg.SkipReason)
    os.utime(path, (SETTLED, SETTLED))
    (request,), _ = evaluate(drop, cursor)
    assert landing_keys(request) == {"clean/mpft__slt_referrals"}


def test_an_unrecognised_file_runs_the_landing_gate_without_landing_anything(drop):
    _, cursor = evaluate(drop)
    drop_file(drop, "nscht/waiting_list_20250731.csv")
    (request,), _ = evaluate(drop, cursor)
    assert landing_keys(request) == set()
    assert_runnable(request)


def test_a_broken_link_in_the_drop_runs_the_landing_gate_instead_of_crashing_the_sensor(drop):
    _, cursor = evaluate(drop)
    link = drop / "council" / "school_census_20250831.csv"
    link.parent.mkdir(exist_ok=True)
    os.symlink(drop / "council" / "gone.csv", link)
    os.utime(link, (SETTLED, SETTLED), follow_symlinks=False)
    (request,), _ = evaluate(drop, cursor)
    assert landing_keys(request) == set()
    assert_runnable(request)


def test_a_new_months_file_runs_that_month_with_every_model(drop):
    _, cursor = evaluate(drop)
    drop_file(drop, "mpft/camhs_referrals_20250731.csv")
    (request,), _ = evaluate(drop, cursor, with_history_built("2025-06-01"))
    assert months(request) == ("2025-07-01", "2025-07-01")
    assert "kpi_values" in {k.to_user_string() for k in request.asset_selection}


def test_a_correction_for_a_past_month_re_runs_that_month_and_only_kpi_history(drop):
    drop_file(drop, "mpft/camhs_referrals_20250531.csv")
    drop_file(drop, "mpft/camhs_referrals_20250731.csv")
    _, cursor = evaluate(drop)
    drop_file(drop, "mpft/camhs_referrals_20250630.csv", "a,b\n1,2\n3,4\n")  # June resent
    (request,), _ = evaluate(drop, cursor, with_history_built("2025-05-01", "2025-06-01", "2025-07-01"))
    assert months(request) == ("2025-06-01", "2025-06-01")  # July has its own file: June alone
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"clean/mpft__camhs_referrals", "kpi_history", "publication"} <= selected
    assert not selected & {"kpi_values", "send_cohort", "kpi_comparators"}  # the newest month's marts stay
    assert_runnable(request)


def test_a_termly_file_affects_every_month_until_the_next_one(drop):
    _, cursor = evaluate(drop)
    drop_file(drop, "council/school_census_20250131.csv")
    drop_file(drop, "council/school_census_20250531.csv")
    drop_file(drop, "icb/gp_practices_20250731.csv")
    (request,) = [r for r in evaluate(drop, cursor)[0] if r.tags["send_warehouse/partner"] == "council"]
    # January's file is current until May's, May's until the June file the drop already holds
    assert months(request) == ("2025-01-01", "2025-05-01")
