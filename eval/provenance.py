"""Who copied whom, measured: does ``trace`` name the true original of each copy group?

Copy groups come from ``find_copies`` on a generated corpus whose truth names every article's
original (``TruthRecord.cluster``). Each group with copies is traced twice: with the articles'
publication dates, and with the dates removed and the members shuffled (ties fall back to the
member order, which the dates chose), so that only the text signals (excerpts, inserted
boilerplate, sentence seams) can decide. Printed: the share of groups whose original
is named correctly, against the share a random pick gets, and the mean confidence when right
and when wrong.

    python eval/provenance.py [--articles 5000] [--seed 11]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics

from newsdedup import Config, find_copies
from newsdedup.clean.pipeline import clean_article, per_article
from newsdedup.relate.provenance import trace
from newsdedup.synth import generate_corpus


def measure(n_articles: int, seed: int) -> dict[str, dict[str, float]]:
    corpus = generate_corpus(n_articles, seed=seed)
    truth = {t.id: t for t in corpus.truth}
    config = Config()
    clean = per_article(config.clean)
    articles = {a.id: clean_article(a, config=clean) for a in corpus.articles}
    result = find_copies(corpus.articles, config)
    figures: dict[str, dict[str, float]] = {}
    rng = random.Random(seed)
    for label, undated in (("with dates", False), ("without dates", True)):
        right: list[float] = []
        wrong: list[float] = []
        chance: list[float] = []
        for group in (g for g in result.groups if g.size > 1):
            roots = {truth[m.id].cluster for m in group.members}
            if len(roots) != 1 or next(iter(roots)) not in {m.id for m in group.members}:
                continue  # the group does not hold exactly one true original
            members = [articles[m.id] for m in group.members]
            if undated:  # and shuffled: ties fall back to member order, which dates chose
                members = [dataclasses.replace(a, published=None) for a in members]
                rng.shuffle(members)
            found = trace(members, {m.id: m.kind for m in group.members})
            (right if found.original in roots else wrong).append(found.confidence)
            chance.append(1 / group.size)
        n = len(right) + len(wrong)
        figures[label] = {
            "groups": n,
            "accuracy": len(right) / n if n else 0.0,
            "random pick": statistics.mean(chance) if chance else 0.0,
            "confidence when right": statistics.mean(right) if right else 0.0,
            "confidence when wrong": statistics.mean(wrong) if wrong else 0.0,
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    for label, row in measure(args.articles, args.seed).items():
        cells = ", ".join(
            f"{k} {v:.0f}" if k == "groups" else f"{k} {v:.3f}" for k, v in row.items()
        )
        print(f"{label:>14}: {cells}")


if __name__ == "__main__":
    main()
