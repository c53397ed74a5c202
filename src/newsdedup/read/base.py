"""The read stage's entry point: paths in, a stream of Articles out, every bad record reported.

Usage errors (a path that does not exist, a file whose type cannot be told) abort at once, before
anything is read. Bad records never abort: each one is rejected through the Report with a reason
code and its origin, and reading goes on (``Report(strict=True)`` turns the first into an error).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Protocol

from newsdedup.errors import InputError, invalid_param
from newsdedup.read.compression import COMPRESSION_SUFFIXES, Source, strip_compression
from newsdedup.read.csv import read_csv
from newsdedup.read.fields import DEFAULT_FIELDS, FieldMap
from newsdedup.read.jsonl import read_jsonl
from newsdedup.read.parquet import read_parquet
from newsdedup.read.text import read_text
from newsdedup.report import Report
from newsdedup.types import Article, Origin, Rejected

__all__ = ["FORMATS", "SUFFIXES", "detect_format", "read_articles"]

log = logging.getLogger("newsdedup")


class _Reader(Protocol):
    def __call__(
        self, source: Source, *, fields: FieldMap, report: Report
    ) -> Generator[Article | Rejected, None, None]: ...


_READERS: dict[str, _Reader] = {
    "txt": read_text,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "parquet": read_parquet,
}

#: The formats ``read_articles`` accepts for its ``format`` parameter.
FORMATS: tuple[str, ...] = tuple(_READERS)

#: File-name endings and the format each means (after a compression suffix is removed).
SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".jsonl": "jsonl",
    ".json": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
}

_Input = tuple[Source, str | None]  # a file and its format, or a folder (None)


def detect_format(path: str | Path) -> str:
    """The format of ``path`` from its name, looking past a .gz/.zst/.zstd suffix."""
    found = _format_of(Path(path))
    if found is None:
        raise InputError(
            "cannot tell the file's format from its name. Supported: "
            f"{', '.join(SUFFIXES)}, each optionally compressed as "
            f"{', '.join(COMPRESSION_SUFFIXES)}. Rename the file or pass format= (one of "
            f"{', '.join(FORMATS)}).",
            origin=Origin(os.fspath(path)),
        )
    return found


def _format_of(path: Path) -> str | None:
    return SUFFIXES.get(Path(strip_compression(path.name)).suffix.lower())


def read_articles(
    paths: Iterable[str | Path],
    *,
    fields: FieldMap = DEFAULT_FIELDS,
    format: str | None = None,
    report: Report,
) -> Iterator[Article]:
    """Stream the articles in files and folders, in the order given (folders sorted, recursively).

    ``format`` forces the format of every file, those found in folders included; by default it is
    told from each file name, and files in folders whose name tells none are skipped and counted
    as ``skipped_file``; hidden files and folders (".name") are not inputs. Paths are checked
    before anything is read: one that does not exist, or a file whose format cannot be told,
    raises InputError at once.
    """
    if isinstance(paths, str | Path):  # a lone string would be read character by character
        raise invalid_param("paths", "read_articles", "a list of paths", paths)
    if format is not None and format not in FORMATS:
        allowed = "None or one of " + ", ".join(repr(f) for f in FORMATS)
        raise invalid_param("format", "read_articles", allowed, format)
    inputs = [_check(path, format) for path in paths]
    return _stream(inputs, fields, format, report)


def _check(path: str | Path, format: str | None) -> _Input:
    source = Source(path=Path(path), name=os.fspath(path))
    if source.path.is_dir():
        return source, None
    if not source.path.exists():
        raise InputError("no such file or folder; check the path", origin=source.origin())
    return source, format or detect_format(source.path)


def _stream(
    inputs: list[_Input], fields: FieldMap, format: str | None, report: Report
) -> Iterator[Article]:
    for source, found in _files(inputs, format, report):
        with closing(_READERS[found](source, fields=fields, report=report)) as items:
            for item in items:
                report.read += 1
                if isinstance(item, Rejected):
                    report.reject(item.origin, item.reason, item.detail)
                else:
                    yield item


def _files(
    inputs: list[_Input], format: str | None, report: Report
) -> Iterator[tuple[Source, str]]:
    for source, found in inputs:
        if found is not None:
            yield source, found
        else:
            yield from _folder(source, format, report)


def _folder(folder: Source, format: str | None, report: Report) -> Iterator[tuple[Source, str]]:
    for path in _files_under(folder.path):
        found = format or _format_of(path)
        if found is None:
            report.count("skipped_file")
            log.info("%s: skipped, its name tells no supported format", path)
            continue
        name = os.path.join(folder.name, *path.relative_to(folder.path).parts)
        yield Source(path=path, name=name), found


def _files_under(root: Path) -> list[Path]:
    """Every file under ``root`` in sorted order; hidden files and folders are not inputs."""

    def fail(exc: OSError) -> None:
        where = Origin(os.fspath(exc.filename or root))
        raise InputError(f"cannot list the folder ({exc.strerror or exc})", origin=where)

    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=fail):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(Path(dirpath, f) for f in filenames if not f.startswith("."))
    return sorted(found)
