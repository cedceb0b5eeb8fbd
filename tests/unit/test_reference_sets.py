"""The reference-set file format: the shipped sets, the schema check and its messages."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from sps_tracker.domain import reference as r
from sps_tracker.domain.analysis import RESPONSE_FRACTION
from sps_tracker.domain.errors import ValidationError
from sps_tracker.paths import resources_dir

SHIPPED = resources_dir() / "reference-sets"
FACTS = Path("/work/shared/clinical/sps-facts.md")

VALID: dict[str, Any] = {
    "format": "sps-tracker-reference-set",
    "version": 1,
    "id": "clinic-ivig-group",
    "title": "IVIg group by month of phase",
    "source": {"citation": "A paper a clinician holds", "kind": "user_supplied"},
    "population": "16 patients",
    "scale": "dsi",
    "bands": [
        {
            "kind": "mean_sd",
            "mean": 3.5,
            "sd": 1.0,
            "n": 7,
            "group": "IVIg first",
            "x_anchor": {"type": "month_of_phase", "month": 2},
        },
        {
            "kind": "range",
            "low": 1,
            "high": 5,
            "x_anchor": {"type": "days_since_first_course", "from": 30, "to": 89},
        },
    ],
}


def problems(data: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        r.parse_reference_set(data)
    return {p.field: p.message for p in caught.value.problems}


def test_every_shipped_set_loads() -> None:
    found, broken = r.load_folder(SHIPPED)
    assert broken == []
    assert {s.id for s in found} == {
        "dsi-scale-bounds",
        "hss-scale-bounds",
        "nct03829826-response",
        "kysa8-entry",
    }


def test_shipped_sets_hold_only_facts_from_the_clinical_page() -> None:
    found, _ = r.load_folder(SHIPPED)
    by_id = {s.id: s for s in found}
    assert by_id["dsi-scale-bounds"].bands[0].low == 0
    assert by_id["dsi-scale-bounds"].bands[0].high == 6
    assert by_id["hss-scale-bounds"].bands[0].high == 7
    assert by_id["nct03829826-response"].bands[0].fraction == RESPONSE_FRACTION
    assert by_id["kysa8-entry"].bands[0].value == 2
    for s in found:
        # No group means or SDs: the 2001 trial's were not obtainable.
        assert all(b.kind not in (r.BandKind.MEAN_SD, r.BandKind.RANGE) for b in s.bands)
        assert s.source_kind is not r.SourceKind.USER_SUPPLIED
    if FACTS.exists():
        text = FACTS.read_text(encoding="utf-8")
        for cited in ("NCT03829826", "NCT06588491", "Ann Neurol 2017;82:271-7"):
            assert cited in text


def test_a_valid_user_set_parses_with_its_anchors() -> None:
    found = r.parse_reference_set(VALID)
    assert found.source_kind is r.SourceKind.USER_SUPPLIED
    assert found.bands[0].anchor.day_span() == (30, 59)
    assert found.bands[1].anchor.day_span() == (30, 89)
    assert "user supplied" in found.source_label


def test_round_trip_through_the_file_format() -> None:
    found = r.parse_reference_set(VALID)
    assert r.parse_reference_set(json.loads(r.to_json(found))) == found


def test_every_problem_is_named_at_once() -> None:
    bad = copy.deepcopy(VALID)
    bad["version"] = 2
    bad["scale"] = "mrs"
    bad["source"] = {"citation": "  ", "kind": "rumour"}
    bad["bands"][0]["sd"] = -1
    bad["bands"][1]["high"] = 0
    found = problems(bad)
    assert "newer than this app" in found["version"]
    assert "dsi, hss" in found["scale"]
    assert "source.citation" in found
    assert "scale_bound" in found["source.kind"]
    assert "negative" in found["bands[0].sd"]
    assert "below" in found["bands[1].high"]


def test_values_outside_the_scale_are_refused() -> None:
    bad = copy.deepcopy(VALID)
    bad["bands"][0]["mean"] = 6.5
    assert "outside the DSI range 0 to 6" in problems(bad)["bands[0].mean"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"format": "something"}, "format", "sps-tracker-reference-set"),
        ({"bands": []}, "bands", "non-empty"),
        ({"id": "../../etc"}, "id", "letters, digits"),
        ({"population": None}, "population", "required"),
        (
            {"bands": [{"kind": "threshold", "x_anchor": {"type": "whole_record"}}]},
            "bands[0].value",
            "required",
        ),
        (
            {"bands": [{"kind": "fraction_of_baseline", "fraction": 1.5}]},
            "bands[0].fraction",
            "between 0 and 1",
        ),
        ({"bands": [{"kind": "threshold", "value": "2"}]}, "bands[0].value", "number"),
        ({"bands": [{"kind": "threshold", "value": 2, "n": 0}]}, "bands[0].n", "at least 1"),
        (
            {"bands": [{"kind": "threshold", "value": 2, "x_anchor": {"type": "month_of_phase"}}]},
            "bands[0].x_anchor.month",
            "required",
        ),
        (
            {
                "bands": [
                    {
                        "kind": "threshold",
                        "value": 2,
                        "x_anchor": {"type": "days_since_first_course", "from": 5, "to": 1},
                    }
                ]
            },
            "bands[0].x_anchor.to",
            "before",
        ),
        ({"bands": [{"kind": "wave", "value": 2}]}, "bands[0].kind", "bound, range"),
    ],
)
def test_schema_messages_name_the_field(change: dict[str, Any], field: str, words: str) -> None:
    bad = {**copy.deepcopy(VALID), **change}
    assert words in problems(bad)[field]


def test_a_band_without_an_anchor_spans_the_whole_record() -> None:
    data = {**VALID, "bands": [{"kind": "threshold", "value": 2}]}
    assert r.parse_reference_set(data).bands[0].anchor.day_span() is None


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="broken.json is not valid JSON"):
        r.load_reference_set(broken)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**VALID, "scale": "x"}), encoding="utf-8")
    with pytest.raises(ValidationError, match="wrong.json: scale must be"):
        r.load_reference_set(wrong)
    with pytest.raises(ValidationError, match="cannot be read"):
        r.load_reference_set(tmp_path / "missing.json")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ValidationError, match="not UTF-8"):
        r.load_reference_set(binary)
    assert r.parse_reference_set.__name__  # the module stays importable without Qt


def test_load_folder_reports_broken_files_without_stopping(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(VALID), encoding="utf-8")
    (tmp_path / "b.json").write_text("[]", encoding="utf-8")
    found, broken = r.load_folder(tmp_path)
    assert [s.id for s in found] == ["clinic-ivig-group"]
    assert len(broken) == 1 and "JSON object" in str(broken[0])
    assert r.load_folder(tmp_path / "none") == ([], [])


def test_a_file_read_again_gives_the_same_set_until_its_text_changes(tmp_path: Path) -> None:
    path = tmp_path / "group.json"
    path.write_text(json.dumps(VALID), encoding="utf-8")
    first = r.load_reference_set(path)
    assert r.load_reference_set(path) is first
    # Rewritten at once with text of the same length: read as it now is.
    changed = json.dumps(VALID).replace("16 patients", "17 patients")
    path.write_text(changed, encoding="utf-8")
    second = r.load_reference_set(path)
    assert second.population == "17 patients" and first.population == "16 patients"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid JSON"):
        r.load_reference_set(path)
