"""--self-test: one line per step; a failure fails the run; the user's data is untouched."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sps_tracker import selftest
from sps_tracker.cli import run


def lines(text: str) -> dict[str, str]:
    """Step name -> its status word (PASS, SKIP, FAIL)."""
    found = {}
    for line in text.splitlines():
        status, _, rest = line.partition("  ")
        if status in {"PASS", "SKIP", "FAIL"}:
            found[rest.split(":", 1)[0]] = status
    return found


def test_self_test_passes_and_leaves_the_data_folder_alone(data_dir: Path, qapp: object) -> None:
    out = io.StringIO()
    assert selftest.run(out) == 0, out.getvalue()
    status = lines(out.getvalue())
    assert list(status) == [step.name for step in selftest.STEPS]
    for must_pass in ("resources", "database", "demo data", "main window", "backup", "log"):
        assert status[must_pass] == "PASS"
    assert out.getvalue().rstrip().endswith("0 failed")
    # The conftest's data folder stands for the person's real one.
    assert not data_dir.exists()


def test_features_not_built_yet_are_skipped_not_passed(qapp: object) -> None:
    out = io.StringIO()
    selftest.run(out)
    status = lines(out.getvalue())
    for step in selftest.STEPS:
        if step.needs:
            built = selftest._exists(step.needs)
            assert status[step.name] == ("PASS" if built else "SKIP"), out.getvalue()
            if not built:
                assert f"{step.name}: skipped (not built yet)" in out.getvalue()


def test_a_failing_step_fails_the_run_and_stops_the_rest() -> None:
    def broken(ctx: selftest.Context) -> str:
        raise selftest.StepFailed("the disc is full")

    steps = [
        selftest.Step("first", lambda ctx: "fine"),
        selftest.Step("broken", broken),
        selftest.Step("after", lambda ctx: "fine"),
        selftest.Step("future", lambda ctx: "fine", needs="sps_tracker.no_such_feature"),
    ]
    out = io.StringIO()
    assert selftest.run(out, steps) == 1
    text = out.getvalue()
    assert "PASS  first: fine" in text
    assert "FAIL  broken: StepFailed: the disc is full" in text
    assert "FAIL  after: not run (an earlier step failed)" in text
    assert "SKIP  future: skipped (not built yet)" in text
    assert "self-test FAILED: 1 passed, 1 skipped, 2 failed" in text


def test_cli_self_test_ignores_data_dir(
    tmp_path: Path, qapp: object, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = tmp_path / "my-real-data"
    assert run(["--data-dir", str(chosen), "--self-test"]) == 0
    assert "self-test passed" in capsys.readouterr().out
    assert not chosen.exists()
