"""What a finished story tells a reader: its label, headline, sources and timeline.

A story is *settled* when it closes (or at the end of the stream): its most central voice and
its label are read off its centroids, and its centroids and voice vectors are dropped, so
memory holds only the open stories' vectors however long the stream runs.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from newsdedup.clean.pipeline import headline
from newsdedup.fingerprint.terms import dot, top_terms
from newsdedup.group.story_index import OpenStory
from newsdedup.group.story_records import story_id
from newsdedup.types import Article, Story

__all__ = ["settle", "story_id", "summarize"]


def settle(story: OpenStory, label_size: int) -> None:
    """Fix the central voice and the label, then free the vectors."""
    story.unpack()
    if story.voices:
        story.central = max(story.voices, key=lambda v: (dot(v[1], story.centroid), -v[0]))[0]
    story.label = _label(story, label_size)
    story.centroid, story.entities, story.voices, story.dense = {}, {}, [], None


def _label(story: OpenStory, size: int) -> tuple[str, ...]:
    """The heaviest names (spelled as written), then the heaviest other keywords."""
    names = [w for w in top_terms(story.entities, (size + 1) // 2) if w in story.names]
    words = [w for w in top_terms(story.centroid, size + len(names)) if w not in names]
    return tuple([story.names[w] for w in names] + words[: size - len(names)])


def summarize(
    story: OpenStory,
    articles: list[Article],
    when: list[datetime | None],
    group_of: dict[str, str],
) -> Story:
    """The ``Story`` record of a settled story (members in publication order)."""
    members = sorted(story.members)
    dates = [d for p in members if (d := when[p]) is not None]
    ids = [articles[p].id for p in members]
    sources = Counter(s for p in members if (s := articles[p].source) is not None)
    days = Counter(d.date().isoformat() for d in dates)
    return Story(
        id=story_id(ids[0]),
        label=story.label,
        headline=_headline(articles[story.central if story.central >= 0 else members[0]]),
        first_seen=min(dates, default=None),
        last_seen=max(dates, default=None),
        members=tuple(ids),
        groups=tuple(dict.fromkeys(group_of[i] for i in ids)),
        sources=tuple(s for s, _ in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
        timeline=tuple(sorted(days.items())),
    )


def _headline(article: Article) -> str | None:
    return article.title or headline(article.text)
