"""Copy groups kept up to date one ``add`` at a time, equal to a batch run.

The batch (engine/local.py) pairs exact-class heads that share an LSH band key, or enough
sampled shingles when one is short (candidates/contained.py; here store/contained.py), verifies
the pairs, and runs ``star_groups`` then ``spread_exact``. ``star_groups`` only ever looks along
verified edges (its order is a total order on the documents, its verifier is called on a
document and the representative of a neighbour), so its result inside one connected component
of the edge graph depends on that component alone. An add therefore: finds the new heads' band
partners in the ``bands`` table and their short-path partners in ``shingles``, verifies them,
stores the edges, and re-runs the batch's functions on the components the add touched, nothing
else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsdedup.arrays import unique
from newsdedup.candidates.lsh import LSHReport, band_pairs, enough_bands
from newsdedup.candidates.overlap import enough_overlap
from newsdedup.config import Config
from newsdedup.fingerprint.batch import Fingerprints, fingerprint_texts
from newsdedup.group.copies import Assignment, exact_heads, spread_exact, star_groups
from newsdedup.group.representative import priority_ranks
from newsdedup.ids import group_id, tiebreak
from newsdedup.relate.kind import judge, verifier
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.store import levels
from newsdedup.store.contained import drop_shingles, short_pairs, stored_short_pairs
from newsdedup.store.rows import (
    chunks,
    content_words,
    ids_of,
    load_fingerprints,
    select_in,
    signed,
)

__all__ = ["CopyUpdate", "catch_up_short_pairs", "update_groups"]


@dataclass(slots=True)
class CopyUpdate:
    """What one add changed in the copy groups."""

    recomputed: int = 0  #: heads whose component was regrouped
    capped: int = 0  #: band buckets over ``lsh.max_bucket`` met (see docs/index.md)
    short_pairs: int = 0  #: candidate pairs of the short-document path (before the union)
    #: LSH pairs under ``verify.min_pair_containment``, left unverified (candidates/overlap.py)
    low_overlap: int = 0
    verified: int = 0  #: candidate pairs verified
    edges: int = 0  #: of them copies
    changed: set[int] = field(default_factory=set)  #: articles whose group row was written


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def update_groups(
    conn: sqlite3.Connection,
    config: Config,
    new: Fingerprints,
    new_seqs: Sequence[int],
    removed: Sequence[tuple[int, int, int]],
) -> CopyUpdate:
    """Bring the groups up to date after ``new`` (fingerprint rows already written, head 0)
    arrived and the articles ``removed`` ((seq, ex0, ex1), superseded versions) left."""
    update = CopyUpdate()
    seeds: set[int] = set()
    for seq, _, _ in removed:
        seeds |= _drop_head(conn, config, seq)
        conn.execute("DELETE FROM fingerprints WHERE seq = ?", (seq,))
        conn.execute("DELETE FROM groups WHERE seq = ?", (seq,))
    exact = new.exact.view(np.int64)
    classes = {(int(e[0]), int(e[1])) for e in exact} | {(r[1], r[2]) for r in removed}
    local = {seq: d for d, seq in enumerate(new_seqs)}
    promoted: list[int] = []
    members = _class_rows(conn, classes)
    for ex in sorted(classes):
        promoted += _elect_head(conn, config, ex, members.get(ex, []), seeds)
    keys = _keys_of(conn, config, new, local, promoted)
    seeds |= _link(conn, config, promoted, keys, update)
    seeds |= set(new_seqs)
    _regroup(conn, config, seeds, update)
    return update


def _drop_head(conn: sqlite3.Connection, config: Config, seq: int) -> set[int]:
    """Take ``seq`` out of LSH and the edge graph; returns its former neighbours. Its band keys
    are found again from its text (the table is keyed by band key, not by article)."""
    partners = {r[0] for r in conn.execute("SELECT b FROM edges WHERE a = ?", (seq,))}
    partners |= {r[0] for r in conn.execute("SELECT a FROM edges WHERE b = ?", (seq,))}
    conn.execute("DELETE FROM edges WHERE a = ? OR b = ?", (seq, seq))
    keys = _stored_keys(conn, config, seq)
    levels.delete(conn, "bands", [(k, seq) for k in keys])
    drop_shingles(conn, seq)
    conn.execute("UPDATE fingerprints SET head = 0 WHERE seq = ?", (seq,))
    return partners | {seq}


def _class_rows(
    conn: sqlite3.Connection, classes: set[tuple[int, int]]
) -> dict[tuple[int, int], list[Any]]:
    """The stored members of each exact class (ex0, ex1), in seq order, read in one pass: the
    rows ``_elect_head`` ranks (an election changes only its own class's rows)."""
    out: dict[tuple[int, int], list[Any]] = {}
    for row in select_in(
        conn,
        "SELECT f.ex0, f.ex1, f.seq, f.head, f.published, f.n_words, a.id, length(f.sets), "
        "f.traces FROM fingerprints f JOIN articles a ON a.seq = f.seq WHERE f.ex0 IN ({marks})",
        sorted({ex0 for ex0, _ in classes}),
    ):
        if (row[0], row[1]) in classes:
            out.setdefault((row[0], row[1]), []).append(row[2:])
    for rows in out.values():
        rows.sort()
    return out


def _elect_head(
    conn: sqlite3.Connection,
    config: Config,
    ex: tuple[int, int],
    rows: list[Any],
    seeds: set[int],
) -> list[int]:
    """Make the best-ranked member of an exact class (``rows``: its members' seq, head,
    published, n_words, id, shingle bytes, traces) its head (``exact_heads``' rule); returns
    the new head when it changed and has shingles (it then needs LSH), else nothing."""
    if not rows:
        return []
    rank = priority_ranks(
        [r[4] for r in rows],
        np.array([r[2] for r in rows], np.int64),
        np.array([r[3] for r in rows], np.int64),
        np.array([r[6] for r in rows], np.int32),
        config.group.representative,
    )
    exact = np.tile(np.array(ex, np.int64).view(np.uint64), (len(rows), 1))
    best = rows[int(exact_heads(exact, rank)[0])]
    seeds.update(r[0] for r in rows)
    if best[1] == 1:
        return []
    for r in rows:
        if r[1] == 1:
            seeds |= _drop_head(conn, config, r[0])
    conn.execute("UPDATE fingerprints SET head = 1 WHERE seq = ?", (best[0],))
    return [best[0]] if best[5] > 0 else []


def _keys_of(
    conn: sqlite3.Connection,
    config: Config,
    new: Fingerprints,
    local: dict[int, int],
    seqs: list[int],
) -> NDArray[np.uint64]:
    """Band keys of ``seqs``: from this add's fingerprints, or (an older article that became a
    head) from its stored text, fingerprinted again."""
    keys = np.empty((len(seqs), config.lsh.bands), np.uint64)
    for i, seq in enumerate(seqs):
        if seq in local:
            keys[i] = new.keys[local[seq]]
            continue
        keys[i] = np.array(_stored_keys(conn, config, seq), np.int64).view(np.uint64)
    return keys


def _stored_keys(conn: sqlite3.Connection, config: Config, seq: int) -> list[int]:
    """Band keys (signed) of a stored article, from its stored text fingerprinted again."""
    text, ts = conn.execute(
        "SELECT newsdedup_text(a.text), f.published FROM articles a "
        "JOIN fingerprints f ON f.seq = a.seq WHERE a.seq = ?",
        (seq,),
    ).fetchone()
    return signed(fingerprint_texts([str(seq)], [text], [ts], config).keys[0])


def _link(
    conn: sqlite3.Connection,
    config: Config,
    heads: list[int],
    keys: NDArray[np.uint64],
    update: CopyUpdate,
) -> set[int]:
    """Pair the new heads with every head sharing a band key (``candidate_pairs``' rule) or, one
    of the two short, enough sampled shingles (``contained_pairs``' rule), verify the pairs,
    store the copy edges, the heads' band keys and shingles; returns the heads linked."""
    if not heads:
        return set()
    flat = np.ascontiguousarray(keys, np.uint64).reshape(-1).view(np.int64)
    owner = np.repeat(np.asarray(heads, np.int64), keys.shape[1])
    order = np.argsort(flat, kind="stable")
    flat, owner = flat[order], owner[order]
    stored = levels.select_keys(conn, "bands", unique(flat).tolist())
    pairs = _bucket_pairs(conn, config, _buckets(flat, owner, stored), heads, update)
    levels.insert(conn, "bands", flat, owner)
    short = short_pairs(conn, config, heads)
    update.short_pairs += len(short)
    return _verify(conn, config, sorted(pairs | short), update, banded=pairs - short)


def _buckets(
    flat: NDArray[np.int64], owner: NDArray[np.int64], stored: NDArray[np.int64]
) -> NDArray[np.int64]:
    """The (key, seq) rows, each once, of the buckets an add's heads join: the keys ``flat``
    (sorted, held by ``owner``) that two new heads share or a stored head (``stored`` rows)
    holds too, with all their holders."""
    shared = np.zeros(len(flat), np.bool_)
    same = flat[1:] == flat[:-1]
    shared[1:] |= same
    shared[:-1] |= same
    shared |= np.isin(flat, stored[:, 0])
    rows = np.concatenate([np.stack([flat[shared], owner[shared]], axis=1), stored])
    return np.unique(rows, axis=0)


def _bucket_pairs(
    conn: sqlite3.Connection,
    config: Config,
    rows: NDArray[np.int64],
    heads: list[int],
    update: CopyUpdate,
) -> set[tuple[int, int]]:
    """The pairs, in the buckets (``rows``: key, seq) as they are now, that hold a new head:
    the batch's bucket step (``band_pairs``: the cap and its tie-break) over all of them at
    once, then its shared-band rule (``enough_bands``); pairs made before a bucket filled up
    stay."""
    if not len(rows):
        return set()
    cap = config.lsh.max_bucket
    keys, seqs = np.ascontiguousarray(rows[:, 0]).view(np.uint64), rows[:, 1].copy()
    _, at, sizes = np.unique(rows[:, 0], return_inverse=True, return_counts=True)
    ranks = np.zeros(len(seqs), np.uint64)
    big = sizes[at] > cap
    if big.any():  # only a capped bucket needs its members' tiebreaks
        ids = ids_of(conn, sorted(set(seqs[big].tolist())))
        ranks[big] = tiebreak([ids[int(s)] for s in seqs[big]])
    fresh = np.zeros(int(seqs.max()) + 1, np.bool_)
    fresh[np.asarray(heads, np.int64)[np.asarray(heads, np.int64) <= seqs.max()]] = True
    report = LSHReport()
    found = band_pairs(keys, seqs, ranks, cap, report, fresh)
    update.capped += report.oversized
    if len(found) == 0:
        return set()
    pairs, shared = np.unique(found, axis=0, return_counts=True)  # one row per shared band
    if config.verify.counts_bands:
        seqs = unique(pairs)
        words = content_words(conn, seqs.tolist())[np.searchsorted(seqs, pairs)]
        keep = enough_bands(
            shared,
            words[:, 0],
            words[:, 1],
            min_bands=config.verify.min_bands,
            short_words=config.verify.short_doc_words,
            short_bands=config.verify.short_doc_bands,
        )
        pairs = pairs[keep]
    return set(zip(pairs[:, 0].tolist(), pairs[:, 1].tolist(), strict=True))


def _verify(
    conn: sqlite3.Connection,
    config: Config,
    pairs: list[tuple[int, int]],
    update: CopyUpdate,
    banded: set[tuple[int, int]] | frozenset[tuple[int, int]] = frozenset(),
) -> set[int]:
    """Verify pairs (lower seq first, as the batch orders its pairs by input position); those
    of ``banded`` (LSH pairs the short path did not make) only when they pass the batch's
    shingle containment floor (``enough_overlap``), as ``candidate_pairs`` keeps them."""
    if not pairs:
        return set()
    seqs = sorted({s for p in pairs for s in p})
    fp, _ = load_fingerprints(conn, seqs, config.fingerprint_id)
    at = {s: i for i, s in enumerate(seqs)}
    local = np.array([[at[a], at[b]] for a, b in pairs], np.int64)
    floor = config.verify.min_pair_containment
    if banded and floor > 0:
        measured = np.array([p in banded for p in pairs], np.bool_)
        enough = enough_overlap(
            local, fp.sets, fp.set_offsets, min_containment=floor, measured=measured
        )
        update.low_overlap += int(len(enough) - enough.sum())
        local, pairs = local[enough], [p for p, k in zip(pairs, enough.tolist(), strict=True) if k]
        if not pairs:
            return set()
    scores, codes = judge(fp, local, config)
    keep = np.flatnonzero(codes > 0)
    update.verified += len(pairs)
    update.edges += len(keep)
    conn.executemany(
        f"INSERT OR REPLACE INTO edges VALUES ({_marks(3 + len(SCORE_COLUMNS))})",
        [(*pairs[k], int(codes[k]), *scores[k].tolist()) for k in keep],
    )
    return {s for k in keep for s in pairs[k]}


def catch_up_short_pairs(conn: sqlite3.Connection, config: Config) -> None:
    """A file migrated to schema 4 (store/schema.py) holds its heads' shingles but not the copy
    edges the short path makes among them: verify those pairs once and regroup (no-op after)."""
    pairs = stored_short_pairs(conn, config)
    if not pairs:
        return
    known = set(conn.execute("SELECT a, b FROM edges").fetchall())
    update = CopyUpdate()
    linked = _verify(conn, config, [p for p in pairs if p not in known], update)
    _regroup(conn, config, linked, update)


def _component(conn: sqlite3.Connection, start: set[int]) -> tuple[set[int], list[Any]]:
    """Every head connected to ``start`` by copy edges, and those edges."""
    seen, frontier, edges = set(start), list(start), {}
    while frontier:
        found = []
        for chunk in chunks(frontier):
            marks = ",".join("?" * len(chunk))
            found += conn.execute(
                f"SELECT * FROM edges WHERE a IN ({marks}) UNION ALL "
                f"SELECT * FROM edges WHERE b IN ({marks})",
                chunk + chunk,
            ).fetchall()
        frontier = []
        for row in found:
            edges[(row[0], row[1])] = row
            for s in row[:2]:
                if s not in seen:
                    seen.add(s)
                    frontier.append(s)
    return seen, list(edges.values())


def _regroup(conn: sqlite3.Connection, config: Config, seeds: set[int], update: CopyUpdate) -> None:
    """Re-run star_groups and spread_exact on the components of ``seeds`` (heads and members)."""
    heads = _heads_of(conn, seeds)
    lonely = heads - _linked(conn, heads)
    _write_alone(conn, sorted(lonely), update)
    done: set[int] = set()
    for seed in sorted(heads - lonely):
        if seed in done:
            continue
        nodes, edges = _component(conn, {seed})
        done |= nodes
        _group_component(conn, config, sorted(nodes), edges, update)


def _linked(conn: sqlite3.Connection, heads: set[int]) -> set[int]:
    """The heads with an edge or an exact copy (the rest are groups of one)."""
    out: set[int] = set()
    for chunk in chunks(sorted(heads)):
        marks = ",".join("?" * len(chunk))
        out.update(
            r[0]
            for r in conn.execute(
                f"SELECT a FROM edges WHERE a IN ({marks}) UNION "
                f"SELECT b FROM edges WHERE b IN ({marks}) UNION "
                "SELECT h.seq FROM fingerprints h JOIN fingerprints f "
                "ON f.ex0 = h.ex0 AND f.ex1 = h.ex1 AND f.head = 0 "
                f"WHERE h.seq IN ({marks})",
                chunk * 3,
            )
        )
    return out


def _write_alone(conn: sqlite3.Connection, seqs: list[int], update: CopyUpdate) -> None:
    """Groups of one: what star_groups gives a document with no edge and no exact copy."""
    ids = ids_of(conn, seqs)
    conn.executemany(
        "INSERT OR REPLACE INTO groups VALUES (?, ?, ?, 0" + ", NULL" * len(SCORE_COLUMNS) + ")",
        [(s, s, group_id(ids[s])) for s in seqs],
    )
    update.changed.update(seqs)


def _heads_of(conn: sqlite3.Connection, seqs: set[int]) -> set[int]:
    """The exact-class heads of ``seqs`` (still stored ones)."""
    out: set[int] = set()
    for chunk in chunks(sorted(seqs)):
        marks = ",".join("?" * len(chunk))
        out.update(
            r[0]
            for r in conn.execute(
                "SELECT h.seq FROM fingerprints f JOIN fingerprints h "
                "ON h.ex0 = f.ex0 AND h.ex1 = f.ex1 AND h.head = 1 "
                f"WHERE f.seq IN ({marks})",
                chunk,
            )
        )
    return out


def _group_component(
    conn: sqlite3.Connection,
    config: Config,
    nodes: list[int],
    edges: list[Any],
    update: CopyUpdate,
) -> None:
    members = _class_members(conn, nodes)
    everyone = nodes + [m for ms in members.values() for m in ms]
    ranked, _ = load_fingerprints(conn, everyone, config.fingerprint_id)
    at = {s: i for i, s in enumerate(everyone)}
    rank = priority_ranks(
        ranked.ids, ranked.published, ranked.n_words, ranked.traces, config.group.representative
    )
    pairs = np.array([[at[e[0]], at[e[1]]] for e in edges], np.int64).reshape(-1, 2)
    codes = np.array([e[2] for e in edges], np.int8)
    scores = np.array([e[3 : 3 + len(SCORE_COLUMNS)] for e in edges], np.float64)
    scores = scores.reshape(-1, len(SCORE_COLUMNS))
    stars = star_groups(len(everyone), rank, pairs, codes, scores, verifier(ranked, config))
    heads = np.arange(len(everyone), dtype=np.int64)
    for head, ms in members.items():
        heads[[at[m] for m in ms]] = at[head]
    final = spread_exact(stars, heads)
    _write(conn, everyone, ranked.ids, final, update)
    update.recomputed += len(nodes)


def _class_members(conn: sqlite3.Connection, heads: list[int]) -> dict[int, list[int]]:
    """The other members of each head's exact class."""
    out: dict[int, list[int]] = {}
    for head in heads:
        rows = conn.execute(
            "SELECT f.seq FROM fingerprints h JOIN fingerprints f "
            "ON f.ex0 = h.ex0 AND f.ex1 = h.ex1 AND f.head = 0 WHERE h.seq = ?",
            (head,),
        ).fetchall()
        if rows:
            out[head] = [r[0] for r in rows]
    return out


def _write(
    conn: sqlite3.Connection,
    seqs: list[int],
    ids: list[str],
    a: Assignment,
    update: CopyUpdate,
) -> None:
    rows = []
    for d, seq in enumerate(seqs):
        rep = int(a.center[d])
        sc = a.scores[d]
        values = [None] * len(SCORE_COLUMNS) if np.isnan(sc[0]) else sc.tolist()
        rows.append((seq, seqs[rep], group_id(ids[rep]), int(a.kind[d]), *values))
    marks = _marks(4 + len(SCORE_COLUMNS))
    conn.executemany(f"INSERT OR REPLACE INTO groups VALUES ({marks})", rows)
    update.changed.update(seqs)
