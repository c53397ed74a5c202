"""The short-document candidate path in the living index (store/contained.py): briefs cut from
longer articles, too far from them in Jaccard for LSH, end in their sources' groups as in the
batch, whatever the order and the batching of the adds."""

from __future__ import annotations

import dataclasses
import itertools
import random
import sqlite3
from datetime import timedelta
from functools import cache
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdedup import Article, Config, find_copies
from newsdedup.candidates.contained import SAMPLE, contained_pairs
from newsdedup.fingerprint.batch import fingerprint_articles
from newsdedup.report import Report
from newsdedup.store import contained as store_contained
from newsdedup.store.contained import PENDING
from newsdedup.store.index import Index
from newsdedup.store.ingest import prepare
from newsdedup.store.schema import SCHEMA_VERSION
from newsdedup.synth import generate_corpus
from newsdedup.synth.brief import cut_brief

#: Every row of the shingles table, both levels (store/levels.py).
SHINGLES = "(SELECT key, seq FROM shingles UNION ALL SELECT key, seq FROM shingles_recent)"

CONFIG = Config()


@cache
def corpus() -> tuple[tuple[Article, ...], tuple[Article, ...], tuple[Article, ...]]:
    """(generated articles, the sources of the briefs, the briefs), briefs dated after."""
    generated = generate_corpus(120, seed=13, copy_rate=0.3, words=900)
    originals = [
        a for a, t in zip(generated.articles, generated.truth, strict=True) if t.kind == "original"
    ]
    rng = random.Random(2)
    sources = rng.sample(originals, 40)
    briefs = tuple(
        Article(
            id=f"brief-{a.id}",
            text=cut_brief(a.text, rng),
            published=a.published + timedelta(hours=2) if a.published else None,
        )
        for a in sources
    )
    return tuple(generated.articles), tuple(sources), briefs


@cache
def missed_by_lsh() -> frozenset[str]:
    """The briefs LSH alone does not group with their source (the path off in the batch)."""
    articles, sources, briefs = corpus()
    off = find_copies([*articles, *briefs], CONFIG.override({"verify.short_doc_words": "0"}))
    group = {m.id: g.id for g in off.groups for m in g.members}
    return frozenset(
        b.id for a, b in zip(sources, briefs, strict=True) if group[a.id] != group[b.id]
    )


def membership(index: Index, ids: list[str]) -> dict[str, tuple[str, int, object]]:
    """id -> (group, kind code, jaccard to the representative) as the index holds them."""
    rows = index._conn().execute(
        "SELECT a.id, g.gid, g.kind, g.s0 FROM groups g JOIN articles a ON a.seq = g.seq "
        "WHERE a.current = 1"
    )
    held = {r[0]: (r[1], r[2], None if r[3] is None else round(r[3], 9)) for r in rows}
    return {i: held[i] for i in ids}


def batch_membership(articles: list[Article], config: Config = CONFIG) -> dict[str, tuple]:  # type: ignore[type-arg]
    codes = {"original": 0, "exact": 1, "near": 2, "rewrite": 3, "excerpt": 4, "condensed": 5}
    result = find_copies(articles, config)
    return {
        m.id: (g.id, codes[m.kind.value], None if m.scores is None else round(m.scores.jaccard, 9))
        for g in result.groups
        for m in g.members
    }


SHORT_PAIRS = "newsdedup.store.copies.short_pairs"  # what copies.py calls


@pytest.fixture
def proposed(monkeypatch: pytest.MonkeyPatch) -> set[tuple[int, int]]:
    """Every pair the index's short path proposes (seqs), over all adds of a test."""
    found: set[tuple[int, int]] = set()

    def recording(
        conn: sqlite3.Connection, config: Config, heads: list[int]
    ) -> set[tuple[int, int]]:
        pairs = store_contained.short_pairs(conn, config, heads)
        found.update(pairs)
        return pairs

    monkeypatch.setattr(SHORT_PAIRS, recording)
    return found


def short_pairs_now(index: Index, proposed: set[tuple[int, int]]) -> int:
    """The proposed pairs whose two ends are still exact-class heads."""
    heads = {r[0] for r in index._conn().execute("SELECT seq FROM fingerprints WHERE head = 1")}
    return sum(a in heads and b in heads for a, b in proposed)


