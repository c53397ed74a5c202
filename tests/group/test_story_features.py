"""The story worker weighs voices as the in-process weigher does, in order, and hands back
the same document frequencies."""

from __future__ import annotations

import pickle

import pytest
from wordfreq import zipf_frequency

from newsdedup.config import StoriesConfig
from newsdedup.fingerprint.terms import DocumentFrequencies, _wordfreq_zipf
from newsdedup.group.story_features import VoiceWeigher, use_worker, weigh_in_worker

TEXTS = [
    "Putin met Xi Jinping in Samarkand on Thursday, September 15.",
    "The Kremlin's view of the summit, the summit. Zorbix Quellan spoke on Sep 15.",
    "Nothing capitalised here, only zorbix and samarkand again.",
] * 50


def _weigher(config: StoriesConfig) -> VoiceWeigher:
    def frequencies() -> DocumentFrequencies:
        return DocumentFrequencies(prior_docs=config.prior_docs, background=config.background)

    return VoiceWeigher(config, frequencies(), frequencies())


@pytest.mark.parametrize("head", [0, 7])
def test_story_worker_matches_in_process(head: int) -> None:
    """Also from document frequencies that already counted ``head`` voices."""
    config = StoriesConfig()
    here, there = _weigher(config), _weigher(config)
    for text in TEXTS[:head]:
        here(text)
        there(text)
    expected = [here(t) for t in TEXTS[head:]]
    found = list(weigh_in_worker(iter(TEXTS[head:]), there))
    assert found == expected
    assert [list(v.lexical) for v in found] == [list(v.lexical) for v in expected]  # order
    assert there.terms.docs == here.terms.docs == len(TEXTS)
    assert there.terms.smoothed == here.terms.smoothed
    assert there.names.smoothed == here.names.smoothed
    assert list(there.terms.smoothed) == list(here.terms.smoothed)


def test_document_frequencies_pickle_without_their_background_function() -> None:
    df = DocumentFrequencies(prior_docs=100, background="wordfreq")
    df.add_vector({"samarkand": 2, "summit": 1}, 10)
    back = pickle.loads(pickle.dumps(df))
    assert back.smoothed == df.smoothed and back.docs == df.docs == 1
    assert back.add_vector({"samarkand": 1, "tashkent": 1}, 10) == df.add_vector(
        {"samarkand": 1, "tashkent": 1}, 10
    )


def test_story_worker_only_when_it_pays() -> None:
    weigher = _weigher(StoriesConfig())
    assert not use_worker(100, weigher)  # too few voices to start a process
    assert use_worker(10_000, weigher)
    weigher.terms.smoothed.update(dict.fromkeys(map(str, range(2_000_000)), 1.0))
    assert not use_worker(10_000, weigher)  # the counts' round trip would cost more


@pytest.mark.parametrize("word", ["samarkand", "meeting", "said", "zorbix", "don't", "café", "ab"])
def test_story_features_fast_zipf_matches_wordfreq(word: str) -> None:
    assert _wordfreq_zipf()(word) == float(zipf_frequency(word, "en"))
