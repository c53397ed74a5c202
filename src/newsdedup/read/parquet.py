"""Parquet, streamed batch by batch with only the columns an article needs.

A file is never loaded whole: ``iter_batches`` reads a bounded number of rows at a time, and
columns other than the mapped fields (raw HTML, say) are never read at all. A schema without the
text column (or a column set by hand) is one error, not one reject a row.
"""

from __future__ import annotations

from collections.abc import Generator

import pyarrow as pa
import pyarrow.parquet as pq

from newsdedup.read.compression import Source, compression_of, unreadable
from newsdedup.read.fields import FieldMap, check_fields, to_article
from newsdedup.report import Report
from newsdedup.types import Article, Rejected

__all__ = ["open_parquet", "read_parquet", "read_row_group"]

BATCH_ROWS = 1024  #: rows converted to Python at a time

_ARROW_ERRORS = (pa.ArrowException, OSError)


def read_parquet(
    source: Source, *, fields: FieldMap, report: Report
) -> Generator[Article | Rejected, None, None]:
    """One Article or Rejected per row; ``line`` is the 1-based row number."""
    opened = open_parquet(source, fields)
    if isinstance(opened, Rejected):
        yield opened
        return
    yield from _rows(opened, source, fields, report, None, 0)


def open_parquet(source: Source, fields: FieldMap) -> pq.ParquetFile | Rejected:
    """The file opened and its schema checked (``check_fields``: an InputError), or why it
    cannot be read at all."""
    opened = _open(source)
    if not isinstance(opened, Rejected):
        check_fields(fields, opened.schema_arrow.names, source=source, where="the schema")
    return opened


def read_row_group(
    source: Source, group: int, first_row: int, *, fields: FieldMap, report: Report
) -> Generator[Article | Rejected, None, None]:
    """``read_parquet``'s rows of one row group alone, the first of them row ``first_row``
    (for readers of a file in parts: engine/chunks.py). Rows that cannot be read end it with
    the Rejected ``read_parquet`` would give, which says they were lost to the end of the
    file: the caller drops the file's later groups."""
    yield from _rows(pq.ParquetFile(source.path), source, fields, report, group, first_row - 1)


def _rows(
    opened: pq.ParquetFile,
    source: Source,
    fields: FieldMap,
    report: Report,
    group: int | None,
    row: int,
) -> Generator[Article | Rejected, None, None]:
    """The rows of ``opened`` (of row group ``group`` alone, when given) after row ``row``.

    Row groups are read one at a time, so damage costs the rows from its group on, never a
    whole group before it (a batch read across groups failed as a whole), and a file read
    whole or a group at a time (engine/chunks.py) loses the same rows."""
    names = opened.schema_arrow.names
    columns = fields.columns(names) or None  # none of ours: read all, so no row goes unseen
    groups = range(opened.metadata.num_row_groups) if group is None else [group]
    try:
        for g in groups:
            for batch in opened.iter_batches(BATCH_ROWS, row_groups=[g], columns=columns):
                for record in _as_python(batch).to_pylist():
                    row += 1
                    yield to_article(
                        record, fields=fields, source=source, line=row, report=report, keys=names
                    )
    except _ARROW_ERRORS as exc:
        yield _lost(source, row, opened.metadata.num_rows, exc)


def _open(source: Source) -> pq.ParquetFile | Rejected:
    try:
        packed = compression_of(source.path)  # also refuses a pipe or device, unopened
    except OSError as exc:
        return unreadable(source, exc)
    if packed is not None:
        detail = (
            f"the file is {packed}-compressed; Parquet compresses internally, so decompress it "
            "and read the .parquet file itself"
        )
        return Rejected(origin=source.origin(), reason="corrupt_file", detail=detail)
    try:
        return pq.ParquetFile(source.path)
    except _ARROW_ERRORS as exc:
        detail = f"not a readable Parquet file ({exc}); no rows were read"
        return Rejected(origin=source.origin(), reason="corrupt_file", detail=detail)


def _as_python(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Nanosecond timestamps become microseconds, which Python datetimes can hold."""
    columns = [_coarse(column) for column in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _coarse(column: pa.Array) -> pa.Array:
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.unit == "ns":
        return column.cast(pa.timestamp("us", tz=kind.tz), safe=False)
    return column


def _lost(source: Source, row: int, total: int, exc: Exception) -> Rejected:
    detail = f"rows {row + 1} to {total} cannot be read ({exc}); they were lost"
    return Rejected(origin=source.origin(row + 1), reason="corrupt_file", detail=detail)