def check_table(index: Index) -> int:
    """``shingles`` holds exactly the sampled shingles of the heads with shingles; its rows."""
    conn = index._conn()
    expected: set[tuple[int, int]] = set()
    for seq, blob in conn.execute("SELECT seq, sets FROM fingerprints WHERE head = 1"):
        values = np.frombuffer(blob, np.uint32)
        keys = values[(values & np.uint32(SAMPLE - 1)) == 0].view(np.int32)
        expected.update((k, seq) for k in keys.tolist())
    rows = conn.execute(f"SELECT key, seq FROM {SHINGLES}").fetchall()
    held = set(rows)
    assert held == expected
    assert len(rows) == len(held)  # a row in one level only
    return len(held)


def grouped(member: dict[str, tuple], a: str, b: str) -> bool:  # type: ignore[type-arg]
    return bool(member[a][0] == member[b][0])


def most_held(index: Index) -> int:
    """The most heads holding one sampled shingle."""
    row = (
        index._conn()
        .execute(f"SELECT max(n) FROM (SELECT count(*) AS n FROM {SHINGLES} GROUP BY key)")
        .fetchone()
    )
    return int(row[0] or 0)


def check_briefs(index: Index, arrival: list[Article], proposed: set[tuple[int, int]]) -> None:
    """The index's short-path pairs are as many as the batch's, its groups are the batch's over
    the same articles, and so every brief LSH misses is with its source. (No shingle grows past
    ``short_doc_max_bucket`` in this corpus: see test_index_pairs_made_before_the_bound_stay.)"""
    _, sources, briefs = corpus()
    assert most_held(index) <= CONFIG.verify.short_doc_max_bucket
    assert short_pairs_now(index, proposed) == find_copies(arrival, CONFIG).stats.short_pairs
    ids = [a.id for a in arrival]
    member = membership(index, ids)
    assert member == batch_membership(arrival)
    missed = missed_by_lsh()
    assert len(missed) >= 8, "the corpus must have briefs that LSH misses"
    for source, b in zip(sources, briefs, strict=True):
        if b.id in missed:
            assert grouped(member, source.id, b.id), b.id
    check_table(index)


@pytest.mark.parametrize("order", ["briefs_after", "briefs_before", "each_brief_alone", "one_add"])
def test_index_groups_briefs_with_their_sources_as_the_batch(
    tmp_path: Path, order: str, proposed: set[tuple[int, int]]
) -> None:
    articles, _, briefs = corpus()
    with Index(tmp_path / "x.db", CONFIG) as index:
        if order == "briefs_after":
            arrival = [*articles, *briefs]
            index.add(articles)
            index.add(briefs)
        elif order == "briefs_before":
            arrival = [*briefs, *articles]
            index.add(briefs)
            index.add(articles)
        elif order == "each_brief_alone":
            arrival = [*articles, *briefs]
            index.add(articles)
            for b in briefs:
                index.add([b])
        else:
            arrival = [*articles, *briefs]
            index.add(arrival)
        check_briefs(index, arrival, proposed)


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), cuts=st.lists(st.integers(1, 159), max_size=6))
def test_index_briefs_in_any_order_and_batching(  # type: ignore[no-untyped-def]
    tmp_path_factory, proposed, seed: int, cuts: list[int]
) -> None:
    proposed.clear()
    articles, _, briefs = corpus()
    arrival = [*articles, *briefs]
    random.Random(seed).shuffle(arrival)
    bounds = [0, *sorted(set(cuts)), len(arrival)]
    with Index(tmp_path_factory.mktemp("db") / "x.db", CONFIG) as index:
        for lo, hi in itertools.pairwise(bounds):
            index.add(arrival[lo:hi])
        check_briefs(index, arrival, proposed)


def test_index_short_path_bound_in_one_add_is_the_batch(
    tmp_path: Path, proposed: set[tuple[int, int]]
) -> None:
    """With a tiny ``short_doc_max_bucket`` many shingles are skipped; in one add the counts are
    the whole corpus's, so the pairs are the batch's exactly."""
    config = CONFIG.override({"verify.short_doc_max_bucket": "2"})
    articles, _, briefs = corpus()
    arrival = [*articles, *briefs]
    with Index(tmp_path / "x.db", config) as index:
        index.add(arrival)
        over = index._conn().execute(
            f"SELECT count(*) FROM (SELECT key FROM {SHINGLES} GROUP BY key HAVING count(*) > 2)"
        )
        assert over.fetchone()[0] > 100
        assert short_pairs_now(index, proposed) == find_copies(arrival, config).stats.short_pairs
        assert membership(index, [a.id for a in arrival]) == batch_membership(arrival, config)


