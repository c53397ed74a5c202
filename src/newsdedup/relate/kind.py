"""The one definition of each copy kind, applied to verified pair scores.

In order of precedence, for two documents that are not exact copies:

- near: shingle-set Jaccard >= ``near_jaccard`` (the same text up to small edits);
- excerpt: the shorter text is at most ``excerpt_max_ratio`` of the longer's length and at least
  ``excerpt_coverage`` of it aligns, in order, inside the longer (containment, not Jaccard);
- rewrite: at least ``rewrite_coverage`` of *both* texts aligns in order, and at least
  ``rewrite_dispersed`` of both lies outside the largest verbatim block. Set overlap alone is
  never enough, and neither is one shared passage: two reports that quote one long statement
  share a block, not their texts, while a rewrite reuses text all along its length.

Lengths are counted in content words (after stopword removal).

Two articles that are not copies are ``same_story`` or ``unrelated`` (``story_kind``, over the
figures of relate/story.py):

- unrelated whenever both publication dates are known and more than ``max_days`` apart;
- same story when the rarity-weighted cosine of their content words is at least
  ``similarity``, or at least ``corroborated`` and the texts also share a date (a weekday or a
  month-day) or ``min_rare_names`` rare name words: two reports on the same actors months apart
  share their vocabulary, but not the day and the place of the event;
- unrelated otherwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import StoryConfig, VerifyConfig
from newsdedup.relate.story import StoryFigures
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.types import Kind, Scores

__all__ = ["KIND_CODES", "classify", "classify_one", "story_kind"]

#: Integer codes used in arrays; 0 means "not a copy".
KIND_CODES: tuple[Kind | None, ...] = (None, Kind.EXACT, Kind.NEAR, Kind.REWRITE, Kind.EXCERPT)
_EXACT, _NEAR, _REWRITE, _EXCERPT = 1, 2, 3, 4


def classify(
    scores: NDArray[np.float64],
    len_a: NDArray[np.int64],
    len_b: NDArray[np.int64],
    config: VerifyConfig,
) -> NDArray[np.int8]:
    """Kind code of each pair (see KIND_CODES); ``scores`` has the columns of SCORE_COLUMNS."""
    scores = scores.reshape(-1, len(SCORE_COLUMNS))
    jaccard, cov_a, cov_b = scores[:, 0], scores[:, 2], scores[:, 3]
    dispersed = np.minimum(cov_a - scores[:, 4], cov_b - scores[:, 5])
    shorter_is_a = len_a <= len_b
    cov_short = np.where(shorter_is_a, cov_a, cov_b)
    ratio = np.minimum(len_a, len_b) / np.maximum(np.maximum(len_a, len_b), 1)
    near = jaccard >= config.near_jaccard
    excerpt = (ratio <= config.excerpt_max_ratio) & (cov_short >= config.excerpt_coverage)
    rewrite = (np.minimum(cov_a, cov_b) >= config.rewrite_coverage) & (
        dispersed >= config.rewrite_dispersed
    )
    codes = np.zeros(len(jaccard), np.int8)
    codes[rewrite] = _REWRITE
    codes[excerpt] = _EXCERPT
    codes[near] = _NEAR
    return codes


def classify_one(scores: Scores, len_a: int, len_b: int, config: VerifyConfig) -> Kind | None:
    """The kind of one pair, by the same rule as ``classify``."""
    row = np.array([scores.as_tuple()])
    code = int(classify(row, np.array([len_a]), np.array([len_b]), config)[0])
    return KIND_CODES[code]


def story_kind(figures: StoryFigures, config: StoryConfig) -> Kind:
    """``same_story`` or ``unrelated`` for a pair that is not a copy (rule in the docstring)."""
    if figures.days_apart is not None and figures.days_apart > config.max_days:
        return Kind.UNRELATED
    if figures.similarity >= config.similarity:
        return Kind.SAME_STORY
    corroborated = bool(figures.shared_dates) or len(figures.rare_names) >= config.min_rare_names
    if figures.similarity >= config.corroborated and corroborated:
        return Kind.SAME_STORY
    return Kind.UNRELATED
