"""The web UI: server-rendered pages over the same index as the API.

Article text, titles, sources and ids are untrusted: the Jinja environment escapes every value
(autoescape on, and no ``|safe`` anywhere in the templates)."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from newsdedup.serve.api import Index
from newsdedup.serve.charts import sparkline, timeline_chart
from newsdedup.serve.diffview import diff_rows
from newsdedup.store.contract import StoredArticle

__all__ = ["PAGE", "router", "templates"]

#: Stories per page on the stories page.
PAGE = 25
#: Biggest stories shown beside the recent ones.
BIGGEST = 10


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
    env.globals["sparkline"] = sparkline
    env.filters["day"] = lambda d: "" if d is None else d.strftime("%Y-%m-%d %H:%M")
    return env


router = APIRouter(prefix="/ui", include_in_schema=False)


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def missing(what: str, key: str) -> HTMLResponse:
    return page("missing.html", 404, title=f"No such {what}", what=what, key=key)


@router.get("/")
def stories_page(
    index: Index,
    q: Annotated[str, Query(max_length=500)] = "",
    source: Annotated[str, Query(max_length=500)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    text, src = q.strip() or None, source.strip() or None
    recent = index.stories(source=src, text=text, limit=PAGE, offset=offset)
    biggest = index.stories(source=src, text=text, order="size", limit=BIGGEST)
    return page(
        "stories.html",
        title="Stories",
        recent=recent,
        biggest=biggest.stories,
        q=q,
        source=source,
    )


@router.get("/stories/{story_id}")
def story_page(story_id: str, index: Index) -> HTMLResponse:
    story = index.story(story_id)
    if story is None:
        return missing("story", story_id)
    members = index.story_articles(story_id)
    outlets = Counter(a.source or "(no source)" for a in members).most_common()
    return page(
        "story.html",
        title=story.headline or story.id,
        story=story,
        chart=timeline_chart(story.timeline),
        outlets=outlets,
        groups=_by_group(members),
    )


@router.get("/articles/{article_id:path}")
def article_page(
    article_id: str, index: Index, against: Annotated[str, Query(max_length=1000)] = ""
) -> HTMLResponse:
    article = index.article(article_id)
    if article is None:
        return missing("article", article_id)
    copies = index.copies(article_id)
    other_id = against.strip() or (copies[0].id if copies else "")
    other = index.article(other_id) if other_id else None
    diff = index.diff(article.id, other.id) if other is not None else None
    return page(
        "article.html",
        title=article.title or article.id,
        article=article,
        copies=copies,
        against=other_id,
        other=other,
        diff=diff,
        rows=diff_rows(diff, article.text, other.text) if diff and other else [],
    )


@router.get("/search")
def search_page(
    index: Index,
    q: Annotated[str, Query(max_length=500)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    hits = index.search(q, limit=PAGE, offset=offset) if q.strip() else ()
    stories = index.stories(text=q.strip(), limit=BIGGEST) if q.strip() else None
    return page(
        "search.html", title="Search", q=q, hits=hits, stories=stories, offset=offset, page=PAGE
    )


def _by_group(members: tuple[StoredArticle, ...]) -> list[list[StoredArticle]]:
    """Members grouped by copy group, the original first in each; groups with copies first."""
    groups: dict[str, list[StoredArticle]] = {}
    for a in members:
        groups.setdefault(a.group, []).append(a)
    ordered = [sorted(g, key=lambda a: not a.original) for g in groups.values()]
    return sorted(ordered, key=lambda g: -len(g))
