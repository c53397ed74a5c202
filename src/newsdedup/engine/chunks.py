"""Reading, cleaning and fingerprinting JSON Lines in worker processes, each reading its own
byte range of the files.

In one process the read+fingerprint stage is held to one core's pace by the Python that reads
and cleans every article (the GIL), while the kernel thread waits for batches. Here each worker
process reads a range of lines itself, parses, cleans, guesses languages and fingerprints them
with the same functions, and sends back only columns: no text crosses a process boundary.
This process keeps what the in-process stream keeps, in input order: reports, the rule that an
id is used once (``ids.unique_ids``), the translation side's languages and texts, and the
fingerprints. The texts are written to files by the workers, and only for the ranges cut once
the run has met a second language; the ranges before are read again if the translation stage
comes to need their texts (``_texts_again``).

Plain (uncompressed) JSON Lines files are cut into ranges: a range must start at a line whose
number is known, so this process counts each range's lines as it cuts it. Parquet files are
cut at their row groups, whose row counts the file's footer gives. Any other input, a small
one, or a strict run streams in process (engine/local.py).
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from itertools import compress
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow.parquet as pq
from numpy.typing import NDArray

from newsdedup.config import Config
from newsdedup.engine.translations import Kept, TranslationSide, write_texts
from newsdedup.fingerprint.batch import (
    Fingerprints,
    fingerprint_articles,
    select_rows,
    utf8_columns,
)
from newsdedup.ids import reject_repeated
from newsdedup.processes import map_in_processes
from newsdedup.read.base import counted, detect_format
from newsdedup.read.compression import Source, compression_of
from newsdedup.read.fields import FieldMap
from newsdedup.read.jsonl import check_jsonl_fields, parse_lines
from newsdedup.read.parquet import open_parquet, read_row_group
from newsdedup.report import Report
from newsdedup.types import Article, Origin, Rejected

__all__ = ["CHUNK_BYTES", "SPLIT_AFTER", "SplitFiles", "chunked_fingerprints", "split_files"]

SPLIT_AFTER = 160 << 20  #: input bytes from which worker processes pay for their start (measured)
CHUNK_BYTES = 16 << 20  #: a worker's task: about 5,000 news articles, 0.5 s of work
MAX_GROUP_ROWS = 1 << 16  #: Parquet row groups larger than this are read in process


@dataclass(frozen=True, slots=True)
class SplitFiles:
    """Plain JSON Lines and Parquet files to read in worker processes (``split_files``)."""

    sources: tuple[Source, ...]
    fields: FieldMap
    workers: int
    formats: tuple[str, ...] = ()  #: per source, "jsonl" or "parquet" (default: all JSON Lines)

    def format_of(self, k: int) -> str:
        return self.formats[k] if self.formats else "jsonl"


def split_files(
    paths: Sequence[str | os.PathLike[str]], config: Config, workers: int
) -> SplitFiles | None:
    """The inputs as ``SplitFiles`` when worker processes should read them: two processes or
    more, a run that is not strict, every input a regular file of uncompressed JSON Lines or of
    Parquet in row groups of at most ``MAX_GROUP_ROWS``, and ``SPLIT_AFTER`` bytes in all;
    else None."""
    if workers < 2 or config.run.strict or config.read.format not in ("", "jsonl", "parquet"):
        return None
    sources, formats = [], []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            return None
        source = Source(path=path, name=os.fspath(raw))
        found = config.read.format or detect_format(path)
        if found == "jsonl" and compression_of(path) is None:
            pass
        elif found != "parquet" or not _small_groups(
            open_parquet(source, FieldMap.of(config.read))
        ):
            return None
        sources.append(source)
        formats.append(found)
    if sum(s.path.stat().st_size for s in sources) < SPLIT_AFTER:
        return None
    return SplitFiles(tuple(sources), FieldMap.of(config.read), workers, tuple(formats))


def _small_groups(opened: pq.ParquetFile | Rejected) -> bool:
    """Whether a Parquet file opened and each of its row groups is a task of bounded size (a
    worker returns a task's fingerprints at once; pyarrow writes groups of a million rows by
    default)."""
    if isinstance(opened, Rejected):
        return False
    meta = opened.metadata
    return all(meta.row_group(g).num_rows <= MAX_GROUP_ROWS for g in range(meta.num_row_groups))


@dataclass(frozen=True, slots=True)
class _Task:
    """Lines ``first_line``... of ``source``: bytes ``start`` to ``end`` of JSON Lines, or
    row group ``start`` of Parquet (``first_line`` its first row)."""

    source: Source
    start: int
    end: int
    first_line: int
    number: int  #: the task's place in the run (names its texts file)
    format: str = "jsonl"
    #: write the texts for the translation stage (the run had met two languages when it cut
    #: the task); else ``_texts_again`` makes them if the stage comes to need them
    texts: bool = True


@dataclass(slots=True)
class _Batch:
    """One fingerprinted batch of a task, with what this process keeps beside it."""

    fp: Fingerprints
    source: str  #: the file as reports name it
    lines: list[int]  #: each document's line, for a repeated id's reject
    langs: list[str]  #: ``language_of`` each, when the translation stage runs
    texts: Kept | None  #: where the worker wrote the kernel's UTF-8 input, when it runs


@dataclass(slots=True)
class _Done:
    """A task's outcome: its batches and its records' report."""

    task: _Task
    lost: bool = False  #: rows could not be read: the file ends here, as in the stream
    batches: list[_Batch] = field(default_factory=list)
    read: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    counters: Counter[str] = field(default_factory=Counter)

    @property
    def source(self) -> str:
        """The file as reports name it."""
        return self.task.source.name


def chunked_fingerprints(
    files: SplitFiles,
    config: Config,
    report: Report,
    side: TranslationSide | None,
    progress: Callable[[str, int], None] | None = None,
) -> Iterator[Fingerprints]:
    """Each fingerprinted batch, in input order, with its reports merged into ``report``, a
    repeated id rejected (and its row dropped), and its languages and texts given to ``side``."""
    for k, source in enumerate(files.sources):  # the readers' checks, before any work
        if files.format_of(k) == "jsonl":
            check_jsonl_fields(source, files.fields)
        else:
            open_parquet(source, files.fields)
    seen: set[str] = set()
    lost: set[str] = set()  # files whose rows stopped being readable
    done = 0
    folder = side.texts_folder() if side is not None else None
    texts = side.several_languages if side is not None else None
    redo = None if folder is None else partial(_texts_again, files, config, folder)
    for outcome in _outcomes(files, config, folder, texts):
        if outcome.source in lost:
            continue
        if outcome.lost:
            lost.add(outcome.source)
        report.read += outcome.read
        report.rejected.extend(outcome.rejected)  # each was logged where it was read
        report.counters.update(outcome.counters)
        for b, batch in enumerate(outcome.batches):
            keep = _first_uses(batch, seen, report)
            fp = batch.fp if keep.all() else select_rows(batch.fp, keep)
            if side is not None and redo is not None:
                side.note_languages(fp.ids, list(compress(batch.langs, keep.tolist())))
                rows = None if keep.all() else keep
                if batch.texts is not None:
                    side.keep_written(batch.texts, rows)
                else:
                    side.keep_unwritten(outcome.task, b, len(batch.fp), rows, redo)
            done += len(fp)
            if progress:
                progress("fingerprint", done)
            yield fp


def _outcomes(
    files: SplitFiles, config: Config, folder: str | None, texts: Callable[[], bool] | None
) -> Iterator[_Done]:
    """The tasks' outcomes in input order (``map_in_processes``: at most two tasks a worker
    out at once, and the caller's script is never imported again); ``texts`` says, as each
    task is cut, whether its texts are written."""
    tasks = _tasks(files)
    if texts is not None:
        tasks = (dataclasses.replace(task, texts=texts()) for task in tasks)
    return map_in_processes(
        _run_task, tasks, files.workers, files.fields, config, folder, what="reading"
    )


def _tasks(files: SplitFiles) -> Iterator[_Task]:
    """Each file cut into ranges of about ``CHUNK_BYTES`` that end at a line's end, each with
    the number of its first line (counted here, as the ranges are cut)."""
    number = 0
    for k, source in enumerate(files.sources):
        if files.format_of(k) == "parquet":
            row = 1
            meta = pq.ParquetFile(source.path).metadata
            for group in range(meta.num_row_groups):
                yield _Task(source, group, group, row, number, "parquet")
                number += 1
                row += meta.row_group(group).num_rows
            continue
        line = 1
        start = 0
        with open(source.path, "rb") as fh:
            while True:
                data = fh.read(CHUNK_BYTES)
                if not data:
                    break
                # to the end of the line (or of the file), without copying the chunk
                rest = b"" if data.endswith(b"\n") else fh.readline()
                end = start + len(data) + len(rest)
                yield _Task(source, start, end, line, number)
                number += 1
                line += data.count(b"\n") + rest.count(b"\n")
                start = end


def _run_task(task: _Task, fields: FieldMap, config: Config, folder: str | None) -> _Done:
    """A worker process's task: the range's records read, cleaned and fingerprinted as the
    in-process stream does (engine/local.py), on one kernel thread; with ``folder`` (the
    translation stage runs), each batch's texts are written to a file there."""
    import numba

    from newsdedup.relate.translate import language_of

    numba.set_num_threads(1)  # the other core runs the other worker
    report = Report()
    out = _Done(task=task)
    records = counted(_marked(_items(task, fields, report), out), report)
    path = None if folder is None or not task.texts else _texts_path(folder, task)
    with open(path, "wb") if path is not None else nullcontext() as texts:
        for batch in _batches(records, config, report):
            titles = [a.title for a in batch]
            kept: list[Kept] = []
            write = (
                None
                if texts is None or path is None
                else partial(_write, texts, path, titles, kept)
            )
            out.batches.append(
                _Batch(
                    fp=fingerprint_articles(batch, config, write),
                    source=task.source.name,
                    lines=[_line(a) for a in batch],
                    langs=[language_of(a) for a in batch] if folder is not None else [],
                    texts=kept[0] if kept else None,
                )
            )
    out.read, out.rejected, out.counters = report.read, report.rejected, report.counters
    return out


