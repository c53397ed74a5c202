"""JSON Lines (.jsonl, .json, .ndjson): one JSON object per line.

A bad line costs only that line: it is rejected with its line number and reading goes on. A
required field that none of the first records has is an error (``probe_fields``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from typing import Any

import orjson

from newsdedup.read.compression import Source, numbered_lines
from newsdedup.read.fields import PROBE_RECORDS, FieldMap, probe_fields, to_article
from newsdedup.report import Report
from newsdedup.types import Article, Rejected

__all__ = ["check_jsonl_fields", "parse_lines", "read_jsonl"]

_BOM = b"\xef\xbb\xbf"


def read_jsonl(
    source: Source, *, fields: FieldMap, report: Report
) -> Generator[Article | Rejected, None, None]:
    """One Article or Rejected per non-blank line; blank lines are not records.

    The first ``PROBE_RECORDS`` records pass ``probe_fields``; the rest are parsed and mapped
    in one loop, a generator fewer per line.
    """
    lines = numbered_lines(source)
    for item in probe_fields(_records(source, lines, PROBE_RECORDS), fields, source):
        if isinstance(item, Rejected):
            yield item
        else:
            n, record = item
            yield to_article(record, fields=fields, source=source, line=n, report=report)
    for rest in lines:
        if isinstance(rest, Rejected):
            yield rest
            continue
        n, raw = rest
        if line := _content(n, raw):
            yield parse_record(source, n, line, fields, report)


def check_jsonl_fields(source: Source, fields: FieldMap) -> None:
    """The check ``read_jsonl`` makes of a file's first records (``probe_fields``), alone: for
    readers of a file's lines in ranges (engine/chunks.py)."""
    lines = numbered_lines(source)
    try:
        for _ in probe_fields(_records(source, lines, PROBE_RECORDS), fields, source):
            pass
    finally:
        lines.close()


def parse_lines(
    source: Source, lines: Iterable[bytes], first: int, fields: FieldMap, report: Report
) -> Iterator[Article | Rejected]:
    """An Article or Rejected per non-blank line of ``lines``, the first of them line
    ``first`` of ``source`` (lines as a binary file gives them, their newline kept)."""
    for n, raw in enumerate(lines, first):
        if line := _content(n, raw):
            yield parse_record(source, n, line, fields, report)


def _records(
    source: Source, lines: Iterator[tuple[int, bytes] | Rejected], stop: int
) -> Iterator[tuple[int, dict[str, Any]] | Rejected]:
    """The records of ``lines`` and its bad lines, up to and including record ``stop``."""
    found = 0
    for item in lines:
        if isinstance(item, Rejected):
            yield item
            continue
        n, line = item
        if line := _content(n, line):
            record = _object(source, n, line)
            if isinstance(record, Rejected):
                yield record
                continue
            yield n, record
            found += 1
            if found == stop:
                return


def _content(n: int, line: bytes) -> bytes:
    """The line without the first line's BOM, or b"" when blank (without ``strip``'s copy)."""
    if n == 1:
        line = line.removeprefix(_BOM)
    return b"" if line.isspace() else line


def parse_record(
    source: Source, n: int, line: bytes, fields: FieldMap, report: Report
) -> Article | Rejected:
    record = _object(source, n, line)
    if isinstance(record, Rejected):
        return record
    return to_article(record, fields=fields, source=source, line=n, report=report)


def _object(source: Source, n: int, line: bytes) -> dict[str, Any] | Rejected:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return _undecodable(source, n, line, exc)
    if not isinstance(record, dict):
        detail = f"line {n} is a JSON {_json_type(record)}, not an object"
        return Rejected(origin=source.origin(n), reason="not_an_object", detail=detail)
    return record


def _undecodable(source: Source, n: int, line: bytes, exc: orjson.JSONDecodeError) -> Rejected:
    """Tell bytes that are not UTF-8 apart from text that is not JSON."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        detail = f"line {n} is not valid UTF-8 (byte {bad.start}: {bad.reason})"
        return Rejected(origin=source.origin(n), reason="invalid_utf8", detail=detail)
    detail = f"line {n} is not valid JSON ({exc.msg} at column {exc.colno})"
    return Rejected(origin=source.origin(n), reason="malformed_json", detail=detail)


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return names.get(type(value), "null")
