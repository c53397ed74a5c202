from __future__ import annotations

import numpy as np
import pytest

from newsdedup.config import VerifyConfig
from newsdedup.relate.kind import KIND_CODES, classify, classify_one
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.types import Kind, Scores

# Thresholds spelled out, so the edge cases below hold whatever the defaults become.
_CONFIG = VerifyConfig(
    near_jaccard=0.75,
    rewrite_coverage=0.30,
    rewrite_dispersed=0.125,
    excerpt_coverage=0.70,
    excerpt_max_ratio=0.80,
)


def _row(
    jaccard: float, cov_a: float, cov_b: float, block_a: float = 0.0, block_b: float = 0.0
) -> list[float]:
    return [jaccard, min(1.0, jaccard * 1.2), cov_a, cov_b, block_a, block_b]


def _kind(
    jaccard: float,
    cov_a: float,
    cov_b: float,
    len_a: int,
    len_b: int,
    config: VerifyConfig = _CONFIG,
    block_a: float = 0.0,
    block_b: float = 0.0,
) -> Kind | None:
    scores = np.array([_row(jaccard, cov_a, cov_b, block_a, block_b)])
    code = classify(scores, np.array([len_a]), np.array([len_b]), config)
    return KIND_CODES[int(code[0])]


def test_kind_codes_table() -> None:
    assert KIND_CODES == (None, Kind.EXACT, Kind.NEAR, Kind.REWRITE, Kind.EXCERPT)


@pytest.mark.parametrize(
    ("jaccard", "cov_a", "cov_b", "len_a", "len_b", "expected"),
    [
        # near: Jaccard at or above 0.75, whatever the coverage
        (0.75, 0.0, 0.0, 100, 100, Kind.NEAR),
        (0.7499, 0.0, 0.0, 100, 100, None),
        (1.0, 1.0, 1.0, 100, 100, Kind.NEAR),
        # excerpt: shorter <= 0.8 of the longer and >= 0.7 of the shorter aligns
        (0.5, 0.2, 0.70, 100, 80, Kind.EXCERPT),
        (0.5, 0.70, 0.2, 80, 100, Kind.EXCERPT),
        (0.5, 0.2, 0.6999, 100, 80, None),
        (0.5, 0.2, 0.70, 100, 81, None),  # ratio 0.81: too long to be an excerpt
        (0.5, 0.70, 0.2, 100, 80, None),  # the longer one's coverage does not count
        # rewrite: both coverages at or above 0.3 (all of it dispersed here)
        (0.3, 0.30, 0.30, 100, 100, Kind.REWRITE),
        (0.3, 0.30, 0.2999, 100, 100, None),
        (0.3, 0.2999, 0.9, 100, 100, None),
        (0.3, 0.5, 0.4, 100, 90, Kind.REWRITE),
        # none
        (0.0, 0.0, 0.0, 0, 0, None),
        (0.74, 0.29, 0.29, 100, 100, None),
    ],
)
def test_kind_classify_branches_at_the_thresholds(
    jaccard: float, cov_a: float, cov_b: float, len_a: int, len_b: int, expected: Kind | None
) -> None:
    assert _kind(jaccard, cov_a, cov_b, len_a, len_b) is expected


@pytest.mark.parametrize(
    ("block_a", "block_b", "expected"),
    [
        (0.0, 0.0, Kind.REWRITE),
        (0.375, 0.375, Kind.REWRITE),  # 0.125 of each outside the largest block: at the edge
        (0.40, 0.30, None),  # 0.1 of A outside: one shared passage, not a rewrite
        (0.30, 0.40, None),
        (0.50, 0.50, None),  # all the coverage is one verbatim block
    ],
)
def test_kind_rewrite_needs_dispersed_reuse(
    block_a: float, block_b: float, expected: Kind | None
) -> None:
    assert _kind(0.3, 0.5, 0.5, 100, 100, block_a=block_a, block_b=block_b) is expected


def test_kind_one_shared_block_can_still_be_an_excerpt() -> None:
    assert _kind(0.3, 0.3, 1.0, 100, 30, block_a=0.3, block_b=1.0) is Kind.EXCERPT


