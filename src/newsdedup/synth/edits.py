"""The four ways a copy is made from its parent: exact, near, rewrite and excerpt.

(Condensed briefs, house-style copies and press-release reposts, the later kinds, have
modules of their own: brief, house and release.)

Each edit returns a new document and never touches its parent's lists, so one parent can be
copied many times. ``rewrite`` takes an ``intensity`` in [0, 1]: at 0 its word 3-gram Jaccard
with the parent is about 0.5, at 1 about 0.2 (5-grams: about 0.35 and 0.1), around the
machine-paraphrased seed pair (0.31 and 0.19); tests/synth pins the measured spread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsdedup.synth.rand import Draws
from newsdedup.synth.story import Story
from newsdedup.synth.text import Doc, Sentence, cap, sentences, story_sentences, title
from newsdedup.synth.vocab import Vocabulary

__all__ = ["BOILERPLATE", "caption", "exact", "excerpt", "near", "rewrite", "rewrite_title"]

#: Lines that sites wrap around copied text.
BOILERPLATE = (
    "- Advertisement -", "Advertisement", "Source link", "Read more", "Related Stories",
    "Read more:", "Share this article", "Sign up for our newsletter", "Click here to subscribe",
    "Follow us on social media", "Story continues below advertisement",
)  # fmt: skip
_PUNCT = ",.:?”"
_DIGIT = re.compile("[0-9]")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")  # 6,000 or 4.2 or 15
_UNIT_SWAPS = (
    ("square kilometres", "square kilometers"), ("square miles", "sq mi"), ("more than", "over"),
    (" percent", "%"), (" per cent", "%"), ("about ", "around "), ("some ", "nearly "),
)  # fmt: skip
_AD = ("-", "Advertisement", "-")
_MIN_EXCERPT = 40  # words


def exact(title_text: str, text: str, d: Draws) -> tuple[str, str]:
    """The same text with surface changes a normaliser must undo: quotes, spaces, case."""
    roll = d.u()
    if roll < 0.35:
        return title_text, text
    if roll < 0.55:
        for curly, straight in (("“", '"'), ("”", '"'), ("\u2019", "'")):
            text = text.replace(curly, straight)
        return title_text, text
    if roll < 0.75:
        return title_text, "  " + text.replace("\n\n", "\n \n\n").replace(". ", ".  ") + "\n"
    if roll < 0.9:
        return title_text.upper(), text.replace(" ", "\u00a0", 12)
    return title_text.lower(), text.replace("\n\n", "\r\n\r\n")


def _word_spots(vocab: Vocabulary, doc: Doc, d: Draws, k: int) -> list[tuple[int, int]]:
    """Up to ``k`` distinct (paragraph, token) positions of plain words, drawn uniformly."""
    sizes = [len(p) for p in doc]
    total = sum(sizes)
    spots: set[tuple[int, int]] = set()
    for _ in range(3 * k):
        at = d.below(total)
        pi = 0
        while at >= sizes[pi]:
            at -= sizes[pi]
            pi += 1
        if doc[pi][at] in vocab.known:
            spots.add((pi, at))
            if len(spots) == k:
                break
    return sorted(spots, reverse=True)


def near(vocab: Vocabulary, doc: Doc, d: Draws, rate: float) -> Doc:
    """Substitute, delete or insert about ``rate`` of the words; maybe change one number."""
    out = [list(p) for p in doc]
    words = sum(len(p) for p in out)
    for pi, ti in _word_spots(vocab, out, d, max(1, round(rate * words))):
        p = out[pi]  # right to left, so earlier indices stay valid
        roll = d.u()
        if roll < 0.5:
            p[ti] = vocab.synonyms.get(p[ti], p[ti]) if d.chance(0.5) else vocab.word(d)
        elif roll < 0.75 and len(p) > 4:
            del p[ti]
        else:
            p.insert(ti + 1, vocab.word(d))
    if d.chance(0.3):
        _change_one_number(out, d)
    if d.chance(0.25):
        out.append(d.pick(BOILERPLATE).split())
    return out


def _numeric(w: str) -> bool:
    """Whether a token may hold a figure: facts are multi-word tokens or start with a digit."""
    return (w[:1].isdigit() or w[:1] in "$€£" or " " in w) and _NUMBER.search(w) is not None


def _change_one_number(doc: Doc, d: Draws) -> None:
    spots = [(p, i) for p in doc for i, w in enumerate(p) if _numeric(w)]
    if spots:
        p, i = d.pick(spots)
        p[i] = _NUMBER.sub(lambda m: _perturb(m.group(), d), p[i], count=1)


def _perturb(number: str, d: Draws) -> str:
    """Another value in the same format, as when a copy updates or mistypes a figure."""
    value = float(number.replace(",", ""))
    if len(number) == 4 and 1900 <= value <= 2100:  # a year moves by one at most
        return str(int(value) + d.between(-1, 1))
    new = value * d.uniform(0.4, 1.6) + 1.0
    if "." in number:
        return f"{new:.1f}"
    return f"{round(new):,}" if "," in number else str(round(new))


def _change_numbers(s: Sentence, d: Draws, p: float) -> None:
    """Change each figure with probability ``p``; reword units ("sq mi") half the time."""
    for i, w in enumerate(s):
        if not _numeric(w):
            continue
        if d.chance(p):
            w = _NUMBER.sub(lambda m: _perturb(m.group(), d), w)
        for old, new in _UNIT_SWAPS:
            if old in w and d.chance(0.5):
                w = w.replace(old, new)
        s[i] = w


def _strip(w: str) -> tuple[str, str]:
    core = w.rstrip(_PUNCT)
    return core, w[len(core) :]


def _swap_clauses(vocab: Vocabulary, s: Sentence, d: Draws) -> Sentence:
    """Move the second clause first ("A, B." becomes "B, A."), fixing commas and capitals."""
    n = len(s)
    if n < 6:
        return s
    commas = [i for i in range(1, n - 2) if s[i].endswith(",")]
    cut = commas[0] + 1 if commas else 2 + d.below(n - 3)
    first, second = s[:cut], s[cut:]
    first[-1] = _strip(first[-1])[0]
    core, end = _strip(second[-1])
    second[-1] = core + ","
    if first[0] in vocab.known and first[0] != "I":
        first[0] = first[0].lower()
    second[0] = cap(second[0])
    first[-1] += end or "."
    return second + first


def _garble(vocab: Vocabulary, s: Sentence, d: Draws) -> None:
    """Mangle a span of 2-6 tokens (never the last) the way machine translation does."""
    n = len(s) - 1
    if n < 4:
        return
    size = min(d.between(2, 6), n - 1)
    start = d.below(n - size + 1)
    roll = d.u()
    if roll < 0.4:
        span = s[start : start + size]
        s[start : start + size] = span[::-1] if d.chance(0.5) else span[1:] + span[:1]
    elif roll < 0.8:
        s[start : start + size] = [vocab.word(d) for _ in range(size)]
    else:
        del s[start : start + size]


def _rates(intensity: float) -> tuple[float, float, float, float, float, float]:
    """(drop, add, synonym, clause swap, garble, number change) probabilities.

    The rates grow linearly in a strength ``x``; ``x`` is a quadratic in ``intensity`` fitted
    on 200 articles a step so that the median word 3-gram Jaccard is ``0.5 - 0.3 * intensity``.
    """
    x = 0.165 + 0.41 * intensity + 0.255 * intensity * intensity
    return (
        0.02 + 0.12 * x,
        0.015 + 0.09 * x,
        0.08 + 0.30 * x,
        0.1 + 0.5 * x,
        0.05 + 0.3 * x,
        0.3 + 0.5 * x,
    )


def _paraphrase(syn: dict[str, str], w: str) -> str:
    """The synonym of ``w``, keeping any punctuation glued to it."""
    found = syn.get(w)
    if found is not None:
        return found
    core, end = _strip(w)
    found = syn.get(core) if end else None
    return w if found is None else found + end


def _paraphrased(vocab: Vocabulary, p: list[str], d: Draws, rate: float) -> list[str]:
    """The paragraph with each word swapped for its synonym with probability ``rate``."""
    syn = vocab.synonyms
    return [_paraphrase(syn, w) if u < rate else w for w, u in zip(p, d.many(len(p)), strict=True)]


def _rework(
    vocab: Vocabulary, s: Sentence, d: Draws, rates: Sequence[float], figures: bool
) -> Sentence:
    """Move clauses, garble a span and, if the paragraph has ``figures``, change them."""
    if d.chance(rates[3]):
        s = _swap_clauses(vocab, s, d)
    if d.chance(rates[4]):
        _garble(vocab, s, d)
    if figures:
        _change_numbers(s, d, rates[5])
    return s


def rewrite(
    vocab: Vocabulary,
    doc: Doc,
    d: Draws,
    *,
    story: Story,
    intensity: float,
    captions: Sequence[str] = (),
) -> Doc:
    """A machine rewrite: paraphrased words, moved clauses, dropped, added and garbled text,
    changed figures, advertisement lines and captions of other stories' articles.

    Added sentences are placeholders (``None``) until the end, then written in one batch.
    """
    rates = _rates(intensity)
    drop, add, synonym = rates[:3]
    plan: list[list[Sentence | None]] = []
    for p in doc:
        p = _paraphrased(vocab, p, d, synonym)
        figures = _DIGIT.search(" ".join(p)) is not None
        para: list[Sentence | None] = []
        for s in sentences(p):
            if not d.chance(drop):
                para.append(_rework(vocab, s, d, rates, figures))
            if d.chance(add):
                para.append(None)
        plan.append(para)
    out = _fill(vocab, d, story, plan)
    return _decorate(out or [list(doc[0])], d, captions)


def _fill(vocab: Vocabulary, d: Draws, story: Story, plan: list[list[Sentence | None]]) -> Doc:
    """Replace the placeholders by fresh sentences about the story; drop empty paragraphs."""
    wanted = sum(s is None for p in plan for s in p)
    facts = [d.pick(f) for f in story.facts]
    lengths = [d.between(8, 30) for _ in range(wanted)]
    fresh = iter(story_sentences(vocab, d, story, lengths, facts) if wanted else ())
    return [[w for s in p for w in (next(fresh) if s is None else s)] for p in plan if p]


def _decorate(doc: Doc, d: Draws, captions: Sequence[str]) -> Doc:
    """Insert advertisement lines, captions and a closing link line between paragraphs."""
    for i in range(len(doc) - 1, 0, -1):
        if d.chance(0.12):
            doc.insert(i, list(_AD))
    for text in captions:
        if d.chance(0.6):
            doc.insert(1 + d.below(len(doc)), caption(text, d))
    if d.chance(0.5):
        doc.append(d.pick(BOILERPLATE).split())
    return doc


def caption(text: str, d: Draws) -> list[str]:
    """A video caption: another article's headline and a running time, as its own line."""
    return [*text.split(), f"{d.between(0, 9)}:{d.below(60):02d}"]


