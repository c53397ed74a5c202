"""The postings tables ``bands`` and ``shingles`` in two levels: an add writes its rows into a
small ``<table>_recent`` (same layout), which is merged into the large table once it holds a
``RECENT_SHARE``-th of it (at least ``RECENT_MIN`` rows). Readers read both (``rows.levels``);
a (key, seq) row is in exactly one of them, so every count and every holder is as before.

Why: an add's band keys and sampled shingles are random keys, so writing its ~250 rows an
article straight into the large B-trees dirtied nearly every page of them: one add of 1,000
into 20,000 articles left a 113 MB WAL, and 120,000 rows into a 48M-row table (400,000
articles) took 1.6 CPU s and a 406 MB WAL per table and add (measured with sqlite3 alone). The
small table takes the same rows on far fewer pages; the merge reads it in key order and writes
the large table once per many adds. Building 60,000 articles wrote 170 KB an article, not 339.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from newsdedup.store.rows import LEVELED, chunks, concat_rows, recent

__all__ = ["RECENT_MIN", "RECENT_SHARE", "delete", "insert", "merge_due", "select_keys"]

#: The recent table is merged once it holds this many rows and ``1 / RECENT_SHARE`` of the
#: large one: a merge rewrites the large table, so it comes after a share of its size.
RECENT_MIN = 1 << 20
RECENT_SHARE = 32
_MERGED = "merged_rows:{}"  # ``counters`` key: rows merged into the large table so far


def insert(
    conn: sqlite3.Connection, table: str, keys: NDArray[np.int64], seqs: NDArray[np.int64]
) -> None:
    """New rows (``keys[i]``, ``seqs[i]``) of ``table``, in key order (``shingles``: a repeated
    row once, as before). Rows that would bring the recent level to its share go straight into
    the large table, after the recent level's own: ``merge_due`` would move them there at the
    end of the add, after writing them twice and leaving the recent level's pages free (a first
    add of 10,000 articles left 20 MB of free pages, 2 KB an article, in the file)."""
    verb = "INSERT OR IGNORE" if table == "shingles" else "INSERT"
    rows = zip(keys.tolist(), seqs.tolist(), strict=True)
    (held,) = conn.execute(f"SELECT count(*) FROM {recent(table)}").fetchone()
    if held + len(keys) < _share(conn, table):
        conn.executemany(f"{verb} INTO {recent(table)} VALUES (?, ?)", rows)
        return
    merge(conn, table)
    moved = conn.executemany(f"{verb} INTO {table} VALUES (?, ?)", rows).rowcount
    _count_merged(conn, table, moved)


def delete(conn: sqlite3.Connection, table: str, rows: Iterable[tuple[int, int]]) -> None:
    """Remove (key, seq) rows of ``table``, from whichever level holds them."""
    rows = list(rows)
    for level in (table, recent(table)):
        conn.executemany(f"DELETE FROM {level} WHERE key = ? AND seq = ?", rows)


def select_keys(conn: sqlite3.Connection, table: str, keys: Iterable[int]) -> NDArray[np.int64]:
    """(key, seq) of every row of ``table`` whose key is one of ``keys``, both levels, as an
    (n, 2) int64 array (``rows.concat_rows``: no Python tuple a row)."""
    found = [np.empty((0, 2), np.int64)]
    for chunk in chunks(keys):
        marks = ",".join("?" * len(chunk))
        found.append(
            concat_rows(
                conn,
                f"SELECT key AS x0, seq AS x1 FROM {table} WHERE key IN ({marks}) UNION ALL "
                f"SELECT key, seq FROM {recent(table)} WHERE key IN ({marks})",
                chunk + chunk,
            )
        )
    return np.concatenate(found)


def merge_due(conn: sqlite3.Connection) -> int:
    """Merge each recent table that reached its share into its large table (the caller holds
    the transaction); returns the rows merged."""
    merged = 0
    for table in LEVELED:
        (held,) = conn.execute(f"SELECT count(*) FROM {recent(table)}").fetchone()
        if held < _share(conn, table):
            continue
        merge(conn, table)
        merged += held
    return merged


def merge(conn: sqlite3.Connection, table: str) -> None:
    """Move every row of ``table``'s recent level into the large one, in key order."""
    verb = "INSERT OR IGNORE" if table == "shingles" else "INSERT"
    moved = conn.execute(
        f"{verb} INTO {table} SELECT key, seq FROM {recent(table)} ORDER BY key, seq"
    ).rowcount
    conn.execute(f"DELETE FROM {recent(table)}")
    _count_merged(conn, table, moved)


def _count_merged(conn: sqlite3.Connection, table: str, moved: int) -> None:
    conn.execute(
        "INSERT INTO counters VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
        (_MERGED.format(table), moved),
    )


def _share(conn: sqlite3.Connection, table: str) -> int:
    """The rows the recent level of ``table`` is merged at."""
    return max(RECENT_MIN, _merged(conn, table) // RECENT_SHARE)


def _merged(conn: sqlite3.Connection, table: str) -> int:
    row = conn.execute("SELECT value FROM counters WHERE key = ?", (_MERGED.format(table),))
    found = row.fetchone()
    return int(found[0]) if found else 0


def count_large(conn: sqlite3.Connection) -> None:
    """Migration to schema 8: the large tables' rows so far, for ``merge_due``'s share."""
    for table in LEVELED:
        (held,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        conn.execute("INSERT OR REPLACE INTO counters VALUES (?, ?)", (_MERGED.format(table), held))
