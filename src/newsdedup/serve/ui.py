"""The web UI: server-rendered pages over the same index as the API.

Article text, titles, sources and ids are untrusted: the Jinja environment escapes every value
(autoescape on, and no ``|safe`` anywhere in the templates). The pages carry no inline script
and no inline style attribute, so a strict Content-Security-Policy holds; the charts are inline
SVG drawn by the server (serve/charts.py, serve/family.py), nothing is loaded from elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from newsdedup.config import Config
from newsdedup.errors import NewsdedupError
from newsdedup.relate import coverage
from newsdedup.serve.api import Index
from newsdedup.serve.charts import outlet_timeline, sparkline, timeline_chart, utc
from newsdedup.serve.diffview import diff_rows
from newsdedup.serve.family import copy_family
from newsdedup.serve.storyview import card, cards, stories_at_least
from newsdedup.store.contract import IndexProtocol, StoredArticle
from newsdedup.types import Article, Scores

__all__ = ["PAGE", "Snippet", "router", "snippet", "templates"]

#: Stories per page on the stories page.
PAGE = 25
#: Biggest stories shown beside the recent ones.
BIGGEST = 10
#: Copy groups of a story drawn as family pictures on its page (the others are listed).
FAMILIES = 6


def _when(d: datetime | None) -> str:
    return "" if d is None else utc(d).strftime("%Y-%m-%d %H:%M")


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


@cache
def templates() -> Environment:
    """The page templates, with autoescape on for every template (built once: read-only)."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(sparkline=sparkline, measures=coverage)
    env.filters["day"] = _when
    env.filters["plural"] = _plural
    return env


router = APIRouter(prefix="/ui", include_in_schema=False)


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def missing(what: str, key: str) -> HTMLResponse:
    return page("missing.html", 404, title=f"No such {what}", what=what, key=key)


def _config(index: IndexProtocol) -> Config:
    """The index's settings (the fingerprints of the figures must match its own)."""
    found = getattr(index, "config", None)
    return found if isinstance(found, Config) else Config()


