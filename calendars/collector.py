"""The cyclic garbage collector paused while many long-lived values are built.

A plan, or a county's duties read from the store, allocates many thousands of small
acyclic values that all live on (in the result, or in the pages' cache). The collector
would rescan the whole growing heap again and again while they are built: half the time
of a million-occurrence plan, and of a county's read. One helper for both.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; restore its previous state after it.

    Only a block that found the collector running enables it again, so a nested or
    concurrent block does not turn it on under another. Also a decorator
    (`@collector_paused()`), as every `contextmanager` is.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