def _batches(records: Iterable[Article], config: Config, report: Report) -> Iterator[list[Article]]:
    """A task's records cleaned and cut into batches, as both its readings cut them (a batch
    of texts read again must be the batch the run fingerprinted)."""
    from newsdedup.engine.local import batched, cleaned

    return batched(cleaned(records, config.clean, report), config.run.batch_size)


def _texts_path(folder: str, task: _Task) -> str:
    return os.path.join(folder, f"{task.number}.texts")


def _texts_again(
    files: SplitFiles, config: Config, folder: str, tasks: list[_Task]
) -> Iterator[list[Kept]]:
    """The texts files of ``tasks``, whose first reading did not write them (``_Task.texts``):
    each task's records read and cleaned again in worker processes, quietly (their rejects
    were reported the first time); one ``Kept`` a batch, as ``_run_task`` would have made."""
    return map_in_processes(
        _task_texts, tasks, files.workers, files.fields, config, folder, what="reading texts"
    )


def _task_texts(task: _Task, fields: FieldMap, config: Config, folder: str) -> list[Kept]:
    report = Report(quiet=True)
    path = _texts_path(folder, task)
    kept: list[Kept] = []
    with open(path, "wb") as texts:
        for batch in _batches(counted(_items(task, fields, report), report), config, report):
            buf, offsets = utf8_columns([a.text for a in batch])
            _write(texts, path, [a.title for a in batch], kept, buf, offsets)
    return kept


