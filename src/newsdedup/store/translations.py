"""Translated copies in the living index: the batch's translation stage
(``group/translations.translate_groups``) over the stored copy groups' representatives.

State (store/schema.py, version 7):

- ``languages``: every current article's language (``relate/translate.language_of``, as the
  batch notes it) and, once the index holds two languages, each representative's anchor keys
  and lead (``article_features``); an index in one language stores the language alone;
- ``lead_vectors``: the vector of each lead the encoder read, by the hash of the lead, so that
  no lead is encoded twice;
- ``translated``: each representative whose copy group joined another as a translation, the
  representative of that group and the pair that tied it in;
- ``copy_of``: the copy-group row (store/copies.py) of each member of such a group, whose
  ``groups`` row is the merged group's.

Why each add with two languages or more decides over every representative: the anchor overlap
weighs each key by its rarity among all representatives (``log(n / df)``), so a new article
changes every pair's score a little, and the best-in-language rule compares those scores. A
decision taken over the add's neighbourhood alone would drift from the batch's; so an add runs
``translate_groups`` over all representatives with a language, in arrival order (the batch's
input order), from stored keys and vectors: the encoder reads only leads it never read, and
only the rows whose outcome changed are written; an add that leaves the representatives as they
were keeps the stored decision. The cost of that pass grows with the number of representatives
(docs/benchmarks.md, "Living index: translated copies"); an index in one language never pays
it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import xxhash
from numpy.typing import NDArray

from newsdedup.config import Config, TranslateConfig
from newsdedup.fingerprint.anchors import anchor_keys_batch
from newsdedup.fingerprint.multilingual import DIM, TAIL_BREAK, encode_leads, encoder_settings
from newsdedup.group.copies import Assignment
from newsdedup.group.representative import priority_ranks
from newsdedup.group.translations import translate_groups
from newsdedup.ids import group_id
from newsdedup.relate.kind import KIND_CODES
from newsdedup.relate.translate import (
    Encoder,
    anchored_text,
    article_features,
    encoder_input,
    language_of,
)
from newsdedup.relate.translate_query import StoredAnchors, query_pairs, stored_anchors
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.store.rows import select_in
from newsdedup.types import Article, Kind, TranslationScores

__all__ = [
    "QueryFeatures",
    "TranslationUpdate",
    "fill_languages",
    "note_languages",
    "query_translations",
    "translation_of",
    "update_translations",
]

_TRANSLATION = KIND_CODES.index(Kind.TRANSLATION)
_ROW = 4 + len(SCORE_COLUMNS)  #: a groups / copy_of row: seq, rep, gid, kind, scores


@dataclass(slots=True)
class TranslationUpdate:
    """What one add did in the translation stage."""

    languages: int = 0  #: known languages in the index
    representatives: int = 0  #: copy-group representatives the stage decided over
    candidates: int = 0  #: pairs across languages scored
    encoded: int = 0  #: leads and tails the encoder read in this add (the others were stored)
    pairs: int = 0  #: translation pairs found
    changed: set[int] = field(default_factory=set)  #: articles whose group row was written


def note_languages(
    conn: sqlite3.Connection, fresh: Sequence[tuple[int, Article]], removed: Sequence[int]
) -> None:
    """Store the language of each new article and forget the versions ``removed``."""
    found = [(seq, language_of(article)) for seq, article in fresh]
    conn.executemany("INSERT OR REPLACE INTO languages (seq, lang) VALUES (?, ?)", found)
    for table in ("languages", "translated", "copy_of"):
        conn.executemany(f"DELETE FROM {table} WHERE seq = ?", [(s,) for s in removed])
    _remember(conn, {lang for _, lang in found})


def _remember(conn: sqlite3.Connection, langs: set[str]) -> set[str]:
    """The known languages of the index, ``langs`` added (they are never forgotten: a
    language whose last article was replaced only costs a stage that finds nothing)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'languages'").fetchone()
    known = set(json.loads(row[0])) if row else set()
    if langs - known - {""}:
        known |= langs - {""}
        conn.execute(
            "INSERT OR REPLACE INTO meta VALUES ('languages', ?)", (json.dumps(sorted(known)),)
        )
    return known


def fill_languages(conn: sqlite3.Connection) -> None:
    """The languages of the current articles of a file migrated to schema 7."""
    rows = conn.execute(
        "SELECT seq, id, newsdedup_text(text), meta FROM articles WHERE current = 1"
    )
    fresh = []
    for seq, article_id, text, meta in rows:
        lang = (json.loads(meta) if meta else {}).get("lang")
        fresh.append((seq, Article(id=article_id, text=text, lang=lang)))
    note_languages(conn, fresh, [])


