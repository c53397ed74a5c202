"""The short-document candidate path in the living index: candidates/contained.py's rule.

The batch pairs every short eligible document (at most ``verify.short_doc_words`` content
words) with every eligible document sharing enough of its *sampled* shingles (hash % SAMPLE ==
0), by ``short_pair_filter``; a shingle held by more than ``verify.short_doc_max_bucket``
eligible documents (exact-class heads with shingles) is no evidence and is skipped. The index
keeps the sampled shingles of every such head in the ``shingles`` table (key: the shingle as a
signed 32-bit integer, same bits). When heads arrive, their rows go in first; then each of their
shingles held by 2 to ``short_doc_max_bucket`` heads in the table (the newcomers included, so the
count is the batch's over every article stored so far) pairs its holders, a pair counts its
shared shingles, and ``short_pair_filter`` keeps it when one side is short. Only pairs with a
newcomer are made, so pairs made on a shingle before it grew past the bound keep it, as pairs
made in an LSH bucket before it was capped stay (docs/index.md, limits).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

from newsdedup.arrays import unique
from newsdedup.candidates.contained import SAMPLE, short_pair_filter
from newsdedup.candidates.lsh import bucket_pairs
from newsdedup.config import Config
from newsdedup.store import levels
from newsdedup.store.rows import postings_array, select_in

__all__ = [
    "PENDING",
    "drop_shingles",
    "fill_shingles",
    "query_partners",
    "short_pairs",
    "stored_short_pairs",
]


#: A ``meta`` key present while a file migrated to schema 4 still lacks the short-path pairs
#: among the articles it held before (``stored_short_pairs`` finds them on the next add).
PENDING = "short_pairs_pending"


def _sampled(blob: bytes) -> NDArray[np.int32]:
    """The sampled shingles of a stored ``sets`` blob, as the table's keys (int32, same bits)."""
    values = np.frombuffer(blob, np.uint32)
    keys: NDArray[np.int32] = values[(values & np.uint32(SAMPLE - 1)) == 0].view(np.int32)
    return keys


def _by_key(rows: NDArray[np.int64]) -> NDArray[np.int64]:
    """(key, seq) rows as one int64 each, in (key, seq) order (the key an int32, seqs below
    2**32): one sort instead of a lexsort."""
    return (rows[:, 0] << 32) + rows[:, 1]


def _rows(seq: int, keys: NDArray[np.int32]) -> Iterator[tuple[int, int]]:
    return ((k, seq) for k in keys.tolist())


def _blobs(conn: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, tuple[int, bytes]]:
    """seq -> (n_content, sets blob) of stored articles."""
    sql = "SELECT seq, n_content, sets FROM fingerprints WHERE seq IN ({marks})"
    return {r[0]: (r[1], r[2]) for r in select_in(conn, sql, seqs)}


def _holders(conn: sqlite3.Connection, keys: list[int], low: int, high: int) -> NDArray[np.int64]:
    """(key, seq) rows of every stored holder of the ``keys`` held by ``low`` to ``high`` heads."""
    return postings_array(conn, "shingles", "seq", keys, low, high)


def fill_shingles(conn: sqlite3.Connection) -> None:
    """Migration to schema 4: the rows of every stored head, from its stored shingle set; a file
    that held heads is marked for ``stored_short_pairs``."""
    heads = 0
    cursor = conn.execute("SELECT seq, sets FROM fingerprints WHERE head = 1")
    while batch := cursor.fetchmany(1000):
        heads += len(batch)
        conn.executemany(
            "INSERT OR IGNORE INTO shingles VALUES (?, ?)",
            (row for seq, blob in batch for row in _rows(seq, _sampled(blob))),
        )
    if heads:
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')", (PENDING,))


def drop_shingles(conn: sqlite3.Connection, seq: int) -> None:
    """Take a head that stops being one (or leaves) out of the table (called before its flag
    is cleared; an article that is no head has no rows)."""
    row = conn.execute(
        "SELECT sets FROM fingerprints WHERE seq = ? AND head = 1", (seq,)
    ).fetchone()
    if row is not None:
        levels.delete(conn, "shingles", _rows(seq, _sampled(row[0])))


def short_pairs(
    conn: sqlite3.Connection, config: Config, heads: Sequence[int]
) -> set[tuple[int, int]]:
    """Store the sampled shingles of ``heads`` (new exact-class heads with shingles, fingerprint
    rows written) and return the short-path pairs (lower seq first) they make with every head."""
    info = _blobs(conn, heads)
    own = {s: _sampled(info[s][1]) for s in heads}
    flat = np.concatenate([*own.values(), np.empty(0, np.int32)])
    owner = np.repeat(np.asarray(heads, np.int64), [len(own[s]) for s in heads])
    order = np.argsort(flat, kind="stable")  # in key order: B-tree pages touched in turn
    levels.insert(conn, "shingles", flat[order].astype(np.int64), owner[order])
    return _pairs(conn, config, heads, unique(flat).tolist(), info)


