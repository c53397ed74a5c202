"""Story grouping at scale: N generated articles, no embeddings, scored against the story truth.

    python benchmarks/bench_stories.py --docs 100000
    python benchmarks/bench_stories.py --docs 1000000 --set stories.story_similarity=0.3

The corpus is the one bench_dedup.py generates (``bench-data/``, reused when present). The
generator spreads any corpus over three years (2020-2022); ``--days`` maps that span linearly
onto fewer days (default 365: a year of simulated time, three times as many articles per day,
which is the harder case for story grouping), ``published = 2020-01-01 + (t - 2020-01-01) *
days / 1096``. Undated copies stay undated. The run is ``find_stories`` end to end from the
JSONL file: read, clean, copy groups, stories. Pair precision/recall and B-cubed are computed
on all articles from the contingency table of (found story, true story), so no sampling is
needed; "copy groups only" scores the copy groups as if they were stories, for reference.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from bench_dedup import ensure_corpus

from newsdedup import Article, Config, find_stories
from newsdedup.synth.plan import EPOCH, SPAN


def read_articles(path: Path, days: float) -> Iterator[Article]:
    scale = days / SPAN.days
    with open(path, "rb") as fh:
        for line in fh:
            r = orjson.loads(line)
            published = r.get("published")
            when = None if published is None else datetime.fromisoformat(published)
            if when is not None:
                when = EPOCH + (when - EPOCH) * scale
            yield Article(
                id=r["id"], text=r["text"], title=r.get("title"), source=r.get("source"),
                published=when,
            )  # fmt: skip


def truth_stories(path: Path) -> dict[str, str]:
    with open(path, "rb") as fh:
        return {(t := orjson.loads(line))["id"]: t["story"] for line in fh}


def scores(found: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Pair precision/recall/F1 and B-cubed precision/recall/F1 over all articles."""
    joint = Counter((found[i], truth[i]) for i in found)
    sizes_f, sizes_t = Counter(found.values()), Counter(truth[i] for i in found)
    pairs = sum(n * (n - 1) // 2 for n in joint.values())
    pred = sum(n * (n - 1) // 2 for n in sizes_f.values())
    true = sum(n * (n - 1) // 2 for n in sizes_t.values())
    n = len(found)
    bp = sum(c * c / sizes_f[f] for (f, _), c in joint.items()) / n
    br = sum(c * c / sizes_t[t] for (_, t), c in joint.items()) / n
    p, r = pairs / pred if pred else 1.0, pairs / true if true else 1.0
    return {
        "pair_precision": p,
        "pair_recall": r,
        "pair_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "bcubed_precision": bp,
        "bcubed_recall": br,
        "bcubed_f1": 2 * bp * br / (bp + br) if bp + br else 0.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--words", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--days", type=float, default=365.0, help="simulated days the corpus spans")
    ap.add_argument("--data", type=Path, default=Path("bench-data"))
    ap.add_argument("--set", action="append", default=[], help="config override, key=value")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    inp, truth_path = ensure_corpus(args.data, args.docs, args.words, args.seed)
    config = Config().override(dict(s.split("=", 1) for s in args.set))
    start = time.perf_counter()
    result = find_stories(read_articles(inp, args.days), config)
    seconds = time.perf_counter() - start
    truth = truth_stories(truth_path)
    figures = {
        "docs": len(result.story_of),
        "days": args.days,
        "seconds": round(seconds, 1),
        "articles_per_s": round(len(result.story_of) / seconds),
        "stage_seconds": {k: round(v, 1) for k, v in result.seconds.items()},
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "stories": len(result.stories),
        "true_stories": len(set(truth[i] for i in result.story_of)),
        "copy_groups": len(set(result.group_of.values())),
        "scores": scores(result.story_of, truth),
        "copy_groups_only": scores(result.group_of, truth),
        "overrides": args.set,
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
