"""Give freed heap memory back to the operating system between stages, and keep the cyclic
garbage collector out of steps that make millions of objects.

Batches allocate large temporary arrays; glibc raises its mmap threshold after freeing large
blocks, so later ones come from the heap and stay in the process after they are freed
(measured at 1,000,000 articles: 6.3 GiB resident after fingerprinting for 3.3 GiB of
fingerprints). ``malloc_trim(0)`` returns that memory. Elsewhere than glibc it does nothing.

A run also sets glibc's allocator to keep its large blocks (``tune_allocator``). By default a
block over 32 MiB is mapped on its own and unmapped when freed, and the heap's free top is
handed back past 128 KiB, so every batch's temporary arrays are faulted in and zeroed page by
page again: at 1,000,000 generated articles 14.5-32.5 s of system CPU, 10.6-11.0 s with blocks
under 256 MiB kept in the heap and up to 512 MiB free at its top (docs/benchmarks.md).
``release_memory`` still gives the free pages back between stages.

Building and writing the groups makes a Member, a Group and a row per document. None of them
holds a cycle, but each full collection the allocations trigger walks every live one: at
300,000 generated articles 8 full collections took building the groups from 0.85 to 1.9 s and
writing them from 1.25 to 1.5 s (``collection_paused``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused", "release_memory", "tune_allocator"]


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (reference counting still frees what
    the block drops); the collector's state before it comes back after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@functools.cache
def _libc_function(name: str):  # type: ignore[no-untyped-def]
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return getattr(libc, name)
    except (OSError, AttributeError):
        return None


#: mallopt's parameters and the values ``tune_allocator`` sets: M_MMAP_THRESHOLD (blocks
#: under it come from the heap), M_TRIM_THRESHOLD (free bytes kept at the heap's top), M_TOP_PAD
_MALLOPT = ((-3, 256 << 20), (-1, 512 << 20), (-2, 64 << 20))
_MALLOC_ENV = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")


@functools.cache
def tune_allocator() -> bool:
    """Set glibc's allocator for a run's large arrays, once per process (the module's
    docstring says why); whether it was set. Left alone where the allocator is not glibc's,
    where the environment sets its malloc parameters already, and where
    ``NEWSDEDUP_MALLOC=default`` asks for glibc's defaults."""
    if os.environ.get("NEWSDEDUP_MALLOC", "") == "default":
        return False
    if any(name in os.environ for name in _MALLOC_ENV):
        return False
    if "glibc.malloc" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    mallopt = _libc_function("mallopt")
    if mallopt is None:
        return False
    return all([mallopt(param, value) == 1 for param, value in _MALLOPT])


def release_memory() -> None:
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)
