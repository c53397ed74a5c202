"""The living index: equal to the batch, incremental, versioned, migratable, thread-safe."""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdedup import Config, find_copies, find_stories
from newsdedup.errors import StoreError
from newsdedup.group.stories import publication_order
from newsdedup.group.stories.records import story_id
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.store.contract import IndexProtocol
from newsdedup.store.index import Index
from newsdedup.store.levels import merge
from newsdedup.store.rows import LEVELED, levels, postings
from newsdedup.store.schema import SCHEMA_VERSION, connect, migrate
from newsdedup.synth import generate_corpus
from newsdedup.types import Article

# the default settings: the short-document candidate path (candidates/contained.py) included
CONFIG = Config()
FIXTURE = HealthCheck.function_scoped_fixture


@cache
def corpus(n: int = 500, seed: int = 5) -> tuple[Article, ...]:
    """Generated articles with planted copies of every kind, in publication order."""
    articles = list(generate_corpus(n, seed=seed, words=120, copy_rate=0.35).articles)
    order, _ = publication_order(articles, CONFIG.stories)
    return tuple(articles[i] for i in order)


@cache
def batch_result(n: int = 500, seed: int = 5):  # type: ignore[no-untyped-def]
    articles = list(corpus(n, seed))
    copies = find_copies(articles, CONFIG)
    return copies, find_stories(articles, CONFIG, copies=copies)


def membership(index: Index, ids: list[str]) -> dict[str, tuple[str, str, object]]:
    """id -> (group, kind, scores) as the index holds them."""
    out = {}
    for i in ids:
        stored = index.article(i)
        assert stored is not None, i
        row = (
            index._conn()
            .execute(
                "SELECT g.kind, g.s0 FROM groups g JOIN articles a ON a.seq = g.seq "
                "WHERE a.id = ? AND a.current = 1",
                (i,),
            )
            .fetchone()
        )
        kind, scores = row[0], None if row[1] is None else round(row[1], 9)
        out[i] = (stored.group, kind, scores)
    return out


def batch_membership(result) -> dict[str, tuple[str, str, object]]:  # type: ignore[no-untyped-def]
    codes = {"original": 0, "exact": 1, "near": 2, "rewrite": 3, "excerpt": 4, "condensed": 5}
    return {
        m.id: (g.id, codes[m.kind.value], None if m.scores is None else round(m.scores.jaccard, 9))
        for g in result.groups
        for m in g.members
    }


def partition(of: dict[str, str]) -> set[frozenset[str]]:
    """Articles grouped by the id ``of`` maps them to."""
    parts: dict[str, set[str]] = {}
    for article_id, key in of.items():
        parts.setdefault(key, set()).add(article_id)
    return {frozenset(p) for p in parts.values()}


def assert_batch_stories(index: Index, ids: list[str], expected) -> None:  # type: ignore[no-untyped-def]
    """Stories and topics equal ``find_stories``': as partitions, by id, record for record."""
    story_of = {i: index.article(i).story for i in ids}  # type: ignore[union-attr]
    assert partition(story_of) == partition(expected.story_of)
    assert story_of == expected.story_of
    topic_of = {i: index.story(story_of[i]).topic for i in ids}  # type: ignore[union-attr]
    assert partition(topic_of) == partition(expected.topic_of)
    assert topic_of == expected.topic_of
    for story in expected.stories:
        assert index.story(story.id) == story
    assert index.stats()["stories"] == len(expected.stories)
    assert index.stats()["topics"] == len(expected.topics)


def ingest(path: Path, articles: list[Article], cuts: list[int]) -> Index:
    index = Index(path, CONFIG)
    bounds = [0, *sorted(set(cuts)), len(articles)]
    for lo, hi in itertools.pairwise(bounds):
        index.add(articles[lo:hi])
    return index


def test_index_implements_the_contract(tmp_path: Path) -> None:
    with Index(tmp_path / "x.db") as index:
        assert isinstance(index, Index)
        protocol_methods = {m for m in dir(IndexProtocol) if not m.startswith("_")}
        assert protocol_methods <= set(dir(index))


