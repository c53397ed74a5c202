"""The translation stage of the in-process engine: languages as the input streams past, then
translation pairs among the copy groups' representatives (relate/translate.py).

A corpus in one language pays for a language guess per article (a few microseconds,
fingerprint/anchors.guess_language) and, read in this process, for keeping the texts: each
batch's UTF-8 bytes, which the fingerprint stage makes for its kernel anyway, are written to a
temporary file as they are (``keep_texts``: one write of the buffer, which releases the GIL), so
no text is encoded or copied twice. Worker processes (engine/chunks.py) write their texts only
once the run has met a second language; the batches read before are ``Unwritten``, and their
texts are read and cleaned again only if the stage runs (``written``). Writing them cost a
worker 13-21 of its 106-143 µs of CPU an article (2.5 GB at 1,000,000 articles). Anchors and
the encoder run only when a second language shows up.
Then every representative's anchor keys are needed (their rarity is counted over all of them):
they are read from that file a batch at a time in compiled code (fingerprint/anchor_scan.py,
anchor_codes.py), in worker processes for a large corpus, into one array
(relate/translate_anchors.KeySets) whose pairs are counted only where a key of a language other
than the commonest can make one; a lead is made only for an article the encoder reads.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import compress
from typing import IO, Any, overload

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import TranslateConfig
from newsdedup.errors import InputError
from newsdedup.fingerprint.anchors import anchor_key_sets
from newsdedup.group.copies import Assignment
from newsdedup.group.translations import Translations, translate_groups
from newsdedup.processes import map_in_processes
from newsdedup.relate.translate import Encoder, KeySets, anchored_text, encoder_input, language_of
from newsdedup.types import Article

__all__ = [
    "POOL_AFTER",
    "Kept",
    "Redo",
    "TranslationSide",
    "Translations",
    "Unwritten",
    "write_texts",
]  # Translations: group/translations

#: Representatives from which the anchor keys are read in worker processes: starting one costs
#: about a second of CPU, keys about 40-80 us an article, so below this the pool saves little
#: time and costs CPU (measured at 70,000 representatives, load 5: 6.0 CPU s in process, 7.9
#: pooled).
POOL_AFTER = 200_000


@dataclass(frozen=True, slots=True)
class Kept:
    """Where one fingerprinted batch's texts lie in the texts file: its UTF-8 bytes at ``at``
    (``offsets`` into them, from 0), then its titles, pickled (``titles`` bytes)
    (``write_texts``). ``path`` names a file of its own, where a worker process wrote it
    (engine/chunks.py); None is the side's file."""

    first: int  #: the batch's first document in the run
    offsets: NDArray[np.int64]
    at: int
    titles: int
    path: str | None = None

    def load(self, file: IO[bytes] | None = None) -> tuple[bytes, list[str | None]]:
        """The batch's UTF-8 bytes and titles (from ``file``, the side's, unless ``path``)."""
        if self.path is not None:
            with open(self.path, "rb") as own:
                return replace(self, path=None).load(own)
        assert file is not None, "a batch kept in the side's file is read from it"
        file.seek(self.at)
        data = file.read(int(self.offsets[-1]))
        titles: list[str | None] = pickle.loads(file.read(self.titles))
        return data, titles

    def text(self, data: bytes, k: int) -> str:
        """The text of the batch's document ``k``, from the batch's bytes (``load``)."""
        return data[self.offsets[k] : self.offsets[k + 1]].decode("utf-8", "surrogatepass")


#: Makes again the texts files of tasks read in worker processes, one list of ``Kept`` (one a
#: batch, with its own ``path``) a task, in the tasks' order (engine/chunks.py).
Redo = Callable[[list[Any]], Iterable[list[Kept]]]


@dataclass(frozen=True, slots=True)
class Unwritten:
    """A batch whose texts a worker process did not write, because the run had met one language
    when it was read: batch ``batch`` of ``task``, made again (``TranslationSide.written``) only
    if a second language shows up. ``keep`` marks the rows the run kept (None: all)."""

    first: int
    docs: int
    task: Any
    batch: int
    keep: NDArray[np.bool_] | None


def write_texts(file: IO[bytes], titles: Sequence[str | None], buf: NDArray[np.uint8]) -> int:
    """Write a batch's texts as ``Kept`` reads them; returns the titles' bytes."""
    pickled = pickle.dumps(list(titles), protocol=pickle.HIGHEST_PROTOCOL)
    file.write(buf.data)
    file.write(pickled)
    return len(pickled)


