"""The postings tables in two levels (store/levels.py): whenever the recent level is merged,
the index holds the same rows and gives the same groups and stories; a schema-7 file migrates."""

from __future__ import annotations

import random
import sqlite3
from functools import cache
from pathlib import Path

import pytest
from tests.store.arrivals import with_updates

from newsdedup import Article, Config
from newsdedup.store import levels
from newsdedup.store.index import Index
from newsdedup.store.rows import LEVELED
from newsdedup.store.rows import levels as level_tables

CONFIG = Config()


@cache
def arrival() -> tuple[Article, ...]:
    """Generated articles with copies, then new versions of some (their rows leave a level)."""
    return with_updates(360, 11, 90, 9, " An update to this report followed.")


def build(path: Path, merge_when: random.Random | None, batch: int = 40) -> Index:
    """An index of ``arrival`` in adds of ``batch``; after each add, each table merged when
    ``merge_when`` draws under 1/2 (None: only by ``merge_due``'s rule)."""
    index = Index(path, CONFIG)
    items = arrival()
    for lo in range(0, len(items), batch):
        index.add(items[lo : lo + batch])
        if merge_when is not None:
            for table in LEVELED:
                if merge_when.random() < 0.5:
                    levels.merge(index._writer, table)
    return index


def rows(index: Index, table: str) -> list[tuple[int, int]]:
    conn = index._conn()
    found = []
    for level in level_tables(table):
        found += conn.execute(f"SELECT key, seq FROM {level}").fetchall()
    return sorted(found)


def outcome(index: Index) -> tuple[object, ...]:
    """Every id's group and story, every story record, the postings rows."""
    ids = sorted({a.id for a in arrival()})
    found = [index.article(i) for i in ids]
    placed = [(a.id, a.group, a.story, a.version) for a in found if a is not None]
    page = index.stories(order="size", limit=10_000)
    stats = {k: v for k, v in index.stats().items() if k != "file_bytes"}
    return placed, page.stories, stats, [rows(index, t) for t in LEVELED]


@pytest.mark.parametrize("seed", [1, 2])
def test_any_merge_schedule_gives_the_same_index(tmp_path: Path, seed: int) -> None:
    """Merged after random adds, or never (the recent level below ``RECENT_MIN``), the index
    holds the same postings rows, once each, and the same groups and stories."""
    with build(tmp_path / "never.db", None) as never:
        expected = outcome(never)
        assert never._conn().execute("SELECT count(*) FROM bands").fetchone()[0] == 0
    with build(tmp_path / "random.db", random.Random(seed)) as merged:
        got = outcome(merged)
        assert merged._conn().execute("SELECT count(*) FROM bands").fetchone()[0] > 0
    assert got == expected
    for table_rows in got[3]:
        assert len(table_rows) == len(set(table_rows))


def test_merge_due_merges_at_its_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a small ``RECENT_MIN`` the adds merge by themselves; the counter follows the rows."""
    monkeypatch.setattr(levels, "RECENT_MIN", 2_000)
    with build(tmp_path / "due.db", None) as index:
        conn = index._conn()
        for table in LEVELED:
            large = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            small = conn.execute(f"SELECT count(*) FROM {table}_recent").fetchone()[0]
            (merged,) = conn.execute(
                "SELECT value FROM counters WHERE key = ?", (f"merged_rows:{table}",)
            ).fetchone()
            assert merged >= large > 0  # rows merged, some deleted since (new versions)
            # the last add's ``merge_due`` left the recent level under its share
            assert small < max(2_000, merged // levels.RECENT_SHARE)


def test_a_schema_7_file_migrates(tmp_path: Path) -> None:
    """A file from before the levels (every row in the large tables, no recent tables) opens
    at schema 8 with its large tables counted, and its next adds equal an index built whole."""
    items = arrival()
    path = tmp_path / "old.db"
    with Index(path, CONFIG) as index:
        index.add(items[:200])
        for table in LEVELED:
            levels.merge(index._writer, table)
    conn = sqlite3.connect(path, isolation_level=None)  # back to what schema 7 made
    conn.execute("DROP TABLE bands_recent")
    conn.execute("DROP TABLE shingles_recent")
    conn.execute("DELETE FROM counters WHERE key LIKE 'merged_rows:%'")
    conn.execute("PRAGMA user_version=7")
    large = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in LEVELED}
    conn.close()
    with Index(path, CONFIG) as index:
        assert index.migrated_from == 7
        for table in LEVELED:
            (counted,) = (
                index._conn()
                .execute("SELECT value FROM counters WHERE key = ?", (f"merged_rows:{table}",))
                .fetchone()
            )
            assert counted == large[table] > 0
        for lo in range(200, len(items), 40):
            index.add(items[lo : lo + 40])
        got = outcome(index)
    with Index(tmp_path / "whole.db", CONFIG) as whole:
        whole.add(items[:200])
        for lo in range(200, len(items), 40):
            whole.add(items[lo : lo + 40])
        assert outcome(whole) == got


def test_an_add_past_the_share_goes_to_the_large_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows that would bring the recent level to its share are written to the large table
    (the recent level's rows first): an add past it leaves no recent rows and no free pages,
    and the index is the one whose adds kept every row in the recent level."""
    items = arrival()
    first = items[:300]  # no new versions: one run
    with Index(tmp_path / "never.db", CONFIG) as never:
        never.add(first)
        never.add(items[300:])
        expected = outcome(never)
    monkeypatch.setattr(levels, "RECENT_MIN", 2_000)
    with Index(tmp_path / "direct.db", CONFIG) as direct:
        direct.add(first)
        conn = direct._conn()
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        for table in LEVELED:
            assert conn.execute(f"SELECT count(*) FROM {table}_recent").fetchone()[0] == 0
            (merged,) = conn.execute(
                "SELECT value FROM counters WHERE key = ?", (f"merged_rows:{table}",)
            ).fetchone()
            assert merged == conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
        direct.add(items[300:])
        assert outcome(direct) == expected
