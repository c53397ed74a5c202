"""Plain-text files: one file is one article, its id the file name without suffixes."""

from __future__ import annotations

from collections.abc import Generator

from newsdedup.read.compression import Source, read_all
from newsdedup.read.fields import FieldMap
from newsdedup.report import Report
from newsdedup.types import Article, Rejected

__all__ = ["read_text"]


def read_text(
    source: Source, *, fields: FieldMap, report: Report
) -> Generator[Article | Rejected, None, None]:
    """The whole (decompressed) file as the article text; ``fields`` does not apply here."""
    content = read_all(source)
    yield content if isinstance(content, Rejected) else _article(source, content)


def _article(source: Source, content: bytes) -> Article | Rejected:
    try:
        text = content.decode("utf-8-sig")  # a leading BOM is not part of the text
    except UnicodeDecodeError as exc:
        detail = f"the file is not valid UTF-8 (byte {exc.start}: {exc.reason})"
        return Rejected(origin=source.origin(), reason="invalid_utf8", detail=detail)
    if not text.strip():
        detail = "the file is empty or only whitespace"
        return Rejected(origin=source.origin(), reason="empty_text", detail=detail)
    return Article(id=source.stem, text=text, origin=source.origin())
