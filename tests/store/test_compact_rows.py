"""Compact rows (schema 10): texts and voice labels stored compressed and read back the same,
positions stored as uint16 where they fit; a schema-9 file (plain texts and JSON labels, int32
positions, the full-text index over ``articles``) migrates and answers as a file built at
schema 10."""

from __future__ import annotations

import dataclasses
import sqlite3
from functools import cache
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from tests.store.arrivals import with_updates

from newsdedup import Article, Config
from newsdedup.fingerprint.batch import fingerprint_texts
from newsdedup.group.stories.graph import SIMILARITY_STEPS
from newsdedup.store.index import Index
from newsdedup.store.rows import fingerprint_rows, load_fingerprints, pack_positions
from newsdedup.store.texts import FRAME, pack, pack_blob, unpack, unpack_blob

CONFIG = Config()


@cache
def arrival() -> tuple[Article, ...]:
    """Generated articles with copies, then new versions of some (they leave the text index)."""
    return with_updates(240, 7, 120, 7, " Ünïcode 🙂 and an update followed.")


@given(st.text())
def test_a_text_comes_back_as_it_was(text: str) -> None:
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        return  # SQLite refuses lone surrogates, packed or not
    assert unpack(pack(text)) == text
    assert unpack(text) == text  # stored before schema 10
    assert unpack(None) is None


@given(st.binary())
def test_a_blob_comes_back_as_it_was(data: bytes) -> None:
    assert unpack_blob(pack_blob(data)) == data
    if not data.startswith(FRAME):
        assert unpack_blob(data) == data  # JSON stored before schema 10


@given(st.lists(st.integers(0, 1 << 20), max_size=60))
def test_positions_come_back_as_they_were(values: list[int]) -> None:
    positions = np.array(values, np.int32)
    blob = pack_positions(positions)
    fits = not values or max(values) <= 0xFFFF
    assert len(blob) == (2 if fits else 4) * len(values)


def test_fingerprint_rows_load_the_same_arrays(tmp_path: Path) -> None:
    """A short text (uint16 positions), a long one (int32: shingles past word 16,384) and a row
    written before schema 10 (int32 though it fits) load as the fingerprints they were made of."""
    words = [f"w{i % 9000}x{i // 9000}" for i in range(17_000)]
    texts = ["a short text of some words to shingle here", " ".join(words)]
    fp = fingerprint_texts(["s", "l"], texts, [0, 0], CONFIG)
    assert fp.shingle_positions(1).max() > 0xFFFF
    conn = sqlite3.connect(tmp_path / "x.db")
    conn.execute("CREATE TABLE articles (seq INTEGER PRIMARY KEY, id TEXT)")
    conn.execute(
        "CREATE TABLE fingerprints (seq INTEGER PRIMARY KEY, ex0, ex1, head, sets, positions, "
        "n_words, n_content, published, traces)"
    )
    conn.executemany("INSERT INTO articles VALUES (?, ?)", [(1, "s"), (2, "l"), (3, "old")])
    rows = fingerprint_rows(fp, [1, 2])
    old = (3, *rows[0][1:5], fp.shingle_positions(0).tobytes(), *rows[0][6:])
    conn.executemany("INSERT INTO fingerprints VALUES (?,?,?,?,?,?,?,?,?,?)", [*rows, old])
    assert len(rows[0][5]) == 2 * len(fp.shingle_set(0)) < len(old[5])
    loaded, ids = load_fingerprints(conn, [1, 2, 3], CONFIG.fingerprint_id)
    assert ids == ["s", "l", "old"]
    assert loaded.positions.dtype == np.int32
    for d, source in enumerate([0, 1, 0]):
        assert np.array_equal(loaded.shingle_set(d), fp.shingle_set(source))
        assert np.array_equal(loaded.shingle_positions(d), fp.shingle_positions(source))


def outcome(index: Index) -> tuple[object, ...]:
    """Every id's stored article (text included), the stories, searches, a query."""
    ids = sorted({a.id for a in arrival()})
    found = [index.article(i) for i in ids]
    page = index.stories(order="size", limit=10_000)
    words = [w for a in arrival()[:30] for w in a.text.split()[:3] if w.isalpha()]
    searches = [index.search(w, limit=50) for w in [*words, "update followed", "🙂"]]
    queried = index.query(dataclasses.replace(arrival()[3], id="q"))
    return found, page.stories, searches, queried.copies, queried.story


