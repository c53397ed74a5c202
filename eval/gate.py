"""Accuracy gate: copy detection on a pinned generated corpus must stay above pinned floors.

    python eval/gate.py            # prints the figures and exits 1 if any is below its floor

The floors (eval/baseline.json) sit below the measured figures with a margin; raise them when
a change improves accuracy, never lower them to make a change pass. tests/test_gate.py runs it.
"""

from __future__ import annotations

import json
import sys
from itertools import combinations
from pathlib import Path

from newsdedup import Config, find_copies
from newsdedup.metrics import pair_score
from newsdedup.synth import generate_corpus

BASELINE = Path(__file__).with_name("baseline.json")


def measure(n_articles: int, seed: int, config: Config | None = None) -> dict[str, float]:
    """Pair precision and recall, overall and per planted kind (copy against its original)."""
    corpus = generate_corpus(n_articles, seed=seed)
    result = find_copies(corpus.articles, config or Config())
    predicted = {p for g in result.groups for p in combinations(sorted(m.id for m in g.members), 2)}
    overall = pair_score(predicted, corpus.copy_pairs())
    figures = {"precision": overall.precision, "recall": overall.recall}
    for kind in ("exact", "near", "rewrite", "excerpt"):
        planted = {(t.id, t.cluster) for t in corpus.truth if t.kind == kind}
        figures[f"recall_{kind}"] = pair_score(
            predicted & _sorted(planted), _sorted(planted)
        ).recall
    return figures


def _sorted(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(a, b) if a <= b else (b, a) for a, b in pairs}


def check(figures: dict[str, float], floors: dict[str, float]) -> list[str]:
    """The figures below their floors, as messages."""
    return [
        f"{name} = {figures[name]:.4f} is below its floor {floor}"
        for name, floor in floors.items()
        if figures[name] < floor
    ]


def main() -> int:
    baseline = json.loads(BASELINE.read_text())
    figures = measure(**baseline["corpus"])
    for name, value in figures.items():
        print(f"{name:>16} {value:.4f}  (floor {baseline['floors'].get(name, '-')})")
    failures = check(figures, baseline["floors"])
    for message in failures:
        print(f"FAIL: {message}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
