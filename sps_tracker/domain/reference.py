"""Reference sets: lines and bands drawn behind a patient's scores, loaded from data.

A reference set is a versioned JSON file that names its source and population, the
scale it applies to, and its bands. The app ships only what sps-facts.md holds;
a clinician who has a paper's group means can write them in this format and import
them. Example::

    {
      "format": "sps-tracker-reference-set", "version": 1,
      "id": "my-trial-ivig-group", "title": "IVIg group, months of phase",
      "source": {"citation": "...", "kind": "user_supplied", "url": ""},
      "population": "...", "scale": "dsi",
      "bands": [{"kind": "mean_sd", "mean": 3.1, "sd": 1.2, "n": 8, "group": "IVIg",
                 "x_anchor": {"type": "month_of_phase", "month": 2}}]
    }
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from sps_tracker.domain.errors import ProblemCollector, ValidationError
from sps_tracker.domain.scales import SCALES, Scale

FORMAT_NAME = "sps-tracker-reference-set"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 1_000_000  # a reference set is a few lines; anything bigger is the wrong file
MAX_BANDS = 500

E = TypeVar("E", bound=StrEnum)


class SourceKind(StrEnum):
    """What a line is, said on every overlay (sps-facts.md, design consequences)."""

    SCALE_BOUND = "scale_bound"
    PUBLISHED_THRESHOLD = "published_threshold"
    USER_SUPPLIED = "user_supplied"


class BandKind(StrEnum):
    BOUND = "bound"  # the scale's possible range: low and high
    RANGE = "range"  # a band from low to high
    MEAN_SD = "mean_sd"  # a mean with a band of +/- one SD
    THRESHOLD = "threshold"  # one line at value
    FRACTION_OF_BASELINE = "fraction_of_baseline"  # a line at fraction x the patient's baseline


class AnchorType(StrEnum):
    WHOLE_RECORD = "whole_record"  # across the whole time axis
    MONTH_OF_PHASE = "month_of_phase"  # month N (30 days) from the first course's first day
    DAYS_SINCE_FIRST_COURSE = "days_since_first_course"  # days from..to after the first course


@dataclass(frozen=True, slots=True)
class XAnchor:
    type: AnchorType
    month: int | None = None
    first: int | None = None  # days, for DAYS_SINCE_FIRST_COURSE
    last: int | None = None

    def day_span(self, month_days: int = 30) -> tuple[int, int] | None:
        """Days after the first course's first day the band covers; None: the whole record."""
        if self.type is AnchorType.MONTH_OF_PHASE and self.month is not None:
            return ((self.month - 1) * month_days, self.month * month_days - 1)
        if self.type is AnchorType.DAYS_SINCE_FIRST_COURSE:
            assert self.first is not None and self.last is not None
            return (self.first, self.last)
        return None


@dataclass(frozen=True, slots=True)
class Band:
    kind: BandKind
    anchor: XAnchor
    label: str = ""
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None
    value: float | None = None
    fraction: float | None = None
    n: int | None = None
    group: str = ""


@dataclass(frozen=True, slots=True)
class ReferenceSet:
    id: str
    title: str
    citation: str
    source_kind: SourceKind
    population: str
    scale: str
    bands: tuple[Band, ...]
    url: str = ""
    short_source: str = ""  # a few words for a legend, e.g. "NCT03829826"
    version: int = FORMAT_VERSION
    origin: str = ""  # the file it came from, for messages

    @property
    def source_label(self) -> str:
        """What a legend or tooltip says about where the lines come from."""
        return f"{self.citation} ({self.source_kind.value.replace('_', ' ')})"


# -- the schema check -----------------------------------------------------------


