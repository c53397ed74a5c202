from __future__ import annotations

import json

from tests.scripts import ROOT, load_script

EVAL = ROOT / "eval"


def _gate():  # type: ignore[no-untyped-def]
    return load_script("eval/gate.py", "eval_gate")


def test_gate_accuracy_stays_above_the_pinned_floors() -> None:
    gate = _gate()
    baseline = json.loads((EVAL / "baseline.json").read_text())
    figures = gate.measure(**baseline["corpus"])
    assert gate.check(figures, baseline["floors"]) == []


def test_gate_reuse_phenomena_stay_above_their_floors() -> None:
    """Briefs, house-style rewrites, repost families and independent reports sharing quotes."""
    gate = _gate()
    baseline = json.loads((EVAL / "baseline.json").read_text())
    figures = gate.measure(**baseline["corpus"], **gate.REUSE)
    assert set(baseline["reuse_floors"]) <= set(figures)
    assert gate.check(figures, baseline["reuse_floors"]) == []


def test_gate_reports_a_figure_below_its_floor() -> None:
    gate = _gate()
    assert gate.check({"precision": 0.5, "recall": 1.0}, {"precision": 0.99, "recall": 0.9}) == [
        "precision = 0.5000 is below its floor 0.99"
    ]
