"""CSV with a header row; fields may span lines, and line numbers stay physical.

The csv module reads from our own line source, so each row can be traced to the physical line it
starts on and to any line in it that was not valid UTF-8; one such line costs only its row. A
header without the text column (or a column set by hand) is one error, not one reject a row.
"""

from __future__ import annotations

import csv
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

from newsdedup.read.compression import Source, numbered_lines
from newsdedup.read.fields import FieldMap, check_fields, to_article
from newsdedup.report import Report
from newsdedup.types import Article, Rejected

if TYPE_CHECKING:
    from _csv import Reader

__all__ = ["read_csv"]

_BOM = b"\xef\xbb\xbf"

#: Article bodies easily exceed the csv module's default 128 KiB field limit. The limit is
#: process-wide, so it is only ever raised, never lowered.
FIELD_LIMIT = 2**31 - 1


class _Lines:
    """Decoded physical lines for the csv module, remembering the ones that were not UTF-8."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.bad: set[int] = set()
        self.problem: Rejected | None = None  # set when the stream was damaged

    def __iter__(self) -> Iterator[str]:
        for item in numbered_lines(self.source):
            if isinstance(item, Rejected):
                self.problem = item
                return
            yield self._decode(*item)

    def _decode(self, n: int, raw: bytes) -> str:
        if n == 1:
            raw = raw.removeprefix(_BOM)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.bad.add(n)
            return raw.decode("utf-8", "replace")

    def first_bad(self, first: int, last: int) -> int | None:
        found = [n for n in self.bad if first <= n <= last]
        self.bad.difference_update(found)
        return min(found, default=None)


def read_csv(
    source: Source, *, fields: FieldMap, report: Report
) -> Generator[Article | Rejected, None, None]:
    """One Article or Rejected per row after the header; empty lines are not records."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    lines = _Lines(source)
    rows = csv.reader(iter(lines))
    header = _header(rows, source)
    if isinstance(header, Rejected):
        yield header
    elif header is not None:
        check_fields(fields, header, source=source, where="the header")
        yield from _rows(rows, header, lines, fields, report)
    if lines.problem is not None:
        yield lines.problem


def _header(rows: Reader, source: Source) -> list[str] | Rejected | None:
    try:
        return [name.strip() for name in next(rows)]
    except StopIteration:
        return None  # an empty file
    except csv.Error as exc:
        detail = f"the header cannot be parsed ({exc}); no rows were read"
        return Rejected(origin=source.origin(1), reason="malformed_csv", detail=detail)


def _rows(
    rows: Reader, header: list[str], lines: _Lines, fields: FieldMap, report: Report
) -> Iterator[Article | Rejected]:
    while True:
        first = rows.line_num + 1  # the physical line this row starts on
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            detail = f"the row starting on line {first} cannot be parsed ({exc})"
            yield Rejected(origin=lines.source.origin(first), reason="malformed_csv", detail=detail)
            continue
        if row:
            yield _row(row, header, first, rows.line_num, lines, fields, report)


def _row(
    row: list[str],
    header: list[str],
    first: int,
    last: int,
    lines: _Lines,
    fields: FieldMap,
    report: Report,
) -> Article | Rejected:
    source = lines.source
    bad = lines.first_bad(first, last)
    if bad is not None:
        detail = f"line {bad} is not valid UTF-8"
        return Rejected(origin=source.origin(first), reason="invalid_utf8", detail=detail)
    if len(row) != len(header):
        detail = f"the row has {len(row)} fields but the header has {len(header)}"
        return Rejected(origin=source.origin(first), reason="malformed_csv", detail=detail)
    record = dict(zip(header, row, strict=True))
    return to_article(record, fields=fields, source=source, line=first, report=report, keys=header)
