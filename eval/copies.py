"""Measure copy detection on the labelled generated corpus; sweep the settings behind the defaults.

    python eval/copies.py                      # default settings: P/R overall and per kind
    python eval/copies.py --sweep shingle      # shingle size x stopwords
    python eval/copies.py --sweep lsh          # band layouts: candidate recall and pairs/doc
    python eval/copies.py --sweep verify       # thresholds of the kind rule

Precision counts every predicted pair (two documents in one group) that is not in one planted
copy cluster as an error; "same-story FP" counts how many of those errors are hard negatives
(independent articles on the same event, sharing names, numbers and quotes).
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsdedup import Config, find_copies
from newsdedup.metrics import pair_score
from newsdedup.synth import generate_corpus

KINDS = ("exact", "near", "rewrite", "excerpt")


def _predicted(result) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    out: set[tuple[str, str]] = set()
    for g in result.groups:
        ids = sorted(m.id for m in g.members)
        out.update(combinations(ids, 2))
    return out


def evaluate(corpus, config: Config) -> dict[str, float]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = find_copies(corpus.articles, config)
    seconds = time.perf_counter() - start
    pred = _predicted(result)
    overall = pair_score(pred, corpus.copy_pairs())
    row = {"precision": overall.precision, "recall": overall.recall, "f1": overall.f1}
    for kind in KINDS:
        planted = corpus.copy_pairs(kinds={kind})
        if planted:
            row[f"R_{kind}"] = pair_score(pred, planted).recall
    same_story = corpus.same_story_pairs()
    row["same_story_fp"] = len(pred & {tuple(sorted(p)) for p in same_story})
    row["candidates/doc"] = result.stats.candidate_pairs / max(result.stats.documents, 1)
    row["seconds"] = seconds
    return row


def _show(label: str, row: dict[str, float]) -> None:
    cells = " ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items())
    print(f"{label:<34} {cells}", flush=True)


def sweep(corpus, which: str) -> None:  # type: ignore[no-untyped-def]
    base = Config()
    if which == "shingle":
        grid = [
            {"shingle.size": s, "shingle.stopwords": f'"{sw}"'}
            for sw in ("en", "none")
            for s in (1, 2, 3, 5)
        ]
    elif which == "lsh":
        grid = [
            {"minhash.num_perm": p, "lsh.bands": b, "lsh.rows": r}
            for p, b, r in (
                (128, 128, 1),
                (128, 64, 2),
                (128, 42, 3),
                (128, 32, 4),
                (192, 96, 2),
                (256, 128, 2),
                (256, 85, 3),
                (128, 16, 8),
            )
        ]
    else:
        grid = [{"verify.rewrite_coverage": c} for c in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)]
        grid += [{"verify.rewrite_dispersed": d} for d in (0.0, 0.05, 0.1, 0.15, 0.2)]
        grid += [{"verify.near_jaccard": j} for j in (0.6, 0.7, 0.75, 0.8, 0.9)]
        grid += [{"verify.excerpt_coverage": c} for c in (0.5, 0.6, 0.7, 0.8, 0.9)]
    for overrides in grid:
        config = base.override({k: str(v) for k, v in overrides.items()})
        label = " ".join(f"{k.split('.')[-1]}={v}" for k, v in overrides.items())
        _show(label, evaluate(corpus, config))


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sweep", choices=("shingle", "lsh", "verify"))
    args = ap.parse_args()
    corpus = generate_corpus(args.docs, seed=args.seed)
    print(
        f"{len(corpus.articles):,} generated articles, seed {args.seed}, "
        f"{len(corpus.copy_pairs()):,} copy pairs, "
        f"{len(corpus.same_story_pairs()):,} same-story pairs"
    )
    if args.sweep:
        sweep(corpus, args.sweep)
    else:
        _show("default", evaluate(corpus, Config()))


if __name__ == "__main__":
    main()
