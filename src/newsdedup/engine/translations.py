"""The translation stage of the in-process engine: languages as the input streams past, then
translation pairs among the copy groups' representatives (relate/translate.py).

A corpus in one language pays for a language guess per article (a few microseconds,
fingerprint/anchors.guess_language) and for keeping the texts: each batch's UTF-8 bytes, which
the fingerprint stage makes for its kernel anyway, go to a spill as they are (``keep_texts``), so
no text is encoded twice. Anchors and the encoder run only when a second language shows up.
Then every representative's anchor keys are needed (their rarity is counted over all of them):
they are read from the spill a batch at a time in compiled code (fingerprint/anchor_scan.py,
anchor_codes.py), in worker processes for a large corpus, into one array
(relate/translate_anchors.KeySets) whose pairs are counted only where a key of a language other
than the commonest can make one; a lead is made only for an article the encoder reads.
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
from newsdedup.spill import Spill, read_chunk
from newsdedup.types import Article

__all__ = ["POOL_AFTER", "TranslationSide", "Translations"]  # Translations: group/translations

#: Representatives from which the anchor keys are read in worker processes: starting one costs
#: about a second of CPU, keys about 40-80 us an article, so below this the pool saves little
#: time and costs CPU (measured at 70,000 representatives, load 5: 6.0 CPU s in process, 7.9
#: pooled).
POOL_AFTER = 200_000

#: What the spill keeps of a fingerprinted batch: its texts' UTF-8 offsets and bytes, and the
#: titles (a row is a batch; document d of the run is in the batch whose first document is
#: the last one at or before d).
Batch = tuple[NDArray[np.int64], bytes, list[str | None]]
#: A batch's place in the spill, and the documents of it to key (their places in the batch).
Task = tuple[int, list[int]]


class TranslationSide:
    """Watches the article stream for the translation stage; use as a context manager."""

    def __init__(
        self, config: TranslateConfig, encode: Encoder | None = None, workers: int = 1
    ) -> None:
        self.config = config
        self.encode = encode  #: None: the multilingual encoder (tests may pass another)
        self.workers = workers  #: processes for a large corpus's anchor keys (1: this one)
        self._spill: Spill[Batch] = Spill(rows_per_chunk=1)
        self._lang: dict[str, str] = {}
        self._firsts: list[int] = []  #: each spilled batch's first document
        self._docs = 0  #: documents whose texts are kept

    def __enter__(self) -> TranslationSide:
        return self

    def __exit__(self, *exc: object) -> None:
        self._spill.__exit__(*exc)

    def tee(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The articles, each one's language noted as it passes (an id's first article is the
        one the run keeps: ids.unique_ids)."""
        lang = self._lang
        for article in articles:
            if article.id not in lang:
                lang[article.id] = language_of(article)
            yield article

    def keep_texts(
        self, batch: Sequence[Article], buf: NDArray[np.uint8], offsets: NDArray[np.int64]
    ) -> None:
        """Keep a fingerprinted batch's texts (``buf[offsets[k]:offsets[k + 1]]``, UTF-8) and
        titles; batches come in input order (engine/local.py ``fingerprint_stream``)."""
        self._firsts.append(self._docs)
        self._docs += len(batch)
        self._spill.add((offsets, buf.tobytes(), [a.title for a in batch]))

    def join(
        self, ids: list[str], rank: NDArray[np.int64], assignment: Assignment
    ) -> tuple[Assignment, Translations]:
        """The assignment with translated groups merged, and what was found."""
        langs = [self._lang.get(i, "") for i in ids]
        if Translations(langs=langs).languages < 2:
            return assignment, Translations(langs=langs)
        if self._docs != len(ids):
            raise RuntimeError(f"texts kept for {self._docs} documents, but the run has {len(ids)}")
        reps = np.flatnonzero(assignment.center == np.arange(len(ids)))
        reps = reps[[bool(langs[d]) for d in reps.tolist()]].astype(np.int64)
        keys = self._keys(reps)
        leads = _Leads(self._spill, np.array(self._firsts, np.int64), reps, self.config.lead_chars)
        return translate_groups(
            langs, reps, keys, leads, rank, assignment, self.config, encode=self.encode
        )

    def _keys(self, docs: NDArray[np.int64]) -> KeySets:
        """The anchor keys of the documents ``docs`` (ascending), batch by batch, in worker
        processes when there are many; row by row in one array."""
        offsets, _ = self._spill.layout()
        firsts = np.array(self._firsts, np.int64)
        batch = np.searchsorted(firsts, docs, side="right") - 1
        cut = np.flatnonzero(np.diff(batch)) + 1
        groups = np.split(docs, cut) if len(docs) else []
        tasks: list[Task] = [
            (int(offsets[b]), (group - firsts[b]).tolist())
            for b, group in zip(batch[np.r_[0, cut]].tolist(), groups, strict=True)
        ]
        workers = self.workers if len(docs) >= POOL_AFTER and self.workers > 1 else 0
        path = self._spill.path
        found = list(map_in_processes(_batch_keys, tasks, workers, path, what="anchor keys"))
        return _in_row_order(found)


def _in_row_order(
    found: Sequence[tuple[NDArray[np.uint64], NDArray[np.int64]]],
) -> KeySets:
    """The key sets of the rows whose (keys, sizes) the chunks ``found`` hold, in row order
    (the chunks come in the order of their rows: ``_keys`` splits ascending documents)."""
    flat = np.concatenate([f for f, _ in found]) if found else np.empty(0, np.uint64)
    sizes = np.concatenate([s for _, s in found]) if found else np.empty(0, np.int64)
    return KeySets(flat=flat, sizes=sizes.astype(np.int64, copy=False))


def _texts(batch: Batch, wanted: Iterable[int]) -> list[tuple[str, str | None]]:
    """The (text, title) of some documents of a spilled batch."""
    offsets, data, titles = batch
    return [
        (data[offsets[k] : offsets[k + 1]].decode("utf-8", "surrogatepass"), titles[k])
        for k in wanted
    ]


def _batch_keys(task: Task, path: str) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """The anchor keys of some documents of one spilled batch of the file ``path``: all of
    them in one array, and each document's count (a worker process's task: small to send back)."""
    offset, wanted = task
    (batch,) = read_chunk(path, offset)
    return anchor_key_sets(
        [anchored_text(text, title) for text, title in _texts(batch, wanted)]  # type: ignore[arg-type]
    )


class _Leads(Sequence[str]):
    """The leads of the documents ``docs``, each made when asked for: the encoder reads only
    its candidates'. The last batch read is kept (candidates come in document order)."""

    def __init__(
        self, spill: Spill[Batch], firsts: NDArray[np.int64], docs: NDArray[np.int64], chars: int
    ) -> None:
        self._spill, self._firsts, self._docs, self._chars = spill, firsts, docs, chars
        self._at: tuple[int, int] = (-1, 0)
        self._batch: Batch | None = None

    def __len__(self) -> int:
        return len(self._docs)

    @overload
    def __getitem__(self, k: int) -> str: ...
    @overload
    def __getitem__(self, k: slice) -> list[str]: ...
    def __getitem__(self, k: int | slice) -> str | list[str]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        doc = int(self._docs[k])
        b = int(np.searchsorted(self._firsts, doc, side="right")) - 1
        at = self._spill.chunk_of(b)
        if at != self._at or self._batch is None:
            self._at, (self._batch,) = at, self._spill.chunk(at[0])
        ((text, title),) = _texts(self._batch, [doc - int(self._firsts[b])])
        return lead(text, title, self._chars)
