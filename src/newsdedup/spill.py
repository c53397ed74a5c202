"""Articles kept on disk as they stream past, so a run reads its input once.

``dedup --keep`` and ``--explain`` need some articles' texts after the copy groups are known;
reading the input again would parse, extract and clean every record a second time (trafilatura
on a WARC file is most of a run). A ``Spill`` writes each article as it passes (pickled in
chunks to a temporary file, so memory stays flat) and gives back the wanted ones afterwards,
all of them in order or chunk by chunk (``chunk``, or ``read_chunk`` in another process).
"""

from __future__ import annotations

import bisect
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["Spill", "read_chunk"]

T = TypeVar("T")

_CHUNK = 1024  #: articles per pickled chunk


class Spill(Generic[T]):
    """A temporary file of articles (or of any picklable rows, such as the translation stage's
    batches of UTF-8 texts, one row a chunk: ``rows_per_chunk=1``); use as a context manager
    (the file goes on exit)."""

    def __init__(self, directory: str | Path | None = None, rows_per_chunk: int = _CHUNK) -> None:
        # closed (and deleted) by __exit__: the spill lives as long as the run that needs it;
        # named, so that worker processes can read chunks of it
        self._file: BinaryIO = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="newsdedup-spill-", dir=directory
        )
        self._chunk: list[T] = []
        self._rows_per_chunk = rows_per_chunk
        self.rows = 0  #: rows added so far
        self._offsets: list[int] = []  #: each written chunk's place in the file
        self._first_rows: list[int] = []  #: and the number of its first row

    def __enter__(self) -> Spill[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def tee(self, articles: Iterable[T]) -> Iterator[T]:
        """The articles, each also written to the spill as it passes."""
        for article in articles:
            self.add(article)
            yield article
        self._flush()

    def add(self, article: T) -> None:
        """Write one article to the spill (in chunks)."""
        self._chunk.append(article)
        self.rows += 1
        if len(self._chunk) == self._rows_per_chunk:
            self._flush()

    def take(self, wanted: Callable[[T], bool]) -> Iterator[T]:
        """The spilled articles ``wanted`` says yes to, in their input order."""
        self._flush()
        self._file.seek(0)
        while True:
            try:
                chunk: list[T] = pickle.load(self._file)
            except EOFError:
                return
            yield from (a for a in chunk if wanted(a))

    @property
    def path(self) -> str:
        """The spill's file, for ``read_chunk`` (written out up to the last row added)."""
        self._flush()
        self._file.flush()
        return self._file.name

    def layout(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Where each chunk starts in the file, and the number of its first row."""
        self._flush()
        return np.array(self._offsets, np.int64), np.array(self._first_rows, np.int64)

    def chunk_of(self, row: int) -> tuple[int, int]:
        """Where the chunk that holds ``row`` (a number in adding order) starts in the file,
        and the number of its first row."""
        self._flush()
        k = bisect.bisect_right(self._first_rows, row) - 1
        return self._offsets[k], self._first_rows[k]

    def chunk(self, offset: int) -> list[T]:
        """The rows of the chunk at ``offset`` (see ``chunk_of``)."""
        self._flush()
        self._file.seek(offset)
        rows: list[T] = pickle.load(self._file)
        return rows

    def _flush(self) -> None:
        if self._chunk:
            self._file.seek(0, 2)
            self._offsets.append(self._file.tell())
            self._first_rows.append(self.rows - len(self._chunk))
            pickle.dump(self._chunk, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._chunk = []


def read_chunk(path: str, offset: int) -> list[object]:
    """The rows of the chunk at ``offset`` of the spill file ``path`` (``Spill.path``)."""
    with open(path, "rb") as file:
        file.seek(offset)
        rows: list[object] = pickle.load(file)
    return rows
