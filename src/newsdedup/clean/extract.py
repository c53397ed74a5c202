"""Main text and metadata of a web page, by a maintained extractor (trafilatura by default).

The extractor is chosen by ``CleanConfig.extractor``; benchmarks/bench_extract.py measures each
on a real extraction benchmark with gold text, and the best is the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsdedup.errors import MissingExtraError
from newsdedup.read.dates import parse_date

__all__ = ["Extracted", "extract_html"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Extracted:
    """What an extractor found in one page; any part may be missing."""

    text: str  #: main text, paragraphs separated by a blank line
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None  #: the canonical URL when the page names one
    language: str | None = None  #: as declared by the page (html lang), not detected


def extract_html(
    html: str | bytes, *, url: str | None = None, extractor: str = "trafilatura"
) -> Extracted | None:
    """The article in ``html``, or None when the page holds no main text."""
    try:
        import trafilatura
    except ImportError as exc:
        raise MissingExtraError("trafilatura", extra="web", feature="Reading HTML") from exc
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        favor_recall=extractor == "trafilatura-recall",
        with_metadata=True,
    )
    if doc is None or not (doc.text or "").strip():
        return None
    return Extracted(
        text=doc.text,
        title=doc.title or None,
        published=parse_date(doc.date) if doc.date else None,
        author=doc.author or None,
        site=doc.sitename or None,
        url=doc.url or url,
        language=doc.language or None,
    )
