"""Main text and metadata of a web page, by a maintained extractor (trafilatura by default).

The extractor is chosen by ``CleanConfig.extractor``, among named variants of documented
options (no constant here was fitted to any data set):

``trafilatura`` (default)
    trafilatura with ``favor_precision``, its external fallbacks (readability, jusText) left on;
    a page where that finds no text is read again in trafilatura's balanced mode, so the
    precision focus never costs an article the standard mode can read. Precision first because
    boilerplate left in a text (share buttons, newsletter prompts, related links) is what makes
    unrelated articles of one site look alike to the deduplicator.
``trafilatura-balanced``
    trafilatura's own defaults (the call the extraction benchmark makes).
``trafilatura-recall``
    trafilatura with ``favor_recall``: keeps more of a page when in doubt.
``readability``
    readability-lxml's article body (Mozilla Readability's algorithm), metadata by trafilatura.

benchmarks/bench_extract.py scores each on a real extraction benchmark with gold text
(docs/extraction.md). Whatever the extractor, the text has one paragraph per block, paragraphs
separated by a blank line, and no title; metadata comes from trafilatura's metadata extractor
(meta tags, JSON-LD, htmldate for the date) and the page's declared language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsdedup.clean.timestamps import parse_date
from newsdedup.errors import MissingExtraError, invalid_param

__all__ = ["Extracted", "extract_html", "html_text"]

#: Options of each trafilatura variant, tried in order until one finds text.
_TRAFILATURA: dict[str, tuple[dict[str, bool], ...]] = {
    "trafilatura": ({"favor_precision": True}, {}),
    "trafilatura-balanced": ({},),
    "trafilatura-recall": ({"favor_recall": True},),
}

#: htmldate settings: the first publication date (not the last update), with its time and zone
#: when the page gives them, from the page's markup only. htmldate's extensive search also reads
#: dates anywhere in the page and dated a test page by its footer's "Copyright 2024" (as
#: 2024-01-01); a wrong date is worse than none, and the clean stage looks for a dateline in the
#: article text itself (clean/dates.py).
_DATE_PARAMS: dict[str, Any] = {
    "original_date": True,
    "extensive_search": False,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Extracted:
    """What an extractor found in one page; any part may be missing."""

    text: str  #: main text, paragraphs separated by a blank line, title not included
    title: str | None = None
    published: datetime | None = None  #: aware, in UTC
    author: str | None = None
    site: str | None = None
    url: str | None = None  #: the canonical URL when the page names one, else the URL given
    language: str | None = None  #: as declared by the page (html lang), not detected


def extract_html(
    html: str | bytes, *, url: str | None = None, extractor: str = "trafilatura"
) -> Extracted | None:
    """The article in ``html``, or None when the page holds no main text.

    ``extractor`` is one of ``newsdedup.config.EXTRACTORS`` (see the module docstring); ``url``
    is where the page was fetched from, used when the page names no canonical URL. Broken HTML
    gives None or what could be read, never an exception.
    """
    trafilatura = _import_trafilatura()
    from trafilatura.utils import load_html

    if extractor != "readability" and extractor not in _TRAFILATURA:
        raise invalid_param("extractor", "extract_html", f"one of {_allowed()}", extractor)
    tree = load_html(html) if html else None
    if tree is None:
        return None
    lang = _declared_language(tree)
    text = _readability_text(html) if extractor == "readability" else None
    meta, text = _run_trafilatura(trafilatura, tree, url, _TRAFILATURA.get(extractor, ()), text)
    return _extracted(text, meta, url, lang)


def _run_trafilatura(
    trafilatura: Any,
    tree: Any,
    url: str | None,
    attempts: tuple[dict[str, bool], ...],
    text: str | None,
) -> tuple[Any, str | None]:
    """trafilatura's metadata, and its text from the first attempt that finds any (``text``
    unchanged when no attempt is asked for)."""
    if not attempts:
        return trafilatura.extract_metadata(tree, default_url=url, date_config=_DATE_PARAMS), text
    doc = None
    for options in attempts:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
            **options,
        )
        if doc is not None and (doc.text or "").strip():
            return doc, doc.text
    return doc, None


def _extracted(text: str | None, meta: Any, url: str | None, lang: str | None) -> Extracted | None:
    title = _field(meta, "title")
    text = _without_title(_paragraphs(text or ""), title)
    if not text:
        return None
    return Extracted(
        text=text,
        title=title,
        published=parse_date(_field(meta, "date")),
        author=_field(meta, "author"),
        site=_field(meta, "sitename"),
        url=_field(meta, "url") or url,
        language=lang,
    )


def _field(meta: Any, name: str) -> str | None:
    value = getattr(meta, name, None) if meta is not None else None
    return value.strip() or None if isinstance(value, str) else None


def _paragraphs(text: str) -> str:
    """One paragraph per non-blank line, separated by blank lines, inner spacing kept."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _without_title(text: str, title: str | None) -> str:
    """``text`` without a first paragraph that repeats the title (the title has its own field,
    and copies of one article are often retitled)."""
    first, _, rest = text.partition("\n\n")
    return rest if title and rest and _words(first) == _words(title) else text


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


_LANG = re.compile(r"[A-Za-z]{2,3}(?=$|[-_])")


def _declared_language(tree: Any) -> str | None:
    """The primary subtag of the page's declared language (``<html lang="en-US">`` -> "en")."""
    declared = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    declared += tree.xpath('//meta[@http-equiv="content-language"]/@content')
    for value in declared:
        found = _LANG.match((value or "").strip())
        if found:
            return found.group().lower()
    return None


def _import_trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError as exc:
        raise MissingExtraError("trafilatura", extra="web", feature="Reading HTML") from exc
    return trafilatura


def _allowed() -> str:
    from newsdedup.config import EXTRACTORS

    return ", ".join(repr(name) for name in EXTRACTORS)


# --- readability ---------------------------------------------------------------------------


def _readability_text(html: str | bytes) -> str | None:
    try:
        from readability import Document
        from readability.readability import Unparseable
    except ImportError as exc:
        raise MissingExtraError(
            "readability-lxml", extra="bench", feature="The 'readability' extractor"
        ) from exc
    try:
        return html_text(Document(html).summary(html_partial=True))
    except (Unparseable, ValueError, TypeError):
        return None


#: Elements that start a new line of text.
_BLOCKS = (
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
)  # fmt: skip
#: Elements whose content is never visible text.
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")


def html_text(html: str) -> str:
    """The visible text of an HTML page or fragment, one line per block element, spaces
    collapsed within a line; "" when it cannot be parsed."""
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for el in list(tree.iter(lxml.etree.Comment, *_INVISIBLE)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in tree.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)
