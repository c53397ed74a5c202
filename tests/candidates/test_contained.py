"""The short-document candidate path: a brief reaches the verdict whatever its Jaccard."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, Config, find_copies
from newsdedup.candidates import contained
from newsdedup.candidates.contained import SAMPLE, contained_pairs, union_pairs
from newsdedup.fingerprint.batch import fingerprint_texts


def _csr(sets: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    """Shingle values scaled into the fixed sample (multiples of SAMPLE), so each counts."""
    values = [np.unique(np.asarray(s, np.uint32) * SAMPLE) for s in sets]
    offsets = np.zeros(len(values) + 1, np.int64)
    np.cumsum([len(v) for v in values], out=offsets[1:])
    flat = np.concatenate(values) if values else np.empty(0, np.uint32)
    return flat, offsets


def _pairs(sets: list[list[int]], short: list[bool], **kw: object) -> set[tuple[int, int]]:
    flat, offsets = _csr(sets)
    n = len(sets)
    args = {"max_bucket": 200, "min_containment": 0.5, **kw}
    found, _ = contained_pairs(
        flat,
        offsets,
        np.ones(n, bool),
        short_words=np.asarray(short),
        **args,  # type: ignore[arg-type]
    )
    return {(int(a), int(b)) for a, b in found}


def test_contained_brief_inside_a_long_text_is_a_candidate() -> None:
    long_text = list(range(100, 300))
    brief = [*range(150, 160), 9001, 9002]  # 10 of its 12 shingles are in the long text
    other = list(range(5000, 5200))
    assert _pairs([long_text, brief, other], [False, True, False]) == {(0, 1)}


def test_contained_needs_a_short_document() -> None:
    a, b = list(range(0, 200)), list(range(100, 300))  # share half, neither short
    assert _pairs([a, b], [False, False]) == set()


def test_contained_share_of_the_short_document_decides() -> None:
    long_text = list(range(0, 300))
    brief = list(range(0, 4)) + list(range(1000, 1006))  # 4 of 10: below 0.5
    assert _pairs([long_text, brief], [False, True]) == set()
    assert _pairs([long_text, brief], [False, True], min_containment=0.4) == {(0, 1)}


def test_contained_formulaic_shingle_is_no_evidence() -> None:
    # shingle 7 is in 6 documents (over the bound of 3): skipped; shingle 8 in 3 pairs them
    sets = [[7, 100 + i, 200 + i] for i in range(6)]
    sets[0].append(8)
    sets[1].append(8)
    sets[2].append(8)
    found = _pairs(sets, [True] * 6, max_bucket=3, min_containment=0.0, min_shared=1)
    assert found == {(0, 1), (0, 2), (1, 2)}
    assert _pairs(sets, [True] * 6, max_bucket=6, min_containment=0.0, min_shared=2) == {
        (0, 1),
        (0, 2),
        (1, 2),
    }
    assert len(_pairs(sets, [True] * 6, max_bucket=6, min_containment=0.0, min_shared=1)) == 15


@settings(max_examples=40, deadline=None)
@given(
    sets=st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=15), min_size=2, max_size=8),
    seed=st.integers(0, 1000),
)
def test_contained_pairs_do_not_depend_on_input_order(sets: list[list[int]], seed: int) -> None:
    short = [len(set(s)) <= 8 for s in sets]
    found = _pairs(sets, short, min_containment=0.3, min_shared=1)
    perm = np.random.default_rng(seed).permutation(len(sets))
    flat, offsets = _csr([sets[i] for i in perm])
    permuted, _ = contained_pairs(
        flat,
        offsets,
        np.ones(len(sets), bool),
        short_words=np.asarray(short)[perm],
        max_bucket=200,
        min_containment=0.3,
        min_shared=1,
    )
    back = {tuple(sorted((int(perm[a]), int(perm[b])))) for a, b in permuted}
    assert back == found


def test_contained_union_keeps_each_pair_once() -> None:
    a = np.array([[0, 1], [2, 3]], np.int64)
    b = np.array([[2, 3], [1, 4]], np.int64)
    assert union_pairs(a, b, 5).tolist() == [[0, 1], [1, 4], [2, 3]]


def test_contained_engine_groups_a_brief_with_its_source() -> None:
    """A 60-word brief cut from a 450-word story: LSH alone misses it, the path does not."""
    words = [f"w{i:03d}x" for i in range(450)]
    story = " ".join(words)
    brief = " ".join(words[20:40] + words[120:140] + words[300:320])  # three cut passages
    articles = [Article(id="story", text=story), Article(id="brief", text=brief)]
    fp = fingerprint_texts(["story", "brief"], [story, brief], [0, 0], Config())
    assert fp.n_content[1] <= Config().verify.short_doc_words
    off = Config().override({"verify.short_doc_words": "0", "lsh.bands": "16", "lsh.rows": "4"})
    on = Config().override({"lsh.bands": "16", "lsh.rows": "4"})
    assert find_copies(articles, off).stats.groups == 0
    result = find_copies(articles, on)
    assert result.stats.groups == 1 and result.stats.short_pairs == 1
    [group] = [g for g in result.groups if g.size == 2]
    assert group.representative == "story"
    assert {m.id: m.kind.value for m in group.members}["brief"] == "condensed"


def test_contained_shingles_outside_the_sample_are_not_followed() -> None:
    flat, offsets = _csr([list(range(100, 300)), list(range(150, 160))])
    odd = flat + 1  # the same sets, every value outside the sample
    found, report = contained_pairs(
        odd,
        offsets,
        np.ones(2, bool),
        short_words=np.array([False, True]),
        max_bucket=200,
        min_containment=0.5,
    )
    assert len(found) == 0 and report.short_documents == 1


def test_contained_union_of_disjoint_and_overlapping_pairs() -> None:
    a = np.empty((0, 2), np.int64)
    b = np.array([[3, 4], [0, 1], [3, 4]], np.int64)
    assert union_pairs(a, b, 5).tolist() == [[0, 1], [3, 4]]


def _all_matches(
    vocabulary: np.ndarray,  # type: ignore[type-arg]
    sets: np.ndarray,  # type: ignore[type-arg]
    offsets: np.ndarray,  # type: ignore[type-arg]
    eligible: np.ndarray,  # type: ignore[type-arg]
) -> tuple[list[int], list[int]]:
    """The matches as the path made them before the cap was applied in ``_matches``: every
    (position in the vocabulary, document) of an eligible document's sampled shingle."""
    where = {int(v): k for k, v in enumerate(vocabulary)}
    keys, docs = [], []
    for d in range(len(offsets) - 1):
        for v in sets[offsets[d] : offsets[d + 1]].tolist():
            if eligible[d] and v % SAMPLE == 0 and v in where:
                keys.append(where[v])
                docs.append(d)
    return keys, docs