def test_index_batches_equal_the_batch_run(tmp_path: Path) -> None:
    articles = list(corpus())
    copies, stories = batch_result()
    with ingest(tmp_path / "x.db", articles, [37, 150, 151, 320]) as index:
        ids = [a.id for a in articles]
        assert membership(index, ids) == batch_membership(copies)
        assert_batch_stories(index, ids, stories)


def test_index_compacted_keeps_every_answer_and_later_adds(tmp_path: Path) -> None:
    """Compacting rewrites the pages, not the contents: every article and its copies read the
    same after it, the file does not grow, and an add after it gives the batch run's groups and
    stories, as the same add gives to a file never compacted."""
    articles = list(corpus())
    copies, stories = batch_result()
    ids = [a.id for a in articles]
    cuts = list(range(25, 400, 25))  # many small adds: pages split all over the B-trees
    with (
        ingest(tmp_path / "x.db", articles[:400], cuts) as index,
        ingest(tmp_path / "y.db", articles[:400], cuts) as plain,
    ):
        held = {i: (index.article(i), index.copies(i)) for i in ids[:400]}
        out = index.compact()
        assert out["bytes_after"] <= out["bytes_before"] > 0
        assert {i: (index.article(i), index.copies(i)) for i in ids[:400]} == held
        assert index.stats()["file_bytes"] == out["bytes_after"]
        assert not Path(f"{tmp_path / 'x.db'}-wal").exists() or (
            Path(f"{tmp_path / 'x.db'}-wal").stat().st_size == 0
        )
        for db in (index, plain):
            db.add(articles[400:])
        assert membership(index, ids) == batch_membership(copies) == membership(plain, ids)
        assert_batch_stories(index, ids, stories)
        assert index.stats() | {"file_bytes": 0} == plain.stats() | {"file_bytes": 0}


def test_index_one_call_equals_the_batch_run(tmp_path: Path) -> None:
    articles = list(corpus())
    with ingest(tmp_path / "x.db", articles, []) as index:
        assert_batch_stories(index, [a.id for a in articles], batch_result()[1])


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cuts=st.lists(st.integers(1, 199), max_size=5), seed=st.integers(0, 2**16))
def test_index_any_batching_and_order_gives_the_batch(tmp_path_factory, cuts, seed) -> None:  # type: ignore[no-untyped-def]
    """Cut anywhere, shuffled or not: the groups and stories of the batch."""
    articles = list(corpus(200, 9))
    if seed % 2:
        random.Random(seed).shuffle(articles)
    copies, stories = batch_result(200, 9)
    path = tmp_path_factory.mktemp("db") / "x.db"
    with ingest(path, articles, cuts) as index:
        ids = [a.id for a in articles]
        assert membership(index, ids) == batch_membership(copies)  # no article lost, same groups
        assert_batch_stories(index, ids, stories)


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(picks=st.lists(st.integers(0, 199), min_size=1, max_size=30))
def test_index_readding_is_a_noop(tmp_path_factory, picks: list[int]) -> None:  # type: ignore[no-untyped-def]
    articles = list(corpus(200, 9))
    path = tmp_path_factory.mktemp("db") / "x.db"
    with Index(path, CONFIG) as index:
        index.add(articles)
        before = index.stats()
        groups = membership(index, [a.id for a in articles])
        again = index.add([articles[i] for i in picks])
        assert {a.status for a in again.added} == {"unchanged"}
        after = index.stats()
        keys = ("articles", "versions", "groups", "stories", "edges", "story_edges", "topics")
        assert {k: after[k] for k in keys} == {k: before[k] for k in keys}
        assert membership(index, [a.id for a in articles]) == groups


def _components(n: int, pairs: np.ndarray) -> list[np.ndarray]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(int(a))] = find(int(b))
    roots = [find(d) for d in range(n)]
    return [np.flatnonzero(np.array(roots) == r) for r in sorted(set(roots))]


