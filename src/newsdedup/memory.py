"""Give freed heap memory back to the operating system between stages.

Batches allocate large temporary arrays; glibc raises its mmap threshold after freeing large
blocks, so later ones come from the heap and stay in the process after they are freed
(measured at 1,000,000 articles: 6.3 GiB resident after fingerprinting for 3.3 GiB of
fingerprints). ``malloc_trim(0)`` returns that memory. Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

__all__ = ["release_memory"]


@functools.cache
def _malloc_trim():  # type: ignore[no-untyped-def]
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def release_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
