"""Fingerprints to and from SQLite rows: blobs for the shingle arrays, signed 64-bit integers
for the unsigned hashes (SQLite integers are signed)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsdedup.fingerprint.batch import Fingerprints

__all__ = [
    "LEVELED",
    "append",
    "chunks",
    "concat_rows",
    "fingerprint_rows",
    "levels",
    "load_fingerprints",
    "pack_positions",
    "postings",
    "postings_array",
    "recent",
    "select_in",
    "signed",
    "unpack_positions",
    "unsigned",
]

_CHUNK = 500  # host parameters per IN (...) list
#: Postings tables kept in two levels, the large one and ``<table>_recent`` (store/levels.py).
LEVELED = ("bands", "shingles")


def recent(table: str) -> str:
    """The recent level of a ``LEVELED`` table."""
    return f"{table}_recent"


def levels(table: str) -> tuple[str, ...]:
    """The tables that hold ``table``'s rows: both levels of a ``LEVELED`` one, else itself."""
    return (table, recent(table)) if table in LEVELED else (table,)


def chunks(values: Iterable[Any]) -> list[list[Any]]:
    """``values`` in lists short enough for one SQL ``IN (...)``."""
    items = list(values)
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def select_in(conn: sqlite3.Connection, sql: str, values: Iterable[Any], *extra: Any) -> list[Any]:
    """``sql`` with one ``({marks})`` IN-list over ``values`` (then ``extra`` parameters), run
    chunk by chunk; the rows of every chunk."""
    out: list[Any] = []
    for chunk in chunks(values):
        out += conn.execute(sql.format(marks=",".join("?" * len(chunk))), [*chunk, *extra])
    return out


def postings(
    conn: sqlite3.Connection, table: str, holder: str, keys: Iterable[int], low: int, high: int
) -> list[Any]:
    """(key, ``holder``) of every row of ``table`` (primary key (key, ``holder``), both levels
    of a ``LEVELED`` one) whose key is one of ``keys`` held by ``low`` to ``high`` rows, in one
    statement. A key's rows are counted no further than ``high`` + 1: a common key (a stock
    phrase, a name in every report) costs no more than a rare one, where ``count(*) ... GROUP
    BY key`` read all of its rows."""
    head, rows, params = _postings_sql(table, holder, keys, low, high)
    return conn.execute(f"{head} {rows}", params).fetchall()


def postings_array(
    conn: sqlite3.Connection, table: str, holder: str, keys: Iterable[int], low: int, high: int
) -> NDArray[np.int64]:
    """``postings`` as an (n, 2) int64 array of (key, ``holder``) rows (``concat_rows``)."""
    head, rows, params = _postings_sql(table, holder, keys, low, high)
    return concat_rows(conn, rows, params, head)


def _postings_sql(
    table: str, holder: str, keys: Iterable[int], low: int, high: int
) -> tuple[str, str, tuple[Any, ...]]:
    """``postings``' WITH clause, its rows' SELECT (columns ``x0``, ``x1``), its parameters."""
    parts = levels(table)
    count = " UNION ALL ".join(f"SELECT 1 FROM {t} c WHERE c.key = k.key" for t in parts)
    rows = " UNION ALL ".join(
        f"SELECT n.key AS x0, t.{holder} AS x1 FROM n JOIN {t} t ON t.key = n.key" for t in parts
    )
    head = (
        "WITH k(key) AS (SELECT DISTINCT value FROM json_each(?)), "
        f"n(key) AS MATERIALIZED (SELECT key FROM k WHERE (SELECT count(*) FROM ({count} "
        "LIMIT ?)) BETWEEN ? AND ?)"
    )
    return head, rows, (json.dumps(list(keys)), high + 1, low, high)


def concat_rows(
    conn: sqlite3.Connection, rows: str, params: Sequence[Any], head: str = ""
) -> NDArray[np.int64]:
    """The rows of the SELECT ``rows`` (two integer columns named ``x0``, ``x1``; ``head``: a
    WITH clause before it) as an (n, 2) int64 array. SQLite hands each column back as one text
    (``group_concat``; both aggregates read the same rows in the same order): a fetched row
    costs a Python tuple and two ints, which cost more than SQLite's search."""
    sql = f"{head} SELECT group_concat(x0), group_concat(x1) FROM ({rows})"
    first, second = conn.execute(sql, params).fetchone()
    if not first:
        return np.empty((0, 2), np.int64)
    out = np.empty((first.count(",") + 1, 2), np.int64)
    out[:, 0] = np.fromstring(first, np.int64, sep=",")
    out[:, 1] = np.fromstring(second, np.int64, sep=",")
    return out


def signed(values: NDArray[np.uint64]) -> list[int]:
    """uint64 values as the int64 SQLite stores (same bits)."""
    return np.ascontiguousarray(values, np.uint64).view(np.int64).tolist()  # type: ignore[no-any-return]


