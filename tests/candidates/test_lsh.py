from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.candidates.lsh import (
    _BANDS_PER_CHUNK,
    _kept_codes,
    _merged,
    _Ordered,
    candidate_pairs,
)


def _tiebreak(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)


def _pairs(keys: np.ndarray, *, eligible: np.ndarray | None = None, cap: int = 200, tiebreak=None):  # type: ignore[no-untyped-def]
    n = keys.shape[0]
    eligible = np.ones(n, bool) if eligible is None else eligible
    tiebreak = _tiebreak(n) if tiebreak is None else tiebreak
    pairs, report = candidate_pairs(keys.astype(np.uint64), eligible, tiebreak, max_bucket=cap)
    return {tuple(p) for p in pairs.tolist()}, pairs, report


def _distinct_keys(n: int, bands: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2**63, size=(n, bands), dtype=np.uint64)


def test_lsh_pairs_documents_sharing_any_band_key() -> None:
    keys = _distinct_keys(5, 3)
    keys[2, 0] = keys[0, 0]  # 0-2 share band 0
    keys[3, 2] = keys[1, 2]  # 1-3 share band 2
    keys[4, 1] = keys[1, 1]  # 1-4 share band 1
    found, pairs, report = _pairs(keys)
    assert found == {(0, 2), (1, 3), (1, 4)}
    assert pairs.dtype == np.int64 and pairs.shape == (3, 2)
    assert report.buckets == 3
    assert report.largest == 2
    assert report.oversized == 0


def test_lsh_same_key_in_different_bands_is_not_a_match() -> None:
    keys = _distinct_keys(2, 2)
    keys[1, 1] = keys[0, 0]
    found, _, report = _pairs(keys)
    assert found == set()
    assert report.buckets == 0


def test_lsh_pairs_are_unique_and_ordered() -> None:
    keys = np.zeros((3, 20), np.uint64)  # all share every one of 20 bands (3 chunks of 8)
    found, pairs, report = _pairs(keys)
    assert found == {(0, 1), (0, 2), (1, 2)}
    assert len(pairs) == 3
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert report.raw_pairs == 3 * 20  # counted per band, before repeats are removed
    assert report.buckets == 20


def test_lsh_ineligible_documents_are_never_paired() -> None:
    keys = np.zeros((4, 2), np.uint64)
    eligible = np.array([True, False, True, False])
    found, _, _ = _pairs(keys, eligible=eligible)
    assert found == {(0, 2)}


@pytest.mark.parametrize("n_eligible", [0, 1])
def test_lsh_fewer_than_two_eligible_gives_no_pairs(n_eligible: int) -> None:
    keys = np.zeros((3, 2), np.uint64)
    eligible = np.arange(3) < n_eligible
    found, pairs, report = _pairs(keys, eligible=eligible)
    assert found == set() and pairs.shape == (0, 2)
    assert report.buckets == 0


def test_lsh_oversized_bucket_is_capped_and_reported() -> None:
    n = 6
    keys = _distinct_keys(n, 2)
    keys[:, 0] = 42  # one bucket of 6 documents in band 0
    tiebreak = np.array([50, 10, 40, 20, 60, 30], np.uint64)
    found, _, report = _pairs(keys, cap=3, tiebreak=tiebreak)
    # the 3 members with the smallest tiebreak (docs 1, 3, 5) are paired with each other, and
    # the others (2, 0, 4) with those hubs only: never with each other
    assert {(1, 3), (1, 5), (3, 5)} <= found
    assert not found & {(0, 2), (0, 4), (2, 4)}
    assert report.oversized == 1
    assert report.oversized_sizes == [6]
    assert report.largest == 6


def test_lsh_bucket_at_the_cap_is_not_oversized() -> None:
    keys = np.zeros((3, 1), np.uint64)
    found, _, report = _pairs(keys, cap=3)
    assert len(found) == 3
    assert report.oversized == 0


def test_lsh_result_is_independent_of_document_order() -> None:
    rng = np.random.default_rng(3)
    n, bands = 60, 12
    keys = rng.integers(0, 6, size=(n, bands)).astype(np.uint64)  # many collisions
    tiebreak = rng.integers(0, 2**63, size=n, dtype=np.uint64)
    eligible = rng.random(n) < 0.9
    found, _, report = _pairs(keys, eligible=eligible, cap=5, tiebreak=tiebreak)
    assert report.oversized > 0  # the cap is exercised
    perm = rng.permutation(n)
    found_p, _, report_p = _pairs(
        keys[perm], eligible=eligible[perm], cap=5, tiebreak=tiebreak[perm]
    )
    mapped = {tuple(sorted((int(perm[a]), int(perm[b])))) for a, b in found_p}
    assert mapped == found
    assert report_p.oversized == report.oversized
    assert sorted(report_p.oversized_sizes) == sorted(report.oversized_sizes)


