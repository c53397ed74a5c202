"""The fingerprint kernel's thread count (engine/local._KernelThreads): a few batches timed with
every core, a few with one fewer, then the faster count for the rest; results never depend on
it."""

from __future__ import annotations

import dataclasses

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, Config, Report
from newsdedup.engine.local import _KernelThreads, run_copies

PROBE = _KernelThreads.PROBE


def _drive(kernel: _KernelThreads, seconds: list[float], batches: int) -> list[int]:
    """The counts ``_in_process`` would send for ``batches`` batches, each batch's kernel
    timed as ``seconds[k]`` (by the count it ran on, as the engine's loop notes it)."""
    sent: list[int] = []
    for k in range(batches):
        if k:
            kernel.note(sent[-1], seconds[k - 1])
        sent.append(kernel.next())
    return sent


@pytest.mark.parametrize(("fewer", "expected"), [(0.8, 1), (1.0, 2), (1.2, 2)])
def test_the_faster_count_serves_the_rest(fewer: float, expected: int) -> None:
    per = {2: 1.0, 1: fewer}
    kernel = _KernelThreads(most=2)
    sent: list[int] = []
    for k in range(20):
        if k:
            kernel.note(sent[-1], per[sent[-1]])
        sent.append(kernel.next())
    assert sent[: 1 + 2 * PROBE] == [2] * (1 + PROBE) + [1] * PROBE
    assert set(sent[1 + 2 * PROBE :]) == {expected}


def test_the_first_batch_is_not_timed() -> None:
    """It also loads the compiled code: a slow first batch with every core must not count."""
    kernel = _KernelThreads(most=2)
    seconds = [50.0] + [1.0] * PROBE + [0.9] * PROBE + [1.0] * 10
    assert _drive(kernel, seconds, 12)[-1] == 1


def test_one_core_is_one_thread() -> None:
    assert _drive(_KernelThreads(most=1), [1.0] * 10, 10) == [1] * 10


@settings(max_examples=200, deadline=None)
@given(
    most=st.integers(1, 8),
    seconds=st.lists(st.floats(0.0, 10.0), min_size=30, max_size=30),
)
def test_counts_stay_in_range_and_settle(most: int, seconds: list[float]) -> None:
    sent = _drive(_KernelThreads(most=most), seconds, 30)
    assert set(sent) <= {max(1, most - 1), most}
    settled = sent[1 + 2 * PROBE :]
    assert len(set(settled)) == 1


@pytest.mark.usefixtures("restore_numba_threads")
def test_results_do_not_depend_on_the_kernel_threads(
    kinds_corpus: list[Article], kernel_threads_seen: list[int]
) -> None:
    """Batches of 1 article, so the probing, the switch and the chosen count all run; the
    groups equal a run on one thread throughout."""
    articles = kinds_corpus + [dataclasses.replace(a, id=f"{a.id}-again") for a in kinds_corpus]
    assert len(articles) > 1 + 2 * PROBE
    config = Config().override({"run.batch_size": "1"})
    varied = run_copies(articles, config, Report())
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    one = run_copies(articles, config.override({"run.workers": "1"}), Report())
    seen = kernel_threads_seen
    assert len(seen) == 2 * len(articles)
    most = numba.config.NUMBA_NUM_THREADS
    assert set(seen[: len(articles)]) == {max(1, most - 1), most}  # both counts were tried
    assert set(seen[len(articles) :]) == {1}
    assert varied.assignment.center.tolist() == one.assignment.center.tolist()
    assert np.array_equal(varied.assignment.scores, one.assignment.scores, equal_nan=True)