def test_index_component_regrouping_equals_the_whole_graph(tmp_path: Path) -> None:
    """star_groups inside one connected component depends only on that component (the claim
    incremental regrouping rests on), over the verified edges of a real corpus."""
    from newsdedup.group.copies import star_groups
    from newsdedup.group.representative import priority_ranks
    from newsdedup.relate.kind import verifier
    from newsdedup.store.rows import load_fingerprints

    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add(list(corpus()))
        conn = index._conn()
        seqs = [r[0] for r in conn.execute("SELECT seq FROM fingerprints WHERE head = 1")]
        edges = conn.execute("SELECT * FROM edges").fetchall()
        fp, ids = load_fingerprints(conn, seqs, CONFIG.fingerprint_id)
    at = {s: i for i, s in enumerate(seqs)}
    pairs = np.array([[at[e[0]], at[e[1]]] for e in edges], np.int64)
    codes = np.array([e[2] for e in edges], np.int8)
    scores = np.array([e[3 : 3 + len(SCORE_COLUMNS)] for e in edges], np.float64)
    assert len(pairs) > 20, "the corpus must have copies"
    rank = priority_ranks(ids, fp.published, fp.n_words, fp.traces, CONFIG.group.representative)
    verify = verifier(fp, CONFIG)
    whole = star_groups(len(seqs), rank, pairs, codes, scores, verify)
    for nodes in _components(len(seqs), pairs):
        local = {int(d): i for i, d in enumerate(nodes)}
        keep = np.array([int(a) in local for a, _ in pairs])
        sub = np.array([[local[int(a)], local[int(b)]] for a, b in pairs[keep]], np.int64)

        def sub_verify(m: int, r: int, nodes: np.ndarray = nodes):  # type: ignore[no-untyped-def]
            return verify(int(nodes[m]), int(nodes[r]))

        part = star_groups(
            len(nodes), rank[nodes], sub.reshape(-1, 2), codes[keep], scores[keep], sub_verify
        )
        assert (nodes[part.center] == whole.center[nodes]).all()
        assert (part.kind == whole.kind[nodes]).all()


def test_index_earlier_exact_copy_takes_over_the_head(tmp_path: Path) -> None:
    base = corpus()[3]
    later = dataclasses.replace(base, id="late", published=datetime(2030, 1, 2, tzinfo=UTC))
    early = dataclasses.replace(base, id="early", published=datetime(2030, 1, 1, tzinfo=UTC))
    near_words = base.text.split()
    near = dataclasses.replace(
        base, id="near", text=" ".join(near_words[:-3]), published=datetime(2030, 1, 3, tzinfo=UTC)
    )
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add([later, near])
        index.add([early])
        expected = batch_membership(find_copies([later, near, early], CONFIG))
        assert membership(index, ["late", "near", "early"]) == expected
        assert index.article("early").original  # type: ignore[union-attr]


def test_index_exact_head_is_the_batch_rank_with_scraping_traces(tmp_path: Path) -> None:
    """Within an exact class the head is ``priority_ranks``' best: with equal dates the copy
    that carried fewer boilerplate lines, before its id (the index once ranked by date, length
    and id only, and kept the scraped copy)."""
    base = corpus()[3]
    when = datetime(2030, 1, 1, tzinfo=UTC)
    scraped = dataclasses.replace(
        base,
        id="a-scraped",
        text=f"- Advertisement -\n{base.text}\n- Advertisement -\nSource link",
        published=when,
    )
    clean = dataclasses.replace(base, id="b-clean", published=when)
    batch = batch_membership(find_copies([scraped, clean], CONFIG))
    assert batch["b-clean"][1] == 0  # the batch makes the clean copy the original
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add([scraped])
        index.add([clean])
        assert membership(index, ["a-scraped", "b-clean"]) == batch


