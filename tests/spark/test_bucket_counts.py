"""Spark's LSH bucket step with its counts (spark/stages.py ``bucket_pairs_of(counts=True)``),
run by the in-process shuffle executor (no Java): summed over the partitions, each pair's
shared band count, the buckets over the cap and the largest bucket are the local engine's."""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pytest
from tests.shuffle.executor import run_keyed

from newsdedup import Config
from newsdedup.candidates.lsh import LSHReport, band_pairs
from newsdedup.fingerprint.batch import Fingerprints, fingerprint_articles
from newsdedup.ids import tiebreak
from newsdedup.spark import stages
from newsdedup.synth import generate_corpus

_SIGN = np.uint64(1 << 63)


@cache
def _fingerprints() -> Fingerprints:
    corpus = generate_corpus(300, seed=11, copy_rate=0.5, kinds={"exact": 0.5, "near": 0.5})
    return fingerprint_articles(list(corpus.articles), Config())


def _local(fp: Fingerprints, cap: int) -> tuple[dict[tuple[int, int], int], LSHReport]:
    """Each pair's shared bands and the bucket counts, band by band as the local engine."""
    n, bands = fp.keys.shape
    report = LSHReport()
    ranks = tiebreak(fp.ids)
    shared: dict[tuple[int, int], int] = {}
    docs = np.arange(n, dtype=np.int64)
    for band in range(bands):
        pairs = band_pairs(fp.keys[:, band], docs, ranks, cap, report, np.ones(n, np.bool_))
        for a, b in np.sort(pairs, axis=1).tolist():
            shared[(a, b)] = shared.get((a, b), 0) + 1
    return shared, report


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("cap", [3, 200])
def test_spark_bucket_counts_equal_the_local_counts(seed: int, cap: int) -> None:
    fp = _fingerprints()
    n, bands = fp.keys.shape
    table = pa.table(
        {
            "vertex": np.repeat(np.arange(n, dtype=np.int64), bands),
            "tiebreak": np.repeat((tiebreak(fp.ids) ^ _SIGN).view(np.int64), bands),
            "band": np.tile(np.arange(bands, dtype=np.int32), n),
            "key": fp.keys.reshape(-1).view(np.int64),
        }
    )

    def step(batches):  # type: ignore[no-untyped-def]
        return stages.bucket_pairs_of(batches, cap=cap, counts=True)

    got = run_keyed(step, table, ["band", "key"], partitions=4, seed=seed).to_pylist()
    shared: dict[tuple[int, int], int] = {}
    for row in got:
        if row["a"] is not None:
            shared[(row["a"], row["b"])] = shared.get((row["a"], row["b"]), 0) + row["shared"]
    expected, report = _local(fp, cap)
    assert shared == expected
    assert max(shared.values()) > 1  # near copies share several bands
    counts = [row for row in got if row["a"] is None]
    assert sum(r["oversized"] for r in counts) == report.oversized
    assert max(r["largest"] for r in counts) == report.largest
    assert report.oversized > 0 or cap == 200  # the small cap is reached
