"""What the stories list and a story page show of a story, counted one way for both: from its
member articles as stored (their own sources and publication dates), so a page never says
"1 outlets" beside "0 sources", nor draws on a timeline an article it lists as undated."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from newsdedup.serve.charts import day_counts, utc
from newsdedup.store.contract import IndexProtocol, StoredArticle, StoryPage
from newsdedup.types import Story

__all__ = ["MAX_MEMBERS", "StoryCard", "card", "cards", "stories_at_least"]

#: Biggest story whose members the stories list reads; a bigger one is summed from its stored
#: record (its sources and timeline as the story stage counted them) to keep the list fast.
MAX_MEMBERS = 1000
#: Stories read per query while a minimum size filters the recent list.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StoryCard:
    story: Story
    sources: tuple[tuple[str, int], ...]  #: outlets with their article counts, most first
    unsourced: int  #: articles without a source (not an outlet)
    timeline: tuple[tuple[str, int], ...]  #: (UTC day, dated articles)
    undated: int  #: articles without a publication date (on no timeline)
    voices: int  #: copy groups
    first: datetime | None  #: earliest publication date of a member
    last: datetime | None

    @property
    def size(self) -> int:
        return self.story.size


def card(story: Story, members: tuple[StoredArticle, ...] | None) -> StoryCard:
    """The counts of ``story`` from its ``members`` (None: from the story record alone)."""
    if members is None:
        dated = sum(n for _, n in story.timeline)
        return StoryCard(
            story=story,
            sources=tuple((s, 0) for s in story.sources),
            unsourced=0,
            timeline=story.timeline,
            undated=max(story.size - dated, 0),
            voices=len(set(story.groups)),
            first=story.first_seen,
            last=story.last_seen,
        )
    sources = Counter(a.source for a in members if a.source)
    timeline, undated = day_counts(a.published for a in members)
    dates = [utc(a.published) for a in members if a.published is not None]
    return StoryCard(
        story=story,
        sources=tuple(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
        unsourced=sum(1 for a in members if not a.source),
        timeline=timeline,
        undated=undated,
        voices=len({a.group for a in members}),
        first=min(dates, default=None),
        last=max(dates, default=None),
    )


def cards(index: IndexProtocol, stories: tuple[Story, ...]) -> list[StoryCard]:
    """A card per story for the lists, members read up to MAX_MEMBERS per story."""
    return [card(s, index.story_articles(s.id) if s.size <= MAX_MEMBERS else None) for s in stories]


def stories_at_least(
    index: IndexProtocol,
    min_size: int,
    *,
    source: str | None,
    text: str | None,
    limit: int,
    offset: int,
) -> StoryPage:
    """The recent stories of at least ``min_size`` articles, paged. The index filters by source
    and text; the size filter reads the recent list in chunks, and the total comes from the
    size order, where the stories of at least ``min_size`` are a prefix (found by bisection)."""
    found: list[Story] = []
    seen = start = 0
    while len(found) < limit:
        page = index.stories(source=source, text=text, limit=_CHUNK, offset=start)
        for s in page.stories:
            if s.size >= min_size:
                if seen >= offset and len(found) < limit:
                    found.append(s)
                seen += 1
        start += _CHUNK
        if start >= page.total:
            break
    return StoryPage(
        stories=tuple(found),
        total=_count_at_least(index, min_size, source=source, text=text),
        limit=limit,
        offset=offset,
    )


def _count_at_least(
    index: IndexProtocol, min_size: int, *, source: str | None, text: str | None
) -> int:
    lo, hi = 0, index.stories(source=source, text=text, limit=1).total
    while lo < hi:
        mid = (lo + hi) // 2
        at = index.stories(source=source, text=text, order="size", limit=1, offset=mid).stories
        if at and at[0].size >= min_size:
            lo = mid + 1
        else:
            hi = mid
    return lo