def update_translations(
    conn: sqlite3.Connection, config: Config, changed: set[int], encode: Encoder | None = None
) -> TranslationUpdate:
    """Decide the translations among every representative again, after an add whose copy step
    wrote the groups rows of ``changed`` (copy-group rows: their ``copy_of`` rows are stale),
    and write what changed."""
    known = _remember(conn, set())
    update = TranslationUpdate(languages=len(known))
    if not config.translate.enabled or len(known) < 2:
        return update
    conn.executemany("DELETE FROM copy_of WHERE seq = ?", [(s,) for s in changed])
    reps, langs, rank = _representatives(conn, config)
    update.representatives = len(reps)
    if _same_input(conn, reps, langs):  # each input is fixed per seq: the same decision
        stored = conn.execute("SELECT * FROM translated").fetchall()
        _apply(conn, {r[0]: tuple(r[1:]) for r in stored}, changed, update)
        return update
    keys = _keys(conn, config.translate, reps)
    m = len(reps)
    alone = Assignment(
        center=np.arange(m, dtype=np.int64),
        kind=np.zeros(m, np.int8),
        scores=np.full((m, len(SCORE_COLUMNS)), np.nan),
    )
    cached = _Cached(conn, encode or _encoder(config.translate))
    leads = _Leads(conn, reps)
    joined, found = translate_groups(
        langs, np.arange(m, dtype=np.int64), keys, leads, rank, alone, config.translate, cached
    )
    moved = {}
    for i, (p, partner) in found.via.items():
        pair = found.pairs[p]
        cosine = None if np.isnan(pair.cosine) else pair.cosine
        center = reps[int(joined.center[i])]
        moved[reps[i]] = (center, reps[partner], pair.score, cosine, pair.anchors, pair.margin)
    update.candidates, update.encoded, update.pairs = (
        found.candidates,
        cached.encoded,
        len(found.pairs),
    )
    _apply(conn, moved, changed, update)
    return update


def _same_input(conn: sqlite3.Connection, reps: list[int], langs: list[str]) -> bool:
    """Whether the representatives (and their languages) are those of the last decision; records
    them when not. Their keys, leads and ranks are fixed per seq (a new version is a new seq),
    so the same representatives make the same decision: an add of copies of stored articles
    alone skips the pass."""
    digest = xxhash.xxh3_128_hexdigest(
        np.asarray(reps, np.int64).tobytes() + "\0".join(langs).encode()
    )
    row = conn.execute("SELECT value FROM meta WHERE key = 'translation_input'").fetchone()
    if row is not None and row[0] == digest:
        return True
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('translation_input', ?)", (digest,))
    return False


def _encoder(config: TranslateConfig) -> Encoder:
    """The multilingual encoder as the batch's stage runs it (``encoder_settings``)."""
    return partial(encode_leads, **encoder_settings(config))


def _query_encoder(config: TranslateConfig) -> Encoder:
    """The encoder of a query: one thread (it reads a lead or two, one batch of the pass; the
    server's other requests want the other core), the same vectors."""
    return partial(encode_leads, **(encoder_settings(config) | {"threads": 1}))


#: The copy-group representatives with a known language, in arrival order (``g``: groups).
_REPRESENTATIVES = (
    "JOIN languages l ON l.seq = g.seq LEFT JOIN copy_of c ON c.seq = g.seq "
    "WHERE coalesce(c.rep, g.rep) = g.seq AND l.lang != '' ORDER BY g.seq"
)


def _representatives(
    conn: sqlite3.Connection, config: Config
) -> tuple[list[int], list[str], NDArray[np.int64]]:
    """The copy-group representatives with a known language in arrival order: seqs, languages
    and ``priority_ranks`` among them (the batch's order between them)."""
    rows = conn.execute(
        "SELECT g.seq, l.lang, a.id, f.published, f.n_words, f.traces "
        "FROM groups g JOIN articles a ON a.seq = g.seq "
        f"JOIN fingerprints f ON f.seq = g.seq {_REPRESENTATIVES}"
    ).fetchall()
    ids = [r[2] for r in rows]
    rank = priority_ranks(
        ids,
        np.array([r[3] for r in rows], np.int64),
        np.array([r[4] for r in rows], np.int64),
        np.array([r[5] for r in rows], np.int32),
        config.group.representative,
    )
    return [r[0] for r in rows], [r[1] for r in rows], rank


