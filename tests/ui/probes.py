"""Running a few lines of the app in a fresh interpreter: what a real start does to it."""

from __future__ import annotations

import subprocess
import sys


def probe_output(code: str) -> str:
    """The last line ``code`` prints when run by a new Python process (which must succeed)."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout.strip().splitlines()[-1]
