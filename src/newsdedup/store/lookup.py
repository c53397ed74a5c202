"""Reads that do more than fetch a row: an unstored article's copies, story filters, diffs."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import numba
import numpy as np

from newsdedup.arrays import unique
from newsdedup.candidates.lsh import HUBS, capped_order, enough_bands
from newsdedup.candidates.overlap import enough_overlap
from newsdedup.config import Config
from newsdedup.errors import DiffBusyError, DiffTooLargeError, InputError, invalid_param
from newsdedup.fingerprint.batch import fingerprint_articles
from newsdedup.ids import tiebreak
from newsdedup.relate.kind import KIND_CODES, judge
from newsdedup.relate.translate import Encoder
from newsdedup.relate.verify import EXACT_SCORES, SCORE_COLUMNS, SWAP
from newsdedup.report import Report
from newsdedup.store.contained import query_partners
from newsdedup.store.contract import CopyLink, StoredArticle
from newsdedup.store.rows import (
    append,
    content_words,
    ids_of,
    load_fingerprints,
    postings,
    select_in,
    signed,
)
from newsdedup.store.translations import QueryFeatures, query_translations
from newsdedup.types import Article, Kind, Origin, Scores, TranslationScores

__all__ = [
    "DIFF_CACHE_BYTES",
    "DIFF_CACHE_ROWS",
    "DIFF_MAX_CHARS",
    "DIFF_WAIT_SECONDS",
    "DIFF_WORKERS",
    "Diffs",
    "query_article",
    "query_story",
    "scores_of",
    "story_filter",
]

#: Longest text, in characters, of either article of a diff (about 15,000 words: a long
#: feature; the alignment and the verdict of two such texts take about a second).
DIFF_MAX_CHARS = 100_000
#: Most cached alignments, and most bytes of their JSON, in the ``alignments`` table.
DIFF_CACHE_ROWS = 2_000
DIFF_CACHE_BYTES = 32 * 1024 * 1024
#: Most alignments computed at once, and the longest wait for a free slot (seconds).
DIFF_WORKERS = 2
DIFF_WAIT_SECONDS = 10.0

_TRANSLATION = KIND_CODES.index(Kind.TRANSLATION)


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
    conn: sqlite3.Connection,
    config: Config,
    article: Article,
    features: QueryFeatures | None = None,
    encode: Encoder | None = None,
) -> tuple[tuple[CopyLink, ...], int | None]:
    """The stored copies of ``article``, best first, and the seq of the best one. Exact copies
    come from the exact-hash index, the others from the band table and the batch's verifier;
    ``scores`` have ``a`` = the queried article, ``b`` = the stored copy. An article with no
    copy may have translations (store/translations.py ``query_translations``): links of kind
    "translation", best score first, with no seq (the article would start a group of its
    own). The kernels run on this thread alone: for one document, waking a pool of threads
    costs more than it saves."""
    with _one_thread():
        cleaned = _cleaned(article, config)
        links, best = _query(conn, config, cleaned)
        if links:
            return links, best
        found = query_translations(conn, config, cleaned, features, encode)
        found.sort(key=lambda f: (-f[1].score, f[1].partner))
        return tuple(_link(conn, seq, _TRANSLATION, [None], why) for seq, why in found), None


@contextmanager
def _one_thread() -> Iterator[None]:
    """numba's kernels on the calling thread alone (the setting is per calling thread)."""
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(threads)


def _query(
    conn: sqlite3.Connection, config: Config, article: Article
) -> tuple[tuple[CopyLink, ...], int | None]:
    fp = fingerprint_articles([article], config)
    ex = fp.exact.view(np.int64)[0]
    exact = [
        r[0]
        for r in conn.execute(
            "SELECT seq FROM fingerprints WHERE ex0 = ? AND ex1 = ?", (int(ex[0]), int(ex[1]))
        )
    ]
    banded = _band_partners(conn, config, signed(fp.keys[0]), int(fp.n_content[0]))
    short: set[int] = set()
    if config.verify.short_doc_words:
        short = query_partners(conn, config, fp.sets, int(fp.n_content[0]))
    candidates = sorted((banded | short) - set(exact))
    hits: list[tuple[int, int, list[float]]] = [(s, 1, EXACT_SCORES.tolist()) for s in exact]
    if candidates and len(fp.set_offsets) > 1 and fp.set_offsets[1] > 0:
        hits += _verified(conn, config, fp, candidates, banded - short)
    hits.sort(key=lambda h: (h[1], -h[2][0], h[0]))
    links = tuple(_link(conn, seq, code, sc) for seq, code, sc in hits)
    return links, (hits[0][0] if hits else None)