def _keys(
    conn: sqlite3.Connection, config: TranslateConfig, seqs: list[int]
) -> list[NDArray[np.uint64]]:
    """The anchor keys of ``seqs``: stored, or found with the lead from the stored text and
    stored (a representative of an index that was in one language, or a member that became
    one)."""
    stored = dict(select_in(conn, _stored_keys(config), seqs))
    missing = [s for s in seqs if stored.get(s) is None]
    rows = select_in(
        conn,
        "SELECT seq, title, newsdedup_text(text) FROM articles WHERE seq IN ({marks})",
        missing,
    )
    found = []
    for seq, keys, first in _stored_features(rows, config):
        stored[seq] = np.asarray(keys, np.uint64).tobytes()
        found.append((stored[seq], first, seq))
    conn.executemany("UPDATE languages SET keys = ?, lead = ? WHERE seq = ?", found)
    return [np.frombuffer(stored[s], np.uint64) for s in seqs]


def _stored_features(
    rows: Sequence[tuple[int, str | None, str]], config: TranslateConfig
) -> Iterator[tuple[int, NDArray[np.uint64], str]]:
    """Each stored article's (seq, title, text) anchor keys and lead, as ``article_features``
    makes them, a batch at a time (an index that gains a second language keys all of its
    representatives: the compiled scan reads a batch at once)."""
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        keys = anchor_keys_batch([anchored_text(text, title) for _, title, text in batch])
        for (seq, title, text), own in zip(batch, keys, strict=True):
            yield seq, own, encoder_input(text, title, config)


def _stored_keys(config: TranslateConfig) -> str:
    """The query of the stored (seq, keys) of some seqs: keys as NULL (to be found again,
    with the lead) where the stored lead lacks the tail the stage reads (a file from before
    tails: ``lead_and_tail``)."""
    if not config.tail_chars:
        return "SELECT seq, keys FROM languages WHERE seq IN ({marks})"
    return (
        f"SELECT seq, CASE WHEN instr(lead, char({ord(TAIL_BREAK)})) > 0 THEN keys END "
        "FROM languages WHERE seq IN ({marks})"
    )


#: Stored articles keyed at once.
_BATCH = 1024


class _Leads(Sequence[str]):
    """The stored leads of ``seqs`` (``_keys`` stored them), each read when the stage asks
    for it: the encoder reads a few of them, and most of those are in ``lead_vectors``
    already."""

    def __init__(self, conn: sqlite3.Connection, seqs: list[int]):
        self._conn, self._seqs = conn, seqs

    def __len__(self) -> int:
        return len(self._seqs)

    def __getitem__(self, i: Any) -> Any:
        row = self._conn.execute("SELECT lead FROM languages WHERE seq = ?", (self._seqs[i],))
        return row.fetchone()[0]


class _Cached:
    """``encode`` through the ``lead_vectors`` table: a lead read once is never read again."""

    def __init__(self, conn: sqlite3.Connection, encode: Encoder, store: bool = True) -> None:
        self._conn, self._encode, self._store = conn, encode, store  #: store: False for a read
        self.encoded = 0

    def __call__(self, leads: list[str]) -> NDArray[np.float32]:
        # an empty or blank lead is a zero row, as the encoder makes it (encode_leads), and is
        # neither encoded nor stored (a query's unread articles are empty leads)
        at = [k for k, t in enumerate(leads) if t.strip()]
        hashes = [_lead_hash(leads[k]) for k in at]
        found = {
            h: np.frombuffer(v, np.float32)
            for h, v in select_in(
                self._conn, "SELECT hash, vector FROM lead_vectors WHERE hash IN ({marks})", hashes
            )
        }
        todo = {h: leads[k] for h, k in zip(hashes, at, strict=True) if h not in found}
        if todo:
            vectors = np.asarray(self._encode(list(todo.values())), np.float32)
            self.encoded += len(todo)
            for h, v in zip(todo, vectors, strict=True):
                found[h] = v
        if todo and self._store:
            self._conn.executemany(
                "INSERT OR REPLACE INTO lead_vectors VALUES (?, ?)",
                [(h, found[h].tobytes()) for h in todo],
            )
        out = np.zeros((len(leads), DIM), np.float32)
        for k, h in zip(at, hashes, strict=True):
            out[k] = found[h]
        return out


def _lead_hash(lead: str) -> int:
    """A lead's key in ``lead_vectors`` (a signed 64-bit hash of its text)."""
    return int(
        np.uint64(xxhash.xxh3_64_intdigest(lead.encode("utf-8", "surrogatepass"))).view(np.int64)
    )


