from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from newsdedup import Config
from newsdedup.fingerprint.batch import fingerprint_texts
from newsdedup.relate.align import BLOCK_GAP, align_sets, anchor_chain, ordered_coverage


def _u32(values) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.asarray(values, dtype=np.uint32)


def _scores(sa: np.ndarray, sb: np.ndarray, size: int = 2) -> tuple[float, float, float, float]:
    """(coverage_a, coverage_b, block_a, block_b), token counts as shingling gives them."""
    return ordered_coverage(sa, sb, sa.size + size - 1, sb.size + size - 1, size)  # type: ignore[no-any-return]


def _coverage(sa: np.ndarray, sb: np.ndarray, size: int = 2) -> tuple[float, float]:
    return _scores(sa, sb, size)[:2]


def test_align_sequence_with_itself_covers_everything() -> None:
    s = _u32(np.arange(100, 150))
    assert _scores(s, s) == (1.0, 1.0, 1.0, 1.0)
    ia, jb = anchor_chain(s, s)
    assert ia.tolist() == jb.tolist() == list(range(50))


@pytest.mark.parametrize("seed", range(5))
def test_align_anchor_chain_is_strictly_increasing_in_both(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sa = _u32(rng.integers(0, 40, size=120))
    sb = _u32(rng.integers(0, 40, size=90))
    ia, jb = anchor_chain(sa, sb)
    assert len(ia) == len(jb) > 0
    assert (np.diff(ia) > 0).all()
    assert (np.diff(jb) > 0).all()
    assert (sa[ia] == sb[jb]).all()
    # every anchor occurs once in at least one text, and sits at its first occurrence in both
    count_a = {int(v): int(c) for v, c in zip(*np.unique(sa, return_counts=True), strict=True)}
    count_b = {int(v): int(c) for v, c in zip(*np.unique(sb, return_counts=True), strict=True)}
    assert all(count_a[int(v)] == 1 or count_b[int(v)] == 1 for v in sa[ia])
    assert all(int(np.flatnonzero(sa == sa[i])[0]) == i for i in ia)
    assert all(int(np.flatnonzero(sb == sb[j])[0]) == j for j in jb)


def test_align_anchor_chain_is_the_longest_increasing_chain() -> None:
    sa = _u32([1, 2, 9, 3, 4, 8, 5])
    sb = _u32([1, 8, 2, 3, 9, 4, 5])
    ia, jb = anchor_chain(sa, sb)
    assert sa[ia].tolist() == [1, 2, 3, 4, 5]
    assert jb.tolist() == [0, 2, 3, 5, 6]


def test_align_reversed_order_gives_tiny_coverage() -> None:
    s = _u32(np.arange(100))
    cov_a, cov_b = _coverage(s, s[::-1].copy())
    assert cov_a == cov_b == pytest.approx(2 / 101)


def test_align_swapped_halves_cover_only_one_half() -> None:
    first, second = np.arange(0, 60), np.arange(60, 100)
    cov_a, cov_b = _coverage(_u32(np.r_[first, second]), _u32(np.r_[second, first]))
    assert cov_a == pytest.approx(61 / 101)
    assert cov_b == pytest.approx(61 / 101)


def test_align_planted_block_of_shingles() -> None:
    block = np.arange(1000, 1030)
    sa = _u32(np.r_[np.arange(0, 40), block, np.arange(40, 80)])  # 110 shingles
    sb = _u32(np.r_[np.arange(200, 220), block, np.arange(220, 300)])  # 130 shingles
    cov_a, cov_b = _coverage(sa, sb)
    assert cov_a == pytest.approx(31 / 111)
    assert cov_b == pytest.approx(31 / 131)


@pytest.mark.parametrize(
    ("before", "block", "after"), [(40, 30, 40), (0, 50, 100), (100, 20, 0), (5, 120, 7)]
)
def test_align_planted_block_of_words_gives_its_share_of_each_text(
    before: int, block: int, after: int, unique_words: Callable[..., list[str]]
) -> None:
    words = unique_words(2 * (before + after) + block)
    shared = words[:block]
    rest = words[block:]
    a = rest[:before] + shared + rest[before : before + after]
    b = rest[before + after : 2 * before + after] + shared + rest[2 * before + after :]
    fp = fingerprint_texts(["a", "b"], [" ".join(a), " ".join(b)], [0, 0], Config())
    shared, *cov = align_sets(
        fp.shingle_set(0),
        fp.shingle_positions(0),
        fp.shingle_set(1),
        fp.shingle_positions(1),
        fp.n_content[0],
        fp.n_content[1],
        2,
        True,
    )
    assert shared == max(block - 1, 0)
    assert cov[0] == pytest.approx(block / len(a))
    assert cov[1] == pytest.approx(block / len(b))
    assert cov[2:] == cov[:2]  # one verbatim block: all of the coverage is in it


def test_align_a_shingle_repeated_in_one_text_anchors_at_its_first_occurrence() -> None:
    sa = _u32([1, 2, 3])
    sb = _u32([1, 1, 2, 3])
    ia, jb = anchor_chain(sa, sb)
    assert sa[ia].tolist() == [1, 2, 3]
    assert jb.tolist() == [0, 2, 3]


def test_align_a_shingle_repeated_in_both_texts_is_not_an_anchor() -> None:
    ia, jb = anchor_chain(_u32([1, 1, 2, 3]), _u32([1, 2, 1, 3]))
    assert ia.tolist() == [2, 3] and jb.tolist() == [1, 3]


@pytest.mark.parametrize(("sa", "sb"), [([], [1, 2]), ([1, 2], []), ([], [])])
def test_align_empty_sequence_covers_nothing(sa: list[int], sb: list[int]) -> None:
    assert ordered_coverage(_u32(sa), _u32(sb), 3, 3, 2) == (0.0, 0.0, 0.0, 0.0)


def test_align_no_shared_shingle_covers_nothing() -> None:
    assert _scores(_u32([1, 2, 3]), _u32([4, 5, 6])) == (0.0, 0.0, 0.0, 0.0)
    ia, jb = anchor_chain(_u32([1, 2, 3]), _u32([4, 5, 6]))
    assert ia.size == jb.size == 0


def test_align_short_text_with_one_shingle() -> None:
    # a text of 2 content words with size 3 has one shingle covering both words
    assert ordered_coverage(_u32([7]), _u32([7]), 2, 2, 3) == (1.0, 1.0, 1.0, 1.0)


def test_align_coverage_is_symmetric_for_texts_without_repeats() -> None:
    rng = np.random.default_rng(1)
    sa = _u32(rng.permutation(300)[:150])
    sb = _u32(np.r_[sa[20:90], rng.permutation(np.arange(300, 400))[:50]])
    cov_a, cov_b, block_a, block_b = _scores(sa, sb)
    back_a, back_b, back_block_a, back_block_b = _scores(sb, sa)
    assert (cov_a, cov_b, block_a, block_b) == pytest.approx(
        (back_b, back_a, back_block_b, back_block_a)
    )


def test_align_a_passage_repeated_in_one_text_is_found_either_way_round() -> None:
    passage = np.arange(0, 60)
    sa = _u32(np.r_[passage, passage, np.arange(100, 250)])
    sb = _u32(passage)
    assert _coverage(sa, sb)[1] == pytest.approx(1.0)
    assert _coverage(sb, sa) == pytest.approx(_coverage(sa, sb)[::-1])


def test_align_largest_block_of_two_separate_passages() -> None:
    first, second = np.arange(1000, 1030), np.arange(2000, 2010)
    sa = _u32(np.r_[first, np.arange(0, 20), second, np.arange(20, 60)])  # 100 shingles
    sb = _u32(np.r_[np.arange(100, 140), first, np.arange(140, 160), second])  # 100 shingles
    cov_a, cov_b, block_a, block_b = _scores(sa, sb)
    assert (cov_a, cov_b) == pytest.approx((42 / 101, 42 / 101))
    assert (block_a, block_b) == pytest.approx((31 / 101, 31 / 101))  # the 30-shingle passage


@pytest.mark.parametrize(("gap", "one_block"), [(BLOCK_GAP, True), (BLOCK_GAP + 1, False)])
def test_align_block_survives_small_substitutions(gap: int, one_block: bool) -> None:
    # b is a with (gap - 1) shingles replaced in the middle: anchors step by ``gap`` there
    sa = _u32(np.arange(0, 41))
    sb = sa.copy()
    sb[20 : 20 + gap - 1] = np.arange(500, 500 + gap - 1)
    cov_a, _, block_a, _ = _scores(sa, sb)
    assert cov_a == pytest.approx((44 - gap) / 42)  # each shingle covers two of the 42 tokens
    if one_block:
        assert block_a == cov_a
    else:
        assert block_a == pytest.approx(21 / 42)  # the run before the substitution


def test_align_dispersed_reuse_has_small_blocks() -> None:
    # every other run of 10 shingles shared: half aligns, no block bigger than one run
    runs = [np.arange(100 * k, 100 * k + 10) for k in range(10)]
    sa = _u32(np.concatenate(runs))
    sb = _u32(np.concatenate([r if k % 2 == 0 else r + 50 for k, r in enumerate(runs)]))
    cov_a, cov_b, block_a, block_b = _scores(sa, sb)
    assert cov_a == cov_b == pytest.approx(55 / 101)
    assert block_a == block_b == pytest.approx(11 / 101)
