"""Spark's shingle containment step (spark/stages.py ``enough_overlap_of``), run by the
in-process shuffle executor (no Java): under any partitioning, row order and batch cut it keeps
exactly the LSH pairs the local engine's ``candidate_pairs`` keeps after the floor."""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pytest
from tests.candidates.test_overlap import CONFIG, fingerprints
from tests.shuffle.executor import run_map

from newsdedup.candidates.lsh import candidate_pairs
from newsdedup.ids import tiebreak

pytest.importorskip("pyspark", reason="spark/stages.py imports pyspark's Arrow types lazily")
from newsdedup.spark import stages


def _lsh(floor: float) -> np.ndarray:
    fp = fingerprints()
    v = CONFIG.verify
    pairs, _ = candidate_pairs(
        fp.keys,
        np.ones(len(fp), np.bool_),
        tiebreak(fp.ids),
        max_bucket=CONFIG.lsh.max_bucket,
        n_content=fp.n_content,
        min_bands=v.min_bands,
        short_words=v.short_doc_words,
        shingles=(fp.sets, fp.set_offsets),
        min_containment=floor,
    )
    return pairs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shuffled_overlap_step_equals_the_local_floor(seed: int) -> None:
    fp = fingerprints()
    banded = _lsh(0.0)
    expected = _lsh(CONFIG.verify.min_pair_containment)
    assert 0 < len(expected) < len(banded)  # the floor drops some pairs and keeps some

    def sets(docs: np.ndarray) -> list[bytes]:
        return [fp.shingle_set(int(d)).tobytes() for d in docs]

    table = pa.table(
        {
            "a": banded[:, 0] * 3 + 1,  # vertices, not positions
            "b": banded[:, 1] * 3 + 1,
            "sets_a": pa.array(sets(banded[:, 0]), pa.binary()),
            "sets_b": pa.array(sets(banded[:, 1]), pa.binary()),
        }
    )
    step = functools.partial(
        stages.enough_overlap_of, min_containment=CONFIG.verify.min_pair_containment
    )
    got = run_map(step, table, partitions=3, seed=seed)
    pairs = np.column_stack((got["a"].to_numpy(), got["b"].to_numpy()))
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    assert np.array_equal((pairs - 1) // 3, expected)


def test_overlap_step_takes_an_empty_partition() -> None:
    assert list(stages.enough_overlap_of(iter([]), min_containment=0.2)) == []
