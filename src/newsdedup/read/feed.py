"""RSS and Atom feeds (.rss, .atom, and .xml files that are feeds), read with feedparser.

Each entry is one article: its full content when the feed carries it, else its summary. Feed
text is usually HTML; it goes through the same extractor as pages, and when a fragment is too
short for the extractor to call it main text, its paragraphs are taken as they are. Entries are
extracted here rather than in the pool: a fragment costs little, and a feed is one file.
The origin line of an entry is its number in the feed.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Generator
from datetime import UTC, datetime
from typing import Any

from newsdedup.clean.timestamps import parse_date
from newsdedup.config import CleanConfig
from newsdedup.errors import MissingExtraError
from newsdedup.read.compression import Source, read_all
from newsdedup.read.fields import FieldMap
from newsdedup.read.pages import domain, extract_one, primary_language
from newsdedup.report import Report
from newsdedup.types import Article, Rejected

__all__ = ["fragment_text", "read_feed"]

_MARKUP = re.compile(r"<[a-zA-Z/!]")
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr")
_SPACES = re.compile(r"[^\S\n]+")
_BREAKS = re.compile(r"\s*\n\s*")


def read_feed(
    source: Source, *, fields: FieldMap, report: Report, clean: CleanConfig
) -> Generator[Article | Rejected, None, None]:
    """One Article or Rejected per entry; ``fields`` does not apply here."""
    try:
        import feedparser
    except ImportError as exc:
        raise MissingExtraError("feedparser", extra="web", feature="Reading feeds") from exc
    content = read_all(source)
    if isinstance(content, Rejected):
        yield content
        return
    parsed = feedparser.parse(content)  # bytes: the feed's own encoding declaration decides
    if parsed.get("bozo") and not parsed.entries:
        detail = f"not a readable RSS or Atom feed ({parsed.get('bozo_exception')})"
        yield Rejected(origin=source.origin(), reason="malformed_feed", detail=detail)
        return
    feed = parsed.get("feed", {})
    for n, entry in enumerate(parsed.entries, 1):
        yield _entry(entry, feed, source, n, clean, report)


def _entry(
    entry: dict[str, Any],
    feed: dict[str, Any],
    source: Source,
    n: int,
    clean: CleanConfig,
    report: Report,
) -> Article | Rejected:
    text = _text(entry, clean.extractor)
    if not text:
        detail = f"entry {n} has no content or summary text"
        return Rejected(origin=source.origin(n), reason="empty_text", detail=detail)
    url = entry.get("link") or None
    return Article(
        id=_entry_id(entry, source, n, report),
        text=text,
        title=(entry.get("title") or "").strip() or None,
        url=url,
        source=(feed.get("title") or "").strip() or domain(feed.get("link")) or domain(url),
        published=_published(entry, report),
        lang=primary_language(feed.get("language")),
        origin=source.origin(n),
        author=entry.get("author") or None,
    )


def _entry_id(entry: dict[str, Any], source: Source, n: int, report: Report) -> str:
    found = (entry.get("id") or entry.get("link") or "").strip()
    if found:
        return str(found)
    report.count("derived_id")
    return f"{source.stem}:{n}"


def _text(entry: dict[str, Any], extractor: str) -> str:
    """The entry's full content, else its summary, as plain text."""
    contents = entry.get("content") or []
    value, kind = "", ""
    if contents:
        value, kind = contents[0].get("value") or "", contents[0].get("type") or ""
    if not value.strip():
        value = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type") or ""
    if kind == "text/plain" or not _MARKUP.search(value):
        return value.strip()
    found = extract_one(value.encode("utf-8"), None, extractor)
    if found is not None and not isinstance(found, str):
        return found.text.strip()
    return fragment_text(value)


def fragment_text(markup: str) -> str:
    """The text of an HTML fragment, paragraphs separated by a blank line as the extractor
    separates them (used when the extractor finds no main text in it)."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for element in list(root.iter("script", "style")):
        element.drop_tree()
    for element in root.iter(*_BLOCKS, "br"):
        element.tail = "\n" + (element.tail or "")
    text = _SPACES.sub(" ", root.text_content())
    return _BREAKS.sub("\n\n", text).strip()


def _published(entry: dict[str, Any], report: Report) -> datetime | None:
    """The entry's publication (else update) date; feedparser's own parse is the fallback.

    Read with ``dict.get``: feedparser's mapping answers a missing "updated" with "published",
    and warns that it will stop doing so.
    """
    raw = dict.get(entry, "published") or dict.get(entry, "updated")
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    found = parse_date(raw) or _from_struct(parsed)
    if raw and found is None:
        report.count("unparsed_date")
    return found


def _from_struct(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's parsed dates are UTC ``time.struct_time`` values."""
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