@pytest.mark.parametrize("short_bands", [1, 2, 3])
def test_lsh_long_texts_need_min_bands_short_ones_short_bands(short_bands: int) -> None:
    """``enough_bands``: two long texts sharing one band key are left unverified (counted as
    thin); sharing two they are kept; a pair with a short side needs ``short_bands``. Bands
    spread over two of candidate_pairs' chunks (8 bands each) so the count crosses a chunk
    merge."""
    keys = _distinct_keys(8, 16)
    keys[1, 0] = keys[0, 0]  # 0-1: one band
    keys[3, 2] = keys[2, 2]  # 2-3: two bands, in two chunks
    keys[3, 12] = keys[2, 12]
    keys[5, 4] = keys[4, 4]  # 4-5: one band, 5 is short
    keys[7, 1] = keys[6, 1]  # 6-7: two bands, 6 is short
    keys[7, 9] = keys[6, 9]
    n_content = np.array([300, 300, 300, 300, 300, 40, 40, 300], np.int64)
    eligible = np.ones(8, bool)
    pairs, report = candidate_pairs(
        keys, eligible, _tiebreak(8), max_bucket=200, n_content=n_content, min_bands=2,
        short_words=150, short_bands=short_bands,
    )  # fmt: skip
    short_kept = {1: {(4, 5), (6, 7)}, 2: {(6, 7)}, 3: set()}[short_bands]
    assert {tuple(p) for p in pairs.tolist()} == {(2, 3)} | short_kept
    assert report.thin == 1 + (2 - len(short_kept))
    every, _ = candidate_pairs(keys, eligible, _tiebreak(8), max_bucket=200)
    assert {tuple(p) for p in every.tolist()} == {(0, 1), (2, 3), (4, 5), (6, 7)}


def test_lsh_capped_bucket_pairs_every_later_member_with_its_hubs() -> None:
    """Beyond the cap, each member is paired with the bucket's first HUBS (by tiebreak), so a
    large cluster stays reachable; the first ``cap`` are paired with each other as before."""
    from newsdedup.candidates.lsh import HUBS

    n, cap = 12, 5
    keys = np.zeros((n, 1), np.uint64)  # one bucket of 12
    tiebreak = _tiebreak(n)
    found, pairs, report = _pairs(keys, cap=cap, tiebreak=tiebreak)
    order = np.lexsort((np.arange(n), tiebreak)).tolist()
    first, later = order[:cap], order[cap:]
    expected = {tuple(sorted((a, b))) for i, a in enumerate(first) for b in first[i + 1 :]}
    expected |= {tuple(sorted((h, x))) for h in first[:HUBS] for x in later}
    assert found == expected
    assert report.oversized == 1 and len(pairs) == len(expected)


def test_large_near_copy_cluster_stays_one_group() -> None:
    """A story copied by more sites than ``lsh.max_bucket``: every copy still joins the original
    (before the hubs, the copies past the cap were never paired with it)."""
    from newsdedup import Article, Config, find_copies

    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(5000)]
    base = [vocab[int(i)] for i in rng.integers(0, 5000, 400)]
    articles = [Article(id="original", text=" ".join(base))]
    for k in range(60):
        words = list(base)
        for i in rng.integers(0, len(words), 6):
            words[int(i)] = vocab[int(rng.integers(0, 5000))]
        articles.append(Article(id=f"copy{k:02d}", text=" ".join(words)))
    for k in range(40):
        text = " ".join(vocab[int(i)] for i in rng.integers(0, 5000, 400))
        articles.append(Article(id=f"other{k:02d}", text=text))
    config = Config().override({"lsh.max_bucket": "20", "verify.short_doc_words": "0"})
    result = find_copies(articles, config)
    group = {m.id: g.id for g in result.groups for m in g.members}
    assert result.stats.oversized_buckets > 0
    assert all(group[f"copy{k:02d}"] == group["original"] for k in range(60))
    assert len({group[f"other{k:02d}"] for k in range(40)}) == 40


