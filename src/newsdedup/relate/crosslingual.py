"""Paragraph alignment of an article and its translation, for ``compare`` and ``diff``.

Word alignment (relate/passages.py) finds nothing between two languages. Here each text is cut
into paragraphs (at every line break: blank lines and single newlines alike), each paragraph is
embedded with the multilingual encoder (fingerprint/multilingual.py, its first
``PARAGRAPH_CHARS`` characters), and each pair of paragraphs is scored by

    score = (1 - share) x cosine + share x anchors

where ``anchors`` is the plain cosine of the two paragraphs' anchor-key sets (the numbers and
name skeletons a translation keeps, fingerprint/anchors.py). The in-order alignment with the
largest total of ``score - floor`` over its pairs is found by dynamic programming: a pair counts
only at ``floor`` or above, and a paragraph may stay unaligned. (Summing ``score - floor``
rather than ``score`` keeps one good pair from losing to two poor ones across it.) Inside each
aligned pair, numbers, dates and names that changed are read by relate/crossfacts.py.

``share`` and ``floor`` differ by whether the encoder reads both languages
(relate/translate.ENCODED): in cs, hr, is... its cosine still carries some signal (names,
numbers, loanwords), but less, so the anchors weigh more there. They were chosen on the WMT
development set (not in the repository; rows sharing a group in its truth.json are
translations), original against each translation: the 28 pairs with two paragraphs or more,
as many on each side (de-fr, en-ru: 156 paragraph pairs, all read by the encoder), and 616
more pairs of all 14 language pairs (most articles there are one paragraph) cut into runs of
three sentences as stand-ins for paragraphs, where both sides have as many (1,891 runs in
444 pairs the encoder reads, 785 in 172 pairs it does not). Each original was also aligned
with its translation less one paragraph, and with another article's translation into the
same language, where every aligned pair is spurious:

- both read, ``READ`` = (0.3, 0.35): all 156 paragraph pairs aligned, 1 of 156 paragraphs
  aligned to the other article; of the runs 92.9% aligned, 10 of 1,891 to the other article
  (floor 0.30: 94.4% and 27; 0.40: 89.5% and 6; cosine alone at 0.35: 95.3% and 49). Alone,
  the cosine of a paragraph and its translation was 0.57 or more in 99% of the 156 pairs;
  that of two nearby paragraphs of one article 0.66 or less in 99% (median 0.29);
- not both read, ``UNREAD`` = (0.6, 0.25): 69.0% of the runs aligned, 2 of 785 to the other
  article (share 0.3: 53.2% and 4; floor 0.20: 74.0% and 10). A run sharing no number or
  name stays unaligned: there the anchors do most of the work.

Aligned pairs were the right ones 96-97% of the time on the runs (the rest mostly sentence
splits that do not correspond), 100% on the paragraphs. With one paragraph dropped from the
translation, its original stayed unaligned (an inserted span) in all 28 articles of
paragraphs, and in 420 of 444 and 166 of 172 of the articles cut into runs.

Pairs are one paragraph to one: a translation that merges paragraphs (machine output often
keeps one) aligns each merged paragraph with one of its sources only. Over the 107 WMT de-fr
pairs, where most machine outputs merge, 60% of the original's text was aligned on average,
against 97-100% in the other pairs the encoder reads (en-uk: 75%), 85-97% in those it does
not (cs, hr, is), most of them one paragraph a side.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import NDArray

from newsdedup.fingerprint.anchors import anchor_keys
from newsdedup.fingerprint.multilingual import encode_leads, lead
from newsdedup.relate.crossfacts import translation_changes
from newsdedup.relate.translate import ENCODED, Encoder
from newsdedup.types import Alignment, Change, Passage, Span

__all__ = [
    "align_texts",
    "align_translation",
    "best_path",
    "pair_scores",
    "paragraphs",
]

PARAGRAPH_CHARS = 600  #: characters of a paragraph the encoder reads (cut at a word)
#: paragraphs of a text aligned at most: a text with more (a list of short lines) is aligned in
#: as many runs of consecutive paragraphs, which bounds the encoder's work and the table's size
MAX_PARAGRAPHS = 400
#: (weight of the anchor overlap in a pair's score, least score of an aligned pair): for two
#: languages the encoder reads, and for the others, where its cosine is weaker (see the module
#: docstring for the figures these were chosen from)
READ = (0.3, 0.35)
UNREAD = (0.6, 0.25)

_LINE = re.compile(r"[^\n]+")


def align_texts(a: str, b: str, *, lang_a: str, lang_b: str) -> Alignment:
    """``align_translation`` for two known, different languages, else word alignment
    (``relate.passages.align``): the one place that decides which a pair gets."""
    if lang_a and lang_b and lang_a != lang_b:
        return align_translation(a, b, lang_a=lang_a, lang_b=lang_b)
    from newsdedup.relate.passages import align

    return align(a, b)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: every line with text, surrounding blanks left out."""
    out = []
    for m in _LINE.finditer(text):
        line = m.group()
        start = m.start() + len(line) - len(line.lstrip())
        end = m.end() - (len(line) - len(line.rstrip()))
        if start < end:
            out.append((start, end))
    return out


