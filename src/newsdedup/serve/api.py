"""The JSON routes: thin translations between HTTP and ``IndexProtocol`` (store/contract.py).

Routes are plain ``def``: FastAPI runs them on its thread pool, where the index's reads are
thread-safe and its writes serialise themselves."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from newsdedup.errors import InputError
from newsdedup.serve.models import (
    MAX_ID,
    AddedOut,
    AddOut,
    ArticleBrief,
    ArticleIn,
    ArticleOut,
    CopiesOut,
    CopyOut,
    DiffOut,
    ErrorOut,
    HealthOut,
    QueryOut,
    RejectedOut,
    SearchOut,
    StoriesOut,
    StoryDetailOut,
    StoryOut,
)
from newsdedup.store.contract import IndexProtocol, StoredArticle
from newsdedup.types import Rejected

__all__ = ["MAX_OFFSET", "MAX_PAGE", "Settings", "router"]

#: Most stories or search hits in one page.
MAX_PAGE = 200
#: Largest ``offset`` of a page (far past the end of any index; it bounds the SQL integer).
MAX_OFFSET = 1_000_000_000

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 413, 415, 422)
}
_bearer = HTTPBearer(auto_error=False, description="Needed for writes when a token is set.")


@dataclass(frozen=True, slots=True)
class Settings:
    """What ``create_app`` was given, kept in ``app.state.settings``."""

    token: str | None
    max_batch: int


def _index(request: Request) -> IndexProtocol:
    """The app's index (``app.state.index``): routes get it as a dependency, no global."""
    index: IndexProtocol = request.app.state.index
    return index


def _writer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 without credentials, 403 with the wrong ones (compared in constant time); nothing
    to check when the service has no token."""
    token: str | None = request.app.state.settings.token
    if token is None:
        return
    if credentials is None:
        raise HTTPException(
            401,
            "This endpoint needs 'Authorization: Bearer TOKEN' (the service has a token).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(403, "The bearer token is not the service's token.")


Index = Annotated[IndexProtocol, Depends(_index)]
router = APIRouter(responses=_ERRORS)


@router.post("/articles", tags=["articles"], dependencies=[Depends(_writer)])
def add_articles(body: ArticleIn | list[ArticleIn], index: Index, request: Request) -> AddOut:
    """Ingest one article or a list; answers, per article, its copy group and story."""
    items = body if isinstance(body, list) else [body]
    if not items:
        raise HTTPException(422, "The body is an empty list: send at least one article.")
    max_batch = request.app.state.settings.max_batch
    if len(items) > max_batch:
        raise HTTPException(
            413, f"{len(items):,} articles in one request; the limit is {max_batch:,}."
        )
    result = index.add(a.to_article(n) for n, a in enumerate(items))
    return AddOut(
        articles=[AddedOut.model_validate(a, from_attributes=True) for a in result.added],
        rejected=[_rejected(r) for r in result.rejected],
    )


@router.post("/query", tags=["articles"])
def query(body: ArticleIn, index: Index) -> QueryOut:
    """The copies and the story the article would have, stored copies first, then its
    translations (kind translation); nothing is stored."""
    try:
        result = index.query(body.to_article(0))
    except InputError as exc:
        raise HTTPException(422, str(exc)) from exc
    return QueryOut(copies=[CopyOut.of(c) for c in result.copies], story=result.story)


@router.get("/articles/{article_id:path}/copies", tags=["articles"])
def article_copies(article_id: str, index: Index) -> CopiesOut:
    """The other members of its copy group, the original first."""
    article = _article(index, article_id)
    links = index.copies(article_id)
    return CopiesOut(id=article.id, group=article.group, copies=[CopyOut.of(c) for c in links])


@router.get("/articles/{article_id:path}", tags=["articles"])
def get_article(article_id: str, index: Index) -> ArticleOut:
    """The article as stored (its latest version), with its copy group and story."""
    return ArticleOut.of(_article(index, article_id))


@router.get("/stories", tags=["stories"])
def list_stories(
    index: Index,
    since: datetime | None = None,
    until: datetime | None = None,
    source: Annotated[str | None, Query(max_length=500)] = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    order: Literal["recent", "size"] = "recent",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> StoriesOut:
    """Stories overlapping [since, until], with a member from ``source``, matching ``q``;
    newest first (``order=recent``) or biggest first (``order=size``)."""
    if since is not None and until is not None and since > until:
        raise HTTPException(422, "'since' is after 'until': no story can match.")
    _no_nul(q=q, source=source)
    page = index.stories(
        since=since, until=until, source=source, text=q, order=order, limit=limit, offset=offset
    )
    after = page.offset + len(page.stories)
    return StoriesOut(
        stories=[StoryOut.of(s) for s in page.stories],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next_offset=after if after < page.total else None,
    )


@router.get("/stories/{story_id}", tags=["stories"])
def get_story(story_id: str, index: Index) -> StoryDetailOut:
    """A story with its member articles in publication order."""
    story = index.story(story_id)
    if story is None:
        raise HTTPException(404, f"No story with id {story_id!r}. List them at GET /stories.")
    members = [ArticleBrief.of(a) for a in index.story_articles(story_id)]
    return StoryDetailOut(**StoryOut.of(story).model_dump(), articles=members)


_ID = Query(min_length=1, max_length=MAX_ID)
_DIFF_ERRORS: dict[int | str, dict[str, object]] = {
    413: {"model": ErrorOut, "description": "A text is over the diff size limit."},
    503: {"model": ErrorOut, "description": "Every diff slot stayed busy; see Retry-After."},
}


@router.get("/diff", tags=["articles"], responses=_DIFF_ERRORS)
def diff(index: Index, a: Annotated[str, _ID], b: Annotated[str, _ID]) -> DiffOut:
    """How article ``a`` aligns with ``b``: passages, one-sided spans, changed facts. Texts
    over the index's limit (100,000 characters by default) are refused with 413."""
    for name, value in (("a", a), ("b", b)):
        _article(index, value, param=name)
    found = index.diff(a, b)
    if found is None:  # removed between the checks and the diff
        raise HTTPException(404, f"No article with id {a!r} or {b!r}.")
    return DiffOut(**found)