def _pairs(
    conn: sqlite3.Connection,
    config: Config,
    heads: Sequence[int],
    keys: list[int],
    info: dict[int, tuple[int, bytes]],
) -> set[tuple[int, int]]:
    """The short-path pairs of ``heads`` (stored in the table, their ``keys`` and ``info``
    given) with every head in the table: the batch's counting and ``short_pair_filter``."""
    rows = _holders(conn, keys, 2, config.verify.short_doc_max_bucket)
    if not len(rows):
        return set()
    rows = rows[np.argsort(_by_key(rows), kind="stable")]
    seqs, member = np.unique(rows[:, 1], return_inverse=True)
    change = np.flatnonzero(rows[1:, 0] != rows[:-1, 0]) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    ends = np.concatenate((change, [len(rows)])).astype(np.int64)
    fresh = np.isin(seqs, np.asarray(heads, np.int64))
    cap = int((ends - starts).max())
    local = bucket_pairs(member.astype(np.int64), starts, ends, cap, fresh, 0)  # one side in heads
    n = len(seqs)
    codes, shared = np.unique(local[:, 0] * n + local[:, 1], return_counts=True)
    a, b = codes // n, codes % n
    # the rule's own floor on the shared count (sizes 0: the share of the set is no bound yet)
    zero, yes = np.zeros(len(codes), np.int64), np.ones(len(codes), np.bool_)
    floor = short_pair_filter(shared, zero, zero, yes, yes, 0.0)
    a, b, shared = a[floor], b[floor], shared[floor]
    if not len(a):
        return set()
    wanted = unique(np.concatenate((a, b)))
    info = {**info, **_blobs(conn, [int(seqs[d]) for d in wanted if int(seqs[d]) not in info])}
    words = np.zeros(n, np.int64)
    sizes = np.zeros(n, np.int64)
    for d in wanted.tolist():
        n_content, blob = info[int(seqs[d])]
        words[d], sizes[d] = n_content, len(_sampled(blob))
    short = words <= config.verify.short_doc_words
    keep = (short[a] | short[b]) & short_pair_filter(
        shared, sizes[a], sizes[b], short[a], short[b], config.verify.min_candidate_containment
    )
    return {(int(seqs[x]), int(seqs[y])) for x, y in zip(a[keep], b[keep], strict=True)}


def stored_short_pairs(conn: sqlite3.Connection, config: Config) -> list[tuple[int, int]]:
    """The short-path pairs among all stored heads (lower seq first) when a migrated file still
    lacks them (``PENDING``; cleared here): each short head's pairs, as if it had just come, a
    thousand heads per step (memory stays bounded; no count changes: every head is stored)."""
    if conn.execute("SELECT 1 FROM meta WHERE key = ?", (PENDING,)).fetchone() is None:
        return []
    conn.execute("DELETE FROM meta WHERE key = ?", (PENDING,))
    short = [
        r[0]
        for r in conn.execute(
            "SELECT seq FROM fingerprints WHERE head = 1 AND n_content <= ? AND length(sets) > 0",
            (config.verify.short_doc_words,),
        )
    ]
    found: set[tuple[int, int]] = set()
    for lo in range(0, len(short), 1000):
        heads = short[lo : lo + 1000]
        info = _blobs(conn, heads)
        keys = unique(np.concatenate([_sampled(info[s][1]) for s in heads])).tolist()
        found |= _pairs(conn, config, heads, keys, info)
    return sorted(found)


def query_partners(
    conn: sqlite3.Connection, config: Config, sets: NDArray[np.uint32], n_content: int
) -> set[int]:
    """The stored heads a queried text would be paired with by the short path if it were added
    (its shingles counted as one more holder), read only: a brief finds the source LSH misses."""
    own = unique(sets[(sets & np.uint32(SAMPLE - 1)) == 0]).view(np.int32)
    found = _holders(conn, own.tolist(), 1, config.verify.short_doc_max_bucket - 1)
    if not len(found):
        return set()
    seqs, shared = np.unique(found[:, 1], return_counts=True)
    # the rule's own floor on the shared count first (sizes 0: no bound from the sets yet), so
    # only the heads that can pass have their sets read and decoded
    zero, yes = np.zeros(len(seqs), np.int64), np.ones(len(seqs), np.bool_)
    floor = short_pair_filter(shared, zero, zero, yes, yes, 0.0)
    seqs, shared = seqs[floor], shared[floor]
    if not len(seqs):
        return set()
    info = _blobs(conn, seqs.tolist())
    words = np.array([info[s][0] for s in seqs.tolist()], np.int64)
    sizes = np.array([len(_sampled(info[s][1])) for s in seqs.tolist()], np.int64)
    limit = config.verify.short_doc_words
    short = words <= limit
    mine = np.full(len(seqs), n_content <= limit)
    keep = (short | mine) & short_pair_filter(
        shared,
        np.full(len(seqs), len(own)),
        sizes,
        mine,
        short,
        config.verify.min_candidate_containment,
    )
    return set(seqs[keep].tolist())
