from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from newsdedup import Config
from newsdedup.fingerprint.batch import fingerprint_texts
from newsdedup.relate.align import ALIGN_FIGURES
from newsdedup.relate.verify import SCORE_COLUMNS, SWAP, score_pairs


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


def _named(row: np.ndarray) -> dict[str, float]:
    return dict(zip(SCORE_COLUMNS, row.tolist(), strict=True))


def test_verify_score_columns() -> None:
    assert SCORE_COLUMNS == (
        "jaccard",
        "containment",
        "coverage_a",
        "coverage_b",
        "block_a",
        "block_b",
        "derived_a",
        "derived_b",
        "quoted",
        "order",
    )
    assert SCORE_COLUMNS[2:] == ALIGN_FIGURES


def test_verify_swap_exchanges_the_a_and_b_columns() -> None:
    swapped = [SCORE_COLUMNS[k] for k in SWAP]
    assert swapped == [
        "jaccard",
        "containment",
        "coverage_b",
        "coverage_a",
        "block_b",
        "block_a",
        "derived_b",
        "derived_a",
        "quoted",
        "order",
    ]
    assert [SWAP[k] for k in SWAP] == list(range(len(SCORE_COLUMNS)))  # its own inverse


def test_verify_identical_texts_score_one(make_words: Callable[..., list[str]]) -> None:
    text = " ".join(make_words(80, seed=1))
    matrix = _matrix([text, text], [(0, 1)])
    assert matrix.shape == (1, len(SCORE_COLUMNS))
    # every figure is 1 but the quoted share: the text has no quotation
    assert _named(matrix[0]) == {name: 0.0 if name == "quoted" else 1.0 for name in SCORE_COLUMNS}


def test_verify_identical_quotation_is_all_quoted(make_words: Callable[..., list[str]]) -> None:
    text = '"' + " ".join(make_words(80, seed=1)) + '"'
    s = _named(_matrix([text, text], [(0, 1)])[0])
    assert s["jaccard"] == s["coverage_a"] == s["block_a"] == s["order"] == 1.0
    assert s["quoted"] == 1.0
    assert s["derived_a"] == s["derived_b"] == 0.0  # a shared quotation is not narration


def test_verify_unrelated_texts_score_zero(unique_words: Callable[..., list[str]]) -> None:
    jac, con, cov_a, cov_b = _score(
        [" ".join(unique_words(50)), " ".join(unique_words(50, 100))], [(0, 1)]
    )
    assert (jac[0], con[0], cov_a[0], cov_b[0]) == (0.0, 0.0, 0.0, 0.0)


def test_verify_excerpt_scores(unique_words: Callable[..., list[str]]) -> None:
    words = unique_words(200)
    long, short = " ".join(words), " ".join(words[50:100])
    s = _named(_matrix([long, short], [(0, 1)])[0])
    assert s["jaccard"] == pytest.approx(49 / 199)
    assert s["containment"] == 1.0
    assert s["coverage_a"] == pytest.approx(50 / 200)
    assert s["coverage_b"] == 1.0
    # one verbatim passage, all of it derived narration, in order
    assert (s["block_a"], s["block_b"]) == (s["coverage_a"], s["coverage_b"])
    assert (s["derived_a"], s["derived_b"]) == (s["coverage_a"], s["coverage_b"])
    assert (s["quoted"], s["order"]) == (0.0, 1.0)


def test_verify_rewrite_scores_are_dispersed(unique_words: Callable[..., list[str]]) -> None:
    words, fresh = unique_words(200), unique_words(200, 1000)
    mixed = [w if (i // 10) % 2 == 0 else fresh[i] for i, w in enumerate(words)]
    s = _named(_matrix([" ".join(words), " ".join(mixed)], [(0, 1)])[0])
    assert s["coverage_a"] == s["coverage_b"] == pytest.approx(100 / 200)
    assert s["block_a"] == s["block_b"] == pytest.approx(10 / 200)
    assert s["jaccard"] == pytest.approx(90 / (199 + 199 - 90))
    # 10 fresh words between runs split the derived spans: the shared runs alone are derived
    assert s["derived_a"] == s["derived_b"] == pytest.approx(100 / 200)
    assert (s["quoted"], s["order"]) == (0.0, 1.0)


def test_verify_pair_order_swaps_coverages(unique_words: Callable[..., list[str]]) -> None:
    words = unique_words(200)
    forward, backward = _matrix([" ".join(words), " ".join(words[50:100])], [(0, 1), (1, 0)])
    assert forward[2] != forward[3] and forward[6] != forward[7]  # the swap is visible
    assert backward.tolist() == forward[SWAP].tolist()


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
    # no alignment at all: every figure of it is 0
    assert _matrix([a, b], [(0, 1)], min_containment=0.10)[0, 2:].tolist() == [0.0] * len(
        ALIGN_FIGURES
    )
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
        assert forward == pytest.approx(backward[SWAP])
        assert max(forward[2], forward[3]) == pytest.approx(1.0)  # the passage is found
