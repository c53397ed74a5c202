"""The ``Story`` and ``Topic`` records of a clustered story graph: ids, labels, headlines.

Ids come from the first article (publication order) of a story or topic, so they are stable
across runs, input order and executors; a story keeps its id while it grows from its first
article, and when two merge the older id stays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import xxhash
from numpy.typing import NDArray

from newsdedup.arrays import unique
from newsdedup.clean.pipeline import headline
from newsdedup.group.stories.graph import StoryEdges
from newsdedup.group.stories.vectors import VoiceLabels, voice_labels
from newsdedup.types import Article, Story, StoryResult, Topic

__all__ = ["story_id", "story_records", "story_result", "topic_id"]


def story_id(first_article: str) -> str:
    """A story's id, from its first article's id: stable across runs and input order."""
    return "s" + xxhash.xxh3_64_hexdigest(first_article.encode("utf-8", "surrogatepass"))


def topic_id(first_article: str) -> str:
    """A topic's id, from its first article's id."""
    return "t" + xxhash.xxh3_64_hexdigest(first_article.encode("utf-8", "surrogatepass"))


@dataclass(slots=True)
class _Terms:
    """The label weights of some voices: their names (with how each is first written) and
    their other words, each weighted by its rarity in general English."""

    names: Counter[str] = field(default_factory=Counter)  # float weights: Counter adds them
    words: Counter[str] = field(default_factory=Counter)
    spelled: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, labels: VoiceLabels, row: int) -> _Terms:
        """The terms of row ``row`` (each voice gives its heaviest few, vectors.py)."""
        out = cls()
        names, words = labels.of(row)
        for term, surface, weight in names:
            out.names[term] = weight  # type: ignore[assignment]
            out.spelled[term] = surface
        out.words.update(dict(words))
        return out

    def add(self, other: _Terms) -> _Terms:
        self.names.update(other.names)
        self.words.update(other.words)
        for term, surface in other.spelled.items():
            self.spelled.setdefault(term, surface)
        return self

    def label(self, size: int) -> tuple[str, ...]:
        """The heaviest names (as first written), then the heaviest other keywords."""
        names = [t for t, _ in sorted(self.names.items(), key=lambda kv: (-kv[1], kv[0]))]
        words = [t for t, _ in sorted(self.words.items(), key=lambda kv: (-kv[1], kv[0]))]
        return _label_of(names, words, self.spelled, size)


def _label_of(
    names: list[str], words: list[str], spelled: Mapping[str, str], size: int
) -> tuple[str, ...]:
    """A label of ``size`` terms from ranked names and words (heaviest first): the top half
    names, as ``spelled`` writes them, then the heaviest words that are not among them."""
    top = names[: (size + 1) // 2]
    rest = [t for t in words[:size] if t not in top]
    return tuple([spelled[t] for t in top] + rest[: size - len(top)])


def _central(
    voices: list[int], edges: StoryEdges, voice_story: NDArray[np.int64]
) -> dict[int, int]:
    """The voice of each story most alike to the rest of it (the earliest of ties)."""
    inside = edges.near & (voice_story[edges.a] == voice_story[edges.b])
    weight = np.bincount(edges.a[inside], edges.similarity[inside], len(voices))
    weight += np.bincount(edges.b[inside], edges.similarity[inside], len(voices))
    best: dict[int, int] = {}
    for v in range(len(voices)):
        s = int(voice_story[v])
        if s not in best or weight[v] > weight[best[s]]:
            best[s] = v
    return best


def story_records(
    ordered: Sequence[Article],
    when: Sequence[datetime | None],
    group_of: dict[str, str],
    voices: list[int],
    voice_story: NDArray[np.int64],
    edges: StoryEdges,
    label_size: int,
    topic_of: Mapping[str, str | None],
    labels: VoiceLabels | None = None,
) -> list[Story]:
    """The ``Story`` record of every cluster of ``voice_story``, in order of first article.
    ``ordered`` is in publication order; ``voices`` are positions in it (the first article of
    each copy group); ``topic_of`` maps a story id to its topic id; ``labels`` are the voices'
    label terms (``story_features``), read from their texts when not given."""
    told = _stories(
        ordered, when, group_of, voices, voice_story, edges, label_size, topic_of, labels
    )
    return [story for story, _ in told]


def _stories(  # type: ignore[no-untyped-def]
    ordered,
    when,
    group_of,
    voices,
    voice_story,
    edges,
    label_size,
    topic_of,
    labels,
    with_terms=False,
) -> list[tuple[Story, _Terms]]:
    """``story_records``, each with its voices' label weights when ``with_terms`` (a topic's
    label sums them; else empty)."""
    if labels is None:
        labels = voice_labels([ordered[p] for p in voices], label_size)
    voice_of_group = {group_of[ordered[p].id]: v for v, p in enumerate(voices)}
    members: dict[int, list[int]] = {}
    for pos, article in enumerate(ordered):
        members.setdefault(int(voice_story[voice_of_group[group_of[article.id]]]), []).append(pos)
    central = _central(voices, edges, voice_story)
    voices_of: dict[int, list[int]] = {}
    for v in range(len(voices)):
        voices_of.setdefault(int(voice_story[v]), []).append(v)
    label = _labels(labels, voice_story, label_size)
    out = []
    for key in sorted(members, key=lambda k: members[k][0]):
        terms = _Terms()
        if with_terms:
            for v in voices_of[key]:
                terms.add(_Terms.of(labels, v))
        fields = _story(ordered, when, group_of, members[key], voices[central[key]])
        story = Story(label=label[key], topic=topic_of.get(fields["id"]), **fields)
        out.append((story, terms))
    return out


def _labels(
    labels: VoiceLabels, voice_story: NDArray[np.int64], size: int
) -> dict[int, tuple[str, ...]]:
    """Each story's label, what ``_Terms.label`` gives over its voices' terms added up, for
    every story at once: each term's weights added per story in voice order (``bincount``
    adds in order, as the Counter did), the heaviest of every story found by one sort."""
    names, spelled = _ranked(
        labels.name_ptr, labels.names, labels.name_weight, voice_story, labels.spelled
    )
    words, _ = _ranked(labels.word_ptr, labels.words, labels.word_weight, voice_story)
    return {
        story: _label_of(names.get(story, []), words.get(story, []), spelled.get(story, {}), size)
        for story in unique(voice_story).tolist()
    }


def _ranked(
    ptr: NDArray[np.int64],
    terms: list[str],
    weight: NDArray[np.float64],
    voice_story: NDArray[np.int64],
    spelled: list[str] | None = None,
) -> tuple[dict[int, list[str]], dict[int, dict[str, str]]]:
    """Each story's terms, heaviest first (then by term), their weights added over its voices
    (``ptr``: each voice's slice of ``terms`` and ``weight``); and with ``spelled``, by story,
    how the first voice that holds a term writes it."""
    if not terms:
        return {}, {}
    vocabulary = list(dict.fromkeys(terms))
    at = {t: i for i, t in enumerate(vocabulary)}
    term = np.fromiter(map(at.__getitem__, terms), np.int64, len(terms))
    story = np.repeat(voice_story, np.diff(ptr))
    cell, first, inverse = np.unique(
        story * len(vocabulary) + term, return_index=True, return_inverse=True
    )
    total = np.bincount(inverse, weight, len(cell))
    alphabetical = np.empty(len(vocabulary), np.int64)
    alphabetical[sorted(range(len(vocabulary)), key=vocabulary.__getitem__)] = np.arange(
        len(vocabulary)
    )
    of_story, of_term = cell // len(vocabulary), cell % len(vocabulary)
    order = np.lexsort((alphabetical[of_term], -total, of_story))
    ranked: dict[int, list[str]] = {}
    for s, t in zip(of_story[order].tolist(), of_term[order].tolist(), strict=True):
        ranked.setdefault(s, []).append(vocabulary[t])
    if spelled is None:
        return ranked, {}
    written: dict[int, dict[str, str]] = {}
    for s, t, i in zip(of_story.tolist(), of_term.tolist(), first.tolist(), strict=True):
        written.setdefault(s, {})[vocabulary[t]] = spelled[i]
    return ranked, written


def story_result(
    ordered: Sequence[Article],
    when: Sequence[datetime | None],
    group_of: dict[str, str],
    voices: list[int],
    voice_story: NDArray[np.int64],
    voice_topic: NDArray[np.int64],
    edges: StoryEdges,
    label_size: int,
    labels: VoiceLabels | None = None,
) -> StoryResult:
    """``story_records`` and the ``Topic`` records above them (``voice_topic``: each voice's
    topic cluster)."""
    first: dict[int, int] = {}  # cluster -> position of its first article
    topic_first: dict[int, int] = {}
    voice_of_group = {group_of[ordered[p].id]: v for v, p in enumerate(voices)}
    for pos, article in enumerate(ordered):
        v = voice_of_group[group_of[article.id]]
        first.setdefault(int(voice_story[v]), pos)
        topic_first.setdefault(int(voice_topic[v]), pos)
    topic_of = {
        story_id(ordered[first[int(voice_story[v])]].id): topic_id(
            ordered[topic_first[int(voice_topic[v])]].id
        )
        for v in range(len(voices))
    }
    told = _stories(
        ordered, when, group_of, voices, voice_story, edges, label_size, topic_of, labels, True
    )
    by_topic: dict[str, list[tuple[Story, _Terms]]] = {}
    for story, terms in told:
        by_topic.setdefault(story.topic or "", []).append((story, terms))
    topics = tuple(_topic(tid, items, label_size) for tid, items in by_topic.items())
    records = [story for story, _ in told]
    return StoryResult(
        stories=tuple(records),
        story_of={m: r.id for r in records for m in r.members},
        group_of={a.id: group_of[a.id] for a in ordered},
        topics=topics,
        topic_of={m: r.topic or "" for r in records for m in r.members},
    )


def _story(  # type: ignore[no-untyped-def]
    ordered, when, group_of, positions, central
) -> dict:  # type: ignore[type-arg]
    ids = [ordered[p].id for p in positions]
    dates = [d for p in positions if (d := when[p]) is not None]
    sources = Counter(s for p in positions if (s := ordered[p].source) is not None)
    return {
        "id": story_id(ids[0]),
        "headline": _headline(ordered[central]),
        "first_seen": min(dates, default=None),
        "last_seen": max(dates, default=None),
        "members": tuple(ids),
        "groups": tuple(dict.fromkeys(group_of[i] for i in ids)),
        "sources": tuple(s for s, _ in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
        "timeline": tuple(sorted(Counter(d.date().isoformat() for d in dates).items())),
    }


def _topic(tid: str, items: list[tuple[Story, _Terms]], size: int) -> Topic:
    stories = [story for story, _ in items]
    firsts = [s.first_seen for s in stories if s.first_seen is not None]
    lasts = [s.last_seen for s in stories if s.last_seen is not None]
    terms = _Terms()
    for _, story_terms in items:
        terms.add(story_terms)
    return Topic(
        id=tid,
        label=terms.label(size),
        stories=tuple(s.id for s in stories),
        first_seen=min(firsts, default=None),
        last_seen=max(lasts, default=None),
        size=sum(s.size for s in stories),
    )


def _headline(article: Article) -> str | None:
    return article.title or headline(article.text)
