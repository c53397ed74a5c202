"""Story labels (group/stories/records.py ``_labels``), found for every story at once in
arrays, equal the per-story Counter sums they replaced (``_Terms``, still what topics add up),
on random voice terms and weights with ties, repeated terms across voices and stories, and
label sizes from 0."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.group.stories.records import _labels, _Terms
from newsdedup.group.stories.vectors import VoiceLabels

_NAMES = ["paris", "obama", "ann", "bank", "the"]
_WORDS = ["bank", "paris", "vote", "rain", "zzq", "\u00e9t\u00e9"]
_WEIGHTS = st.sampled_from([0.0, 0.1, 0.2, 0.30000000000000004, 1.5, 2.0, 7.25])


@st.composite
def _voices(draw: st.DrawFn) -> tuple[VoiceLabels, np.ndarray]:
    n = draw(st.integers(1, 8))
    rows = []
    for _ in range(n):
        names = draw(st.lists(st.sampled_from(_NAMES), unique=True, max_size=4))
        words = draw(st.lists(st.sampled_from(_WORDS), unique=True, max_size=5))
        rows.append(
            (
                names,
                [draw(st.sampled_from([t.title(), t.upper(), t])) for t in names],
                [draw(_WEIGHTS) for _ in names],
                words,
                [draw(_WEIGHTS) for _ in words],
            )
        )
    labels = VoiceLabels(
        name_ptr=np.cumsum([0] + [len(r[0]) for r in rows]).astype(np.int64),
        names=[t for r in rows for t in r[0]],
        spelled=[t for r in rows for t in r[1]],
        name_weight=np.array([w for r in rows for w in r[2]], np.float64),
        word_ptr=np.cumsum([0] + [len(r[3]) for r in rows]).astype(np.int64),
        words=[t for r in rows for t in r[3]],
        word_weight=np.array([w for r in rows for w in r[4]], np.float64),
    )
    story = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), np.int64)
    return labels, story


@settings(max_examples=300, deadline=None)
@given(_voices(), st.integers(0, 7))
def test_story_labels_equal_the_counter_sums(
    voices: tuple[VoiceLabels, np.ndarray], size: int
) -> None:
    labels, voice_story = voices
    got = _labels(labels, voice_story, size)
    want = {}
    for story in sorted(set(voice_story.tolist())):
        terms = _Terms()
        for v in np.flatnonzero(voice_story == story).tolist():
            terms.add(_Terms.of(labels, v))
        want[story] = terms.label(size)
    assert got == want