def test_index_pairs_made_before_the_bound_stay(tmp_path: Path) -> None:
    """A shingle held by more than ``short_doc_max_bucket`` heads (the newcomer counted) gives
    the newcomer no pair, as in the batch; the pairs it helped make before it grew stay, the
    policy of capped LSH buckets (docs/index.md, limits): the one corner where index != batch."""
    words = [f"w{i:03d}x" for i in range(300)]
    shared = " ".join(words[:40])  # a long passage in every document below
    texts = [shared + " " + " ".join(f"v{d}{i:03d}q" for i in range(30)) for d in range(4)]
    config = CONFIG.override({"verify.short_doc_max_bucket": "3", "lsh.bands": "2"})
    articles = [Article(id=f"d{d}", text=t) for d, t in enumerate(texts)]
    batch = batch_membership(articles, config)
    assert len({g for g, _, _ in batch.values()}) == 4  # 4 holders > 3: no pair in the batch
    with Index(tmp_path / "one.db", config) as index:
        index.add(articles)
        assert index.stats()["edges"] == 0
        assert membership(index, [a.id for a in articles]) == batch
    with Index(tmp_path / "two.db", config) as index:
        index.add(articles[:3])
        assert index.stats()["edges"] == 3  # three holders: every pair on the shared passage
        index.add(articles[3:])
        assert index.stats()["edges"] == 3  # none for d3; d0-d2 keep theirs
        assert membership(index, ["d3"]) == {"d3": batch["d3"]}
        assert index.stats()["groups"] == 2
        check_table(index)


def test_index_new_version_leaves_the_shingles_table(tmp_path: Path) -> None:
    articles, sources, briefs = corpus()
    source, b = next(
        (s, b) for s, b in zip(sources, briefs, strict=True) if b.id in missed_by_lsh()
    )
    other = next(a for a in articles if a.id not in {s.id for s in sources})
    edited = dataclasses.replace(other, id=source.id)
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add([*articles, *briefs])
        assert grouped(membership(index, [source.id, b.id]), source.id, b.id)
        index.add([edited])
        current = [edited if a.id == source.id else a for a in [*articles, *briefs]]
        member = membership(index, [a.id for a in current])
        assert not grouped(member, source.id, b.id)
        assert member == batch_membership(current)
        check_table(index)


