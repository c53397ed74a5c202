from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from newsdedup import Config
from newsdedup.fingerprint.batch import fingerprint_texts
from newsdedup.relate.verify import SCORE_COLUMNS, score_pairs


def _matrix(
    texts: list[str], pairs: list[tuple[int, int]], min_containment: float = 0.0
) -> np.ndarray:
    fp = fingerprint_texts([str(i) for i in range(len(texts))], texts, [0] * len(texts), Config())
    return score_pairs(
        fp, np.array(pairs, np.int64).reshape(-1, 2), size=2, min_containment=min_containment
    )


def _score(texts: list[str], pairs: list[tuple[int, int]], min_containment: float = 0.0):  # type: ignore[no-untyped-def]
    """The columns jaccard, containment, coverage_a, coverage_b."""
    return tuple(_matrix(texts, pairs, min_containment).T[:4])


def test_verify_score_columns() -> None:
    assert SCORE_COLUMNS == (
        "jaccard",
        "containment",
        "coverage_a",
        "coverage_b",
        "block_a",
        "block_b",
    )


def test_verify_identical_texts_score_one(make_words: Callable[..., list[str]]) -> None:
    text = " ".join(make_words(80, seed=1))
    matrix = _matrix([text, text], [(0, 1)])
    assert matrix.shape == (1, len(SCORE_COLUMNS))
    assert matrix[0].tolist() == [1.0] * len(SCORE_COLUMNS)


def test_verify_unrelated_texts_score_zero(unique_words: Callable[..., list[str]]) -> None:
    jac, con, cov_a, cov_b = _score(
        [" ".join(unique_words(50)), " ".join(unique_words(50, 100))], [(0, 1)]
    )
    assert (jac[0], con[0], cov_a[0], cov_b[0]) == (0.0, 0.0, 0.0, 0.0)


def test_verify_excerpt_scores(unique_words: Callable[..., list[str]]) -> None:
    words = unique_words(200)
    long, short = " ".join(words), " ".join(words[50:100])
    jac, con, cov_a, cov_b, block_a, block_b = _matrix([long, short], [(0, 1)])[0]
    assert jac == pytest.approx(49 / 199)
    assert con == 1.0
    assert cov_a == pytest.approx(50 / 200)
    assert cov_b == 1.0
    assert (block_a, block_b) == (cov_a, cov_b)  # one verbatim passage


def test_verify_rewrite_scores_are_dispersed(unique_words: Callable[..., list[str]]) -> None:
    words, fresh = unique_words(200), unique_words(200, 1000)
    mixed = [w if (i // 10) % 2 == 0 else fresh[i] for i, w in enumerate(words)]
    jac, _, cov_a, cov_b, block_a, block_b = _matrix([" ".join(words), " ".join(mixed)], [(0, 1)])[
        0
    ]
    assert cov_a == cov_b == pytest.approx(100 / 200)
    assert block_a == block_b == pytest.approx(10 / 200)
    assert jac == pytest.approx(90 / (199 + 199 - 90))


def test_verify_pair_order_swaps_coverages(unique_words: Callable[..., list[str]]) -> None:
    words = unique_words(200)
    forward, backward = _matrix([" ".join(words), " ".join(words[50:100])], [(0, 1), (1, 0)])
    assert backward.tolist() == forward[[0, 1, 3, 2, 5, 4]].tolist()


def test_verify_skips_alignment_below_min_containment(
    unique_words: Callable[..., list[str]],
) -> None:
    words = unique_words(300)
    a = " ".join(words[:100])
    b = " ".join(words[90:100] + words[100:300])  # 9 of b's 209 shingles are a's
    jac, con, cov_a, cov_b = _score([a, b], [(0, 1)], min_containment=0.10)
    assert con[0] == pytest.approx(9 / 99)
    assert jac[0] > 0
    assert (cov_a[0], cov_b[0]) == (0.0, 0.0)
    *_, cov_a, cov_b = _score([a, b], [(0, 1)], min_containment=0.05)
    assert cov_a[0] == pytest.approx(10 / 100)


def test_verify_empty_document_scores_zero(make_words: Callable[..., list[str]]) -> None:
    matrix = _matrix(["", "the of and", " ".join(make_words(10))], [(0, 2), (1, 2), (0, 1)])
    assert (matrix == 0).all()


def test_verify_no_pairs() -> None:
    assert _matrix(["a b", "c d"], []).shape == (0, len(SCORE_COLUMNS))


def test_verify_scores_many_pairs_in_one_call(make_words: Callable[..., list[str]]) -> None:
    texts = [" ".join(make_words(60, seed=s)) for s in range(6)]
    pairs = [(i, j) for i in range(6) for j in range(6) if i != j]
    batch = _matrix(texts, pairs)
    for k, pair in enumerate(pairs):
        assert batch[k].tolist() == _matrix(texts, [pair])[0].tolist()


def test_verify_scores_do_not_depend_on_pair_order() -> None:
    words = [f"w{i}" for i in range(400)]
    passage = " ".join(words[:60])
    a = f"{passage} {passage} " + " ".join(words[100:250])
    b = passage
    for texts in ([a, b], [b, a]):
        fp = fingerprint_texts(["x", "y"], texts, [0, 0], Config())
        forward = score_pairs(fp, np.array([[0, 1]]), size=2, min_containment=0.0)[0]
        backward = score_pairs(fp, np.array([[1, 0]]), size=2, min_containment=0.0)[0]
        assert forward == pytest.approx(backward[[0, 1, 3, 2, 5, 4]])
        assert max(forward[2], forward[3]) == pytest.approx(1.0)  # the passage is found
