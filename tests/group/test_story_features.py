"""The story feature worker gives what the in-process finder gives, in order."""

from __future__ import annotations

import pytest
from wordfreq import zipf_frequency

from newsdedup.fingerprint.terms import _wordfreq_zipf
from newsdedup.group.story_features import FeatureFinder, features_in_worker

TEXTS = [
    "Putin met Xi Jinping in Samarkand on Thursday, September 15.",
    "The Kremlin's view of the summit, the summit. Zorbix Quellan spoke on Sep 15.",
    "Nothing capitalised here, only zorbix and samarkand again.",
] * 50


def test_story_features_worker_matches_in_process() -> None:
    find = FeatureFinder(rare_zipf=3.5, background="wordfreq")
    expected = [find(t) for t in TEXTS]
    found = list(features_in_worker(iter(TEXTS), rare_zipf=3.5, background="wordfreq"))
    assert found == expected
    assert [list(c) for c, _, _ in found] == [list(c) for c, _, _ in expected]  # same order


def test_story_features_background_only_for_new_terms() -> None:
    find = FeatureFinder(rare_zipf=3.5, background="uniform")
    _, _, first = find(TEXTS[0])
    _, _, again = find(TEXTS[0])
    assert "samarkand" in first and again == {}


@pytest.mark.parametrize("word", ["samarkand", "meeting", "said", "zorbix", "don't", "café", "ab"])
def test_story_features_fast_zipf_matches_wordfreq(word: str) -> None:
    assert _wordfreq_zipf()(word) == float(zipf_frequency(word, "en"))
