"""Condensed briefs: the 40-120 words an editor cuts from a long article.

An editor cuts from the top: a brief keeps a few of its source's sentences in their order,
mostly from the first half and preferring those with figures (the facts survive), shortens some
(a clause or an attribution goes), runs two together now and then and rewords the lead. Most of
a brief's word 3-grams are therefore in its source (containment about 0.4-0.9) while almost
none of the source is in the brief (Jaccard under 0.15): it is contained without resembling,
which neither near-duplicate nor excerpt detection is built for, and it is still a copy.
"""

from __future__ import annotations

import random
import re

from newsdedup.synth.edits import rewrite_title
from newsdedup.synth.rand import Draws
from newsdedup.synth.story import Story
from newsdedup.synth.text import Doc, Sentence, cap, sentences, title
from newsdedup.synth.vocab import Vocabulary

__all__ = ["MAX_WORDS", "MIN_WORDS", "condense", "condensed_title", "cut_brief"]

MIN_WORDS, MAX_WORDS = 40, 120
_SHARE = (0.08, 0.15)  # of the source's words, before the bounds above
_MAX_SHARE = 0.16  # of the source's words, unless that is under MIN_WORDS
_TOP, _BOTTOM = 3.0, 0.6  # pick weights of first-half and second-half sentences
_FIGURE = 2.0  # weight factor of a sentence with a figure
_TRIM = 0.35  # chance to shorten a kept sentence
_MERGE = 0.2  # chance to run a sentence into the one before
_LEAD_REWORD = 0.8  # chance to reword the lead, and its word rate when it does
_LEAD_RATE = (0.08, 0.2)
_WORD_RATE = (0.05, 0.14)  # the editor's other word changes
_ATTRIBUTION = re.compile(r", [^,]+ said\.$")
_DIGIT = re.compile(r"\d")


def _words(s: Sentence) -> int:
    return sum(len(w.split()) for w in s)


def _prose(doc: Doc) -> list[Sentence]:
    """The source's narrative sentences in order: quote paragraphs (their words belong to the
    speaker, and other reports quote them too), captions, ads and link lines are left out."""
    out: list[Sentence] = []
    for p in doc:
        if not p or not p[-1].endswith(".") or any("“" in w or "”" in w for w in p):
            continue
        out.extend(s for s in sentences(p) if len(s) >= 5 and s[-1].endswith("."))
    return out


def _trim(s: Sentence, d: Draws) -> Sentence:
    """Cut the attribution ("..., Surname said.") or keep one side of a comma."""
    if _ATTRIBUTION.search(s[-1]) and d.chance(0.6):
        return [*s[:-1], _ATTRIBUTION.sub(".", s[-1])]
    commas = [i for i, w in enumerate(s[:-1]) if w.endswith(",")]
    if not commas:
        return s
    i = d.pick(commas)
    head, tail = s[: i + 1], s[i + 1 :]
    if len(head) >= 6 and (len(head) >= len(tail) or len(tail) < 6):
        return [*head[:-1], head[-1][:-1] + "."]
    if len(tail) >= 6:
        return [cap(tail[0]), *tail[1:]]
    return s


def _reword(vocab: Vocabulary, s: Sentence, d: Draws, rate: float) -> Sentence:
    """Swap words for their synonyms at ``rate`` (punctuation stays on its word)."""
    syn = vocab.synonyms
    out = []
    for w, u in zip(s, d.many(len(s)), strict=True):
        if u < rate:
            core = w.rstrip(",.")
            w = syn.get(core, core) + w[len(core) :]
        out.append(w)
    return out


def _lead(vocab: Vocabulary, s: Sentence, d: Draws) -> Sentence:
    """The lead, often without its dateline ("Place —") and reworded."""
    if len(s) > 3 and s[1] == "—" and d.chance(0.6):
        s = [cap(s[2]), *s[3:]]
    if d.chance(_LEAD_REWORD):
        s = _reword(vocab, s, d, d.uniform(*_LEAD_RATE))
    return s


