"""Stories across languages on real news: the WMT development set with hand-labelled events.

    python eval/stories_languages.py                  # default settings
    python eval/stories_languages.py --data PATH      # another copy of wmt-news-dev

Issue "Translated copies", part 3: a story should hold its coverage in several languages. The
WMT development set (``../shared/data/wmt-news-dev``, see its README) gives each article's
translation group; ``eval/data/wmt_events.json`` says which translation groups report one
event, labelled by reading (eval/data/README.md). Nothing here was tuned on these labels: the
story settings come from ECB+ (eval/stories.py). Run on every row (originals, professional and
machine translations), with ``find_stories`` and its defaults.

Printed:

- the share of translated articles in their original's story, per language (a translation
  found as a copy lands there by construction; one the translation stage misses may not);
- over pairs of translation groups (each group placed in the story most of its articles are
  in): the labelled same-event pairs put in one story (recall), and the pairs put in one story
  by kind of label: same event, near miss (same topic, another event), unsure, or unlabelled
  (taken as different events; precision counts those and the near misses as wrong, leaves
  the unsure out), for all pairs and for pairs whose originals are in two languages, and how
  many of the unlabelled pairs the copy level joined (one copy group: a false translation);
- the copy groups' pair precision and recall against the translation groups, every row in;
- B-cubed over the translation groups against the events (an unlabelled group is its own).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from translations import DEFAULT, load

from newsdedup import Article, Config, find_stories
from newsdedup.metrics import bcubed, cluster_pairs, pair_score

LABELS = Path(__file__).resolve().parent / "data" / "wmt_events.json"

Pair = tuple[str, str]


def _pairs(groups: list[str]) -> set[Pair]:
    return {(a, b) for a, b in itertools.combinations(sorted(groups), 2)}


def _majority(truth: dict[str, str], label: dict[str, str]) -> tuple[dict[str, str], int]:
    """Each translation group's most common ``label`` among its articles, and how many groups
    have more than one."""
    votes: dict[str, Counter[str]] = {}
    for article_id, group in truth.items():
        votes.setdefault(group, Counter())[label[article_id]] += 1
    return {g: v.most_common(1)[0][0] for g, v in votes.items()}, sum(
        len(v) > 1 for v in votes.values()
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args()
    if not (args.data / "docs.jsonl").is_file():
        print(f"no WMT development set at {args.data} (see ../shared/data/README.md)")
        return 1
    rows, truth = load(args.data)
    labels = json.loads(LABELS.read_text(encoding="utf-8"))

    articles = [Article(id=r["id"], text=r["text"], title=r.get("title") or None) for r in rows]
    start = time.perf_counter()
    result = find_stories(articles, Config())
    seconds = time.perf_counter() - start
    story_of = result.story_of

    # translations in their original's story
    original = {truth[r["id"]]: r for r in rows if r["kind"] == "original"}
    found, total = Counter(), Counter()
    for r in rows:
        o = original[truth[r["id"]]]
        if o["id"] == r["id"] or o["lang"] == r["lang"]:
            continue
        total[r["lang"]] += 1
        found[r["lang"]] += story_of[r["id"]] == story_of[o["id"]]
    print(
        f"{len(rows)} articles, {len(original)} translation groups, {seconds:.1f} s: translated "
        f"articles in their original's story {sum(found.values()) / sum(total.values()):.3f} "
        f"({sum(found.values())} of {sum(total.values())})"
    )
    print("  by language:", {k: round(found[k] / total[k], 3) for k in sorted(total)})

    # each translation group in the story most of its articles are in
    placed, split = _majority(truth, story_of)
    predicted = cluster_pairs(placed)
    same = set().union(*(_pairs(e["groups"]) for e in labels["events"]))
    near = set().union(*(_pairs(e["groups"]) for e in labels["near_misses"]))
    unsure = set().union(*(_pairs(e["groups"]) for e in labels["unsure"])) - same
    lang = {g: o["lang"] for g, o in original.items()}
    print(
        f"translation groups split over two stories or more: {split} of {len(placed)}; "
        f"labelled: {len(labels['events'])} events over "
        f"{len({g for e in labels['events'] for g in e['groups']})} groups"
    )
    copy_of, _ = _majority(truth, result.group_of)
    print(
        "| pairs of groups | labelled same event | in one story | of those: same event "
        "| near miss | unsure | unlabelled | precision | recall | unlabelled in one copy group |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, keep in (
        ("all", lambda p: True),
        ("originals in two languages", lambda p: lang[p[0]] != lang[p[1]]),
    ):
        pred = {p for p in predicted if keep(p)}
        gold = {p for p in same if keep(p)}
        hit = pred & gold
        n_near, n_unsure = len(pred & near - gold), len(pred & unsure)
        wrong = len(pred) - len(hit) - n_unsure
        precision = len(hit) / (len(hit) + wrong) if len(hit) + wrong else 1.0
        recall = len(hit) / len(gold) if gold else 1.0
        unlabelled = pred - gold - near - unsure
        copied = sum(copy_of[a] == copy_of[b] for a, b in unlabelled)
        print(
            f"| {name} | {len(gold)} | {len(pred)} | {len(hit)} | {n_near} | {n_unsure} "
            f"| {wrong - n_near} | {precision:.3f} | {recall:.3f} | {copied} |"
        )
    score = pair_score(cluster_pairs(result.group_of), cluster_pairs(truth))
    print(
        f"copy groups against translation groups, every row: pair P {score.precision:.3f} "
        f"R {score.recall:.3f}"
    )
    event = {g: f"e{i}" for i, e in enumerate(labels["events"]) for g in e["groups"]}
    gold_of = {g: event.get(g, g) for g in placed}
    b3 = bcubed(placed, gold_of)
    print(f"B-cubed over translation groups: P {b3.precision:.3f} R {b3.recall:.3f} F1 {b3.f1:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
