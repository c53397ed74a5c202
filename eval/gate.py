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


#: The reuse corpus: the phenomena of real journalism the default mix lacks (condensed briefs,
#: house-style rewrites, repost families of press releases, independent reports sharing long
#: quotations), with its own floors (``reuse_floors`` in baseline.json).
REUSE = {
    "copy_rate": 0.4,
    "kinds": {"rewrite": 0.25, "condensed": 0.25, "house": 0.25, "repost": 0.25},
    "shared_quotes": 0.3,
}


def measure(
    n_articles: int, seed: int, config: Config | None = None, **corpus_options: object
) -> dict[str, float]:
    """Pair precision and recall, overall and per planted kind (copy against its original), and
    the share of independent shared-quote pairs kept apart."""
    corpus = generate_corpus(n_articles, seed=seed, **corpus_options)  # type: ignore[arg-type]
    result = find_copies(corpus.articles, config or Config())
    predicted = {p for g in result.groups for p in combinations(sorted(m.id for m in g.members), 2)}
    overall = pair_score(predicted, corpus.copy_pairs())
    figures = {"precision": overall.precision, "recall": overall.recall}
    for kind in sorted({t.kind for t in corpus.truth} - {"original"}):
        planted = {(t.id, t.cluster) for t in corpus.truth if t.kind == kind}
        figures[f"recall_{kind}"] = pair_score(
            predicted & _sorted(planted), _sorted(planted)
        ).recall
    quoting = _sorted(corpus.shared_quote_pairs())
    if quoting:
        figures["shared_quotes_apart"] = 1.0 - len(predicted & quoting) / len(quoting)
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
    failures = []
    for corpus, floors, options in (
        (baseline["corpus"], baseline["floors"], {}),
        (baseline["corpus"], baseline["reuse_floors"], REUSE),
    ):
        figures = measure(**corpus, **options)
        print("default mix" if not options else "reuse phenomena")
        for name, value in figures.items():
            print(f"{name:>20} {value:.4f}  (floor {floors.get(name, '-')})")
        failures += check(figures, floors)
    for message in failures:
        print(f"FAIL: {message}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
