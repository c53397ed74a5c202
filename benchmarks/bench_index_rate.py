"""Ingest rate of the living index on a small generated corpus: one warm-up call, then the rest
in calls of ``--batch``; prints articles/s, and with ``--trend N`` the rate of each N articles
(the index grows, so does the cost of an add). Run on two commits back to back to compare them.

    python benchmarks/bench_index_rate.py --docs 6000 --batch 1000 --db /tmp/rate.db
    python benchmarks/bench_index_rate.py --docs 200000 --batch 5000 --compact --db /tmp/r.db
"""

from __future__ import annotations

import argparse
import os
import time

from newsdedup import Config
from newsdedup.store.index import Index, file_bytes
from newsdedup.synth import generate_corpus


def _written() -> int:
    """Bytes this process has written through system calls (the WAL, its checkpoints), where
    /proc tells it; 0 elsewhere."""
    try:
        with open("/proc/self/io") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("wchar:"))
    except (OSError, StopIteration):
        return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--docs", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--db", default="bench-data/index-rate.db")
    ap.add_argument("--trend", type=int, default=0, help="print the rate of each N articles")
    ap.add_argument(
        "--compact", action="store_true", help="then compact the file and print its size again"
    )
    args = ap.parse_args()
    articles = list(generate_corpus(args.docs, seed=args.seed).articles)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(args.db + suffix):
            os.remove(args.db + suffix)
    with Index(args.db, Config()) as index:
        index.add(articles[: args.batch])  # compiles the kernels, opens the file
        start, cpu, written = time.perf_counter(), time.process_time(), _written()
        mark, since = start, args.batch
        for lo in range(args.batch, args.docs, args.batch):
            index.add(articles[lo : lo + args.batch])
            done = min(lo + args.batch, args.docs)
            if args.trend and (done - since >= args.trend or done == args.docs):
                now = time.perf_counter()
                print(f"  {done:>9,} articles: {(done - since) / (now - mark):.1f} articles/s")
                mark, since = now, done
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        written = _written() - written
        # what the first reader after the run pays (topics are stale); no-op before they were
        getattr(index, "refresh_topics", lambda: None)()
        topics = time.perf_counter() - start - seconds
        size = file_bytes(args.db)
        compacted = index.compact() if args.compact else None
    n = args.docs - args.batch
    print(
        f"{n / seconds:.1f} articles/s ({1000 * cpu / n:.2f} CPU ms an article; "
        f"then {topics:.2f} s for the topics' first read; load {os.getloadavg()[0]:.1f}); "
        f"{written / n / 1e3:.1f} KB written an article; file "
        f"{size / args.docs / 1e3:.2f} KB an article"
    )
    if compacted is not None:
        print(
            f"compacted in {compacted['seconds']:.1f} s: "
            f"{compacted['bytes_before'] / args.docs / 1e3:.2f} -> "
            f"{compacted['bytes_after'] / args.docs / 1e3:.2f} KB an article"
        )


if __name__ == "__main__":
    main()