@router.get("/")
def stories_page(
    index: Index,
    q: Annotated[str, Query(max_length=500)] = "",
    source: Annotated[str, Query(max_length=500)] = "",
    min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    text, src = q.strip() or None, source.strip() or None
    if min_size > 1:
        recent = stories_at_least(index, min_size, source=src, text=text, limit=PAGE, offset=offset)
    else:
        recent = index.stories(source=src, text=text, limit=PAGE, offset=offset)
    biggest = index.stories(source=src, text=text, order="size", limit=BIGGEST).stories
    return page(
        "stories.html",
        title="Stories",
        recent=recent,
        recent_cards=cards(index, recent.stories),
        biggest=cards(index, tuple(s for s in biggest if s.size >= min_size)),
        q=q,
        source=source,
        min_size=min_size,
    )


@router.get("/stories/{story_id}")
def story_page(story_id: str, index: Index) -> HTMLResponse:
    story = index.story(story_id)
    if story is None:
        return missing("story", story_id)
    members = index.story_articles(story_id)
    summary = card(story, members)
    groups = _by_group(members)
    config = _config(index)
    families = [
        copy_family(index, g[0], config, current=False) for g in groups[:FAMILIES] if len(g) > 1
    ]
    return page(
        "story.html",
        title=story.headline or story.id,
        story=story,
        card=summary,
        chart=timeline_chart(summary.timeline),
        outlets=outlet_timeline(members),
        groups=groups,
        families={f.original.group: f for f in families if f is not None},
    )


@dataclass(frozen=True, slots=True)
class CopyRow:
    """A row of an article's copies table: the copy and the pair's aligned bigram coverage."""

    article: StoredArticle
    kind: str  #: its kind in the group: "original" (the representative) or its copy kind
    scores: Scores  #: this article as ``a``, the copy as ``b``


@router.get("/articles/{article_id:path}")
def article_page(
    article_id: str, index: Index, against: Annotated[str, Query(max_length=1000)] = ""
) -> HTMLResponse:
    article = index.article(article_id)
    if article is None:
        return missing("article", article_id)
    config = _config(index)
    copies = _copy_rows(index, article, config)
    other_id = against.strip() or (copies[0].article.id if copies else "")
    other = index.article(other_id) if other_id else None
    diff, refused = _diff(index, article, other)
    pair = coverage.bigram_scores(_plain(article), [_plain(other)], config)[0] if other else None
    return page(
        "article.html",
        title=article.title or article.id,
        article=article,
        copies=copies,
        family=copy_family(index, article, config) if copies else None,
        against=other_id,
        other=other,
        diff=diff,
        refused=refused,
        pair=pair,
        quotations=sum(p.get("quoted", 0.0) >= 0.5 for p in diff["passages"]) if diff else 0,
        rows=diff_rows(diff, article.text, other.text) if diff and other else [],
    )


def _diff(
    index: IndexProtocol, article: StoredArticle, other: StoredArticle | None
) -> tuple[dict[str, Any] | None, str]:
    """The index's alignment of the pair, or why it refused one (a text over its size limit,
    every diff slot busy): the page then says so instead of failing."""
    if other is None:
        return None, ""
    try:
        return index.diff(article.id, other.id), ""
    except NewsdedupError as exc:
        return None, str(exc)


def _plain(a: StoredArticle) -> Article:
    return Article(id=a.id, text=a.text, published=a.published)


def _copy_rows(index: IndexProtocol, article: StoredArticle, config: Config) -> list[CopyRow]:
    """The other members of the group, each with the pair's figures against this article (the
    same function as the side-by-side view and ``newsdedup compare``)."""
    links = index.copies(article.id)
    found = [(c, a) for c in links if (a := index.article(c.id)) is not None]
    scores = coverage.bigram_scores(_plain(article), [_plain(a) for _, a in found], config)
    return [CopyRow(a, c.kind, s) for (c, a), s in zip(found, scores, strict=True)]


@dataclass(frozen=True, slots=True)
class Snippet:
    """A stretch of an article's text around a search hit (plain text: the template escapes)."""

    before: str
    match: str
    after: str
    cut_start: bool  #: text was left out before
    cut_end: bool  #: and after


def snippet(text: str, q: str, width: int = 110) -> Snippet:
    """The first place ``text`` holds the phrase ``q`` (else its longest word), with about
    ``width`` characters on each side cut at word boundaries; whitespace is collapsed."""
    flat = " ".join(text.split())
    found = None
    for words in [q.split(), *sorted(([w] for w in q.split()), key=lambda w: -len(w[0]))]:
        pattern = r"\s+".join(re.escape(w) for w in words)
        if pattern and (found := re.search(pattern, flat, re.IGNORECASE)):
            break
    if found is None:
        end = _cut_end(flat, 2 * width)
        return Snippet("", "", flat[:end], False, end < len(flat))
    start = _cut_start(flat, found.start() - width)
    end = _cut_end(flat, found.end() + width)
    return Snippet(
        before=flat[start : found.start()],
        match=found.group(),
        after=flat[found.end() : end],
        cut_start=start > 0,
        cut_end=end < len(flat),
    )


def _cut_start(text: str, at: int) -> int:
    if at <= 0:
        return 0
    space = text.find(" ", at)
    return at if space == -1 else space + 1


def _cut_end(text: str, at: int) -> int:
    if at >= len(text):
        return len(text)
    space = text.rfind(" ", 0, at)
    return at if space <= 0 else space


@router.get("/search")
def search_page(
    index: Index,
    q: Annotated[str, Query(max_length=500)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    hits = index.search(q, limit=PAGE, offset=offset) if q.strip() else ()
    stories = index.stories(text=q.strip(), limit=BIGGEST) if q.strip() else None
    return page(
        "search.html",
        title="Search",
        q=q,
        hits=[(a, snippet(a.text, q)) for a in hits],
        stories=cards(index, stories.stories) if stories else [],
        offset=offset,
        page=PAGE,
    )


def _by_group(members: tuple[StoredArticle, ...]) -> list[list[StoredArticle]]:
    """Members grouped by copy group, the original first in each; groups with copies first."""
    groups: dict[str, list[StoredArticle]] = {}
    for a in members:
        groups.setdefault(a.group, []).append(a)
    ordered = [sorted(g, key=lambda a: not a.original) for g in groups.values()]
    return sorted(ordered, key=lambda g: -len(g))
