"""The one definition of each copy kind, applied to verified pair scores.

In order of precedence, for two documents that are not exact copies:

- near: shingle-set Jaccard >= ``near_jaccard`` (the same text up to small edits);
- excerpt: the shorter text is at most ``excerpt_max_ratio`` of the longer's length and at least
  ``excerpt_coverage`` of it aligns, in order, inside the longer (containment, not Jaccard);
- rewrite: at least ``rewrite_coverage`` of *both* texts aligns in order. Set overlap alone is
  never enough: two reports that quote one long statement share a block, not their texts.

Lengths are counted in content words (after stopword removal).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import VerifyConfig
from newsdedup.types import Kind, Scores

__all__ = ["KIND_CODES", "classify", "classify_one"]

#: Integer codes used in arrays; 0 means "not a copy".
KIND_CODES: tuple[Kind | None, ...] = (None, Kind.EXACT, Kind.NEAR, Kind.REWRITE, Kind.EXCERPT)
_EXACT, _NEAR, _REWRITE, _EXCERPT = 1, 2, 3, 4


def classify(
    jaccard: NDArray[np.float64],
    cov_a: NDArray[np.float64],
    cov_b: NDArray[np.float64],
    len_a: NDArray[np.int64],
    len_b: NDArray[np.int64],
    config: VerifyConfig,
) -> NDArray[np.int8]:
    """Kind code of each pair (see KIND_CODES)."""
    shorter_is_a = len_a <= len_b
    cov_short = np.where(shorter_is_a, cov_a, cov_b)
    ratio = np.minimum(len_a, len_b) / np.maximum(np.maximum(len_a, len_b), 1)
    near = jaccard >= config.near_jaccard
    excerpt = (ratio <= config.excerpt_max_ratio) & (cov_short >= config.excerpt_coverage)
    rewrite = np.minimum(cov_a, cov_b) >= config.rewrite_coverage
    codes = np.zeros(len(jaccard), np.int8)
    codes[rewrite] = _REWRITE
    codes[excerpt] = _EXCERPT
    codes[near] = _NEAR
    return codes


def classify_one(scores: Scores, len_a: int, len_b: int, config: VerifyConfig) -> Kind | None:
    """The kind of one pair, by the same rule as ``classify``."""
    code = classify(
        np.array([scores.jaccard]),
        np.array([scores.coverage_a]),
        np.array([scores.coverage_b]),
        np.array([len_a]),
        np.array([len_b]),
        config,
    )[0]
    return KIND_CODES[code]
