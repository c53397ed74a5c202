"""Stories as files: one row per document (its copy group and story), and one record per story."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from newsdedup.atomic import StrPath
from newsdedup.types import Story, StoryResult
from newsdedup.write.corpus import utc_or_none
from newsdedup.write.formats import write_records

__all__ = [
    "ASSIGNMENT_SCHEMA",
    "STORY_SCHEMA",
    "assignment_rows",
    "story_row",
    "write_assignments",
    "write_stories",
]

ASSIGNMENT_SCHEMA = pa.schema(
    [("id", pa.string()), ("group", pa.string()), ("story", pa.string()), ("topic", pa.string())]
)

STORY_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("topic", pa.string()),
        ("size", pa.int64()),
        ("label", pa.list_(pa.string())),
        ("headline", pa.string()),
        ("first_seen", pa.timestamp("us", tz="UTC")),
        ("last_seen", pa.timestamp("us", tz="UTC")),
        ("members", pa.list_(pa.string())),
        ("groups", pa.list_(pa.string())),
        ("sources", pa.list_(pa.string())),
        ("timeline", pa.list_(pa.struct([("day", pa.string()), ("articles", pa.int64())]))),
    ]
)


def assignment_rows(result: StoryResult) -> Iterator[dict[str, Any]]:
    """Every document once, in id order: ``id``, ``group`` (copy group), ``story``, ``topic``
    (None where the executor gives no topics)."""
    for doc in sorted(result.story_of):
        yield {
            "id": doc,
            "group": result.group_of.get(doc),
            "story": result.story_of[doc],
            "topic": result.topic_of.get(doc),
        }


def write_assignments(result: StoryResult, path: StrPath) -> int:
    """Write ``assignment_rows`` atomically to ``path``; return the number of rows."""
    return write_records(assignment_rows(result), path, schema=ASSIGNMENT_SCHEMA)


def story_row(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "topic": story.topic,
        "size": story.size,
        "label": list(story.label),
        "headline": story.headline,
        "first_seen": utc_or_none(story.first_seen),
        "last_seen": utc_or_none(story.last_seen),
        "members": list(story.members),
        "groups": list(story.groups),
        "sources": list(story.sources),
        "timeline": [{"day": day, "articles": n} for day, n in story.timeline],
    }


def write_stories(stories: Iterable[Story], path: StrPath) -> int:
    """Write one record per story, biggest first, atomically to ``path`` (JSONL or Parquet)."""
    ordered = sorted(stories, key=lambda s: (-s.size, s.id))
    return write_records((story_row(s) for s in ordered), path, schema=STORY_SCHEMA)
