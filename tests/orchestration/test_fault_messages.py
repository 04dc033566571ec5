"""A failed step is summarised by its real cause in plain words, never by Dagster's wrapper."""
from __future__ import annotations

import errno

import dagster as dg
import psycopg2
import pytest

from orchestration.fault_messages import plain_error, plain_exception
from orchestration.refresh_outcome import refresh_outcome

AGAIN = "then run send-warehouse refresh again (the previous publication stays in place)"


def failed_step_error(raises, retries: int = 0):
    """Dagster's record of a step that raised ``raises()`` (after ``retries`` retries)."""

    @dg.asset(retry_policy=dg.RetryPolicy(max_retries=retries, delay=0) if retries else None)
    def publication():
        raises()

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([publication], instance=instance, raise_on_error=False)
    (failure,) = result.get_step_failure_events()
    return failure.step_failure_data.error, refresh_outcome(instance, result.run_id)


def fail(exc: BaseException):
    def raises():
        raise exc
    return raises


@pytest.mark.parametrize(("exc", "expected"), [
    (OSError(errno.ENOSPC, "No space left on device", "/home/publications/.p1/kpi_values.csv"),
     f"the disk is full (/home/publications/.p1/kpi_values.csv): free space on the disk of the warehouse "
     f"home, {AGAIN}"),
    (OSError(errno.EROFS, "Read-only file system", "/home/publications/.p1"),
     f"the folder cannot be written, its file system is read-only (/home/publications/.p1): make it "
     f"writable, {AGAIN}"),
    (PermissionError(errno.EACCES, "Permission denied", "/home/publications"),
     f"permission denied writing (/home/publications): let the user running the refresh write there, {AGAIN}"),
    (dg.Failure("nothing published yet"), "nothing published yet"),
])
def test_a_failed_step_is_named_by_its_cause(exc, expected):
    error, outcome = failed_step_error(fail(exc))
    if not isinstance(exc, dg.Failure):
        assert "Error occurred while executing op" in error.message  # Dagster's wrapper, not shown
    assert plain_error(error) == expected
    assert outcome.reasons == [f"The step 'publication' failed: {expected}"]
    assert plain_exception(RuntimeError("wrapped")) .startswith("RuntimeError: wrapped")


def test_an_unreachable_bi_database_is_named_after_the_retries():
    error, _ = failed_step_error(lambda: psycopg2.connect("postgresql://u:p@127.0.0.1:1/send", connect_timeout=2),
                                 retries=2)
    assert error.message == "Exceeded max_retries of 2\n"
    cause = plain_error(error)
    assert cause.startswith('the BI database could not be reached (connection to server at "127.0.0.1", port 1 '
                            "failed: Connection refused): check that the server is running and that "
                            "SEND_WAREHOUSE_POSTGRES_URL is right, then run send-warehouse refresh again")
    assert ":p@" not in cause


def test_steps_failing_for_one_cause_are_one_reason():
    @dg.asset
    def a():
        raise dg.Failure("the key differs")

    @dg.asset
    def b():
        raise dg.Failure("the key differs")

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([a, b], instance=instance, raise_on_error=False)
    assert refresh_outcome(instance, result.run_id).reasons == ["2 steps failed (a, b): the key differs"]