def unsigned(value: int) -> int:
    return value & 0xFFFFFFFFFFFFFFFF


def fingerprint_rows(fp: Fingerprints, seqs: Sequence[int]) -> list[tuple[Any, ...]]:
    """One ``fingerprints`` row per document (head is decided later, 0 here)."""
    exact = fp.exact.view(np.int64)
    rows = []
    for d, seq in enumerate(seqs):
        rows.append(
            (
                seq,
                int(exact[d, 0]),
                int(exact[d, 1]),
                0,
                fp.shingle_set(d).tobytes(),
                pack_positions(fp.shingle_positions(d)),
                int(fp.n_words[d]),
                int(fp.n_content[d]),
                int(fp.published[d]),
                int(fp.traces[d]),
            )
        )
    return rows


def pack_positions(positions: NDArray[np.int32]) -> bytes:
    """A ``positions`` blob: uint16 when every packed position fits (a text whose shingles all
    begin before word 16,384), else int32; half the bytes of nearly every article."""
    if positions.size and (positions.min() < 0 or positions.max() > 0xFFFF):
        return positions.tobytes()
    return positions.astype(np.uint16).tobytes()


def unpack_positions(blob: bytes, n: int) -> NDArray[np.int32]:
    """The packed positions of a set of ``n`` shingles from its blob (uint16 or int32, told
    apart by the blob's length; a row stored before schema 10 is int32)."""
    if len(blob) == 2 * n:
        return np.frombuffer(blob, np.uint16).astype(np.int32)
    return np.frombuffer(blob, np.int32)


def load_fingerprints(
    conn: sqlite3.Connection, seqs: Sequence[int], scheme: str
) -> tuple[Fingerprints, list[str]]:
    """Fingerprints of stored articles, in the order of ``seqs`` (no band keys), and their ids."""
    sql = (
        "SELECT f.seq, a.id, ex0, ex1, sets, positions, n_words, n_content, f.published, "
        "f.traces FROM fingerprints f JOIN articles a ON a.seq = f.seq WHERE f.seq IN ({marks})"
    )
    found = {row[0]: row for row in select_in(conn, sql, seqs)}
    rows = [found[s] for s in seqs]
    ids = [r[1] for r in rows]
    sets = [np.frombuffer(r[4], np.uint32) for r in rows]
    offsets = np.zeros(len(rows) + 1, np.int64)
    np.cumsum([len(s) for s in sets], out=offsets[1:])
    exact = np.array([[r[2], r[3]] for r in rows], np.int64).reshape(-1, 2).view(np.uint64)
    fp = Fingerprints(
        scheme=scheme,
        ids=ids,
        exact=exact,
        keys=np.empty((len(rows), 0), np.uint64),
        sets=np.concatenate(sets) if sets else np.empty(0, np.uint32),
        positions=(
            np.concatenate(
                [unpack_positions(r[5], len(s)) for r, s in zip(rows, sets, strict=True)]
            )
            if rows
            else np.empty(0, np.int32)
        ),
        set_offsets=offsets,
        n_words=np.array([r[6] for r in rows], np.int64),
        n_content=np.array([r[7] for r in rows], np.int64),
        published=np.array([r[8] for r in rows], np.int64),
        traces=np.array([r[9] for r in rows], np.int32),
    )
    return fp, ids


def append(fp: Fingerprints, extra: Fingerprints) -> Fingerprints:
    """``fp`` then ``extra``, without band keys: a small join for one query (``batch.concat``
    returns freed memory to the system after each join, which costs more than the query)."""
    base = fp.set_offsets[-1]
    return Fingerprints(
        scheme=fp.scheme,
        ids=[*fp.ids, *extra.ids],
        exact=np.concatenate((fp.exact, extra.exact)),
        keys=np.empty((len(fp) + len(extra), 0), np.uint64),
        sets=np.concatenate((fp.sets, extra.sets)),
        positions=np.concatenate((fp.positions, extra.positions)),
        set_offsets=np.concatenate((fp.set_offsets, extra.set_offsets[1:] + base)),
        n_words=np.concatenate((fp.n_words, extra.n_words)),
        n_content=np.concatenate((fp.n_content, extra.n_content)),
        published=np.concatenate((fp.published, extra.published)),
        traces=np.concatenate((fp.traces, extra.traces)),
    )


def ids_of(conn: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, str]:
    """seq -> article id of the stored ``seqs``."""
    return dict(select_in(conn, "SELECT seq, id FROM articles WHERE seq IN ({marks})", seqs))


def content_words(conn: sqlite3.Connection, seqs: Sequence[int]) -> NDArray[np.int64]:
    """The content-word counts of the stored ``seqs``, in their order."""
    rows = dict(
        select_in(conn, "SELECT seq, n_content FROM fingerprints WHERE seq IN ({marks})", seqs)
    )
    return np.fromiter((rows[s] for s in seqs), np.int64, len(seqs))
