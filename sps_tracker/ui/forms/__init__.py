"""Entry forms: one dialog per kind of record, all built on :class:`EntryForm`.

A form's module is imported when the form is first opened, not when the window starts.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sps_tracker.storage.models import Record
    from sps_tracker.ui.forms.base import EntryForm

# Record kind -> module and class of its form.
_FORMS = {
    "assessment": ("assessment", "AssessmentForm"),
    "fall": ("fall", "FallForm"),
    "infusion": ("infusion", "InfusionForm"),
    "medication": ("medication", "MedicationForm"),
    "lab": ("lab", "LabForm"),
}


def form_class(kind: type[Record]) -> type[EntryForm] | None:
    """The form for a patient's record kind; None for a kind without one (the patient)."""
    found = _FORMS.get(kind.kind)
    if found is None:
        return None
    module, name = found
    form: type[EntryForm] = getattr(import_module(f"{__name__}.{module}"), name)
    return form
