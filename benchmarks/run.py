"""`make bench`: every benchmark as a ratio of medians, app against a bare baseline.

Prints one line per benchmark and a summary line on stdout (what the data was and
how long it took go to stderr); exits 1 when a benchmark that ran missed its budget.

    python -m benchmarks.run [--quick] [--only startup,save,...] [--rounds N]

Data comes from sps_tracker.demo.generate into a temporary folder that is removed
afterwards. The in-process benchmarks each run in a fresh worker process, so one
benchmark's imports and garbage cannot slow another's.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import data, startup
from benchmarks.timing import Outcome

ROOT = Path(__file__).resolve().parent.parent
ORDER = ("startup", "memory", "chart", "save", "history", "export", "import")
BUDGETS = {
    "startup": 1.3,
    "memory": 1.3,
    "chart": 1.5,
    "save": 3.0,
    "history": 3.0,
    "export": 2.0,
    "import": 3.0,
}
# Worker benchmarks: module and function, run in their own process.
WORKERS = {
    "chart": ("benchmarks.chart", "measure"),
    "save": ("benchmarks.save", "measure"),
    "history": ("benchmarks.history", "measure"),
    "export": ("benchmarks.exchange", "measure_export"),
    "import": ("benchmarks.exchange", "measure_import"),
}
# Counted rounds per side (each after one warm-up): sized to finish in minutes on 2 cores.
ROUNDS = {"startup": 7, "chart": 7, "save": 9, "history": 9, "export": 5, "import": 3}
WARMUPS = 1
WORKER_TIMEOUT_S = 420


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny data, 2 rounds: a smoke test")
    parser.add_argument("--only", default="", help=f"comma-separated, from {','.join(ORDER)}")
    parser.add_argument("--rounds", type=int, default=None, help="counted rounds per side")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--manifest", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    parser.add_argument("--warmups", type=int, default=WARMUPS, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(ORDER)
    unknown = [n for n in names if n not in ORDER]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    args.names = [n for n in ORDER if n in names]
    return args


def rounds_for(name: str, args: argparse.Namespace) -> int:
    if args.rounds is not None:
        return args.rounds
    return 2 if args.quick else ROUNDS[name]


def environment(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        env[variable] = str(scratch / variable.lower())
    return env


def run_worker(name: str, manifest: Path, scratch: Path, args: argparse.Namespace) -> list[Outcome]:
    folder = scratch / f"worker-{name}"
    folder.mkdir()
    result = folder / "result.json"
    command = [
        sys.executable,
        "-m",
        "benchmarks.run",
        "--worker",
        name,
        "--manifest",
        str(manifest),
        "--scratch",
        str(folder),
        "--rounds",
        str(rounds_for(name, args)),
        "--warmups",
        str(args.warmups),
        "--result",
        str(result),
    ]
    try:
        finished = subprocess.run(
            command,
            cwd=ROOT,
            env=environment(scratch),
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return [Outcome(name, BUDGETS[name], error=f"took over {WORKER_TIMEOUT_S} s")]
    if finished.returncode != 0 or not result.exists():
        tail = " | ".join(finished.stderr.strip().splitlines()[-3:])
        return [Outcome(name, BUDGETS[name], error=f"worker exited {finished.returncode}: {tail}")]
    return [Outcome.from_json(o) for o in json.loads(result.read_text())]


def worker(args: argparse.Namespace) -> int:
    module, function = WORKERS[args.worker]
    measure = getattr(importlib.import_module(module), function)
    manifest = json.loads(Path(args.manifest).read_text())
    outcomes: list[Outcome] = measure(manifest, Path(args.scratch), args.rounds, args.warmups)
    Path(args.result).write_text(json.dumps([o.to_json() for o in outcomes]))
    return 0


def prepare(names: list[str], scratch: Path, quick: bool) -> dict[str, Any]:
    from benchmarks.exchange import missing

    specs = data.QUICK if quick else data.FULL
    wanted: list[str] = []
    if {"startup", "memory", "chart", "save"} & set(names):
        wanted.append("clinic")
    if "history" in names:
        wanted.append("history")
    if {"export", "import"} & set(names) and missing() is None:
        wanted.append("exchange")
    manifest: dict[str, Any] = {}
    for key in wanted:
        started = time.perf_counter()
        manifest[key] = data.make(scratch / key, specs[key])
        counts = ", ".join(f"{n} {t}" for t, n in manifest[key]["counts"].items())
        note(
            f"data {key}: {specs[key].describe()} -> patient {manifest[key]['patient_id']}: "
            f"{counts}; {manifest[key]['all_assessments']} assessments in all "
            f"({time.perf_counter() - started:.0f} s)"
        )
    return manifest


def byte_compile() -> None:
    """Compile the app's modules as installing its wheel does.

    The project is installed editable; under PYTHONDONTWRITEBYTECODE every timed
    start would otherwise compile them again, which no installed copy does.
    """
    import compileall

    compileall.compile_dir(ROOT / "sps_tracker", quiet=1)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.worker:
        return worker(args)
    started = time.perf_counter()
    byte_compile()
    outcomes: list[Outcome] = []

    def report(found: list[Outcome]) -> None:
        for outcome in found:
            if outcome.name in args.names:
                outcomes.append(outcome)
                print(outcome.line(), flush=True)

    with tempfile.TemporaryDirectory(prefix="sps-tracker-bench-") as temporary:
        scratch = Path(temporary)
        manifest = prepare(args.names, scratch, args.quick)
        manifest_path = scratch / "manifest.json"
        manifest_path.write_text(json.dumps(manifest))
        if {"startup", "memory"} & set(args.names):
            report(
                startup.measure(
                    manifest["clinic"], scratch, rounds_for("startup", args), args.warmups
                )
            )
        for name in args.names:
            if name in WORKERS:
                report(run_worker(name, manifest_path, scratch, args))
    ran = [o for o in outcomes if o.ran]
    within = sum(o.within_budget for o in ran)
    skipped = len(outcomes) - len(ran)
    print(
        f"bench: {within} of {len(ran)} within budget"
        + (f" ({skipped} skipped)" if skipped else ""),
        flush=True,
    )
    note(f"bench: whole run {time.perf_counter() - started:.0f} s")
    return 0 if within == len(ran) else 1


if __name__ == "__main__":
    sys.exit(main())
