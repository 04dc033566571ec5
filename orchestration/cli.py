"""``send-warehouse``: generate sample drops, refresh the warehouse, show what landed."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import warnings
from datetime import date
from pathlib import Path

from orchestration.environment import analytics_off

REPO_ROOT = Path(__file__).resolve().parents[1]
EXIT_HELD_BACK = 1
EXIT_USAGE = 2


def _sample(args: argparse.Namespace) -> int:
    from sample_data.generator import generate_drop

    paths = generate_drop(Path(args.out), as_at=args.as_at, scale=args.scale, seed=args.seed, months=args.months)
    months = f" and the {args.months - 1} month ends before" if args.months > 1 else ""
    print(f"wrote {len(paths)} extracts as at {args.as_at}{months} (scale {args.scale}) to {args.out}")
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _environment(home: Path, drop: Path | None) -> None:
    """Everything the Dagster definitions read from the environment, for this process."""
    os.environ["SEND_WAREHOUSE_HOME"] = str(home)
    if drop is not None:
        os.environ["SEND_WAREHOUSE_DROP"] = str(drop)
    os.environ["SEND_WAREHOUSE_DAGSTER_STORAGE"] = str(home / "dagster")
    os.environ["SEND_WAREHOUSE_DAGSTER_LOGS"] = str(home / "dagster" / "logs")
    os.environ["SEND_WAREHOUSE_DUCKDB"] = str(home / "warehouse.duckdb")
    analytics_off()


def _dagster_home(home: Path) -> Path:
    """``HOME/dagster`` as DAGSTER_HOME, with the repository's ``dagster.yaml``: whatever Dagster writes
    (run history, the UI's first-run marker ``.nux/``) goes under the warehouse home."""
    dagster_home = home / "dagster"
    shutil.copyfile(REPO_ROOT / "dagster.yaml", dagster_home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    return dagster_home


def _prepare(args: argparse.Namespace) -> tuple[Path, Path] | None:
    """Key, drop and home checked and put in the environment; None (after a message) if unusable."""
    from connectors.pseudonymise import DEMO_ENV, DEMO_KEY, KEY_ENV, MissingKeyError, key_from_environment

    if args.demo:
        os.environ[KEY_ENV] = DEMO_KEY
        os.environ[DEMO_ENV] = "1"
        print("DEMO: pseudonyms use the public demo key — for sample data only, never real data",
              file=sys.stderr)
    try:
        key_from_environment()
    except MissingKeyError as exc:
        print(f"send-warehouse {args.command}: {exc}", file=sys.stderr)
        return None
    home, drop = Path(args.home).resolve(), Path(args.drop).resolve()
    if not drop.is_dir():
        print(f"send-warehouse {args.command}: drop folder {drop} does not exist", file=sys.stderr)
        return None
    (home / "dagster" / "logs").mkdir(parents=True, exist_ok=True)
    _environment(home, drop)
    return home, drop


def _ui(args: argparse.Namespace) -> int:
    prepared = _prepare(args)
    if prepared is None:
        return EXIT_USAGE
    os.chdir(_dagster_home(prepared[0]))  # dagster dev reads dagster.yaml (and .env) from its folder
    dagster = Path(sys.executable).with_name("dagster")
    os.execv(dagster, [str(dagster), "dev", "-m", "orchestration.definitions",
                       "-h", "127.0.0.1", "-p", str(args.port)])


def _refresh(args: argparse.Namespace) -> int:
    if not args.verbose:  # a library's warnings are not for the person running the refresh (--verbose shows them)
        warnings.simplefilter("ignore")
    prepared = _prepare(args)
    if prepared is None:
        return EXIT_USAGE
    home, drop = prepared
    from orchestration.fault_messages import plain_exception
    from orchestration.months_to_refresh import MonthsError, months_to_refresh, parse_months
    from orchestration.resources import RunLockHeld, take_run_lock

    try:
        take_run_lock(home).close()  # free now; the run takes it again for its whole length
    except RunLockHeld as held:
        return _held_back([f"The refresh did not start: {held}."], report=None)
    try:
        months = parse_months(args.months) if args.months else months_to_refresh(drop, home / "warehouse.duckdb")
    except MonthsError as exc:
        print(f"send-warehouse refresh: {exc}", file=sys.stderr)
        return EXIT_USAGE
    started = time.time()
    try:
        return _run_refresh(args, home, months, started)
    except Exception as exc:  # whatever stopped the refresh, a person reads it in plain words
        return _held_back([f"The refresh stopped: {plain_exception(exc)}"], _report_since(home, started))


def _report_since(home: Path, started: float) -> Path | None:
    """The data-quality report written since ``started``, if one was."""
    reports = [p for p in (home / "reports").glob("data-quality-*.html") if p.stat().st_mtime >= started]
    return max(reports, key=lambda p: p.stat().st_mtime, default=None)


def _held_back(reasons: list[str], report: Path | None) -> int:
    print("publication held back; the previous publication (if any) stays in place:", file=sys.stderr)
    for reason in reasons:
        print(f"  - {reason}", file=sys.stderr)
    print(f"data-quality report: {report}" if report else "no data-quality report was written for this run",
          file=sys.stderr)
    return EXIT_HELD_BACK


def _run_refresh(args: argparse.Namespace, home: Path, months: tuple[date, date], started: float) -> int:
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.jobs import PAST_MONTHS_SELECTION, past_months_only
    from orchestration.months_to_refresh import newest_built
    from orchestration.partitions import range_tags
    from orchestration.run_tags import CLI, launch_tags, report_tags, tag_outcome

    instance = dg.DagsterInstance.from_config(str(_dagster_home(home)))
    warehouse = {"config": {"home": str(home)}}
    first, last = months
    job = defs.get_job_def("refresh")
    past_only = past_months_only(last, newest_built(home / "warehouse.duckdb"))
    selection = (set(PAST_MONTHS_SELECTION.resolve(defs.resolve_asset_graph()))
                 & set(job.asset_layer.executable_asset_keys)) if past_only else None
    print(f"refreshing reporting month{'s' if first != last else ''} "
          + (f"{first:%Y-%m} to {last:%Y-%m}" if first != last else f"{last:%Y-%m}") + " in one run")
    # Dagster's own log (with its tracebacks) only when asked for; the outcome is summarised below.
    loggers = {"console": {"config": {"log_level": "INFO" if args.verbose else "CRITICAL"}}}
    refresh = job.execute_in_process(
        instance=instance, raise_on_error=False, tags={**launch_tags(CLI), **range_tags(first, last)},
        asset_selection=sorted(selection, key=lambda key: key.to_user_string()) if past_only else None,
        run_config={"resources": {"warehouse": warehouse}, "loggers": loggers},
    )
    outcome = tag_outcome(instance, refresh.run_id)
    defs.get_job_def("data_quality_report").execute_in_process(
        instance=instance, raise_on_error=False,
        tags={**launch_tags(CLI), **report_tags(instance, refresh.run_id)},
        run_config={"resources": {"warehouse": warehouse}, "loggers": loggers,
                    "ops": {"quality_report": {"config": {"refresh_run_id": refresh.run_id}}}},
    )
    report = _report_since(home, started)
    if not outcome.published:
        return _held_back(outcome.reasons, report)
    if report:
        print(f"data-quality report: {report}")
    print(f"published: {home / 'publish'}")
    return _publish_to_postgres(defs, instance, warehouse, loggers)


def _publish_to_postgres(defs, instance, warehouse: dict, loggers: dict) -> int:
    """Builds the marts on PostgreSQL too when ``SEND_WAREHOUSE_POSTGRES_URL`` is set."""
    from orchestration.fault_messages import plain_error
    from publication.postgres import URL_ENV, configured_url, described
    from publication.postgres_tiers import PUBLIC_TIER, RESTRICTED_TIER

    url = configured_url()
    if url is None:
        return 0
    result = defs.get_job_def("postgres_publication").execute_in_process(
        instance=instance, raise_on_error=False,
        run_config={"resources": {"warehouse": warehouse}, "loggers": loggers},
    )
    if result.success:
        print(f"published to PostgreSQL: {described(url)}, schemas {PUBLIC_TIER} and {RESTRICTED_TIER}")
        return 0
    failure = next((e for e in result.all_events if e.is_step_failure), None)
    print(f"PostgreSQL publication held back; the previous tiers on {described(url)} ({URL_ENV}) stay in place:",
          file=sys.stderr)
    print(f"  - {plain_error(failure.step_failure_data.error if failure else None)}", file=sys.stderr)
    return EXIT_HELD_BACK


def _status(args: argparse.Namespace) -> int:
    """What the last run recorded, read from ``HOME/status.json`` and the publication's manifest:
    never from the warehouse file, so a running refresh is never disturbed."""
    from connectors.status import STATUS_FILE, read_status_file, stale_among
    from publication.publish import current_publication

    home = Path(args.home)
    recorded = read_status_file(home)
    if recorded is None:
        print(f"send-warehouse status: no status at {home / STATUS_FILE}: run send-warehouse refresh "
              "on this home first", file=sys.stderr)
        return EXIT_USAGE
    files, stale = recorded["files"], stale_among(recorded["current_deliveries"], date.today())
    published = current_publication(home)
    publication = published and {k: published.get(k) for k in ("publication_id", "reporting_date", "run_id")}
    if args.json:
        print(json.dumps({"files": files, "stale_extracts": stale, "publication": publication,
                          "recorded_at": recorded["updated_at"], "stage": recorded["stage"]}, indent=2))
        return 0
    print(f"recorded {recorded['updated_at']} ({recorded['stage']}); published: "
          + (f"{publication['publication_id']} for {publication['reporting_date']}" if publication else "nothing yet"))
    print(f"{'partner':8} {'extract':28} {'as_at':10} {'status':10} {'received':>9} {'accepted':>9} "
          f"{'quarant.':>9}  file / reasons")
    for f in files:
        print(f"{f['partner']:8} {f['extract'] or '-':28} {f['as_at'] or '-':10} {f['status']:10} "
              f"{f['rows_received'] or 0:>9} {f['rows_accepted'] or 0:>9} {f['rows_quarantined'] or 0:>9}  "
              f"{f['file_name']}")
        for reason, count in f["quarantine_reasons"].items():
            print(f"{'':89}{reason}: {count}")
        if f["message"]:
            print(f"{'':89}{f['message']}")
    for s in stale:
        print(f"stale: {s['partner']}/{s['extract']} as at {s['as_at']} is {s['age_days']} days old "
              f"({s['cadence']}, expected within {s['max_age_days']})")
    return 0


def _rotate_key(args: argparse.Namespace) -> int:
    """Re-pseudonymise the warehouse under the key in ``SEND_WAREHOUSE_NEW_PSEUDO_KEY``."""
    import duckdb

    from connectors.pseudonymise import KEY_ENV, NEW_KEY_ENV, MissingKeyError, key_from_environment
    from connectors.rotation import RotationError, rotate_key
    from orchestration.resources import RunLockHeld, take_run_lock

    home = Path(args.home).resolve()
    path = home / "warehouse.duckdb"
    if not path.exists():
        print(f"send-warehouse rotate-key: no warehouse at {path}", file=sys.stderr)
        return EXIT_USAGE
    try:
        old_key, new_key = key_from_environment(KEY_ENV), key_from_environment(NEW_KEY_ENV)
        with take_run_lock(home), duckdb.connect(str(path)) as con:
            rotated = rotate_key(con, old_key, new_key)
    except (MissingKeyError, RotationError, RunLockHeld) as exc:
        print(f"send-warehouse rotate-key: {exc}; nothing was changed", file=sys.stderr)
        return EXIT_USAGE
    print(f"re-pseudonymised {sum(rotated.values()):,} rows of {len(rotated)} tables under the new key. "
          f"Now set {KEY_ENV} to the new key (and unset {NEW_KEY_ENV}), then run send-warehouse refresh "
          "to rebuild the models and the publication.")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="send-warehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    sample = commands.add_parser("sample", help="write a drop folder of generated partner extracts")
    sample.add_argument("--out", required=True, help="drop folder to write")
    sample.add_argument("--as-at", type=date.fromisoformat, default=date(2025, 7, 31),
                        help="as-at date of the extracts (default 2025-07-31)")
    sample.add_argument("--scale", type=float, default=1.0, help="1.0 = Staffordshire's real size")
    sample.add_argument("--seed", type=int, default=42)
    sample.add_argument("--months", type=_positive_int, default=1,
                        help="consecutive monthly drops of one world, ending at --as-at")
    sample.set_defaults(run=_sample)

    refresh = commands.add_parser("refresh", help="land, transform, check and publish a drop folder")
    refresh.add_argument("--drop", required=True, help="partner drop folder")
    refresh.add_argument("--home", required=True, help="warehouse home (DuckDB, publications, reports)")
    refresh.add_argument("--months", help="YYYY-MM or YYYY-MM:YYYY-MM: the reporting months to build (default: "
                                          "every month the drop supports not yet built, and the newest)")
    refresh.add_argument("--demo", action="store_true",
                         help="use the public demo pseudonymisation key (sample data only)")
    refresh.add_argument("--verbose", action="store_true", help="show Dagster's step-by-step log")
    refresh.set_defaults(run=_refresh)

    ui = commands.add_parser("ui", help="the Dagster UI (dagster dev) on a warehouse home and drop folder")
    ui.add_argument("--drop", required=True)
    ui.add_argument("--home", required=True)
    ui.add_argument("--demo", action="store_true", help="use the public demo pseudonymisation key")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(run=_ui)

    status = commands.add_parser("status", help="what landed: files, counts, quarantine, freshness")
    status.add_argument("--home", required=True)
    status.add_argument("--json", action="store_true", help="one JSON document with a files list")
    status.set_defaults(run=_status)

    rotate = commands.add_parser(
        "rotate-key", help="re-pseudonymise everything under a new key (SEND_WAREHOUSE_PSEUDO_KEY: the "
                           "current key, SEND_WAREHOUSE_NEW_PSEUDO_KEY: the new one)")
    rotate.add_argument("--home", required=True)
    rotate.set_defaults(run=_rotate_key)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