def _write(
    file: IO[bytes],
    path: str,
    titles: list[str | None],
    kept: list[Kept],
    buf: NDArray[np.uint8],
    offsets: NDArray[np.int64],
) -> None:
    """Write the kernel's input texts (before the kernel folds them in place) and note where."""
    at = file.tell()
    size = write_texts(file, titles, buf)
    kept.append(Kept(first=0, offsets=offsets.copy(), at=at, titles=size, path=path))


def _line(article: Article) -> int:
    return article.origin.line or 0 if article.origin is not None else 0


def _items(task: _Task, fields: FieldMap, report: Report) -> Iterator[Article | Rejected]:
    """The task's records as the file's reader gives them."""
    if task.format == "parquet":
        return read_row_group(
            task.source, task.start, task.first_line, fields=fields, report=report
        )
    with open(task.source.path, "rb") as fh:
        fh.seek(task.start)
        data = fh.read(task.end - task.start)
    return parse_lines(task.source, io.BytesIO(data), task.first_line, fields, report)


def _marked(items: Iterator[Article | Rejected], out: _Done) -> Iterator[Article | Rejected]:
    """``items``, noting in ``out`` a Parquet file's rows lost to its end (``read_row_group``)."""
    for item in items:
        if isinstance(item, Rejected) and item.reason == "corrupt_file":
            out.lost = True
        yield item


def _first_uses(batch: _Batch, seen: set[str], report: Report) -> NDArray[np.bool_]:
    """Which documents of ``batch`` keep their row: those whose id no earlier one had
    (``ids.unique_ids``' rule; the others are rejected)."""
    keep = np.ones(len(batch.fp), np.bool_)
    ids = batch.fp.ids
    fresh = set(ids)
    if len(fresh) == len(ids) and seen.isdisjoint(fresh):  # the usual batch: every id new
        seen |= fresh
        return keep
    for k, doc_id in enumerate(ids):
        if doc_id in seen:
            keep[k] = False
            reject_repeated(report, Origin(batch.source, batch.lines[k]), doc_id)
        else:
            seen.add(doc_id)
    return keep
