"""The JSON shapes of the service (pydantic), so /docs shows real schemas and requests are
checked before they reach the index. Conversions from the store's records live here too."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from newsdedup.store.contract import CopyLink, StoredArticle
from newsdedup.types import Article, Origin, Story

#: Longest accepted article id.
MAX_ID = 512


class ArticleIn(BaseModel):
    """One article to ingest. Unknown fields are refused, so a misspelt field is not lost."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=MAX_ID, pattern=r"^\S(.*\S)?$")
    text: str = Field(min_length=1)
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: datetime | None = Field(default=None, description="ISO 8601")

    def to_article(self, position: int) -> Article:
        """The Article the index takes; its origin names the position in the request."""
        return Article(
            id=self.id,
            text=self.text,
            title=self.title,
            url=self.url,
            source=self.source,
            published=self.published,
            origin=Origin(f"body[{position}]"),
        )


class AddedOut(BaseModel):
    id: str
    status: Literal["new", "unchanged", "new_version"]
    group: str
    story: str | None
    version: int


class RejectedOut(BaseModel):
    position: int | None = Field(description="0-based position in the request's list")
    reason: str
    detail: str


class AddOut(BaseModel):
    articles: list[AddedOut]
    rejected: list[RejectedOut]


class ArticleOut(BaseModel):
    id: str
    title: str | None
    text: str
    url: str | None
    source: str | None
    published: datetime | None
    group: str
    story: str | None
    version: int
    original: bool

    @classmethod
    def of(cls, a: StoredArticle) -> ArticleOut:
        return cls(**asdict(a))


class ArticleBrief(BaseModel):
    """An article without its text (lists of members and search hits)."""

    id: str
    title: str | None
    url: str | None
    source: str | None
    published: datetime | None
    group: str
    story: str | None
    original: bool

    @classmethod
    def of(cls, a: StoredArticle) -> ArticleBrief:
        data = asdict(a)
        return cls(**{k: data[k] for k in cls.model_fields})


class CopyOut(BaseModel):
    id: str
    kind: str
    scores: dict[str, float] | None
    title: str | None
    source: str | None
    published: datetime | None
    #: kind "translation": the article it was matched with, both languages and the figures
    translation: dict[str, Any] | None = None

    @classmethod
    def of(cls, c: CopyLink) -> CopyOut:
        return cls(
            id=c.id,
            kind=c.kind,
            scores=asdict(c.scores) if c.scores else None,
            title=c.title,
            source=c.source,
            published=c.published,
            translation=asdict(c.translation) if c.translation else None,
        )


class QueryOut(BaseModel):
    """``POST /query``: the copies an article that is not stored would have (kind translation
    for its translations, each with its ``translation`` figures), and its story."""

    copies: list[CopyOut]
    story: str | None


class CopiesOut(BaseModel):
    id: str
    group: str
    copies: list[CopyOut]


class StoryOut(BaseModel):
    id: str
    label: list[str]
    headline: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    size: int
    members: list[str]
    groups: list[str]
    sources: list[str]
    timeline: list[tuple[str, int]]

    @classmethod
    def of(cls, s: Story) -> StoryOut:
        data: dict[str, Any] = asdict(s)
        return cls(size=s.size, **data)


class StoriesOut(BaseModel):
    stories: list[StoryOut]
    total: int
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page; null on the last")


class StoryDetailOut(StoryOut):
    articles: list[ArticleBrief]


class SearchOut(BaseModel):
    q: str
    limit: int
    offset: int
    results: list[ArticleBrief]


class PassageOut(BaseModel):
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float


class SpanOut(BaseModel):
    kind: str
    start: int
    end: int
    text: str


class ChangeOut(BaseModel):
    kind: str
    a: str
    b: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    unit: str | None = None


class DiffOut(BaseModel):
    """How A aligns with B; offsets point into each article's stored ``text``."""

    a: str
    b: str
    verdict: str
    coverage_a: float
    coverage_b: float
    passages: list[PassageOut]
    spans: list[SpanOut]
    changes: list[ChangeOut]


class HealthOut(BaseModel):
    status: Literal["ok"]
    articles: int
    stories: int
    groups: int
    schema_version: int


class ErrorOut(BaseModel):
    """Every 4xx answer: a sentence, and for invalid requests one entry per bad field."""

    detail: str
    errors: list[dict[str, Any]] = Field(default_factory=list)