def _as_version_9(path: Path) -> None:
    """Turn a file back into schema 9: texts as SQL texts, the full-text index over
    ``articles``, no view."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    texts = conn.execute("SELECT seq, text FROM articles").fetchall()
    conn.executemany(
        "UPDATE articles SET text = ? WHERE seq = ?", [(unpack(t), s) for s, t in texts]
    )
    rows = conn.execute("SELECT seq, positions FROM fingerprints").fetchall()
    conn.executemany(
        "UPDATE fingerprints SET positions = ? WHERE seq = ?",
        [(np.frombuffer(p, np.uint16).astype(np.int32).tobytes(), s) for s, p in rows],
    )
    labels = conn.execute("SELECT seq, labels FROM voice_labels").fetchall()
    conn.executemany(
        "UPDATE voice_labels SET labels = ? WHERE seq = ?", [(unpack_blob(b), s) for s, b in labels]
    )
    conn.execute("DROP TABLE fts")
    conn.execute("DROP VIEW article_texts")
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5 (title, text, content='articles', content_rowid='seq')"
    )
    conn.execute(
        "INSERT INTO fts (rowid, title, text) SELECT seq, title, text FROM articles "
        "WHERE current = 1"
    )
    conn.execute("PRAGMA user_version=9")
    conn.execute("COMMIT")
    conn.close()


def test_a_schema_9_file_migrates(tmp_path: Path) -> None:
    items = arrival()
    with Index(tmp_path / "whole.db", CONFIG) as whole:
        whole.add(items[:200])
        whole.add(items[200:])
        expected = outcome(whole)
        assert all(expected[2][:-1]) and expected[3]  # the searches find, the query has copies
        stored = whole._conn().execute("SELECT typeof(text) FROM articles").fetchall()
        assert {t for (t,) in stored} == {"blob"}
    path = tmp_path / "old.db"
    with Index(path, CONFIG) as index:
        index.add(items[:200])
    _as_version_9(path)
    with Index(path, CONFIG) as index:
        assert index.migrated_from == 9
        index.add(items[200:])
        assert outcome(index) == expected
        conn = index._conn()
        kinds = {t for (t,) in conn.execute("SELECT typeof(text) FROM articles")}
        assert kinds == {"text", "blob"}  # old rows as they were, new ones packed
        labels = {b[:4] == FRAME for (b,) in conn.execute("SELECT labels FROM voice_labels")}
        assert labels == {True}  # schema 11 rebuilds the story graph, labels too, at this add
        index._writer.execute("INSERT INTO fts (fts) VALUES ('integrity-check')")  # no error


def _as_version_10(path: Path) -> None:
    """Turn a file back into schema 10: story weights as float64 blobs, edge similarities as
    REAL fractions."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    rows = conn.execute("SELECT seq, text_d, names_d, lead_d FROM story_voices").fetchall()
    conn.executemany(
        "UPDATE story_voices SET text_d = ?, names_d = ?, lead_d = ? WHERE seq = ?",
        [
            (*(np.frombuffer(b, np.float32).astype(np.float64).tobytes() for b in r[1:]), r[0])
            for r in rows
        ],
    )
    conn.execute(f"UPDATE story_edges SET similarity = similarity / {SIMILARITY_STEPS}.0")
    conn.execute("PRAGMA user_version=10")
    conn.execute("COMMIT")
    conn.close()


def test_a_schema_10_file_migrates(tmp_path: Path) -> None:
    """Float64 story weights and REAL similarities become float32 blobs and whole steps, the
    stories answer as before at once, and after the next add as a file built at schema 11."""
    items = arrival()
    with Index(tmp_path / "whole.db", CONFIG) as whole:
        whole.add(items[:200])
        before = outcome(whole)
        whole.add(items[200:])
        expected = outcome(whole)
    path = tmp_path / "old.db"
    with Index(path, CONFIG) as index:
        index.add(items[:200])
        conn = index._conn()
        voices = conn.execute("SELECT * FROM story_voices ORDER BY seq").fetchall()
        edges = conn.execute("SELECT * FROM story_edges ORDER BY a, b").fetchall()
        assert edges and all(isinstance(s, float) and s > 1 for _, _, s in edges)
    _as_version_10(path)
    with sqlite3.connect(path) as raw:
        assert all(s < 1 for (s,) in raw.execute("SELECT similarity FROM story_edges"))
    with Index(path, CONFIG) as index:
        assert index.migrated_from == 10
        conn = index._conn()
        assert conn.execute("SELECT * FROM story_voices ORDER BY seq").fetchall() == voices
        assert conn.execute("SELECT * FROM story_edges ORDER BY a, b").fetchall() == edges
        assert outcome(index) == before
        index.add(items[200:])
        assert outcome(index) == expected
        assert conn.execute("SELECT 1 FROM meta WHERE key = 'stories_pending'").fetchone() is None