def query_story(
    conn: sqlite3.Connection, config: Config, article: Article, embedder: Any = None
) -> str | None:
    """The story ``article`` (cleaned, with no stored copy) would join: the one whose voices it
    is most alike on average (a voice it has no edge with counts 0, as in average-link) at
    ``stories.story_similarity`` or more; None when none is. Partners are found as ``add``
    finds them (a shared key term held by at most ``key_postings`` voices, the article counted),
    edges are the pairs at ``edge_floor`` or more within ``window_days`` (or undated). An
    approximation of what ``add`` does (it re-clusters), read only; its kernels run on this
    thread alone, as ``query_article``'s."""
    with _one_thread():
        return _story(conn, config, article, embedder)


def _story(conn: sqlite3.Connection, config: Config, article: Article, embedder: Any) -> str | None:
    from newsdedup.group.stories.graph import pair_similarity
    from newsdedup.group.stories.vectors import stack_vectors, story_text, story_vectors
    from newsdedup.store.story_graph import keys_of, load_vectors
    from newsdedup.store.story_state import window_day

    c = config.stories
    vectors = story_vectors([article], c.max_terms)
    if embedder is not None:
        dense = np.asarray(embedder.embed([story_text(article)]), np.float32)
        vectors = dataclasses.replace(vectors, dense=dense)
    _, keys = keys_of(vectors, c.index_terms)
    held = postings(conn, "story_keys", "voice", keys.tolist(), 1, c.key_postings - 1)
    partners = sorted({voice for _, voice in held})
    if not partners:
        return None
    joined = stack_vectors(vectors, load_vectors(conn, partners))
    n = len(partners)
    similarity = pair_similarity(joined, np.zeros(n, np.int64), np.arange(1, n + 1), c)
    # the window reads the published date only, as the batch and ``add`` do (story_state.py)
    published = article.published.isoformat() if article.published else None
    day = np.nan if (found_day := window_day(published)) is None else found_day
    info = select_in(
        conn,
        "SELECT v.seq, v.day, s.story FROM story_voices v JOIN story_of s ON s.seq = v.seq "
        "WHERE v.seq IN ({marks})",
        partners,
    )
    found = {r[0]: (np.nan if r[1] is None else r[1], r[2]) for r in info}
    sums: dict[str, float] = {}
    for seq, sim in zip(partners, similarity.tolist(), strict=True):
        their_day, story = found.get(seq, (np.nan, None))
        if story is not None and sim >= c.edge_floor and not abs(day - their_day) > c.window_days:
            sums[story] = sums.get(story, 0.0) + sim
    best: tuple[float, str] | None = None
    for story, total in sums.items():
        size = conn.execute(
            "SELECT count(*) FROM story_of s JOIN story_voices v ON v.seq = s.seq "
            "WHERE s.story = ?",
            (story,),
        ).fetchone()[0]
        mean = total / max(size, 1)
        if mean >= c.story_similarity and (best is None or (-mean, story) < (-best[0], best[1])):
            best = (mean, story)
    return None if best is None else best[1]


def _band_partners(
    conn: sqlite3.Connection, config: Config, keys: list[int], n_content: int
) -> set[int]:
    """Stored heads sharing a band key, as ``add`` pairs a newcomer: every holder of a bucket
    within ``lsh.max_bucket``, the first ``HUBS`` holders (by id hash) of a bucket over it;
    then those the batch's shared-band rule keeps (``enough_bands``)."""
    cap = config.lsh.max_bucket
    held = [seq for _, seq in postings(conn, "bands", "seq", keys, 1, cap)]
    held += _hubs(conn, postings(conn, "bands", "seq", keys, cap + 1, 2**62))
    if not held or not config.verify.counts_bands:
        return set(held)
    seqs, shared = np.unique(np.asarray(held, np.int64), return_counts=True)
    keep = enough_bands(
        shared,
        np.full(len(seqs), n_content),
        content_words(conn, seqs.tolist()),
        min_bands=config.verify.min_bands,
        short_words=config.verify.short_doc_words,
        short_bands=config.verify.short_doc_bands,
    )
    return set(seqs[keep].tolist())