def test_index_edited_article_is_a_new_version(tmp_path: Path) -> None:
    articles = list(corpus())
    copies, _ = batch_result()
    group = next(g for g in copies.groups if len(g.members) == 2)
    member = next(m.id for m in group.members[1:])
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add(articles)
        assert index.copies(member)
        other = next(a for a in articles if a.id not in {m.id for m in group.members})
        edited = dataclasses.replace(other, id=member)
        result = index.add([edited])
        assert [(a.status, a.version) for a in result.added] == [("new_version", 2)]
        stored = index.article(member)
        assert stored is not None and stored.version == 2 and stored.text == other.text
        assert member not in {c.id for c in index.copies(group.representative)}
        assert index.stats()["versions"] == index.stats()["articles"] + 1
        expected = [a for a in articles if a.id != member] + [edited]
        assert membership(index, [a.id for a in expected]) == batch_membership(
            find_copies(expected, CONFIG)
        )


def test_index_query_finds_copies_and_stores_nothing(tmp_path: Path) -> None:
    articles = list(corpus())
    copies, _ = batch_result()
    group = next(g for g in copies.groups if len(g.members) >= 3)
    held = next(m.id for m in group.members[1:])
    stored_articles = [a for a in articles if a.id != held]
    query = next(a for a in articles if a.id == held)
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add(stored_articles)
        before = index.stats()
        result = index.query(query)
        assert index.stats() == before
        assert result.copies, "a planted copy must find its group"
        assert {c.id for c in result.copies} <= {m.id for m in group.members}
        best = index.article(result.copies[0].id)
        assert best is not None and result.story == best.story
        assert result.as_json()["copies"][0]["kind"] in {
            "exact",
            "near",
            "rewrite",
            "excerpt",
            "condensed",
        }


def test_index_query_of_an_unrelated_text_finds_nothing(tmp_path: Path, make_words) -> None:  # type: ignore[no-untyped-def]
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add(list(corpus())[:100])
        result = index.query(Article(id="q", text=" ".join(make_words(200, 3))))
        assert result.copies == ()


def test_index_migrates_an_older_file(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = connect(path)
    migrate(conn, path, upto=1)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    with Index(path, CONFIG) as index:
        assert index.migrated_from == 1
        index.add(list(corpus())[:20])
        assert index.stats()["schema_version"] == SCHEMA_VERSION
        first = corpus()[0].id
        assert index.diff(first, corpus()[1].id) is not None  # the v2 alignment cache works


def test_index_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="schema version"):
        Index(path, CONFIG)


