"""The second candidate stage (candidates/overlap.py): an LSH pair is verified only when its
shingle containment reaches ``verify.min_pair_containment``; the local engine, the living index
(adds and queries) and Spark's step apply the one rule and agree."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdedup import Article, Config, find_copies
from newsdedup.candidates.lsh import candidate_pairs
from newsdedup.candidates.overlap import enough_overlap
from newsdedup.fingerprint.batch import Fingerprints, fingerprint_articles
from newsdedup.ids import tiebreak
from newsdedup.relate.verify import SCORE_COLUMNS, score_pairs
from newsdedup.store.index import Index

CONFIG = Config()
LETTERS = np.array(list("bcdfghjklmnpqrstvwxz"))


def zipf_texts(n: int, seed: int, exponent: float = 1.3, vocabulary: int = 5000) -> list[str]:
    """Texts of 250-400 pseudo-words drawn from a Zipf law: no stop word list knows their
    frequent words, so unrelated texts share frequent bigrams (the case the floor is for)."""
    rng = np.random.default_rng(seed)
    words = [
        "".join(rng.choice(LETTERS, 3)) + "o" + "".join(rng.choice(LETTERS, 2))
        for _ in range(vocabulary)
    ]
    p = 1.0 / np.arange(1, vocabulary + 1) ** exponent
    p /= p.sum()
    return [
        " ".join(words[j] for j in rng.choice(vocabulary, int(rng.integers(250, 400)), p=p))
        for _ in range(n)
    ]


def edited(text: str, share: float, seed: int) -> str:
    """``text`` with ``share`` of its words replaced by one made-up word each."""
    rng = np.random.default_rng(seed)
    words = text.split()
    for k in rng.choice(len(words), max(1, int(share * len(words))), replace=False):
        words[k] = "".join(rng.choice(LETTERS, 5))
    return " ".join(words)


@cache
def corpus() -> tuple[Article, ...]:
    """240 unrelated Zipf texts, 20 near copies (1% edited) and 20 rewrites (15% edited)."""
    texts = zipf_texts(240, seed=5)
    copies = [edited(texts[k], 0.01, k) for k in range(20)]
    copies += [edited(texts[k], 0.15, k) for k in range(20, 40)]
    return tuple(
        [Article(id=f"d{i:03d}", text=t) for i, t in enumerate(texts)]
        + [Article(id=f"c{i:03d}", text=t) for i, t in enumerate(copies)]
    )


@cache
def fingerprints() -> Fingerprints:
    return fingerprint_articles(list(corpus()), CONFIG)


def pair_containment(pairs: np.ndarray, sets: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """The reference: shared shingles over the smaller set (0 where one is empty), by numpy's
    set intersection, one pair at a time."""
    out = np.zeros(len(pairs))
    for p, (x, y) in enumerate(pairs):
        a, b = sets[offsets[x] : offsets[x + 1]], sets[offsets[y] : offsets[y + 1]]
        if min(len(a), len(b)):
            out[p] = len(np.intersect1d(a, b)) / min(len(a), len(b))
    return out


def test_overlap_reference_is_verifications_column() -> None:
    fp = fingerprints()
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, len(fp), (300, 2)).astype(np.int64)
    scores = score_pairs(fp, pairs, size=2, min_containment=2.0)  # no alignment
    got = pair_containment(pairs, fp.sets, fp.set_offsets)
    assert np.array_equal(got, scores[:, SCORE_COLUMNS.index("containment")])
    assert pair_containment(np.empty((0, 2), np.int64), fp.sets, fp.set_offsets).shape == (0,)


@pytest.mark.parametrize(
    ("containment", "floor", "kept"),
    [(0.2, 0.2, True), (0.1999, 0.2, False), (0.0, 0.0, True), (1.0, 1.0, True), (0.5, 0.6, False)],
)
def test_overlap_floor_keeps_pairs_at_or_over_it(
    containment: float, floor: float, kept: bool
) -> None:
    # two sets of 10,000 shingles sharing containment x 10,000 of them
    shared = round(containment * 10_000)
    sets = np.concatenate([np.arange(10_000), np.arange(10_000 - shared, 20_000 - shared)])
    offsets = np.array([0, 10_000, 20_000], np.int64)
    pair = np.array([[0, 1]], np.int64)
    assert pair_containment(pair, sets.astype(np.uint32), offsets)[0] == containment
    got = enough_overlap(pair, sets.astype(np.uint32), offsets, min_containment=floor)
    assert got.tolist() == [kept]


def test_overlap_candidate_pairs_drop_and_count_pairs_under_the_floor() -> None:
    """Two pairs share two band keys; only the one whose sets overlap is kept."""
    keys = np.random.default_rng(1).integers(0, 2**63, (4, 4), dtype=np.uint64)
    keys[1, :2] = keys[0, :2]  # 0-1: two bands, half their shingles shared
    keys[3, :2] = keys[2, :2]  # 2-3: two bands, no shingle shared
    sets = [np.arange(0, 10), np.arange(5, 15), np.arange(100, 110), np.arange(200, 210)]
    offsets = np.concatenate(([0], np.cumsum([len(s) for s in sets]))).astype(np.int64)
    flat = np.concatenate(sets).astype(np.uint32)
    common = dict(max_bucket=200, n_content=np.full(4, 300), min_bands=2, short_words=150)
    pairs, report = candidate_pairs(
        keys, np.ones(4, bool), tiebreak(list("abcd")), **common,  # type: ignore[arg-type]
        shingles=(flat, offsets), min_containment=0.2,
    )  # fmt: skip
    assert pairs.tolist() == [[0, 1]]
    assert report.low_overlap == 1
    off, report = candidate_pairs(
        keys, np.ones(4, bool), tiebreak(list("abcd")), **common,  # type: ignore[arg-type]
        shingles=(flat, offsets), min_containment=0.0,
    )  # fmt: skip
    assert off.tolist() == [[0, 1], [2, 3]] and report.low_overlap == 0


def test_overlap_drops_zipf_noise_and_keeps_every_planted_copy() -> None:
    result = find_copies(list(corpus()), CONFIG)
    assert result.stats.low_overlap_pairs > 0  # the floor is exercised
    group = {m.id: g.id for g in result.groups for m in g.members}
    for k in range(40):
        assert group[f"c{k:03d}"] == group[f"d{k:03d}"]
    off = find_copies(list(corpus()), CONFIG.override({"verify.min_pair_containment": "0"}))
    assert off.stats.low_overlap_pairs == 0
    assert off.stats.candidate_pairs > result.stats.candidate_pairs
    assert {m.id: g.id for g in off.groups for m in g.members} == group


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    share=st.sampled_from([0.0, 0.005, 0.01, 0.02]),
    exponent=st.sampled_from([1.0, 1.3, 1.6]),
)
def test_overlap_identical_and_near_identical_texts_always_group(
    seed: int, share: float, exponent: float
) -> None:
    """Under the floor's default, a text and its copy with up to 2% of its words edited end in
    one group, among unrelated texts of the same heavy-headed word law."""
    texts = zipf_texts(12, seed=seed, exponent=exponent, vocabulary=3000)
    copy = edited(texts[0], share, seed) if share else texts[0]
    articles = [Article(id=f"d{i}", text=t) for i, t in enumerate(texts)]
    result = find_copies([*articles, Article(id="copy", text=copy)], CONFIG)
    group = {m.id: g.id for g in result.groups for m in g.members}
    assert group["copy"] == group["d0"]


def _membership(index: Index) -> dict[str, tuple[str, int]]:
    rows = index._conn().execute(
        "SELECT a.id, g.gid, g.kind FROM groups g JOIN articles a ON a.seq = g.seq "
        "WHERE a.current = 1"
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def _batch_membership(articles: list[Article]) -> dict[str, tuple[str, int]]:
    codes = {"original": 0, "exact": 1, "near": 2, "rewrite": 3, "excerpt": 4, "condensed": 5}
    result = find_copies(articles, CONFIG)
    return {m.id: (g.id, codes[m.kind.value]) for g in result.groups for m in g.members}


@pytest.fixture
def dropped(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many pairs the index's adds and queries left under the floor."""
    from newsdedup.store import copies, lookup

    counts = {"add": 0, "query": 0}

    def counting(where: str):  # type: ignore[no-untyped-def]
        def rule(*args: np.ndarray, min_containment: float, **rest: np.ndarray) -> np.ndarray:
            keep = enough_overlap(*args, min_containment=min_containment, **rest)
            counts[where] += int((~keep).sum())
            return keep

        return rule

    monkeypatch.setattr(copies, "enough_overlap", counting("add"))
    monkeypatch.setattr(lookup, "enough_overlap", counting("query"))
    return counts


