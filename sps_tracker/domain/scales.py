"""The two scores of the 2001 IVIg trial, defined once as data.

Forms, storage columns, CSV columns and charts are all driven from these
definitions (see ../shared/clinical/sps-facts.md for the sources).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sps_tracker.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class ScaleItem:
    """One yes/no item of a scale: a stiff body area or a kind of trigger."""

    key: str
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Scale:
    """A scale scored as the number of items present (0 .. len(items))."""

    key: str
    abbreviation: str
    name: str
    item_noun: str
    items: tuple[ScaleItem, ...]
    source: str

    @property
    def minimum(self) -> int:
        return 0

    @property
    def maximum(self) -> int:
        return len(self.items)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def item(self, key: str) -> ScaleItem:
        for item in self.items:
            if item.key == key:
                return item
        raise ValidationError(
            self.abbreviation,
            f"{self.item_noun.capitalize()} '{key}' is not one of: "
            + ", ".join(item.label for item in self.items),
        )

    def column(self, key: str) -> str:
        """Storage and CSV column name for one item, e.g. ``dsi_lower_trunk``."""
        return f"{self.key}_{key}"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.column(key) for key in self.keys)

    @property
    def total_column(self) -> str:
        return f"{self.key}_total"

    def answers(self, present: Iterable[str] | Mapping[str, object]) -> dict[str, bool]:
        """Full item answers from the keys marked present (or a key -> yes/no mapping).

        Unknown keys are refused with a message that names them, never dropped.
        """
        if isinstance(present, Mapping):
            for key in present:
                self.item(str(key))
            for key, value in present.items():
                if not isinstance(value, bool) and value not in (0, 1):
                    raise ValidationError(
                        self.column(str(key)),
                        f"{self.item(str(key)).label.capitalize()} must be yes or no, "
                        f"not {value!r}",
                    )
            return {key: bool(present.get(key, False)) for key in self.keys}
        chosen = set()
        for key in present:
            self.item(key)
            chosen.add(key)
        return {key: key in chosen for key in self.keys}

    def total(self, answers: Mapping[str, bool]) -> int:
        """The score: how many items are present. Derived, never typed."""
        return sum(1 for key in self.keys if answers.get(key, False))


DSI = Scale(
    key="dsi",
    abbreviation="DSI",
    name="Distribution-of-stiffness index",
    item_noun="stiffness area",
    items=(
        ScaleItem("lower_trunk", "lower trunk"),
        ScaleItem("upper_trunk", "upper trunk"),
        ScaleItem("legs", "legs", "both legs count as one area"),
        ScaleItem("arms", "arms", "both arms count as one area"),
        ScaleItem("face", "face"),
        ScaleItem("abdomen", "abdomen"),
    ),
    source="Dalakas et al., N Engl J Med 2001;345:1870-6; areas as in NCT03749096, NCT03829826",
)

HSS = Scale(
    key="hss",
    abbreviation="HSS",
    name="Heightened-sensitivity scale",
    item_noun="trigger",
    items=(
        ScaleItem("unexpected_noise", "unexpected noise"),
        ScaleItem("visual", "visual stimuli", "sudden movement in view"),
        ScaleItem("touch", "touch", "somatosensory stimuli"),
        ScaleItem("voluntary_movement", "activity / voluntary movement"),
        ScaleItem("emotional_upset", "stress or emotional upset"),
        ScaleItem("spontaneous", "spasms with no stimulus", "spontaneous spasms"),
        ScaleItem("nocturnal", "nocturnal spasms"),
    ),
    source="Dalakas et al., N Engl J Med 2001;345:1870-6 (review of the paper for the items)",
)

SCALES: tuple[Scale, ...] = (DSI, HSS)


def scale(key: str) -> Scale:
    for candidate in SCALES:
        if candidate.key == key:
            return candidate
    raise ValidationError("scale", f"Scale '{key}' is not one of: dsi, hss")
