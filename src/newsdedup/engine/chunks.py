"""Reading, cleaning and fingerprinting JSON Lines in worker processes, each reading its own
byte range of the files.

In one process the read+fingerprint stage is held to one core's pace by the Python that reads
and cleans every article (the GIL), while the kernel thread waits for batches. Here each worker
process reads a range of lines itself, parses, cleans, guesses languages and fingerprints them
with the same functions, and sends back only columns: no text crosses a process boundary
unless the translation stage keeps it. This process keeps what the in-process stream keeps, in
input order: reports, the rule that an id is used once (``ids.unique_ids``), the translation
side's languages and texts, and the fingerprints.

Only plain (uncompressed) JSON Lines files are cut into ranges: a range must start at a line
whose number is known, so this process counts each range's lines as it cuts it. Any other
input, a small one, or a strict run streams in process (engine/local.py).
"""

from __future__ import annotations

import io
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import Config
from newsdedup.fingerprint.batch import Fingerprints, fingerprint_articles, select_rows
from newsdedup.ids import reject_repeated
from newsdedup.processes import process_executor
from newsdedup.read.compression import Source, compression_of
from newsdedup.read.fields import FieldMap
from newsdedup.read.jsonl import check_jsonl_fields, parse_lines
from newsdedup.report import Report
from newsdedup.types import Article, Origin, Rejected

if TYPE_CHECKING:
    from newsdedup.engine.translations import TranslationSide

__all__ = ["CHUNK_BYTES", "SPLIT_AFTER", "JsonlFiles", "chunked_fingerprints", "jsonl_files"]

SPLIT_AFTER = 64 << 20  #: bytes of input from which worker processes pay for their start
CHUNK_BYTES = 16 << 20  #: a worker's task: about 5,000 news articles, 0.5 s of work
IN_FLIGHT = 2  #: tasks per worker out at once (memory stays bounded)

_PRELOAD = ["newsdedup.engine.local"]  # imported once, in the fork server (it imports this)


@dataclass(frozen=True, slots=True)
class JsonlFiles:
    """Plain JSON Lines files to read in worker processes (``jsonl_files``)."""

    sources: tuple[Source, ...]
    fields: FieldMap
    workers: int


def jsonl_files(
    paths: Sequence[str | os.PathLike[str]], config: Config, workers: int
) -> JsonlFiles | None:
    """The inputs as ``JsonlFiles`` when worker processes should read them: two processes or
    more, a run that is not strict, every input a regular JSON Lines file, uncompressed, and
    ``SPLIT_AFTER`` bytes in all; else None."""
    if workers < 2 or config.run.strict or config.read.format not in ("", "jsonl"):
        return None
    from newsdedup.read.base import detect_format  # the read stage's rule for a file's format

    sources = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file() or detect_format(path) != "jsonl" or compression_of(path):
            return None
        sources.append(Source(path=path, name=os.fspath(raw)))
    if sum(s.path.stat().st_size for s in sources) < SPLIT_AFTER:
        return None
    return JsonlFiles(tuple(sources), FieldMap.of(config.read), workers)


@dataclass(frozen=True, slots=True)
class _Task:
    """Lines ``first_line``... of ``source``: bytes ``start`` to ``end``."""

    source: Source
    start: int
    end: int
    first_line: int


@dataclass(slots=True)
class _Batch:
    """One fingerprinted batch of a task, with what this process keeps beside it."""

    fp: Fingerprints
    source: str  #: the file as reports name it
    lines: list[int]  #: each document's line, for a repeated id's reject
    titles: list[str | None]
    langs: list[str]  #: ``language_of`` each, when the translation stage runs
    texts: tuple[NDArray[np.uint8], NDArray[np.int64]] | None  #: the kernel's UTF-8 input


@dataclass(slots=True)
class _Done:
    """A task's outcome: its batches and its records' report."""

    batches: list[_Batch] = field(default_factory=list)
    read: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    counters: Counter[str] = field(default_factory=Counter)


def chunked_fingerprints(
    files: JsonlFiles,
    config: Config,
    report: Report,
    side: TranslationSide | None,
    progress: Callable[[str, int], None] | None = None,
) -> Iterator[Fingerprints]:
    """Each fingerprinted batch, in input order, with its reports merged into ``report``, a
    repeated id rejected (and its row dropped), and its languages and texts given to ``side``."""
    for source in files.sources:
        check_jsonl_fields(source, files.fields)  # the reader's check, before any work
    seen: set[str] = set()
    done = 0
    for outcome in _outcomes(files, config, keep_texts=side is not None):
        report.read += outcome.read
        report.rejected.extend(outcome.rejected)  # each was logged where it was read
        report.counters.update(outcome.counters)
        for batch in outcome.batches:
            batch = _unique(batch, seen, report)
            if side is not None:
                side.note_languages(batch.fp.ids, batch.langs)
                if batch.texts is not None:
                    side.keep_texts(batch.titles, *batch.texts)
            done += len(batch.fp)
            if progress:
                progress("fingerprint", done)
            yield batch.fp


