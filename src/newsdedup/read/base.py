"""The read stage's entry point: paths in, a stream of Articles out, every bad record reported.

Usage errors (a path that does not exist or is not a file or folder, a file whose type cannot be
told, a field option that names no field of a file) abort at once. Bad records never abort: each
one is rejected through the Report with a reason code and its origin, and reading goes on
(``Report(strict=True)`` turns the first into an error); so do a folder that cannot be listed
and anything in a folder that is not a regular file (a named pipe is never opened).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import stat
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from newsdedup.config import CleanConfig
from newsdedup.errors import InputError, MissingExtraError, invalid_param
from newsdedup.read.compression import (
    COMPRESSION_SUFFIXES,
    Source,
    file_kind,
    strip_compression,
)
from newsdedup.read.csv import read_csv
from newsdedup.read.feed import read_feed
from newsdedup.read.fields import DEFAULT_FIELDS, FieldMap
from newsdedup.read.html import read_html
from newsdedup.read.jsonl import read_jsonl
from newsdedup.read.pages import Item
from newsdedup.read.parquet import read_parquet
from newsdedup.read.pool import extract_pages
from newsdedup.read.sniff import sniff_file
from newsdedup.read.text import read_text
from newsdedup.read.warc import read_warc
from newsdedup.report import Report
from newsdedup.types import Article, Origin, Rejected

__all__ = ["FORMATS", "SUFFIXES", "counted", "detect_format", "read_articles"]

log = logging.getLogger("newsdedup")


class _Reader(Protocol):
    def __call__(
        self, source: Source, *, fields: FieldMap, report: Report
    ) -> Generator[Article | Rejected, None, None]: ...


class _WebReader(Protocol):
    def __call__(
        self, source: Source, *, fields: FieldMap, report: Report, clean: CleanConfig
    ) -> Generator[Item, None, None]: ...


_READERS: dict[str, _Reader] = {
    "txt": read_text,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "parquet": read_parquet,
}

_WEB_READERS: dict[str, _WebReader] = {
    "html": read_html,
    "warc": read_warc,
    "feed": read_feed,
}

#: The packages of the "web" extra each web format needs.
_EXTRAS: dict[str, tuple[str, ...]] = {
    "html": ("trafilatura",),
    "warc": ("warcio", "trafilatura"),
    "feed": ("feedparser", "trafilatura"),
}

#: The formats ``read_articles`` accepts for its ``format`` parameter.
FORMATS: tuple[str, ...] = (*_READERS, *_WEB_READERS)

#: The clean settings used when none are given.
DEFAULT_CLEAN = CleanConfig()

#: File-name endings and the format each means (after a compression suffix is removed).
SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".jsonl": "jsonl",
    ".json": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
    ".rss": "feed",
    ".atom": "feed",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Options:
    fields: FieldMap
    format: str | None
    clean: CleanConfig
    workers: int


_Input = tuple[Source, str | None]  # a file and its format, or a folder (None)
_Entry = tuple[Source, str] | Rejected  # a file to read and its format, or why it is not read


def detect_format(path: str | Path) -> str:
    """The format of ``path`` from its name, looking past a .gz/.zst/.zstd suffix, else from its
    first bytes (WARC, RSS/Atom, HTML, JSON Lines and Parquet show what they are)."""
    found = _format_of(Path(path))
    if found is None:
        raise InputError(
            "cannot tell the file's format from its name or its content. Supported names: "
            f"{', '.join(SUFFIXES)}, each optionally compressed as "
            f"{', '.join(COMPRESSION_SUFFIXES)}. Rename the file or pass format= (one of "
            f"{', '.join(FORMATS)}).",
            origin=Origin(os.fspath(path)),
        )
    return found


def _format_of(path: Path) -> str | None:
    by_name = SUFFIXES.get(Path(strip_compression(path.name)).suffix.lower())
    return by_name or sniff_file(path)


def read_articles(
    paths: Iterable[str | Path],
    *,
    fields: FieldMap = DEFAULT_FIELDS,
    format: str | None = None,
    report: Report,
    clean: CleanConfig = DEFAULT_CLEAN,
    workers: int = 1,
) -> Iterator[Article]:
    """Stream the articles in files and folders, in the order given (folders sorted, recursively).

    ``format`` forces the format of every file, those found in folders included; by default it is
    told from each file name, else from the file's first bytes, and files in folders whose
    format cannot be told are skipped and counted as ``skipped_file``; hidden files and folders
    (".name") are not inputs. Paths are checked before anything is read: one that does not
    exist or is neither a regular file nor a folder, or a file whose format cannot be told,
    raises InputError at once. Inside folders, a subfolder that cannot be listed
    (``unreadable_folder``) and a named pipe, socket or device (``not_a_file``, never opened)
    are rejected and reading goes on.

    Web pages (HTML files, WARC records) go through ``clean.extractor``, in ``workers``
    processes (0: one per CPU core); pages over ``clean.max_page_bytes`` are rejected.
    """
    if isinstance(paths, str | Path):  # a lone string would be read character by character
        raise invalid_param("paths", "read_articles", "a list of paths", paths)
    if format is not None and format not in FORMATS:
        allowed = "None or one of " + ", ".join(repr(f) for f in FORMATS)
        raise invalid_param("format", "read_articles", allowed, format)
    if not isinstance(clean, CleanConfig):
        raise invalid_param("clean", "read_articles", "a CleanConfig", clean)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise invalid_param("workers", "read_articles", "an int >= 0 (0: one per core)", workers)
    inputs = [_check(path, format) for path in paths]
    options = _Options(fields=fields, format=format, clean=clean, workers=workers)
    return _stream(inputs, options, report)


def _check(path: str | Path, format: str | None) -> _Input:
    source = Source(path=Path(path), name=os.fspath(path))
    if source.path.is_dir():
        return source, None
    if not source.path.exists():
        raise InputError("no such file or folder; check the path", origin=source.origin())
    mode = source.path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise InputError(
            f"{file_kind(mode)}, not a file or folder: newsdedup reads only regular files, "
            "and never opens a pipe or device. Write the stream to a file first and pass that.",
            origin=source.origin(),
        )
    found = format or detect_format(source.path)
    _require(found)
    return source, found


def _require(format: str) -> None:
    """Fail before reading when a package the format needs is not installed."""
    for package in _EXTRAS.get(format, ()):
        if importlib.util.find_spec(package) is None:
            raise MissingExtraError(package, extra="web", feature=f"Reading {format} files")


def _stream(inputs: list[_Input], options: _Options, report: Report) -> Iterator[Article]:
    workers = options.workers or os.cpu_count() or 1
    items = _items(inputs, options, report)
    with closing(extract_pages(items, extractor=options.clean.extractor, workers=workers)) as done:
        yield from counted(done, report)


def counted(items: Iterable[Article | Rejected], report: Report) -> Iterator[Article]:
    """The read stage's rule for what readers give: every record counted, a rejected one
    reported, the articles passed on."""
    for item in items:
        report.read += 1
        if isinstance(item, Rejected):
            report.reject(item.origin, item.reason, item.detail)
        else:
            yield item


def _items(inputs: list[_Input], options: _Options, report: Report) -> Iterator[Item]:
    for entry in _files(inputs, options.format, report):
        if isinstance(entry, Rejected):
            yield entry
            continue
        source, found = entry
        with closing(_open(source, found, options, report)) as items:
            yield from items


def _open(
    source: Source, found: str, options: _Options, report: Report
) -> Generator[Item, None, None]:
    if found in _WEB_READERS:
        _require(found)
        read = _WEB_READERS[found]
        return read(source, fields=options.fields, report=report, clean=options.clean)
    return _READERS[found](source, fields=options.fields, report=report)


def _files(inputs: list[_Input], format: str | None, report: Report) -> Iterator[_Entry]:
    for source, found in inputs:
        if found is not None:
            yield source, found
        else:
            yield from _folder(source, format, report)


def _folder(folder: Source, format: str | None, report: Report) -> Iterator[_Entry]:
    for path, problem in _files_under(folder):
        if problem is not None:
            yield problem
            continue
        found = format or _format_of(path)
        if found is None:
            report.count("skipped_file")
            log.info("%s: skipped, neither its name nor its content tells its format", path)
            continue
        yield Source(path=path, name=_shown(folder, path)), found


def _shown(folder: Source, path: Path) -> str:
    """A path under ``folder`` as reports name it: under the folder as the user gave it."""
    return os.path.join(folder.name, *path.relative_to(folder.path).parts)


def _files_under(folder: Source) -> list[tuple[Path, Rejected | None]]:
    """Every file under ``folder`` in sorted order, each with why it is not read (or None): a
    subfolder that cannot be listed, or an entry that is not a regular file (never opened).
    Hidden files and folders are not inputs."""
    found: list[tuple[Path, Rejected | None]] = []

    def unlisted(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder.path
        detail = f"the folder cannot be listed ({exc.strerror or exc}); its files were not read"
        origin = Origin(_shown(folder, where))
        found.append((where, Rejected(origin=origin, reason="unreadable_folder", detail=detail)))

    for dirpath, dirnames, filenames in os.walk(folder.path, onerror=unlisted):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                path = Path(dirpath, name)
                found.append((path, _not_a_file(folder, path)))
    return sorted(found, key=lambda entry: entry[0])


def _not_a_file(folder: Source, path: Path) -> Rejected | None:
    """Why ``path`` (found in a folder) is not read without opening it, or None for a file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        reason, detail = "unreadable_file", f"the file cannot be read ({exc.strerror or exc})"
        if path.is_symlink():
            detail = "a link to a file that does not exist"
        return Rejected(origin=Origin(_shown(folder, path)), reason=reason, detail=detail)
    if stat.S_ISREG(mode):
        return None
    detail = f"{file_kind(mode)}, not a regular file; it was not opened"
    return Rejected(origin=Origin(_shown(folder, path)), reason="not_a_file", detail=detail)
