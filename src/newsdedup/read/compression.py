"""Opening input files: gzip and zstd by magic bytes, streamed, with damage reported.

Inputs are decompressed as a stream so a file of any size is read in constant memory. A
truncated or corrupt stream is reported as far as it could be read: the records before the
damage are kept and one ``corrupt_file`` rejection says what was lost. Only regular files are
ever opened: a named pipe, socket or device is refused without blocking (``open_file``).
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import zlib
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import zstandard

from newsdedup.types import Origin, Rejected

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "COMPRESSION_SUFFIXES",
    "CORRUPT_ERRORS",
    "NotAFileError",
    "Source",
    "compression_of",
    "file_kind",
    "numbered_lines",
    "open_file",
    "open_stream",
    "read_all",
    "read_head",
    "strip_compression",
]

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

#: File-name endings of compressed inputs; they are removed before the format is detected.
COMPRESSION_SUFFIXES: dict[str, str] = {
    ".gz": "gzip",
    ".gzip": "gzip",
    ".zst": "zstd",
    ".zstd": "zstd",
}

_CHUNK = 1 << 17  # compressed bytes fed to the zstd decoder at a time


class TruncatedStreamError(EOFError):
    """A zstd stream ended inside a frame (python-zstandard's own reader ends silently)."""


#: What a damaged compressed stream raises while it is read.
CORRUPT_ERRORS: tuple[type[Exception], ...] = (
    EOFError,
    zlib.error,
    gzip.BadGzipFile,
    zstandard.ZstdError,
)

_HEAD_ERRORS: tuple[type[Exception], ...] = (*CORRUPT_ERRORS, OSError)


def strip_compression(name: str) -> str:
    """``a.jsonl.gz`` -> ``a.jsonl``: the name whose suffix tells the format."""
    lowered = name.lower()
    for suffix in COMPRESSION_SUFFIXES:
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True, slots=True)
class Source:
    """One input file: where it is and how reports name it (the path as the user gave it)."""

    path: Path
    name: str
    #: ``ab12.txt.gz`` -> ``ab12``: the id of a text file and the prefix of derived ids.
    stem: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stem", Path(strip_compression(self.path.name)).stem)

    def origin(self, line: int | None = None) -> Origin:
        return Origin(self.name, line)


class NotAFileError(OSError):
    """The path is a named pipe, socket, device or folder: not a file newsdedup opens."""


def file_kind(mode: int) -> str:
    """What a path of this ``st_mode`` is, in words, when it is not a regular file."""
    kinds = (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def open_file(path: Path) -> io.BufferedReader:
    """``open(path, "rb")`` for a regular file only. Anything else raises NotAFileError and is
    never opened (opening a FIFO's read end would release a writer waiting on it); should the
    path change between that check and the open, the open is non-blocking and checked again
    before a byte is read."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotAFileError(f"{file_kind(mode)}, not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFileError(f"{file_kind(mode)}, not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def compression_of(path: Path) -> str | None:
    """The compression of ``path`` by its magic bytes (a mislabelled suffix does not matter)."""
    with open_file(path) as fh:
        return _sniff(fh.read(4))


def _sniff(head: bytes) -> str | None:
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


@contextmanager
def open_stream(path: Path) -> Iterator[BinaryIO]:
    """Open ``path`` for reading bytes, decompressing gzip or zstd when the content is."""
    with open_file(path) as raw:
        kind = _sniff(raw.peek(4)[:4])
        if kind == "gzip":
            with gzip.GzipFile(fileobj=raw) as fh:
                yield fh  # type: ignore[misc]
        elif kind == "zstd":
            with io.BufferedReader(_ZstdReader(raw)) as fh:
                yield fh
        else:
            yield raw


class _ZstdReader(io.RawIOBase):
    """Raw stream over one or more zstd frames that raises if the input ends inside a frame."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._dctx = zstandard.ZstdDecompressor()
        self._dobj = self._dctx.decompressobj()
        self._in_frame = False
        self._out = b""
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        while self._pos >= len(self._out):
            if not self._fill():
                return 0
        view = memoryview(buffer).cast("B")
        n = min(len(view), len(self._out) - self._pos)
        view[:n] = self._out[self._pos : self._pos + n]
        self._pos += n
        return n

    def _fill(self) -> bool:
        chunk = self._fh.read(_CHUNK)
        if not chunk:
            if self._in_frame:
                raise TruncatedStreamError("the zstd stream ends inside a frame")
            return False
        self._out, self._pos = self._decode(chunk), 0
        return True

    def _decode(self, chunk: bytes) -> bytes:
        parts = []
        while chunk:
            self._in_frame = True
            parts.append(self._dobj.decompress(chunk))
            if not self._dobj.eof:
                break
            self._in_frame = False  # a frame ended; what follows starts the next one
            chunk = self._dobj.unused_data
            self._dobj = self._dctx.decompressobj()
        return b"".join(parts)


def numbered_lines(source: Source) -> Generator[tuple[int, bytes] | Rejected, None, None]:
    """Each physical line with its 1-based number; damage ends the stream with a Rejected."""
    n = 0
    try:
        with open_stream(source.path) as fh:
            for n, line in enumerate(fh, 1):
                yield n, line
    except CORRUPT_ERRORS as exc:
        detail = f"the stream is truncated or corrupt after line {n} ({exc}); the rest was lost"
        yield Rejected(origin=source.origin(n + 1), reason="corrupt_file", detail=detail)
    except OSError as exc:
        yield unreadable(source, exc)


def read_all(source: Source) -> bytes | Rejected:
    """The whole decompressed content, or why it cannot be had."""
    try:
        with open_stream(source.path) as fh:
            return fh.read()
    except CORRUPT_ERRORS as exc:
        detail = f"the stream is truncated or corrupt ({exc}); the file was not read"
        return Rejected(origin=source.origin(), reason="corrupt_file", detail=detail)
    except OSError as exc:
        return unreadable(source, exc)


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` decompressed bytes, for telling a file's format; empty if unreadable."""
    try:
        with open_stream(path) as fh:
            return fh.read(size)
    except _HEAD_ERRORS:
        return b""


def unreadable(source: Source, exc: OSError) -> Rejected:
    """``not_a_file`` for a pipe, socket or device; ``unreadable_file`` for any other failure."""
    if isinstance(exc, NotAFileError):
        detail = f"{exc}; it was not opened (only regular files are read)"
        return Rejected(origin=source.origin(), reason="not_a_file", detail=detail)
    detail = f"the file cannot be read ({exc.strerror or exc}); check its permissions"
    return Rejected(origin=source.origin(), reason="unreadable_file", detail=detail)