def _outcomes(files: JsonlFiles, config: Config, keep_texts: bool) -> Iterator[_Done]:
    """The tasks' outcomes in input order, at most ``IN_FLIGHT`` tasks a worker out at once."""
    pending: deque[Future[_Done]] = deque()
    with process_executor(files.workers, _PRELOAD) as pool:
        for task in _tasks(files):
            pending.append(pool.submit(_run_task, task, files.fields, config, keep_texts))
            while len(pending) > IN_FLIGHT * files.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _tasks(files: JsonlFiles) -> Iterator[_Task]:
    """Each file cut into ranges of about ``CHUNK_BYTES`` that end at a line's end, each with
    the number of its first line (counted here, as the ranges are cut)."""
    for source in files.sources:
        line = 1
        start = 0
        with open(source.path, "rb") as fh:
            while True:
                data = fh.read(CHUNK_BYTES)
                if not data:
                    break
                if not data.endswith(b"\n"):
                    data += fh.readline()  # to the end of the line (or of the file)
                yield _Task(source, start, start + len(data), line)
                line += data.count(b"\n")
                start += len(data)


def _run_task(task: _Task, fields: FieldMap, config: Config, keep_texts: bool) -> _Done:
    """A worker process's task: the range's records read, cleaned and fingerprinted as the
    in-process stream does (engine/local.py), on one kernel thread."""
    import numba

    from newsdedup.engine.local import batched, cleaned
    from newsdedup.relate.translate import language_of

    numba.set_num_threads(1)  # the other core runs the other worker
    report = Report()
    with open(task.source.path, "rb") as fh:
        fh.seek(task.start)
        data = fh.read(task.end - task.start)
    lines = parse_lines(task.source, io.BytesIO(data), task.first_line, fields, report)
    records = _articles(lines, report)
    out = _Done()
    for batch in batched(cleaned(records, config.clean, report), config.run.batch_size):
        kept: list[tuple[NDArray[np.uint8], NDArray[np.int64]]] = []
        fp = fingerprint_articles(batch, config, partial(_copy_into, kept) if keep_texts else None)
        out.batches.append(
            _Batch(
                fp=fp,
                source=task.source.name,
                lines=[_line(a) for a in batch],
                titles=[a.title for a in batch],
                langs=[language_of(a) for a in batch] if keep_texts else [],
                texts=kept[0] if kept else None,
            )
        )
    out.read, out.rejected, out.counters = report.read, report.rejected, report.counters
    return out


def _copy_into(
    kept: list[tuple[NDArray[np.uint8], NDArray[np.int64]]],
    buf: NDArray[np.uint8],
    offsets: NDArray[np.int64],
) -> None:
    """Keep the kernel's input texts: the kernel folds their bytes in place after this."""
    kept.append((buf.copy(), offsets.copy()))


def _line(article: Article) -> int:
    return article.origin.line or 0 if article.origin is not None else 0


def _articles(items: Iterator[Article | Rejected], report: Report) -> Iterator[Article]:
    """As the read stage streams them: every record counted, a rejected one reported."""
    for item in items:
        report.read += 1
        if isinstance(item, Rejected):
            report.reject(item.origin, item.reason, item.detail)
        else:
            yield item


def _unique(batch: _Batch, seen: set[str], report: Report) -> _Batch:
    """``batch`` without the documents whose id came before (``ids.unique_ids``' rule)."""
    keep = np.ones(len(batch.fp), np.bool_)
    for k, doc_id in enumerate(batch.fp.ids):
        if doc_id in seen:
            keep[k] = False
            reject_repeated(report, Origin(batch.source, batch.lines[k]), doc_id)
        else:
            seen.add(doc_id)
    if keep.all():
        return batch
    rows = np.flatnonzero(keep).tolist()
    texts = None
    if batch.texts is not None:
        texts = _rows_of(*batch.texts, keep)
    return _Batch(
        fp=select_rows(batch.fp, keep),
        source=batch.source,
        lines=[batch.lines[k] for k in rows],
        titles=[batch.titles[k] for k in rows],
        langs=[batch.langs[k] for k in rows] if batch.langs else [],
        texts=texts,
    )


def _rows_of(
    buf: NDArray[np.uint8], offsets: NDArray[np.int64], keep: NDArray[np.bool_]
) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """The texts ``keep`` marks of a (UTF-8 buffer, offsets) batch."""
    lengths = np.diff(offsets)
    out = np.zeros(int(keep.sum()) + 1, np.int64)
    np.cumsum(lengths[keep], out=out[1:])
    return buf[np.repeat(keep, lengths)], out
