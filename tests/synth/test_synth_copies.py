"""Planted copies: the requested mix, and each kind within its similarity band.

The bands are the contract the evaluation relies on (measured over 5 x 3,000 articles:
near 3-gram Jaccard >= 0.77, rewrite 0.14-0.61 with 90% in 0.20-0.51, excerpt containment
>= 0.80); the assertions leave a margin for other seeds.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from statistics import median

import pytest

from newsdedup.synth import (
    KINDS,
    SynthCorpus,
    containment,
    generate_corpus,
    jaccard,
    normalize,
    word_ngrams,
)

_N = 3000


@lru_cache(maxsize=1)
def _corpus() -> SynthCorpus:
    return generate_corpus(_N, seed=11)


@lru_cache(maxsize=1)
def _texts() -> dict[str, str]:
    return {a.id: a.text for a in _corpus().articles}


def _scores(kind: str, n: int) -> list[tuple[float, float]]:
    """(Jaccard, containment of the copy in its original) of word n-grams, per copy of kind."""
    texts = _texts()
    out = []
    for record in _corpus().truth:
        if record.kind == kind:
            copy, original = word_ngrams(texts[record.id], n), word_ngrams(texts[record.cluster], n)
            out.append((jaccard(copy, original), containment(copy, original)))
    return out


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def test_copies_kinds_in_requested_proportions() -> None:
    counts = Counter(t.kind for t in _corpus().truth)
    assert counts["original"] == pytest.approx(0.7 * _N, abs=2)
    for kind, share in {"exact": 0.2, "near": 0.3, "rewrite": 0.3, "excerpt": 0.2}.items():
        assert counts[kind] == pytest.approx(0.3 * share * _N, abs=2)


@pytest.mark.parametrize("kind", KINDS)
def test_copies_single_kind_mix(kind: str) -> None:
    corpus = generate_corpus(500, seed=2, words=80, copy_rate=0.4, kinds={kind: 1.0})
    assert Counter(t.kind for t in corpus.truth) == {"original": 300, kind: 200}


def test_copies_zero_copy_rate_gives_originals_only() -> None:
    corpus = generate_corpus(200, seed=2, words=50, copy_rate=0.0)
    assert {t.kind for t in corpus.truth} == {"original"}
    assert all(t.cluster == t.id and t.parent is None for t in corpus.truth)


def test_copies_exact_copies_normalise_to_the_original() -> None:
    texts = _texts()
    exact = [t for t in _corpus().truth if t.kind == "exact"]
    assert exact
    assert all(normalize(texts[t.id]) == normalize(texts[t.cluster]) for t in exact)
    assert any(texts[t.id] != texts[t.cluster] for t in exact)  # surface changes happen


def test_copies_near_copies_keep_most_trigrams() -> None:
    j3 = [j for j, _ in _scores("near", 3)]
    assert min(j3) > 0.7
    assert median(j3) < 0.97  # and they are edited


def test_copies_rewrites_fall_in_the_seed_pair_band() -> None:
    j3 = [j for j, _ in _scores("rewrite", 3)]
    j5 = [j for j, _ in _scores("rewrite", 5)]
    assert min(j3) > 0.1 and max(j3) < 0.7
    assert _quantile(j3, 0.05) > 0.15 and _quantile(j3, 0.95) < 0.6
    assert 0.28 < median(j3) < 0.4
    assert _quantile(j5, 0.05) > 0.05 and _quantile(j5, 0.95) < 0.4


def test_copies_rewrite_intensity_orders_similarity() -> None:
    texts = _texts()
    by_strength = sorted(
        (t.intensity, jaccard(word_ngrams(texts[t.id], 3), word_ngrams(texts[t.cluster], 3)))
        for t in _corpus().truth
        if t.edit == "rewrite" and t.parent == t.cluster and t.intensity is not None
    )
    third = len(by_strength) // 3
    mild = median(j for _, j in by_strength[:third])
    strong = median(j for _, j in by_strength[-third:])
    assert mild > strong + 0.1


def test_copies_excerpts_lie_inside_their_original() -> None:
    texts = _texts()
    scores = _scores("excerpt", 3)
    assert min(c for _, c in scores) > 0.6
    shares = [
        len(texts[t.id].split()) / len(texts[t.cluster].split())
        for t in _corpus().truth
        if t.kind == "excerpt"
    ]
    assert median(shares) < 0.6


def test_copies_chains_are_consistent() -> None:
    truth = _corpus().by_id()
    compatible = {
        "exact": {"exact"},
        "near": {"exact", "near"},
        "rewrite": {"exact", "near", "rewrite"},
        "excerpt": {"exact", "near", "excerpt"},
    }
    texts = _texts()
    chained = 0
    for record in truth.values():
        assert len(texts[record.id].split()) >= 20
        if record.kind == "original":
            assert record.cluster == record.id and record.parent is None and record.edit is None
            continue
        parent = truth[record.parent or ""]
        assert parent.id < record.id
        assert parent.cluster == record.cluster and parent.story == record.story
        assert truth[record.cluster].kind == "original"
        if parent.kind != "original":
            chained += 1
            assert parent.kind in compatible[record.kind]
        else:
            assert record.edit == record.kind
    assert chained > 0.05 * 0.3 * _N
