"""The audit log as a CSV file: every add, edit, delete and restore, oldest first.

Unlike the record exports, the audit log keeps deleted records: it is the
account of what happened to them.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from sps_tracker.exchange.formats import neutralise
from sps_tracker.storage.models import AuditEntry

AUDIT_COLUMNS: tuple[str, ...] = (
    "at",
    "actor",
    "action",
    "record_kind",
    "record_uuid",
    "patient_uuid",
    "old_values",
    "new_values",
)


def audit_rows(entries: Iterable[AuditEntry]) -> Iterable[dict[str, str]]:
    for entry in entries:
        yield {
            # Instants in UTC with their offset, like every other export.
            "at": entry.at.isoformat(),
            # Typed by a person ("Your name"): never run as a spreadsheet formula.
            "actor": neutralise(entry.actor),
            "action": entry.action,
            "record_kind": entry.record_kind,
            "record_uuid": entry.record_uuid,
            "patient_uuid": entry.patient_uuid or "",
            "old_values": entry.old_values or "",
            "new_values": entry.new_values or "",
        }


def write_audit_csv(entries: Iterable[AuditEntry], stream: TextIO) -> int:
    """Write the entries to an open text stream (newline=""); returns how many."""
    writer = csv.DictWriter(stream, fieldnames=AUDIT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in audit_rows(entries):
        writer.writerow(row)
        count += 1
    return count


def export_audit_csv(entries: Iterable[AuditEntry], path: Path) -> int:
    """Write the audit log to ``path`` (UTF-8 with BOM so spreadsheets read accents)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as stream:
        return write_audit_csv(entries, stream)