def _apply(
    conn: sqlite3.Connection,
    moved: dict[int, tuple[Any, ...]],
    changed: set[int],
    update: TranslationUpdate,
) -> None:
    """Write the decision ``moved`` (representative -> its new center and the pair): the
    ``translated`` rows that differ, and the groups rows of the members of each group whose
    center changed and of the articles the copy step rewrote (``changed``)."""
    before = {r[0]: tuple(r[1:]) for r in conn.execute("SELECT * FROM translated")}
    regroup = {r for r in moved.keys() | before.keys() if _center(moved, r) != _center(before, r)}
    gone = [(r,) for r in before.keys() - moved.keys()]
    conn.executemany("DELETE FROM translated WHERE seq = ?", gone)
    conn.executemany(
        "INSERT OR REPLACE INTO translated VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(r, *v) for r, v in moved.items() if before.get(r) != v],
    )
    centers = {int(v[0]) for v in moved.values()}
    ids = dict(select_in(conn, "SELECT seq, id FROM articles WHERE seq IN ({marks})", centers))
    for seq in sorted(set(changed) | _members(conn, regroup)):
        _place(conn, seq, moved, ids, update)


def _center(decision: dict[int, tuple[Any, ...]], rep: int) -> int | None:
    value = decision.get(rep)
    return None if value is None else int(value[0])


def _members(conn: sqlite3.Connection, reps: set[int]) -> set[int]:
    """The articles whose copy-group representative is one of ``reps``."""
    if not reps:
        return set()
    out = {r[0] for r in select_in(conn, "SELECT seq FROM copy_of WHERE rep IN ({marks})", reps)}
    ids = dict(select_in(conn, "SELECT seq, id FROM articles WHERE seq IN ({marks})", reps))
    gids = [group_id(ids[r]) for r in reps if r in ids]
    out |= {
        r[0]
        for r in select_in(
            conn,
            "SELECT seq FROM groups WHERE gid IN ({marks}) "
            "AND seq NOT IN (SELECT seq FROM copy_of)",
            gids,
        )
    }
    return out


def _place(
    conn: sqlite3.Connection,
    seq: int,
    moved: dict[int, tuple[Any, ...]],
    ids: dict[int, str],
    update: TranslationUpdate,
) -> None:
    """Write one article's groups row: its copy group's, or, when that group joined another,
    the merged group's with kind translation (its copy-group row kept in ``copy_of``)."""
    saved = conn.execute("SELECT * FROM copy_of WHERE seq = ?", (seq,)).fetchone()
    current = conn.execute("SELECT * FROM groups WHERE seq = ?", (seq,)).fetchone()
    if current is None:
        return
    own = tuple(saved) if saved is not None else tuple(current)
    rep = int(own[1])
    if rep in moved:
        center = int(moved[rep][0])
        row = (seq, center, group_id(ids[center]), _TRANSLATION) + (None,) * len(SCORE_COLUMNS)
        if saved is None:
            conn.execute(f"INSERT INTO copy_of VALUES ({', '.join('?' * _ROW)})", own)
    else:
        row = own
        if saved is not None:
            conn.execute("DELETE FROM copy_of WHERE seq = ?", (seq,))
    if tuple(current) != row:
        conn.execute(f"INSERT OR REPLACE INTO groups VALUES ({', '.join('?' * _ROW)})", row)
        update.changed.add(seq)


