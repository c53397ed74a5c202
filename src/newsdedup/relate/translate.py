"""Which articles are translations of each other: anchors find candidates, an encoder confirms.

A translation shares almost no shingle with its original, so the copy path never pairs the two.
Here each article in a corpus of several languages is matched against the others' languages:

1. candidates: pairs of articles in two languages that share rare anchor keys (numbers and
   names, fingerprint/anchors.py), scored by the rarity-weighted cosine of their keys
   (relate/translate_anchors.py); a pair stays when each side is among the other's
   ``candidates`` best in its language (so a few articles in a second language cost a few
   pairs each, not one per article of the first);
2. score: ``anchor_weight`` x that overlap, plus the cosine of the two leads' multilingual
   vectors (fingerprint/multilingual.py) where the encoder reads both languages, else the fixed
   ``unread_cosine`` and only for two alphabetic scripts, whose names transliterate; a pair
   below ``min_cosine`` (or ``min_anchor`` unread) is no candidate, nor one the encoder reads
   whose two leads are one text (``same_text``: a quoted passage, a mixed-language text);
3. verdict: a pair is a translation when one article's best match in the other's language
   leads the runner-up there by ``margin`` or more, and the other article's own best match in
   the first one's language is at most ``tolerance`` ahead of it (that best is often a second
   translation of the same original) and ranks it among its ``per_language`` best there (the
   one article of a rare language is otherwise every common-language article's best). A
   look-alike (another report of the event) usually comes second to the real translation, and
   an article with no translation in the corpus has no partner that wins clearly;
4. confirmation: where the encoder reads both languages and the score is under
   ``tail_below``, the two texts' tails (``tail_chars``) must be alike too
   (``min_tail_cosine``). Another language's report of the same event, with no translation
   of either in the corpus, wins clearly as often as a translation does
   (eval/stories_crosslingual.py): its lead tells the same who, what and where, but it ends
   elsewhere.

Figures were chosen on half of the WMT development set; eval/translations.py reports the other.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from newsdedup.arrays import unique
from newsdedup.config import TranslateConfig
from newsdedup.fingerprint.anchors import anchor_keys, guess_language
from newsdedup.fingerprint.multilingual import DIM, lead_and_tail, split_lead_and_tail
from newsdedup.relate.translate_anchors import KeySets, anchor_candidates
from newsdedup.relate.translate_anchors import language_codes as _language_codes
from newsdedup.types import Article

__all__ = [
    "ALPHABETIC",
    "ENCODED",
    "Encoder",
    "KeySets",
    "Search",
    "Translation",
    "anchor_candidates",
    "anchored_text",
    "article_features",
    "both_tails",
    "encoder_input",
    "judge_candidates",
    "language_of",
    "same_text",
    "tails_disagree",
    "translation_pairs",
]

#: Languages the multilingual USE v3 encoder was trained on (its model card).
ENCODED = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
    | {"uk"}  # not in the model card, but read through Russian (eval/translations.py: 1.0)
)
#: Languages whose script transliterates to Latin letters (fingerprint/anchors.skeleton), so
#: that names alone can tie a translation to its original.
_ALPHABETIC = "en de fr es it pt nl sv da no fi is cs sk pl hr sl sr bs ro hu et lv lt tr ru uk bg"
ALPHABETIC = frozenset(
    f"{_ALPHABETIC} be mk el sq ga cy eu ca gl nb nn af az id ms vi tl sw so uz".split()
)  # ISO 639-1, as lingua (clean/language.py) and guess_language name them

Encoder = Callable[[list[str]], NDArray[np.float32]]


def language_of(article: Article) -> str:
    """The article's language as the reader or the clean stage told it, else a guess."""
    return article.lang or guess_language(article.text)


def article_features(
    article: Article, config: TranslateConfig, lang: str | None = None
) -> tuple[str, NDArray[np.uint64], str]:
    """What the stage needs of one article: its language, anchor keys and what the encoder
    may read of it (its lead and tail, ``lead_and_tail``; a map)."""
    return (
        lang if lang is not None else language_of(article),
        anchor_keys(anchored_text(article.text, article.title)),
        encoder_input(article.text, article.title, config),
    )


def encoder_input(text: str, title: str | None, config: TranslateConfig) -> str:
    """An article's lead and tail as the stage carries them (``lead_and_tail``), every executor."""
    return lead_and_tail(text, title, config.lead_chars, config.tail_chars)


