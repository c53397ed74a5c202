"""The story assigner of a living index: kept in memory by the writer, snapshotted into the
``state`` table, replayed from the articles placed after the snapshot when the file is opened.

``StoryAssigner`` is incremental already; the index feeds it each add's articles in publication
order (as ``find_stories`` replays a corpus) and writes the rows of the stories they touched.
Its ``articles`` list keeps only what ``story_summary.summarize`` reads (id, source, headline).
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import xxhash
import zstandard

from newsdedup.api import group_id
from newsdedup.clean.pipeline import headline
from newsdedup.config import Config
from newsdedup.group.stories import Embedder, StoryAssigner
from newsdedup.group.story_index import OpenStory
from newsdedup.group.story_summary import settle, story_id, summarize
from newsdedup.types import Article, Story

__all__ = ["Placement", "StoryState", "story_row"]

_KEY = "stories"


@dataclass(frozen=True, slots=True)
class Placement:
    """One article to place: its row, its (cleaned) article, its date and copy group."""

    seq: int
    article: Article
    when: datetime | None
    group: str


class StoryState:
    """The writer's assigner and how far into the stream (``placed``) it has got."""

    def __init__(self, config: Config, embedder: Embedder | None = None) -> None:
        self.config = config
        self.embedder = embedder
        self.assigner = self._fresh()
        self.placed = 0
        self.since_snapshot = 0

    def _fresh(self) -> StoryAssigner:
        return StoryAssigner(self.config.stories, embedder=self.embedder, workers=0)

    def load(self, conn: sqlite3.Connection) -> int:
        """Restore the last snapshot, then replay what came after it; returns how many replayed."""
        row = conn.execute("SELECT upto, value FROM state WHERE key = ?", (_KEY,)).fetchone()
        if row is not None and row[0] > self.placed:
            thawed = _thaw(row[1], self.config, self.embedder)
            if thawed is not None:  # else: made by other code, replay everything
                self.assigner, self.placed = thawed, row[0]
        return self.catch_up(conn)

    def catch_up(self, conn: sqlite3.Connection) -> int:
        """Place the stored articles this assigner has not seen (written by a process that
        died before its snapshot, or by another writer)."""
        rows = conn.execute(
            "SELECT seq, id, title, text, source, story_when, arrival_group, story_pos "
            "FROM articles WHERE story_pos >= ? ORDER BY story_pos",
            (self.placed,),
        ).fetchall()
        articles = [Article(id=r[1], title=r[2], text=r[3], source=r[4]) for r in rows]
        when = [datetime.fromisoformat(r[5]) if r[5] else None for r in rows]
        self._run(articles, when, [r[6] for r in rows])
        self.since_snapshot += len(rows)
        return len(rows)

    def _run(self, articles: list[Article], when: list[datetime | None], groups: list[str]) -> None:
        """``StoryAssigner.run`` (features in a worker process for big adds, as the batch
        does), then keep only what ``summarize`` reads of each article."""
        a = self.assigner
        a.workers = (self.config.run.workers or os.cpu_count() or 1) - 1
        first = len(a.articles)
        a.run(articles, when, groups)
        for p in range(first, len(a.articles)):
            full = a.articles[p]
            title = full.title or headline(full.text)
            a.articles[p] = Article(id=full.id, text="", title=title, source=full.source)
        self.placed += len(articles)

    def place(self, conn: sqlite3.Connection, items: Sequence[Placement]) -> set[str]:
        """Place new articles (in the order given), record them, rewrite the touched stories;
        returns the ids of the stories written."""
        a = self.assigner
        merged_before = set(a.merged)
        conn.executemany(
            "UPDATE articles SET story_pos = ?, story_when = ?, arrival_group = ? WHERE seq = ?",
            [
                (self.placed + i, it.when.isoformat() if it.when else None, it.group, it.seq)
                for i, it in enumerate(items)
            ],
        )
        self._run(
            [it.article for it in items], [it.when for it in items], [it.group for it in items]
        )
        touched = {a.story_of_group[it.group] for it in items}
        self.since_snapshot += len(items)
        for gone in set(a.merged) - merged_before:
            conn.execute("DELETE FROM stories WHERE id = ?", (story_id(a.articles[gone].id),))
        return {self._write(conn, self._resolve(k)) for k in touched}

    def _resolve(self, key: int) -> OpenStory:
        return self.assigner._story(key)

    def _write(self, conn: sqlite3.Connection, story: OpenStory) -> str:
        a = self.assigner
        view = copy.copy(story)
        if view.open or not view.label:
            settle(view, self.config.stories.label_size)
        ids = [a.articles[p].id for p in story.members]
        groups = _current_groups(conn, ids)
        record = summarize(view, a.articles, a.when, groups)
        conn.execute(
            "INSERT OR REPLACE INTO stories VALUES (?,?,?,?,?,?,?,?,?,?)", story_row(record)
        )
        positions = sorted(story.members)
        for lo in range(0, len(positions), 500):
            chunk = positions[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            conn.execute(
                "INSERT OR REPLACE INTO story_of SELECT seq, ? FROM articles "
                f"WHERE story_pos IN ({marks})",
                [record.id, *chunk],
            )
        return record.id

    def snapshot(self, conn: sqlite3.Connection) -> int:
        """Write the assigner into ``state`` (inside the caller's transaction); returns bytes."""
        blob = _freeze(self.assigner)
        conn.execute("INSERT OR REPLACE INTO state VALUES (?, ?, ?)", (_KEY, self.placed, blob))
        self.since_snapshot = 0
        return len(blob)

    def peek(self, article: Article, when: datetime | None) -> str | None:
        """The id of the story ``add`` would put ``article`` in (None: a new one), unchanged."""
        dense = next(self.assigner._dense([article]))  # None without an embedder
        key = self.assigner.peek(article, when, dense=dense)
        if key is None:
            return None
        return story_id(self.assigner.articles[self._resolve(key).first].id)


def _current_groups(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    out = {i: group_id(i) for i in ids}
    unique = sorted(set(ids))
    for lo in range(0, len(unique), 500):
        chunk = unique[lo : lo + 500]
        marks = ",".join("?" * len(chunk))
        out.update(
            conn.execute(
                "SELECT a.id, g.gid FROM articles a JOIN groups g ON g.seq = a.seq "
                f"WHERE a.current = 1 AND a.id IN ({marks})",
                chunk,
            ).fetchall()
        )
    return out


def story_row(s: Story) -> tuple[Any, ...]:
    return (
        s.id,
        json.dumps(list(s.label)),
        s.headline,
        s.first_seen.isoformat() if s.first_seen else None,
        s.last_seen.isoformat() if s.last_seen else None,
        len(s.members),
        json.dumps(list(s.members)),
        json.dumps(list(s.groups)),
        json.dumps(list(s.sources)),
        json.dumps([list(t) for t in s.timeline]),
    )


def code_version() -> bytes:
    """A hash of the code whose objects a snapshot pickles: a snapshot made by other code is
    not trusted (its classes may have changed) and the stream is replayed instead."""
    import newsdedup.fingerprint.terms as terms
    import newsdedup.group.stories as stories
    import newsdedup.group.story_index as story_index
    import newsdedup.group.story_summary as summary

    digest = xxhash.xxh3_64()
    for module in (terms, stories, story_index, summary):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.digest()


def _freeze(assigner: StoryAssigner) -> bytes:
    """pickle + zstd, without the embedder (document frequencies pickle their counts only)."""
    embedder, assigner.embedder = assigner.embedder, None
    try:
        raw = pickle.dumps(assigner, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        assigner.embedder = embedder
    return code_version() + zstandard.ZstdCompressor(level=3).compress(raw)


def _thaw(blob: bytes, config: Config, embedder: Embedder | None) -> StoryAssigner | None:
    """The snapshot's assigner, or None when other code made it."""
    tag = code_version()
    if blob[: len(tag)] != tag:
        return None
    # the blob was written by this index into its own file: unpickling it runs no foreign code
    raw = zstandard.ZstdDecompressor().decompress(blob[len(tag) :])
    assigner: StoryAssigner = pickle.loads(raw)
    assigner.config = config.stories
    assigner.embedder = embedder
    return assigner
