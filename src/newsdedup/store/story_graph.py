"""The story graph of a living index, kept in SQLite: voices, their key terms, their edges.

Mirrors ``group/stories/graph.py`` ``story_edges``: per voice (the first article of a copy group
in publication order) the index keeps its three sparse vectors (``story_voices``: int32 column
indices and float32 weights per channel, as blobs, the weights on the float32 grid the batch
uses; float32 embedding with an embedder), its key terms in a postings table (``story_keys``),
and its edges (``story_edges``, lower seq first, the similarity as its whole number of
``SIMILARITY_STEPS``: 2 bytes).

An edge joins two voices that share a key term held by at most ``key_postings`` voices, and are
at least ``edge_floor`` alike. Voices come (a new copy group, or a group whose first article
changed) and go (their group merged into one with an earlier first article, or a new version
replaced them); the holders of their keys change, so a key can become useful or stop being
useful: ``link`` re-checks the pairs of such keys' holders, so the edges are always those the
batch would find over the voices stored (docs/index.md, "Stories").
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsdedup.arrays import unique
from newsdedup.candidates.lsh import bucket_pairs
from newsdedup.config import StoriesConfig
from newsdedup.group.stories.graph import (
    SIMILARITY_STEPS,
    close_in_time,
    least_step,
    pair_similarity,
    steps_of,
)
from newsdedup.group.stories.vectors import (
    CHANNELS,
    COLUMNS,
    SparseRows,
    StoryVectors,
    key_terms,
    stack_vectors,
)
from newsdedup.store.rows import concat_rows, postings_array, select_in

__all__ = [
    "Linked",
    "compact_stored",
    "drop_voices",
    "edges_of",
    "keys_of",
    "link",
    "load_vectors",
    "story_component",
    "write_voices",
]


def _row_blobs(vectors: StoryVectors, r: int) -> list[bytes | None]:
    blobs: list[bytes | None] = []
    for name in CHANNELS:
        m = vectors.channel(name)
        lo, hi = m.indptr[r], m.indptr[r + 1]
        blobs += [
            m.indices[lo:hi].astype(np.int32).tobytes(),
            m.data[lo:hi].astype(np.float32).tobytes(),  # exact: the weights are float32 values
        ]
    blobs.append(None if vectors.dense is None else vectors.dense[r].tobytes())
    return blobs


def write_voices(
    conn: sqlite3.Connection,
    seqs: Sequence[int],
    gids: Sequence[str],
    days: Sequence[float | None],
    vectors: StoryVectors,
    index_terms: int,
) -> None:
    """Store new voices' vectors and their key terms."""
    conn.executemany(
        "INSERT OR REPLACE INTO story_voices VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (s, g, d, *_row_blobs(vectors, r))
            for r, (s, g, d) in enumerate(zip(seqs, gids, days, strict=True))
        ],
    )
    rows, keys = keys_of(vectors, index_terms)
    owner = np.asarray(seqs, np.int64)[rows]
    conn.executemany(
        "INSERT OR IGNORE INTO story_keys VALUES (?, ?)",
        zip(keys.tolist(), owner.tolist(), strict=True),
    )


def compact_stored(conn: sqlite3.Connection) -> None:
    """Schema 11: float64 weight blobs to float32 and similarities (at most 1) to whole steps
    (at least 1 on an edge), in place; a row already so is left as it is. The story graph is
    then rebuilt from the articles at the next add."""
    conn.create_function("newsdedup_float32", 2, _float32_weights, deterministic=True)
    conn.execute(
        "UPDATE story_voices SET text_d = newsdedup_float32(text_i, text_d), "
        "names_d = newsdedup_float32(names_i, names_d), "
        "lead_d = newsdedup_float32(lead_i, lead_d)"
    )
    conn.execute(
        f"UPDATE story_edges SET similarity = CAST(round(similarity * {SIMILARITY_STEPS}) "
        "AS INTEGER) WHERE similarity <= 1.0"
    )
    if conn.execute("SELECT 1 FROM story_voices LIMIT 1").fetchone() is not None:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('stories_pending', '1')")


