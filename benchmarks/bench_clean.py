"""The per-article clean step, with the compiled scan (``clean_articles``) against the rules on
every article (``clean_article``), in alternated runs of CPU time; and the share of texts the
scan passes.

    python benchmarks/bench_clean.py /work/bench/c30k.jsonl --docs 10000 --runs 8

Both give the same Articles (checked on every run). CPU time, not wall time: this machine's
wall times move by 15% from run to run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import orjson

from newsdedup.clean.line_scan import plain_texts
from newsdedup.clean.pipeline import clean_article, clean_articles, per_article
from newsdedup.config import DEFAULT_CLEAN
from newsdedup.types import Article


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("jsonl", type=Path, help="a JSONL file with a text field")
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=8)
    args = ap.parse_args()
    articles = []
    with args.jsonl.open("rb") as fh:
        for i, line in zip(range(args.docs), fh, strict=False):
            row = orjson.loads(line)
            articles.append(Article(id=str(row.get("id", i)), text=row.get("text") or ""))
    config = per_article(DEFAULT_CLEAN)
    print(f"texts the scan passes: {plain_texts([a.text for a in articles]).mean():.3f}")
    list(clean_articles(articles[:100], config=config))  # load the compiled scan
    scanned: list[float] = []
    alone: list[float] = []
    for _ in range(args.runs):
        start = time.process_time()
        fast = list(clean_articles(articles, config=config))
        middle = time.process_time()
        slow = [clean_article(a, config=config) for a in articles]
        end = time.process_time()
        assert fast == slow, "the scan changed an article"
        scanned.append((middle - start) / len(articles) * 1e6)
        alone.append((end - middle) / len(articles) * 1e6)
    for name, times in (("clean_articles (scan)", scanned), ("clean_article each", alone)):
        print(
            f"{name}: CPU µs an article {min(times):.1f}-{max(times):.1f}, "
            f"median {statistics.median(times):.1f}"
        )


if __name__ == "__main__":
    main()
