"""The generated vocabulary: pseudo-words, English function words at English rates, synonyms."""

from __future__ import annotations

from collections import Counter

import numpy as np

from newsdedup.synth.rand import Draws
from newsdedup.synth.vocab import FUNCTION_WORDS, make_vocabulary


def _sample(seed: int, n: int = 200_000) -> list[str]:
    return make_vocabulary(seed).tokens(Draws(np.random.default_rng(seed)), n)


def test_vocab_is_a_function_of_the_seed() -> None:
    a, b, c = make_vocabulary(1), make_vocabulary(1), make_vocabulary(2)
    assert a.words.tolist() == b.words.tolist()
    assert a.words.tolist() != c.words.tolist()
    assert _sample(1, 5000) == _sample(1, 5000)


def test_vocab_content_words_are_made_up() -> None:
    vocab = make_vocabulary(0)
    content = vocab.words[vocab.n_function :].tolist()
    assert len(content) == len(set(content)) == 40_000
    assert all(w.isalpha() and w.islower() for w in content)
    assert not set(content) & set(FUNCTION_WORDS)
    assert not {n.lower() for n in vocab.names + vocab.given} & set(vocab.words.tolist())


def test_vocab_function_words_take_an_english_share() -> None:
    counts = Counter(_sample(0))
    share = sum(counts[w] for w in FUNCTION_WORDS) / sum(counts.values())
    assert 0.42 < share < 0.48
    top = [w for w, _ in counts.most_common(4)]
    assert top[:2] == ["the", "of"]


def test_vocab_content_words_follow_a_zipf_law() -> None:
    vocab = make_vocabulary(0)
    counts = Counter(_sample(0, 400_000))
    content = vocab.words[vocab.n_function :].tolist()
    head, mid = counts[content[0]], counts[content[1000]]
    assert 50 < head / max(mid, 1) < 200  # (1008 / 8) ** 1.07 = 176
    assert len(set(counts) - set(FUNCTION_WORDS)) > 15_000
    assert np.mean([len(w) for w in content[:100]]) < np.mean([len(w) for w in content[-100:]])


def test_vocab_synonyms_are_other_words_of_similar_rank() -> None:
    vocab = make_vocabulary(0)
    content = vocab.words[vocab.n_function :].tolist()
    rank = {w: i for i, w in enumerate(content)}
    for word in content[:600]:
        other = vocab.synonyms[word]
        assert other != word and abs(rank[other] - rank[word]) < 6
        assert vocab.synonyms[word.capitalize()] == other.capitalize()
    assert vocab.synonyms["said"] == "stated"