def _float32_weights(indices: bytes, data: bytes) -> bytes:
    """A weights blob as float32: one of float64 (twice the int32 indices' bytes) converted."""
    if len(data) != 2 * len(indices):
        return data
    return np.frombuffer(data, np.float64).astype(np.float32).tobytes()


def keys_of(vectors: StoryVectors, index_terms: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(row, key) of each voice's key terms, each pair once (``story_edges`` pairs on them)."""
    rows, keys = key_terms(vectors, index_terms)
    if not len(rows):
        return rows, keys
    codes = unique(rows * (2 * COLUMNS) + keys)
    return codes // (2 * COLUMNS), codes % (2 * COLUMNS)


def load_vectors(conn: sqlite3.Connection, seqs: Sequence[int]) -> StoryVectors:
    """The stored vectors of ``seqs``, one row each in their order."""
    found: dict[int, Any] = {}
    for row in select_in(conn, "SELECT * FROM story_voices WHERE seq IN ({marks})", seqs):
        found[row[0]] = row
    missing = [s for s in seqs if s not in found]
    if missing:
        raise KeyError(f"no stored story vectors for articles {missing[:5]}")
    rows = [found[s] for s in seqs]
    channels = [
        _channel([r[3 + 2 * c] for r in rows], [r[4 + 2 * c] for r in rows])
        for c in range(len(CHANNELS))
    ]
    dense = None
    if rows and all(r[9] is not None for r in rows):
        dense = np.stack([np.frombuffer(r[9], np.float32) for r in rows])
    return StoryVectors(channels[0], channels[1], channels[2], dense)


def _channel(indices: list[bytes], data: list[bytes]) -> SparseRows:
    """One channel's rows from their stored blobs, joined before they are read (one array per
    channel, not two per voice)."""
    indptr = np.zeros(len(indices) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, indices), np.int64, len(indices)) // 4, out=indptr[1:])
    flat_i = np.frombuffer(b"".join(indices), np.int32).copy()
    flat_d = np.frombuffer(b"".join(data), np.float32).astype(np.float64)
    return SparseRows(indptr, flat_i, flat_d)


def edges_of(conn: sqlite3.Connection, seqs: Iterable[int]) -> list[tuple[int, int]]:
    """The story edges (a, b) of ``seqs``."""
    found = select_in(conn, "SELECT a, b FROM story_edges WHERE a IN ({marks})", seqs)
    found += select_in(conn, "SELECT a, b FROM story_edges WHERE b IN ({marks})", seqs)
    return sorted(set(found))


def _counts(conn: sqlite3.Connection, keys: Iterable[int]) -> dict[int, int]:
    sql = "SELECT key, count(*) FROM story_keys WHERE key IN ({marks}) GROUP BY key"
    return dict(select_in(conn, sql, sorted(set(keys))))


def drop_voices(conn: sqlite3.Connection, seqs: Sequence[int]) -> tuple[set[int], dict[int, int]]:
    """Remove voices, their keys and edges; returns their former neighbours and the count of
    each of their keys before (to find the keys that became useful again)."""
    if not seqs:
        return set(), {}
    keys = {
        k for (k,) in select_in(conn, "SELECT key FROM story_keys WHERE voice IN ({marks})", seqs)
    }
    before = _counts(conn, keys)
    partners = {x for pair in edges_of(conn, seqs) for x in pair} - set(seqs)
    for sql in (
        "DELETE FROM story_edges WHERE a IN ({marks})",
        "DELETE FROM story_edges WHERE b IN ({marks})",
        "DELETE FROM story_keys WHERE voice IN ({marks})",
        "DELETE FROM story_voices WHERE seq IN ({marks})",
    ):
        select_in(conn, sql, seqs)
    return partners, before


class Linked:
    """What ``link`` changed: the voices whose edges changed, and of them those with a changed
    edge between two stored voices (their story's headline may change with no new member)."""

    def __init__(self) -> None:
        self.touched: set[int] = set()
        self.rewired: set[int] = set()
        self.added = 0
        self.removed = 0