@router.get("/search", tags=["articles"])
def search(
    index: Index,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> SearchOut:
    """Articles whose title or text contain the phrase ``q``, best first."""
    _no_nul(q=q)
    if not q.strip():
        raise HTTPException(422, "The 'q' parameter is blank: give words to search for.")
    hits = index.search(q, limit=limit, offset=offset)
    return SearchOut(q=q, limit=limit, offset=offset, results=[ArticleBrief.of(h) for h in hits])


@router.get("/health", tags=["service"])
def health(index: Index) -> HealthOut:
    """Liveness, and the index's counts."""
    stats = index.stats()
    return HealthOut(
        status="ok",
        articles=stats.get("articles", 0),
        stories=stats.get("stories", 0),
        groups=stats.get("groups", 0),
        schema_version=stats.get("schema_version", 0),
    )


def _no_nul(**params: str | None) -> None:
    """422 for a query parameter holding a NUL character (no stored text has one)."""
    for name, value in params.items():
        if value is not None and "\x00" in value:
            raise HTTPException(
                422, f"The '{name}' parameter contains a NUL character (%00): send it without."
            )


def _article(index: IndexProtocol, article_id: str, *, param: str = "id") -> StoredArticle:
    found = index.article(article_id)
    if found is None:
        raise HTTPException(
            404, f"No article with {param} {article_id!r}. Add it with POST /articles first."
        )
    return found


def _rejected(r: Rejected) -> RejectedOut:
    path = r.origin.path
    position = None
    if path.startswith("body[") and path.endswith("]") and path[5:-1].isdigit():
        position = int(path[5:-1])
    return RejectedOut(position=position, reason=r.reason, detail=r.detail)
