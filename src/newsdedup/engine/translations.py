"""The translation stage of the in-process engine: languages as the input streams past, then
translation pairs among the copy groups' representatives (relate/translate.py).

A corpus in one language pays for a language guess per article (tens of microseconds,
fingerprint/anchors.guess_language) and for keeping the texts in a spill; anchors and the
encoder run only when a second language shows up. Then every representative's anchor keys are
needed (their rarity is counted over all of them): they are read from the spill a chunk at a
time in compiled code (fingerprint/anchor_scan.py, anchor_codes.py), in worker processes for a
large corpus, into one array (relate/translate_anchors.KeySets) whose pairs are counted only
where a key of a language other than the commonest can make one; a lead is made only for an
article the encoder reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import TranslateConfig
from newsdedup.fingerprint.anchors import anchor_key_sets
from newsdedup.fingerprint.multilingual import lead
from newsdedup.group.copies import Assignment
from newsdedup.group.translations import Translations, translate_groups
from newsdedup.processes import map_in_processes
from newsdedup.relate.translate import Encoder, KeySets, anchored_text, language_of
from newsdedup.relate.translate_anchors import gather
from newsdedup.spill import Spill, read_chunk
from newsdedup.types import Article

__all__ = ["POOL_AFTER", "TranslationSide", "Translations"]  # Translations: group/translations

#: Representatives from which the anchor keys are read in worker processes: starting one costs
#: about a second of CPU, keys about 40-80 us an article, so below this the pool saves little
#: time and costs CPU (measured at 70,000 representatives, load 5: 6.0 CPU s in process, 7.9
#: pooled).
POOL_AFTER = 200_000

Row = tuple[str, str, str | None]  #: what the spill keeps of an article: id, text, title
#: A chunk of the spill (its place in the file) and the rows of it to key.
Task = tuple[int, list[int]]


class TranslationSide:
    """Watches the article stream for the translation stage; use as a context manager."""

    def __init__(
        self, config: TranslateConfig, encode: Encoder | None = None, workers: int = 1
    ) -> None:
        self.config = config
        self.encode = encode  #: None: the multilingual encoder (tests may pass another)
        self.workers = workers  #: processes for a large corpus's anchor keys (1: this one)
        self._spill: Spill[Row] = Spill()
        self._lang: dict[str, str] = {}
        self._row: dict[str, int] = {}  #: each id's first row in the spill

    def __enter__(self) -> TranslationSide:
        return self

    def __exit__(self, *exc: object) -> None:
        self._spill.__exit__(*exc)

    def tee(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The articles, each one's language noted and its text spilled as it passes (the text
        and title only: a cleaned article's raw text and removals would double the spill)."""
        for article in articles:
            if article.id not in self._row:
                self._row[article.id] = self._spill.rows
                self._lang[article.id] = language_of(article)
            self._spill.add((article.id, article.text, article.title))
            yield article

    def join(
        self, ids: list[str], rank: NDArray[np.int64], assignment: Assignment
    ) -> tuple[Assignment, Translations]:
        """The assignment with translated groups merged, and what was found."""
        langs = [self._lang.get(i, "") for i in ids]
        if Translations(langs=langs).languages < 2:
            return assignment, Translations(langs=langs)
        reps = np.flatnonzero(assignment.center == np.arange(len(ids)))
        reps = reps[[bool(langs[d]) for d in reps.tolist()]]
        # the first spilled row of each id is the article (ids.unique_ids); -1: none
        rows = np.array([self._row.get(ids[d], -1) for d in reps.tolist()], np.int64)
        keys = self._keys(rows)
        leads = _Leads(self._spill, rows, self.config.lead_chars)
        return translate_groups(
            langs, reps, keys, leads, rank, assignment, self.config, encode=self.encode
        )

    def _keys(self, rows: NDArray[np.int64]) -> KeySets:
        """The anchor keys of the spilled ``rows`` (in any order; -1 has none), chunk by chunk,
        in worker processes when there are many; row by row in one array."""
        offsets, first_rows = self._spill.layout()
        order = np.flatnonzero(rows >= 0)
        order = order[np.argsort(rows[order], kind="stable")]
        chunk = np.searchsorted(first_rows, rows[order], side="right") - 1
        cut = np.flatnonzero(np.diff(chunk)) + 1
        groups = np.split(order, cut) if len(order) else []
        tasks: list[Task] = [
            (int(offsets[c]), (rows[group] - first_rows[c]).tolist())
            for c, group in zip(chunk[np.r_[0, cut]].tolist(), groups, strict=True)
        ]
        workers = self.workers if len(order) >= POOL_AFTER and self.workers > 1 else 0
        path = self._spill.path
        found = list(map_in_processes(_chunk_keys, tasks, workers, path, what="anchor keys"))
        return _in_row_order(len(rows), order, found)


def _in_row_order(
    m: int, order: NDArray[np.int64], found: Sequence[tuple[NDArray[np.uint64], NDArray[np.int64]]]
) -> KeySets:
    """The key sets of ``m`` rows from the chunks' (keys, sizes) of the rows ``order`` lists."""
    flat = np.concatenate([f for f, _ in found]) if found else np.empty(0, np.uint64)
    got = np.concatenate([s for _, s in found]) if found else np.empty(0, np.int64)
    sizes = np.zeros(m, np.int64)
    sizes[order] = got
    if np.array_equal(order, np.arange(m)):
        return KeySets(flat=flat, sizes=sizes)
    start = np.zeros(m, np.int64)  # where each row's keys start in ``flat``
    start[order] = np.r_[0, np.cumsum(got)[:-1]]
    return KeySets(flat=gather(flat, start, sizes), sizes=sizes)


def _chunk_keys(task: Task, path: str) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """The anchor keys of some rows of one chunk of the spill ``path``: all of them in one
    array, and each row's count (a worker process's task: small to send back)."""
    offset, wanted = task
    chunk = read_chunk(path, offset)
    return anchor_key_sets(
        [anchored_text(text, title) for _, text, title in (chunk[k] for k in wanted)]
    )


class _Leads(Sequence[str]):
    """The leads of the spilled ``rows`` (-1: ""), each made when asked for: the encoder reads
    only its candidates'. The last chunk read is kept (candidates come in row order)."""

    def __init__(self, spill: Spill[Row], rows: NDArray[np.int64], chars: int) -> None:
        self._spill, self._rows, self._chars = spill, rows, chars
        self._at: tuple[int, int] = (-1, 0)
        self._chunk: list[Row] = []

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, k: int) -> str: ...
    @overload
    def __getitem__(self, k: slice) -> list[str]: ...
    def __getitem__(self, k: int | slice) -> str | list[str]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        row = int(self._rows[k])
        if row < 0:
            return ""
        at = self._spill.chunk_of(row)
        if at != self._at:
            self._at, self._chunk = at, self._spill.chunk(at[0])
        _, text, title = self._chunk[row - at[1]]
        return lead(text, title, self._chars)
