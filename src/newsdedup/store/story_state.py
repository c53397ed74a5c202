"""Stories of a living index, equal to ``find_stories`` over the stored articles.

Everything lives in the file (store/story_graph.py: voices, key terms, edges); nothing is kept
in memory between adds. An add brings new articles and changes some copy groups; for the groups
it touched, the voice (first article in publication order) is found again as the batch finds
it, new voices are paired and scored, and the connected components of the story graph that
changed are clustered again with the batch's ``cluster``: average-link inside one component
depends on that component alone (group/stories/linkage.py), so the stories and topics are the
batch's.
Only stories whose members, topic, voices or edges changed are written again; an article whose
story id changes is recorded in ``story_moves`` (old id, new id) for clients that follow ids.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray

from newsdedup.config import Config, StoriesConfig
from newsdedup.errors import StoreError
from newsdedup.group.stories import SupportsEmbed, publication_order
from newsdedup.group.stories import records as records_of
from newsdedup.group.stories.graph import StoryEdges, close_in_time, cluster_stories
from newsdedup.group.stories.records import story_id
from newsdedup.group.stories.vectors import (
    StoryVectors,
    VoiceLabels,
    stack_vectors,
    story_features,
    story_text,
    voice_labels,
)
from newsdedup.store.rows import select_in
from newsdedup.store.story_graph import drop_voices, edges_of, link, story_component, write_voices
from newsdedup.store.story_topics import (
    mark_topics_stale,
    publication_key,
    unplaced_voices,
    when_of,
)
from newsdedup.store.texts import pack_blob, unpack_blob
from newsdedup.types import Article, Story

__all__ = ["STORY_STATE", "StoryState", "StoryUpdate", "story_row"]

#: The layout of the story state (vectors: xxh32 columns, int32 + float64 blobs). A file whose
#: ``meta`` names another one is refused (rebuild it), never read as this one, except
#: ``_REDATED``'s, which is taken over.
STORY_STATE = "graph-2"
#: The state before voices' days were their published dates: its undated voices may carry the
#: day written in their text (``window_day``). Opening marks it ``stories_redate``; the next add
#: corrects those days and re-clusters their components (``rebuild_if_pending``).
_REDATED = "graph-1"
_EMBED_BATCH = 256
_VECTOR_CHUNK = 2_000  # voices whose vectors are computed at once


@dataclass(slots=True)
class StoryUpdate:
    """What one add changed in the stories."""

    voices: int = 0  #: new voices
    dropped: int = 0  #: voices that stopped being one (their group changed)
    edges: int = 0  #: story edges added
    reclustered: int = 0  #: voices of the components clustered again
    written: set[str] = field(default_factory=set)  #: story ids written
    moves: int = 0  #: articles whose story id changed


def window_day(published: str | None) -> float | None:
    """A voice's day for ``stories.window_days`` (unix days): its published date only, naive
    read as UTC, as ``story_graph_result`` reads it. An article dated by the date written in
    its text (``story_when``) is ordered by that date but has no day: undated, it is near every
    voice, as in the batch."""
    when = when_of(published)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() / 86400.0


class StoryState:
    """Keeps the stories of an index file up to date (the caller holds the transaction)."""

    def __init__(self, config: Config, embedder: SupportsEmbed | None = None) -> None:
        self.config = config
        self.embedder = embedder

    @staticmethod
    def check(conn: sqlite3.Connection, path: Path) -> None:
        """Record the story state layout of a file; refuse one this code cannot read."""
        row = conn.execute("SELECT value FROM meta WHERE key = 'story_state'").fetchone()
        if row is None:
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('story_state', ?)", (STORY_STATE,))
        elif row[0] == _REDATED:  # the mark first: an open cut between the two marks again
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('stories_redate', '1')")
            conn.execute("UPDATE meta SET value = ? WHERE key = 'story_state'", (STORY_STATE,))
        elif row[0] != STORY_STATE:
            raise StoreError(
                f"{path} holds story state {row[0]!r}, but this newsdedup reads "
                f"{STORY_STATE!r}. Open it with the newsdedup that built it, or build a new "
                "index from the articles."
            )

    def rebuild_if_pending(self, conn: sqlite3.Connection) -> bool:
        """Build the story state from the stored articles once, on a file migrated from schema
        4 (whose stories came from the streaming assigner); on a file of story state
        ``_REDATED``, correct its voices' days once (``redate``)."""
        if conn.execute("SELECT 1 FROM meta WHERE key = 'stories_pending'").fetchone() is None:
            if conn.execute("SELECT 1 FROM meta WHERE key = 'stories_redate'").fetchone():
                self.redate(conn)
            return False
        for table in ("story_voices", "story_keys", "story_edges", "stories", "story_of"):
            conn.execute(f"DELETE FROM {table}")
        rows = conn.execute(
            "SELECT seq, id, title, newsdedup_text(text), published, story_when FROM articles "
            "WHERE current = 1"
        ).fetchall()
        undated = [r for r in rows if r[5] is None]
        if undated:  # placed by no assigner: dated as ingest dates them (text dates included)
            found = [
                Article(id=r[1], title=r[2], text=r[3], published=when_of(r[4])) for r in undated
            ]
            order, when = publication_order(found, self.config.stories)
            conn.executemany(
                "UPDATE articles SET story_when = ? WHERE seq = ?",
                [
                    (w.isoformat() if w else None, undated[i][0])
                    for i, w in zip(order, when, strict=True)
                ],
            )
        self.update(conn, [r[0] for r in rows], set(), [])
        conn.execute("DELETE FROM meta WHERE key IN ('stories_pending', 'stories_redate')")
        return True

    def redate(self, conn: sqlite3.Connection) -> StoryUpdate:
        """Give every voice its ``window_day`` (a file of story state ``_REDATED`` dated an
        undated voice by the date in its text) and re-cluster the components of those whose
        day changed: their stories become the batch's."""
        out = StoryUpdate()
        wrong = [
            (day, seq)
            for seq, stored, published in conn.execute(
                "SELECT v.seq, v.day, a.published FROM story_voices v "
                "JOIN articles a ON a.seq = v.seq"
            )
            if (day := window_day(published)) != stored
        ]
        if wrong:
            conn.executemany("UPDATE story_voices SET day = ? WHERE seq = ?", wrong)
            seeds = {seq for _, seq in wrong}
            # a changed day may part a voice from a neighbour's story: seed those too
            seeds |= {x for pair in edges_of(conn, seeds) for x in pair}
            self._recluster(conn, seeds, seeds, set(), {}, out)
        conn.execute("DELETE FROM meta WHERE key = 'stories_redate'")
        return out

    def update(
        self,
        conn: sqlite3.Connection,
        fresh: Sequence[int],
        changed: set[int],
        removed: Sequence[int],
    ) -> StoryUpdate:
        """Bring the stories up to date after the articles ``fresh`` (their ``story_when``
        written) arrived, the groups of ``changed`` were rewritten and the versions ``removed``
        left."""
        out = StoryUpdate()
        c = self.config.stories
        before = dict(
            select_in(
                conn,
                "SELECT a.id, s.story FROM story_of s JOIN articles a ON a.seq = s.seq "
                "WHERE s.seq IN ({marks})",
                removed,
            )
        )
        select_in(conn, "DELETE FROM story_of WHERE seq IN ({marks})", removed)
        seeds = set(fresh) | changed
        gids = {
            g for (g,) in select_in(conn, "SELECT gid FROM groups WHERE seq IN ({marks})", seeds)
        }
        old = select_in(
            conn, "SELECT seq, gid FROM story_voices WHERE seq IN ({marks})", seeds | set(removed)
        )
        gids |= {g for _, g in old}
        old_voices = {s for s, _ in old}
        old_voices |= {
            s
            for (s,) in select_in(conn, "SELECT seq FROM story_voices WHERE gid IN ({marks})", gids)
        }
        first: dict[str, tuple[tuple[Any, ...], int, float | None]] = {}
        for gid, seq, article_id, when, published in select_in(
            conn,
            "SELECT g.gid, a.seq, a.id, a.story_when, a.published FROM groups g JOIN articles a "
            "ON a.seq = g.seq WHERE g.gid IN ({marks})",
            gids,
        ):
            key = publication_key(when_of(when), article_id)
            if gid not in first or key < first[gid][0]:
                first[gid] = (key, seq, window_day(published))
        desired = {v[1]: gid for gid, v in first.items()}
        new_voices = sorted(set(desired) - old_voices)
        dropped = sorted(old_voices - set(desired))
        partners, counts = drop_voices(conn, dropped)
        conn.executemany(
            "UPDATE story_voices SET gid = ? WHERE seq = ?",
            [(g, s) for s, g in desired.items() if s in old_voices],
        )
        vectors, labels = self._features(conn, new_voices)
        _store_labels(conn, new_voices, labels)
        write_voices(
            conn,
            new_voices,
            [desired[s] for s in new_voices],
            [first[desired[s]][2] for s in new_voices],
            vectors,
            c.index_terms,
        )
        linked = link(conn, c, new_voices, vectors, counts)
        out.voices, out.dropped, out.edges = len(new_voices), len(dropped), linked.added
        # stories to write whatever happens, and the seeds of the components clustered again:
        # those of new voices, of changed groups, of former partners of dropped voices, and of
        # voices whose edges among stored voices changed. Not the stored partners of a new
        # voice: a new edge changes their story only when it joins them to the new voice's
        # (story_component follows such edges from the new voice); a story never spans a
        # weaker edge (cluster_stories)
        marked = set(desired) | partners | linked.rewired
        self._recluster(conn, marked, marked, set(fresh), before, out)
        return out

    def _features(
        self, conn: sqlite3.Connection, seqs: list[int]
    ) -> tuple[StoryVectors, VoiceLabels]:
        rows = select_in(
            conn,
            "SELECT seq, id, title, newsdedup_text(text) FROM articles WHERE seq IN ({marks})",
            seqs,
        )
        by_seq = {r[0]: Article(id=r[1], title=r[2], text=r[3]) for r in rows}
        articles = [by_seq[s] for s in seqs]
        c = self.config.stories
        parts = [
            story_features(articles[lo : lo + _VECTOR_CHUNK], c.max_terms, c.label_size)
            for lo in range(0, max(len(articles), 1), _VECTOR_CHUNK)
        ]
        vectors = stack_vectors(*(v for v, _ in parts))
        labels = VoiceLabels.stack([lab for _, lab in parts])
        if self.embedder is not None and articles:
            dense = np.concatenate(
                [
                    np.asarray(
                        self.embedder.embed(
                            [story_text(a) for a in articles[lo : lo + _EMBED_BATCH]]
                        )
                    )
                    for lo in range(0, len(articles), _EMBED_BATCH)
                ]
            ).astype(np.float32)
            vectors = replace(vectors, dense=dense)
        return vectors, labels

    def _recluster(
        self,
        conn: sqlite3.Connection,
        seeds: set[int],
        marked: set[int],
        fresh: set[int],
        removed_story: dict[str, str],
        out: StoryUpdate,
    ) -> None:
        """Cluster the components of ``seeds`` again; write the stories that changed."""
        c = self.config.stories
        nodes, found = story_component(conn, seeds | unplaced_voices(conn), c)
        rows = select_in(
            conn,
            "SELECT v.seq, v.gid, v.day, a.id, a.story_when FROM story_voices v "
            "JOIN articles a ON a.seq = v.seq WHERE v.seq IN ({marks})",
            nodes,
        )
        rows.sort(key=lambda r: publication_key(when_of(r[4]), r[3]))
        out.reclustered = len(rows)
        days = np.array([np.nan if r[2] is None else r[2] for r in rows])
        edges = _edges(np.array([r[0] for r in rows], np.int64), found, days, c)
        story = cluster_stories(len(rows), edges, c)
        voice_story = {r[1]: story_id(rows[int(story[i])][3]) for i, r in enumerate(rows)}
        articles = select_in(
            conn,
            "SELECT a.seq, a.id, g.gid, a.source, a.story_when, s.story FROM groups g "
            "JOIN articles a ON a.seq = g.seq LEFT JOIN story_of s ON s.seq = a.seq "
            "WHERE g.gid IN ({marks})",
            list(voice_story),
        )
        new_ids = set(voice_story.values())
        dirty = {voice_story[r[1]] for r in rows if r[0] in marked}
        moves: Counter[tuple[str, str]] = Counter()
        gone: set[str] = set(removed_story.values())
        for seq, article_id, gid, _, _, old in articles:
            new = voice_story[gid]
            if old is None and seq in fresh:
                old = removed_story.get(article_id)  # a new version: its id's story before
                dirty.add(new)
            if old != new:
                dirty.add(new)
                if old is not None:
                    moves[(old, new)] += 1
                    gone.add(old)
                    if old in new_ids:
                        dirty.add(old)
        if rows or gone:  # topics are computed again by their next reader (story_topics.py)
            mark_topics_stale(conn)
        self._write(conn, rows, edges, story, articles, voice_story, dirty)
        out.written |= dirty
        for old in sorted(gone - new_ids):
            if (
                conn.execute("SELECT 1 FROM story_of WHERE story = ? LIMIT 1", (old,)).fetchone()
                is None
            ):
                conn.execute("DELETE FROM stories WHERE id = ?", (old,))
        if moves:
            at_time = datetime.now(UTC).isoformat()
            conn.executemany(
                "INSERT INTO story_moves VALUES (?, ?, ?, ?)",
                [(at_time, o, n, k) for (o, n), k in sorted(moves.items())],
            )
            out.moves += sum(moves.values())

    def _write(  # type: ignore[no-untyped-def]
        self, conn, rows, edges, story, articles, voice_story, dirty
    ) -> None:
        """Records of the ``dirty`` stories, with ``story_result`` over their articles alone
        (a story's record depends on its own articles, voices and inner edges); the topic id
        stays as stored (a new story: none) until the topics are computed again
        (store/story_topics.py ``refresh_topics``)."""
        if not dirty:
            return
        story_topic = dict(
            select_in(conn, "SELECT id, topic FROM stories WHERE id IN ({marks})", dirty)
        )
        keep = [i for i, r in enumerate(rows) if voice_story[r[1]] in dirty]
        # a record reads a voice's text only for a headline (no title) or labels (none stored):
        # the other texts stay packed ("")
        texts = {
            r[0]: (r[1], r[2])
            for r in select_in(
                conn,
                "SELECT a.seq, a.title, CASE WHEN coalesce(a.title, '') = '' OR l.seq IS NULL "
                "THEN newsdedup_text(a.text) ELSE '' END FROM articles a "
                "LEFT JOIN voice_labels l ON l.seq = a.seq WHERE a.seq IN ({marks})",
                [rows[i][0] for i in keep],
            )
        }
        members = [r for r in articles if voice_story[r[2]] in dirty]
        members.sort(key=lambda r: publication_key(when_of(r[4]), r[1]))
        ordered = []
        for seq, article_id, _, source, _, _ in members:
            title, text = texts.get(seq, (None, ""))
            ordered.append(Article(id=article_id, title=title, text=text, source=source))
        when = [when_of(r[4]) for r in members]
        group_of = {r[1]: r[2] for r in members}
        position = {r[0]: p for p, r in enumerate(members)}
        voices = [position[rows[i][0]] for i in keep]
        local = np.full(len(rows), -1, np.int64)  # a voice's position among ``keep``
        local[keep] = np.arange(len(keep), dtype=np.int64)
        inside = np.flatnonzero((local[edges.a] >= 0) & (local[edges.b] >= 0))
        sub = StoryEdges(
            local[edges.a[inside]],
            local[edges.b[inside]],
            edges.similarity[inside],
            edges.near[inside],
        )
        clusters = np.array([int(story[i]) for i in keep], np.int64)
        label_size = self.config.stories.label_size
        labels = _labels(conn, [rows[i][0] for i in keep], texts, label_size)
        records = records_of.story_records(
            ordered, when, group_of, voices, clusters, sub, label_size, story_topic, labels
        )
        conn.executemany(
            "INSERT OR REPLACE INTO stories VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [story_row(s) for s in records],
        )
        seq_of = {r[1]: r[0] for r in members}
        conn.executemany(
            "INSERT OR REPLACE INTO story_of VALUES (?, ?)",
            [(seq_of[m], s.id) for s in records for m in s.members],
        )


