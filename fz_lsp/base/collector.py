"""Python's cyclic garbage collector paused while much is built or drawn.

Parsing a document and building its model make many long-lived objects; a layout and
its SVG make hundreds of thousands of short-lived tuples and lists that reference counting
frees (none form cycles). Each collection on the way scans them all again, the model
included: measured on the 10,730-line document, the collections took half the time of its
preview. `collector_paused()` (a context) and `without_gc` (a decorator) pause the
collector meanwhile and restore its state after.

May import: the standard library only.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile; the collector's state is restored."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_gc(function: Callable[P, R]) -> Callable[P, R]:
    """`function` run with the cyclic garbage collector paused (see `collector_paused`)."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return function(*args, **kwargs)

    return run
