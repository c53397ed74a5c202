"""Ingest rate of the living index on a small generated corpus: one warm-up call, then the rest
in calls of ``--batch``; prints articles/s. Run on two commits back to back to compare them.

    python benchmarks/bench_index_rate.py --docs 6000 --batch 1000 --db /tmp/rate.db
"""

from __future__ import annotations

import argparse
import os
import time

from newsdedup import Config
from newsdedup.store.index import Index
from newsdedup.synth import generate_corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--docs", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--db", default="bench-data/index-rate.db")
    args = ap.parse_args()
    articles = list(generate_corpus(args.docs, seed=args.seed).articles)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(args.db + suffix):
            os.remove(args.db + suffix)
    with Index(args.db, Config()) as index:
        index.add(articles[: args.batch])  # compiles the kernels, opens the file
        start = time.perf_counter()
        for lo in range(args.batch, args.docs, args.batch):
            index.add(articles[lo : lo + args.batch])
        seconds = time.perf_counter() - start
    print(f"{(args.docs - args.batch) / seconds:.1f} articles/s")


if __name__ == "__main__":
    main()
