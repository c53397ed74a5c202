"""Reports of one event in two languages that are not translations of each other, on real news.

    python eval/stories_crosslingual.py                  # default settings, 20 draws
    python eval/stories_crosslingual.py --half tuning --set translate.min_tail_cosine=0.35

The WMT development set (``../shared/data/wmt-news-dev``) holds 342 translation groups: an
original article and its translations. ``eval/data/wmt_events.json`` says which groups report
one event, labelled by reading (eval/data/README.md). Only one labelled event has originals in
two languages, but every group has versions in two languages or more, so a corpus made of **one
version of each group**, chosen at random, holds reports of one event in two languages that
are *not* translations of each other: the Russian original of Interfax's Navy Day report beside
the English translation of Kommersant's, say. Such a corpus has no translation in it at all.

Per draw (a seeded random version of each group), over the pairs of chosen articles:

- **story recall across languages**: of the labelled same-event pairs whose two chosen
  versions are in two languages, the share ``find_stories`` puts in one story;
- **story precision across languages**: of the pairs in two languages put in one story, the
  share labelled the same event (near misses and unlabelled pairs count as wrong, ``unsure``
  ones are left out);
- the same two over pairs in one language, which the cross-language rule must not move;
- **false translations**: pairs put in one *copy group* (any such pair across languages is
  wrong here: no two chosen articles are one text), how many of them are labelled the same
  event, and the share of articles grouped with anything (the translated-copies target's
  "articles with no translation grouped", on a corpus where none has one).

``--half`` keeps the translation groups of one half of eval/translations.py's split (the
tuning half chose ``translate.min_tail_cosine``; the held-out half reports it).

The sums over all draws are printed, and the per-draw spread of recall and precision.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from translations import DEFAULT, _hash, load

from newsdedup import Article, Config, find_stories

LABELS = Path(__file__).resolve().parent / "data" / "wmt_events.json"


def _pairs(groups: list[str]) -> set[tuple[str, str]]:
    return set(itertools.combinations(sorted(groups), 2))


def draw(rows: list[dict[str, str]], truth: dict[str, str], seed: int) -> dict[str, dict[str, str]]:
    """One row of each translation group, chosen at random (``seed``): group -> row. Machine
    translations are left out: a system's output is the kind of text the copy level should
    call a translation, not an independent report."""
    by_group: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        if not r["kind"].startswith("mt:"):
            by_group.setdefault(truth[r["id"]], []).append(r)
    rng = random.Random(seed)
    return {g: rng.choice(sorted(rs, key=lambda r: r["id"])) for g, rs in sorted(by_group.items())}


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--draws", type=int, default=20)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--half", choices=("all", "tuning", "held-out"), default="all")
    args = ap.parse_args()
    if not (args.data / "docs.jsonl").is_file():
        print(f"no WMT development set at {args.data} (see ../shared/data/README.md)")
        return 1
    rows, truth = load(args.data)
    if args.half != "all":  # eval/translations.py's halves: by the hash of the group
        odd = args.half == "held-out"
        rows = [r for r in rows if (_hash(truth[r["id"]]) % 2 == 1) == odd]
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    config = Config().override(dict(kv.split("=", 1) for kv in args.set))
    same = set().union(*(_pairs(e["groups"]) for e in labels["events"]))
    near = set().union(*(_pairs(e["groups"]) for e in labels["near_misses"]))
    unsure = set().union(*(_pairs(e["groups"]) for e in labels["unsure"])) - same

    totals: Counter[str] = Counter()
    spread: dict[str, list[float]] = {"recall": [], "precision": []}
    seconds = 0.0
    for seed in range(args.draws):
        chosen = draw(rows, truth, seed)
        articles = [
            Article(id=r["id"], text=r["text"], title=r.get("title") or None)
            for r in chosen.values()
        ]
        start = time.perf_counter()
        result = find_stories(articles, config)
        seconds += time.perf_counter() - start
        story = {g: result.story_of[r["id"]] for g, r in chosen.items()}
        copy = {g: result.group_of[r["id"]] for g, r in chosen.items()}
        sizes = Counter(copy.values())
        totals["articles"] += len(copy)
        totals["grouped"] += sum(sizes[c] > 1 for c in copy.values())
        lang = {g: r["lang"] for g, r in chosen.items()}
        this: Counter[str] = Counter()  # this draw's counts
        for a, b in itertools.combinations(sorted(chosen), 2):
            where = "cross" if lang[a] != lang[b] else "mono"
            pair = (a, b)
            together = story[a] == story[b]
            this[f"{where} gold"] += pair in same
            this[f"{where} found"] += pair in same and together
            if together and pair not in unsure:
                this[f"{where} joined"] += 1
                this[f"{where} joined near"] += pair in near
            if copy[a] == copy[b]:
                this[f"{where} copy"] += 1
                this[f"{where} copy same event"] += pair in same
        totals.update(this)
        if this["cross gold"]:
            spread["recall"].append(this["cross found"] / this["cross gold"])
        if this["cross joined"]:
            spread["precision"].append(this["cross found"] / this["cross joined"])

    print(
        f"{args.draws} draws of one version per translation group "
        f"({totals['articles'] // max(args.draws, 1)} articles each), {seconds:.1f} s in "
        "find_stories; "
        f"articles grouped with another: {totals['grouped'] / totals['articles']:.3f}"
    )
    print(
        "| pairs | labelled same event | found in one story | recall | in one story "
        "| of those near misses | precision | in one copy group | of those same event |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for where, name in (("cross", "two languages"), ("mono", "one language")):
        gold, found = totals[f"{where} gold"], totals[f"{where} found"]
        joined = totals[f"{where} joined"]
        print(
            f"| {name} | {gold} | {found} | {found / gold if gold else 1:.3f} | {joined} "
            f"| {totals[f'{where} joined near']} | {found / joined if joined else 1:.3f} "
            f"| {totals[f'{where} copy']} | {totals[f'{where} copy same event']} |"
        )
    for name, values in spread.items():
        if values:
            print(
                f"per draw, two languages, {name}: min {min(values):.3f} "
                f"median {sorted(values)[len(values) // 2]:.3f} max {max(values):.3f} "
                f"({len(values)} draws)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
