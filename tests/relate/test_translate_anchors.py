"""relate/translate_anchors.py counts only the keys a candidate can come from (those of articles
outside the commonest language, and the keys of the articles in a pair): its candidates and
overlaps are bit for bit those of counting every key of every article, the code it replaced
(kept here as the reference), whatever the corpus."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from newsdedup.config import TranslateConfig
from newsdedup.relate import translate_anchors as ta


def _all_key_pairs(
    owner: NDArray[np.int64],
    starts: NDArray[np.int64],
    df: NDArray[np.int64],
    weight: NDArray[np.float64],
    lang_of: NDArray[np.int64],
    known: NDArray[np.bool_],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """``_key_pairs`` before it walked only the minority's pairs: every pair of places i < j
    in each key's run of ``owner``, keys in order, kept where its two articles are in two known
    languages (code ``owner[i] * n + owner[j]``, with that key's ``weight``)."""
    n = len(lang_of)
    codes: list[int] = []
    weights: list[float] = []
    for key, (start, count) in enumerate(zip(starts.tolist(), df.tolist(), strict=True)):
        for i, j in itertools.combinations(range(start, start + count), 2):
            a, b = int(owner[i]), int(owner[j])
            if known[a] and known[b] and lang_of[a] != lang_of[b]:
                codes.append(a * n + b)
                weights.append(float(weight[key]))
    return np.array(codes, np.int64), np.array(weights, np.float64)


def _reference(
    keys: list[NDArray[np.uint64]], langs: list[str], config: TranslateConfig
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """``anchor_candidates`` before: one sort of every key of every article."""
    n = len(keys)
    lang_of = ta.language_codes(langs)
    known = np.array([bool(lang) for lang in langs])
    sizes = np.fromiter((len(k) for k in keys), np.int64, n)
    if n < 2 or not sizes.any():
        return np.empty((0, 2), np.int64), np.empty(0)
    flat = np.concatenate([np.asarray(k, np.uint64) for k in keys])
    owner = np.repeat(np.arange(n, dtype=np.int64), sizes)
    order = np.lexsort((owner, flat))
    flat, owner = flat[order], owner[order]
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    df = np.diff(np.r_[starts, len(flat)])
    idf = np.log(n / df)
    weight = np.repeat(idf**2, df)
    norms = np.sqrt(np.bincount(owner, weights=weight, minlength=n))
    code = lang_of[owner]
    low = np.minimum.reduceat(np.where(known[owner], code, np.iinfo(np.int64).max), starts)
    high = np.maximum.reduceat(np.where(known[owner], code, -1), starts)
    shared = (df >= 2) & (df <= config.max_anchor_df) & (high > low)
    codes, weights = _all_key_pairs(
        owner, starts[shared], df[shared], (idf**2)[shared], lang_of, known
    )
    if not len(codes):
        return np.empty((0, 2), np.int64), np.empty(0)
    code, inverse = np.unique(codes, return_inverse=True)
    overlap = np.bincount(inverse, weights=weights)
    a, b = code // n, code % n
    overlap = overlap / np.maximum(norms[a] * norms[b], 1e-12)
    return np.column_stack((a, b)), overlap


_LANGS = ("en", "de", "fr", "cs", "")


@st.composite
def _corpora(draw):  # type: ignore[no-untyped-def]
    """Articles mostly in one language (or evenly mixed), with keys from a small vocabulary of
    hash-like values (many shared), unsorted and repeated at times."""
    n = draw(st.integers(0, 60))
    bias = draw(st.sampled_from([0.0, 0.5, 0.9, 0.98]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    langs = [
        "en" if rng.random() < bias else _LANGS[int(rng.integers(len(_LANGS)))] for _ in range(n)
    ]
    vocab = rng.integers(0, 2**64, draw(st.integers(1, 40)), dtype=np.uint64)
    keys: list[NDArray[np.uint64]] = []
    for _ in range(n):
        k = vocab[rng.integers(0, len(vocab), int(rng.integers(0, 12)))]
        keys.append(k if draw(st.booleans()) else np.unique(k))
    return langs, keys


@settings(max_examples=400, deadline=None)
@given(_corpora(), st.integers(1, 8))
def test_translate_anchors_equal_counting_every_key(corpus, max_df) -> None:  # type: ignore[no-untyped-def]
    langs, keys = corpus
    config = replace(TranslateConfig(), max_anchor_df=max_df)
    old = _reference(keys, langs, config)
    for given_keys in (keys, ta.KeySets.of(keys)):
        new = ta.anchor_candidates(given_keys, langs, config)
        assert np.array_equal(old[0], new[0])
        assert old[1].tobytes() == new[1].tobytes()


def test_translate_anchors_of_a_large_nearly_monolingual_corpus() -> None:
    """Thousands of English articles and a few in two other languages, keys drawn by a Zipf
    law (common keys past ``max_anchor_df``): the pairs and overlaps of counting every key."""
    rng = np.random.default_rng(7)
    n = 6000
    langs = ["en"] * n
    for k, lang in zip(
        rng.choice(n, 9, replace=False).tolist(), ["de", "cs", "fr"] * 3, strict=True
    ):
        langs[k] = lang
    vocab = rng.integers(0, 2**64, 40_000, dtype=np.uint64)
    keys = [
        np.unique(vocab[np.minimum(rng.zipf(1.3, int(rng.integers(0, 60))), len(vocab)) - 1])
        for _ in range(n)
    ]
    config = replace(TranslateConfig(), max_anchor_df=200)
    old, new = _reference(keys, langs, config), ta.anchor_candidates(keys, langs, config)
    assert len(old[0]) > 50
    assert np.array_equal(old[0], new[0]) and old[1].tobytes() == new[1].tobytes()


def test_translate_anchors_key_sets_sort_each_article() -> None:
    keys = [np.array([5, 3, 3], np.uint64), np.array([], np.uint64), np.array([9, 1], np.uint64)]
    sets = ta.KeySets.of(keys)
    assert sets.flat.tolist() == [3, 3, 5, 1, 9]
    assert sets.sizes.tolist() == [3, 0, 2]
    assert ta.KeySets.of(sets) is sets