def _number(p: ProblemCollector, data: Mapping[str, object], key: str, where: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        p.add(f"{where}.{key}", f"{where}.{key} must be a number, not {value!r}")
        return None
    return float(value)


def _text(
    p: ProblemCollector, data: Mapping[str, object], key: str, where: str, *, required: bool
) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            p.add(f"{where}{key}", f"{where}{key} is required and must be non-empty text")
        return ""
    if not isinstance(value, str):
        p.add(f"{where}{key}", f"{where}{key} must be text, not {type(value).__name__}")
        return ""
    return value.strip()


def _integer(
    p: ProblemCollector, data: Mapping[str, object], key: str, where: str, *, minimum: int
) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        p.add(f"{where}.{key}", f"{where}.{key} must be a whole number of at least {minimum}")
        return None
    return value


def _choice(p: ProblemCollector, value: object, enum: type[E], where: str) -> E | None:
    allowed = ", ".join(e.value for e in enum)
    if isinstance(value, str):
        for member in enum:
            if member.value == value:
                return member
    p.add(where, f"{where} must be one of: {allowed} (found {value!r})")
    return None


def _anchor(p: ProblemCollector, data: object, where: str) -> XAnchor | None:
    if data is None:
        return XAnchor(AnchorType.WHOLE_RECORD)
    if not isinstance(data, dict):
        p.add(where, f"{where} must be an object with a 'type'")
        return None
    kind = _choice(p, data.get("type"), AnchorType, f"{where}.type")
    if kind is None:
        return None
    if kind is AnchorType.MONTH_OF_PHASE:
        month = _integer(p, data, "month", where, minimum=1)
        if month is None:
            if "month" not in data:
                p.add(f"{where}.month", f"{where}.month is required for month_of_phase")
            return None
        return XAnchor(kind, month=month)
    if kind is AnchorType.DAYS_SINCE_FIRST_COURSE:
        first = _integer(p, data, "from", where, minimum=-3650)
        last = _integer(p, data, "to", where, minimum=-3650)
        if first is None or last is None:
            p.add(where, f"{where} needs whole-number 'from' and 'to' days")
            return None
        if last < first:
            p.add(f"{where}.to", f"{where}.to ({last}) is before {where}.from ({first})")
            return None
        return XAnchor(kind, first=first, last=last)
    return XAnchor(kind)


def _band(p: ProblemCollector, data: object, where: str, scale: Scale | None) -> Band | None:
    if not isinstance(data, dict):
        p.add(where, f"{where} must be an object")
        return None
    before = len(p.problems)
    kind = _choice(p, data.get("kind"), BandKind, f"{where}.kind")
    anchor = _anchor(p, data.get("x_anchor"), f"{where}.x_anchor")
    low, high = _number(p, data, "low", where), _number(p, data, "high", where)
    mean, sd = _number(p, data, "mean", where), _number(p, data, "sd", where)
    value, fraction = _number(p, data, "value", where), _number(p, data, "fraction", where)
    n = _integer(p, data, "n", where, minimum=1)
    label = _text(p, data, "label", f"{where}.", required=False)
    group = _text(p, data, "group", f"{where}.", required=False)
    needs: dict[BandKind, tuple[str, ...]] = {
        BandKind.BOUND: ("low", "high"),
        BandKind.RANGE: ("low", "high"),
        BandKind.MEAN_SD: ("mean", "sd"),
        BandKind.THRESHOLD: ("value",),
        BandKind.FRACTION_OF_BASELINE: ("fraction",),
    }
    numbers = {"low": low, "high": high, "mean": mean, "sd": sd, "value": value}
    numbers["fraction"] = fraction
    if kind is not None:
        for key in needs[kind]:
            if numbers[key] is None and key not in data:
                p.add(f"{where}.{key}", f"{where}.{key} is required for a {kind.value} band")
    if low is not None and high is not None and high < low:
        p.add(f"{where}.high", f"{where}.high ({high:g}) is below {where}.low ({low:g})")
    if sd is not None and sd < 0:
        p.add(f"{where}.sd", f"{where}.sd cannot be negative")
    if fraction is not None and not 0 < fraction < 1:
        p.add(f"{where}.fraction", f"{where}.fraction must lie between 0 and 1")
    if scale is not None:
        for key in ("low", "high", "mean", "value"):
            number = numbers[key]
            if number is not None and not scale.minimum <= number <= scale.maximum:
                p.add(
                    f"{where}.{key}",
                    f"{where}.{key} ({number:g}) is outside the {scale.abbreviation} range "
                    f"{scale.minimum} to {scale.maximum}",
                )
    if len(p.problems) > before or kind is None or anchor is None:
        return None
    return Band(kind, anchor, label, low, high, mean, sd, value, fraction, n, group)


def parse_reference_set(data: object, origin: str = "") -> ReferenceSet:
    """A reference set from decoded JSON, or ValidationError listing every problem."""
    p = ProblemCollector()
    if not isinstance(data, dict):
        raise ValidationError("file", "A reference set must be a JSON object")
    if data.get("format") != FORMAT_NAME:
        p.add("format", f'format must be "{FORMAT_NAME}" (found {data.get("format")!r})')
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        p.add("version", "version must be a whole number (this app reads version 1)")
    elif version > FORMAT_VERSION:
        p.add(
            "version",
            f"version {version} is newer than this app understands ({FORMAT_VERSION}); "
            "update the app to read it",
        )
    set_id = _text(p, data, "id", "", required=True)
    if set_id and not all(c.isalnum() or c in "-_." for c in set_id):
        p.add("id", "id may hold only letters, digits, '-', '_' and '.'")
    title = _text(p, data, "title", "", required=True)
    population = _text(p, data, "population", "", required=True)
    source = data.get("source")
    citation, url, short_source, source_kind = "", "", "", None
    if not isinstance(source, dict):
        p.add("source", "source must be an object with a citation and a kind")
    else:
        citation = _text(p, source, "citation", "source.", required=True)
        url = _text(p, source, "url", "source.", required=False)
        short_source = _text(p, source, "short", "source.", required=False)
        if len(short_source) > 40:
            p.add("source.short", "source.short must be at most 40 characters")
        source_kind = _choice(p, source.get("kind"), SourceKind, "source.kind")
    scale: Scale | None = None
    keys = [s.key for s in SCALES]
    scale_key = data.get("scale")
    for candidate in SCALES:
        if candidate.key == scale_key:
            scale = candidate
    if scale is None:
        p.add("scale", f"scale must be one of: {', '.join(keys)} (found {scale_key!r})")
    raw_bands = data.get("bands")
    bands: list[Band] = []
    if not isinstance(raw_bands, list) or not raw_bands:
        p.add("bands", "bands must be a non-empty list")
    elif len(raw_bands) > MAX_BANDS:
        p.add("bands", f"bands holds {len(raw_bands)} entries; at most {MAX_BANDS} are read")
    else:
        for index, raw in enumerate(raw_bands):
            band = _band(p, raw, f"bands[{index}]", scale)
            if band is not None:
                bands.append(band)
    p.raise_if_any()
    assert scale is not None and source_kind is not None and isinstance(version, int)
    return ReferenceSet(
        set_id,
        title,
        citation,
        source_kind,
        population,
        scale.key,
        tuple(bands),
        url,
        short_source,
        version,
        origin,
    )


def load_reference_set(path: Path) -> ReferenceSet:
    """Read and check one file; every problem is reported with the file's name."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationError(
                "file", f"{path.name} is too large ({size} bytes) for a reference set"
            )
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValidationError("file", f"{path.name} cannot be read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise ValidationError("file", f"{path.name} is not UTF-8 text") from error
    kept = _parsed.get(str(path))
    if kept is not None and kept[0] == text:
        # The chart asks for the sets every time it draws a patient; the text is the same.
        return kept[1]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            "file", f"{path.name} is not valid JSON (line {error.lineno}: {error.msg})"
        ) from error
    try:
        reference = parse_reference_set(data, str(path))
    except ValidationError as error:
        raise ValidationError(
            problems=[type(q)(q.field, f"{path.name}: {q.message}") for q in error.problems]
        ) from None
    _parsed[str(path)] = (text, reference)
    return reference


# The last text read from each file and the set it gave (sets are frozen).
_parsed: dict[str, tuple[str, ReferenceSet]] = {}


def load_folder(folder: Path) -> tuple[list[ReferenceSet], list[ValidationError]]:
    """Every *.json in a folder, by file name; broken files are returned as errors, not raised."""
    found: list[ReferenceSet] = []
    broken: list[ValidationError] = []
    if not folder.is_dir():
        return found, broken
    for path in sorted(folder.glob("*.json")):
        try:
            found.append(load_reference_set(path))
        except ValidationError as error:
            broken.append(error)
    return found, broken


def to_json(reference: ReferenceSet) -> str:
    """The set written back in the file format (for copying an imported set)."""

    def anchor(a: XAnchor) -> dict[str, object]:
        out: dict[str, object] = {"type": a.type.value}
        if a.month is not None:
            out["month"] = a.month
        if a.first is not None:
            out["from"], out["to"] = a.first, a.last
        return out

    bands = []
    for band in reference.bands:
        entry: dict[str, object] = {"kind": band.kind.value, "x_anchor": anchor(band.anchor)}
        for key in ("label", "group"):
            if getattr(band, key):
                entry[key] = getattr(band, key)
        for key in ("low", "high", "mean", "sd", "value", "fraction", "n"):
            if getattr(band, key) is not None:
                entry[key] = getattr(band, key)
        bands.append(entry)
    document = {
        "format": FORMAT_NAME,
        "version": reference.version,
        "id": reference.id,
        "title": reference.title,
        "source": {
            "citation": reference.citation,
            "kind": reference.source_kind.value,
            "url": reference.url,
            "short": reference.short_source,
        },
        "population": reference.population,
        "scale": reference.scale,
        "bands": bands,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
