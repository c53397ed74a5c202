"""Throughput of the read stage on real news pages, against plain trafilatura.

Reads the 181 pages of the article extraction benchmark (``--data``; gzip-compressed HTML), the
set repeated ``--repeat`` times, three ways:

    trafilatura   ``trafilatura.extract`` on each page's bytes, one process: the peer
    traf.+meta    ``trafilatura.bare_extraction(with_metadata=True)``: the peer asked for the
                  metadata we keep (title, date, author, site), one process
    read w=1      ``read_articles`` in one process (decompression, checks, extraction, Articles)
    read w=2      ``read_articles`` with two worker processes (pool start-up included)

Usage: python benchmarks/bench_read.py [--data PATH] [--repeat N] [--workers 1 2 ...]
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT_DATA = Path("/work/shared/data/article-extraction-benchmark/html")


def _pages(data: Path) -> list[Path]:
    return sorted(p for p in data.iterdir() if p.name.endswith((".html", ".html.gz")))


def _repeated(pages: list[Path], repeat: int, root: Path) -> list[Path]:
    """``repeat`` copies of the set as links under ``root``, so ids stay distinct."""
    paths = []
    for r in range(repeat):
        for page in pages:
            link = root / f"r{r}-{page.name}"
            link.symlink_to(page.resolve())
            paths.append(link)
    return paths


def _plain(paths: list[Path], metadata: bool = False) -> int:
    import trafilatura

    found = 0
    for path in paths:
        raw = path.read_bytes()
        html = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        if metadata:
            doc = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True)
            found += doc is not None and bool(doc.text)
        else:
            found += trafilatura.extract(html, include_comments=False) is not None
    return found


def _ours(paths: list[Path], workers: int) -> int:
    from newsdedup.read import read_articles
    from newsdedup.report import Report

    return sum(1 for _ in read_articles(paths, report=Report(), workers=workers))


def _cleaned(paths: list[Path], workers: int) -> int:
    """The whole read+clean stage as ``newsdedup clean`` runs it: extraction in the pool, then
    learned boilerplate (a spooled second pass), dates and language."""
    from newsdedup.clean.pipeline import clean_corpus
    from newsdedup.read import read_articles
    from newsdedup.report import Report

    report = Report()
    articles = read_articles(paths, report=report, workers=workers)
    return sum(1 for _ in clean_corpus(articles, report=report))


def _time(run: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    found = run()
    return time.perf_counter() - start, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of .html(.gz)")
    parser.add_argument("--repeat", type=int, default=5, help="times the set is read (5)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="(1 2)")
    args = parser.parse_args(argv)
    if not args.data.is_dir() or not _pages(args.data):
        print(f"skipped: no .html or .html.gz pages in {args.data} (pass --data PATH)")
        return 0
    pages = _pages(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        paths = _repeated(pages, args.repeat, Path(tmp))
        runs: list[tuple[str, Callable[[], int]]] = [
            ("trafilatura", lambda: _plain(paths)),
            ("traf.+meta", lambda: _plain(paths, metadata=True)),
        ]
        runs += [(f"read w={w}", lambda w=w: _ours(paths, w)) for w in args.workers]
        runs += [(f"read+clean w={w}", lambda w=w: _cleaned(paths, w)) for w in args.workers]
        _plain(paths[:5])  # imports and first-call set-up are not timed
        results = [(name, *_time(run)) for name, run in runs]
    _table(results, len(paths), len(pages), args.repeat)
    return 0


def _table(results: list[tuple[str, float, int]], n: int, pages: int, repeat: int) -> None:
    print(f"{pages} pages x {repeat} = {n} pages, {os.cpu_count()} CPU cores")
    print(f"{'run':<18}{'seconds':>9}{'pages/s':>10}{'vs trafilatura':>16}{'extracted':>11}")
    base = n / results[0][1]
    for name, seconds, found in results:
        rate = n / seconds
        print(f"{name:<18}{seconds:>9.2f}{rate:>10.1f}{rate / base:>15.2f}x{found:>11}")


if __name__ == "__main__":
    sys.exit(main())
