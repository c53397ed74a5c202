"""Web pages to Articles: the main text is extracted, in worker processes when there are many.

Extraction costs about 20 ms a page with trafilatura, a hundred times more than reading, so the
HTML and WARC readers only read: they yield Pages (raw bytes and where they came from), and
``extract_pages`` turns each Page into an Article, or a Rejected, in input order. Everything
else in the stream (articles of other formats, rejections) passes through in its place.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import urlsplit

from newsdedup.errors import MissingExtraError
from newsdedup.types import Article, Origin, Rejected

if TYPE_CHECKING:  # imported lazily: clean.extract imports this package's dates module
    from newsdedup.clean.extract import Extracted

    #: What extracting one page gives: its parts, None (no main text) or the error's text.
    Outcome: TypeAlias = Extracted | str | None

__all__ = [
    "Item",
    "Page",
    "check_page",
    "domain",
    "extract_chunk",
    "extract_one",
    "finish",
    "primary_language",
    "resolve",
    "resolve_all",
    "too_large",
]

_BINARY_PROBE = 1024  #: a NUL byte in this many first bytes means the file is not text
_MARKUP_PROBE = 4096  #: an HTML page shows a "<" within this many first bytes
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """A web page waiting for extraction, as read: its bytes are decoded by the extractor."""

    id: str
    html: bytes
    origin: Origin
    #: where the page was fetched from (a WARC's target URI); it beats the canonical URL the page
    #: claims, since a syndicated copy often names the original as canonical
    url: str | None = None


#: What flows from the readers into extraction.
Item = Article | Rejected | Page


def check_page(html: bytes, origin: Origin) -> Rejected | None:
    """``not_html`` for a binary file or one with no markup near its start; None if it may be."""
    if html.startswith(_UTF16_BOMS):
        return None
    if b"\x00" in html[:_BINARY_PROBE]:
        detail = f"a NUL byte in the first {_BINARY_PROBE} bytes: this is a binary file"
    elif b"<" not in html[:_MARKUP_PROBE]:
        detail = f"no '<' in the first {_MARKUP_PROBE} bytes: this is not markup"
    else:
        return None
    return Rejected(origin=origin, reason="not_html", detail=detail)


def too_large(origin: Origin, size: str, limit: int) -> Rejected:
    """``too_large`` for a page of ``size`` (bytes, in words) over ``clean.max_page_bytes``."""
    detail = (
        f"the page is {size} bytes, over the limit of {limit} bytes; raise "
        "clean.max_page_bytes to read it"
    )
    return Rejected(origin=origin, reason="too_large", detail=detail)


def extract_one(html: bytes, url: str | None, extractor: str) -> Outcome:
    """Extract one page; any failure of the extractor costs only this page (its text returned)."""
    from newsdedup.clean.extract import extract_html

    content: str | bytes = html
    if html.startswith(_UTF16_BOMS):  # lxml's own detection does not cover UTF-16
        content = html.decode("utf-16", "replace")
    try:
        return extract_html(content, url=url, extractor=extractor)
    except MissingExtraError:
        raise
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def extract_chunk(pages: list[tuple[bytes, str | None]], extractor: str) -> list[Outcome]:
    """A worker's task: the outcome of each page, in order."""
    return [extract_one(html, url, extractor) for html, url in pages]


def resolve(item: Item, extractor: str) -> Article | Rejected:
    """Extract a Page in this process; anything else is already final."""
    if isinstance(item, Page):
        return finish(item, extract_one(item.html, item.url, extractor))
    return item


def resolve_all(items: Iterable[Item], extractor: str) -> Generator[Article | Rejected, None, None]:
    for item in items:
        yield resolve(item, extractor) if isinstance(item, Page) else item  # a call fewer a record


def finish(page: Page, outcome: Outcome) -> Article | Rejected:
    """The Article made of a page and what was extracted from it, or why there is none."""
    if isinstance(outcome, str):
        detail = f"the extractor failed on this page ({outcome})"
        return Rejected(origin=page.origin, reason="extract_failed", detail=detail)
    if outcome is None:
        detail = "the extractor found no main text in the page"
        return Rejected(origin=page.origin, reason="no_main_text", detail=detail)
    url = page.url or outcome.url
    return Article(
        id=page.id,
        text=outcome.text,
        title=outcome.title,
        url=url,
        source=outcome.site or domain(url),
        published=outcome.published,
        lang=primary_language(outcome.language),
        origin=page.origin,
        author=outcome.author,
    )


def domain(url: str | None) -> str | None:
    """``https://www.example.com/a`` -> ``example.com``: the publisher when no name is given."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def primary_language(tag: str | None) -> str | None:
    """``en-US`` -> ``en``: a declared language tag as the ISO 639 code detection gives."""
    if not tag:
        return None
    code = tag.strip().replace("_", "-").split("-")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None
