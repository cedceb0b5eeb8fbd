"""Keeping the entry being typed when something goes wrong.

A form registers a *draft saver*: a function that writes whatever the person has
typed so far (with write_draft) and returns a short description of it, or None
when there is nothing to keep. The crash handler calls every saver before it
shows its dialog; the form offers the draft back (read_draft) when it next opens.

    unregister = drafts.register(self.save_draft)   # in the form's __init__
    self.destroyed.connect(unregister)               # or call it when the form closes

Drafts are patient data: they live in the data folder (owner-only), never in the log.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sps_tracker.paths import ensure_private_dir

log = logging.getLogger(__name__)

DraftSaver = Callable[[], str | None]

_savers: dict[int, DraftSaver] = {}
_next_key = 0


def register(saver: DraftSaver) -> Callable[[], None]:
    """Add a saver; returns the function that removes it again."""
    global _next_key
    key = _next_key
    _next_key += 1
    _savers[key] = saver

    def unregister(*_args: object) -> None:
        _savers.pop(key, None)

    return unregister


def registered() -> int:
    return len(_savers)


def save_all() -> list[str]:
    """Ask every registered form to keep its entry; one failing form does not stop the rest."""
    kept: list[str] = []
    for saver in list(_savers.values()):
        try:
            description = saver()
        except Exception as error:  # a broken form must not hide the original crash
            log.warning("a draft could not be saved: %s", type(error).__name__)
            continue
        if description:
            kept.append(description)
    if kept:
        log.info("kept %d draft(s) after an error", len(kept))
    return kept


def drafts_dir(data_dir: Path) -> Path:
    return data_dir / "drafts"


def write_draft(data_dir: Path, name: str, values: Mapping[str, Any]) -> Path:
    """Write ``values`` (JSON-able) as the draft ``name``, atomically and owner-only."""
    folder = ensure_private_dir(drafts_dir(data_dir))
    path = folder / f"{_safe(name)}.json"
    partial = path.with_name(path.name + ".part")
    with partial.open("w", encoding="utf-8") as handle:
        json.dump(dict(values), handle, ensure_ascii=False, indent=1, default=str)
        handle.flush()
        os.fsync(handle.fileno())
    if os.name == "posix":
        partial.chmod(0o600)
    os.replace(partial, path)
    return path


def read_draft(data_dir: Path, name: str) -> dict[str, Any] | None:
    path = drafts_dir(data_dir) / f"{_safe(name)}.json"
    try:
        with path.open(encoding="utf-8") as handle:
            loaded = json.load(handle)
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def discard_draft(data_dir: Path, name: str) -> None:
    (drafts_dir(data_dir) / f"{_safe(name)}.json").unlink(missing_ok=True)


def _safe(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    if not cleaned:
        raise ValueError("a draft needs a name made of letters, digits, '-' or '_'")
    return cleaned
