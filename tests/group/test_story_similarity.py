"""Story similarities are whole steps of 1/SIMILARITY_STEPS (the living index stores the steps in
2 bytes): a threshold on the similarity is the same rule as ``least_step`` on the steps, and
``pair_similarity`` gives only such values, each the nearest to the weighted mean of cosines."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from newsdedup import Article, Config
from newsdedup.group.stories.graph import (
    SIMILARITY_STEPS,
    least_step,
    pair_similarity,
    steps_of,
)
from newsdedup.group.stories.vectors import SparseRows, story_vectors
from newsdedup.synth import generate_corpus

CONFIG = Config().stories


@given(st.floats(0.0, 1.0))
def test_least_step_is_the_threshold_on_steps(threshold: float) -> None:
    least = least_step(threshold)
    for steps in range(max(0, least - 3), min(SIMILARITY_STEPS, least + 3) + 1):
        assert (steps >= least) == (steps / SIMILARITY_STEPS >= threshold)


def test_least_step_of_the_defaults_and_the_ends() -> None:
    assert least_step(0.0) == 0
    assert least_step(1.0) == SIMILARITY_STEPS
    for threshold in (CONFIG.edge_floor, CONFIG.story_similarity, CONFIG.topic_similarity):
        least = least_step(threshold)
        assert least / SIMILARITY_STEPS >= threshold > (least - 1) / SIMILARITY_STEPS


def test_pair_similarity_is_whole_steps_nearest_the_mean() -> None:
    articles = generate_corpus(60, seed=3, words=80, copy_rate=0.3).articles
    vectors = story_vectors([Article(id=a.id, title=a.title, text=a.text) for a in articles])
    a, b = np.triu_indices(len(articles), 1)
    similarity = pair_similarity(vectors, a, b, CONFIG)
    steps = steps_of(similarity)
    assert np.array_equal(steps / SIMILARITY_STEPS, similarity)  # stored steps read back exact
    assert steps.min() >= 0 and steps.max() <= SIMILARITY_STEPS  # 2 bytes in SQLite
    # the unrounded mean, from the channels' cosines
    weights = {"text": CONFIG.text_weight, "names": CONFIG.names_weight, "lead": CONFIG.lead_weight}
    total = np.zeros(len(a))
    weight = np.zeros(len(a))
    for name, w in weights.items():
        m = vectors.channel(name)
        present = np.diff(m.indptr) > 0
        cos = np.array(
            [_dot(m, int(i), int(j)) for i, j in zip(a.tolist(), b.tolist(), strict=True)]
        )
        total += w * cos
        weight += w * (present[a] & present[b])
    mean = np.divide(total, weight, out=np.zeros(len(a)), where=weight > 0)
    assert np.abs(similarity - mean).max() <= 0.5 / SIMILARITY_STEPS + 1e-12
    assert (similarity > 0).any()


def _dot(m: SparseRows, i: int, j: int) -> float:
    """Rows i and j's dot product, term by term."""
    row = {c: v for c, v in _terms(m, i)}
    return sum(row.get(c, 0.0) * v for c, v in _terms(m, j))


def _terms(m: SparseRows, r: int) -> list[tuple[int, float]]:
    lo, hi = m.indptr[r], m.indptr[r + 1]
    return list(zip(m.indices[lo:hi].tolist(), m.data[lo:hi].tolist(), strict=True))
