"""Sentences, paragraphs and whole articles, kept as token lists until the last moment.

A document (``Doc``) is a list of paragraphs, each a flat ``list[str]`` of tokens. Punctuation
is glued to its word (``"said,"``, ``"end."``, ``"“Word"``) and names or figures are single
tokens (``"Drai Fielplix"``, ``"6,000 square kilometres"``), so a sentence ends at a token
ending in ``.`` or ``.”`` and rendering is a ``join``. A fresh article is one token list with
``PARA`` tokens between paragraphs, built by index arithmetic (no list per sentence or
paragraph, a quarter of the cost); ``paragraphs`` turns it into a ``Doc`` when it is copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, chain, pairwise
from typing import TYPE_CHECKING

import numpy as np

from newsdedup.synth.rand import Draws

if TYPE_CHECKING:
    from newsdedup.synth.story import Story
    from newsdedup.synth.vocab import Vocabulary

__all__ = [
    "PARA",
    "Doc",
    "Sentence",
    "cap",
    "paragraphs",
    "plain_sentences",
    "render",
    "render_flat",
    "sentence_lengths",
    "sentences",
    "story_sentences",
    "title",
    "write_article",
]

Sentence = list[str]
Doc = list[list[str]]

#: A paragraph break inside a flat token list (see ``write_article``).
PARA = "\n\n"

_PARAGRAPH_SIZES = (1, 1, 2, 2, 2, 3, 3, 4)  # sentences per paragraph, as in news copy
_QUOTE_SHARE = 0.12  # quoted words per article at most: keeps same-story 3-gram Jaccard < 0.1
_ROLLS = 9  # uniforms per sentence, see _mention
_TOKENS_PER_WORD = 0.975  # names and figures are multi-word tokens
_LINKS = ("in", "of", "to", "for", "on", "after", "as", "over", "and", "with")
#: A fixed sample of 4 + Gamma(2.5, 7.2), capped at 60: a sentence length is one look-up.
_LENGTHS = tuple(
    min(60, 4 + int(x))
    for x in np.random.default_rng(0).gamma(2.5, 7.2, size=4096).round(6).tolist()
)


def cap(token: str) -> str:
    """Upper-case the first letter only (``str.capitalize`` would lower-case entity names)."""
    return token[:1].upper() + token[1:]


def render(doc: Doc) -> str:
    """The text of a document: tokens joined by spaces, paragraphs by blank lines."""
    return "\n\n".join(map(" ".join, doc))


def sentences(paragraph: Sequence[str]) -> list[Sentence]:
    """Split a paragraph at sentence ends (a trailing piece without a full stop is kept)."""
    ends = [i + 1 for i, w in enumerate(paragraph) if w[-1] in ".?" or w[-2:] == ".”"]
    if not ends or ends[-1] != len(paragraph):
        ends.append(len(paragraph))
    return [list(paragraph[a:b]) for a, b in pairwise([0, *ends])]


def sentence_lengths(d: Draws, words: int) -> list[int]:
    """Sentence lengths (4-60 words, mean about 22) adding up to at least ``words``."""
    lengths: list[int] = []
    total = 0
    while total < words:
        for u in d.many(words // 16 + 2):
            lengths.append(n := _LENGTHS[int(u * len(_LENGTHS))])
            total += n
            if total >= words:
                break
    return lengths


def _flat(
    vocab: Vocabulary,
    d: Draws,
    story: Story | None,
    lengths: Sequence[int],
    facts: Sequence[str],
) -> tuple[list[str], list[int]]:
    """Sentences as one token list and their start offsets (plus the total at the end).

    Every sentence gets ``_ROLLS`` uniforms that decide its extras: drawing them in one slice
    and placing words by index arithmetic keeps an article at a few list operations a sentence.
    """
    starts = list(accumulate(lengths, initial=0))
    tokens = vocab.tokens(d, starts[-1])
    caps = vocab.caps
    rolls = d.many(_ROLLS * len(lengths))
    for k, n in enumerate(lengths):
        st, r = starts[k], k * _ROLLS
        tokens[st] = caps[tokens[st]]
        if story is not None:
            _mention(tokens, st, n, rolls[r : r + _ROLLS], story, facts)
        if n > 5 and rolls[r + 8] < 0.5:
            tokens[st + 1 + int(rolls[r + 8] * 2 * (n - 3))] += ","
        tokens[st + n - 1] += "."
    return tokens, starts


def _mention(
    s: list[str], st: int, n: int, r: list[float], story: Story, facts: Sequence[str]
) -> None:
    """Put a name, a keyword, a fact or an attribution into the sentence at ``s[st:st+n]``.

    A uniform ``u`` both decides (``u < p``) and, rescaled to ``u / p``, places or picks.
    A keyword or a figure that lands first in the sentence is capitalised.
    """
    if r[0] < 0.55:
        name = story.mentions[int(r[1] * len(story.mentions))]
        s[st + int(r[0] / 0.55 * n)] = name + "\u2019s" if r[2] < 0.12 else name  # possessive
    if r[3] < 0.35:
        at = int(r[3] / 0.35 * n)
        word = story.keywords[int(r[4] * len(story.keywords))]
        s[st + at] = word if at else cap(word)
    if facts and r[5] < 0.16:
        at = int(r[5] / 0.16 * n)
        fact = facts[int(r[6] * len(facts))]
        s[st + at] = fact if at else cap(fact)
    if r[7] < 0.12:  # "..., Surname said." glued to the last word keeps the offsets valid
        surname = story.people[int(r[7] / 0.12 * len(story.people))].last
        s[st + n - 1] += f", {surname} said"


def story_sentences(
    vocab: Vocabulary,
    d: Draws,
    story: Story | None,
    lengths: Sequence[int],
    facts: Sequence[str],
) -> list[Sentence]:
    """Separate sentences that name the story's people, places, keywords and facts."""
    tokens, starts = _flat(vocab, d, story, lengths, facts)
    return [tokens[a:b] for a, b in pairwise(starts)]


