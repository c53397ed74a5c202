"""Query latency when a query finds translations: the living index on real multilingual news.

    python benchmarks/bench_query_translations.py --db /tmp/wmt-query.db [--dump out.json]
        [--data PATH] [--repeat 1] [--profile prof.out]

The WMT development set (``../shared/data/wmt-news-dev``, see its README): its 268 non-English
originals are the queries, held out; the other 1,000 articles are stored in file order in adds
of 100 (once: an existing ``--db`` is reused). Each query is one ``Index.query`` on a warm Index
in this process (the first query run once before timing). Printed: p50/p95/p99/max wall ms and
CPU ms a query (process time, all threads), how many queries found a translation and how many of
those are right (the best partner is in the query's translation group in ``truth.json``;
``all_right``: every partner is), and the load. ``--dump`` writes every query's translations
with their figures (to compare two builds).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsdedup.config import Config
from newsdedup.store.index import Index
from newsdedup.types import Article

WMT = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt-news-dev"
BATCH = 100


def split(data: Path) -> tuple[list[dict[str, str]], list[dict[str, str]], dict[str, str]]:
    """(stored rows, query rows, truth): the queries are the non-English originals."""
    rows = [json.loads(line) for line in (data / "docs.jsonl").open(encoding="utf-8")]
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    held = [r for r in rows if r["kind"] == "original" and r["lang"] != "en"]
    stored = [r for r in rows if not (r["kind"] == "original" and r["lang"] != "en")]
    return stored, held, truth


def _article(row: dict[str, str]) -> Article:
    return Article(id=row["id"], text=row["text"], title=row.get("title") or None)


def build(db: Path, stored: list[dict[str, str]]) -> float:
    start = time.perf_counter()
    with Index(db, Config()) as index:
        for lo in range(0, len(stored), BATCH):
            index.add([_article(r) for r in stored[lo : lo + BATCH]])
    return time.perf_counter() - start


def _translations(result) -> list[list[object]]:  # type: ignore[no-untyped-def]
    out = []
    for link in result.copies:
        t = link.translation
        if t is not None:
            out.append([t.partner, t.lang, t.partner_lang, t.score, t.cosine, t.anchors, t.margin])
    return out


def run(db: Path, held: list[dict[str, str]], repeat: int, profile: Path | None) -> dict:
    queries = [_article(r) for r in held]
    found: dict[str, list[list[object]]] = {}
    wall, cpu = [], []
    prof = cProfile.Profile() if profile else None
    with Index(db, Config()) as index:
        index.query(queries[0])  # warm: compiled kernels, encoder, the read connection's state
        for _ in range(repeat):
            for q in queries:
                w, c = time.perf_counter(), time.process_time()
                if prof is not None:
                    prof.enable()
                result = index.query(q)
                if prof is not None:
                    prof.disable()
                wall.append((time.perf_counter() - w) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                found[q.id] = _translations(result)
    if prof is not None and profile is not None:
        prof.dump_stats(str(profile))
    qs = statistics.quantiles(wall, n=100)
    return {
        "queries": len(wall),
        "p50_ms": round(qs[49], 1),
        "p95_ms": round(qs[94], 1),
        "p99_ms": round(qs[98], 1),
        "max_ms": round(max(wall), 1),
        "cpu_ms_mean": round(statistics.fmean(cpu), 1),
        "cpu_ms_p50": round(statistics.median(cpu), 1),
        "found": found,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=WMT)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=1, help="passes over the queries")
    ap.add_argument("--dump", type=Path, help="write each query's translations (JSON)")
    ap.add_argument("--profile", type=Path, help="cProfile of the timed queries")
    args = ap.parse_args()
    if not (args.data / "docs.jsonl").exists():
        print(f"skipped: no WMT development set at {args.data}")
        return 0
    stored, held, truth = split(args.data)
    out: dict = {"stored": len(stored), "load_before": os.getloadavg()}
    if not args.db.exists():
        out["build_s"] = round(build(args.db, stored), 1)
    figures = run(args.db, held, args.repeat, args.profile)
    found = figures.pop("found")
    hits = [q for q, t in found.items() if t]
    right = sum(truth[found[q][0][0]] == truth[q] for q in hits)
    every = sum(all(truth[t[0]] == truth[q] for t in found[q]) for q in hits)
    out |= figures | {"found": len(hits), "right": right, "all_right": every}
    out["load_after"] = os.getloadavg()
    print(json.dumps(out))
    if args.dump:
        args.dump.write_text(json.dumps(found, indent=0, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