#: A worker's task: one kept batch, and the documents of it to key (their places in it).
Task = tuple[Kept, list[int]]


class TranslationSide:
    """Watches the article stream for the translation stage; use as a context manager."""

    def __init__(
        self, config: TranslateConfig, encode: Encoder | None = None, workers: int = 1
    ) -> None:
        self.config = config
        self.encode = encode  #: None: the multilingual encoder (tests may pass another)
        self.workers = workers  #: processes for a large corpus's anchor keys (1: this one)
        # closed (and deleted) by __exit__; named, so that worker processes can read it
        self._file: IO[bytes] = tempfile.NamedTemporaryFile(prefix="newsdedup-texts-")  # noqa: SIM115
        self._kept: list[Kept | Unwritten] = []  #: each kept batch, in input order
        self._size = 0  #: bytes written so far
        self._lang: dict[str, str] = {}
        self._seen: set[str] = set()  #: the languages noted so far ("" among them)
        self._docs = 0  #: documents whose texts are kept
        self._folder: tempfile.TemporaryDirectory[str] | None = None  #: ``texts_folder``
        self._redo: Redo | None = None  #: makes the ``Unwritten`` batches' texts

    def __enter__(self) -> TranslationSide:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()
        if self._folder is not None:
            self._folder.cleanup()

    def tee(self, articles: Iterable[Article]) -> Iterator[Article]:
        """The articles, each one's language noted as it passes (an id's first article is the
        one the run keeps: ids.unique_ids)."""
        lang = self._lang
        for article in articles:
            if article.id not in lang:
                lang[article.id] = language_of(article)
            yield article

    def note_languages(self, ids: Sequence[str], langs: Sequence[str]) -> None:
        """The languages (``language_of``) of articles read elsewhere (engine/chunks.py), as
        ``tee`` notes them: an id's first article is the one kept."""
        lang = self._lang
        for i, found in zip(ids, langs, strict=True):
            lang.setdefault(i, found)
        self._seen.update(langs)

    def several_languages(self) -> bool:
        """Whether the articles noted so far (``note_languages``) are in two known languages:
        from then on the stage will run, so their texts are worth writing."""
        return len(self._seen - {""}) >= 2

    def keep_texts(
        self, titles: Sequence[str | None], buf: NDArray[np.uint8], offsets: NDArray[np.int64]
    ) -> None:
        """Keep a fingerprinted batch's texts (``buf[offsets[k]:offsets[k + 1]]``, UTF-8) and
        titles; batches come in input order (engine/local.py ``fingerprint_stream``)."""
        self._kept.append(self._written(titles, buf, offsets, self._docs))
        self._docs += len(titles)

    def _written(
        self,
        titles: Sequence[str | None],
        buf: NDArray[np.uint8],
        offsets: NDArray[np.int64],
        first: int,
    ) -> Kept:
        pickled = write_texts(self._file, titles, buf)
        kept = Kept(first=first, offsets=offsets, at=self._size, titles=pickled)
        self._size += len(buf) + pickled
        return kept

    def texts_folder(self) -> str:
        """A folder for texts files written elsewhere (``keep_written``), removed with the
        side."""
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="newsdedup-texts-")
        return self._folder.name

    def keep_written(self, kept: Kept, keep: NDArray[np.bool_] | None = None) -> None:
        """Keep a batch whose texts a worker process wrote (``write_texts``) at ``kept.path``,
        the rows ``keep`` marks (None: all); ``kept.first`` is set here."""
        self._kept.append(self._placed(kept, keep, self._docs))
        self._docs += len(kept.offsets) - 1 if keep is None else int(keep.sum())

    def keep_unwritten(
        self, task: Any, batch: int, docs: int, keep: NDArray[np.bool_] | None, redo: Redo
    ) -> None:
        """Note a batch of ``docs`` rows whose texts were not written (``Unwritten``); ``redo``
        makes them again (one reading of the input gives every such batch)."""
        self._redo = redo
        self._kept.append(Unwritten(self._docs, docs, task, batch, keep))
        self._docs += docs if keep is None else int(keep.sum())

    def _placed(self, kept: Kept, keep: NDArray[np.bool_] | None, first: int) -> Kept:
        """``kept`` as document ``first`` on; a batch that lost a row (a repeated id, rare) is
        written again here without it."""
        if keep is None or keep.all():
            return replace(kept, first=first)
        data, titles = kept.load()
        lengths = np.diff(kept.offsets)
        offsets = np.zeros(int(keep.sum()) + 1, np.int64)
        np.cumsum(lengths[keep], out=offsets[1:])
        buf = np.frombuffer(data, np.uint8)[np.repeat(keep, lengths)]
        return self._written(list(compress(titles, keep.tolist())), buf, offsets, first)

    def written(self) -> list[Kept]:
        """Every batch's texts, in input order: those of ``Unwritten`` batches made now (each
        of their tasks once, in worker processes)."""
        tasks = list(dict.fromkeys(k.task for k in self._kept if isinstance(k, Unwritten)))
        made: dict[Any, list[Kept]] = {}
        if tasks:
            assert self._redo is not None  # keep_unwritten set it
            made = dict(zip(tasks, self._redo(tasks), strict=True))
        done = [
            k if isinstance(k, Kept) else self._placed(_again(k, made), k.keep, k.first)
            for k in self._kept
        ]
        self._kept = list(done)
        self._file.flush()
        return done

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
        kept = self.written()
        keys = self._keys(reps, kept)
        leads = _Leads(self._file, kept, reps, self.config)
        return translate_groups(
            langs, reps, keys, leads, rank, assignment, self.config, encode=self.encode
        )

    def _keys(self, docs: NDArray[np.int64], kept: list[Kept]) -> KeySets:
        """The anchor keys of the documents ``docs`` (ascending), batch by batch, in worker
        processes when there are many; row by row in one array."""
        firsts = np.array([k.first for k in kept], np.int64)
        batch = np.searchsorted(firsts, docs, side="right") - 1
        cut = np.flatnonzero(np.diff(batch)) + 1
        groups = np.split(docs, cut) if len(docs) else []
        tasks: list[Task] = [
            (kept[b], (group - firsts[b]).tolist())
            for b, group in zip(batch[np.r_[0, cut]].tolist(), groups, strict=True)
        ]
        workers = self.workers if len(docs) >= POOL_AFTER and self.workers > 1 else 0
        path = self._file.name
        found = list(map_in_processes(_batch_keys, tasks, workers, path, what="anchor keys"))
        return _in_row_order(found)


