"""The keyed steps Spark runs (spark/stages.py), run by the in-process shuffle executor
(tests/shuffle/executor.py): under any partitioning by key, any row order and any batch cut
they give what the local engine gives over the whole corpus. These need no Java, so the
executors' equivalence is checked on every machine; the Spark job's glue around them (joins,
connected components) is checked against a real Spark in tests/spark."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pyarrow as pa
import pytest
from tests.shuffle.executor import run_keyed, run_map

from newsdedup import Config
from newsdedup.candidates.lsh import candidate_pairs
from newsdedup.fingerprint.batch import Fingerprints, fingerprint_articles
from newsdedup.group.copies import Assignment, exact_heads, spread_exact
from newsdedup.group.representative import priority_ranks
from newsdedup.ids import tiebreak
from newsdedup.synth import generate_corpus

pytest.importorskip("pyspark", reason="spark/stages.py imports pyspark's Arrow types lazily")
from newsdedup.spark import stages

SEEDS = [0, 1, 2]
_SIGN = np.uint64(1 << 63)


@cache
def _fingerprints() -> Fingerprints:
    corpus = generate_corpus(300, seed=11, copy_rate=0.5, kinds={"exact": 0.5, "near": 0.5})
    articles = list(corpus.articles)
    # repeats of whole texts under other ids and dates: exact classes of several members
    extra = [
        dataclasses.replace(a, id=f"{a.id}-again{k}", published=None)
        for k, a in enumerate(articles[:40])
    ]
    return fingerprint_articles(articles + extra, Config())


def _signed(values: np.ndarray) -> np.ndarray:
    return values.astype(np.uint64).view(np.int64)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cap", [3, 200])
def test_shuffled_lsh_buckets_equal_the_local_candidates(seed: int, cap: int) -> None:
    fp = _fingerprints()
    n, bands = fp.keys.shape
    ranks = tiebreak(fp.ids)
    expected, _ = candidate_pairs(fp.keys, np.ones(n, np.bool_), ranks, max_bucket=cap)
    table = pa.table(
        {
            "vertex": np.repeat(np.arange(n, dtype=np.int64) * 7 + 5, bands),  # not positions
            "tiebreak": np.repeat((ranks ^ _SIGN).view(np.int64), bands),
            "band": np.tile(np.arange(bands, dtype=np.int32), n),
            "key": _signed(fp.keys.reshape(-1)),
        }
    )
    step = lambda batches: stages.bucket_pairs_of(batches, cap=cap)  # noqa: E731
    got = run_keyed(step, table, ["band", "key"], partitions=4, seed=seed)
    pairs = np.unique(np.column_stack((got["a"].to_numpy(), got["b"].to_numpy())), axis=0)
    assert np.array_equal((pairs - 5) // 7, expected)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("policy", ["earliest", "longest", "id"])
def test_shuffled_exact_heads_equal_the_local_heads(seed: int, policy: str) -> None:
    fp = _fingerprints()
    n = len(fp.ids)
    rank = priority_ranks(fp.ids, fp.published, fp.n_words, fp.traces, policy)
    expected = exact_heads(fp.exact, rank)
    assert (expected != np.arange(n)).sum() >= 40  # the corpus has exact classes
    table = pa.table(
        {
            "vertex": np.arange(n, dtype=np.int64),
            "id": list(fp.ids),
            "published": fp.published,
            "n_words": fp.n_words,
            "traces": fp.traces,
            "exact_hi": _signed(fp.exact[:, 0]),
            "exact_lo": _signed(fp.exact[:, 1]),
        }
    )
    step = lambda batches: stages.exact_heads_of(batches, policy=policy)  # noqa: E731
    got = run_keyed(step, table, ["exact_hi", "exact_lo"], partitions=3, seed=seed)
    heads = dict(zip(got["vertex"].to_pylist(), got["head"].to_pylist(), strict=True))
    assert [heads[v] for v in range(n)] == expected.tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_shuffled_heads_followed_equal_spread_exact(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 80
    is_head = rng.random(n) < 0.6
    is_head[0] = True
    head_ids = np.flatnonzero(is_head)
    heads = np.where(is_head, np.arange(n), rng.choice(head_ids, n))
    # a head represents its group, sits under another head's, or was placed by no star
    placed = rng.random(n) < 0.8
    center = np.where(rng.random(n) < 0.5, np.arange(n), rng.choice(head_ids, n))
    center[~placed] = np.flatnonzero(~placed)
    kind = np.where(center == np.arange(n), 0, rng.integers(2, 6, n)).astype(np.int8)
    scores = rng.random((n, len(stages.SCORE_COLUMNS)))
    scores[center == np.arange(n)] = np.nan  # representatives have no scores
    expected = spread_exact(Assignment(center=center, kind=kind, scores=scores), heads)
    known = placed[heads]
    table = pa.table(
        {
            "vertex": np.arange(n, dtype=np.int64),
            "id": [f"d{i}" for i in range(n)],
            "file": np.zeros(n, np.int32),
            "line": np.arange(n, dtype=np.int64),
            "head": heads.astype(np.int64),
            "center": pa.array(center[heads], mask=~known),
            "code": pa.array(kind[heads], mask=~known),
            **{
                name: pa.array(scores[heads, k], mask=~known)
                for k, name in enumerate(stages.SCORE_COLUMNS)
            },
        }
    )
    got = run_map(stages.follow_heads_of, table, partitions=3, seed=seed).sort_by("vertex")
    assert got["center"].to_pylist() == expected.center.tolist()
    assert got["code"].to_pylist() == expected.kind.tolist()
    for k, name in enumerate(stages.SCORE_COLUMNS):
        want = [None if np.isnan(v) else v for v in expected.scores[:, k].tolist()]
        assert got[name].to_pylist() == want


def test_keyed_steps_take_an_empty_partition() -> None:
    """Spark hands a partition with no rows (more partitions than keys) as no batches."""
    assert list(stages.bucket_pairs_of(iter([]), cap=3)) == []
    assert list(stages.exact_heads_of(iter([]), policy="earliest")) == []
