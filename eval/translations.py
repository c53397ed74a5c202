"""Translated copies on real news: the WMT development set, tuned on one half, held out the other.

    python eval/translations.py                       # both halves, default settings
    python eval/translations.py --sweep               # sweep TranslateConfig on the tuning half
    python eval/translations.py --data PATH           # another copy of wmt-news-dev

The data (``../shared/data/wmt-news-dev``, see its README) holds real articles from named outlets
with their professional and machine translations in 10 languages; ``truth.json`` gives each
row's translation group. The groups are split in two by a hash of the group id: the even half
chose every figure of ``TranslateConfig``, the odd half is held out. In each half, the
translations of every other group (by a second hash) are left out, so that its original has no
translation in the corpus and must stay alone.

Printed per half: the share of translated articles grouped with their original (overall and
per language), the share of articles with no translation grouped with anything, pair precision
and recall of the copy groups against the translation groups, and articles/s end to end
(``find_copies`` with the default settings: language guess, anchors, the encoder, the groups).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsdedup import Article, Config, find_copies
from newsdedup.metrics import pair_score

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt-news-dev"


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def load(path: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    with (path / "docs.jsonl").open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    truth = json.loads((path / "truth.json").read_text(encoding="utf-8"))
    return rows, truth


def half(
    rows: list[dict[str, str]], truth: dict[str, str], held_out: bool
) -> tuple[list[dict[str, str]], set[str]]:
    """The rows of one half, and the ids of the originals whose translations were left out."""
    picked, alone = [], set()
    for row in rows:
        group = truth[row["id"]]
        h = _hash(group)
        if (h % 2 == 1) != held_out:
            continue
        if (h >> 1) % 2 == 1:  # a group whose original stands alone
            if row["kind"] != "original":
                continue
            alone.add(row["id"])
        picked.append(row)
    return picked, alone


def measure(
    rows: list[dict[str, str]], truth: dict[str, str], alone: set[str], config: Config
) -> dict[str, object]:
    articles = [Article(id=r["id"], text=r["text"], title=r.get("title") or None) for r in rows]
    start = time.perf_counter()
    result = find_copies(articles, config)
    seconds = time.perf_counter() - start
    group_of = {m.id: g.id for g in result.groups for m in g.members}
    size = {g.id: g.size for g in result.groups}
    lang = {r["id"]: r["lang"] for r in rows}
    original = {truth[r["id"]]: r["id"] for r in rows if r["kind"] == "original"}
    found, total = Counter(), Counter()
    for r in rows:
        o = original.get(truth[r["id"]])
        if o is None or o == r["id"] or lang[o] == r["lang"]:
            continue
        total[r["lang"]] += 1
        found[r["lang"]] += group_of[r["id"]] == group_of[o]
    grouped_alone = sum(size[group_of[i]] > 1 for i in alone)
    predicted = {
        p for g in result.groups for p in itertools.combinations(sorted(m.id for m in g.members), 2)
    }
    by_group: dict[str, list[str]] = {}
    for r in rows:
        by_group.setdefault(truth[r["id"]], []).append(r["id"])
    gold = {p for ids in by_group.values() for p in itertools.combinations(sorted(ids), 2)}
    score = pair_score(predicted, gold)
    return {
        "articles": len(rows),
        "translated": sum(total.values()),
        "recall": sum(found.values()) / max(sum(total.values()), 1),
        "by_language": {k: round(found[k] / total[k], 3) for k in sorted(total)},
        "alone": len(alone),
        "alone_grouped": grouped_alone / max(len(alone), 1),
        "pair_precision": score.precision,
        "pair_recall": score.recall,
        "articles_per_s": len(rows) / seconds,
        "translate_s": result.stats.seconds.get("translate", 0.0),
        "encoded": result.stats.encoded,
    }


def _show(name: str, m: dict[str, object]) -> None:
    print(
        f"{name}: {m['articles']} articles, {m['translated']} translated: grouped with their "
        f"original {m['recall']:.3f}; alone articles grouped {m['alone_grouped']:.3f} "
        f"(of {m['alone']}); pair P {m['pair_precision']:.3f} R {m['pair_recall']:.3f}; "
        f"{m['articles_per_s']:.0f} articles/s (translate stage {m['translate_s']:.1f} s, "
        f"{m['encoded']} articles encoded)"
    )
    print(f"  by language: {m['by_language']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    if not (args.data / "docs.jsonl").exists():
        print(f"skipped: no WMT development set at {args.data} (see eval/README.md)")
        return 0
    rows, truth = load(args.data)
    config = Config()
    if args.sweep:
        tune, alone = half(rows, truth, held_out=False)
        for weight, min_cos, margin in itertools.product(
            (1.5, 2.0, 3.0), (0.25, 0.3, 0.35), (0.0, 0.05, 0.1)
        ):
            c = config.override(
                {
                    "translate.anchor_weight": str(weight),
                    "translate.min_cosine": str(min_cos),
                    "translate.margin": str(margin),
                }
            )
            m = measure(tune, truth, alone, c)
            worst = min(m["by_language"].values())  # type: ignore[attr-defined]
            print(
                f"weight {weight} min_cosine {min_cos} margin {margin}: recall {m['recall']:.3f} "
                f"worst language {worst:.3f} alone grouped {m['alone_grouped']:.3f} "
                f"pair P {m['pair_precision']:.3f}"
            )
        return 0
    for name, held_out in (("tuning half", False), ("held-out half", True)):
        part, alone = half(rows, truth, held_out)
        _show(name, measure(part, truth, alone, config))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