def rewrite_title(vocab: Vocabulary, text: str, d: Draws, intensity: float) -> str:
    """The headline with some words paraphrased and, sometimes, a rubric in front."""
    p = 0.2 + 0.3 * intensity
    words = [vocab.synonyms.get(w, w) if d.chance(p) else w for w in text.split()]
    prefix = d.pick(("Analysis: ", "Opinion: ", "Explainer: ")) if d.chance(0.15) else ""
    return prefix + cap(" ".join(words))


def excerpt(
    vocab: Vocabulary, doc: Doc, d: Draws, *, story: Story, title_text: str
) -> tuple[str, Doc]:
    """A contiguous run of 20-60% of the paragraphs (of the sentences, if there is only one
    paragraph), maybe retitled, tagged with a boilerplate line or lightly edited."""
    if len(doc) == 1:
        out = [[w for s in _run(sentences(doc[0]), d) for w in s]]
    else:
        out = [list(p) for p in _run(doc, d)]
    if d.chance(0.3):
        out = near(vocab, out, d, 0.01)
    if d.chance(0.3):
        out.append(d.pick(BOILERPLATE).split())
    return (title(vocab, d, story) if d.chance(0.5) else title_text), out


def _run(parts: Sequence[list[str]], d: Draws, tries: int = 6) -> Sequence[list[str]]:
    """A contiguous run of 20-60% of ``parts`` (at least one, fewer than all if possible),
    grown towards 40 words (but never to all parts), so that an excerpt reads as an article.

    Of a few random runs, the one with the smallest share of quoted words wins: an excerpt
    that is mostly a statement other articles of the story also quote verbatim would be a
    copy of them too, and the truth could not say so.
    """
    n = len(parts)
    lo, hi = max(1, -(-n // 5)), max(1, min(n - 1, (n * 3) // 5))
    best: Sequence[list[str]] = parts
    best_share = 2.0
    for _ in range(tries):
        size = d.between(lo, max(lo, hi))
        start = d.below(n - size + 1)
        while size < n - 1 and sum(len(p) for p in parts[start : start + size]) < _MIN_EXCERPT:
            start, size = (start, size + 1) if start + size < n else (start - 1, size + 1)
        run = parts[start : start + size]
        share = _quoted_share(run)
        if share < best_share:
            best, best_share = run, share
        if share <= 0.25:
            break
    return best


def _quoted_share(parts: Sequence[list[str]]) -> float:
    """The share of tokens inside curly double quotes."""
    inside = quoted = total = 0
    for p in parts:
        for w in p:
            total += 1
            inside |= w.startswith("“")
            quoted += inside
            if w.endswith("”"):
                inside = 0
    return quoted / total if total else 0.0
