"""The single-process engine: read → fingerprint → candidates → relate → group, wired together.

Fingerprinting streams: texts are dropped after each batch, and only the columnar fingerprints
(about 2.5 KB per 500-word article) are kept for the global steps; of those, the band keys, the
shingle sets and their positions wait on disk (fingerprint/columns.py) until the LSH step, the
overlap floor and verification read them, so memory holds about 100 bytes an article and the
ids.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ClassVar

import numba
import numpy as np
from numpy.typing import NDArray

from newsdedup.arrays import unique
from newsdedup.candidates.contained import ContainedReport, contained_pairs, union_pairs
from newsdedup.candidates.lsh import BANDS_PER_CHUNK, BandColumns, LSHReport, candidate_pairs
from newsdedup.clean.pipeline import clean_articles, per_article
from newsdedup.config import CleanConfig, Config
from newsdedup.engine.chunks import SplitFiles, chunked_fingerprints
from newsdedup.engine.pool import POOL_AFTER, Payload, payload, pooled
from newsdedup.engine.translations import Translations, TranslationSide
from newsdedup.fingerprint.batch import Fingerprints, concat, fingerprint_articles, utf8_columns
from newsdedup.fingerprint.columns import SpilledColumns
from newsdedup.group.copies import Assignment, exact_heads, spread_exact, star_groups
from newsdedup.group.representative import priority_ranks
from newsdedup.ids import tiebreak, unique_ids
from newsdedup.memory import release_memory
from newsdedup.relate.kind import judge, judge_shingles, verifier
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.report import Report
from newsdedup.types import Article

__all__ = ["CopyRun", "Progress", "banded_pairs", "fingerprint_stream", "run_copies", "timed"]

#: Called with (stage name, documents done so far).
Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class CopyRun:
    """Columnar outcome of copy detection, before it becomes Group objects."""

    #: ids and per-document columns; the shingle sets, their positions and the band keys are
    #: let go once the groups are made (``_without_shingles``: 2 GB at 1,000,000 articles)
    fingerprints: Fingerprints
    rank: NDArray[np.int64]
    assignment: Assignment
    lsh: LSHReport
    contained: ContainedReport  #: the short-document path (candidates/contained.py)
    candidate_pairs: int
    verified_pairs: int
    seconds: dict[str, float]
    #: the translation stage's findings
    translations: Translations = dataclasses.field(default_factory=Translations)
    #: ``ids.tiebreak`` of every id, as the LSH step used it (the groups' ids derive from it)
    tiebreak: NDArray[np.uint64] | None = None


@contextmanager
def timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    """Add the block's wall time to ``seconds[stage]`` (a run's stage times, ``Stats.seconds``)."""
    start = time.perf_counter()
    yield
    seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - start


def batched(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """``articles`` in lists of ``size`` (the last shorter)."""
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _threads(config: Config) -> int:
    """Threads for the compiled kernels: run.workers, or every core numba may use."""
    limit = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
    return min(config.run.workers, limit) if config.run.workers else limit


#: Takes each fingerprinted batch's titles and texts as UTF-8 (bytes, offsets), in input
#: order (the translation stage keeps them: ``TranslationSide.keep_texts``).
BatchTexts = Callable[[Sequence[str | None], NDArray[np.uint8], NDArray[np.int64]], None]


def _fingerprint_in_worker(
    batch: list[Article], config: Config, threads: int, texts: BatchTexts | None = None
) -> Fingerprints:
    numba.set_num_threads(threads)  # numba's thread count is per calling thread
    if texts is None:
        return fingerprint_articles(batch, config)
    titles = [a.title for a in batch]
    return fingerprint_articles(batch, config, lambda buf, offsets: texts(titles, buf, offsets))


@dataclass(slots=True)
class _KernelThreads:
    """The fingerprint kernel's threads while this thread reads and cleans the next batch.

    Every core for the kernel is not always fastest: beside the reader, a second kernel thread
    on 2 cores slowed the reader (the slower side) more than it sped the kernel (100,000
    generated articles: read+fingerprint 8.1-8.9 s with it, 7.1-7.4 s without), while on long
    articles the kernel is the slower side and needs both. So a few batches are timed with
    every core and a few with one fewer (the first batch, which also loads the compiled code,
    not counted), and the faster count serves the rest. Results do not depend on it."""

    most: int
    sent: int = 0  #: batches handed to the kernel
    spent: dict[int, float] = field(default_factory=dict)  #: seconds a batch, by threads
    timed: dict[int, int] = field(default_factory=dict)
    chosen: int | None = None

    #: batches timed with each count
    PROBE: ClassVar[int] = 3

    def next(self) -> int:
        """Threads for the batch about to be sent."""
        self.sent += 1
        if self.chosen is not None:
            return self.chosen
        if self.most == 1:
            self.chosen = 1
        elif self.sent <= 1 + self.PROBE:
            return self.most
        elif self.sent <= 1 + 2 * self.PROBE:
            return self.most - 1
        else:
            fewer, every = (self.spent[t] / self.timed[t] for t in (self.most - 1, self.most))
            self.chosen = self.most - 1 if fewer < 0.97 * every else self.most
        return self.chosen

    def note(self, threads: int, seconds: float) -> None:
        """A batch's kernel ran on ``threads`` while the reader took ``seconds`` to read the
        next batch and wait for it."""
        if self.sent > 1 and self.chosen is None:
            self.spent[threads] = self.spent.get(threads, 0.0) + seconds
            self.timed[threads] = self.timed.get(threads, 0) + 1


#: Batches between two returns of freed memory to the system (see memory.py).
_TRIM_EVERY = 8


#: What becomes of each fingerprinted batch before it is kept (``SpilledColumns.take``).
Keep = Callable[[Fingerprints], Fingerprints]


def _in_process(
    batches: Iterator[list[Article]],
    config: Config,
    progress: Progress | None,
    limit: int,
    keep: Keep,
    texts: BatchTexts | None = None,
) -> tuple[list[Fingerprints], int, list[Article] | None]:
    """Fingerprint in this process until ``limit`` documents; the compiled kernel of one batch
    runs (without the GIL) while the next batch is read. Returns the parts, the count, and the
    first batch beyond the limit, if any."""
    parts: list[Fingerprints] = []
    done = 0
    kernel = _KernelThreads(most=_threads(config))
    with ThreadPoolExecutor(max_workers=1) as threads:
        pending: Future[Fingerprints] | None = None
        used = 0  # the pending batch's kernel threads
        sent = time.perf_counter()
        for batch in batches:
            if done >= limit:
                if pending is not None:
                    parts.append(keep(pending.result()))
                return parts, done, batch
            if pending is not None:
                fp = pending.result()
                kernel.note(used, time.perf_counter() - sent)
                parts.append(keep(fp))
                if len(parts) % _TRIM_EVERY == 0:
                    release_memory()
            used = kernel.next()
            pending = threads.submit(_fingerprint_in_worker, batch, config, used, texts)
            sent = time.perf_counter()
            done += len(batch)
            if progress:
                progress("fingerprint", done)
        if pending is not None:
            parts.append(keep(pending.result()))
    return parts, done, None


def worker_processes(config: Config) -> int:
    """Processes a run may use: run.workers, or one per core."""
    return config.run.workers or (os.cpu_count() or 1)


def fingerprint_stream(
    articles: Iterable[Article],
    config: Config,
    report: Report,
    progress: Progress | None = None,
    *,
    spill: SpilledColumns | None = None,
    texts: BatchTexts | None = None,
) -> Fingerprints:
    """Fingerprint a stream batch by batch: in process for small inputs, then in worker
    processes (see engine/pool.py) once the input proves large. With ``spill``, each batch's
    keys, shingle sets and positions go there as it comes, and the result holds none;
    ``texts`` is given every batch's texts, in order (document d of the result is its d-th
    article)."""
    keep: Keep = spill.take if spill is not None else (lambda fp: fp)
    batches = batched(unique_ids(articles, report), config.run.batch_size)
    workers = worker_processes(config)
    # on two cores the main thread plus the kernel's threads already keep both busy, and the
    # pool's pickling costs more than it gains (measured: 9.1 s against 8.0 s per 100k docs)
    limit = POOL_AFTER if workers > 2 else 2**62
    parts, done, rest = _in_process(batches, config, progress, limit, keep, texts)
    if rest is not None:
        pool_batches = itertools.chain([rest], batches)
        for fp in pooled(_payloads(pool_batches, texts), config, workers):
            parts.append(keep(fp))
            done += len(fp)
            if progress:
                progress("fingerprint", done)
    fp = concat(parts, config)
    release_memory()
    return fp


def _payloads(batches: Iterable[list[Article]], texts: BatchTexts | None) -> Iterator[Payload]:
    for batch in batches:
        if texts is not None:  # the worker processes' bytes stay there: encoded here too
            texts([a.title for a in batch], *utf8_columns([a.text for a in batch]))
        yield payload(batch)


#: Candidate pairs verified per step: scores are kept only for pairs that are copies, so memory
#: stays flat however many candidates LSH proposes.
VERIFY_CHUNK = 1 << 18


def _verify_all(
    fp: Fingerprints,
    pairs: NDArray[np.int64],
    config: Config,
    spilled: SpilledColumns | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int8], NDArray[np.float64]]:
    """The copy pairs among the candidates, with their kind codes and scores; with ``spilled``,
    each chunk's documents' sets and positions are read from there (``_judged``)."""
    kept: list[tuple[NDArray[np.int64], NDArray[np.int8], NDArray[np.float64]]] = []
    for start in range(0, len(pairs), VERIFY_CHUNK):
        chunk = pairs[start : start + VERIFY_CHUNK]
        if spilled is None:
            scores, codes = judge(fp, chunk, config)
        else:
            scores, codes = _judged(fp, chunk, config, spilled)
        keep = codes > 0
        kept.append((chunk[keep], codes[keep], scores[keep]))
    if not kept:
        return np.empty((0, 2), np.int64), np.empty(0, np.int8), np.empty((0, len(SCORE_COLUMNS)))
    return (
        np.concatenate([k[0] for k in kept]),
        np.concatenate([k[1] for k in kept]),
        np.concatenate([k[2] for k in kept]),
    )


def _judged(
    fp: Fingerprints, chunk: NDArray[np.int64], config: Config, spilled: SpilledColumns
) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """``judge`` of a chunk of pairs over its documents' sets and positions alone, gathered from
    the spill (``ColumnFile.rows_of``): a chunk's pairs name documents all over the corpus, and
    read through the mapping they would bring in most of both files."""
    docs = unique(chunk)
    sets, offsets = spilled.sets.rows_of(fp.set_offsets, docs)
    positions, _ = spilled.positions.rows_of(fp.set_offsets, docs)
    return judge_shingles(
        np.searchsorted(docs, chunk), sets, positions, offsets, fp.n_content[docs], config
    )


def cleaned(articles: Iterable[Article], clean: CleanConfig, report: Report) -> Iterable[Article]:
    """Per-article cleaning (see ``per_article``); ``newsdedup clean`` output reads as it is."""
    if not clean.boilerplate:
        return articles
    return clean_articles(articles, config=per_article(clean), report=report)


def run_copies(
    articles: Iterable[Article] | SplitFiles,
    config: Config,
    report: Report,
    progress: Progress | None = None,
) -> CopyRun:
    """Run copy detection over a stream of articles, each cleaned on its own first; with
    ``translate.enabled``, translations across languages join their original's group.
    ``SplitFiles`` (engine/chunks.py) are read, cleaned and fingerprinted in worker processes."""
    if not isinstance(articles, SplitFiles):
        articles = cleaned(articles, config.clean, report)
    if not config.translate.enabled:
        return _run_copies(articles, config, report, progress, None)
    with TranslationSide(config.translate, workers=worker_processes(config)) as side:
        if not isinstance(articles, SplitFiles):
            articles = side.tee(articles)
        return _run_copies(articles, config, report, progress, side)


def banded_pairs(
    fp: Fingerprints,
    keys: NDArray[np.uint64] | BandColumns,
    eligible: NDArray[np.bool_],
    config: Config,
    order: NDArray[np.uint64] | None = None,
) -> tuple[NDArray[np.int64], LSHReport]:
    """The LSH step of the engine's settings over band ``keys`` (``fp.keys``, the run's keys on
    disk, or others an experiment makes for the same documents): pairs that share
    ``verify.min_bands`` bands and reach ``verify.min_pair_containment``. ``order`` is
    ``tiebreak(fp.ids)`` when the caller has it."""
    return candidate_pairs(
        keys,
        eligible,
        tiebreak(fp.ids) if order is None else order,
        max_bucket=config.lsh.max_bucket,
        n_content=fp.n_content,
        min_bands=config.verify.min_bands,
        short_words=config.verify.short_doc_words,
        short_bands=config.verify.short_doc_bands,
        shingles=(fp.sets, fp.set_offsets),
        min_containment=config.verify.min_pair_containment,
    )


def _without_shingles(fp: Fingerprints) -> Fingerprints:
    """``fp`` with every document's shingle set empty: no stage after grouping reads them."""
    return dataclasses.replace(
        fp,
        keys=np.empty((0, *fp.keys.shape[1:]), fp.keys.dtype),
        sets=np.empty(0, fp.sets.dtype),
        positions=np.empty(0, fp.positions.dtype),
        set_offsets=np.zeros(len(fp) + 1, np.int64),
    )


