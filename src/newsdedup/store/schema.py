"""The SQLite layout of the living index, its version and its migrations.

``PRAGMA user_version`` holds the schema version; ``MIGRATIONS[v]`` takes a file from version v
to v + 1 and every pending one runs, in order and in one transaction, when the file is opened;
a step that needs more than SQL (rows computed from stored ones) also runs ``FILLS[v]`` there.
A file of a newer version than this code knows is refused, never touched, and so is a file that
is not a newsdedup index: ``open_index`` looks at it before anything is written (a non-empty
SQLite database of another program is never turned into an index, nor switched to WAL mode).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from newsdedup.config import Config
from newsdedup.errors import StoreError
from newsdedup.store.texts import TEXT_SQL, register

__all__ = [
    "FILLS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "check_scheme",
    "connect",
    "migrate",
    "open_index",
]

_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- every version of every article, in arrival order; current = 1 for the latest version of an id
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    current INTEGER NOT NULL,
    hash BLOB NOT NULL,
    title TEXT, text TEXT NOT NULL, url TEXT, source TEXT, published TEXT,
    meta TEXT,                 -- JSON: lang, author, origin of the record
    story_pos INTEGER,         -- position in the story assigner's stream
    story_when TEXT,           -- the date the story assigner placed it by
    arrival_group TEXT         -- its copy group when it was placed into a story
);
CREATE INDEX articles_id ON articles (id, current);
CREATE UNIQUE INDEX articles_story_pos ON articles (story_pos);
CREATE TABLE fingerprints (
    seq INTEGER PRIMARY KEY,
    ex0 INTEGER NOT NULL, ex1 INTEGER NOT NULL,   -- the 128-bit exact hash
    head INTEGER NOT NULL,     -- 1: the best-ranked member of its exact class (only heads in LSH)
    sets BLOB NOT NULL, positions BLOB NOT NULL,
    n_words INTEGER NOT NULL, n_content INTEGER NOT NULL, published INTEGER NOT NULL
);
CREATE INDEX fingerprints_exact ON fingerprints (ex0, ex1);
CREATE TABLE bands (key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq))
    WITHOUT ROWID;
CREATE TABLE edges (
    a INTEGER NOT NULL, b INTEGER NOT NULL, code INTEGER NOT NULL,
    s0 REAL, s1 REAL, s2 REAL, s3 REAL, s4 REAL, s5 REAL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX edges_b ON edges (b, a);
CREATE TABLE groups (
    seq INTEGER PRIMARY KEY, rep INTEGER NOT NULL, gid TEXT NOT NULL, kind INTEGER NOT NULL,
    s0 REAL, s1 REAL, s2 REAL, s3 REAL, s4 REAL, s5 REAL
);
CREATE INDEX groups_gid ON groups (gid);
CREATE TABLE stories (
    id TEXT PRIMARY KEY, label TEXT NOT NULL, headline TEXT,
    first_seen TEXT, last_seen TEXT, size INTEGER NOT NULL,
    members TEXT NOT NULL, groups TEXT NOT NULL, sources TEXT NOT NULL, timeline TEXT NOT NULL
);
CREATE INDEX stories_last ON stories (last_seen);
CREATE INDEX stories_size ON stories (size);
CREATE TABLE story_of (seq INTEGER PRIMARY KEY, story TEXT NOT NULL);
CREATE INDEX story_of_story ON story_of (story);
CREATE TABLE state (key TEXT PRIMARY KEY, upto INTEGER NOT NULL, value BLOB NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5 (title, text, content='articles', content_rowid='seq');
"""

