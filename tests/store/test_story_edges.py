"""The story edges' reads (store/story_graph.py): the strong edges of a side read as one text
of pair codes per chunk equal the rows of a plain select, on random graphs and seqs up to
2**31 - 1, with the covering (b, similarity) index of schema 9 or the (b, a) one before; a
schema-8 file migrates to that index and its next adds equal an index built whole."""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, Config
from newsdedup.group.stories.graph import least_step, steps_of
from newsdedup.store.index import Index
from newsdedup.store.story_graph import _strong_codes
from newsdedup.synth import generate_corpus

CONFIG = Config()
_INDEXES = {
    "covering": "CREATE INDEX story_edges_b ON story_edges (b, similarity)",
    "schema 8": "CREATE INDEX story_edges_b ON story_edges (b, a)",
}

_seq = st.one_of(st.integers(1, 40), st.integers(2**31 - 40, 2**31 - 1))


def _graph(edges: list[tuple[int, int, float]], index: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE story_edges (a INTEGER NOT NULL, b INTEGER NOT NULL, "
        "similarity REAL NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID"
    )
    conn.execute(_INDEXES[index])
    unique = {(min(a, b), max(a, b)): s for a, b, s in edges if a != b}
    steps = steps_of(np.array(list(unique.values()), np.float64)).tolist()
    conn.executemany(
        "INSERT INTO story_edges VALUES (?, ?, ?)",
        [(*k, s) for k, s in zip(unique, steps, strict=True)],
    )
    return conn


@settings(max_examples=60)
@given(
    st.lists(st.tuples(_seq, _seq, st.floats(0.1, 1.0)), max_size=120),
    st.lists(_seq, max_size=30),
    st.sampled_from([0.1, 0.28, 0.2800000001, 0.5]),
    st.sampled_from(sorted(_INDEXES)),
)
def test_story_edges_strong_codes_are_the_selected_rows(
    edges: list[tuple[int, int, float]], seqs: list[int], floor: float, index: str
) -> None:
    conn = _graph(edges, index)
    for side in "ab":
        got = _strong_codes(conn, side, sorted(set(seqs)), floor)
        rows = conn.execute(
            f"SELECT a, b FROM story_edges WHERE similarity >= ? AND {side} IN "
            f"({','.join(map(str, set(seqs))) or 'NULL'})",
            (least_step(floor),),
        ).fetchall()
        assert got.dtype == np.int64
        pairs = sorted(zip((got >> 32).tolist(), (got & (2**32 - 1)).tolist(), strict=True))
        assert pairs == sorted(rows)


def test_story_edges_strong_codes_of_many_seqs() -> None:
    """More seqs than one IN-list holds: every chunk's text is joined."""
    edges = [(s, s + 1, 0.3 + (s % 7) / 10) for s in range(1, 1_400)]
    conn = _graph(edges, "covering")
    got = np.sort(_strong_codes(conn, "a", list(range(1, 1_400)), 0.5))
    want = sorted((a << 32) | b for a, b, s in edges if round(s * 32767) / 32767 >= 0.5)
    assert got.tolist() == want


@cache
def _articles() -> tuple[Article, ...]:
    return tuple(generate_corpus(320, seed=7, words=90, copy_rate=0.4).articles)


def _outcome(index: Index) -> tuple[object, ...]:
    found = [index.article(a.id) for a in _articles()]
    placed = [(a.id, a.group, a.story) for a in found if a is not None]
    edges = index._conn().execute("SELECT * FROM story_edges ORDER BY a, b").fetchall()
    return placed, index.stories(order="size", limit=10_000).stories, edges


def test_story_edges_schema_8_file_migrates(tmp_path: Path) -> None:
    items, split = _articles(), 160
    path = tmp_path / "old.db"
    with Index(path, CONFIG) as index:
        index.add(items[:split])
    conn = sqlite3.connect(path, isolation_level=None)  # back to what schema 8 made
    conn.execute("DROP INDEX story_edges_b")
    conn.execute(_INDEXES["schema 8"])
    conn.execute("PRAGMA user_version=8")
    conn.close()
    with Index(path, CONFIG) as index:
        assert index.migrated_from == 8
        columns = index._conn().execute("PRAGMA index_info(story_edges_b)").fetchall()
        assert [c[2] for c in columns] == ["b", "similarity"]
        for lo in range(split, len(items), 40):
            index.add(items[lo : lo + 40])
        got = _outcome(index)
    with Index(tmp_path / "whole.db", CONFIG) as whole:
        whole.add(items[:split])
        for lo in range(split, len(items), 40):
            whole.add(items[lo : lo + 40])
        assert _outcome(whole) == got
    assert got[2]  # the adds made story edges