def _merge(vocab: Vocabulary, a: Sentence, b: Sentence, d: Draws, room: bool) -> Sentence:
    """Two sentences run into one: "A. B." becomes "A, and b." (if there is ``room`` for a
    word) or "A; b."."""
    first = b[0].lower() if b[0] in vocab.known and b[0] != "I" else b[0]
    if room and d.chance(0.5):
        return [*a[:-1], a[-1][:-1] + ",", "and", first, *b[1:]]
    return [*a[:-1], a[-1][:-1] + ";", first, *b[1:]]


def _pick(weights: list[float], d: Draws) -> int:
    target = d.u() * sum(weights)
    for i, w in enumerate(weights):
        target -= w
        if target < 0 and w > 0:
            return i
    return max(range(len(weights)), key=weights.__getitem__)


def condense(vocab: Vocabulary, doc: Doc, d: Draws) -> Doc:
    """A brief of 40-120 words (fewer only when the source has fewer words of prose).

    The length is 8-15% of the source's words and at most 16% of them (or 40 words), so that
    the brief stays small beside its source whatever the source's length: its Jaccard with
    the source is then under 0.15 however much of it is verbatim.
    """
    pool = _prose(doc)
    if not pool:
        return [list(doc[0])]
    words = sum(len(w.split()) for p in doc for w in p)
    cap_words = min(MAX_WORDS, max(MIN_WORDS, round(_MAX_SHARE * words)))
    target = max(MIN_WORDS, min(round(words * d.uniform(*_SHARE)), cap_words))
    target = min(target, round(0.6 * sum(_words(s) for s in pool)))
    half = len(pool) / 2
    weights = [
        (_TOP if i < half else _BOTTOM) * (_FIGURE if _DIGIT.search(" ".join(s)) else 1.0)
        for i, s in enumerate(pool)
    ]
    chosen = {0: _lead(vocab, pool[0], d)}
    weights[0] = 0.0
    size = _words(chosen[0])
    rate = d.uniform(*_WORD_RATE)
    skipped: list[tuple[int, Sentence]] = []
    while size < target and any(weights):
        i = _pick(weights, d)
        weights[i] = 0.0
        s = _trim(pool[i], d) if d.chance(_TRIM) else pool[i]
        if size + _words(s) > cap_words:
            s = _trim(s, d)
        s = _reword(vocab, s, d, rate)  # synonyms may be two words: count after
        if size + _words(s) <= cap_words:
            chosen[i] = s
            size += _words(s)
        else:
            skipped.append((i, s))
    # Still short (a source of few, long sentences): a brief is 40 words before it is small.
    for i, s in sorted(skipped, key=lambda item: _words(item[1])):
        if size >= target or size + _words(s) > MAX_WORDS:
            break
        chosen[i] = s
        size += _words(s)
    merged: list[Sentence] = [chosen[0]]
    for i in sorted(chosen)[1:]:
        s = chosen[i]
        if d.chance(_MERGE) and _words(merged[-1]) + _words(s) <= 60:
            before = len(merged[-1]) + len(s)
            merged[-1] = _merge(vocab, merged[-1], s, d, size < cap_words)
            size += len(merged[-1]) - before  # one word for "and"
        else:
            merged.append(s)
    out: Doc = []
    for s in merged:  # paragraphs of one or two sentences, as briefs are laid out
        if out and len(out[-1]) < 30 and d.chance(0.4):
            out[-1].extend(s)
        else:
            out.append(list(s))
    return out


def condensed_title(vocab: Vocabulary, d: Draws, story: Story, parent_title: str) -> str:
    """A new headline half the time, else the source's reworded; "In brief:" now and then."""
    text = title(vocab, d, story) if d.chance(0.5) else rewrite_title(vocab, parent_title, d, 0.5)
    return ("In brief: " if d.chance(0.15) else "") + text


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def cut_brief(text: str, rng: random.Random) -> str:
    """A plain cut of any text: 3-5 of its first half's sentences, in order, 40-120 words (no
    rewording), the brief the benchmarks and the index tests pair with its source."""
    parts = [s for s in _SENTENCE_END.split(text) if s.strip()]
    head = parts[: max(4, len(parts) // 2)]
    out = text
    for _ in range(20):
        k = rng.randint(3, min(5, len(head)))
        out = " ".join(head[i] for i in sorted(rng.sample(range(len(head)), k)))
        if MIN_WORDS <= len(out.split()) <= MAX_WORDS:
            return out
    return " ".join(out.split()[:100])