def _grouped_before(
    keys: np.ndarray,  # type: ignore[type-arg]
    docs: np.ndarray,  # type: ignore[type-arg]
    n_vocab: int,
    cap: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:  # type: ignore[type-arg]
    """How the path grouped matches before ``_matches`` kept only the shingles 2 to ``cap``
    documents hold: every match in, the documents of each shingle held 2 to ``cap`` times in
    document order, and how many shingles more than ``cap`` held."""
    counts = np.bincount(keys, minlength=n_vocab)
    wanted = [k for k in range(n_vocab) if 2 <= counts[k] <= cap]
    members = {k: [int(d) for kk, d in zip(keys, docs, strict=True) if kk == k] for k in wanted}
    flat = [d for k in wanted for d in members[k]]
    ends = np.cumsum([len(members[k]) for k in wanted], dtype=np.int64)
    starts = ends - np.array([len(members[k]) for k in wanted], np.int64)
    return np.asarray(flat, np.int64), starts, ends, int((counts > cap).sum())


@settings(max_examples=60, deadline=None)
@given(
    sets=st.lists(st.lists(st.integers(0, 30), min_size=0, max_size=12), min_size=1, max_size=12),
    cap=st.integers(1, 6),
    runs=st.integers(1, 5),
    seed=st.integers(0, 1000),
)
def test_contained_matches_over_the_cap_are_left_out_as_grouping_left_them(
    sets: list[list[int]], cap: int, runs: int, seed: int
) -> None:
    """``_matches`` keeps the matches of shingles held 2 to ``cap`` times, in document
    order, for any number of runs: grouping them gives the buckets and the oversized count
    that grouping every match gave."""
    rng = np.random.default_rng(seed)
    flat, offsets = _csr(sets)
    flat += (flat // SAMPLE % 3 == 0).astype(np.uint32)  # a third outside the sample
    eligible = rng.random(len(sets)) < 0.8
    vocabulary = np.unique(flat[(flat % SAMPLE == 0) & (rng.random(len(flat)) < 0.7)])
    keys, docs, held = contained._matches(
        vocabulary,
        flat,
        offsets,
        eligible,
        np.uint32(SAMPLE - 1),
        cap,
        runs,
    )
    all_keys, all_docs = _all_matches(vocabulary, flat, offsets, eligible)
    assert held.tolist() == np.bincount(all_keys, minlength=len(vocabulary)).tolist()
    kept = [i for i, k in enumerate(all_keys) if 2 <= held[k] <= cap]
    assert keys.tolist() == [all_keys[i] for i in kept]
    assert docs.tolist() == [all_docs[i] for i in kept]
    want = _grouped_before(
        np.asarray(all_keys, np.int32), np.asarray(all_docs, np.int64), len(vocabulary), cap
    )
    got = contained._group(keys, docs, len(vocabulary))
    for a, b in zip(got[:3], want[:3], strict=True):
        assert np.array_equal(a, b)
    assert int((held > cap).sum()) == want[3]


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.integers(0, 2**32 - 1), max_size=300),
    live=st.lists(st.booleans(), min_size=300, max_size=300),
    probes=st.lists(st.integers(0, 2**32 - 1), max_size=50),
)
def test_contained_table_finds_the_live_shingles_alone(
    values: list[int], live: list[bool], probes: list[int]
) -> None:
    """The packed table (shingle and position in one slot) gives each live shingle's position
    in the vocabulary and -1 for any other value, as the search of the vocabulary does."""
    vocabulary = np.unique(np.asarray(values, np.uint32))
    alive = np.asarray(live[: len(vocabulary)], np.bool_)
    table = contained._table(vocabulary, alive)
    where = {int(v): k for k, v in enumerate(vocabulary) if alive[k]}
    for value in [*vocabulary.tolist(), *probes]:
        assert contained._find(table, np.uint32(value)) == where.get(value, -1)


