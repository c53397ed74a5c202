"""Stream records to JSONL, CSV or Parquet, chosen by the file extension, always atomically.

Every format receives the same rows; only the storage of some values differs:

==============  =============================  =====================  ===========================
value           JSONL                          CSV                    Parquet
==============  =============================  =====================  ===========================
None            null                           empty cell             null
datetime        ISO 8601 string                ISO 8601 string        timestamp[us, tz=UTC]
dict            JSON object                    compact JSON string    struct (``{}`` becomes null)
list / tuple    JSON array                     compact JSON string    list
==============  =============================  =====================  ===========================

Naive datetimes are taken to be UTC everywhere. Records stream through: JSONL and CSV hold one
small chunk at a time, Parquet one batch of ``BATCH_ROWS`` rows (one row group per batch).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO, Literal, TypeVar, cast

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

from newsdedup.atomic import StrPath, atomic_open, atomic_path
from newsdedup.errors import ConfigError

__all__ = [
    "BATCH_ROWS",
    "Format",
    "output_format",
    "write_batches",
    "write_blocks",
    "write_records",
]

Format = Literal["jsonl", "csv", "parquet"]
Record = dict[str, Any]
T = TypeVar("T")

BATCH_ROWS = 65_536
"""Rows per Parquet batch and row group: bounds memory whatever the number of records."""

_TEXT_CHUNK = 1_024  # rows encoded per write call in JSONL and CSV
_EXTENSIONS: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
}
_COMPRESSIONS = (".gz", ".zst")
_COMPRESSIBLE = ("jsonl", "csv")
_JSON = orjson.OPT_NAIVE_UTC | orjson.OPT_SERIALIZE_NUMPY


def output_format(path: StrPath) -> Format:
    """The format ``path``'s extension asks for; raises ConfigError for any other extension."""
    return _parse(path)[0]


def write_records(
    records: Iterable[Record],
    path: StrPath,
    *,
    columns: list[str] | None = None,
    schema: pa.Schema | None = None,
) -> int:
    """Write ``records`` to ``path`` atomically in the format its extension names; return the count.

    ``columns`` selects and orders the fields (missing ones are null). Without it JSONL writes
    each record as it is, while CSV and Parquet take the first record's keys and raise
    ConfigError for a later record with other keys, rather than drop them. ``schema`` fixes the
    Parquet types (its names are the default ``columns``); without it they are inferred from the
    first batch.
    """
    fmt, compression = _parse(path)
    if columns is None and schema is not None:
        columns = list(schema.names)
    if fmt == "parquet":
        return _write_parquet(records, path, columns, schema)
    with _binary_sink(path, compression) as sink:
        if fmt == "jsonl":
            return _write_jsonl(records, sink, columns)
        return _write_csv(records, sink, columns, path)


def write_blocks(blocks: Iterable[bytes], path: StrPath) -> None:
    """Write lines already encoded (JSONL or CSV, by whoever renders a table's rows in blocks)
    atomically to ``path``, compressed as its extension says."""
    with _binary_sink(path, _parse(path)[1]) as sink:
        for block in blocks:
            sink.write(block)


def write_batches(
    batches: Iterable[pa.RecordBatch | pa.Table], path: StrPath, schema: pa.Schema
) -> int:
    """Write Arrow batches (or tables) of ``schema`` atomically to the Parquet file ``path``
    (zstd, a row group each); return the number of rows. ``write_records`` writes through it."""
    count = 0
    with atomic_path(path) as tmp, pq.ParquetWriter(str(tmp), schema, compression="zstd") as out:
        for batch in batches:
            out.write(batch)
            count += batch.num_rows
    return count


def _parse(path: StrPath) -> tuple[Format, str | None]:
    """Split ``path``'s extension into a format and an optional compression suffix."""
    suffixes = [s.lower() for s in Path(path).suffixes[-2:]]
    compression = suffixes.pop() if suffixes and suffixes[-1] in _COMPRESSIONS else None
    fmt = _EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if fmt is None or (compression is not None and fmt not in _COMPRESSIBLE):
        raise ConfigError(
            f"Cannot tell the output format of '{path}' from its extension. Allowed extensions: "
            f"{', '.join(_EXTENSIONS)}; the JSONL and CSV ones may be followed by "
            f"{' or '.join(_COMPRESSIONS)} to compress (Parquet compresses itself). "
            "Rename the output, e.g. 'groups.jsonl', 'groups.csv.gz' or 'groups.parquet'."
        )
    return fmt, compression


@contextmanager
def _binary_sink(path: StrPath, compression: str | None) -> Iterator[BinaryIO]:
    """An atomic binary stream to ``path``, compressed as its extension says."""
    with atomic_open(path, "wb") as raw:
        if compression is None:
            yield raw
        elif compression == ".gz":  # empty name and zero mtime: same records, same bytes
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as gz:
                yield cast(BinaryIO, gz)
        else:
            with zstandard.ZstdCompressor().stream_writer(raw, closefd=False) as zst:
                yield cast(BinaryIO, zst)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter); itertools.batched is 3.12+."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _conform(
    records: Iterable[Record], columns: list[str] | None, path: StrPath
) -> tuple[list[str], Iterator[Record]]:
    """Fix the column list (given, or the first record's keys) and fit every record to it."""
    it = iter(records)
    first = next(it, None)
    if first is None:
        return list(columns or []), iter(())
    stream = chain([first], it)
    if columns is not None:
        return columns, ({c: r.get(c) for c in columns} for r in stream)
    return list(first), _checked(stream, list(first), path)