def link(
    conn: sqlite3.Connection,
    config: StoriesConfig,
    seqs: Sequence[int],
    vectors: StoryVectors,
    dropped_counts: dict[int, int],
) -> Linked:
    """Pair the new voices ``seqs`` (their keys already stored) with every voice sharing a
    useful key, score and store the edges; then re-check the stored pairs of the keys whose
    usefulness changed (``dropped_counts``: keys of voices dropped, with their counts before)."""
    out = Linked()
    limit = config.key_postings
    _, keys = keys_of(vectors, config.index_terms)
    new_keys = unique(keys).tolist()
    counts = _counts(conn, set(new_keys) | set(dropped_counts))  # final counts
    new_per_key = dict(zip(*np.unique(keys, return_counts=True), strict=True))
    holders: dict[int, list[int]] = {}
    for key, voice in select_in(
        conn,
        "SELECT key, voice FROM story_keys WHERE key IN ({marks})",
        [k for k in new_keys if counts.get(k, 0) <= limit],
    ):
        holders.setdefault(key, []).append(voice)
    fresh = set(seqs)
    # pairs with a new voice, as ``story_edges`` pairs them (a key over the bound pairs nobody)
    local = {s: i for i, s in enumerate(seqs)}
    partners = sorted({v for vs in holders.values() for v in vs} - fresh)
    local.update({s: len(seqs) + i for i, s in enumerate(partners)})
    members: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for voices in holders.values():
        if len(voices) >= 2:
            starts.append(len(members))
            members += sorted(local[v] for v in voices)
            ends.append(len(members))
    wanted = np.zeros(len(local), np.bool_)
    wanted[: len(seqs)] = True
    pairs = bucket_pairs(
        np.asarray(members, np.int64),
        np.asarray(starts, np.int64),
        np.asarray(ends, np.int64),
        limit,
        wanted,
        0,
    )
    everyone = np.asarray(list(seqs) + partners, np.int64)
    found = [_codes(everyone[pairs[:, 0]], everyone[pairs[:, 1]])]
    # keys whose usefulness changed: stored holders' pairs gain or lose the key
    before = {k: counts.get(k, 0) - int(new_per_key.get(k, 0)) for k in new_keys}
    for key, count in dropped_counts.items():
        before[key] = count  # the count before this add's drops (and additions)
    crossed = [k for k, c in before.items() if (c <= limit) != (counts.get(k, 0) <= limit)]
    suspects = _stored_pairs(conn, crossed, fresh)
    revived, lost = _recheck(conn, suspects, limit)
    found.append(revived)
    _score(conn, config, unique(np.concatenate(found)), seqs, vectors, out)
    if len(lost):
        low, high = (lost >> _SHIFT).tolist(), (lost & _LOW).tolist()
        conn.executemany(
            "DELETE FROM story_edges WHERE a = ? AND b = ?", zip(low, high, strict=True)
        )
        out.removed += len(lost)
        out.touched.update(low, high)
        out.rewired.update(low, high)
    return out


def _stored_pairs(conn: sqlite3.Connection, keys: list[int], fresh: set[int]) -> NDArray[np.int64]:
    """The ``_codes`` of the pairs of stored (not new) holders of ``keys``, sorted, once each."""
    rows = _key_rows(conn, "key", keys)
    new = np.fromiter(fresh, np.int64, len(fresh))
    return _holder_pairs(rows[~np.isin(rows[:, 1], new)])


