"""Fixed choices recorded with each entry, defined once (keys are stored, labels shown)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    label: str


def keys(choices: tuple[Choice, ...]) -> tuple[str, ...]:
    return tuple(choice.key for choice in choices)


def label(choices: tuple[Choice, ...], key: str | None) -> str:
    for choice in choices:
        if choice.key == key:
            return choice.label
    return key or ""


# Who rated the scores: a clinician's examination and a patient's self-rating are
# different sources and are shown apart (sps-facts.md, design consequences).
ASSESSMENT_SOURCES = (
    Choice("clinician", "clinician examination"),
    Choice("patient", "patient self-rating"),
)

# Walking status as recorded in the Wang et al. 2024 cohort (sps-facts.md).
WALKING_STATUSES = (
    Choice("independent", "independent"),
    Choice("cane", "one-sided aid (cane)"),
    Choice("walker", "two-sided aid (walker)"),
    Choice("wheelchair", "wheelchair"),
)

FALL_TRIGGERS = (
    Choice("startle_noise", "startle / noise"),
    Choice("touch", "touch"),
    Choice("emotion", "emotion"),
    Choice("movement", "movement"),
    Choice("none", "nothing (no trigger)"),
    Choice("other", "other"),
)

ANTIBODY_STATUSES = (
    Choice("positive", "anti-GAD65 positive"),
    Choice("negative", "anti-GAD65 negative"),
    Choice("unknown", "unknown"),
)

# Reactions named in generic IVIg order sets (sps-facts.md).
INFUSION_REACTIONS = (
    Choice("headache", "headache"),
    Choice("chills", "chills"),
    Choice("fever", "fever"),
    Choice("flushing", "flushing"),
    Choice("rash", "rash"),
    Choice("aseptic_meningitis", "aseptic meningitis"),
    Choice("thrombosis", "thrombosis"),
)

# Offered in the product box; any other name may be typed.
IVIG_PRODUCTS = ("Gamunex-C", "Privigen", "Gammagard Liquid", "Octagam", "HyQvia")

LAB_ANALYTES = ("anti-GAD65",)
LAB_UNITS = ("U/mL", "nmol/L", "µg/mL", "IU/mL")
DOSE_UNITS = ("mg", "g", "µg", "mL")