def anchored_text(text: str, title: str | None) -> str:
    """What an article's anchor keys are read from: its title, then its text."""
    return f"{title or ''}\n{text}"


@dataclass(frozen=True, slots=True)
class Search:
    """What ``translation_pairs`` found, and its work: candidate pairs scored, passages the
    encoder read (articles' leads, then the tails of the pairs it confirmed)."""

    pairs: list[Translation]
    candidates: int
    encoded: int


@dataclass(frozen=True, slots=True)
class Translation:
    """Two articles (indices) found to be translations, and the figures that decided it."""

    a: int
    b: int
    score: float
    cosine: float  #: NaN where the encoder does not read one of the languages
    anchors: float  #: rarity-weighted cosine of the two articles' anchor keys
    margin: float  #: the deciding side's lead over its runner-up in the partner's language


def _top_per_article(
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    lang_of: NDArray[np.int64],
    k: int,
) -> NDArray[np.bool_]:
    """Pairs among the ``k`` best of each article in the other's language, on both sides
    (ties broken by the partner's index)."""
    keep = np.ones(len(a), bool)
    for side, other in ((a, b), (b, a)):
        slot = side * (int(lang_of.max()) + 1) + lang_of[other]
        order = np.lexsort((other, -score, slot))
        sorted_slot = slot[order]
        first = np.searchsorted(sorted_slot, sorted_slot)
        rank = np.arange(len(order)) - first
        keep[order[rank >= k]] = False
    return keep


def translation_pairs(
    langs: Sequence[str],
    keys: Sequence[NDArray[np.uint64]] | KeySets,
    leads: Sequence[str],
    config: TranslateConfig,
    encode: Encoder,
) -> Search:
    """The translations among n articles (their languages, anchor keys and leads); ``encode``
    is called once, on the leads of the candidates the encoder reads."""
    shared, shared_overlap = anchor_candidates(keys, langs, config)
    return judge_candidates(langs, shared, shared_overlap, leads, config, encode)


def judge_candidates(
    langs: Sequence[str],
    shared: NDArray[np.int64],
    shared_overlap: NDArray[np.float64],
    leads: Sequence[str],
    config: TranslateConfig,
    encode: Encoder,
) -> Search:
    """``translation_pairs`` from its anchor candidates (``anchor_candidates``: pairs i < j,
    sorted, and their overlaps) on: the best few, the encoder, the verdicts."""
    n = len(langs)
    lang = np.array(langs, dtype=object)
    read = np.array([lg in ENCODED for lg in langs])
    alpha = np.array([lg in ALPHABETIC for lg in langs])
    keep = _top_per_article(
        shared[:, 0], shared[:, 1], shared_overlap, _language_codes(langs), config.candidates
    )
    pairs = shared[keep]
    # Which pairs the encoder reads (``TranslateConfig.encoder``): "all", every pair whose
    # languages it knows, and names in kana, Han or Arabic script (which do not transliterate)
    # find candidates by their vectors too, so every article it reads gets one; "scripts", only
    # pairs with a side in such a script; "auto", those and the pairs of two alphabets whose
    # anchors leave it open (a side's best match in the other's language leads the runner-up
    # by less than ``anchor_lead``). Elsewhere candidates come from anchors alone.
    dense = config.encoder == "all" and bool((read & ~alpha).any())
    needs = read[pairs].all(axis=1)
    if config.encoder != "all":
        unsettled = ~alpha[pairs].all(axis=1)
        if config.encoder == "auto":
            unsettled |= _open_by_anchors(pairs, shared_overlap[keep], lang, config)
        needs &= unsettled
    wanted = np.flatnonzero(read) if dense else unique(pairs[needs])
    vectors = np.zeros((n, 0), np.float32)
    heads: dict[int, str] = {}  #: the leads the encoder reads, by article
    if len(wanted):
        vectors = np.zeros((n, DIM), np.float32)
        heads = {d: split_lead_and_tail(leads[d])[0] for d in wanted.tolist()}
        vectors[wanted] = encode(list(heads.values()))
    if dense:
        extra = _nearest(vectors, read & ~alpha, read, lang, config.candidates)
        pairs = np.unique(np.vstack((pairs, extra)), axis=0)
        needs = read[pairs].all(axis=1)
    if not len(pairs):
        return Search(pairs=[], candidates=0, encoded=len(wanted))
    a, b = pairs[:, 0], pairs[:, 1]
    overlap = _overlap_of(a * n + b, shared[:, 0] * n + shared[:, 1], shared_overlap)
    cosine = np.full(len(pairs), np.nan)
    at = np.flatnonzero(needs)
    if len(at):
        cosine[at] = np.einsum("ij,ij->i", vectors[a[at]], vectors[b[at]])
    score = config.anchor_weight * overlap + np.where(needs, cosine, config.unread_cosine)
    ok = np.where(
        needs,
        np.nan_to_num(cosine, nan=-1.0) >= config.min_cosine,
        alpha[a] & alpha[b] & (overlap >= config.min_anchor),
    )
    ok &= score >= config.min_score
    for p in np.flatnonzero(ok & needs).tolist():
        ok[p] = not same_text(heads[int(a[p])], heads[int(b[p])], config)
    a, b, score, cosine, overlap = a[ok], b[ok], score[ok], cosine[ok], overlap[ok]
    # each side's best and runner-up in the other's language
    best, lead_by, best_score, rank = _best_in_language(a, b, score, lang)
    out: list[Translation] = []
    m = len(a)
    for p in range(m):
        for x_side, y_side in ((p, p + m), (p + m, p)):
            # x's clear best in y's language, and y's best in x's language is not far ahead
            # (that is often another translation of one original: a human and a machine one)
            # and ranks x among its ``per_language`` best there: an article has a few
            # translations in one language, where the one article of a rare language is the
            # best, by default, of every article of a common one that it is a candidate of
            if (
                best[x_side]
                and lead_by[x_side] >= config.margin
                and score[p] >= best_score[y_side] - config.tolerance
                and rank[y_side] < config.per_language
            ):
                out.append(
                    Translation(
                        a=int(a[p]),
                        b=int(b[p]),
                        score=float(score[p]),
                        cosine=float(cosine[p]),
                        anchors=float(overlap[p]),
                        margin=float(lead_by[x_side]),
                    )
                )
                break
    out, tails = _confirmed_by_tails(out, read, leads, config, encode)
    return Search(pairs=out, candidates=len(pairs), encoded=len(wanted) + tails)


