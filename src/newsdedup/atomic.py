"""Write to a temporary sibling, then rename: an output is whole or absent, never half-written.

The temporary file lives in the target's own directory, so the final ``os.replace`` is a rename
within one filesystem, which POSIX and Windows both perform atomically. A reader therefore sees
the old file or the new one, and a crash or an exception mid-write leaves the old file untouched.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO, Literal, TextIO, overload

from newsdedup.errors import invalid_param

__all__ = ["StrPath", "atomic_open", "atomic_path"]

StrPath = str | os.PathLike[str]


@contextmanager
def atomic_path(path: StrPath) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` that replaces it only if the block succeeds.

    On success the file is fsynced and renamed onto ``path``; on any exception (even
    KeyboardInterrupt) it is deleted and an existing ``path`` keeps its old content.
    Missing parent directories are created.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _create_temp(target)
    try:
        yield tmp
        _fsync_file(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


@overload
def atomic_open(path: StrPath, mode: Literal["wb"] = "wb") -> AbstractContextManager[BinaryIO]: ...


@overload
def atomic_open(
    path: StrPath, mode: Literal["w"], *, newline: str | None = None
) -> AbstractContextManager[TextIO]: ...


@contextmanager
def atomic_open(
    path: StrPath, mode: Literal["wb", "w"] = "wb", *, newline: str | None = None
) -> Iterator[Any]:  # Any: each overload above narrows it
    """Open ``path`` for writing via ``atomic_path``: binary (``"wb"``) or UTF-8 text (``"w"``)."""
    if mode not in ("wb", "w"):
        raise invalid_param("mode", "atomic_open", "'wb' or 'w'", mode)
    encoding = "utf-8" if mode == "w" else None
    with atomic_path(path) as tmp, tmp.open(mode, encoding=encoding, newline=newline) as file:
        yield file


def _create_temp(target: Path) -> Path:
    """Create ``.{name}.tmp-<random>`` exclusively; 0o666 lets the umask decide, as open() does."""
    while True:
        tmp = target.with_name(f".{target.name}.tmp-{secrets.token_hex(8)}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:  # a 64-bit collision: draw again
            continue
        return tmp


def _fsync_file(path: Path) -> None:
    """Push the data to disk before the rename, so a power cut cannot publish an empty file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it (POSIX; not Windows)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    # Some filesystems refuse to open or fsync a directory; the rename has happened regardless.
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
