"""The small value types that flow between pipeline stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Protocol

__all__ = [
    "Alignment",
    "Article",
    "Change",
    "Group",
    "Kind",
    "Member",
    "Origin",
    "Passage",
    "Rejected",
    "Removal",
    "Result",
    "Scores",
    "Span",
    "Stats",
    "Story",
    "StoryResult",
    "Topic",
    "TranslationScores",
]


class Kind(StrEnum):
    """How one article relates to another (relate/kind.py holds the one rule for each).

    Copy groups use the first seven: a member's kind against its representative. Two articles
    that are not copies are ``same_story`` (other reports of one event) or ``unrelated``.
    """

    ORIGINAL = "original"  # the representative itself, or a document with no copy
    EXACT = "exact"  # same normalised text
    NEAR = "near"  # same text up to small edits
    REWRITE = "rewrite"  # reworded copy: most of both texts align in order
    EXCERPT = "excerpt"  # one text is mostly one verbatim part of the other
    CONDENSED = "condensed"  # a much shorter text written from the other (a brief, a summary)
    TRANSLATION = "translation"  # the same text in another language (relate/translate.py)
    SAME_STORY = "same_story"  # not a copy, but a report of the same event
    UNRELATED = "unrelated"  # neither a copy nor the same story


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from: a file and, when it has them, a 1-based line or row."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Removal:
    """One span the clean stage took out of an article's raw text, and why.

    ``start``/``end`` are character offsets into ``Article.raw``; ``reason`` is a short code
    ("builtin", "pattern", "learned", "read_more", "repeated"), ``rule`` names what matched.
    """

    start: int
    end: int
    text: str
    reason: str
    rule: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One input document: ``text`` is what later stages see (not yet normalised).

    After cleaning, ``raw`` holds the text before boilerplate removal (the extracted main text
    for web pages) and ``removed`` every span taken out of it; both stay empty for text that was
    never cleaned.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: datetime | None = None
    lang: str | None = None
    origin: Origin | None = None
    author: str | None = None
    raw: str | None = None
    removed: tuple[Removal, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejected:
    """A record that could not become an Article, and why."""

    origin: Origin
    reason: str  # short machine-readable code, e.g. "invalid_utf8", "empty_text"
    detail: str  # human-readable explanation


@dataclass(frozen=True, slots=True, kw_only=True)
class Scores:
    """Similarity figures of one pair, all in [0, 1].

    ``jaccard`` and ``containment`` are over the shingle sets; ``coverage_a`` and ``coverage_b``
    are the share of each text's content words inside one in-order alignment of the two, and
    ``block_a``/``block_b`` the share inside its largest verbatim block alone; ``derived_a`` and
    ``derived_b`` the share inside reused narration (aligned spans, small edits included, shared
    quotations left out), ``quoted`` the share of the reuse that is quotation, and ``order`` the
    share of shared anchors that keep their order. In a group, ``a`` is the member and ``b`` its
    representative.
    """

    jaccard: float
    containment: float
    coverage_a: float
    coverage_b: float
    block_a: float = 0.0
    block_b: float = 0.0
    derived_a: float = 0.0
    derived_b: float = 0.0
    quoted: float = 0.0
    order: float = 0.0

    def as_dict(self) -> dict[str, float]:
        # spelled out: dataclasses.asdict deep-copies (10.6 against 3.0 us a call, once a copy)
        return {k: round(getattr(self, k), 4) for k in _SCORE_NAMES}

    def as_tuple(self) -> tuple[float, ...]:
        """The figures in the column order of relate.verify.SCORE_COLUMNS."""
        return tuple(getattr(self, k) for k in _SCORE_NAMES)


_SCORE_NAMES = tuple(f.name for f in fields(Scores))


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """A stretch of text that one article reuses from the other, with character offsets into
    both texts (end exclusive), the share of its words that match (1.0 when verbatim), and the
    share of it inside quotation marks in either text: independent reports share quotations,
    while copies share narration (relate/kind.py)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float
    quoted: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """Text on one side only. ``inserted``: in A and not in B (offsets into A); ``deleted``: in
    B and not in A (offsets into B). Read A as the copy and B as its source: the captions a
    scraper added to A are inserted, the paragraphs it dropped are deleted."""

    kind: str  # "inserted" or "deleted"
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """A fact that differs inside an aligned passage: both values as written, with offsets."""

    kind: str  # "number", "date", "name" or "quote"
    a: str
    b: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    unit: str | None = None  # for numbers: the unit after the value in A, e.g. "square kilometers"


@dataclass(frozen=True, slots=True, kw_only=True)
class Alignment:
    """How two texts align: reused passages in order, one-sided spans, changed facts, and the
    share of each text's words inside the passages."""

    passages: tuple[Passage, ...]
    spans: tuple[Span, ...]
    changes: tuple[Change, ...]
    coverage_a: float
    coverage_b: float


