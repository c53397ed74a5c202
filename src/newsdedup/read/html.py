"""HTML files (.html, .htm, .xhtml, optionally compressed): one page per file.

The reader only reads: the page becomes a Page, whose main text and metadata are extracted later
(in worker processes when there are many; see pool.py). Its id is the file name without its
suffixes (``ab12.html.gz`` -> ``ab12``). The bytes go to the extractor undecoded, so the page's
own charset declaration decides the encoding.
"""

from __future__ import annotations

from collections.abc import Generator

from newsdedup.config import CleanConfig
from newsdedup.read.compression import CORRUPT_ERRORS, Source, open_stream, unreadable
from newsdedup.read.fields import FieldMap
from newsdedup.read.pages import Page, check_page, too_large
from newsdedup.report import Report
from newsdedup.types import Rejected

__all__ = ["read_html"]

_DRAIN = 1 << 20  # bytes of an oversized page counted at a time, never kept


def read_html(
    source: Source, *, fields: FieldMap, report: Report, clean: CleanConfig
) -> Generator[Page | Rejected, None, None]:
    """The file as one Page; ``fields`` does not apply here."""
    content = _read_capped(source, clean.max_page_bytes)
    if isinstance(content, Rejected):
        yield content
        return
    if not content.strip():
        detail = "the file is empty or only whitespace"
        yield Rejected(origin=source.origin(), reason="empty_text", detail=detail)
        return
    yield check_page(content, source.origin()) or Page(
        id=source.stem, html=content, origin=source.origin()
    )


def _read_capped(source: Source, limit: int) -> bytes | Rejected:
    """The decompressed file, or ``too_large``: at most ``limit + 1`` bytes are ever held."""
    try:
        with open_stream(source.path) as fh:
            content = fh.read(limit + 1)
            if len(content) <= limit:
                return content
            size = len(content)
            while chunk := fh.read(_DRAIN):
                size += len(chunk)
    except CORRUPT_ERRORS as exc:
        detail = f"the stream is truncated or corrupt ({exc}); the file was not read"
        return Rejected(origin=source.origin(), reason="corrupt_file", detail=detail)
    except OSError as exc:
        return unreadable(source, exc)
    return too_large(source.origin(), f"{size:,}", limit)
