"""Measure the relation verdict (exact, near, rewrite, excerpt, condensed, same_story, unrelated).

    python eval/relations.py                          # generated pairs, then ECB+ if present
    python eval/relations.py --data ../shared/data/ecb-plus --half odd
    python eval/relations.py --skip-synth --graph-rule   # also the story graph's pair rule

(a) Generated pairs from ``newsdedup.synth`` with their truth: planted copies by kind, other
articles of the same story, articles of another story on the same topic, and articles of other
topics. (b) ECB+ (real news, 43 topics of two look-alike events each): two articles of one event
should be ``same_story`` (a copy verdict counts as related too), two of the two events of one
topic and two of different topics ``unrelated``. The story thresholds were chosen on the odd
topics (``--half odd``); the even topics (the default) are the held-out report.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # ecbplus, also when loaded by path

from ecbplus import DEFAULT_ECB, EcbArticle, read_ecb, read_ecb_xml  # noqa: F401 (re-exported)

from newsdedup import Article, Config
from newsdedup.relate.compare import compare
from newsdedup.synth import generate_corpus

PREDICTED = ("exact", "near", "rewrite", "excerpt", "condensed", "same_story", "unrelated")
COPIES = frozenset(PREDICTED[:5])


def ecb_pairs(
    articles: Sequence[EcbArticle], *, cross: int, seed: int
) -> list[tuple[EcbArticle, EcbArticle, str]]:
    """Every pair inside a topic (same event, or the topic's other event) and ``cross`` pairs
    across topics drawn with ``seed``, each with its truth label."""
    within, across = [], []
    for a, b in combinations(articles, 2):
        if a.topic == b.topic:
            within.append((a, b, "same_event" if a.event == b.event else "other_event"))
        else:
            across.append((a, b, "other_topic"))
    return within + random.Random(seed).sample(across, min(cross, len(across)))


def verdicts(
    pairs: Iterable[tuple[Article, Article, str]], config: Config
) -> Counter[tuple[str, str]]:
    """Counts of (truth, predicted kind)."""
    return Counter((truth, compare(a, b, config).kind.value) for a, b, truth in pairs)


def binary_scores(counts: Counter[tuple[str, str]], positive: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of "related" (same story or any copy) for the truth ``positive``."""
    related = COPIES | {"same_story"}
    tp = sum(n for (t, p), n in counts.items() if t == positive and p in related)
    fp = sum(n for (t, p), n in counts.items() if t != positive and p in related)
    fn = sum(n for (t, p), n in counts.items() if t == positive and p not in related)
    return _prf(tp, fp, fn)


def class_scores(
    counts: Counter[tuple[str, str]], truth_of: dict[str, str]
) -> dict[str, tuple[float, float, float]]:
    """Per predicted class: precision, recall, F1, with ``truth_of`` mapping truth labels to
    the class they should get."""
    out = {}
    for cls in sorted(set(truth_of.values()), key=PREDICTED.index):
        tp = sum(n for (t, p), n in counts.items() if p == cls and truth_of[t] == cls)
        fp = sum(n for (t, p), n in counts.items() if p == cls and truth_of[t] != cls)
        fn = sum(n for (t, p), n in counts.items() if p != cls and truth_of[t] == cls)
        out[cls] = _prf(tp, fp, fn)
    return out


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def print_matrix(counts: Counter[tuple[str, str]], truths: Sequence[str]) -> None:
    print("| truth \\ verdict | " + " | ".join(PREDICTED) + " | pairs |")
    print("|---" * (len(PREDICTED) + 2) + "|")
    for t in truths:
        row = [counts[(t, p)] for p in PREDICTED]
        print(f"| {t} | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |")


def synth_pairs(n: int, seed: int, per_class: int) -> list[tuple[Article, Article, str]]:
    """Up to ``per_class`` pairs of each truth: a planted copy kind, same story, same topic
    (another story), other topic."""
    corpus = generate_corpus(n, seed=seed)
    by_id = {a.id: a for a in corpus.articles}
    truth = corpus.by_id()
    rng = random.Random(seed)
    groups: dict[str, list[tuple[str, str]]] = {}
    for kind in COPIES:
        groups[kind] = sorted(corpus.copy_pairs({kind}))
    groups["same_story"] = sorted(corpus.same_story_pairs())
    originals = sorted(t.id for t in corpus.truth if t.kind == "original")
    others: dict[str, list[tuple[str, str]]] = {"same_topic": [], "other_topic": []}
    for a, b in combinations(originals, 2):
        ta, tb = truth[a], truth[b]
        if ta.story != tb.story:
            others["same_topic" if ta.topic == tb.topic else "other_topic"].append((a, b))
    groups.update(others)
    out = []
    for label, pairs in groups.items():
        for a, b in rng.sample(pairs, min(per_class, len(pairs))):
            out.append((by_id[a], by_id[b], label))
    return out


def run_synth(args: argparse.Namespace, config: Config) -> None:
    pairs = synth_pairs(args.synth_articles, args.seed, args.per_class)
    counts = verdicts(pairs, config)
    print(f"\n## Generated pairs ({args.synth_articles} articles, seed {args.seed})\n")
    truths = ["exact", "near", "rewrite", "excerpt", "same_story", "same_topic", "other_topic"]
    print_matrix(counts, truths)
    truth_of = {t: t for t in PREDICTED} | {"same_topic": "unrelated", "other_topic": "unrelated"}
    print("\n| class | precision | recall | F1 |\n|---|---|---|---|")
    for cls, (p, r, f) in class_scores(counts, truth_of).items():
        print(f"| {cls} | {p:.4f} | {r:.4f} | {f:.4f} |")


def run_ecb(args: argparse.Namespace, config: Config) -> None:
    if not (args.data / "ECB+").is_dir():
        print(f"\nECB+ not found at {args.data}: skipped (pass --data PATH).")
        return
    parity = 1 if args.half == "odd" else 0
    articles = [a for a in read_ecb(args.data) if a.topic % 2 == parity]
    pairs = [
        (Article(id=a.id, text=a.text), Article(id=b.id, text=b.text), label)
        for a, b, label in ecb_pairs(articles, cross=args.cross, seed=args.seed)
    ]
    counts = verdicts(pairs, config)
    topics = len({a.topic for a in articles})
    print(f"\n## ECB+, {args.half} topics ({topics} topics, {len(articles)} articles)\n")
    print_matrix(counts, ["same_event", "other_event", "other_topic"])
    p, r, f = binary_scores(counts, "same_event")
    print(f"\nsame story (or copy) vs not: precision {p:.4f} recall {r:.4f} F1 {f:.4f}")
    hard = Counter({k: n for k, n in counts.items() if k[0] != "other_topic"})
    p, r, f = binary_scores(hard, "same_event")
    print(f"within topics only (hard negatives): precision {p:.4f} recall {r:.4f} F1 {f:.4f}")
    if args.graph_rule:
        graph_rule(pairs, config)


def graph_rule(pairs: Sequence[tuple[Article, Article, str]], config: Config) -> None:
    """The same pairs under the story graph's rule instead of the pair verdict's own: related
    when ``pair_similarity`` (group/stories/graph.py) is at least ``stories.story_similarity``,
    i.e. when the two would be one story if they were the whole corpus (ECB+ has no dates)."""
    import numpy as np

    from newsdedup.group.stories.graph import pair_similarity
    from newsdedup.group.stories.vectors import story_vectors

    row: dict[str, int] = {}
    texts: list[Article] = []
    for a, b, _ in pairs:
        for x in (a, b):
            if x.id not in row:
                row[x.id] = len(texts)
                texts.append(x)
    vectors = story_vectors(texts, config.stories.max_terms)
    left = np.array([row[a.id] for a, _, _ in pairs])
    right = np.array([row[b.id] for _, b, _ in pairs])
    similarity = pair_similarity(vectors, left, right, config.stories)
    print("\nThe story graph's pair rule (similarity >= story_similarity), same pairs:\n")
    print("| story_similarity | precision | recall | F1 | other-event pairs called related |")
    print("|---|---|---|---|---|")
    truth = np.array([label == "same_event" for _, _, label in pairs])
    other = np.array([label == "other_event" for _, _, label in pairs])
    default = config.stories.story_similarity
    for threshold in sorted({0.2, 0.24, default, 0.32, 0.36}):
        said = similarity >= threshold
        tp, fp = int((said & truth).sum()), int((said & ~truth).sum())
        p, r, f = _prf(tp, fp, int((~said & truth).sum()))
        mark = " (default)" if threshold == default else ""
        wrong = int((said & other).sum())
        print(f"| {threshold:g}{mark} | {p:.4f} | {r:.4f} | {f:.4f} | {wrong} |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_ECB, help="ECB+ folder")
    parser.add_argument("--half", choices=("odd", "even"), default="even")
    parser.add_argument("--cross", type=int, default=3000, help="cross-topic pairs to sample")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--synth-articles", type=int, default=1500)
    parser.add_argument("--per-class", type=int, default=400)
    parser.add_argument("--skip-synth", action="store_true")
    parser.add_argument(
        "--graph-rule", action="store_true", help="also score the story graph's pair rule"
    )
    args = parser.parse_args(argv)
    config = Config()
    if not args.skip_synth:
        run_synth(args, config)
    run_ecb(args, config)


if __name__ == "__main__":
    main()
