"""The array paths of an add against plain definitions: ``story_component`` (the voices a
strong edge reaches from the seeds, and every edge among them) and the LSH buckets an add's
heads join (``copies._buckets``), on random tables."""

from __future__ import annotations

import sqlite3

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.config import StoriesConfig
from newsdedup.group.stories.graph import (
    SIMILARITY_STEPS,
    StoryEdges,
    close_in_time,
    steps_of,
    strong_edges,
)
from newsdedup.store.contained import _by_key
from newsdedup.store.copies import _buckets
from newsdedup.store.story_graph import story_component

_TABLES = """
CREATE TABLE story_edges (a INTEGER NOT NULL, b INTEGER NOT NULL, similarity REAL NOT NULL,
    PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE story_voices (seq INTEGER PRIMARY KEY, day REAL);
"""

_edges = st.lists(
    st.tuples(
        st.integers(1, 30),
        st.integers(1, 30),
        st.sampled_from([0.1, 0.2, 0.27, 0.28, 0.35, 0.6]),
    ),
    max_size=80,
)


#: the index on the edges' higher end: schema 9's (covering) and schema 8's
_B_INDEXES = ("(b, similarity)", "(b, a)")


def _graph(
    edges: list[tuple[int, int, float]], days: list[float | None], b_index: str = _B_INDEXES[0]
) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(_TABLES)
    conn.execute(f"CREATE INDEX story_edges_b ON story_edges {b_index}")
    unique = {(min(a, b), max(a, b)): s for a, b, s in edges if a != b}
    steps = steps_of(np.array(list(unique.values()), np.float64)).tolist()
    conn.executemany(
        "INSERT INTO story_edges VALUES (?, ?, ?)",
        [(*k, s) for k, s in zip(unique, steps, strict=True)],
    )
    conn.executemany("INSERT INTO story_voices VALUES (?, ?)", list(enumerate(days, start=1)))
    return conn


def _reference(
    conn: sqlite3.Connection, seeds: set[int], config: StoriesConfig
) -> tuple[set[int], list[tuple[int, int, float]]]:
    """Every edge read, the strong ones (the batch's rule) followed to a fixed point."""
    rows = conn.execute("SELECT a, b, similarity FROM story_edges ORDER BY a, b").fetchall()
    day = dict(conn.execute("SELECT seq, day FROM story_voices").fetchall())
    days = np.array([np.nan if day.get(s) is None else day[s] for s in range(32)])
    a = np.array([r[0] for r in rows], np.int64)
    b = np.array([r[1] for r in rows], np.int64)
    sim = np.array([r[2] for r in rows], np.float64) / SIMILARITY_STEPS  # stored as steps
    strong = strong_edges(StoryEdges(a, b, sim, close_in_time(days[a], days[b], config)), config)
    seen = set(seeds)
    while True:
        reached = {int(y) for x, y in zip(a[strong], b[strong], strict=True) if x in seen}
        reached |= {int(x) for x, y in zip(a[strong], b[strong], strict=True) if y in seen}
        if reached <= seen:
            return seen, [r for r in rows if r[0] in seen and r[1] in seen]
        seen |= reached


@settings(max_examples=60, deadline=None)
@given(
    _edges,
    st.lists(st.one_of(st.none(), st.floats(0, 20)), min_size=30, max_size=30),
    st.sets(st.integers(1, 30), min_size=1, max_size=5),
    st.sampled_from(_B_INDEXES),
)
def test_story_component_is_the_strong_closure(
    edges: list[tuple[int, int, float]], days: list[float | None], seeds: set[int], b_index: str
) -> None:
    config = StoriesConfig()
    conn = _graph(edges, days, b_index)
    nodes, found = story_component(conn, seeds, config)
    want_nodes, want_edges = _reference(conn, seeds, config)
    assert nodes == want_nodes
    assert [
        (int(a), int(b), round(s * SIMILARITY_STEPS)) for a, b, s in found.tolist()
    ] == want_edges


@given(
    st.lists(st.tuples(st.integers(-(2**31), 2**31 - 1), st.integers(0, 2**32 - 1)), max_size=50)
)
def test_key_order_is_the_lexicographic_order(rows: list[tuple[int, int]]) -> None:
    arr = np.array(rows, np.int64).reshape(-1, 2)
    assert arr.shape == (len(rows), 2)
    by_key = arr[np.argsort(_by_key(arr), kind="stable")]
    assert by_key.tolist() == sorted(map(list, rows))


@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(100, 110)), max_size=30),
    st.lists(st.tuples(st.integers(0, 9), st.integers(1, 8)), max_size=30),
)
def test_buckets_are_the_shared_keys_with_all_holders(
    new: list[tuple[int, int]], stored: list[tuple[int, int]]
) -> None:
    new = sorted(new)
    flat = np.array([k for k, _ in new], np.int64)
    owner = np.array([s for _, s in new], np.int64)
    shared = [r for r in stored if r[0] in set(flat.tolist())]
    stored_rows = np.array(shared, np.int64).reshape(-1, 2)
    got = {tuple(r) for r in _buckets(flat, owner, stored_rows).tolist()}
    holders: dict[int, set[int]] = {}
    for k, s in [*new, *stored_rows.tolist()]:
        holders.setdefault(k, set()).add(s)
    stored_keys = {k for k, _ in stored_rows.tolist()}
    new_count = {k: sum(1 for kk, _ in new if kk == k) for k, _ in new}
    want = {
        (k, s)
        for k, ss in holders.items()
        if k in stored_keys or new_count.get(k, 0) >= 2
        for s in ss
    }
    assert got == want
