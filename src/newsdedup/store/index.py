"""The living index: ``IndexProtocol`` (store/contract.py) on one SQLite file in WAL mode.

Reads run on any thread, each thread with its own connection; writes are serialised by a lock
in the index, and ``add`` returns after its transaction committed. Everything, the story graph
included (store/story_state.py), lives in the file: nothing is replayed on open. See
docs/index.md.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from newsdedup.config import Config
from newsdedup.errors import StoreError
from newsdedup.group.stories import SupportsEmbed
from newsdedup.relate.kind import KIND_CODES
from newsdedup.relate.translate import Encoder
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.report import Report
from newsdedup.store.contract import (
    AddResult,
    CopyLink,
    QueryResult,
    StoredArticle,
    StoryPage,
)
from newsdedup.store.identity import check_settings
from newsdedup.store.ingest import ingest_run, prepare, unique_runs
from newsdedup.store.lookup import Diffs, query_article, query_story, scores_of
from newsdedup.store.schema import (
    SCHEMA_VERSION,
    check_scheme,
    connect,
    migrate,
    open_index,
    version,
)
from newsdedup.store.story_state import StoryState
from newsdedup.store.story_topics import refresh_topics, topics_stale
from newsdedup.store.translations import QueryFeatures, translation_of
from newsdedup.types import Article, Kind, Story, TranslationScores

__all__ = ["Index", "file_bytes"]

#: Runs of fewer articles are fingerprinted on the calling thread alone (as ``query`` does):
#: for a few documents numba's thread pool costs more than it saves, and when the CPUs are
#: busy (a service answering reads) its start waits for all of its threads: one article took
#: 25 ms there instead of 0.3 ms.
PARALLEL_RUN = 64
_ARTICLE = (
    "SELECT a.id, a.title, newsdedup_text(a.text), a.url, a.source, a.published, g.gid, "
    "s.story, a.version, g.rep = a.seq FROM articles a LEFT JOIN groups g ON g.seq = a.seq "
    "LEFT JOIN story_of s ON s.seq = a.seq "
)

_SCORE_SQL = ", ".join(f"g.s{k}" for k in range(len(SCORE_COLUMNS)))


class Index:
    """Articles, copy groups and stories in one SQLite file, kept up to date by ``add``.

    Opening checks the file (store/schema.py ``open_index``: an SQLite file of another program is
    refused, never changed), migrates it, and checks its identity: the fingerprint scheme and
    every setting that changes results (store/identity.py), recorded when the file was created;
    ``config`` must agree with them. ``settings_adopted`` is True when a file made before
    settings were recorded took those of ``config``.
    """

    def __init__(
        self,
        path: str | Path,
        config: Config | None = None,
        *,
        embedder: SupportsEmbed | None = None,
        encode: Encoder | None = None,
    ) -> None:
        self.path = Path(path)
        self.config = config or Config()
        self._lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._writer = open_index(self.path)
        try:
            self.migrated_from = migrate(self._writer, self.path)
            check_scheme(self._writer, self.config, self.path)
            self.settings_adopted = check_settings(self._writer, self.config, self.path)
            StoryState.check(self._writer, self.path)
        except BaseException:
            self._writer.close()
            raise
        self._stories = StoryState(self.config, embedder)
        self._encode = encode  #: the translation stage's encoder (None: the multilingual one)
        self._features = QueryFeatures()  #: what queries keep between them (translations.py)
        self.diffs = Diffs()  # limits and cache of diff(); replace it to change them
        self._closed = False

    # -- writing ----------------------------------------------------------------------------

    def add(self, articles: Iterable[Article]) -> AddResult:
        """Ingest ``articles`` (see IndexProtocol.add); one transaction per run of distinct ids."""
        report = Report(strict=self.config.run.strict)
        added = []
        seconds: dict[str, float] = {}
        with self._lock:
            self._check_open()
            for run in unique_runs(prepare(articles, self.config, report)):
                with _kernel_threads(1 if len(run) < PARALLEL_RUN else None):
                    batch = self._transaction(run)
                added += batch.added
                for k, v in batch.seconds.items():
                    seconds[k] = seconds.get(k, 0.0) + v
        return AddResult(added=tuple(added), rejected=tuple(report.rejected), seconds=seconds)

    def _transaction(self, run: list[Article]):  # type: ignore[no-untyped-def]
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            batch = ingest_run(conn, self.config, self._stories, run, self._encode)
            self._count(conn, batch.copies.capped)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return batch

    def refresh_topics(self) -> bool:
        """Compute the topics again if an add left them stale (store/story_topics.py): every
        reader of topics calls it first, so none sees topics of fewer articles than the
        stories it reads. Returns whether it ran the pass."""
        if not topics_stale(self._conn()):
            return False
        with self._lock:
            self._check_open()
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                ran = topics_stale(conn)  # another thread or process may have done it
                if ran:
                    refresh_topics(conn, self.config.stories)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return ran

    def _count(self, conn: sqlite3.Connection, capped: int) -> None:
        if capped:
            conn.execute(
                "INSERT INTO counters VALUES ('capped_buckets', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
                (capped,),
            )

    # -- reading ----------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        """This thread's read connection."""
        self._check_open()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def query(self, article: Article) -> QueryResult:
        """The copies and the story ``article`` would have (see store/lookup.py)."""
        start = time.perf_counter()
        conn = self._conn()
        copies, best = query_article(conn, self.config, article, self._features, self._encode)
        story = None
        if best is not None:
            row = conn.execute("SELECT story FROM story_of WHERE seq = ?", (best,)).fetchone()
            story = row[0] if row else None
        else:  # no copy (translations, if any, are no copy group of its own yet)
            story = self._peek(article)
        return QueryResult(copies=copies, story=story, seconds=time.perf_counter() - start)

    def _peek(self, article: Article) -> str | None:
        """The story ``article`` would join (store/lookup.py ``query_story``); no lock."""
        cleaned = next(prepare([article], self.config, Report()), None)
        if cleaned is None:
            return None
        return query_story(self._conn(), self.config, cleaned, self._stories.embedder)

    def story_moves(self, since: datetime | None = None) -> tuple[tuple[datetime, str, str], ...]:
        """(when, old story id, new story id) of each change of story id since ``since``, oldest
        first: a story merged into an older one, or renamed when its first article left."""
        rows = self._conn().execute(
            "SELECT at, old, new FROM story_moves WHERE at >= ? ORDER BY rowid",
            (since.isoformat() if since else "",),
        )
        return tuple((datetime.fromisoformat(r[0]), r[1], r[2]) for r in rows)

    def article(self, article_id: str) -> StoredArticle | None:
        row = self._conn().execute(_ARTICLE + "WHERE a.id = ? AND a.current = 1", (article_id,))
        found = row.fetchone()
        return None if found is None else _stored(found)

    def copies(self, article_id: str) -> tuple[CopyLink, ...]:
        conn = self._conn()
        row = conn.execute(
            "SELECT g.gid, a.seq FROM articles a JOIN groups g ON g.seq = a.seq "
            "WHERE a.id = ? AND a.current = 1",
            (article_id,),
        ).fetchone()
        if row is None:
            return ()
        rows = conn.execute(
            f"SELECT a.id, g.kind, {_SCORE_SQL}, a.title, a.source, "
            "a.published, g.seq, g.rep = a.seq FROM groups g JOIN articles a ON a.seq = g.seq "
            "WHERE g.gid = ? AND g.seq != ?",
            (row[0], row[1]),
        ).fetchall()
        links = [
            CopyLink(
                id=r[0],
                kind=_kind(r[1]),
                scores=scores_of(r[2 : 2 + len(SCORE_COLUMNS)]),
                title=r[-5],
                source=r[-4],
                published=_date(r[-3]),
                translation=_translation(conn, r[-2]) if r[1] == _TRANSLATION else None,
            )
            for r in rows
        ]
        rep = {r[0] for r in rows if r[-1]}
        return tuple(
            sorted(
                links,
                key=lambda c: (
                    c.id not in rep,
                    c.published is None,
                    c.published or datetime.min,
                    c.id,
                ),
            )
        )

    def stories(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        source: str | None = None,
        text: str | None = None,
        order: Literal["recent", "size"] = "recent",
        limit: int = 50,
        offset: int = 0,
    ) -> StoryPage:
        from newsdedup.store.lookup import story_filter

        self.refresh_topics()
        where, params = story_filter(since=since, until=until, source=source, text=text)
        conn = self._conn()
        total = conn.execute(f"SELECT count(*) FROM stories s {where}", params).fetchone()[0]
        by = "s.last_seen IS NULL, s.last_seen DESC" if order == "recent" else "s.size DESC"
        rows = conn.execute(
            f"SELECT s.* FROM stories s {where} ORDER BY {by}, s.id LIMIT ? OFFSET ?",
            [*params, _sql_int(limit), _sql_int(offset)],
        ).fetchall()
        return StoryPage(
            stories=tuple(_story(r) for r in rows), total=total, limit=limit, offset=offset
        )

    def story(self, story_id: str) -> Story | None:
        self.refresh_topics()
        row = self._conn().execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        return None if row is None else _story(row)

    def story_articles(self, story_id: str) -> tuple[StoredArticle, ...]:
        story = self.story(story_id)
        if story is None:
            return ()
        found = (self.article(i) for i in dict.fromkeys(story.members))
        return tuple(a for a in found if a is not None)

    def diff(self, a: str, b: str) -> dict[str, Any] | None:
        """The alignment of ``a`` with ``b`` (None when either is unknown), through
        ``self.diffs``: refused for texts over its ``max_chars`` (``DiffTooLargeError``), and
        cached within its bounds (store/lookup.py ``Diffs``)."""
        first, second = self.article(a), self.article(b)
        if first is None or second is None:
            return None
        return self.diffs.diff(self._conn(), self._lock, self._writer, self.config, first, second)

    def search(self, q: str, *, limit: int = 20, offset: int = 0) -> tuple[StoredArticle, ...]:
        words = q.replace("\x00", " ")  # FTS5 reads a NUL as the end of the query
        if not words.strip():
            return ()
        phrase = '"' + words.replace('"', '""') + '"'  # one phrase: no FTS syntax errors
        rows = (
            self._conn()
            .execute(
                _ARTICLE + "JOIN fts ON fts.rowid = a.seq WHERE fts MATCH ? AND a.current = 1 "
                "ORDER BY fts.rank LIMIT ? OFFSET ?",
                (phrase, _sql_int(limit), _sql_int(offset)),
            )
            .fetchall()
        )
        return tuple(_stored(r) for r in rows)

    def stats(self) -> dict[str, Any]:
        self.refresh_topics()
        conn = self._conn()

        def one(sql: str) -> int:
            row = conn.execute(sql).fetchone()
            return int(row[0] or 0) if row else 0

        return {
            "articles": one("SELECT count(*) FROM articles WHERE current = 1"),
            "versions": one("SELECT count(*) FROM articles"),
            "groups": one("SELECT count(DISTINCT gid) FROM groups"),
            "copies": one("SELECT count(*) FROM groups WHERE rep != seq"),
            "stories": one("SELECT count(*) FROM stories"),
            "edges": one("SELECT count(*) FROM edges"),
            "capped_buckets": one("SELECT value FROM counters WHERE key = 'capped_buckets'"),
            "schema_version": version(conn),
            "schema_known": SCHEMA_VERSION,
            "scheme": self.config.fingerprint_id,
            "topics": one("SELECT count(DISTINCT topic) FROM stories"),
            "story_edges": one("SELECT count(*) FROM story_edges"),
            "story_moves": one("SELECT count(*) FROM story_moves"),
            "file_bytes": file_bytes(self.path),
        }

    def compact(self) -> dict[str, float]:
        """Rewrite the file with full pages (SQLite's VACUUM) and empty its write-ahead log;
        returns the bytes before and after and the seconds it took.

        Adds insert band keys, shingle postings and story edges all over their B-trees, which
        leaves pages about two thirds full: at 200,000 generated articles compacting took the
        file from 14.27 to 13.22 KB an article (docs/benchmarks.md). It is one write
        transaction (readers go on; other writers wait), crash-safe like any other, and needs
        free disk of about twice the file while it runs: the copy SQLite builds and the log it
        writes the pages through. The results of every later read and add are unchanged."""
        before, start = file_bytes(self.path), time.perf_counter()
        self.refresh_topics()  # the first read after adds would write them: do it before
        with self._lock:
            self._check_open()
            self._writer.execute("VACUUM")
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return {
                "bytes_before": before,
                "bytes_after": file_bytes(self.path),
                "seconds": round(time.perf_counter() - start, 3),
            }

    # -- life cycle -------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"The index {self.path} is closed. Open a new Index to use it.")

    def close(self) -> None:
        """Close the file (every add has committed already)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._writer.close()
            with self._readers_lock:
                for conn in self._readers:
                    conn.close()
                self._readers.clear()

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


@contextmanager
def _kernel_threads(n: int | None) -> Iterator[None]:
    """numba kernels of this thread run on ``n`` threads inside the block (None: unchanged)."""
    if n is None:
        yield
        return
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(n)  # per calling thread in numba
    try:
        yield
    finally:
        numba.set_num_threads(before)


def _sql_int(value: int) -> int:
    """A limit or offset SQLite can bind (a 64-bit int): larger ones mean "all" / "past the end"."""
    return max(0, min(int(value), 2**63 - 1))


def file_bytes(path: str | Path) -> int:
    """An index file's bytes on disk: the file and its write-ahead log (what ``stats`` and
    ``compact`` report, and benchmarks/bench_index_rate.py prints)."""
    path = Path(path)
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


_TRANSLATION = KIND_CODES.index(Kind.TRANSLATION)


def _translation(conn: sqlite3.Connection, seq: int) -> TranslationScores | None:
    found = translation_of(conn, seq)
    if found is None:
        return None
    partner, lang, partner_lang, score, cosine, anchors, margin = found
    return TranslationScores(
        partner=partner,
        lang=lang,
        partner_lang=partner_lang,
        score=score,
        cosine=cosine,
        anchors=anchors,
        margin=margin,
    )


def _kind(code: int) -> str:
    kind = KIND_CODES[code]
    return "original" if kind is None else kind.value


def _stored(r: Any) -> StoredArticle:
    return StoredArticle(
        id=r[0],
        title=r[1],
        text=r[2],
        url=r[3],
        source=r[4],
        published=_date(r[5]),
        group=r[6],
        story=r[7],
        version=r[8],
        original=bool(r[9]),
    )


def _story(r: Any) -> Story:
    return Story(
        id=r[0],
        label=tuple(json.loads(r[1])),
        headline=r[2],
        first_seen=_date(r[3]),
        last_seen=_date(r[4]),
        members=tuple(json.loads(r[6])),
        groups=tuple(json.loads(r[7])),
        sources=tuple(json.loads(r[8])),
        timeline=tuple((d, n) for d, n in json.loads(r[9])),
        topic=r[10],
    )