def test_kind_near_takes_precedence_over_excerpt_and_rewrite() -> None:
    assert _kind(0.8, 0.9, 1.0, 100, 50) is Kind.NEAR


def test_kind_excerpt_takes_precedence_over_rewrite() -> None:
    assert _kind(0.4, 0.5, 1.0, 100, 50) is Kind.EXCERPT


def test_kind_follows_the_config() -> None:
    strict = VerifyConfig(
        near_jaccard=0.9,
        rewrite_coverage=0.6,
        rewrite_dispersed=0.0,
        excerpt_coverage=0.95,
        excerpt_max_ratio=0.5,
    )
    assert _kind(0.8, 0.0, 0.0, 100, 100, strict) is None
    assert _kind(0.9, 0.0, 0.0, 100, 100, strict) is Kind.NEAR
    assert _kind(0.5, 0.5, 0.5, 100, 100, strict) is None
    assert _kind(0.5, 0.6, 0.6, 100, 100, strict, block_a=0.6, block_b=0.6) is Kind.REWRITE
    assert _kind(0.3, 0.6, 0.95, 100, 51, strict) is Kind.REWRITE
    assert _kind(0.3, 0.6, 0.95, 100, 50, strict) is Kind.EXCERPT


def test_kind_classify_is_vectorised() -> None:
    scores = np.array(
        [_row(0.9, 0.0, 0.0), _row(0.4, 0.2, 0.9), _row(0.3, 0.5, 0.5), _row(0.1, 0.1, 0.1)]
    )
    codes = classify(scores, np.array([100, 100, 100, 100]), np.array([100, 50, 100, 100]), _CONFIG)
    assert codes.dtype == np.int8
    assert [KIND_CODES[c] for c in codes] == [Kind.NEAR, Kind.EXCERPT, Kind.REWRITE, None]
    assert scores.shape[1] == len(SCORE_COLUMNS)


@pytest.mark.parametrize(
    ("scores", "len_a", "len_b", "expected"),
    [
        (Scores(jaccard=0.9, containment=0.9, coverage_a=0.9, coverage_b=0.9), 100, 100, Kind.NEAR),
        (
            Scores(jaccard=0.3, containment=1.0, coverage_a=0.3, coverage_b=1.0),
            100,
            30,
            Kind.EXCERPT,
        ),
        (
            Scores(jaccard=0.3, containment=0.5, coverage_a=0.5, coverage_b=0.5),
            100,
            100,
            Kind.REWRITE,
        ),
        (
            Scores(
                jaccard=0.3,
                containment=0.5,
                coverage_a=0.5,
                coverage_b=0.5,
                block_a=0.5,
                block_b=0.5,
            ),
            100,
            100,
            None,
        ),
        (Scores(jaccard=0.1, containment=0.2, coverage_a=0.1, coverage_b=0.1), 100, 100, None),
    ],
)
def test_kind_classify_one_matches_classify(
    scores: Scores, len_a: int, len_b: int, expected: Kind | None
) -> None:
    assert classify_one(scores, len_a, len_b, _CONFIG) is expected
    row = np.array([scores.as_tuple()])
    assert KIND_CODES[classify(row, np.array([len_a]), np.array([len_b]), _CONFIG)[0]] is expected


@pytest.mark.parametrize("field", ["near_jaccard", "rewrite_coverage", "excerpt_coverage"])
def test_kind_default_thresholds_are_inclusive(field: str) -> None:
    config = VerifyConfig()
    edge = getattr(config, field)
    below = float(np.nextafter(edge, 0.0))
    cases = {
        "near_jaccard": lambda v: _kind(v, 0.0, 0.0, 100, 100, config),
        "rewrite_coverage": lambda v: _kind(0.0, v, v, 100, 100, config),
        "excerpt_coverage": lambda v: _kind(0.0, 0.0, v, 100, 10, config),
    }
    expected = {
        "near_jaccard": Kind.NEAR,
        "rewrite_coverage": Kind.REWRITE,
        "excerpt_coverage": Kind.EXCERPT,
    }
    assert cases[field](edge) is expected[field]
    assert cases[field](below) is None