def _recheck(
    conn: sqlite3.Connection, codes: NDArray[np.int64], limit: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Of stored pairs (sorted ``_codes``) whose shared keys changed: those now sharing a
    useful key with no edge (to score), and the edges whose pair no longer shares one (to
    remove). A pair shares a useful key when it is a pair of that key's holders: the holders
    of the voices' keys held by ``limit`` voices or fewer, paired in arrays."""
    if not len(codes):
        return codes, codes
    voices = unique(np.concatenate([codes >> _SHIFT, codes & _LOW]))
    keys = unique(_key_rows(conn, "voice", voices.tolist())[:, 0])
    held = postings_array(conn, "story_keys", "voice", keys.tolist(), 1, limit)
    useful = np.isin(codes, _holder_pairs(held[np.isin(held[:, 1], voices)]))
    # an edge is stored lower seq first: those of the pairs have their ``a`` among the lows
    edge = np.isin(codes, _edge_codes(conn, "a IN ({marks})", unique(codes >> _SHIFT).tolist()))
    return codes[useful & ~edge], codes[~useful & edge]


def _key_rows(conn: sqlite3.Connection, side: str, values: Sequence[int]) -> NDArray[np.int64]:
    """(key, voice) rows of ``story_keys`` whose ``side`` (key or voice) is one of ``values``."""
    return concat_rows(
        conn,
        f"SELECT key AS x0, voice AS x1 FROM story_keys WHERE {side} IN "
        "(SELECT value FROM json_each(?))",
        [json.dumps(list(values))],
    )


def _holder_pairs(rows: NDArray[np.int64]) -> NDArray[np.int64]:
    """The ``_codes`` of the pairs of voices that hold one key, of (key, voice) ``rows``
    (each row once), sorted, once each."""
    if not len(rows):
        return np.empty(0, np.int64)
    voices, local = np.unique(rows[:, 1], return_inverse=True)
    order = np.lexsort((local, rows[:, 0]))
    key = rows[order, 0]
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    pairs = bucket_pairs(
        local[order].astype(np.int64),
        starts.astype(np.int64),
        np.append(starts[1:], len(key)).astype(np.int64),
        len(key),
        np.ones(len(voices), np.bool_),
        0,
    )
    return unique(_codes(voices[pairs[:, 0]], voices[pairs[:, 1]]))


_SHIFT = 32  # a pair of seqs (lower first) as one int64 code: seqs stay below 2**31
_LOW = (1 << _SHIFT) - 1


def _codes(a: NDArray[np.int64], b: NDArray[np.int64]) -> NDArray[np.int64]:
    return (np.minimum(a, b) << _SHIFT) | np.maximum(a, b)


def _score(
    conn: sqlite3.Connection,
    config: StoriesConfig,
    codes: NDArray[np.int64],
    seqs: Sequence[int],
    vectors: StoryVectors,
    out: Linked,
) -> None:
    """Score the pairs of seqs ``codes`` (``_codes``; new voices' vectors given, the others
    loaded) and store the edges at ``edge_floor`` or more, lower seq first."""
    if not len(codes):
        return
    a, b = codes >> _SHIFT, codes & ((1 << _SHIFT) - 1)
    new = np.asarray(seqs, np.int64)
    ends = unique(np.concatenate([a, b]))
    stored = ends[~np.isin(ends, new)]
    ids = np.concatenate([new, stored])  # the rows of ``joined``, in order
    by_id = np.argsort(ids)
    at_a = by_id[np.searchsorted(ids, a, sorter=by_id)]
    at_b = by_id[np.searchsorted(ids, b, sorter=by_id)]
    joined = stack_vectors(vectors, load_vectors(conn, stored.tolist()))
    similarity = pair_similarity(joined, at_a, at_b, config)
    keep = similarity >= config.edge_floor
    a, b, similarity = a[keep], b[keep], similarity[keep]
    conn.executemany(
        "INSERT OR REPLACE INTO story_edges VALUES (?, ?, ?)",
        zip(a.tolist(), b.tolist(), steps_of(similarity).tolist(), strict=True),
    )
    out.added += len(a)
    out.touched.update(a.tolist(), b.tolist())
    among_stored = ~np.isin(a, new) & ~np.isin(b, new)
    out.rewired.update(a[among_stored].tolist(), b[among_stored].tolist())


def story_component(
    conn: sqlite3.Connection, seeds: set[int], config: StoriesConfig
) -> tuple[set[int], NDArray[np.float64]]:
    """The voices whose stories can change with ``seeds``: those joined to them by edges that
    can hold a story together (``strong_edges``: close in time, at ``story_similarity`` or
    more; a story never reaches past them), and every edge between those voices, once each
    (rows of a, b, similarity, in (a, b) order). The search reads only the edges at
    ``story_similarity`` or more (no other can be strong), so of those it keeps the ones close
    in time; then each member's edges once."""
    seen = set(seeds)
    frontier = sorted(seeds)
    known = np.empty(0, np.int64)  # voices whose day was read, sorted, and their days
    day = np.empty(0, np.float64)
    while frontier:
        codes = np.concatenate(
            [_strong_codes(conn, side, frontier, config.story_similarity) for side in "ab"]
        )
        a, b = codes >> _SHIFT, codes & _LOW
        known, day = _read_days(conn, np.setdiff1d(np.concatenate([a, b]), known), known, day)
        near = close_in_time(day[np.searchsorted(known, a)], day[np.searchsorted(known, b)], config)
        reached = set(np.concatenate([a[near], b[near]]).tolist()) - seen
        seen |= reached
        frontier = sorted(reached)
    members = np.array(sorted(seen), np.int64)
    codes, similarity = _member_edges(conn, members)
    inside = np.isin(codes & _LOW, members)
    codes, similarity = codes[inside], similarity[inside]
    order = np.argsort(codes, kind="stable")
    codes, similarity = codes[order], similarity[order]
    return seen, np.column_stack(
        [(codes >> _SHIFT).astype(np.float64), (codes & _LOW).astype(np.float64), similarity]
    )


def _strong_codes(
    conn: sqlite3.Connection, side: str, seqs: Sequence[int], floor: float
) -> NDArray[np.int64]:
    """The ``_codes`` of the story edges at ``floor`` or more whose end ``side`` (a or b) is
    one of ``seqs``."""
    return _edge_codes(conn, f"{side} IN ({{marks}}) AND similarity >= ?", seqs, least_step(floor))


def _edge_codes(
    conn: sqlite3.Connection, where: str, seqs: Iterable[int], *extra: Any
) -> NDArray[np.int64]:
    """The ``_codes`` of the story edges ``where`` (an IN-list over ``seqs``, then ``extra``
    parameters). Each chunk's codes come back as one text (``group_concat``): a fetched row
    costs a Python tuple and objects, which cost more than SQLite's search."""
    texts = select_in(
        conn,
        f"SELECT group_concat((a << {_SHIFT}) | b) FROM story_edges WHERE {where}",
        seqs,
        *extra,
    )
    joined = ",".join(t for (t,) in texts if t)
    return np.fromstring(joined, np.int64, sep=",") if joined else np.empty(0, np.int64)


def _member_edges(
    conn: sqlite3.Connection, seqs: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The story edges whose lower end is one of ``seqs``: their ``_codes`` and similarities
    (two values a row: the pair as one code)."""
    found = select_in(
        conn,
        f"SELECT (a << {_SHIFT}) | b, similarity FROM story_edges WHERE a IN ({{marks}})",
        seqs.tolist(),
    )
    codes = np.fromiter((r[0] for r in found), np.int64, len(found))
    return codes, np.fromiter((r[1] for r in found), np.int64, len(found)) / SIMILARITY_STEPS


def _read_days(
    conn: sqlite3.Connection,
    seqs: NDArray[np.int64],
    known: NDArray[np.int64],
    day: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """``known`` voices and their ``day`` with those of ``seqs`` added (a NULL day, or a
    voice not stored: nan, undated), sorted by seq."""
    stored = dict(
        select_in(conn, "SELECT seq, day FROM story_voices WHERE seq IN ({marks})", seqs.tolist())
    )
    read = np.array([np.nan if stored.get(s) is None else stored[s] for s in seqs.tolist()])
    every, days = np.concatenate([known, seqs]), np.concatenate([day, read])
    order = np.argsort(every, kind="stable")
    return every[order], days[order]