def test_index_migrated_file_gains_the_short_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A schema-3 file (built without the path) migrates: the table is filled from the stored
    shingle sets, and the next add finds the short-path pairs among the old articles too."""
    articles, _, briefs = corpus()
    path = tmp_path / "old.db"
    monkeypatch.setattr(SHORT_PAIRS, lambda conn, config, heads: set())
    with Index(path, CONFIG) as index:
        index.add([*articles[:100], *briefs])
        before = membership(index, [b.id for b in briefs])
    monkeypatch.undo()
    conn = sqlite3.connect(path, isolation_level=None)  # back to what schema 3 made
    conn.execute("DROP TABLE shingles")
    conn.execute("DROP TABLE shingles_recent")
    conn.execute("PRAGMA user_version=3")
    conn.close()
    old = batch_membership([*articles[:100], *briefs])
    assert any(before[b.id][0] != old[b.id][0] for b in briefs)  # briefs LSH missed: alone
    with Index(path, CONFIG) as index:
        assert index.migrated_from == 3
        assert index.stats()["schema_version"] == SCHEMA_VERSION
        assert check_table(index) > 0
        assert index._conn().execute("SELECT 1 FROM meta WHERE key = ?", (PENDING,)).fetchone()
        index.add(articles[100:])
        assert (
            index._conn().execute("SELECT 1 FROM meta WHERE key = ?", (PENDING,)).fetchone() is None
        )
        arrival = [*articles[:100], *briefs, *articles[100:]]
        assert membership(index, [a.id for a in arrival]) == batch_membership(arrival)
        check_table(index)


def test_query_of_a_brief_finds_the_source_lsh_misses(tmp_path: Path) -> None:
    """``query`` answers as ``add`` would: a brief that only the short path pairs with its
    source finds it, without being stored; with the path off it does not."""
    articles, sources, briefs = corpus()
    missed = [(a, b) for a, b in zip(sources, briefs, strict=True) if b.id in missed_by_lsh()]
    assert missed
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add(articles)
        rows = index.stats()
        for source, brief in missed:
            found = {link.id for link in index.query(brief).copies}
            assert source.id in found, brief.id
        assert index.stats() == rows  # nothing written
    off = CONFIG.override({"verify.short_doc_words": "0"})
    with Index(tmp_path / "off.db", off) as index:
        index.add(articles)
        assert all(
            source.id not in {link.id for link in index.query(brief).copies}
            for source, brief in missed
        )


@pytest.mark.parametrize("bound", ["50", "3"])
def test_query_partners_are_the_batch_rule(tmp_path: Path, bound: str) -> None:
    """``query_partners`` names exactly the stored heads that the batch's rule
    (``contained_pairs``, called here, not restated) pairs with the queried text counted as one
    more document among the stored heads: for briefs and whole articles, with the default bound
    on a shingle's holders and a tiny one (many shingles past it: the bounded counts decide)."""
    config = CONFIG.override({"verify.short_doc_max_bucket": bound})
    articles, _, briefs = corpus()
    stored, queries = [*articles, *briefs[:20]], [*briefs[20:], *articles[:10]]
    found = 0
    with Index(tmp_path / "x.db", config) as index:
        index.add(stored)
        conn = index._conn()
        heads = conn.execute("SELECT seq, n_content, sets FROM fingerprints WHERE head = 1")
        seqs, words, blobs = zip(*heads.fetchall(), strict=True)
        if bound == "3":
            assert most_held(index) > 3
        for query in queries:
            cleaned = next(prepare([query], config, Report()))
            fp = fingerprint_articles([cleaned], config)
            got = store_contained.query_partners(conn, config, fp.sets, int(fp.n_content[0]))
            parts = [np.frombuffer(b, np.uint32) for b in blobs] + [fp.sets]
            offsets = np.concatenate(([0], np.cumsum([len(p) for p in parts]))).astype(np.int64)
            n_content = np.array([*words, int(fp.n_content[0])], np.int64)
            pairs, _ = contained_pairs(
                np.concatenate(parts),
                offsets,
                np.ones(len(parts), np.bool_),
                short_words=n_content <= config.verify.short_doc_words,
                max_bucket=config.verify.short_doc_max_bucket,
                min_containment=config.verify.min_candidate_containment,
            )
            expected = {seqs[a] for a, b in pairs.tolist() if b == len(seqs)}
            assert got == expected, query.id
            found += len(got)
    assert found >= len(queries) // 2


@cache
def short_texts() -> tuple[Article, ...]:
    """Short texts of pseudo-words with planted copies (benchmarks/corpora.py ``short``): many
    pairs share one band key through a frequent bigram."""
    import tempfile

    from tests.scripts import load_script

    corpora = load_script("benchmarks/corpora.py", "bench_corpora")
    with tempfile.TemporaryDirectory() as folder:
        inp, _ = corpora.ensure("short", Path(folder), 1500, 0)
        with inp.open("rb") as lines:
            return tuple(Article(id=r["id"], text=r["text"]) for r in map(orjson.loads, lines))


def test_index_short_doc_bands_two_is_the_batch_in_one_add(tmp_path: Path) -> None:
    """``verify.short_doc_bands`` 2 (a short side needs two band keys; the short path finds
    the rest) is one rule for the batch and the index, on short texts where it drops one-band
    pairs that 1 keeps and changes some groups. In one add the short path's counts are the
    whole corpus's; over several adds the index can keep pairs made before a shingle passed
    ``short_doc_max_bucket`` (docs/index.md), which 2 leaves visible where 1 hid them."""
    config = CONFIG.override({"verify.short_doc_bands": "2"})
    arrival = list(short_texts())
    assert find_copies(arrival, config).stats.thin_pairs > 0
    assert batch_membership(arrival, config) != batch_membership(arrival)
    with Index(tmp_path / "x.db", config) as index:
        index.add(arrival)
        assert membership(index, [a.id for a in arrival]) == batch_membership(arrival, config)