class QueryFeatures:
    """What the queries of one open Index keep between them: each stored representative's
    anchor keys and lead once read (a seq's text never changes, so an entry never goes
    stale), and per read connection the postings of the representatives
    (``relate/translate_query.StoredAnchors``), built again when another connection has
    committed since (``PRAGMA data_version``: an add, a delete, another process)."""

    def __init__(self) -> None:
        self._keys: dict[int, NDArray[np.uint64]] = {}
        self._leads: dict[int, str] = {}
        self._states: dict[int, _State] = {}  #: by id() of the connection it holds

    def state(self, conn: sqlite3.Connection, config: TranslateConfig) -> _State:
        """The representatives as ``conn`` sees them now."""
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        held = self._states.get(id(conn))
        if held is not None and held.conn is conn and held.version == version:
            return held
        seqs, langs = _languages_of_representatives(conn)
        if held is None or held.conn is not conn or (held.seqs, held.langs) != (seqs, langs):
            keys = self._read_keys(conn, config, seqs)
            held = _State(conn, version, seqs, langs, stored_anchors(langs, keys))
        held.version = version
        self._states[id(conn)] = held
        return held

    def _read_keys(
        self, conn: sqlite3.Connection, config: TranslateConfig, seqs: list[int]
    ) -> list[NDArray[np.uint64]]:
        """``_keys`` read only, each seq's once: those not stored are found from the stored
        text (with their leads)."""
        todo = [s for s in seqs if s not in self._keys]
        stored = dict(select_in(conn, _stored_keys(config), todo))
        missing = [s for s in todo if stored.get(s) is None]
        sql = "SELECT seq, title, newsdedup_text(text) FROM articles WHERE seq IN ({marks})"
        for seq, keys, first in _stored_features(select_in(conn, sql, missing), config):
            self._keys[seq], self._leads[seq] = keys, first
        for seq, keys in stored.items():
            if keys is not None:
                self._keys[seq] = np.frombuffer(keys, np.uint64)
        return [self._keys[s] for s in seqs]

    def lead(self, conn: sqlite3.Connection, seq: int) -> str:
        """Representative ``seq``'s lead (stored by ``_keys``, or found with its keys)."""
        if seq not in self._leads:
            row = conn.execute("SELECT lead FROM languages WHERE seq = ?", (seq,)).fetchone()
            self._leads[seq] = row[0]
        return self._leads[seq]


@dataclass(slots=True)
class _State:
    """The representatives (seqs and languages, in arrival order) and their postings, as one
    read connection saw them at its ``data_version``."""

    conn: sqlite3.Connection
    version: int
    seqs: list[int]
    langs: list[str]
    anchors: StoredAnchors


def query_translations(
    conn: sqlite3.Connection,
    config: Config,
    article: Article,
    features: QueryFeatures | None = None,
    encode: Encoder | None = None,
) -> list[tuple[int, TranslationScores]]:
    """The stored representatives that ``article`` (cleaned, with no stored copy) would be
    tied to as a translation, with the pair's figures: the add's decision (the stage over every
    representative, ``article`` last), read only, taken over the representatives it depends
    on (relate/translate_query.py). Nothing is looked up for an article whose language is the
    index's only one, nor decided for one that shares no counted anchor key with an article in
    another language (it can have no candidate; with ``encoder = "all"``, only the first). The
    encoder reads the leads not in ``lead_vectors`` (the query's, where a pair of it needs it)
    and stores none; ``features`` (the Index's) keeps what one query read for the next."""
    c = config.translate
    lang = language_of(article)
    if not c.enabled or not lang or not (_remember(conn, set()) - {lang}):
        return []
    features = QueryFeatures() if features is None else features
    state = features.state(conn, c)
    _, own, lead = article_features(article, c, lang)
    cached = _Cached(conn, encode or _query_encoder(c), store=False)
    lead_of = lambda i: features.lead(conn, state.seqs[i])  # noqa: E731
    found = query_pairs(state.anchors, lang, own, lead, lead_of, c, cached)
    seqs = [state.seqs[p] for p, _ in found]
    ids = dict(select_in(conn, "SELECT seq, id FROM articles WHERE seq IN ({marks})", seqs))
    out = []
    for seq, (p, t) in zip(seqs, found, strict=True):
        why = TranslationScores(
            partner=ids[seq],
            lang=lang,
            partner_lang=state.langs[p],
            score=t.score,
            cosine=None if np.isnan(t.cosine) else t.cosine,
            anchors=t.anchors,
            margin=t.margin,
        )
        out.append((seq, why))
    return out


def _languages_of_representatives(conn: sqlite3.Connection) -> tuple[list[int], list[str]]:
    """``_representatives`` without their ranks (a query decides no group's center)."""
    rows = conn.execute(f"SELECT g.seq, l.lang FROM groups g {_REPRESENTATIVES}").fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


def translation_of(conn: sqlite3.Connection, seq: int) -> tuple[Any, ...] | None:
    """Why article ``seq`` is a translation: (partner id, its language, the partner's language,
    score, cosine, anchors, margin) of the pair that tied its copy group in, else None."""
    row = conn.execute(
        "SELECT a.id, l.lang, p.lang, t.score, t.cosine, t.anchors, t.margin "
        "FROM copy_of c JOIN translated t ON t.seq = c.rep JOIN articles a ON a.seq = t.partner "
        "JOIN languages l ON l.seq = c.seq JOIN languages p ON p.seq = t.partner "
        "WHERE c.seq = ?",
        (seq,),
    ).fetchone()
    return None if row is None else tuple(row)
