"""Reads that do more than fetch a row: an unstored article's copies, story filters, diffs."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime
from typing import Any

import numba
import numpy as np

from newsdedup.config import Config
from newsdedup.errors import InputError
from newsdedup.fingerprint.batch import fingerprint_articles
from newsdedup.relate.kind import KIND_CODES, classify
from newsdedup.relate.verify import EXACT_SCORES, SCORE_COLUMNS, SWAP, score_pairs
from newsdedup.report import Report
from newsdedup.store.contract import CopyLink, StoredArticle
from newsdedup.store.rows import append, load_fingerprints, signed
from newsdedup.types import Article, Origin, Scores

__all__ = ["diff_articles", "query_article", "scores_of", "story_filter"]



def scores_of(values: Any) -> Scores | None:
    if values[0] is None:
        return None
    return Scores(**{name: float(v) for name, v in zip(SCORE_COLUMNS, values, strict=True)})


def _cleaned(article: Article, config: Config) -> Article:
    from newsdedup.store.ingest import prepare

    report = Report()
    found = next(prepare([article], config, report), None)
    if found is None:
        origin = article.origin or Origin(f"<article {article.id}>")
        raise InputError(f"Cannot query {article.id!r}: its text is empty.", origin=origin)
    return found


def query_article(
    conn: sqlite3.Connection, config: Config, article: Article
) -> tuple[tuple[CopyLink, ...], int | None]:
    """The stored copies of ``article``, best first, and the seq of the best one. Exact copies
    come from the exact-hash index, the others from the band table and the batch's verifier;
    ``scores`` have ``a`` = the queried article, ``b`` = the stored copy. The kernels run on
    this thread alone: for one document, waking a pool of threads costs more than it saves."""
    threads = numba.get_num_threads()
    numba.set_num_threads(1)  # per calling thread in numba; put back below
    try:
        return _query(conn, config, article)
    finally:
        numba.set_num_threads(threads)


def _query(
    conn: sqlite3.Connection, config: Config, article: Article
) -> tuple[tuple[CopyLink, ...], int | None]:
    fp = fingerprint_articles([_cleaned(article, config)], config)
    ex = fp.exact.view(np.int64)[0]
    exact = [
        r[0]
        for r in conn.execute(
            "SELECT seq FROM fingerprints WHERE ex0 = ? AND ex1 = ?", (int(ex[0]), int(ex[1]))
        )
    ]
    candidates = sorted(
        _band_partners(conn, signed(fp.keys[0]), config.lsh.max_bucket) - set(exact)
    )
    hits: list[tuple[int, int, list[float]]] = [(s, 1, EXACT_SCORES.tolist()) for s in exact]
    if candidates and len(fp.set_offsets) > 1 and fp.set_offsets[1] > 0:
        hits += _verified(conn, config, fp, candidates)
    hits.sort(key=lambda h: (h[1], -h[2][0], h[0]))
    links = tuple(_link(conn, seq, code, sc) for seq, code, sc in hits)
    return links, (hits[0][0] if hits else None)


def _band_partners(conn: sqlite3.Connection, keys: list[int], cap: int) -> set[int]:
    """Stored heads sharing a band key, leaving out buckets already over ``cap`` (boilerplate:
    the batch would pair a newcomer there only if its id hash ranked among the first ``cap``)."""
    found: set[int] = set()
    for key in keys:
        rows = conn.execute("SELECT seq FROM bands WHERE key = ? LIMIT ?", (key, cap + 1))
        seqs = [r[0] for r in rows]
        if len(seqs) <= cap:
            found.update(seqs)
    return found


def _verified(
    conn: sqlite3.Connection, config: Config, fp: Any, candidates: list[int]
) -> list[tuple[int, int, list[float]]]:
    stored, _ = load_fingerprints(conn, candidates, config.fingerprint_id)
    n = len(candidates)
    joined = append(stored, fp)
    pairs = np.column_stack((np.arange(n), np.full(n, n))).astype(np.int64)
    scores = score_pairs(
        joined,
        pairs,
        size=config.shingle.size,
        min_containment=config.verify.min_candidate_containment,
    )
    codes = classify(scores, joined.n_content[:n], joined.n_content[[n] * n], config.verify)
    return [
        (candidates[i], int(codes[i]), scores[i][SWAP].tolist()) for i in np.flatnonzero(codes > 0)
    ]


def _link(conn: sqlite3.Connection, seq: int, code: int, sc: list[float]) -> CopyLink:
    row = conn.execute(
        "SELECT id, title, source, published FROM articles WHERE seq = ?", (seq,)
    ).fetchone()
    kind = KIND_CODES[code]
    return CopyLink(
        id=row[0],
        kind="original" if kind is None else kind.value,
        scores=scores_of(sc),
        title=row[1],
        source=row[2],
        published=datetime.fromisoformat(row[3]) if row[3] else None,
    )


def story_filter(
    *,
    since: datetime | None,
    until: datetime | None,
    source: str | None,
    text: str | None,
) -> tuple[str, list[Any]]:
    """The WHERE clause of ``Index.stories`` (dates compare as ISO strings, in UTC)."""
    clauses: list[str] = []
    params: list[Any] = []
    if since is not None:
        clauses.append("s.last_seen >= ?")
        params.append(since.isoformat())
    if until is not None:
        clauses.append("s.first_seen <= ?")
        params.append(until.isoformat())
    if source is not None:
        clauses.append("EXISTS (SELECT 1 FROM json_each(s.sources) WHERE value = ?)")
        params.append(source)
    if text:
        like = f"%{text}%"
        clauses.append(
            "(s.label LIKE ? OR s.headline LIKE ? OR EXISTS (SELECT 1 FROM story_of o "
            "JOIN articles a ON a.seq = o.seq WHERE o.story = s.id AND a.title LIKE ?))"
        )
        params += [like, like, like]
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def diff_articles(
    reader: sqlite3.Connection,
    lock: threading.RLock,
    writer: sqlite3.Connection,
    config: Config,
    a: StoredArticle,
    b: StoredArticle,
) -> dict[str, Any]:
    """The alignment of two stored texts, cached in ``alignments`` per (id@version) pair."""
    from newsdedup.relate.compare import compare
    from newsdedup.relate.explain import alignment_dict
    from newsdedup.relate.passages import align

    key = (f"{a.id}@{a.version}", f"{b.id}@{b.version}")
    row = reader.execute("SELECT value FROM alignments WHERE a = ? AND b = ?", key).fetchone()
    if row is not None:
        return json.loads(row[0])  # type: ignore[no-any-return]
    first = Article(id=a.id, text=a.text, title=a.title, published=a.published)
    second = Article(id=b.id, text=b.text, title=b.title, published=b.published)
    verdict = compare(first, second, config).kind.value
    out = {"a": a.id, "b": b.id, "verdict": verdict, **alignment_dict(align(a.text, b.text))}
    # cached only when no ingest holds the writer: a read never waits for a write (the next
    # request for the pair caches it)
    if lock.acquire(blocking=False):
        try:
            writer.execute(
                "INSERT OR REPLACE INTO alignments VALUES (?, ?, ?)", (*key, json.dumps(out))
            )
        finally:
            lock.release()
    return out
