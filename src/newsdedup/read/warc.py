"""WARC files (.warc, .warc.gz), read with warcio: each HTML response record is one page.

A record's id is its WARC-Record-ID (without ``<urn:uuid:`` and ``>``), its URL the
WARC-Target-URI, and its origin line its ordinal number in the file, so messages read
``crawl.warc.gz:17``. The crawl date (WARC-Date) is not a publication date and is not used.

Crawls legitimately hold much that is not an article: requests, metadata, images, style sheets,
redirects and error pages. Those records are counted as ``skipped_record``, not rejected. The
file is decompressed by our own layer rather than warcio's, because warcio ends a truncated
gzip member silently; here the records before the damage are kept and one ``corrupt_file``
rejection says how many were read.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, BinaryIO

from newsdedup.config import CleanConfig
from newsdedup.errors import MissingExtraError
from newsdedup.read.compression import CORRUPT_ERRORS, Source, open_stream, unreadable
from newsdedup.read.fields import FieldMap
from newsdedup.read.pages import Page, check_page, too_large
from newsdedup.report import Report
from newsdedup.types import Rejected

__all__ = ["HTML_TYPES", "read_warc"]

#: HTTP Content-Types of the responses read as pages.
HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")

#: What decoding a record's HTTP body (chunked, gzip, brotli) may raise.
_BODY_ERRORS: tuple[type[Exception], ...] = (*CORRUPT_ERRORS, ValueError)

_DRAIN = 1 << 16  # bytes of a record's rest read at a time while checking it is whole


class _Truncated(Exception):
    """A record ends before the length its header declares."""


def read_warc(
    source: Source, *, fields: FieldMap, report: Report, clean: CleanConfig
) -> Generator[Page | Rejected, None, None]:
    """One Page or Rejected per HTML response record; ``fields`` does not apply here."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as exc:
        raise MissingExtraError("warcio", extra="web", feature="Reading WARC files") from exc
    n = 0
    try:
        with open_stream(source.path) as fh:
            stream = _Guarded(fh)
            try:
                for n, record in enumerate(ArchiveIterator(stream), 1):
                    item = _record(record, source, n, clean.max_page_bytes, report)
                    if item is not None:
                        yield item
            except _Truncated as exc:  # record n is cut short: it is lost too
                yield _damaged(source, n - 1, stream.error or exc)
                return
            if stream.error is not None:
                yield _damaged(source, n, stream.error)
    except ArchiveLoadFailed as exc:
        yield _damaged(source, n, exc)
    except OSError as exc:
        yield unreadable(source, exc)


class _Guarded:
    """A byte stream that ends at the first damage and remembers it, since warcio would end
    there silently (it takes any EOFError for the end of the archive)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._read1 = getattr(fh, "read1", fh.read)  # read1: no data lost when damage is met
        self._fh = fh
        self.error: Exception | None = None

    def read(self, size: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            return bytes(self._read1(size)) if size > 0 else self._fh.read()
        except CORRUPT_ERRORS as exc:
            self.error = exc
            return b""


def _record(
    record: Any, source: Source, n: int, limit: int, report: Report
) -> Page | Rejected | None:
    """The record as a Page, a Rejected, or None when it is no page (counted)."""
    if not _is_html_response(record):
        _drain(record)
        report.count("skipped_record")
        return None
    try:
        body = record.content_stream().read(limit + 1)
    except _BODY_ERRORS as exc:
        _drain(record)
        detail = f"the record's HTTP body cannot be decoded ({exc}); the record was skipped"
        return Rejected(origin=source.origin(n), reason="corrupt_file", detail=detail)
    whole = _drain(record)
    if len(body) > limit:
        return too_large(source.origin(n), f"about {whole:,}", limit)
    if not body.strip():
        report.count("skipped_record")
        return None
    return check_page(body, source.origin(n)) or Page(
        id=_record_id(record, source, n),
        html=body,
        origin=source.origin(n),
        url=record.rec_headers.get_header("WARC-Target-URI") or None,
    )


def _is_html_response(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0]
    return status.startswith("2") and kind.strip().lower() in HTML_TYPES


def _drain(record: Any) -> int:
    """Read the rest of the record's block, and return its declared length; raise if it is short."""
    stream = record.raw_stream
    while stream.read(_DRAIN):
        pass
    if getattr(stream, "limit", 0) > 0:
        raise _Truncated(f"record ends {stream.limit:,} bytes before its declared length")
    return int(record.length or 0)


def _record_id(record: Any, source: Source, n: int) -> str:
    found = (record.rec_headers.get_header("WARC-Record-ID") or "").strip()
    found = found.removeprefix("<").removesuffix(">").removeprefix("urn:uuid:")
    return found or f"{source.stem}:{n}"


def _damaged(source: Source, whole: int, exc: Exception) -> Rejected:
    detail = (
        f"the archive is truncated or corrupt after record {whole} ({exc}); {whole} records "
        "were read, the rest was lost"
    )
    return Rejected(origin=source.origin(whole + 1), reason="corrupt_file", detail=detail)
