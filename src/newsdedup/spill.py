"""Articles kept on disk as they stream past, so a run reads its input once.

``dedup --keep`` and ``--explain`` need some articles' texts after the copy groups are known;
reading the input again would parse, extract and clean every record a second time (trafilatura
on a WARC file is most of a run). A ``Spill`` writes each article as it passes (pickled in
chunks to a temporary file, so memory stays flat) and gives back the wanted ones afterwards.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar

__all__ = ["Spill"]

T = TypeVar("T")

_CHUNK = 1024  #: articles per pickled chunk


class Spill(Generic[T]):
    """A temporary file of articles (or of any picklable rows); use as a context manager (the
    file goes on exit)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        # closed by __exit__: the spill lives as long as the run that needs it
        self._file: BinaryIO = tempfile.TemporaryFile(  # noqa: SIM115
            prefix="newsdedup-spill-", dir=directory
        )
        self._chunk: list[T] = []

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
        if len(self._chunk) == _CHUNK:
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

    def _flush(self) -> None:
        if self._chunk:
            self._file.seek(0, 2)
            pickle.dump(self._chunk, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._chunk = []
