from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np
import pytest

from newsdedup import Article, Config, Report
from newsdedup.engine.local import fingerprint_stream, run_copies

_MULTICORE = pytest.mark.skipif(
    numba.config.NUMBA_NUM_THREADS < 2, reason="needs numba to have two or more threads"
)


def test_local_fingerprint_stream_batches_give_one_fingerprints(
    kinds_corpus: list[Article],
) -> None:
    config = Config().override({"run.batch_size": "4"})
    progress: list[tuple[str, int]] = []
    fp = fingerprint_stream(kinds_corpus, config, Report(), lambda s, n: progress.append((s, n)))
    assert fp.ids == [a.id for a in kinds_corpus]
    whole = fingerprint_stream(kinds_corpus, Config(), Report())
    assert fp.exact.tolist() == whole.exact.tolist()
    assert fp.positions.tolist() == whole.positions.tolist()
    assert progress == [("fingerprint", 4), ("fingerprint", 6)]


def test_local_fingerprint_stream_rejects_repeated_ids(
    article_factory: Callable[..., Article],
) -> None:
    report = Report()
    articles = [
        article_factory("a b", id="x"),
        article_factory("c d", id="x"),
        article_factory("e", id="y"),
    ]
    fp = fingerprint_stream(articles, Config(), report)
    assert fp.ids == ["x", "y"]
    assert [r.reason for r in report.rejected] == ["duplicate_id"]


def test_local_run_copies_counts(kinds_corpus: list[Article]) -> None:
    run = run_copies(kinds_corpus, Config(), Report())
    n = len(kinds_corpus)
    assert len(run.fingerprints) == n
    assert sorted(run.rank.tolist()) == list(range(n))
    assert run.assignment.center.shape == (n,)
    assert run.candidate_pairs >= run.verified_pairs > 0
    assert run.lsh.oversized == 0
    # the exact copy is never a candidate: it joins through its exact hash
    base, exact = (i for i, a in enumerate(kinds_corpus) if a.id in ("base", "exact"))
    assert run.assignment.center[exact] == base


def test_local_oversized_buckets_are_reported(article_factory: Callable[..., Article]) -> None:
    # 12 near copies of one text share most band keys; a cap of 4 must be hit and reported
    text = " ".join(f"word{i}" for i in range(60))
    articles = [article_factory(f"{text} extra{i}", id=f"d{i:02d}") for i in range(12)]
    run = run_copies(articles, Config().override({"lsh.max_bucket": "4"}), Report())
    assert run.lsh.oversized > 0
    assert run.lsh.largest == 12
    assert set(run.assignment.center.tolist()) != set(range(12))  # copies still grouped


@_MULTICORE
@pytest.mark.usefixtures("restore_numba_threads")
def test_local_workers_limit_the_fingerprint_threads(
    kinds_corpus: list[Article], kernel_threads_seen: list[int]
) -> None:
    run_copies(kinds_corpus, Config().override({"run.workers": "1"}), Report())
    assert kernel_threads_seen == [1]


@_MULTICORE
@pytest.mark.usefixtures("restore_numba_threads")
def test_local_workers_setting_does_not_leak_into_the_next_run(kinds_corpus: list[Article]) -> None:
    run_copies(kinds_corpus, Config().override({"run.workers": "1"}), Report())
    run_copies(kinds_corpus, Config(), Report())
    assert numba.get_num_threads() == numba.config.NUMBA_NUM_THREADS


def test_local_results_do_not_depend_on_the_number_of_workers(
    kinds_corpus: list[Article], restore_numba_threads: None
) -> None:
    one = run_copies(kinds_corpus, Config().override({"run.workers": "1"}), Report())
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    every = run_copies(kinds_corpus, Config(), Report())
    assert one.assignment.center.tolist() == every.assignment.center.tolist()
    assert np.array_equal(one.assignment.scores, every.assignment.scores, equal_nan=True)


def test_local_run_copies_lets_the_shingles_go_after_grouping(kinds_corpus: list[Article]) -> None:
    """Only ids and per-document columns outlive the group stage (the sets, positions and keys
    are most of a large run's memory); what remains is consistent: every set empty."""
    run = run_copies(kinds_corpus, Config(), Report())
    fp = run.fingerprints
    assert fp.ids == [a.id for a in kinds_corpus]
    assert len(fp.sets) == len(fp.positions) == len(fp.keys) == 0
    assert fp.set_offsets.tolist() == [0] * (len(fp) + 1)
    assert all(len(fp.shingle_set(d)) == 0 for d in range(len(fp)))
