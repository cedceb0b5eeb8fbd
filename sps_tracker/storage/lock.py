"""One writer per data folder: an operating-system lock on a small file beside the database.

The lock belongs to the open file, so it vanishes with the process: a crash or
a kill never leaves a stale lock behind (the file stays, but nobody holds it).
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sps_tracker.storage.errors import DatabaseError

log = logging.getLogger(__name__)

LOCK_FILENAME = "sps-tracker.lock"


class FolderInUseError(DatabaseError):
    """Another SPS Tracker holds this data folder; nothing was written."""


def lock_path(folder: Path) -> Path:
    return folder / LOCK_FILENAME


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    # flock, not lockf: it belongs to the open file, so a second open in the same
    # process is refused too (the GUI and a test can both see the conflict).
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def holder(folder: Path) -> str:
    """Who holds the lock, as written by the holder ("process 123 on host"), or ""."""
    try:
        with lock_path(folder).open("rb") as handle:
            # Windows locks the first byte against other processes; the note follows it.
            handle.seek(1 if sys.platform == "win32" else 0)
            text = handle.read(500).decode("utf-8", errors="replace")
    except OSError:
        return ""
    return text.strip().splitlines()[0] if text.strip() else ""


def in_use_message(folder: Path) -> str:
    who = holder(folder)
    detail = f"{folder}; {who}" if who else str(folder)
    return f"SPS Tracker is already open on this data folder ({detail})"


class FolderLock:
    """The writer's lock on one data folder; acquire() raises FolderInUseError if taken."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> FolderLock:
        from sps_tracker.paths import ensure_private_dir

        if self._fd is not None:
            return self
        ensure_private_dir(self.folder)
        fd = os.open(lock_path(self.folder), os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            raise FolderInUseError(in_use_message(self.folder))
        self._fd = fd
        # Who holds it, for the second instance's message; written only once locked.
        # On Windows the locked first byte cannot be written, so the note starts after it.
        note = f"process {os.getpid()} on {socket.gethostname()}\n".encode()
        start = 1 if sys.platform == "win32" else 0
        os.ftruncate(fd, start)
        os.lseek(fd, start, os.SEEK_SET)
        os.write(fd, note)
        log.info("data folder locked")
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if sys.platform != "win32":
                os.ftruncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)
        log.info("data folder unlocked")

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()


@contextmanager
def writer_lock(folder: Path) -> Iterator[FolderLock]:
    """Hold the one-writer lock on ``folder`` for the block; FolderInUseError if taken."""
    with FolderLock(folder) as lock:
        yield lock
