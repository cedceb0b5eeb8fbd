"""Undoable changes: each command calls the service API; the undo stack replays them.

A command is pushed only after its first action succeeded, so a refused entry never
reaches the stack and nothing is half-done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from sps_tracker.services import Tracker
from sps_tracker.storage.models import Patient, Record

log = logging.getLogger(__name__)

Changed = Callable[[Record], None]

# Fields that belong to the machine, never put back by an undo.
MACHINE_FIELDS = frozenset({"id", "uuid", "created_at", "updated_at", "deleted_at", "patient_id"})


def _delete(tracker: Tracker, kind: type[Record], record_id: int) -> Record:
    if kind is Patient:
        return tracker.delete_patient(record_id)
    return tracker.delete(kind, record_id)  # type: ignore[type-var]


def _restore(tracker: Tracker, kind: type[Record], record_id: int) -> Record:
    if kind is Patient:
        return tracker.restore_patient(record_id)
    return tracker.restore(kind, record_id)  # type: ignore[type-var]


def _update(tracker: Tracker, kind: type[Record], record_id: int, values: dict[str, Any]) -> Record:
    if kind is Patient:
        return tracker.update_patient(record_id, **values)
    return tracker.update(kind, record_id, **values)  # type: ignore[type-var]


class RecordCommand(QUndoCommand):
    """A change already made once; later redo/undo go through the service again."""

    def __init__(self, tracker: Tracker, record: Record, text: str, changed: Changed) -> None:
        super().__init__(text)
        self.tracker = tracker
        self.kind: type[Record] = type(record)
        self.record_id = record.id
        self.changed = changed
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._run(self.forward)

    def undo(self) -> None:
        self._run(self.backward)

    def _run(self, step: Callable[[], Record]) -> None:
        try:
            record = step()
        except (LookupError, ValueError) as error:
            # The record changed elsewhere (another window, the CLI): say so, change nothing.
            log.warning("undo step failed: %s", type(error).__name__)
            self.setObsolete(True)
            return
        self.changed(record)

    def forward(self) -> Record:
        raise NotImplementedError

    def backward(self) -> Record:
        raise NotImplementedError


class AddCommand(RecordCommand):
    def forward(self) -> Record:
        return _restore(self.tracker, self.kind, self.record_id)

    def backward(self) -> Record:
        return _delete(self.tracker, self.kind, self.record_id)


class DeleteCommand(RecordCommand):
    def forward(self) -> Record:
        return _delete(self.tracker, self.kind, self.record_id)

    def backward(self) -> Record:
        return _restore(self.tracker, self.kind, self.record_id)


class EditCommand(RecordCommand):
    def __init__(
        self,
        tracker: Tracker,
        before: Record,
        after: Record,
        fields: list[str],
        text: str,
        changed: Changed,
    ) -> None:
        super().__init__(tracker, after, text, changed)
        old, new = before.values(), after.values()
        keep = [f for f in fields if f not in MACHINE_FIELDS]
        self.old = {f: old[f] for f in keep}
        self.new = {f: new[f] for f in keep}

    def forward(self) -> Record:
        return _update(self.tracker, self.kind, self.record_id, self.new)

    def backward(self) -> Record:
        return _update(self.tracker, self.kind, self.record_id, self.old)


class RestoreCommand(RecordCommand):
    """Bringing back a deleted record (from Recently deleted); undo deletes it again."""

    def forward(self) -> Record:
        return _restore(self.tracker, self.kind, self.record_id)

    def backward(self) -> Record:
        return _delete(self.tracker, self.kind, self.record_id)
