"""Ground truth of a generated corpus, and the simple measures used to calibrate it.

A *copy cluster* is an original and every article copied from it, directly or through other
copies; ``TruthRecord.kind`` is each copy's relation to the cluster's original and ``edit`` the
operation that made it from its direct ``parent``. Independent originals of one story that
quote the same long passages verbatim (``TruthRecord.quotes``) stay in their own clusters: they
are the hardest negatives, similar only where they quote. The measures (word n-gram Jaccard and
containment after light normalisation) are the yardstick the generator is tuned against, not
the project's fingerprints: they are kept simple so that the evaluation can cite them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from newsdedup.types import Article

__all__ = [
    "KINDS",
    "SynthCorpus",
    "TruthRecord",
    "containment",
    "jaccard",
    "normalize",
    "pair_kind",
    "word_ngrams",
]

#: Copy kinds, from the closest to the farthest relation to the original: a repost is a press
#: release with a site's own lines around it, a house-style copy keeps most sentences, a
#: condensed brief keeps a few of them. The default mix uses the four original kinds only;
#: their relative order is kept, as the corpus plan lays out copy slots in this order.
KINDS = ("exact", "near", "repost", "excerpt", "house", "rewrite", "condensed")
_SEVERITY = {"original": 0, **{k: i + 1 for i, k in enumerate(KINDS)}}
_QUOTES = str.maketrans({"“": '"', "”": '"', "\u2018": "'", "\u2019": "'"})
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True, kw_only=True)
class TruthRecord:
    """What one generated article is: its story, its copy cluster and how it was made."""

    id: str
    story: str
    topic: str
    cluster: str  # id of the original this article copies, or its own id
    kind: str  # "original" or one of KINDS, relative to the cluster's original
    parent: str | None = None  # the article it was made from (None for originals)
    edit: str | None = None  # the operation applied to ``parent``: one of KINDS
    intensity: float | None = None  # for rewrite and house edits: the strength it was made with
    #: For an original that quotes long passages verbatim, as another original of its story
    #: does: the id of the first article that quoted them (its own id for that one).
    quotes: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The record as a plain dict (spelled out: ``dataclasses.asdict`` costs 10x more).

        ``quotes`` appears only when set, so corpora made without shared quotes keep the
        bytes they always had."""
        out: dict[str, Any] = {
            "id": self.id,
            "story": self.story,
            "topic": self.topic,
            "cluster": self.cluster,
            "kind": self.kind,
            "parent": self.parent,
            "edit": self.edit,
            "intensity": self.intensity,
        }
        if self.quotes is not None:
            out["quotes"] = self.quotes
        return out


def pair_kind(a: str, b: str) -> str:
    """The relation of two members of one cluster: the farther of their kinds."""
    return a if _SEVERITY[a] >= _SEVERITY[b] else b


@dataclass(frozen=True, slots=True)
class SynthCorpus:
    """Generated articles with their ground truth, in the same order."""

    articles: list[Article]
    truth: list[TruthRecord]

    def by_id(self) -> dict[str, TruthRecord]:
        return {t.id: t for t in self.truth}

    def copy_pairs(self, kinds: Collection[str] | None = None) -> set[tuple[str, str]]:
        """Unordered id pairs (smaller id first) in the same copy cluster.

        With ``kinds``, only pairs whose relation (``pair_kind``: the farther of the two
        members' kinds, so original + near is "near" and near + rewrite is "rewrite") is listed.
        """
        keep: Callable[[str], bool] = (lambda _: True) if kinds is None else kinds.__contains__
        return {
            (a.id, b.id)
            for group in _groups(self.truth, lambda t: t.cluster)
            for a, b in combinations(group, 2)
            if keep(pair_kind(a.kind, b.kind))
        }

    def same_story_pairs(self) -> set[tuple[str, str]]:
        """Unordered id pairs in the same story but in different copy clusters (including the
        ``shared_quote_pairs``, which are not copies however much they quote alike)."""
        return {
            (a.id, b.id)
            for group in _groups(self.truth, lambda t: t.story)
            for a, b in combinations(group, 2)
            if a.cluster != b.cluster
        }

    def shared_quote_pairs(self) -> set[tuple[str, str]]:
        """Unordered id pairs of independent originals quoting the same long passages
        verbatim: the hard negatives whose only shared text is the quotes."""
        return {
            (a.id, b.id)
            for group in _groups((t for t in self.truth if t.quotes), lambda t: t.quotes or "")
            for a, b in combinations(group, 2)
        }


def _groups(
    truth: Iterable[TruthRecord], key: Callable[[TruthRecord], str]
) -> list[list[TruthRecord]]:
    groups: defaultdict[str, list[TruthRecord]] = defaultdict(list)
    for t in truth:
        groups[key(t)].append(t)
    return [sorted(g, key=lambda t: t.id) for g in groups.values() if len(g) > 1]


def normalize(text: str) -> str:
    """NFKC, case folding, straight quotes and single spaces: what an exact copy survives."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    return " ".join(text.split())


def word_ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    """The set of word ``n``-grams of the normalised text (words are ``\\w+`` runs)."""
    words = _WORD.findall(normalize(text))
    return set(zip(*(words[i:] for i in range(n)), strict=False))


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def containment(part: set[tuple[str, ...]], whole: set[tuple[str, ...]]) -> float:
    """The share of ``part``'s n-grams found in ``whole``."""
    return len(part & whole) / len(part) if part else 1.0