def _kept_reference(
    rows: list[int], n: int, words: np.ndarray, min_bands: int, short_words: int, short_bands: int
) -> list[int]:
    """The pair codes of ``rows`` (one a shared band) that the rule keeps, counted the slow way."""
    kept = []
    for code, shared in sorted(Counter(rows).items()):
        a, b = divmod(code, n)
        short = words[a] <= short_words or words[b] <= short_words
        if shared >= (short_bands if short else min_bands):
            kept.append(code)
    return kept


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 101 * 101 - 1), max_size=40), max_size=6),
    st.booleans(),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 2**32 - 1),
)
def test_lsh_kept_codes_are_the_rule_on_counted_rows(
    chunks: list[list[int]], huge: bool, min_bands: int, short_bands: int, seed: int
) -> None:
    """Each chunk's unique pair codes with their band counts, merged (counts in the codes' low
    bits, or beside them past the size where they fit) or listed once a band, then counted and
    thinned in one pass, keep what counting every (code, band) row and applying
    ``enough_bands``' rule keeps, and count the rest as thin."""
    rng = np.random.default_rng(seed)
    n = 101
    words = rng.integers(0, 60, n).astype(np.int64)
    codes, counts, rows = [], [], []
    for chunk in chunks:
        unique = np.unique(np.array(chunk, np.int64))
        count = rng.integers(1, _BANDS_PER_CHUNK + 1, len(unique)).astype(np.int64)
        codes.append(unique)
        counts.append(count)
        rows.extend(np.repeat(unique, count).tolist())
    want = _kept_reference(rows, n, words, min_bands, 30, short_bands)
    distinct = len(set(rows))
    rule = (words, min_bands, 30, short_bands)
    merged = _merged(codes, counts, 2**31 if huge else n)
    if huge:  # the codes are those of n documents, whatever n the packing was chosen for
        assert merged.count_bits == 0 and len(merged.counts) == len(merged.codes)
    listed = _Ordered(np.sort(np.array(rows, np.int64)))
    for found in (merged, listed):
        kept, thin = _kept_codes(found.codes, found.counts, found.count_bits, n, *rule)
        assert found.codes[:kept].tolist() == want
        assert thin == distinct - len(want)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 60),
    st.integers(1, 20),
    st.integers(1, 6),
    st.integers(1, 12),
    st.integers(0, 2**32 - 1),
)
def test_lsh_counted_by_ranges_gives_what_memory_gives(
    n: int, bands: int, values: int, cap: int, seed: int
) -> None:
    """Past ``PARTITION_CODES`` the band pairs are counted range by range through temporary
    files: the same pairs, thin count and bucket report as counting them all in memory, for any
    number of ranges (few key values make crowded, capped buckets and pairs sharing many bands)."""
    from newsdedup.candidates import lsh

    rng = np.random.default_rng(seed)
    keys = rng.integers(0, values, size=(n, bands)).astype(np.uint64)
    eligible = rng.random(n) < 0.9
    n_content = rng.integers(10, 400, n).astype(np.int64)
    kwargs = {"max_bucket": cap, "n_content": n_content, "min_bands": 2, "short_words": 50}
    want, want_report = candidate_pairs(keys, eligible, _tiebreak(n), **kwargs)
    for most in (1, 7, 100):
        old = lsh.PARTITION_CODES
        lsh.PARTITION_CODES = most
        try:
            got, report = candidate_pairs(keys, eligible, _tiebreak(n), **kwargs)
        finally:
            lsh.PARTITION_CODES = old
        assert got.tolist() == want.tolist()
        assert (report.raw_pairs, report.thin, report.buckets) == (
            want_report.raw_pairs,
            want_report.thin,
            want_report.buckets,
        )
        assert (report.oversized, report.largest) == (want_report.oversized, want_report.largest)
        # the first band, paired once to choose the ranges, is counted once, in its place
        assert report.oversized_sizes == want_report.oversized_sizes


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 2**62), max_size=80),
    st.lists(st.integers(0, 80), max_size=5),
)
def test_lsh_range_files_give_back_the_codes(values: list[int], cuts: list[int]) -> None:
    """The ranges' files hold each piece of sorted codes as differences in 4-byte words, with
    an escape for those that do not fit (codes of a large corpus, a piece's first): each piece
    read back alone gives its codes, in order."""
    from newsdedup.candidates.lsh import _deltas, _undeltas

    codes = np.sort(np.array(values, np.int64))
    places = np.array(sorted({0, len(codes), *(min(c, len(codes)) for c in cuts)}), np.int64)
    words, starts = _deltas(codes, places)
    assert words.dtype == np.uint32 and starts[-1] == len(words)
    out = np.full(len(codes), -1, np.int64)
    at = 0
    for k in range(len(places) - 1):
        at = _undeltas(words[starts[k] : starts[k + 1]], out, at)
        assert at == places[k + 1]
    assert out.tolist() == codes.tolist()
