"""The upstream extraction metric in benchmarks/bench_extract.py, on hand-computed examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.scripts import load_script

bench = load_script("benchmarks/bench_extract.py", "bench_extract")


def test_metric_tokens_are_runs_of_word_characters() -> None:
    assert bench.tokenize("Hello, world! It's 2024 — café") == [
        "Hello", "world", "It", "s", "2024", "café",
    ]  # fmt: skip
    assert bench.tokenize(None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b c d e", {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}),
        ("a b", {("a", "b"): 1}),  # shorter than n: one short shingle
        ("a b c d a b c d", {("a", "b", "c", "d"): 2, ("b", "c", "d", "a"): 1,
                             ("c", "d", "a", "b"): 1, ("d", "a", "b", "c"): 1}),
        ("", {}),
    ],
)  # fmt: skip
def test_metric_shingles_are_a_multiset(text: str, expected: dict[tuple[str, ...], int]) -> None:
    assert dict(bench.shingles(text)) == expected


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ("a b c d e f", "a b c d e x", (0.5, 0.25, 0.25)),  # 2 shared, 1 extra, 1 missed
        ("a b c d a b c d", "a b c d", (0.2, 0.0, 0.8)),  # counts, not sets
        ("a b c d", "a b c d", (1.0, 0.0, 0.0)),
        ("a b c d", "", (0.0, 0.0, 1.0)),
        ("", "", (0.0, 0.0, 0.0)),
    ],
)
def test_metric_match_normalises_counts(
    gold: str, pred: str, expected: tuple[float, float, float]
) -> None:
    assert bench.match(gold, pred) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("counts", "precision", "recall"),
    [
        ((0.0, 0.0, 0.0), 1.0, 1.0),  # nothing expected, nothing given
        ((0.0, 0.0, 1.0), 0.0, 0.0),  # nothing given
        ((0.0, 1.0, 0.0), 0.0, 0.0),  # only wrong text
        ((0.5, 0.25, 0.25), 2 / 3, 2 / 3),
        ((0.6, 0.4, 0.0), 0.6, 1.0),
    ],
)
def test_metric_page_scores(
    counts: tuple[float, float, float], precision: float, recall: float
) -> None:
    assert bench.precision_score(*counts) == pytest.approx(precision)
    assert bench.recall_score(*counts) == pytest.approx(recall)


def test_metric_means_skip_pages_as_upstream() -> None:
    # precision over pages that predicted something (1st, 3rd): (1 + 2/3) / 2 = 5/6;
    # recall over pages with gold text (all three): (1 + 0 + 2/3) / 3 = 5/9; F1 = 2/3.
    pages = [(1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.5, 0.25, 0.25)]
    assert bench.metrics(pages) == pytest.approx({"precision": 5 / 6, "recall": 5 / 9, "f1": 2 / 3})


def test_metric_bootstrap_is_seeded_and_zero_on_identical_pages() -> None:
    same = [(0.5, 0.25, 0.25)] * 10
    assert bench.bootstrap(same, n=50) == pytest.approx(
        {"precision_ci": 0.0, "recall_ci": 0.0, "f1_ci": 0.0}
    )
    mixed = [(1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.5, 0.25, 0.25), (0.2, 0.7, 0.1)]
    first = bench.bootstrap(mixed, n=200, seed=3)
    assert first == bench.bootstrap(mixed, n=200, seed=3)
    assert 0 < first["f1_ci"] < 1


def test_metric_evaluate_needs_the_same_pages() -> None:
    result, per_page = bench.evaluate({"x": "a b c d e"}, {"x": "a b c d"}, n_bootstrap=10)
    assert per_page == {"x": pytest.approx((0.5, 0.0, 0.5))}
    assert result["precision"] == 1.0 and result["recall"] == 0.5
    with pytest.raises(ValueError, match="pages"):
        bench.evaluate({"x": "a"}, {"y": "a"}, n_bootstrap=10)


def test_bench_skips_without_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--data", str(tmp_path)]) == 0
    assert "Skipped" in capsys.readouterr().out


def test_metric_bootstrap_difference_is_paired() -> None:
    pages = [(1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.5, 0.25, 0.25), (0.2, 0.7, 0.1)]
    same = bench.bootstrap_difference(pages, pages, n=100)
    assert same == {"precision": (0.0, 0.0), "recall": (0.0, 0.0), "f1": (0.0, 0.0)}
    better = [(1.0, 0.0, 0.0)] * 4
    mean, ci = bench.bootstrap_difference(better, pages, n=200)["recall"]
    assert mean > 0 and ci >= 0