@pytest.mark.parametrize("batches", [1, 4])
def test_overlap_index_adds_and_queries_agree_with_the_batch(  # type: ignore[no-untyped-def]
    tmp_path, dropped: dict[str, int], batches: int
) -> None:
    articles = list(corpus())
    order = np.random.default_rng(batches).permutation(len(articles))
    arrival = [articles[k] for k in order]
    with Index(tmp_path / "x.db", CONFIG) as index:
        for part in np.array_split(np.arange(len(arrival)), batches):
            index.add([arrival[k] for k in part])
        assert _membership(index) == _batch_membership(articles)
        # a query of a rewrite not stored: its original, as the batch would pair them
        probe = Article(id="probe", text=edited(articles[21].text, 0.15, 99))
        found = {link.id for link in index.query(probe).copies}
        assert "d021" in found
        batch = find_copies([*articles, probe], CONFIG)
        group = {m.id: g.id for g in batch.groups for m in g.members}
        assert group["probe"] == group["d021"]
    assert dropped["add"] > 0 and dropped["query"] > 0  # the index ran the floor


def test_overlap_only_measured_pairs_are_held_to_the_floor() -> None:
    """The short-document path's pairs are exempt: ``measured`` marks those held to the floor,
    and a pair left out passes whatever it shares."""
    sets = np.array([1, 2, 3, 4, 10, 11, 12, 13, 1, 2, 3, 4], np.uint32)
    offsets = np.array([0, 4, 8, 12], np.int64)
    pairs = np.array([[0, 1], [0, 1], [0, 2]], np.int64)  # disjoint twice, identical once
    all_held = enough_overlap(pairs, sets, offsets, min_containment=0.2)
    assert all_held.tolist() == [False, False, True]
    measured = np.array([True, False, True])
    kept = enough_overlap(pairs, sets, offsets, min_containment=0.2, measured=measured)
    assert kept.tolist() == [False, True, True]