def _confirmed_by_tails(
    found: list[Translation],
    read: NDArray[np.bool_],
    leads: Sequence[str],
    config: TranslateConfig,
    encode: Encoder,
) -> tuple[list[Translation], int]:
    """The pairs whose tails agree where the encoder reads both languages and the score is
    under ``tail_below`` (both tails there: a text with no tail, such as a stored lead from
    before tails, is not held against a pair), and how many tails it encoded."""
    if not config.tail_chars or not found:
        return found, 0
    doubtful = [t for t in found if read[t.a] and read[t.b] and t.score < config.tail_below]
    # in document order: an executor's leads may be read a batch of documents at a time
    members = sorted({d for t in doubtful for d in (t.a, t.b)})
    ends = {d: split_lead_and_tail(leads[d])[1] for d in members}
    checked = [t for t in doubtful if both_tails(ends[t.a], ends[t.b])]
    wanted = sorted({d for t in checked for d in (t.a, t.b)})
    if not wanted:
        return found, 0
    rows = dict(zip(wanted, encode([ends[d] for d in wanted]), strict=True))
    cosine = {(t.a, t.b): float(rows[t.a] @ rows[t.b]) for t in checked}
    out = [
        t for t in found if not tails_disagree(t.score, cosine.get((t.a, t.b), math.nan), config)
    ]
    return out, len(wanted)


def both_tails(tail_a: str, tail_b: str) -> bool:
    """Whether a pair's tails can be compared: a text with no tail (too short for one, or a
    lead stored before tails were kept) is not held against the pair."""
    return bool(tail_a.strip() and tail_b.strip())


_WORD = re.compile(r"\w+")


def _word_pairs(text: str) -> set[tuple[str, str]]:
    words = _WORD.findall(text.lower())
    return set(itertools.pairwise(words))


def same_text(lead_a: str, lead_b: str, config: TranslateConfig) -> bool:
    """Whether two leads the encoder reads are one text rather than a translation: they share
    ``max_lead_overlap`` or more of the shorter one's word bigrams. A translation's words are
    another language's (WMT: at most 0.278, median 0); two articles guessed in two languages
    that open on the same passage get an encoder cosine near 1 and would otherwise pass as
    each other's translation. ``compare`` applies the same rule to a lone pair."""
    a, b = _word_pairs(lead_a), _word_pairs(lead_b)
    smaller = min(len(a), len(b))
    return smaller > 0 and len(a & b) >= config.max_lead_overlap * smaller


