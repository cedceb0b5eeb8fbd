"""The command line: ``sps-tracker [--data-dir DIR] COMMAND``; no command starts the GUI.

Every command calls the same service API as the GUI. Bad arguments or values
exit 2 with one line on stderr and write nothing; a database that cannot be
used exits 1 with the reason.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from sps_tracker import __version__
from sps_tracker.domain.errors import ValidationError
from sps_tracker.paths import data_dir as resolve_data_dir
from sps_tracker.storage.errors import DatabaseError

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

Command = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A bad argument or value: exit 2, nothing written."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one clear line on stderr and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be 1 or more")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value <= 50:
        raise argparse.ArgumentTypeError(f"{text} must be more than 0 and at most 50")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def build_parser() -> _Parser:
    parser = _Parser(
        prog="sps-tracker",
        description="Stiff-person syndrome tracker. With no command, the app's window opens.",
    )
    parser.add_argument("--version", action="version", version=f"sps-tracker {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="data folder (default: the platform's; or $SPS_TRACKER_DATA_DIR)",
    )
    parser.add_argument(
        "--mode",
        choices=("clinic", "personal"),
        help="clinic: many patients; personal: my own diary",
    )
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        help="render the main window offscreen to FILE.png and exit",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation offscreen in a temporary folder (not your data) and exit",
    )
    parser.add_argument(
        "--view",
        choices=("history", "chart", "summary"),
        default=None,
        help="which view of the first patient the window opens on",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    # --data-dir works after the command too; SUPPRESS keeps the global value when absent.
    common = _Parser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="data folder (default: the platform's)",
    )

    demo = commands.add_parser(
        "demo", parents=[common], help="add clearly labelled synthetic patients"
    )
    demo.add_argument("--patients", type=_positive_int, default=3, metavar="N")
    demo.add_argument("--years", type=_positive_float, default=2.0, metavar="Y")
    demo.add_argument("--seed", type=_int, default=1, metavar="S")
    demo.add_argument(
        "--until",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="last day of the data (default: today); fixes the data across days",
    )
    demo.add_argument(
        "--self-rating-every",
        type=_positive_int,
        default=7,
        metavar="DAYS",
        help="days between a demo patient's self-ratings (default 7)",
    )
    demo.set_defaults(handler=_demo)

    patients = commands.add_parser(
        "patients", parents=[common], help="list patients: id, name, assessments"
    )
    patients.set_defaults(handler=_patients)

    check = commands.add_parser(
        "check", parents=[common], help="check the database's integrity and ranges"
    )
    check.set_defaults(handler=_check)

    backup = commands.add_parser(
        "backup", parents=[common], help="write a checked copy of the database"
    )
    backup.add_argument(
        "--out", metavar="FILE", help="where to write it (default: a new file in backups/)"
    )
    backup.set_defaults(handler=_backup)

    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a backup (the current one is kept)",
    )
    restore.add_argument("file", metavar="FILE", help="the backup to restore")
    restore.set_defaults(handler=_restore)

    backups = commands.add_parser(
        "backups", parents=[common], help="list the backups with dates and record counts"
    )
    backups.set_defaults(handler=_backups)

    audit = commands.add_parser(
        "audit-log", parents=[common], help="write the audit log (every change) as CSV"
    )
    audit.add_argument("file", metavar="FILE.csv")
    audit.set_defaults(handler=_audit_log)
    _add_exchange_commands(commands, common)
    return parser


def _add_exchange_commands(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    export = commands.add_parser(
        "export", parents=[common], help="write CSV files (see docs/csv-format.md)"
    )
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    export.add_argument(
        "--patient",
        action="append",
        metavar="ID",
        help="number, UUID or clinic identifier; repeat for more (default: all patients)",
    )
    export.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE")
    export.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE")
    export.set_defaults(handler=_export)

    import_ = commands.add_parser(
        "import", parents=[common], help="import CSV files: all or nothing"
    )
    import_.add_argument("path", metavar="PATH", help="a folder from export, or one CSV file")
    import_.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    import_.add_argument(
        "--patient", metavar="ID", help="import one patient's files into this existing patient"
    )
    import_.add_argument(
        "--date-format", metavar="FMT", help="the file's date format, e.g. %%d/%%m/%%Y"
    )
    import_.add_argument(
        "--keep-existing",
        action="store_true",
        help="on a conflict keep this database's version and import the rest",
    )
    import_.set_defaults(handler=_import)


def _patient_id(tracker: object, reference: str) -> int:
    from sps_tracker.services import NotFoundError, Tracker

    assert isinstance(tracker, Tracker)
    try:
        return tracker.find_patient(reference).id
    except NotFoundError as error:
        raise UsageError(str(error)) from None


def _export(args: argparse.Namespace) -> int:
    from sps_tracker.services import Tracker

    if args.date_from and args.date_to and args.date_to < args.date_from:
        raise UsageError("--to is before --from")
    tracker = Tracker.open(folder(args))
    try:
        ids = None
        if args.patient:
            ids = [_patient_id(tracker, reference) for reference in args.patient]
        result = tracker.export_csv(
            Path(args.out), patient_ids=ids, date_from=args.date_from, date_to=args.date_to
        )
    finally:
        tracker.close()
    print(result)
    return EXIT_OK


PROBLEMS_SHOWN = 200


def _import(args: argparse.Namespace) -> int:
    from contextlib import AbstractContextManager, closing

    from sps_tracker.safety import writing_session
    from sps_tracker.services import Tracker

    if args.date_format is not None and "%" not in args.date_format:
        raise UsageError(f"--date-format {args.date_format}: use codes like %d/%m/%Y")
    source = Path(args.path)
    if not source.exists():
        raise UsageError(f"{args.path} does not exist")
    # A real import writes: it holds the folder (one writer) between two backups.
    opened: AbstractContextManager[Tracker] = (
        closing(Tracker.open(folder(args), actor="import"))
        if args.dry_run
        else writing_session(folder(args), actor="import")
    )
    with opened as tracker:
        patient_id = None if args.patient is None else _patient_id(tracker, args.patient)
        result = tracker.import_csv(
            source,
            dry_run=args.dry_run,
            patient_id=patient_id,
            date_format=args.date_format,
            keep_existing=args.keep_existing,
        )
    for report in result.files:
        if report.skipped:
            print(f"{report.file}: not imported: {report.skipped}")
        elif report.kind is not None:
            print(
                f"{report.file}: {report.rows} rows: {report.new} new, "
                f"{report.unchanged} already here, {report.conflicting} conflicting"
            )
    for warning in result.warnings:
        print(f"warning: {warning}")
    if args.keep_existing:
        for conflict in result.conflicts:
            print(f"kept: {conflict}")
    print(result.describe())
    if result.problems:
        for problem in result.problems[:PROBLEMS_SHOWN]:
            print(f"- {problem}", file=sys.stderr)
        if len(result.problems) > PROBLEMS_SHOWN:
            print(f"- … and {len(result.problems) - PROBLEMS_SHOWN} more", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
        if args.self_test:
            from sps_tracker import selftest

            return selftest.run()
        from sps_tracker.logs import configure_logging

        configure_logging(folder(args))
        if args.command is None:
            return _gui(args)
        handler: Command = args.handler
        return handler(args)
    except UsageError as error:
        print(f"sps-tracker: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as error:
        print(f"sps-tracker: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except DatabaseError as error:
        print(f"sps-tracker: {error}", file=sys.stderr)
        return EXIT_PROBLEMS


def folder(args: argparse.Namespace) -> Path:
    return resolve_data_dir(args.data_dir)


def _demo(args: argparse.Namespace) -> int:
    from sps_tracker.demo import generate
    from sps_tracker.safety import writing_session

    if args.until is not None and args.until > date.today():
        raise UsageError(f"--until {args.until.isoformat()} is in the future")
    with writing_session(folder(args), actor="demo") as tracker:
        made = generate(
            tracker,
            patients=args.patients,
            years=args.years,
            seed=args.seed,
            until=args.until,
            self_rating_every_days=args.self_rating_every,
        )
    print(f"Added {len(made)} synthetic demo patient(s) to {folder(args)}")
    return EXIT_OK


def _patients(args: argparse.Namespace) -> int:
    from sps_tracker.services import Tracker

    tracker = Tracker.open(folder(args))
    try:
        for summary in tracker.list_patients():
            print(
                f"{summary.patient.id}\t{summary.patient.display_name}\t{summary.assessment_count}"
            )
    finally:
        tracker.close()
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from sps_tracker.services import Tracker

    tracker = Tracker.open(folder(args))
    try:
        problems = tracker.check()
    finally:
        tracker.close()
    if problems:
        print(f"{len(problems)} problem(s) found:")
        for problem in problems:
            print(f"- {problem}")
        return EXIT_PROBLEMS
    print("The database is sound.")
    return EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    from sps_tracker.safety import backup_now

    written = backup_now(folder(args), Path(args.out).expanduser() if args.out else None)
    print(f"Backed up to {written}")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from sps_tracker.safety import restore_database

    report = restore_database(folder(args), Path(args.file))
    counts = ", ".join(f"{kind}: {n}" for kind, n in report.record_counts.items())
    print(f"Restored from {report.restored_from}: {counts}")
    if report.upgraded_from:
        print(f"Upgraded from schema {report.upgraded_from}")
    if report.previous_kept_at is not None:
        print(f"The database it replaced was kept at {report.previous_kept_at}")
    return EXIT_OK


def _backups(args: argparse.Namespace) -> int:
    from sps_tracker.safety import backup_status, list_backups

    for info in list_backups(folder(args)):
        counts = ", ".join(f"{kind}: {n}" for kind, n in info.record_counts.items())
        print(f"{info.taken_at:%Y-%m-%d %H:%M:%S} UTC\t{info.reason}\t{counts or info.problem}")
        print(f"\t{info.path}")
    status = backup_status(folder(args))
    if status.warning:
        print(f"Warning: {status.warning}")
        return EXIT_PROBLEMS
    return EXIT_OK


def _audit_log(args: argparse.Namespace) -> int:
    from sps_tracker.exchange.audit_export import export_audit_csv
    from sps_tracker.services import Tracker

    tracker = Tracker.open(folder(args))
    try:
        written = export_audit_csv(tracker.audit_trail(), Path(args.file).expanduser())
    finally:
        tracker.close()
    print(f"Wrote {written} audit entries to {args.file}")
    return EXIT_OK


def _gui(args: argparse.Namespace) -> int:
    from sps_tracker.app import run_gui

    screenshot = Path(args.screenshot) if args.screenshot else None
    if screenshot is not None and screenshot.suffix.lower() != ".png":
        raise UsageError(f"--screenshot {args.screenshot}: the file name must end in .png")
    return run_gui(data_dir=folder(args), mode=args.mode, screenshot=screenshot, view=args.view)
