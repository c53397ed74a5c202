"""Topics of a living index: the batch's ``cluster_topics`` over every voice of the file.

A story lies inside one component of the edges that can hold a story together (close in
time, at ``story_similarity`` or more: ``graph.strong_edges``), so an add re-clusters the
stories of those components only (``story_graph.story_component``). A topic is not bounded
so: at ``topic_similarity`` 0.03 one edge at the default ``edge_floor`` (0.1) between two
one-voice stories already joins them, and average-link inside a component depends on all of
it, so the topics are clustered again over the whole file, from every story edge and each
voice's stored story. That pass reads the whole story graph and grows with the index, so an add
does not run it: topics are a derived view, and an add that changes stories marks them stale
(``meta`` key ``topics_stale``); the first reader of topics after it (``Index.story``,
``stories``, ``stats``) runs the pass once and stores the topics (``refresh_topics``), so
several adds in a row pay for one pass and a reader never sees stale topics (docs/index.md).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

import numpy as np

from newsdedup.config import StoriesConfig
from newsdedup.group.stories.graph import SIMILARITY_STEPS, StoryEdges, cluster_topics
from newsdedup.group.stories.records import topic_id

__all__ = [
    "mark_topics_stale",
    "publication_key",
    "refresh_topics",
    "topics_of",
    "topics_stale",
    "unplaced_voices",
    "when_of",
]

_STALE = "topics_stale"


def when_of(value: str | None) -> datetime | None:
    """A stored ``story_when`` as a datetime."""
    return datetime.fromisoformat(value) if value else None


def publication_key(when: datetime | None, article_id: str) -> tuple[Any, ...]:
    """``publication_order``'s order: dated by (date, id), then undated by id."""
    return (0, when, article_id) if when is not None else (1, article_id)


def unplaced_voices(conn: sqlite3.Connection) -> set[int]:
    """Voices with no stored story (new ones): the topic pass needs every voice's story."""
    return {
        seq
        for (seq,) in conn.execute(
            "SELECT v.seq FROM story_voices v LEFT JOIN story_of s ON s.seq = v.seq "
            "WHERE s.seq IS NULL"
        )
    }


def topics_of(
    conn: sqlite3.Connection, new_story: dict[int, str], config: StoriesConfig
) -> dict[str, str]:
    """The topic id of every story, the voices of ``new_story`` (seq -> story id) in their
    new stories and every other voice in its stored one."""
    voices = conn.execute(
        "SELECT v.seq, a.id, a.story_when, s.story FROM story_voices v "
        "JOIN articles a ON a.seq = v.seq LEFT JOIN story_of s ON s.seq = v.seq"
    ).fetchall()
    if not voices:
        return {}
    voices.sort(key=lambda r: publication_key(when_of(r[2]), r[1]))
    label = [new_story.get(r[0], r[3]) for r in voices]
    head: dict[str, int] = {}
    story = np.array([head.setdefault(s, i) for i, s in enumerate(label)], np.int64)
    seqs = np.array([r[0] for r in voices], np.int64)
    by_seq = np.argsort(seqs)
    found = conn.execute("SELECT a, b, similarity FROM story_edges").fetchall()
    edges = np.array(found, np.float64).reshape(-1, 3)
    edges[:, 2] /= SIMILARITY_STEPS  # stored as whole steps (story_graph.py)
    ends = [
        by_seq[np.searchsorted(seqs, edges[:, k].astype(np.int64), sorter=by_seq)] for k in (0, 1)
    ]
    every = StoryEdges(ends[0], ends[1], edges[:, 2], np.ones(len(edges), np.bool_))
    topic = cluster_topics(story, every, config)
    return {label[i]: topic_id(voices[int(t)][1]) for i, t in enumerate(topic.tolist())}


def mark_topics_stale(conn: sqlite3.Connection) -> None:
    """Record that the stored topics no longer follow the stories (in the caller's
    transaction): the next reader of topics computes them again."""
    conn.execute("INSERT OR IGNORE INTO meta VALUES (?, '1')", (_STALE,))


def topics_stale(conn: sqlite3.Connection) -> bool:
    """Whether an add changed the stories since the topics were last computed."""
    return conn.execute("SELECT 1 FROM meta WHERE key = ?", (_STALE,)).fetchone() is not None


def refresh_topics(conn: sqlite3.Connection, config: StoriesConfig) -> int:
    """Compute every story's topic from the stored stories and story edges (the batch's
    ``cluster_topics``), store the ones that changed and clear the mark; the caller holds the
    write transaction. Returns the number of stories whose topic changed."""
    topic = topics_of(conn, {}, config)
    stored = dict(conn.execute("SELECT id, topic FROM stories"))
    changed = [(t, s) for s, t in topic.items() if s in stored and stored[s] != t]
    conn.executemany("UPDATE stories SET topic = ? WHERE id = ?", changed)
    conn.execute("DELETE FROM meta WHERE key = ?", (_STALE,))
    return len(changed)
