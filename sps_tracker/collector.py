"""Python's cycle collector paused around work that makes many objects and no garbage cycles."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """The collector off inside, as it was before afterwards (also after an error).

    A collection walks every object that is still alive: while a large import or the
    program's start-up keeps adding them, it would walk the growing heap again and again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