@dataclass(frozen=True, slots=True, kw_only=True)
class TranslationScores:
    """Why a member is a translation: the article it was matched with (``partner``, the
    representative or a member of its group), both languages, and the figures of
    relate/translate.py: the score, the encoder's cosine (None where it does not read a
    language), the anchor overlap and the lead over the runner-up."""

    partner: str
    lang: str
    partner_lang: str
    score: float
    cosine: float | None
    anchors: float
    margin: float

    def as_dict(self) -> dict[str, object]:
        values = ((k, getattr(self, k)) for k in _TRANSLATION_NAMES)
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in values}


_TRANSLATION_NAMES = tuple(f.name for f in fields(TranslationScores))


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """A document inside a group, with its relation to the representative."""

    id: str
    kind: Kind
    scores: Scores | None = None
    translation: TranslationScores | None = None  #: for kind translation


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """A copy group: a representative and every document that copies it."""

    id: str
    representative: str
    members: tuple[Member, ...]

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(slots=True, kw_only=True)
class Stats:
    """Counts and timings of one run, for the summary."""

    documents_read: int = 0
    rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    groups: int = 0
    copies_by_kind: dict[str, int] = field(default_factory=dict)
    candidate_pairs: int = 0
    verified_pairs: int = 0
    oversized_buckets: int = 0
    short_documents: int = 0  #: documents also matched on their shingles (short texts)
    short_pairs: int = 0  #: candidate pairs the short-document path proposed
    #: LSH pairs left unverified: they share fewer band keys than verify.min_bands (two long
    #: texts) or verify.short_doc_bands (a short side) asks
    thin_pairs: int = 0
    #: LSH pairs left unverified because their shingle containment is under
    #: verify.min_pair_containment (candidates/overlap.py); candidate_pairs counts what remains,
    #: the pairs that go to verification
    low_overlap_pairs: int = 0
    languages: int = 0  #: languages the translation stage saw (0: it did not run)
    translation_candidates: int = 0  #: pairs across languages it scored
    encoded: int = 0  #: passages the multilingual encoder read (leads, and tails it checked)
    translation_pairs: int = 0  #: pairs of articles it found to be translations
    seconds: dict[str, float] = field(default_factory=dict)


class SupportsGroups(Protocol):
    """What makes ``Group`` objects, once, when they are first asked for
    (``group.table.GroupTable``)."""

    def groups(self) -> tuple[Group, ...]: ...


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Result:
    """What ``find_copies`` returns: every valid document is in exactly one group. (Results
    compare by identity: compare their ``groups``.)"""

    rejected: tuple[Rejected, ...]
    stats: Stats
    #: the groups, or what makes them when ``groups`` is first read (a run that writes its
    #: groups file from columns never makes an object a group)
    found: tuple[Group, ...] | SupportsGroups = ()

    @property
    def groups(self) -> tuple[Group, ...]:
        """The copy groups, sorted by representative id."""
        return self.found if isinstance(self.found, tuple) else self.found.groups()

    def assignments(self) -> dict[str, tuple[str, Member]]:
        """Map each document id to (group id, its member record)."""
        return {m.id: (g.id, m) for g in self.groups for m in g.members}


@dataclass(frozen=True, slots=True, kw_only=True)
class Story:
    """Every article about one event: a level above copy groups (``find_stories``)."""

    id: str
    label: tuple[str, ...]  #: its most telling entities and keywords, most telling first
    headline: str | None  #: the title of its most central article
    first_seen: datetime | None
    last_seen: datetime | None
    members: tuple[str, ...]  #: article ids in publication order
    groups: tuple[str, ...]  #: the copy groups of its members (a group is one voice)
    sources: tuple[str, ...]  #: distinct sources, most frequent first
    timeline: tuple[tuple[str, int], ...]  #: (ISO day, articles first seen that day)
    topic: str | None = None  #: the topic that holds it (the level above stories)

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True, slots=True, kw_only=True)
class Topic:
    """The recurring subject above stories (two summits of the same leaders months apart are
    two stories of one topic): a union of whole stories (group/stories/graph.py)."""

    id: str
    label: tuple[str, ...]  #: the names and keywords its stories share most
    stories: tuple[str, ...]  #: story ids, in order of their first article
    first_seen: datetime | None
    last_seen: datetime | None
    size: int  #: articles


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryResult:
    """What ``find_stories`` returns: each valid article is in exactly one story."""

    stories: tuple[Story, ...]
    story_of: dict[str, str]  #: article id -> story id
    group_of: dict[str, str]  #: article id -> copy group id
    topics: tuple[Topic, ...] = ()
    topic_of: dict[str, str] = field(default_factory=dict)  #: article id -> topic id
    rejected: tuple[Rejected, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)