def _hubs(conn: sqlite3.Connection, rows: list[Any]) -> list[int]:
    """The first ``HUBS`` holders of each bucket in (key, seq) ``rows``, in ``band_pairs``'
    order of a capped bucket: (id hash, seq)."""
    if not rows:
        return []
    seqs = unique(np.array([seq for _, seq in rows], np.int64))
    ids = ids_of(conn, seqs.tolist())
    rank = tiebreak([ids[s] for s in seqs.tolist()])
    buckets: dict[int, list[int]] = {}
    for key, seq in rows:
        buckets.setdefault(key, []).append(seq)
    hubs: list[int] = []
    for members in buckets.values():
        docs = np.asarray(members, np.int64)
        order = capped_order(docs, rank[np.searchsorted(seqs, docs)])
        hubs += docs[order[:HUBS]].tolist()
    return hubs


def _verified(
    conn: sqlite3.Connection, config: Config, fp: Any, candidates: list[int], banded: set[int]
) -> list[tuple[int, int, list[float]]]:
    """The copies among ``candidates``; those of ``banded`` (band partners alone, not short-path
    ones) verified only over the batch's shingle containment floor (``enough_overlap``)."""
    stored, _ = load_fingerprints(conn, candidates, config.fingerprint_id)
    n = len(candidates)
    joined = append(stored, fp)
    pairs = np.column_stack((np.arange(n), np.full(n, n))).astype(np.int64)
    floor = config.verify.min_pair_containment
    if banded and floor > 0:
        measured = np.array([c in banded for c in candidates], np.bool_)
        keep = enough_overlap(
            pairs, joined.sets, joined.set_offsets, min_containment=floor, measured=measured
        )
        pairs = pairs[keep]
        candidates = [c for c, k in zip(candidates, keep.tolist(), strict=True) if k]
        if not candidates:
            return []
    scores, codes = judge(joined, pairs, config)
    return [
        (candidates[i], int(codes[i]), scores[i][SWAP].tolist()) for i in np.flatnonzero(codes > 0)
    ]


def _link(
    conn: sqlite3.Connection,
    seq: int,
    code: int,
    sc: list[float] | list[None],
    translation: TranslationScores | None = None,
) -> CopyLink:
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
        translation=translation,
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
    if text:  # instr, not LIKE: '%' and '_' are text here, and a NUL matches nothing
        clauses.append(
            "(instr(lower(s.label), lower(?)) OR instr(lower(s.headline), lower(?)) OR EXISTS "
            "(SELECT 1 FROM story_of o JOIN articles a ON a.seq = o.seq WHERE o.story = s.id "
            "AND instr(lower(a.title), lower(?))))"
        )
        params += [text, text, text]
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


