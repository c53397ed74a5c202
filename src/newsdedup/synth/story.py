"""Stories: the events that several independent articles report.

Articles about one story share its people, places, organisations, keywords, facts (numbers with
units, dates) and statements (30-80 words that reporters quote verbatim), but not their own
sentences: they are the hard negatives, related but not copies. A *topic* holds the people,
places and organisations; a later story may reuse an earlier story's topic months afterwards,
with new facts and statements, as news about the same actors recurs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsdedup.synth.rand import Draws
from newsdedup.synth.text import Sentence, plain_sentences
from newsdedup.synth.vocab import Vocabulary

__all__ = ["Person", "Story", "Topic", "make_story", "make_topic"]

_ROLES = (
    "director", "spokesperson", "chief executive", "minister", "chairman", "president",
    "senior analyst", "head", "deputy director", "secretary general", "professor", "mayor",
)  # fmt: skip
_ORG_FORMS = (
    "{} Institute", "Ministry of {}", "{} Council", "{} Bank", "{} Party", "{} Agency",
    "{} Corporation", "University of {}", "{} Commission", "{} Group", "{} Union",
    "{} Authority", "{} Foundation", "{} Committee",
)  # fmt: skip
_UNITS = (
    "people", "residents", "workers", "troops", "homes", "students", "patients", "families",
    "jobs", "vehicles", "tonnes", "visitors",
)  # fmt: skip
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SCALES = ("million", "billion")
_CURRENCIES = ("$", "€", "£")


_Quotes = tuple[tuple["Person", tuple[Sentence, ...]], ...]


@dataclass(frozen=True, slots=True)
class Person:
    first: str
    last: str
    role: str
    org: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True, slots=True, eq=False)
class Story:
    """One event. ``facts`` holds, per fact, the wordings an article may choose from."""

    id: int
    topic: int
    date: datetime
    people: tuple[Person, ...]
    places: tuple[str, ...]
    orgs: tuple[str, ...]
    keywords: tuple[str, ...]
    facts: tuple[tuple[str, ...], ...]
    quotes: _Quotes
    mentions: tuple[str, ...]  # how an article may name an entity: full name, surname, place, org


def _round2(x: float) -> int:
    """Round to two significant digits, as reported figures are."""
    digits = max(len(str(int(x))) - 2, 0)
    return int(round(x, -digits))


def _area(d: Draws) -> tuple[str, ...]:
    km = _round2(10 ** d.uniform(2.0, 4.6))
    mi = _round2(km * 0.3861)
    return (
        f"{km:,} square kilometres ({mi:,} square miles)",
        f"{km:,} square kilometers (over {mi:,} square miles)",
        f"more than {km:,} square kilometres",
        f"{mi:,} square miles",
    )


def _percent(d: Draws) -> tuple[str, ...]:
    v = round(d.uniform(0.5, 80.0), 1)
    return f"{v}%", f"{v} percent", f"{v} per cent"


def _money(d: Draws) -> tuple[str, ...]:
    v, scale, cur = round(d.uniform(1.0, 900.0), 1), d.pick(_SCALES), d.pick(_CURRENCIES)
    return f"{cur}{v} {scale}", f"{v} {scale}", f"{cur}{v}{scale[0]}"


def _count(d: Draws) -> tuple[str, ...]:
    n, unit = _round2(10 ** d.uniform(1.3, 5.5)), d.pick(_UNITS)
    return f"{n:,} {unit}", f"about {n:,} {unit}", f"some {n:,} {unit}"


def _dates(date: datetime) -> tuple[str, ...]:
    month = _MONTHS[date.month - 1]
    return (
        f"{month} {date.day}, {date.year}",
        f"{date.day} {month} {date.year}",
        f"on {_WEEKDAYS[date.weekday()]}",
        f"{month} {date.day}",
    )


@dataclass(frozen=True, slots=True, eq=False)
class Topic:
    """The actors of a line of news: they recur when a later story revisits the topic."""

    id: int
    people: tuple[Person, ...]
    places: tuple[str, ...]


def make_topic(vocab: Vocabulary, d: Draws, topic: int) -> Topic:
    """One to three organisations, two to four people working for them, one to three places."""
    orgs = tuple(d.pick(_ORG_FORMS).format(vocab.name(d)) for _ in range(d.between(1, 3)))
    people = tuple(
        Person(d.pick(vocab.given), vocab.name(d), d.pick(_ROLES), d.pick(orgs))
        for _ in range(d.between(2, 4))
    )
    return Topic(topic, people, tuple(vocab.name(d) for _ in range(d.between(1, 3))))


def _statements(vocab: Vocabulary, d: Draws, people: tuple[Person, ...]) -> _Quotes:
    """One or two statements of 30-80 words (sentences of 8-24), each with its speaker."""
    plans: list[list[int]] = []
    for _ in range(d.between(1, 2)):
        words, lengths = d.between(30, 80), list[int]()
        while sum(lengths) < words:
            lengths.append(d.between(8, 24))
        plans.append(lengths)
    made = iter(plain_sentences(vocab, d, [n for lengths in plans for n in lengths]))
    return tuple((d.pick(people), tuple(next(made) for _ in lengths)) for lengths in plans)


def make_story(vocab: Vocabulary, d: Draws, story: int, topic: Topic, date: datetime) -> Story:
    """A story on ``topic``: its actors, with new facts, statements and keywords."""
    people = topic.people
    facts = (_area, _percent, _money, _count)
    chosen = (*(f(d) for f in facts if d.chance(0.6)), _dates(date))
    quotes = _statements(vocab, d, people)
    orgs = tuple(sorted({p.org for p in people}))
    surnames = tuple(p.last for p in people)
    return Story(
        id=story,
        topic=topic.id,
        date=date,
        people=people,
        places=topic.places,
        orgs=orgs,
        keywords=tuple(vocab.content_word(d.between(100, 20_000)) for _ in range(6)),
        facts=chosen,
        quotes=quotes,
        mentions=tuple(p.full for p in people) + surnames * 2 + topic.places + orgs,
    )
