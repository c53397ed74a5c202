"""What the living index offers its front ends (CLI ``index``/``query``, the HTTP service, the
web UI): the records it returns and the methods of ``Index``. The service and UI code against
this; ``newsdedup.store.index.Index`` implements it on SQLite (see docs/index.md).

Every record is a frozen dataclass of plain values, so the service can return
``dataclasses.asdict`` of it as JSON and the UI can render it; article text in them is the
untrusted text as stored (escape it when rendering).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from newsdedup.types import Article, Rejected, Scores, Story, TranslationScores

__all__ = [
    "AddResult",
    "Added",
    "CopyLink",
    "IndexProtocol",
    "QueryResult",
    "StoredArticle",
    "StoryPage",
]


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """One article as the index holds it (its latest version)."""

    id: str
    title: str | None
    text: str  #: the cleaned text that was fingerprinted (offsets of alignments point into it)
    url: str | None
    source: str | None
    published: datetime | None
    group: str  #: its copy group id (a group of one when it has no copy)
    story: str | None  #: its story id (None while stories are off)
    version: int = 1  #: 1, then +1 each time the same id comes with another text
    original: bool = False  #: it is its copy group's representative (the original)


@dataclass(frozen=True, slots=True)
class CopyLink:
    """A copy of an article (or the article it copies), with how and how much."""

    id: str
    kind: str  #: a ``Kind`` value: "exact", "near", "rewrite", "excerpt", ... or "original"
    scores: Scores | None  #: against the group's representative; None for the representative
    title: str | None = None
    source: str | None = None
    published: datetime | None = None
    #: for kind "translation": the pair that tied its copy group in (partner, languages, figures)
    translation: TranslationScores | None = None


@dataclass(frozen=True, slots=True)
class Added:
    """What ingesting one article did."""

    id: str
    status: Literal["new", "unchanged", "new_version"]  #: unchanged: same id and same text
    group: str
    story: str | None
    version: int = 1


@dataclass(frozen=True, slots=True)
class AddResult:
    """Outcome of one ``Index.add`` call; it is committed (durable) when returned."""

    added: tuple[Added, ...]
    rejected: tuple[Rejected, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The copies and the story of an article that is not stored."""

    copies: tuple[CopyLink, ...]  #: best first
    story: str | None
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """``{"copies": [{"id", "kind", "scores", "translation"}...], "story": id or null}``
        (the CLI's --json); ``translation`` (``TranslationScores``: partner, lang,
        partner_lang, score, cosine, anchors, margin) is null but for kind "translation"."""
        from dataclasses import asdict

        return {
            "copies": [
                {
                    "id": c.id,
                    "kind": c.kind,
                    "scores": asdict(c.scores) if c.scores else None,
                    "translation": asdict(c.translation) if c.translation else None,
                }
                for c in self.copies
            ],
            "story": self.story,
        }


@dataclass(frozen=True, slots=True)
class StoryPage:
    """A page of stories, and how many match in all (for pagination)."""

    stories: tuple[Story, ...]
    total: int
    limit: int
    offset: int


class IndexProtocol(Protocol):
    """The index's methods. Reads may run on any thread; writes are serialised by the index."""

    def add(self, articles: Iterable[Article]) -> AddResult:
        """Ingest: new ids are added, an id seen with the same text is a no-op, an id seen with
        another text becomes a new version. Copy groups and stories update as a batch run over
        the same articles in the same order would give. Returns once committed."""
        ...

    def query(self, article: Article) -> QueryResult:
        """The copies and the story ``article`` would have, without storing it."""
        ...

    def article(self, article_id: str) -> StoredArticle | None: ...

    def copies(self, article_id: str) -> tuple[CopyLink, ...]:
        """The other members of its copy group, the original first (empty when none)."""
        ...

    def stories(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        source: str | None = None,
        text: str | None = None,
        order: Literal["recent", "size"] = "recent",
        limit: int = 50,
        offset: int = 0,
    ) -> StoryPage:
        """Stories overlapping [since, until], with a member from ``source``, whose label,
        headline or members' titles match ``text``; newest last-seen first, or biggest first."""
        ...

    def story(self, story_id: str) -> Story | None: ...

    def story_articles(self, story_id: str) -> tuple[StoredArticle, ...]:
        """Its member articles in publication order."""
        ...

    def diff(self, a: str, b: str) -> dict[str, Any] | None:
        """``newsdedup.relate.explain.alignment_dict`` of the two stored texts (passages, spans,
        changed facts; offsets into ``StoredArticle.text``), plus ``"a"``/``"b"`` ids and
        ``"verdict"`` (the relation kind); None when either id is unknown."""
        ...

    def search(self, q: str, *, limit: int = 20, offset: int = 0) -> tuple[StoredArticle, ...]:
        """Articles whose title or text match ``q`` (SQLite FTS5), best first."""
        ...

    def stats(self) -> dict[str, Any]:
        """Counts (articles, versions, groups, stories), schema version, file size."""
        ...

    def compact(self) -> dict[str, float]:
        """Rewrite the file with full pages; bytes before and after, seconds."""
        ...

    def close(self) -> None: ...


def ids(articles: Sequence[StoredArticle | CopyLink]) -> list[str]:
    """The ids, in order (a small helper for tests and the UI)."""
    return [a.id for a in articles]
