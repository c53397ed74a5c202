"""Stories: articles about one event share names and quotes, but not text (hard negatives)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timedelta
from functools import cache, lru_cache
from itertools import combinations, pairwise

from newsdedup.synth import SynthCorpus, generate_corpus, jaccard, word_ngrams
from newsdedup.synth.vocab import FUNCTION_WORDS, make_vocabulary

_SEED = 13
_NAME = re.compile(r"\b[A-Z][a-z]+\b")


@lru_cache(maxsize=1)
def _corpus() -> SynthCorpus:
    return generate_corpus(3000, seed=_SEED)


@lru_cache(maxsize=1)
def _texts() -> dict[str, str]:
    return {a.id: a.text for a in _corpus().articles}


@cache
def _grams(id_: str, n: int) -> set[tuple[str, ...]]:
    return word_ngrams(_texts()[id_], n)


def _original_pairs() -> list[tuple[str, str]]:
    """Pairs of independently written articles (two originals) about the same story."""
    truth = _corpus().by_id()
    return [
        (a, b)
        for a, b in sorted(_corpus().same_story_pairs())
        if truth[a].kind == truth[b].kind == "original"
    ]


@lru_cache(maxsize=1)
def _name_pool() -> frozenset[str]:
    vocab = make_vocabulary(_SEED)
    return frozenset(vocab.names) | frozenset(vocab.given)


def _names(text: str) -> set[str]:
    """The names of people, places and organisations in ``text``."""
    return set(_NAME.findall(text)) & _name_pool()


def test_stories_independent_articles_share_little_text() -> None:
    pairs = _original_pairs()
    assert len(pairs) > 1000
    j3 = [jaccard(_grams(a, 3), _grams(b, 3)) for a, b in pairs]
    assert max(j3) < 0.1


def test_stories_copies_of_one_story_stay_apart_from_its_other_articles() -> None:
    pairs = sorted(_corpus().same_story_pairs())
    j3 = sorted(jaccard(_grams(a, 3), _grams(b, 3)) for a, b in pairs)
    assert j3[int(0.99 * len(j3))] < 0.1
    assert j3[-1] < 0.2


def test_stories_articles_share_names() -> None:
    texts = _texts()
    pairs = _original_pairs()
    shared = sum(bool(_names(texts[a]) & _names(texts[b])) for a, b in pairs)
    assert shared / len(pairs) > 0.95
    ids = sorted(texts)
    truth = _corpus().by_id()
    strangers = [(a, b) for a, b in pairwise(ids) if truth[a].topic != truth[b].topic]
    assert (
        sum(bool(_names(texts[a]) & _names(texts[b])) for a, b in strangers) / len(strangers) < 0.1
    )


def test_stories_articles_often_quote_the_same_statement() -> None:
    pairs = _original_pairs()
    quoted = sum(bool(_grams(a, 8) & _grams(b, 8)) for a, b in pairs)
    assert quoted / len(pairs) > 0.2


def test_stories_topics_recur_months_apart() -> None:
    corpus = _corpus()
    first_seen: dict[str, dict[str, datetime]] = defaultdict(dict)
    for article, record in zip(corpus.articles, corpus.truth, strict=True):
        if record.kind == "original" and article.published is not None:
            first_seen[record.topic].setdefault(record.story, article.published)
    recurring = [sorted(v.values()) for v in first_seen.values() if len(v) > 1]
    assert recurring
    for dates in recurring:
        for a, b in combinations(dates, 2):
            assert abs(b - a) > timedelta(days=55)


def test_stories_function_words_share_is_english_like() -> None:
    words = [w for a in _corpus().articles[:500] for w in re.findall(r"[a-z]+", a.text.lower())]
    share = sum(w in FUNCTION_WORDS for w in words) / len(words)
    assert 0.35 < share < 0.55


def test_stories_story_sizes_vary() -> None:
    sizes: dict[str, int] = defaultdict(int)
    for record in _corpus().truth:
        if record.kind == "original":
            sizes[record.story] += 1
    assert min(sizes.values()) == 1
    assert max(sizes.values()) >= 8
