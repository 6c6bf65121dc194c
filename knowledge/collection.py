"""Python's cyclic garbage collector paused while a corpus is read, indexed or loaded."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Runs the block with automatic collection off, then restores it as it was.

    Building allocates hundreds of thousands of small objects (passages, tokens, term
    tuples) and makes no reference cycles; every automatic pass still walks them, and a
    pass over the oldest generation walks every object of the process: 15 to 20 ms of a
    120 ms build at 761 passages. Nothing is lost: the first pass after the block
    collects whatever cycles the block left.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