_V2 = """
CREATE TABLE alignments (a TEXT NOT NULL, b TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

# the derivation figures of relate/verify.SCORE_COLUMNS (derived_a, derived_b, quoted, order),
# and the boilerplate lines cleaning removed from each article (group/representative.py)
_V3 = """
ALTER TABLE edges ADD COLUMN s6 REAL; ALTER TABLE edges ADD COLUMN s7 REAL;
ALTER TABLE edges ADD COLUMN s8 REAL; ALTER TABLE edges ADD COLUMN s9 REAL;
ALTER TABLE groups ADD COLUMN s6 REAL; ALTER TABLE groups ADD COLUMN s7 REAL;
ALTER TABLE groups ADD COLUMN s8 REAL; ALTER TABLE groups ADD COLUMN s9 REAL;
ALTER TABLE fingerprints ADD COLUMN traces INTEGER NOT NULL DEFAULT 0;
"""

# the sampled shingles (hash % SAMPLE == 0) of every exact-class head, for the short-document
# candidate path (store/contained.py); rows of the heads already stored: _fill_shingles
_V4 = """
CREATE TABLE shingles (key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq))
    WITHOUT ROWID;
"""


def _fill_shingles(conn: sqlite3.Connection) -> None:
    from newsdedup.store.contained import fill_shingles  # numba: only when a file migrates

    fill_shingles(conn)


# the story graph (store/story_graph.py): per voice its vectors (int32 column indices and
# float64 weights per channel; float32 embedding), its key terms, its scored edges; the topic of
# each story (_stories_graph); the story id changes clients follow. The streaming assigner's
# snapshot goes.
_V5 = """
CREATE TABLE IF NOT EXISTS story_voices (
    seq INTEGER PRIMARY KEY,   -- the first article of its copy group in publication order
    gid TEXT NOT NULL,         -- that copy group
    day REAL,                  -- publication day (unix days); NULL: undated
    text_i BLOB NOT NULL, text_d BLOB NOT NULL, names_i BLOB NOT NULL, names_d BLOB NOT NULL,
    lead_i BLOB NOT NULL, lead_d BLOB NOT NULL, dense BLOB
);
CREATE INDEX IF NOT EXISTS story_voices_gid ON story_voices (gid);
CREATE TABLE IF NOT EXISTS story_keys (key INTEGER NOT NULL, voice INTEGER NOT NULL,
    PRIMARY KEY (key, voice)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_keys_voice ON story_keys (voice);
CREATE TABLE IF NOT EXISTS story_edges (a INTEGER NOT NULL, b INTEGER NOT NULL,
    similarity REAL NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_edges_b ON story_edges (b, a);
CREATE TABLE IF NOT EXISTS story_moves (at TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
    articles INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS story_moves_at ON story_moves (at);
DELETE FROM state WHERE key = 'stories';
"""


def _stories_graph(conn: sqlite3.Connection) -> None:
    """``stories.topic`` (added here: a file turned back from a later version may have it);
    the stories of a file with articles are rebuilt from them by its next add (Index)."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(stories)")}
    if "topic" not in columns:
        conn.execute("ALTER TABLE stories ADD COLUMN topic TEXT")
    conn.execute("CREATE INDEX IF NOT EXISTS stories_topic ON stories (topic)")
    if conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('stories_pending', '1')")


# each story voice's label terms (story_state.py), read from its text once instead of at every
# rewrite of its story; a voice stored before this version has none until its story is written
_V6 = """
CREATE TABLE IF NOT EXISTS voice_labels (seq INTEGER PRIMARY KEY, labels BLOB NOT NULL);
"""


# translated copies (store/translations.py): each current article's language and, once the
# index holds two languages, each copy-group representative's anchor keys and lead; the vector
# of each lead the encoder read; each representative whose group joined another as a
# translation, and the copy-group rows its members had before (their groups rows are the
# merged group's).
# The languages of the articles already stored: _fill_languages
_V7 = """
CREATE TABLE IF NOT EXISTS languages (
    seq INTEGER PRIMARY KEY, lang TEXT NOT NULL, keys BLOB, lead TEXT
);
CREATE TABLE IF NOT EXISTS lead_vectors (hash INTEGER PRIMARY KEY, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS translated (
    seq INTEGER PRIMARY KEY,   -- a copy-group representative whose group joined another
    center INTEGER NOT NULL,   -- the representative of the group it joined
    partner INTEGER NOT NULL,  -- the other side of the translation pair that tied it in
    score REAL NOT NULL, cosine REAL, anchors REAL NOT NULL, margin REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS copy_of (
    seq INTEGER PRIMARY KEY, rep INTEGER NOT NULL, gid TEXT NOT NULL, kind INTEGER NOT NULL,
    s0 REAL, s1 REAL, s2 REAL, s3 REAL, s4 REAL, s5 REAL, s6 REAL, s7 REAL, s8 REAL, s9 REAL
);
CREATE INDEX IF NOT EXISTS copy_of_rep ON copy_of (rep);
"""


def _fill_languages(conn: sqlite3.Connection) -> None:
    from newsdedup.store.translations import fill_languages

    fill_languages(conn)


# the recent level of the postings tables (store/levels.py): an add writes its band keys and
# sampled shingles there, merged into ``bands`` / ``shingles`` once it holds a share of them;
# the rows of the large tables so far: _count_large
_V8 = """
CREATE TABLE IF NOT EXISTS bands_recent (key INTEGER NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shingles_recent (key INTEGER NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)) WITHOUT ROWID;
"""


def _count_large(conn: sqlite3.Connection) -> None:
    from newsdedup.store.levels import count_large

    count_large(conn)


# the story edges' index on their higher end holds each edge's similarity (covering): the story
# search (story_graph.story_component) reads the strong edges of a voice's b side through it,
# where the (b, a) index cost a lookup into story_edges per edge (3x the a side's reads)
_V9 = """
DROP INDEX IF EXISTS story_edges_b;
CREATE INDEX IF NOT EXISTS story_edges_b ON story_edges (b, similarity);
"""


# article texts stored compressed (store/texts.py): the full-text index reads them through a view
# of the current articles (it held exactly those: a superseded version is deleted from it), so it
# is rebuilt over the view. Texts stored before stay SQL texts, read as they are. Without SQL:
# shingle positions are stored as uint16 where they fit (store/rows.py) and voice labels as zstd
# frames (story_state.py); rows stored before are read as they are.
_V10 = f"""
CREATE VIEW IF NOT EXISTS article_texts AS
    SELECT seq, title, {TEXT_SQL}(text) AS text FROM articles WHERE current = 1;
DROP TABLE IF EXISTS fts;
CREATE VIRTUAL TABLE fts USING fts5 (title, text, content='article_texts', content_rowid='seq');
INSERT INTO fts (fts) VALUES ('rebuild');
"""


# the story graph in fewer bytes (store/story_graph.py): vector weights as float32 (the batch's
# weights are float32 values) and edge similarities as whole SIMILARITY_STEPS (2 bytes where a
# REAL took 8, in the table and in its covering index). _compact_stories converts the stored
# rows at once, so reads stay right, and marks the graph for a rebuild from the articles at the
# next add: an edge scored on the old float64 weights can differ from the batch's by a step.
_V11 = ""


def _compact_stories(conn: sqlite3.Connection) -> None:
    from newsdedup.store.story_graph import compact_stored  # numpy: only when a file migrates

    compact_stored(conn)


#: ``MIGRATIONS[v]`` brings a file from version v to v + 1 (version 0: an empty file).
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11)
#: ``FILLS[v]`` runs after ``MIGRATIONS[v]``, in its transaction.
FILLS: dict[int, Callable[[sqlite3.Connection], None]] = {
    3: _fill_shingles,
    4: _stories_graph,
    6: _fill_languages,
    7: _count_large,
    10: _compact_stories,
}
SCHEMA_VERSION = len(MIGRATIONS)