@dataclass(frozen=True, slots=True)
class _Found:
    pairs: NDArray[np.int64]
    lsh: LSHReport
    contained: ContainedReport
    order: NDArray[np.uint64]  #: ``tiebreak`` of every id


def _candidates(
    fp: Fingerprints, spilled: SpilledColumns, config: Config
) -> tuple[NDArray[np.int64], NDArray[np.int64], _Found]:
    """Representative ranks, exact-copy heads and the candidate pairs: LSH over the keys on
    disk, a chunk of bands at a time, then the short-document path."""
    n = len(fp)
    rank = priority_ranks(fp.ids, fp.published, fp.n_words, fp.traces, config.group.representative)
    heads = exact_heads(fp.exact, rank) if n else np.empty(0, np.int64)
    eligible = (heads == np.arange(n)) & (np.diff(fp.set_offsets) > 0)
    order = tiebreak(fp.ids)
    pairs, lsh = banded_pairs(fp, spilled.keys, eligible, config, order)
    release_memory()
    short, contained = contained_pairs(
        fp.sets,
        fp.set_offsets,
        eligible,
        short_words=fp.n_content <= config.verify.short_doc_words,
        max_bucket=config.verify.short_doc_max_bucket,
        min_containment=config.verify.min_candidate_containment,
    )
    if len(short):
        pairs = union_pairs(pairs, short, n)
    return rank, heads, _Found(pairs=pairs, lsh=lsh, contained=contained, order=order)