def tails_disagree(score: float, tail_cosine: float, config: TranslateConfig) -> bool:
    """Whether a pair the encoder reads in both languages fails step 4: it scores under
    ``tail_below`` and its tails' cosine is under ``min_tail_cosine`` (NaN, a side with no
    tail: not held against it). ``compare`` applies the same rule to a lone pair."""
    return score < config.tail_below and tail_cosine < config.min_tail_cosine


def _open_by_anchors(
    pairs: NDArray[np.int64],
    overlap: NDArray[np.float64],
    lang: NDArray[np.object_],
    config: TranslateConfig,
) -> NDArray[np.bool_]:
    """Pairs in a slot (an article and a language) whose best anchor overlap leads the
    runner-up by less than ``config.anchor_lead`` (in score units), on either side."""
    m = len(pairs)
    score = config.anchor_weight * overlap
    _, lead_by, _, _ = _best_in_language(pairs[:, 0], pairs[:, 1], score, lang)
    open_edge = lead_by < config.anchor_lead
    return open_edge[:m] | open_edge[m:]


def _overlap_of(
    codes: NDArray[np.int64], known: NDArray[np.int64], overlap: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The overlap of each pair code (``a * n + b``) among the sorted ``known`` codes, 0 for a
    pair that shares no anchor key (a nearest-vector candidate)."""
    if not len(known):
        return np.zeros(len(codes))
    at = np.minimum(np.searchsorted(known, codes), len(known) - 1)
    return np.where(known[at] == codes, overlap[at], 0.0)


def _nearest(
    vectors: NDArray[np.float32],
    wanted: NDArray[np.bool_],
    read: NDArray[np.bool_],
    lang: NDArray[np.object_],
    k: int,
) -> NDArray[np.int64]:
    """Pairs (i < j) of each ``wanted`` article and its ``k`` nearest vectors in other
    languages, in blocks of rows."""
    rows = np.flatnonzero(wanted)
    cols = np.flatnonzero(read)
    found: list[NDArray[np.int64]] = []
    for start in range(0, len(rows), 1024):
        block = rows[start : start + 1024]
        sim = vectors[block] @ vectors[cols].T
        sim[lang[block][:, None] == lang[cols][None, :]] = -np.inf
        top = np.argsort(-sim, axis=1, kind="stable")[:, :k]
        partner = cols[top]
        ok = np.isfinite(np.take_along_axis(sim, top, axis=1))
        x = np.repeat(block, top.shape[1]).reshape(top.shape)[ok]
        y = partner[ok]
        found.append(np.column_stack((np.minimum(x, y), np.maximum(x, y))))
    return np.vstack(found) if found else np.empty((0, 2), np.int64)


def _best_in_language(
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    lang: NDArray[np.object_],
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Each pair (a, b) seen from both sides: directed edges a -> b (the first m) then b -> a.
    For each edge: whether it is its source's best in the target's language (ties go to the
    smaller target index), that slot's lead of the best over the runner-up (the best's whole
    score when there is none), the best's score there, and the edge's rank in its slot
    (0 for the best)."""
    src = np.concatenate((a, b))
    dst = np.concatenate((b, a))
    score = np.concatenate((score, score))
    codes = _language_codes(lang)
    slot = src * (int(codes.max(initial=0)) + 1) + codes[dst]
    order = np.lexsort((dst, -score, slot))  # each slot's edges, best first
    sorted_slot = slot[order]
    first = np.searchsorted(sorted_slot, sorted_slot)  # where each edge's slot starts
    size = np.searchsorted(sorted_slot, sorted_slot, "right") - first
    top = order[first]
    runner_up = np.where(size > 1, score[order[np.minimum(first + 1, len(order) - 1)]], 0.0)
    best = np.zeros(len(src), bool)
    best[top] = True
    lead_by = np.empty(len(src))
    lead_by[order] = score[top] - runner_up
    best_score = np.empty(len(src))
    best_score[order] = score[top]
    rank = np.empty(len(src), np.int64)
    rank[order] = np.arange(len(order)) - first
    return best, lead_by, best_score, rank