def _sets_near(sizes: list[int], shared: list[int], seed: int) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    """Sorted sets of the given sizes, each drawing ``shared`` of its shingles from a common
    pool (so pairs overlap anywhere from nothing to all) and the rest from its own range."""
    rng = np.random.default_rng(seed)
    pool = rng.choice(1 << 20, 400, replace=False)
    sets = []
    for i, (size, common) in enumerate(zip(sizes, shared, strict=True)):
        common = min(common, size)
        own = (1 << 21) + i * 1000 + rng.choice(1000, size - common, replace=False)
        sets.append(np.unique(np.concatenate([rng.choice(pool, common, replace=False), own])))
    offsets = np.concatenate(([0], np.cumsum([len(s) for s in sets]))).astype(np.int64)
    return np.concatenate(sets).astype(np.uint32), offsets


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), min_size=2, max_size=12),
    st.sampled_from([0.0, 0.2, 1 / 3, 0.31, 0.5, 0.7, 1.0, 1.5, -0.1]),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_overlap_floor_keeps_what_the_containments_reach(
    sized: list[tuple[int, int]], floor: float, seed: int, sort: bool
) -> None:
    """``enough_overlap`` (its early-leaving count) keeps exactly the pairs whose
    ``pair_containment`` reaches the floor, empty sets and floors past 1 included, in any order
    of the pairs and with only some measured."""
    sets, offsets = _sets_near([s for s, _ in sized], [c for _, c in sized], seed)
    rng = np.random.default_rng(seed)
    n = len(sized)
    pairs = rng.integers(0, n, (3 * n, 2)).astype(np.int64)
    if sort:
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    want = pair_containment(pairs, sets, offsets) >= floor
    got = enough_overlap(pairs, sets, offsets, min_containment=floor)
    assert got.tolist() == want.tolist()
    measured = rng.random(len(pairs)) < 0.5
    got = enough_overlap(pairs, sets, offsets, min_containment=floor, measured=measured)
    assert got.tolist() == (want | ~measured).tolist()