def align_translation(
    a: str, b: str, *, lang_a: str, lang_b: str, encode: Encoder = encode_leads
) -> Alignment:
    """Aligned paragraphs of ``a`` and its translation ``b`` as ``Passage`` s (similarity: the
    pair's score; quoted: 0.0), the paragraphs left over as ``Span`` s (inserted: in A only;
    deleted: in B only), the facts that changed inside aligned pairs, and the share of each
    text's paragraph characters inside aligned paragraphs. Offsets are into the texts as given.
    """
    pa, pb = _runs(paragraphs(a)), _runs(paragraphs(b))
    share, floor = READ if lang_a in ENCODED and lang_b in ENCODED else UNREAD
    score = pair_scores(a, b, pa, pb, share=share, encode=encode)
    matched = best_path(score, floor)
    passages = tuple(
        Passage(
            a_start=pa[i][0],
            a_end=pa[i][1],
            b_start=pb[j][0],
            b_end=pb[j][1],
            similarity=round(float(score[i, j]), 4),
        )
        for i, j in matched
    )
    changes: list[Change] = []
    for i, j in matched:
        changes += translation_changes(a, b, pa[i], pb[j], lang_a=lang_a, lang_b=lang_b)
    aligned_a, aligned_b = {i for i, _ in matched}, {j for _, j in matched}
    return Alignment(
        passages=passages,
        spans=_leftover("inserted", a, pa, aligned_a) + _leftover("deleted", b, pb, aligned_b),
        changes=tuple(changes),
        coverage_a=_covered(pa, aligned_a),
        coverage_b=_covered(pb, aligned_b),
    )


def _runs(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans``, or runs of consecutive ones where there are more than ``MAX_PARAGRAPHS``."""
    if len(spans) <= MAX_PARAGRAPHS:
        return spans
    k = -(-len(spans) // MAX_PARAGRAPHS)
    return [(spans[i][0], spans[min(i + k, len(spans)) - 1][1]) for i in range(0, len(spans), k)]


def _leftover(
    kind: str, text: str, spans: list[tuple[int, int]], aligned: set[int]
) -> tuple[Span, ...]:
    return tuple(
        Span(kind=kind, start=s, end=e, text=text[s:e])
        for k, (s, e) in enumerate(spans)
        if k not in aligned
    )


def pair_scores(
    a: str,
    b: str,
    pa: list[tuple[int, int]],
    pb: list[tuple[int, int]],
    *,
    share: float,
    encode: Encoder = encode_leads,
) -> NDArray[np.float64]:
    """The score of every pair of paragraphs (rows: ``pa``, columns: ``pb``), ``share`` being
    the anchors' weight."""
    if not pa or not pb:
        return np.zeros((len(pa), len(pb)))
    texts = [lead(a[s:e], None, PARAGRAPH_CHARS) for s, e in pa]
    texts += [lead(b[s:e], None, PARAGRAPH_CHARS) for s, e in pb]
    vectors = np.asarray(encode(texts), np.float64)
    cosine = vectors[: len(pa)] @ vectors[len(pa) :].T
    anchors = _anchor_cosines(
        [anchor_keys(a[s:e]) for s, e in pa], [anchor_keys(b[s:e]) for s, e in pb]
    )
    return (1.0 - share) * cosine + share * anchors


def _anchor_cosines(
    keys_a: list[NDArray[np.uint64]], keys_b: list[NDArray[np.uint64]]
) -> NDArray[np.float64]:
    """|x & y| / sqrt(|x| |y|) of every pair of key sets (0.0 where either is empty)."""
    shared = np.zeros((len(keys_a), len(keys_b)))
    where_b: dict[int, list[int]] = {}
    for j, keys in enumerate(keys_b):
        for key in keys.tolist():
            where_b.setdefault(key, []).append(j)
    for i, keys in enumerate(keys_a):
        for key in keys.tolist():
            shared[i, where_b.get(key, [])] += 1
    sizes_a = np.array([len(k) for k in keys_a], np.float64)
    sizes_b = np.array([len(k) for k in keys_b], np.float64)
    return shared / np.maximum(np.sqrt(np.outer(sizes_a, sizes_b)), 1.0)


def best_path(score: NDArray[np.float64], floor: float) -> list[tuple[int, int]]:
    """The in-order pairs (i, j), increasing in both, with the largest total ``score - floor``
    among pairs at ``floor`` or above (ties: a pair before a skip)."""
    n, m = score.shape
    gain = np.where(score >= floor, score - floor, -np.inf)
    total = np.zeros((n + 1, m + 1))
    for i in range(n):
        step = np.maximum(total[i, 1:], total[i, :-1] + gain[i])
        total[i + 1, 1:] = np.maximum.accumulate(step)
    out = []
    i, j = n, m
    while i and j:
        if (
            np.isfinite(gain[i - 1, j - 1])
            and total[i, j] == total[i - 1, j - 1] + gain[i - 1, j - 1]
        ):
            out.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif total[i, j] == total[i - 1, j]:
            i -= 1
        else:
            j -= 1
    return out[::-1]


def _covered(spans: list[tuple[int, int]], aligned: set[int]) -> float:
    total = sum(e - s for s, e in spans)
    inside = sum(e - s for k, (s, e) in enumerate(spans) if k in aligned)
    return inside / total if total else 0.0