def _run_copies(
    articles: Iterable[Article] | SplitFiles,
    config: Config,
    report: Report,
    progress: Progress | None,
    side: TranslationSide | None,
) -> CopyRun:
    seconds: dict[str, float] = {}
    numba.set_num_threads(_threads(config))
    with SpilledColumns(config.lsh.bands, BANDS_PER_CHUNK) as spilled:
        with timed(seconds, "read+fingerprint"):
            if isinstance(articles, SplitFiles):
                parts = chunked_fingerprints(articles, config, report, side, progress)
                fp = concat([spilled.take(part) for part in parts], config)
                release_memory()
            else:
                texts = side.keep_texts if side is not None else None
                fp = fingerprint_stream(
                    articles, config, report, progress, spill=spilled, texts=texts
                )
            fp = dataclasses.replace(fp, sets=spilled.sets.mapped())
        n = len(fp)
        with timed(seconds, "candidates"):
            rank, heads, found = _candidates(fp, spilled, config)
        if progress:
            progress("verify", n)
        with timed(seconds, "verify"):
            # the sets' pages the candidate steps read leave memory; each chunk of pairs
            # gathers its documents' sets and positions, and the groups' few extra pairs
            # read them through the mapping
            spilled.drop_pages()
            fp = dataclasses.replace(fp, positions=spilled.positions.mapped())
            edges, codes, scores = _verify_all(fp, found.pairs, config, spilled)
    with timed(seconds, "group"):
        stars = star_groups(n, rank, edges, codes, scores, verifier(fp, config))
        assignment = spread_exact(stars, heads)
        fp = _without_shingles(fp)
        release_memory()
    translations = Translations()
    if side is not None:
        if progress:
            progress("translate", n)
        with timed(seconds, "translate"):
            assignment, translations = side.join(fp.ids, rank, assignment)
    return CopyRun(
        fingerprints=fp,
        rank=rank,
        assignment=assignment,
        lsh=found.lsh,
        contained=found.contained,
        candidate_pairs=len(found.pairs),
        verified_pairs=len(edges),
        seconds=seconds,
        translations=translations,
        tiebreak=found.order,
    )
