"""One ``Index.add``: new, unchanged and new-version articles, their fingerprints, the copy
groups and the stories, all written in one transaction."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import xxhash

from newsdedup.clean.pipeline import clean_articles, per_article
from newsdedup.config import Config
from newsdedup.fingerprint.batch import fingerprint_articles
from newsdedup.group.stories import publication_order
from newsdedup.relate.translate import Encoder
from newsdedup.report import Report
from newsdedup.store.contract import Added
from newsdedup.store.copies import CopyUpdate, catch_up_short_pairs, update_groups
from newsdedup.store.levels import merge_due
from newsdedup.store.rows import fingerprint_rows, select_in
from newsdedup.store.story_state import StoryState, StoryUpdate
from newsdedup.store.texts import pack
from newsdedup.store.translations import TranslationUpdate, note_languages, update_translations
from newsdedup.types import Article, Origin

__all__ = ["Batch", "content_hash", "ingest_run", "prepare", "unique_runs"]

Status = Literal["new", "unchanged", "new_version"]


def content_hash(article: Article) -> bytes:
    """What makes two versions of an id the same article: its text as given."""
    return xxhash.xxh3_128_digest(article.text.encode("utf-8", "surrogatepass"))


def prepare(articles: Iterable[Article], config: Config, report: Report) -> Iterator[Article]:
    """Clean each article on its own (as ``run_copies`` does) and reject empty ones."""
    cleaned: Iterable[Article] = articles
    if config.clean.boilerplate:
        cleaned = clean_articles(articles, config=per_article(config.clean), report=report)
    for article in cleaned:
        if not article.text.strip():
            origin = article.origin or Origin(f"<article {article.id}>")
            report.reject(origin, "empty_text", f"article {article.id!r} has no text left")
            continue
        yield article


def unique_runs(articles: Iterable[Article]) -> Iterator[list[Article]]:
    """Consecutive runs without a repeated id: a repeat starts a new run, so the second copy is
    compared with the first (unchanged or a new version), never merged with it."""
    run: list[Article] = []
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            yield run
            run, seen = [], set()
        run.append(article)
        seen.add(article.id)
    if run:
        yield run


@dataclass(slots=True)
class Batch:
    """The outcome of one run of ``ingest_run``."""

    added: list[Added] = field(default_factory=list)
    copies: CopyUpdate = field(default_factory=CopyUpdate)
    stories: StoryUpdate = field(default_factory=StoryUpdate)
    translations: TranslationUpdate = field(default_factory=TranslationUpdate)
    seconds: dict[str, float] = field(default_factory=dict)


def _tick(seconds: dict[str, float], stage: str, start: float) -> float:
    now = time.perf_counter()
    seconds[stage] = seconds.get(stage, 0.0) + now - start
    return now


def ingest_run(
    conn: sqlite3.Connection,
    config: Config,
    stories: StoryState,
    run: list[Article],
    encode: Encoder | None = None,
) -> Batch:
    """Store one run of articles with distinct ids (the caller holds the transaction);
    ``encode``: the translation stage's encoder (None: the multilingual one)."""
    batch = Batch()
    start = time.perf_counter()
    catch_up_short_pairs(conn, config)  # once, on a file migrated to schema 4
    stories.rebuild_if_pending(conn)  # once, on a file migrated to schema 5
    statuses, fresh, removed = _store_articles(conn, run)
    start = _tick(batch.seconds, "store", start)
    if fresh:
        fp = fingerprint_articles([a for _, a in fresh], config)
        seqs = [s for s, _ in fresh]
        conn.executemany(
            "INSERT INTO fingerprints VALUES (?,?,?,?,?,?,?,?,?,?)", fingerprint_rows(fp, seqs)
        )
        start = _tick(batch.seconds, "fingerprint", start)
        batch.copies = update_groups(conn, config, fp, seqs, removed)
        start = _tick(batch.seconds, "groups", start)
        if config.translate.enabled:
            note_languages(conn, fresh, [r[0] for r in removed])
            batch.translations = update_translations(conn, config, batch.copies.changed, encode)
            batch.copies.changed |= batch.translations.changed
            start = _tick(batch.seconds, "translate", start)
        _place(conn, config, stories, fresh, batch, removed)
        start = _tick(batch.seconds, "stories", start)
        merge_due(conn)
        start = _tick(batch.seconds, "merge", start)
    batch.added = _outcome(conn, run, statuses)
    return batch