def _again(batch: Unwritten, made: dict[Any, list[Kept]]) -> Kept:
    """The texts made again for ``batch``; an input that changed since it was read cannot
    give them (its rows would no longer be the run's)."""
    again = made[batch.task]
    if batch.batch >= len(again) or len(again[batch.batch].offsets) - 1 != batch.docs:
        raise InputError(
            f"An input changed while the run was reading it ({batch.task}): the translation "
            "stage could not read its texts again. Run again on files that stay as they are."
        )
    return again[batch.batch]


def _in_row_order(
    found: Sequence[tuple[NDArray[np.uint64], NDArray[np.int64]]],
) -> KeySets:
    """The key sets of the rows whose (keys, sizes) the chunks ``found`` hold, in row order
    (the chunks come in the order of their rows: ``_keys`` splits ascending documents)."""
    flat = np.concatenate([f for f, _ in found]) if found else np.empty(0, np.uint64)
    sizes = np.concatenate([s for _, s in found]) if found else np.empty(0, np.int64)
    return KeySets(flat=flat, sizes=sizes.astype(np.int64, copy=False))


def _batch_keys(task: Task, path: str) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """The anchor keys of some documents of one kept batch of the texts file ``path``: all of
    them in one array, and each document's count (a worker process's task: small to send back)."""
    kept, wanted = task
    with open(path, "rb") as file:
        data, titles = kept.load(file)
    return anchor_key_sets([anchored_text(kept.text(data, k), titles[k]) for k in wanted])


class _Leads(Sequence[str]):
    """What the encoder may read of the documents ``docs`` (``encoder_input``), each made when
    asked for: the encoder reads only its candidates'. The last batch read is kept
    (candidates come in document order)."""

    def __init__(
        self, file: IO[bytes], kept: list[Kept], docs: NDArray[np.int64], config: TranslateConfig
    ) -> None:
        self._file, self._kept, self._docs, self._config = file, kept, docs, config
        self._firsts = np.array([k.first for k in kept], np.int64)
        self._at = -1  #: the batch read last, its bytes and titles
        self._data, self._titles = b"", list[str | None]()

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
        kept = self._kept[b]
        if b != self._at:
            self._at, (self._data, self._titles) = b, kept.load(self._file)
        k = doc - kept.first
        return encoder_input(kept.text(self._data, k), self._titles[k], self._config)
