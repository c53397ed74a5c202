"""Spark's verify step decides the shingle containment floor itself (spark/stages.py
``verified``): under any batch cut it drops, verifies and counts the pairs as the local engine,
which floors the LSH pairs (``candidate_pairs``) and then adds the short-document pairs. No
Java: the step is run in process by the test-only shuffle executor."""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pytest
from tests.candidates.test_overlap import CONFIG, fingerprints
from tests.shuffle.executor import run_map

from newsdedup.candidates.lsh import candidate_pairs
from newsdedup.fingerprint.batch import Fingerprints
from newsdedup.ids import tiebreak
from newsdedup.relate.kind import judge_shingles
from newsdedup.spark import stages


def _lsh(fp: Fingerprints, floor: float) -> np.ndarray:
    v = CONFIG.verify
    pairs, _ = candidate_pairs(
        fp.keys,
        np.ones(len(fp), np.bool_),
        tiebreak(fp.ids),
        max_bucket=CONFIG.lsh.max_bucket,
        n_content=fp.n_content,
        min_bands=v.min_bands,
        short_words=v.short_doc_words,
        short_bands=v.short_doc_bands,
        shingles=(fp.sets, fp.set_offsets),
        min_containment=floor,
    )
    return pairs


def _rows(fp: Fingerprints, pairs: np.ndarray, lsh: np.ndarray, short: np.ndarray) -> pa.Table:
    """The verify step's input: each pair beside both sides' shingles and its two flags."""
    columns: dict[str, object] = {"u": pairs[:, 0] * 3 + 1, "v": pairs[:, 1] * 3 + 1}
    columns["lsh"], columns["short"] = lsh, short
    for side, docs in (("a", pairs[:, 0]), ("b", pairs[:, 1])):
        columns[f"sets_{side}"] = pa.array(
            [fp.shingle_set(int(d)).tobytes() for d in docs], pa.binary()
        )
        columns[f"positions_{side}"] = pa.array(
            [fp.shingle_positions(int(d)).tobytes() for d in docs], pa.binary()
        )
        columns[f"n_content_{side}"] = fp.n_content[docs].astype(np.int64)
    return pa.table(columns)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spark_verify_step_floors_and_counts_as_the_local_engine(seed: int) -> None:
    fp = fingerprints()
    banded = _lsh(fp, 0.0)
    kept = _lsh(fp, CONFIG.verify.min_pair_containment)
    assert 0 < len(kept) < len(banded)  # the floor drops some LSH pairs and keeps some
    codes = set(map(tuple, banded.tolist()))
    # every third LSH pair also comes from the short-document path, and so do a few pairs
    # the bands never proposed: neither kind is floored
    also = banded[::3]
    extra = np.array([(i, i + 1) for i in range(0, len(fp) - 1, 7) if (i, i + 1) not in codes])
    pairs = np.concatenate((banded, extra))
    lsh = np.r_[np.ones(len(banded), np.bool_), np.zeros(len(extra), np.bool_)]
    short = np.zeros(len(pairs), np.bool_)
    short[: len(banded) : 3] = True
    short[len(banded) :] = True
    table = _rows(fp, pairs, lsh, short)

    step = functools.partial(stages.verified, config=CONFIG)
    got = run_map(step, table, partitions=3, seed=seed)
    counted = got.filter(got["u"].is_null())
    totals = {name: pa.compute.sum(counted[name]).as_py() for name in stages.CHECK_COUNTS}
    # the local engine's union: the LSH pairs kept by the floor, and every short pair
    wanted = np.unique(np.concatenate((kept, also, extra)), axis=0)
    assert totals == {
        "lsh_pairs": len(banded),
        "short_pairs": len(also) + len(extra),
        "low_overlap_pairs": len(banded) - len(kept),
        "candidate_pairs": len(wanted),
    }
    edges = got.filter(got["u"].is_valid())
    found = {
        ((u - 1) // 3, (v - 1) // 3, c)
        for u, v, c in zip(*(edges[n].to_pylist() for n in ("u", "v", "code")), strict=True)
    }
    _, local = judge_shingles(wanted, fp.sets, fp.positions, fp.set_offsets, fp.n_content, CONFIG)
    copies = zip(wanted.tolist(), local.tolist(), strict=True)
    assert found == {(a, b, c) for (a, b), c in copies if c > 0}
    assert found  # the pairs hold copies


def test_spark_verify_step_takes_an_empty_partition() -> None:
    assert list(stages.verified(iter([]), config=CONFIG)) == []