def plain_sentences(vocab: Vocabulary, d: Draws, lengths: Sequence[int]) -> list[Sentence]:
    """Capitalised, full-stopped sentences of running text, with a comma in about half."""
    return story_sentences(vocab, d, None, lengths, ())


def _quote_paragraph(d: Draws, story: Story, budget: int) -> list[str] | None:
    """A verbatim run of one of the story's statements, attributed in one of two forms."""
    speaker, statement = d.pick(story.quotes)
    sizes = [len(s) for s in statement]
    start = d.below(len(statement))
    end = start
    while end < len(statement) and sum(sizes[start : end + 1]) <= budget:
        end += 1
    if end == start:
        return None
    quoted = list(chain.from_iterable(statement[start:end]))
    quoted[0] = "“" + quoted[0]
    if d.chance(0.5):
        quoted[-1] = quoted[-1][:-1] + ",”"
        return [*quoted, "said", speaker.full + ",", speaker.role, "of", speaker.org + "."]
    quoted[-1] += "”"
    return [speaker.full, "said", "in", "a", "statement:", *quoted]


def _breaks(d: Draws, starts: list[int]) -> list[int]:
    """Token offsets where paragraphs of 1-4 sentences begin (after the first one)."""
    out: list[int] = []
    i, last = 0, len(starts) - 1
    while (i := i + d.pick(_PARAGRAPH_SIZES)) < last:
        out.append(starts[i])
    return out


def paragraphs(flat: list[str]) -> Doc:
    """The document of a flat token list whose paragraphs are separated by ``PARA``."""
    cuts = [i for i, w in enumerate(flat) if w == PARA]
    return [flat[a + 1 : b] for a, b in pairwise([-1, *cuts, len(flat)])]


def render_flat(flat: list[str]) -> str:
    """The text of a flat token list: one join, then paragraph breaks lose their spaces."""
    return " ".join(flat).replace(" \n\n ", "\n\n")


def _dateline(vocab: Vocabulary, d: Draws, story: Story, lead: list[str]) -> None:
    """Open with "Place —" a third of the time, as wire copy does."""
    if d.chance(0.35):
        if lead[0] in vocab.known:
            lead[0] = lead[0].lower()
        lead[:0] = [d.pick(story.places), "—"]


def _quotes(d: Draws, story: Story, words: int) -> tuple[list[list[str]], int]:
    """Up to two quoted statements within the article's quote budget, and the words left."""
    budget = int(words * _QUOTE_SHARE)
    quotes: list[list[str]] = []
    for _ in range(d.between(0, 2)):
        if quote := _quote_paragraph(d, story, budget):
            quotes.append(quote)
            budget -= len(quote)
    return quotes, words - sum(len(q) for q in quotes)


def write_article(vocab: Vocabulary, d: Draws, story: Story, words: int) -> tuple[str, list[str]]:
    """A fresh article about ``story`` of about ``words`` words: its title and its tokens,
    paragraphs separated by ``PARA`` (see ``paragraphs`` and ``render_flat``).

    Paragraph breaks and quote paragraphs are spliced into one token list, right to left so
    the offsets stay valid: cheaper than slicing the article into paragraph lists.
    """
    facts = [d.pick(f) for f in story.facts]  # this article's wording of each fact
    quotes, left = _quotes(d, story, words)
    budget = max(round(left * _TOKENS_PER_WORD), 20)
    tokens, starts = _flat(vocab, d, story, sentence_lengths(d, budget), facts)
    breaks = _breaks(d, starts)
    spots = [*breaks, len(tokens)]
    splices = [(b, 0, [PARA]) for b in breaks]
    splices += [(d.pick(spots), 1, [PARA, *q]) for q in quotes]
    for at, _, part in sorted(splices, key=lambda x: (-x[0], x[1])):
        tokens[at:at] = part
    _dateline(vocab, d, story, tokens)
    return title(vocab, d, story), tokens


def title(vocab: Vocabulary, d: Draws, story: Story) -> str:
    """A headline: content words around one of the story's keywords and one of its names,
    with a linking word or two ("in", "after"), as headlines drop most function words."""
    parts = [w for w in vocab.tokens(d, d.between(6, 12)) if w not in vocab.function]
    parts.insert(d.below(len(parts) + 1), d.pick(story.keywords))
    parts.insert(d.below(len(parts) + 1), d.pick(story.mentions))
    for _ in range(d.between(0, 2)):
        parts.insert(1 + d.below(len(parts) - 1), d.pick(_LINKS))
    return cap(" ".join(parts))