def _store_labels(conn: sqlite3.Connection, seqs: Sequence[int], labels: VoiceLabels) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO voice_labels VALUES (?, ?)",
        [(s, pack_blob(_label_blob(labels.row(r)))) for r, s in enumerate(seqs)],
    )


def _label_blob(row: VoiceLabels) -> bytes:
    """One voice's labels as JSON (an index file never holds pickles; stored as a zstd frame,
    store/texts.py ``pack_blob``)."""
    return orjson.dumps(
        [row.names, row.spelled, row.name_weight.tolist(), row.words, row.word_weight.tolist()]
    )


def _label_rows(blobs: Sequence[bytes]) -> VoiceLabels:
    """Stored label blobs, one row each in order, decoded in one pass into the flat arrays
    (``VoiceLabels.stack`` of one row per voice costs four arrays a voice)."""
    rows = orjson.loads(b"[" + b",".join(blobs) + b"]")
    names = [len(r[0]) for r in rows]
    words = [len(r[3]) for r in rows]
    return VoiceLabels(
        name_ptr=np.concatenate(([0], np.cumsum(names, dtype=np.int64))).astype(np.int64),
        names=[t for r in rows for t in r[0]],
        spelled=[t for r in rows for t in r[1]],
        name_weight=np.fromiter((w for r in rows for w in r[2]), np.float64, sum(names)),
        word_ptr=np.concatenate(([0], np.cumsum(words, dtype=np.int64))).astype(np.int64),
        words=[t for r in rows for t in r[3]],
        word_weight=np.fromiter((w for r in rows for w in r[4]), np.float64, sum(words)),
    )


