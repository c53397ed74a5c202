"""The stories' inverted index (group/story_index.py): slots reused, and candidates the same
as a plain Python sum over the postings (same floats, same ties)."""

from __future__ import annotations

import heapq
import random

from newsdedup.group.story_index import OpenStory, StoryIndex


def _reference(postings: dict[str, set[int]], query: list[tuple[str, float]], limit: int,
               max_postings: int) -> list[int]:  # fmt: skip
    """The candidate count as it was written before the index held slots."""
    score: dict[int, float] = {}
    for t, w in query:
        keys = postings.get(t)
        if keys is None or len(keys) > max_postings:
            continue
        for k in keys:
            score[k] = score.get(k, 0.0) + w
    if len(score) <= limit:
        return sorted(score)
    return [k for k, _ in heapq.nsmallest(limit, score.items(), key=lambda kv: (-kv[1], kv[0]))]


def test_story_index_slots_are_reused_and_keys_kept() -> None:
    index = StoryIndex(max_postings=10)
    stories = [OpenStory(key=k * 7, first=k) for k in range(100)]
    for s in stories:
        index.add(s, ["all", f"own{s.key}"])
    assert len(index) == 100 and index.keys("all") == {s.key for s in stories}
    for s in stories[:60]:
        index.remove(s)
    assert len(index) == 40 and "own0" not in index.postings
    late = OpenStory(key=10_000, first=10_000)
    index.add(late, ["all", "late"])
    assert index.keys("late") == {10_000}
    assert index.keys("all") == {s.key for s in stories[60:]} | {10_000}
    assert max(index.postings["late"]) < 100  # a freed slot, not a new one
    index.remove(late)
    index.remove(late)  # twice: nothing left to remove
    assert len(index) == 40


def test_story_index_candidates_match_a_python_sum() -> None:
    rng = random.Random(5)
    vocab = [f"t{i}" for i in range(40)]
    for trial in range(200):
        max_postings = rng.choice([3, 20, 1000])
        index = StoryIndex(max_postings=max_postings)
        stories: dict[int, OpenStory] = {}
        truth: dict[str, set[int]] = {}
        for _ in range(rng.randrange(1, 80)):
            if stories and rng.random() < 0.3:
                story = stories.pop(rng.choice(sorted(stories)))
                for t in story.indexed:
                    truth[t].discard(story.key)
                index.remove(story)
                continue
            key = rng.randrange(10_000)
            story = stories.setdefault(key, OpenStory(key=key, first=key))
            terms = rng.sample(vocab, rng.randrange(1, 6))
            index.add(story, terms)
            for t in terms:
                truth.setdefault(t, set()).add(key)
        weights = [0.5, 0.25, 0.1, 0.3, 1 / 3]  # few values: many tied sums
        query = [(t, rng.choice(weights)) for t in rng.sample(vocab, rng.randrange(1, 12))]
        limit = rng.randrange(1, 10)
        found = index.candidates(query, limit)
        assert found == _reference(truth, query, limit, max_postings), trial
        assert all(type(k) is int for k in found)


def test_open_story_pack_keeps_vectors_and_their_order() -> None:
    story = OpenStory(key=3, first=3)
    story.add_voice(3, {"beta": 0.6, "alpha": 0.8}, {"\x00zed": 1.0}, None)
    story.add_voice(5, {"alpha": 0.28, "gamma": 0.96}, {}, None)
    centroid, entities = dict(story.centroid), dict(story.entities)
    voices = [(p, dict(v)) for p, v in story.voices]
    story.pack()
    assert story.centroid == {} and story.voices == []
    assert story.centroids() == (centroid, entities) and story.packed is not None
    story.unpack()
    assert story.packed is None and story.voices == voices
    assert list(story.centroid.items()) == list(centroid.items())  # same order, same floats
    story.pack()
    story.add_voice(7, {"delta": 1.0}, {}, None)  # a voice unpacks it first
    assert story.centroid == {**centroid, "delta": 1.0} and len(story.voices) == 3
