"""Where one ``Index.add`` spends its time: build (once, kept) an index of ``--base`` generated
articles in adds of ``--batch``, copy it, then add the next ``--add`` articles to the copy and
print the wall and CPU seconds, the per-stage seconds of ``AddResult`` and, with
``--profile``, the heaviest functions under cProfile.

    python benchmarks/bench_index_profile.py --base 20000 --add 1000 --profile 40

The kernels are compiled and the term caches warmed on a throwaway index first, so the add
is measured as a long-running ingest process would run it (new terms still miss the caches).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import time
from pathlib import Path

from newsdedup import Config
from newsdedup.store.index import Index
from newsdedup.synth import generate_corpus

_SUFFIXES = ("", "-wal", "-shm")


def _remove(path: Path) -> None:
    for suffix in _SUFFIXES:
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--base", type=int, default=20_000, help="articles in the index first")
    ap.add_argument("--add", type=int, default=1000, help="articles in the measured add")
    ap.add_argument("--batch", type=int, default=1000, help="articles per add while building")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path("bench-data"))
    ap.add_argument("--profile", type=int, default=0, help="print this many functions")
    args = ap.parse_args()
    articles = list(generate_corpus(args.base + args.add, seed=args.seed).articles)
    args.dir.mkdir(parents=True, exist_ok=True)
    base = args.dir / f"index-profile-{args.base}-{args.batch}-{args.seed}.db"
    if not base.exists():
        with Index(base, Config()) as index:
            for lo in range(0, args.base, args.batch):
                index.add(articles[lo : min(lo + args.batch, args.base)])
    warm, work = args.dir / "index-profile-warm.db", args.dir / "index-profile-work.db"
    _remove(warm)
    with Index(warm, Config()) as index:
        index.add(articles[: min(300, args.base)])
    _remove(warm)
    _remove(work)
    for suffix in _SUFFIXES:
        if os.path.exists(f"{base}{suffix}"):
            shutil.copy(f"{base}{suffix}", f"{work}{suffix}")
    profiler = cProfile.Profile() if args.profile else None
    with Index(work, Config()) as index:
        start, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        result = index.add(articles[args.base : args.base + args.add])
        if profiler is not None:
            profiler.disable()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    stages = {k: round(v, 2) for k, v in result.seconds.items()}
    print(f"add of {args.add} into {args.base}: wall {wall:.2f} s, cpu {cpu:.2f} s, {stages}")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    _remove(work)


if __name__ == "__main__":
    main()