def _labels(
    conn: sqlite3.Connection,
    seqs: Sequence[int],
    texts: dict[int, tuple[str | None, str]],
    label_size: int,
) -> VoiceLabels:
    """The voices' label terms in the order of ``seqs``: stored when the voice arrived, or
    (a voice stored by an older version) read from its text now and stored."""
    if not seqs:
        return voice_labels([], label_size)
    stored: dict[int, bytes] = {
        seq: unpack_blob(blob)
        for seq, blob in select_in(
            conn, "SELECT seq, labels FROM voice_labels WHERE seq IN ({marks})", seqs
        )
    }
    missing = [s for s in seqs if s not in stored]
    if missing:
        read = voice_labels(
            [Article(id=str(s), title=texts[s][0], text=texts[s][1]) for s in missing], label_size
        )
        _store_labels(conn, missing, read)
        stored.update((s, _label_blob(read.row(r))) for r, s in enumerate(missing))
    return _label_rows([stored[s] for s in seqs])


def _edges(
    seqs: NDArray[np.int64], found: NDArray[np.float64], days: Any, config: StoriesConfig
) -> StoryEdges:
    """The edges ``found`` (rows of seq a, seq b, similarity; each pair once) between the
    voices ``seqs`` as positions in it, lower first, in the order of the positions."""
    order = np.argsort(seqs)
    at_a = order[np.searchsorted(seqs, found[:, 0].astype(np.int64), sorter=order)]
    at_b = order[np.searchsorted(seqs, found[:, 1].astype(np.int64), sorter=order)]
    a, b = np.minimum(at_a, at_b), np.maximum(at_a, at_b)
    by = np.lexsort((b, a))
    a, b = a[by].astype(np.int64), b[by].astype(np.int64)
    similarity = np.ascontiguousarray(found[by, 2], np.float64)
    return StoryEdges(a, b, similarity, close_in_time(days[a], days[b], config))


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
        s.topic,
    )
