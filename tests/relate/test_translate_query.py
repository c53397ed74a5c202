"""relate/translate.py's vectorised pair and slot passes equal the per-key and per-slot loops
they replaced, and relate/translate_query.py finds a new article's translations exactly as
``translation_pairs`` over the whole corpus does, whatever the corpus."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from newsdedup.config import TranslateConfig
from newsdedup.fingerprint.multilingual import DIM
from newsdedup.relate import translate
from newsdedup.relate import translate_query as tq


def _old_anchor_candidates(keys, langs, config):  # type: ignore[no-untyped-def]
    """The per-key loop of np.triu_indices that ``anchor_candidates`` ran before."""
    n = len(keys)
    lang_of = translate._language_codes(langs)
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
    norms = np.sqrt(np.bincount(owner, weights=np.repeat(idf**2, df), minlength=n))
    pair_keys, pair_weights = [], []
    for s, d, w in zip(starts.tolist(), df.tolist(), (idf**2).tolist(), strict=True):
        if d < 2 or d > config.max_anchor_df:
            continue
        docs = owner[s : s + d]
        i, j = np.triu_indices(d, 1)
        a, b = docs[i], docs[j]
        cross = (lang_of[a] != lang_of[b]) & known[a] & known[b]
        if cross.any():
            pair_keys.append(a[cross] * n + b[cross])
            pair_weights.append(np.full(int(cross.sum()), w))
    if not pair_keys:
        return np.empty((0, 2), np.int64), np.empty(0)
    code, inverse = np.unique(np.concatenate(pair_keys), return_inverse=True)
    overlap = np.bincount(inverse, weights=np.concatenate(pair_weights))
    a, b = code // n, code % n
    return np.column_stack((a, b)), overlap / np.maximum(norms[a] * norms[b], 1e-12)


def _old_best_in_language(a, b, score, lang):  # type: ignore[no-untyped-def]
    """The per-slot loop ``_best_in_language`` ran before."""
    src, dst = np.concatenate((a, b)), np.concatenate((b, a))
    score = np.concatenate((score, score))
    slots: dict[tuple[int, str], list[int]] = {}
    for e in range(len(src)):
        slots.setdefault((int(src[e]), str(lang[dst[e]])), []).append(e)
    best, lead_by = np.zeros(len(src), bool), np.zeros(len(src))
    best_score, rank = np.zeros(len(src)), np.zeros(len(src), np.int64)
    for edges in slots.values():
        ranked = sorted(edges, key=lambda e: (-score[e], int(dst[e])))
        best[ranked[0]] = True
        lead_by[edges] = score[ranked[0]] - (score[ranked[1]] if len(ranked) > 1 else 0.0)
        best_score[edges] = score[ranked[0]]
        rank[ranked] = np.arange(len(ranked))
    return best, lead_by, best_score, rank


_LANGS = ("en", "de", "fr", "cs", "ja")


@st.composite
def _corpora(draw):  # type: ignore[no-untyped-def]
    """Articles with few languages and keys from a small vocabulary (many shared keys)."""
    n = draw(st.integers(1, 40))
    vocab = draw(st.integers(2, 30))
    langs = [draw(st.sampled_from(_LANGS)) for _ in range(n)]
    keys = [
        np.unique(np.array(draw(st.lists(st.integers(0, vocab), max_size=8)), np.uint64) * 7919)
        for _ in range(n)
    ]
    return langs, keys


def _vectors(leads: list[str]) -> NDArray[np.float32]:
    """A stand-in encoder: a fixed random unit vector per lead (zero for an empty one)."""
    out = np.zeros((len(leads), DIM), np.float32)
    for k, text in enumerate(leads):
        if text:
            v = np.random.default_rng(sum(text.encode())).normal(size=DIM)
            out[k] = v / np.linalg.norm(v)
    return out


@settings(max_examples=200, deadline=None)
@given(_corpora(), st.integers(1, 6))
def test_translate_anchor_candidates_equal_the_per_key_loop(corpus, max_df) -> None:  # type: ignore[no-untyped-def]
    langs, keys = corpus
    config = replace(TranslateConfig(), max_anchor_df=max_df)
    old, new = (
        _old_anchor_candidates(keys, langs, config),
        translate.anchor_candidates(keys, langs, config),
    )
    assert np.array_equal(old[0], new[0]) and old[1].tobytes() == new[1].tobytes()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_translate_best_in_language_equals_the_per_slot_loop(m, n, seed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    a, b = a[a != b], b[a != b]
    code = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    a, b = code // n, code % n
    score = rng.integers(0, 4, len(a)) / 4.0  # ties
    lang = np.array([_LANGS[k % 3] for k in range(n)], dtype=object)
    for old, new in zip(
        _old_best_in_language(a, b, score, lang),
        translate._best_in_language(a, b, score, lang),
        strict=True,
    ):
        assert old.tobytes() == new.tobytes()


@settings(max_examples=300, deadline=None)
@given(
    _corpora(),
    st.sampled_from(_LANGS),
    st.lists(st.integers(0, 30), max_size=8),
    st.sampled_from(("auto", "scripts", "all")),
    st.integers(1, 3),
    st.integers(2, 40),
)
def test_translate_query_pairs_equal_the_whole_corpus(  # type: ignore[no-untyped-def]
    corpus, lang, own, encoder, candidates, max_df
) -> None:
    langs, keys = corpus
    own_keys = np.unique(np.array(own, np.uint64) * 7919)
    config = replace(
        TranslateConfig(),
        encoder=encoder,
        candidates=candidates,
        max_anchor_df=max_df,
        min_score=0.2,
        min_cosine=-1.0,
        min_anchor=0.0,
    )
    leads = [f"lead {i}" for i in range(len(langs))] + ["the query"]
    whole = translate.translation_pairs([*langs, lang], [*keys, own_keys], leads, config, _vectors)
    m = len(langs)
    expected = [(t.a + t.b - m, t) for t in whole.pairs if m in (t.a, t.b)]
    stored = tq.stored_anchors(langs, keys)
    default = tq._WHOLE
    # q's language's articles always, the default, and the neighbourhood always
    for share in (0.0, default, float("inf")):
        tq._WHOLE = share
        try:
            got = tq.query_pairs(
                stored, lang, own_keys, leads[-1], leads.__getitem__, config, _vectors
            )
        finally:
            tq._WHOLE = default
        assert [(p, t.score, t.cosine, t.anchors, t.margin) for p, t in got] == [
            (p, t.score, t.cosine, t.anchors, t.margin) for p, t in expected
        ] or _same_with_nan(got, expected)


def _same_with_nan(got, expected) -> bool:  # type: ignore[no-untyped-def]
    """Equal, a NaN cosine (a pair the encoder does not read) equal to a NaN."""
    norm = lambda found: [  # noqa: E731
        (p, t.score, str(t.cosine), t.anchors, t.margin) for p, t in found
    ]
    return norm(got) == norm(expected)