def _checked(records: Iterator[Record], columns: list[str], path: StrPath) -> Iterator[Record]:
    """Pass records through, refusing one whose extra keys would otherwise be dropped silently."""
    allowed = set(columns)
    for n, record in enumerate(records, 1):
        if not record.keys() <= allowed:
            raise ConfigError(
                f"Record {n} written to '{path}' has the fields {sorted(record.keys() - allowed)}, "
                f"which the first record, and so the columns {columns}, lack. "
                "Pass columns= to write_records to name every column."
            )
        yield record


def _write_jsonl(records: Iterable[Record], sink: BinaryIO, columns: list[str] | None) -> int:
    """One JSON object per line, UTF-8 (non-ASCII is kept, not escaped)."""
    if columns is not None:
        records = ({c: r.get(c) for c in columns} for r in records)
    option = _JSON | orjson.OPT_APPEND_NEWLINE
    count = 0
    for chunk in _chunks(records, _TEXT_CHUNK):
        sink.write(b"".join(orjson.dumps(r, option=option) for r in chunk))
        count += len(chunk)
    return count


def _write_csv(
    records: Iterable[Record], sink: BinaryIO, columns: list[str] | None, path: StrPath
) -> int:
    """A header row (when there are columns) and one row per record, RFC 4180 quoting, UTF-8."""
    names, rows = _conform(records, columns, path)
    if names:
        sink.write(_csv_lines([names]))
    count = 0
    for chunk in _chunks(rows, _TEXT_CHUNK):
        sink.write(_csv_lines([_csv_cell(row.get(c)) for c in names] for row in chunk))
        count += len(chunk)
    return count


def _csv_lines(rows: Iterable[list[Any]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8")


def _csv_cell(value: Any) -> Any:
    """A CSV cell: empty for None, ISO 8601 for datetimes, compact JSON for nested values."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, dict | list | tuple):
        return orjson.dumps(value, option=_JSON).decode("utf-8")
    return value


def _iso(value: datetime) -> str:
    """ISO 8601 with an offset, a naive value read as UTC (matches orjson's OPT_NAIVE_UTC)."""
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).isoformat()


def _write_parquet(
    records: Iterable[Record], path: StrPath, columns: list[str] | None, schema: pa.Schema | None
) -> int:
    """Write batches of ``BATCH_ROWS`` rows through one ParquetWriter (zstd), one row group each."""
    names, rows = _conform(records, columns, path)
    batches = _chunks(map(_empty_dicts_to_null, rows), BATCH_ROWS)
    first = next(batches, [])
    schema = schema if schema is not None else _infer_schema(first, names, path)
    every = chain([first], batches) if first else iter(())
    tables = (_to_table(batch, schema, path, k * BATCH_ROWS) for k, batch in enumerate(every))
    return write_batches(tables, path, schema)


def _empty_dicts_to_null(row: Record) -> Record:
    """Parquet has no struct without fields, and "no scores" reads best as null there."""
    return {k: None if isinstance(v, dict) and not v else v for k, v in row.items()}


def _infer_schema(batch: list[Record], names: list[str], path: StrPath) -> pa.Schema:
    """Types inferred from the first batch, with every timestamp stored as UTC microseconds."""
    if not batch:
        return pa.schema([(name, pa.null()) for name in names])
    inferred = _to_table(batch, None, path, 0).select(names).schema
    return pa.schema([_utc_timestamp(field) for field in inferred])


def _utc_timestamp(field: pa.Field) -> pa.Field:
    if pa.types.is_timestamp(field.type):
        return field.with_type(pa.timestamp("us", tz="UTC"))
    return field


def _to_table(batch: list[Record], schema: pa.Schema | None, path: StrPath, start: int) -> pa.Table:
    """One batch as an Arrow table; a value that does not fit the types becomes a ConfigError."""
    try:
        return pa.Table.from_pylist(batch, schema=schema)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise ConfigError(
            f"Records {start + 1} to {start + len(batch)} cannot be written to '{path}': {exc}. "
            "Pass schema= to write_records to fix the Parquet types (without it they are "
            f"inferred from the first {BATCH_ROWS} records)."
        ) from exc


def sibling(output: str, tag: str) -> str:
    """``.../groups.parquet`` -> ``.../groups.<tag>.parquet``: where a second output goes by
    default, for a local path or any path Spark reads (``s3a://...``)."""
    head, _, name = output.rstrip("/").rpartition("/")
    stem, dot, rest = name.partition(".")
    renamed = f"{stem}.{tag}{dot}{rest}" if dot else f"{stem}.{tag}"
    return f"{head}/{renamed}" if head else renamed