def _pairs_before(
    sets: np.ndarray,  # type: ignore[type-arg]
    offsets: np.ndarray,  # type: ignore[type-arg]
    short: np.ndarray,  # type: ignore[type-arg]
    cap: int,
    min_containment: float,
    min_shared: int,
) -> set[tuple[int, int]]:
    """The path's pairs as it made them before the second table and the min_shared cut: every
    match grouped, every unique pair sized from every set, then ``short_pair_filter``."""
    n = len(offsets) - 1
    eligible = np.ones(n, bool)
    is_short = short & (np.diff(offsets) > 0)
    vocabulary = np.unique(sets[(sets % SAMPLE == 0) & np.repeat(is_short, np.diff(offsets))])
    keys, docs = _all_matches(vocabulary, sets, offsets, eligible)
    grouped = _grouped_before(
        np.asarray(keys, np.int32), np.asarray(docs, np.int64), len(vocabulary), cap
    )
    found = contained.bucket_pairs(grouped[0], grouped[1], grouped[2], cap, is_short, 0)
    codes, shared = np.unique(found[:, 0] * n + found[:, 1], return_counts=True)
    a, b = codes // n, codes % n
    sizes = np.array(
        [int((sets[offsets[d] : offsets[d + 1]] % SAMPLE == 0).sum()) for d in range(n)]
    )
    keep = contained.short_pair_filter(
        shared, sizes[a], sizes[b], is_short[a], is_short[b], min_containment, min_shared
    )
    return {(int(x), int(y)) for x, y in zip(a[keep], b[keep], strict=True)}


@settings(max_examples=80, deadline=None)
@given(
    sets=st.lists(st.lists(st.integers(0, 30), min_size=0, max_size=14), min_size=2, max_size=10),
    cap=st.integers(2, 8),
    min_containment=st.sampled_from([0.0, 0.1, 0.3, 0.6]),
    min_shared=st.integers(0, 4),
    seed=st.integers(0, 1000),
)
def test_contained_pairs_are_what_grouping_every_match_gave(
    sets: list[list[int]],
    cap: int,
    min_containment: float,
    min_shared: int,
    seed: int,
) -> None:
    """The pairs of ``contained_pairs`` (second table of the shingles held 2 to cap times,
    pairs under min_shared dropped before they are sized, sizes of their documents alone) are
    the pairs the path made by grouping every match and sizing every document."""
    rng = np.random.default_rng(seed)
    flat, offsets = _csr(sets)
    flat += (flat // SAMPLE % 3 == 0).astype(np.uint32)  # a third outside the sample
    short = rng.random(len(sets)) < 0.5
    found, _ = contained_pairs(
        flat,
        offsets,
        np.ones(len(sets), bool),
        short_words=short,
        max_bucket=cap,
        min_containment=min_containment,
        min_shared=min_shared,
    )
    got = {(int(a), int(b)) for a, b in found}
    assert got == _pairs_before(flat, offsets, short, cap, min_containment, min_shared)