class Diffs:
    """The diffs of an index: alignments of two stored articles, bounded three ways.

    A text over ``max_chars`` characters is refused (``DiffTooLargeError``); at most
    ``workers`` alignments are computed at once, and a request waits at most ``wait_seconds``
    for a slot (``DiffBusyError``); results are cached in the ``alignments`` table under
    (id@version, id@version), at most ``max_rows`` rows and ``max_bytes`` bytes of JSON, the
    least recently used evicted first (``max_rows=0`` turns the cache off). The order of use
    is kept in memory: after a restart the rows from before go first."""

    def __init__(
        self,
        *,
        max_chars: int = DIFF_MAX_CHARS,
        max_rows: int = DIFF_CACHE_ROWS,
        max_bytes: int = DIFF_CACHE_BYTES,
        workers: int = DIFF_WORKERS,
        wait_seconds: float = DIFF_WAIT_SECONDS,
    ) -> None:
        for name, value, low in (
            ("max_chars", max_chars, 1),
            ("max_rows", max_rows, 0),
            ("max_bytes", max_bytes, 0),
            ("workers", workers, 1),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise invalid_param(name, "Diffs", f"an int >= {low}", value)
        if not wait_seconds >= 0:
            raise invalid_param("wait_seconds", "Diffs", "a number >= 0", wait_seconds)
        self.max_chars, self.max_rows, self.max_bytes = max_chars, max_rows, max_bytes
        self.workers, self.wait_seconds = workers, wait_seconds
        self._slots = threading.BoundedSemaphore(workers)
        self._lock = threading.Lock()
        self._used: OrderedDict[tuple[str, str], int] = OrderedDict()  # oldest first: bytes
        self._bytes = 0
        self._synced = False  # _used mirrors the table (set by _sync, under the write lock)

    def diff(
        self,
        reader: sqlite3.Connection,
        lock: threading.RLock,
        writer: sqlite3.Connection,
        config: Config,
        a: StoredArticle,
        b: StoredArticle,
    ) -> dict[str, Any]:
        """The alignment of ``a`` with ``b``, from the cache or computed (and then cached when
        no ingest holds ``lock``: a read never waits for a write)."""
        for param, article in (("a", a), ("b", b)):
            if len(article.text) > self.max_chars:
                raise DiffTooLargeError(param, article.id, len(article.text), self.max_chars)
        key = (f"{a.id}@{a.version}", f"{b.id}@{b.version}")
        found = self._cached(reader, key)
        if found is not None:
            return found
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise DiffBusyError(self.workers, self.wait_seconds)
        try:
            found = self._cached(reader, key)  # computed while this request waited
            out = found if found is not None else _aligned(config, a, b)
        finally:
            self._slots.release()
        if found is None and self.max_rows and lock.acquire(blocking=False):
            try:
                self._store(writer, key, json.dumps(out))
            finally:
                lock.release()
        return out

    def _cached(self, reader: sqlite3.Connection, key: tuple[str, str]) -> dict[str, Any] | None:
        row = reader.execute("SELECT value FROM alignments WHERE a = ? AND b = ?", key).fetchone()
        if row is None:
            return None
        with self._lock:
            self._used[key] = self._used.pop(key, len(row[0]))
        return json.loads(row[0])  # type: ignore[no-any-return]

    def _store(self, writer: sqlite3.Connection, key: tuple[str, str], value: str) -> None:
        """Insert and evict in one transaction; the caller holds the write lock. An entry over
        an eighth of ``max_bytes`` is not kept (it would push out many others)."""
        if len(value) > self.max_bytes // 8:
            return
        writer.execute("BEGIN IMMEDIATE")
        try:
            self._sync(writer)
            writer.execute("INSERT OR REPLACE INTO alignments VALUES (?, ?, ?)", (*key, value))
            writer.executemany(
                "DELETE FROM alignments WHERE a = ? AND b = ?", self._admit(key, len(value))
            )
            writer.execute("COMMIT")
        except BaseException:
            writer.execute("ROLLBACK")
            self._synced = False
            raise

    def _sync(self, writer: sqlite3.Connection) -> None:
        """Reload the sizes from the table when it is not known or another process changed
        it; rows not used since this process started go first, in table order."""
        rows = writer.execute("SELECT count(*) FROM alignments").fetchone()[0]
        with self._lock:
            if self._synced and rows == len(self._used):
                return
            sizes = {
                (r[0], r[1]): r[2]
                for r in writer.execute("SELECT a, b, length(value) FROM alignments")
            }
            recent = [k for k in self._used if k in sizes]
            self._used = OrderedDict((k, n) for k, n in sizes.items() if k not in self._used)
            self._used.update((k, sizes[k]) for k in recent)
            self._bytes = sum(self._used.values())
            self._synced = True

    def _admit(self, key: tuple[str, str], size: int) -> list[tuple[str, str]]:
        """Record ``key`` as the newest row; the keys to evict to stay within the bounds."""
        with self._lock:
            self._bytes += size - self._used.pop(key, 0)
            self._used[key] = size
            evicted = []
            while len(self._used) > self.max_rows or self._bytes > self.max_bytes:
                old, old_size = self._used.popitem(last=False)
                self._bytes -= old_size
                evicted.append(old)
            return evicted

    def stats(self) -> dict[str, int]:
        """Rows and bytes of the cache as this process last saw them."""
        with self._lock:
            return {"rows": len(self._used), "bytes": self._bytes}


def _aligned(config: Config, a: StoredArticle, b: StoredArticle) -> dict[str, Any]:
    from newsdedup.relate.compare import compare
    from newsdedup.relate.crosslingual import align_texts
    from newsdedup.relate.explain import alignment_dict
    from newsdedup.relate.translate import language_of

    first = Article(id=a.id, text=a.text, title=a.title, published=a.published)
    second = Article(id=b.id, text=b.text, title=b.title, published=b.published)
    verdict = compare(first, second, config).kind.value
    alignment = align_texts(a.text, b.text, lang_a=language_of(first), lang_b=language_of(second))
    return {"a": a.id, "b": b.id, "verdict": verdict, **alignment_dict(alignment)}
