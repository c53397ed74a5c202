"""B-cubed on clusterings small enough to score by hand (eval/stories.py reports it)."""

from __future__ import annotations

import pytest

from newsdedup.metrics import BCubed, bcubed

GOLD = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y"}


@pytest.mark.parametrize(
    ("predicted", "precision", "recall"),
    [
        # perfect
        ({"a": "1", "b": "1", "c": "1", "d": "2", "e": "2"}, 1.0, 1.0),
        # all singletons: precision 1; recall 1/3 for a, b, c and 1/2 for d, e -> (1 + 1) / 5
        ({k: k for k in GOLD}, 1.0, 2 / 5),
        # one cluster: precision 3/5 for a, b, c and 2/5 for d, e -> (9/5 + 4/5) / 5
        ({k: "1" for k in GOLD}, 13 / 25, 1.0),
        # {a, b} {c, d} {e}: precision a, b 1; c, d 1/2; e 1 -> 4/5;
        # recall a, b 2/3; c 1/3; d, e 1/2 -> (4/3 + 1/3 + 1) / 5 = 8/15
        ({"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}, 4 / 5, 8 / 15),
    ],
)
def test_metrics_bcubed_hand_computed(
    predicted: dict[str, str], precision: float, recall: float
) -> None:
    score = bcubed(predicted, GOLD)
    assert score.precision == pytest.approx(precision)
    assert score.recall == pytest.approx(recall)
    assert score.f1 == pytest.approx(2 * precision * recall / (precision + recall))


def test_metrics_bcubed_ignores_label_names_and_order() -> None:
    predicted = {"e": "q", "a": "p", "b": "p", "c": "r", "d": "q"}
    renamed = {k: {"p": "1", "q": "2", "r": "3"}[v] for k, v in predicted.items()}
    assert bcubed(predicted, GOLD) == bcubed(renamed, GOLD)


def test_metrics_bcubed_swapping_sides_swaps_precision_and_recall() -> None:
    predicted = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}
    forward, backward = bcubed(predicted, GOLD), bcubed(GOLD, predicted)
    assert (forward.precision, forward.recall) == pytest.approx(
        (backward.recall, backward.precision)
    )


def test_metrics_bcubed_edge_cases() -> None:
    assert bcubed({}, {}) == BCubed(precision=1.0, recall=1.0)
    assert BCubed(precision=0.0, recall=0.0).f1 == 0.0
    with pytest.raises(ValueError, match="1 gold items are not predicted"):
        bcubed({"a": "1"}, {"a": "x", "b": "x"})


def test_story_eval_skips_without_data(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from tests.scripts import load_script

    module = load_script("eval/stories.py", "eval_stories")
    module.main(["--data", str(tmp_path)])
    assert "ECB+ not found" in capsys.readouterr().out