def _as_version_4(path: Path) -> None:
    """Turn a file back into schema 4: no story graph, stories made by the streaming
    assigner (kept here, they are rebuilt anyway), a snapshot in ``state``."""
    with sqlite3.connect(path) as conn:
        for table in ("story_voices", "story_keys", "story_edges", "story_moves"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DROP INDEX stories_topic")
        conn.execute("ALTER TABLE stories DROP COLUMN topic")
        conn.execute("DELETE FROM meta WHERE key = 'story_state'")
        conn.execute("INSERT INTO state VALUES ('stories', 3, x'00')")
        conn.execute("PRAGMA user_version=4")


def test_index_migrates_stories_of_a_version_4_file(tmp_path: Path) -> None:
    articles = list(corpus())
    path = tmp_path / "v4.db"
    with Index(path, CONFIG) as index:
        index.add(articles[:300])
    _as_version_4(path)
    with Index(path, CONFIG) as index:
        assert index.migrated_from == 4
        assert index.stats()["schema_version"] == SCHEMA_VERSION == 11
        index.add(articles[300:])  # the first add rebuilds the stories from the articles
        assert_batch_stories(index, [a.id for a in articles], batch_result()[1])
        assert index._conn().execute("SELECT count(*) FROM state").fetchone()[0] == 0


def test_index_refuses_a_story_state_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with Index(path, CONFIG) as index:
        index.add(list(corpus())[:5])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = 'graph-0' WHERE key = 'story_state'")
    with pytest.raises(StoreError, match="story state 'graph-0'"):
        Index(path, CONFIG)


def test_index_refuses_another_fingerprint_scheme(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    Index(path, CONFIG).close()
    other = CONFIG.override({"lsh.bands": "64"})
    with pytest.raises(StoreError, match="scheme"):
        Index(path, other)


def test_index_of_the_earlier_minhash_scheme_says_how_to_open_it(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    earlier = CONFIG.override({"minhash.scheme": "kperm"})
    with Index(path, earlier) as index:
        index.add(list(corpus())[:5])
    with pytest.raises(StoreError, match=re.escape("--set minhash.scheme=kperm")):
        Index(path, CONFIG)
    with Index(path, earlier) as index:  # the hint works
        assert index.stats()["articles"] == 5


def test_index_reopened_continues_like_one_session(tmp_path: Path) -> None:
    articles = list(corpus())
    with ingest(tmp_path / "one.db", articles, [250]) as one:
        expected = {a.id: one.article(a.id).story for a in articles}  # type: ignore[union-attr]
    with Index(tmp_path / "two.db", CONFIG) as two:
        two.add(articles[:250])
    with Index(tmp_path / "two.db", CONFIG) as two:
        two.add(articles[250:])
        assert {a.id: two.article(a.id).story for a in articles} == expected  # type: ignore[union-attr]


def test_index_reads_from_many_threads_while_writing(tmp_path: Path) -> None:
    articles = list(corpus())
    errors: list[BaseException] = []
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add(articles[:100])
        done = threading.Event()

        def read() -> None:
            try:
                while not done.is_set():
                    for a in articles[:100:7]:
                        assert index.article(a.id) is not None
                        index.copies(a.id)
                    index.stories(limit=5)
                    index.query(articles[200])
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        for lo in range(100, 500, 50):
            index.add(articles[lo : lo + 50])
        done.set()
        for t in threads:
            t.join()
        assert errors == []
        assert index.stats()["articles"] == 500


def test_index_stories_filters_and_search(tmp_path: Path) -> None:
    articles = list(corpus())
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add(articles)
        page = index.stories(order="size", limit=3)
        assert page.total == index.stats()["stories"]
        assert [s.size for s in page.stories] == sorted(
            (s.size for s in page.stories), reverse=True
        )
        big = page.stories[0]
        members = index.story_articles(big.id)
        assert [m.id for m in members] == list(dict.fromkeys(big.members))
        source = big.sources[0]
        assert all(source in s.sources for s in index.stories(source=source, limit=500).stories)
        late = max(a.published for a in articles if a.published) - timedelta(days=2)
        assert all(s.last_seen >= late for s in index.stories(since=late, limit=500).stories)  # type: ignore[operator]
        word = next(w for w in articles[0].text.split() if len(w) > 6 and w.isalpha())
        assert any(word in a.text for a in index.search(word))
        assert index.search("zzqqxxnothing") == ()


def test_index_rejects_empty_articles_by_name(tmp_path: Path) -> None:
    with Index(tmp_path / "x.db", CONFIG) as index:
        result = index.add([Article(id="blank", text="   "), corpus()[0]])
        assert [r.reason for r in result.rejected] == ["empty_text"]
        assert "blank" in result.rejected[0].detail
        assert [a.id for a in result.added] == [corpus()[0].id]


def test_index_query_story_changes_nothing_and_mostly_is_what_add_picks(tmp_path: Path) -> None:
    """For each article with no copy in the index, ``query`` names the story whose voices it is
    most alike (None: none at ``story_similarity``) and writes nothing; ``add`` (which
    re-clusters) then mostly puts it there, or opens a story of its own where query said None."""
    articles = list(corpus())
    checked = agreed = opened = 0
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add(articles[:250])
        for article in articles[250:310]:
            result = index.query(article)
            if result.copies:
                index.add([article])
                continue
            before = index._writer.execute("SELECT total_changes()").fetchone()
            assert index.query(article).story == result.story
            assert index._writer.execute("SELECT total_changes()").fetchone() == before
            added = index.add([article]).added[0]
            opened += result.story is None
            agreed += added.story == (result.story or story_id(article.id))
            checked += 1
    assert checked > 15 and 0 < opened < checked, (checked, opened)
    assert agreed >= 0.8 * checked, (agreed, checked)


def test_index_diff_never_waits_for_a_write(tmp_path: Path) -> None:
    """A diff asked while an ingest holds the writer answers at once, uncached; the next one
    caches it."""
    import threading

    with Index(tmp_path / "d.db", CONFIG) as index:
        index.add(list(corpus())[:20])
        a, b = corpus()[0].id, corpus()[1].id
        cached = "SELECT count(*) FROM alignments"
        held, release = threading.Event(), threading.Event()

        def writer() -> None:
            with index._lock:
                held.set()
                release.wait(30)

        thread = threading.Thread(target=writer)
        thread.start()
        held.wait(30)
        try:
            answer = index.diff(a, b)  # would hang here if it waited for the lock
            assert answer is not None and answer["a"] == a
            assert index._conn().execute(cached).fetchone()[0] == 0
        finally:
            release.set()
            thread.join()
        assert index.diff(a, b) == answer
        assert index._conn().execute(cached).fetchone()[0] == 1


def test_postings_are_every_holder_of_keys_held_within_the_bounds(tmp_path: Path) -> None:
    """``rows.postings`` (what ``query`` reads of ``bands``, ``shingles`` and ``story_keys``, a
    key's rows counted no further than the upper bound) is what reading every row of the keys
    and counting them gives: absent and repeated keys, and keys past the bound, included; the
    rows of the postings tables in both levels (store/levels.py: half merged, half recent)."""
    rng = random.Random(4)
    with Index(tmp_path / "x.db", CONFIG) as index:
        index.add(list(corpus())[:150])
        for table in LEVELED:
            merge(index._writer, table)
        index.add(list(corpus())[150:300])
        conn = index._conn()
        for table in LEVELED:  # both levels hold rows
            assert all(conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in levels(table))
        for table, holder in (("bands", "seq"), ("shingles", "seq"), ("story_keys", "voice")):
            held: dict[int, list[int]] = {}
            every = " UNION ALL ".join(f"SELECT key, {holder} FROM {t}" for t in levels(table))
            for key, seq in conn.execute(every):
                held.setdefault(key, []).append(seq)
            most = max(len(v) for v in held.values())
            assert most >= 3, table
            keys = rng.sample(sorted(held), min(len(held), 700))
            keys += [k for k in held if len(held[k]) == most][:5] + keys[:10] + [-1, 2**62]
            for low, high in ((1, 1), (1, 2), (2, 3), (1, most - 1), (2, most)):
                expected = sorted(
                    (k, s)
                    for k in set(keys)
                    if low <= len(held.get(k, ())) <= high
                    for s in held[k]
                )
                assert sorted(postings(conn, table, holder, keys, low, high)) == expected
                assert expected or (low, high) == (2, 3), (table, low, high)


def test_query_of_a_copy_in_a_cluster_past_the_cap_finds_it(tmp_path: Path) -> None:
    """Every bucket of a cluster of copies larger than ``lsh.max_bucket`` is over the cap;
    ``add`` pairs a newcomer there with the bucket's hubs, and so does ``query``."""
    rng = np.random.default_rng(5)
    vocab = [f"w{i}" for i in range(5000)]
    base = [vocab[int(i)] for i in rng.integers(0, 5000, 400)]

    def near_copy(k: int) -> Article:  # one word edited: nearly every band key is the base's
        words = list(base)
        words[int(rng.integers(0, len(words)))] = f"edit{k}"
        return Article(id=f"copy{k:02d}", text=" ".join(words))

    config = Config().override({"lsh.max_bucket": "20", "verify.short_doc_words": "0"})
    stored = [Article(id="original", text=" ".join(base)), *(near_copy(k) for k in range(40))]
    with Index(tmp_path / "x.db", config) as index:
        index.add(stored)
        groups = {index.article(a.id).group for a in stored}  # type: ignore[union-attr]
        assert len(groups) == 1  # add kept the cluster whole
        found = index.query(near_copy(99))
        assert found.copies and {c.id for c in found.copies} <= {a.id for a in stored}
