"""The ``Story`` and ``Topic`` records of a clustered story graph: ids, labels, headlines.

Ids come from the first article (publication order) of a story or topic, so they are stable
across runs, input order and executors; a story keeps its id while it grows from its first
article, and when two merge the older id stays.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np
import xxhash
from numpy.typing import NDArray

from newsdedup.clean.pipeline import headline
from newsdedup.fingerprint.terms import background_probability, content_terms
from newsdedup.group.story_graph import StoryEdges
from newsdedup.group.story_vectors import name_terms, story_text
from newsdedup.types import Article, Story, StoryResult, Topic

__all__ = ["story_id", "story_records", "story_result", "topic_id"]


def story_id(first_article: str) -> str:
    """A story's id, from its first article's id: stable across runs and input order."""
    return "s" + xxhash.xxh3_64_hexdigest(first_article.encode("utf-8", "surrogatepass"))


def topic_id(first_article: str) -> str:
    """A topic's id, from its first article's id."""
    return "t" + xxhash.xxh3_64_hexdigest(first_article.encode("utf-8", "surrogatepass"))


def _label(texts: Sequence[str], size: int) -> tuple[str, ...]:
    """The heaviest names (as written), then the heaviest other keywords, over ``texts``."""
    probability = background_probability("wordfreq")
    names: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for text in texts:
        for term in name_terms(text):
            if not term[0].isdigit():
                names[term] += -math.log(max(probability(term), 1e-5))
        for term, n in content_terms(text).items():
            words[term] += (1.0 + math.log(n)) * -math.log(max(probability(term), 1e-5))
    top = [t for t, _ in sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[: (size + 1) // 2]]
    rest = [t for t, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0])) if t not in top]
    return tuple([t.title() for t in top] + rest[: size - len(top)])


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
) -> list[Story]:
    """The ``Story`` record of every cluster of ``voice_story``, in order of first article.
    ``ordered`` is in publication order; ``voices`` are positions in it (the first article of
    each copy group); ``topic_of`` maps a story id to its topic id."""
    voice_of_group = {group_of[ordered[p].id]: v for v, p in enumerate(voices)}
    members: dict[int, list[int]] = {}
    for pos, article in enumerate(ordered):
        members.setdefault(int(voice_story[voice_of_group[group_of[article.id]]]), []).append(pos)
    central = _central(voices, edges, voice_story)
    texts = [story_text(ordered[p]) for p in voices]
    voices_of: dict[int, list[int]] = {}
    for v in range(len(voices)):
        voices_of.setdefault(int(voice_story[v]), []).append(v)
    out = []
    for key in sorted(members, key=lambda k: members[k][0]):
        fields = _story(
            ordered, when, group_of, members[key], voices_of[key], texts, voices, central[key]
        )
        texts_of = fields.pop("texts")
        out.append(
            Story(label=_label(texts_of, label_size), topic=topic_of.get(fields["id"]), **fields)
        )
    return out


def story_result(
    ordered: Sequence[Article],
    when: Sequence[datetime | None],
    group_of: dict[str, str],
    voices: list[int],
    voice_story: NDArray[np.int64],
    voice_topic: NDArray[np.int64],
    edges: StoryEdges,
    label_size: int,
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
    records = story_records(
        ordered, when, group_of, voices, voice_story, edges, label_size, topic_of
    )
    texts = [story_text(ordered[p]) for p in voices]
    voice_text = {ordered[p].id: texts[v] for v, p in enumerate(voices)}
    by_topic: dict[str, list[Story]] = {}
    for record in records:
        by_topic.setdefault(record.topic or "", []).append(record)
    topics = tuple(_topic(tid, items, voice_text, label_size) for tid, items in by_topic.items())
    return StoryResult(
        stories=tuple(records),
        story_of={m: r.id for r in records for m in r.members},
        group_of={a.id: group_of[a.id] for a in ordered},
        topics=topics,
        topic_of={m: r.topic or "" for r in records for m in r.members},
    )


def _story(  # type: ignore[no-untyped-def]
    ordered, when, group_of, positions, story_voices, texts, voices, central
) -> dict:  # type: ignore[type-arg]
    ids = [ordered[p].id for p in positions]
    dates = [d for p in positions if (d := when[p]) is not None]
    sources = Counter(s for p in positions if (s := ordered[p].source) is not None)
    return {
        "id": story_id(ids[0]),
        "texts": [texts[v] for v in story_voices],
        "headline": _headline(ordered[voices[central]]),
        "first_seen": min(dates, default=None),
        "last_seen": max(dates, default=None),
        "members": tuple(ids),
        "groups": tuple(dict.fromkeys(group_of[i] for i in ids)),
        "sources": tuple(s for s, _ in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
        "timeline": tuple(sorted(Counter(d.date().isoformat() for d in dates).items())),
    }


def _topic(tid: str, items: list[Story], voice_text: dict[str, str], size: int) -> Topic:
    firsts = [s.first_seen for s in items if s.first_seen is not None]
    lasts = [s.last_seen for s in items if s.last_seen is not None]
    label_texts = [voice_text[m] for s in items for m in s.members if m in voice_text]
    return Topic(
        id=tid,
        label=_label(label_texts, size),
        stories=tuple(s.id for s in items),
        first_seen=min(firsts, default=None),
        last_seen=max(lasts, default=None),
        size=sum(s.size for s in items),
    )


def _headline(article: Article) -> str | None:
    return article.title or headline(article.text)