#: The first bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode. ``synchronous=NORMAL``: a commit survives a killed process
    (the WAL is in the OS's hands), not a power cut; FULL would fsync every commit."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60.0)
    return _configure(conn)


def open_index(path: Path) -> sqlite3.Connection:
    """``connect`` to an index file, or to a new one, after checking that it is one.

    Refused with a StoreError, before anything is written: a folder, a path whose folder does
    not exist, a file that is not SQLite, an SQLite database of another program (tables but no
    newsdedup schema), a newer schema version, and any file SQLite cannot open.
    """
    _check_path(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60.0)
    except sqlite3.Error as exc:
        raise _unopenable(path, exc) from exc
    try:
        _check_owner(conn, path)
        return _configure(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise _unopenable(path, exc) from exc
    except BaseException:
        conn.close()
        raise


def _configure(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages per connection
    register(conn)  # the stored texts' function (store/texts.py)
    return conn


def _check_path(path: Path) -> None:
    if path.is_dir():
        raise StoreError(
            f"{path} is a folder; an index is one file. Give the path of a file, e.g. "
            f"{path / 'news.db'}."
        )
    if not path.parent.is_dir():
        raise StoreError(
            f"Cannot create the index {path}: the folder {path.parent} does not exist. Create "
            "it first, or give a path in an existing folder."
        )
    if not path.exists():
        return  # a new index
    if not path.is_file():
        raise StoreError(
            f"{path} is not a regular file (a pipe, socket or device); an index is an SQLite "
            "file. Give the path of an index, or a new path to create one."
        )
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(
            f"Cannot read the index {path} ({exc.strerror or exc}). Check its permissions."
        ) from exc
    if head and head != SQLITE_HEADER:
        raise StoreError(
            f"{path} is not an SQLite file, so not a newsdedup index; it was left untouched. "
            "Give the path of an index, or a new path to create one."
        )


def _check_owner(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database this code did not make, or made by a newer version of it."""
    found = version(conn)
    if found > SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {found}, but this newsdedup knows versions up to "
            f"{SCHEMA_VERSION}. Upgrade newsdedup to open it."
        )
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    ours = found > 0 and {"meta", "articles"} <= tables
    if (found == 0 and tables) or (found > 0 and not ours):
        shown = ", ".join(sorted(tables)[:8]) + (", ..." if len(tables) > 8 else "")
        raise StoreError(
            f"{path} is an SQLite database of another program (tables: {shown or 'none'}), "
            "not a newsdedup index; it was left untouched. Give the path of an index, or a "
            "new path to create one."
        )


def _unopenable(path: Path, exc: sqlite3.Error) -> StoreError:
    return StoreError(
        f"Cannot open the index {path} ({exc}). Check that the file and its folder can be "
        "read and written, or give a new path to create an index."
    )


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, path: Path, *, upto: int = SCHEMA_VERSION) -> int:
    """Apply the pending migrations (all in one transaction); returns the version before."""
    before = version(conn)
    if before > SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {before}, but this newsdedup knows versions up to "
            f"{SCHEMA_VERSION}. Upgrade newsdedup to open it."
        )
    if before >= upto:
        return before
    conn.execute("BEGIN IMMEDIATE")
    try:
        for step in range(before, upto):
            for statement in _statements(MIGRATIONS[step]):
                conn.execute(statement)
            if step in FILLS:
                FILLS[step](conn)
        conn.execute(f"PRAGMA user_version={upto}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return before


def _statements(script: str) -> list[str]:
    lines = [line.split("--")[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def check_scheme(conn: sqlite3.Connection, config: Config, path: Path) -> None:
    """Record the fingerprint scheme of a new file; refuse a file made under another one."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'scheme'").fetchone()
    if row is None:
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('scheme', ?)", (config.fingerprint_id,))
        return
    if row[0] != config.fingerprint_id:
        raise StoreError(
            f"{path} holds fingerprints of scheme {row[0]!r}, but the configuration makes "
            f"{config.fingerprint_id!r}. Open it with the configuration that built it, or "
            f"build a new index with this one.{config.earlier_scheme_hint(row[0])}"
        )