def _store_articles(
    conn: sqlite3.Connection, run: list[Article]
) -> tuple[dict[str, tuple[Status, int]], list[tuple[int, Article]], list[tuple[int, int, int]]]:
    """Insert the rows of the run's articles that are not unchanged, in run order, with one
    statement per table; returns each id's (status, version), the (seq, article) stored and
    the superseded versions' (seq, ex0, ex1)."""
    digests = [content_hash(a) for a in run]
    stored = {
        r[0]: r[1:]
        for r in select_in(
            conn,
            "SELECT id, seq, version, hash FROM articles WHERE current = 1 AND id IN ({marks})",
            [a.id for a in run],
        )
    }
    (top,) = conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()
    statuses: dict[str, tuple[Status, int]] = {}
    fresh: list[tuple[int, Article]] = []
    removed: list[tuple[int, int, int]] = []
    rows = []
    for article, digest in zip(run, digests, strict=True):
        row = stored.get(article.id)
        if row is not None and row[2] == digest:
            statuses[article.id] = ("unchanged", row[1])
            continue
        if row is not None:
            removed.append(_supersede(conn, row[0]))
        top += 1
        version = 1 if row is None else row[1] + 1
        statuses[article.id] = ("new" if row is None else "new_version", version)
        fresh.append((top, article))
        rows.append(_article_row(top, article, version, digest))
    conn.executemany(
        "INSERT INTO articles (seq, id, version, current, hash, title, text, url, source, "
        "published, meta) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO fts (rowid, title, text) VALUES (?, ?, ?)",
        [(seq, a.title, a.text) for seq, a in fresh],
    )
    return statuses, fresh, removed


def _supersede(conn: sqlite3.Connection, old_seq: int) -> tuple[int, int, int]:
    """Mark a stored version superseded and take it out of the text index; its (seq, ex0,
    ex1)."""
    ex = conn.execute("SELECT ex0, ex1 FROM fingerprints WHERE seq = ?", (old_seq,)).fetchone()
    conn.execute("UPDATE articles SET current = 0 WHERE seq = ?", (old_seq,))
    conn.execute(
        "INSERT INTO fts (fts, rowid, title, text) "
        "SELECT 'delete', seq, title, newsdedup_text(text) FROM articles WHERE seq = ?",
        (old_seq,),
    )
    return old_seq, ex[0], ex[1]


def _article_row(seq: int, article: Article, version: int, digest: bytes) -> tuple[Any, ...]:
    return (
        seq,
        article.id,
        version,
        digest,
        article.title,
        pack(article.text),
        article.url,
        article.source,
        article.published.isoformat() if article.published else None,
        _meta(article),
    )


def _meta(article: Article) -> str:
    """The record's lang, author and origin as compact JSON; a missing one is left out (read
    with ``.get``: the same None as the null stored before)."""
    origin = article.origin
    fields = {
        "lang": article.lang,
        "author": article.author,
        "origin": None if origin is None else {"path": origin.path, "line": origin.line},
    }
    return json.dumps({k: v for k, v in fields.items() if v is not None}, separators=(",", ":"))


def _place(
    conn: sqlite3.Connection,
    config: Config,
    stories: StoryState,
    fresh: list[tuple[int, Article]],
    batch: Batch,
    removed: list[tuple[int, int, int]],
) -> None:
    """Date the run's articles as ``find_stories`` dates them (``publication_order``), then
    bring the stories up to date (store/story_state.py)."""
    articles = [a for _, a in fresh]
    order, when = publication_order(articles, config.stories)
    conn.executemany(
        "UPDATE articles SET story_when = ? WHERE seq = ?",
        [(w.isoformat() if w else None, fresh[i][0]) for i, w in zip(order, when, strict=True)],
    )
    batch.stories = stories.update(
        conn, [s for s, _ in fresh], batch.copies.changed, [r[0] for r in removed]
    )


def _outcome(
    conn: sqlite3.Connection, run: list[Article], statuses: dict[str, tuple[Status, int]]
) -> list[Added]:
    out = []
    for article in run:
        status, version = statuses[article.id]
        gid, story = conn.execute(
            "SELECT g.gid, s.story FROM articles a JOIN groups g ON g.seq = a.seq "
            "LEFT JOIN story_of s ON s.seq = a.seq WHERE a.id = ? AND a.current = 1",
            (article.id,),
        ).fetchone()
        out.append(Added(id=article.id, status=status, group=gid, story=story, version=version))
    return out
