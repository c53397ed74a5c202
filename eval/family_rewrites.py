"""How alike are the family corpora's planted rewrites, next to real pairs a person labelled?

    python benchmarks/corpora.py short real --docs 20000 --out bench-data/family
    python eval/family_rewrites.py --family bench-data/family --docs 20000

Issue 18 asks for a recall of 0.99 of planted copies, rewrites included, on every corpus of
``benchmarks/corpora.py``. newsdedup groups about half of the ``short`` rewrites and 70% of the
``real`` ones. This script says why with one figure a reader can check by hand: the word 3-gram
Jaccard (lower-cased, split on white space) of each planted rewrite and its original, for the
rewrites newsdedup groups and those it leaves, beside the same figure for the labelled ECB+
pairs of ``eval/data/ecbplus_copy_pairs.jsonl`` (real articles about one event; copies are
``same_text``, ``rewrite``, ``condensed``, ``excerpt``; ``partial``, ``quotes_only`` and
``independent`` are not copies). Where the missed rewrites look like the labelled non-copies,
grouping them would group real same-story articles as copies too.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from ecbplus import DEFAULT_ECB, read_ecb

from newsdedup import Report, find_copies
from newsdedup.read import read_articles

LABELS = Path(__file__).parent / "data" / "ecbplus_copy_pairs.jsonl"
QUANTILES = (0.1, 0.5, 0.9)


def jaccard3(a: str, b: str) -> float:
    """Word 3-gram Jaccard of two texts (lower-cased, split on white space)."""

    def grams(text: str) -> set[tuple[str, ...]]:
        w = text.lower().split()
        return {tuple(w[i : i + 3]) for i in range(max(1, len(w) - 2))}

    x, y = grams(a), grams(b)
    return len(x & y) / max(1, len(x | y))


def family_rewrites(corpus: Path, truth: Path) -> dict[str, list[float]]:
    """The 3-gram Jaccard of each planted rewrite with its original, by whether newsdedup's
    default run groups the two."""
    articles = list(read_articles([corpus], report=Report()))
    text = {a.id: a.text for a in articles}
    group = {m.id: g.id for g in find_copies(articles).groups for m in g.members}
    out: dict[str, list[float]] = defaultdict(list)
    for line in truth.read_text().splitlines():
        t = json.loads(line)
        if t["kind"] == "rewrite":
            found = group.get(t["id"]) == group.get(t["cluster"])
            out["grouped" if found else "missed"].append(
                jaccard3(text[t["id"]], text[t["cluster"]])
            )
    return out


def ecb_pairs(root: Path) -> dict[str, list[float]]:
    """The 3-gram Jaccard of each labelled ECB+ pair, by its relation."""
    text = {a.id: a.text for a in read_ecb(root)}
    out: dict[str, list[float]] = defaultdict(list)
    for line in LABELS.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            out[r["relation"]].append(jaccard3(text[r["a"]], text[r["b"]]))
    return out


def _row(name: str, values: list[float]) -> str:
    q = np.quantile(np.asarray(values), QUANTILES)
    return f"| {name} | {len(values)} | " + " | ".join(f"{v:.3f}" for v in q) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--family", type=Path, default=Path("bench-data/family"))
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--kinds", default="short,real")
    parser.add_argument("--ecb", type=Path, default=DEFAULT_ECB)
    args = parser.parse_args()
    print("| pairs | n | 3-gram Jaccard p10 | p50 | p90 |")
    print("|---|---|---|---|---|")
    for kind in args.kinds.split(","):
        stem = args.family / f"family-{kind}-{args.docs}-0"
        corpus, truth = stem.with_suffix(".jsonl"), Path(f"{stem}.truth.jsonl")
        if not corpus.exists():
            sys.exit(f"{corpus} is missing: run benchmarks/corpora.py {kind} --docs {args.docs}")
        for found, values in sorted(family_rewrites(corpus, truth).items()):
            print(_row(f"`{kind}` rewrites, {found}", values))
    if not (args.ecb / "ECB+").exists():
        print(f"(ECB+ not found under {args.ecb}: its rows are left out)")
        return
    for relation, values in sorted(ecb_pairs(args.ecb).items()):
        print(_row(f"ECB+ labelled `{relation}`", values))


if __name__ == "__main__":
    main()
