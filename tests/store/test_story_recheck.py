"""The re-check of stored pairs whose keys changed (store/story_graph.py ``_stored_pairs``,
``_recheck``) in arrays equals the per-pair loop over Python sets it replaced (kept here), on
random key postings, edges and limits, with seqs up to 2**31 - 1."""

from __future__ import annotations

import sqlite3

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.store.rows import select_in
from newsdedup.store.story_graph import _recheck, _stored_pairs

_seq = st.one_of(st.integers(1, 30), st.integers(2**31 - 30, 2**31 - 1))
_key = st.one_of(st.integers(0, 12), st.integers(2**32 - 3, 2**32 + 3))


def _file(postings: list[tuple[int, int]], edges: list[tuple[int, int]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE story_keys (key INTEGER NOT NULL, voice INTEGER NOT NULL, "
        "PRIMARY KEY (key, voice)) WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX story_keys_voice ON story_keys (voice)")
    conn.execute(
        "CREATE TABLE story_edges (a INTEGER NOT NULL, b INTEGER NOT NULL, "
        "similarity REAL NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID"
    )
    conn.executemany("INSERT OR IGNORE INTO story_keys VALUES (?, ?)", postings)
    conn.executemany(
        "INSERT OR IGNORE INTO story_edges VALUES (?, ?, 0.5)",
        [(min(a, b), max(a, b)) for a, b in edges if a != b],
    )
    return conn


def _old_stored_pairs(
    conn: sqlite3.Connection, keys: list[int], fresh: set[int]
) -> set[tuple[int, int]]:
    holders: dict[int, list[int]] = {}
    for key, voice in select_in(
        conn, "SELECT key, voice FROM story_keys WHERE key IN ({marks})", keys
    ):
        if voice not in fresh:
            holders.setdefault(key, []).append(voice)
    out: set[tuple[int, int]] = set()
    for voices in holders.values():
        voices.sort()
        out |= {(a, b) for i, a in enumerate(voices) for b in voices[i + 1 :]}
    return out


def _old_recheck(
    conn: sqlite3.Connection, pairs: set[tuple[int, int]], limit: int
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    if not pairs:
        return set(), set()
    voices = {x for pair in pairs for x in pair}
    keys: dict[int, set[int]] = {}
    for voice, key in select_in(
        conn, "SELECT voice, key FROM story_keys WHERE voice IN ({marks})", voices
    ):
        keys.setdefault(voice, set()).add(key)
    sql = "SELECT key, count(*) FROM story_keys WHERE key IN ({marks}) GROUP BY key"
    counts = dict(select_in(conn, sql, sorted({k for ks in keys.values() for k in ks})))
    found = select_in(conn, "SELECT a, b FROM story_edges WHERE a IN ({marks})", voices)
    found += select_in(conn, "SELECT a, b FROM story_edges WHERE b IN ({marks})", voices)
    edges = set(found)
    revived, lost = set(), set()
    for a, b in pairs:
        useful = any(counts[k] <= limit for k in keys.get(a, set()) & keys.get(b, set()))
        if useful and (a, b) not in edges:
            revived.add((a, b))
        elif not useful and (a, b) in edges:
            lost.add((a, b))
    return revived, lost


def _pairs(codes: np.ndarray) -> list[tuple[int, int]]:
    assert codes.dtype == np.int64
    return list(zip((codes >> 32).tolist(), (codes & (2**32 - 1)).tolist(), strict=True))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_key, _seq), max_size=150),
    st.lists(st.tuples(_seq, _seq), max_size=80),
    st.lists(_key, max_size=12),
    st.sets(_seq, max_size=8),
    st.integers(2, 8),
)
def test_story_recheck_equals_the_pair_loop(
    postings: list[tuple[int, int]],
    edges: list[tuple[int, int]],
    crossed: list[int],
    fresh: set[int],
    limit: int,
) -> None:
    conn = _file(postings, edges)
    keys = sorted(set(crossed))
    suspects = _stored_pairs(conn, keys, fresh)
    want = _old_stored_pairs(conn, keys, fresh)
    assert _pairs(suspects) == sorted(want)
    revived, lost = _recheck(conn, suspects, limit)
    old_revived, old_lost = _old_recheck(conn, want, limit)
    assert _pairs(revived) == sorted(old_revived)
    assert _pairs(lost) == sorted(old_lost)


def test_story_recheck_of_a_key_over_many_holders() -> None:
    """A key held by more voices than an IN-list holds, crossing the limit both ways."""
    postings = [(7, v) for v in range(1, 700)] + [(9, v) for v in range(1, 700, 3)]
    conn = _file(postings, [(v, v + 3) for v in range(1, 700, 3)])
    suspects = _stored_pairs(conn, [7, 9], {5, 6})
    assert _pairs(suspects) == sorted(_old_stored_pairs(conn, [7, 9], {5, 6}))
    for limit in (100, 233, 1000):
        revived, lost = _recheck(conn, suspects, limit)
        old = _old_recheck(conn, set(_pairs(suspects)), limit)
        assert (_pairs(revived), _pairs(lost)) == (sorted(old[0]), sorted(old[1]))
