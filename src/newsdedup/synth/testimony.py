"""Long passages that independent reports of one story quote word for word.

Court testimony, a statement read out, a published letter: reporters who never saw each other's
copy quote the same passages of 30-80 words verbatim, two to four of them, each with an
attribution of the reporter's own, around narration of their own. Such articles share a third
of their word 3-grams, all of it inside quotation marks, and are still not copies of each
other: the hardest negatives a deduplicator meets.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsdedup.synth.rand import Draws
from newsdedup.synth.story import Person, Story
from newsdedup.synth.text import PARA, plain_sentences
from newsdedup.synth.vocab import Vocabulary

__all__ = ["Testimony", "make_testimony", "quote_passages", "quoted_share"]

_PASSAGE = (30, 80)  # words
_COUNT = (2, 4)  # passages
_QUOTED = (60, 320)  # words of quotes in the article that first quotes them
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Testimony:
    """The passages of one story that several originals quote, and who quoted them first."""

    first: str
    passages: tuple[tuple[Person, tuple[str, ...]], ...]

    @property
    def words(self) -> int:
        return sum(len(tokens) for _, tokens in self.passages)


def quoted_share(d: Draws) -> float:
    """The share of an article's words that are the passages: a third, give or take."""
    return d.uniform(0.3, 0.42)


def _lengths(d: Draws, words: int) -> list[int]:
    """Sentence lengths of 8-24 words adding up to exactly ``words``."""
    out: list[int] = []
    while (rest := words - sum(out)) > 0:
        n = min(d.between(8, 24), rest)
        out.append(rest if rest - n < 4 else n)
    return out


def make_testimony(vocab: Vocabulary, d: Draws, story: Story, first: str, words: int) -> Testimony:
    """Two to four passages adding up to about ``words`` (60-320) words, each 30-80 words
    spoken by one of the story's people."""
    count = d.between(*_COUNT)
    total = max(_QUOTED[0], min(_QUOTED[1], words))
    passages = []
    for _ in range(count):
        size = round(total / count * d.uniform(0.75, 1.25))
        size = max(_PASSAGE[0], min(_PASSAGE[1], size))
        tokens = [w for s in plain_sentences(vocab, d, _lengths(d, size)) for w in s]
        passages.append((d.pick(story.people), tuple(tokens)))
    return Testimony(first, tuple(passages))


def _attributed(d: Draws, story: Story, speaker: Person, tokens: tuple[str, ...]) -> list[str]:
    """One passage in curly quotes with the reporter's own attribution."""
    quoted = list(tokens)
    quoted[0] = "“" + quoted[0]
    roll = d.u()
    if roll < 0.3:
        quoted[-1] = quoted[-1][:-1] + ",”"
        return [*quoted, "said", speaker.full + ",", speaker.role, "of", speaker.org + "."]
    quoted[-1] += "”"
    if roll < 0.55:
        return [speaker.full, "told", "the", "court:", *quoted]
    if roll < 0.8:
        day = _WEEKDAYS[story.date.weekday()]
        return ["In", "testimony", "on", day + ",", speaker.last, "said:", *quoted]
    return ["According", "to", "a", "transcript,", speaker.full, "said:", *quoted]


def quote_passages(d: Draws, story: Story, flat: list[str], testimony: Testimony) -> None:
    """Splice every passage of ``testimony`` into the article's tokens ``flat`` (``PARA``
    separated), each as its own paragraph after the lead, in the testimony's order."""
    spots = [i for i, w in enumerate(flat) if w == PARA] + [len(flat)]
    chosen = sorted(d.pick(spots) for _ in testimony.passages)
    for at, (speaker, tokens) in reversed(list(zip(chosen, testimony.passages, strict=True))):
        flat[at:at] = [PARA, *_attributed(d, story, speaker, tokens)]
