"""Living index benchmark: ingest throughput by batch size, and query latency on a big index.

    python benchmarks/bench_index.py --docs 100000 --db bench-data/index-100000.db

Uses the generated corpus of bench_dedup.py (``bench-data/corpus-N-500-0.jsonl``, made when
missing). Every 100th article is held out of the index; the held-out ones are the queries
(copies of stored articles and articles with no copy), run in-process on a warm Index, then
one cold ``newsdedup query`` call. ``--rates`` builds small indexes at several batch sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_dedup import ensure_corpus

from newsdedup.config import Config
from newsdedup.read import read_articles
from newsdedup.report import Report
from newsdedup.store.index import Index
from newsdedup.types import Article

HOLD_OUT = 100  # every HOLD_OUT-th article is a query, never stored


def _articles(path: Path) -> Iterator[Article]:
    yield from read_articles([path], report=Report())


def _chunks(it: Iterator[Article], size: int, keep: list[Article]) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for i, article in enumerate(it):
        if i % HOLD_OUT == HOLD_OUT - 1:
            keep.append(article)
            continue
        batch.append(article)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def build(corpus: Path, db: Path, batch: int, every: int) -> tuple[list[Article], list[dict]]:
    """Ingest the corpus (held-out articles aside); rate per ``every`` articles."""
    held: list[Article] = []
    trend: list[dict] = []
    done, mark = 0, time.perf_counter()
    start = mark
    with Index(db, Config()) as index:
        for chunk in _chunks(_articles(corpus), batch, held):
            index.add(chunk)
            done += len(chunk)
            if done % every < batch:
                now = time.perf_counter()
                rate = every / (now - mark) if trend else done / (now - start)
                trend.append({"stored": done, "rate": round(rate), "elapsed": round(now - start)})
                print(json.dumps(trend[-1]), file=sys.stderr, flush=True)
                mark = now
        stats = index.stats()
    trend.append(
        {
            "stored": done,
            "seconds": round(time.perf_counter() - start, 1),
            "stats": stats,
        }
    )
    return held, trend


def rates(corpus: Path, sizes: list[int], docs: int) -> list[dict]:
    """Articles/s into a fresh index at each batch size (first ``docs`` articles)."""
    out = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            arts = []
            for i, a in enumerate(_articles(corpus)):
                if i >= docs:
                    break
                arts.append(a)
            start = time.perf_counter()
            with Index(Path(tmp) / "x.db", Config()) as index:
                for lo in range(0, len(arts), size):
                    index.add(arts[lo : lo + size])
            seconds = time.perf_counter() - start
        out.append({"batch": size, "docs": docs, "rate": round(docs / seconds)})
        print(json.dumps(out[-1]), file=sys.stderr, flush=True)
    return out


def latency(db: Path, queries: list[Article]) -> dict:
    """p50/p95/p99 of Index.query over the held-out articles, warm Index in this process."""
    with Index(db, Config()) as index:
        # warm: compiled kernels, and the story assigner loaded (a text with no copy peeks)
        index.query(queries[0])
        index.query(Article(id="warm", text="nothing like any stored article " * 20))
        times, with_copies = [], 0
        for q in queries:
            start = time.perf_counter()
            result = index.query(q)
            times.append((time.perf_counter() - start) * 1000)
            with_copies += bool(result.copies)
    qs = statistics.quantiles(times, n=100)
    return {
        "queries": len(times),
        "with_copies": with_copies,
        "p50_ms": round(qs[49], 2),
        "p95_ms": round(qs[94], 2),
        "p99_ms": round(qs[98], 2),
        "max_ms": round(max(times), 2),
    }


def cold_cli(db: Path, query: Article) -> dict:
    start = time.perf_counter()
    done = subprocess.run(
        ["newsdedup", "query", "--db", str(db), "--text", query.text, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        "cold_cli_s": round(time.perf_counter() - start, 2),
        "copies": done.stdout.count('"id"'),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--data", type=Path, default=Path("bench-data"))
    ap.add_argument("--db", type=Path)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument(
        "--rates", default="", help="batch sizes for the ingest-rate runs, e.g. 10,100,1000"
    )
    ap.add_argument("--rate-docs", type=int, default=20_000)
    ap.add_argument("--queries", type=int, default=1000)
    args = ap.parse_args()
    corpus, _ = ensure_corpus(args.data, args.docs, 500, 0)
    out: dict = {"docs": args.docs, "load": os.getloadavg()}
    if args.rates:
        out["rates"] = rates(corpus, [int(s) for s in args.rates.split(",")], args.rate_docs)
    if args.db:
        if args.db.exists():
            held = [a for i, a in enumerate(_articles(corpus)) if i % HOLD_OUT == HOLD_OUT - 1]
        else:
            held, out["build"] = build(
                corpus, args.db, args.batch, max(args.docs // 10, args.batch)
            )
        out["query"] = latency(args.db, held[: args.queries])
        out["cold"] = cold_cli(args.db, held[0])
    print(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
