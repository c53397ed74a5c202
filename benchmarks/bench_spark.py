"""The Spark engine against the local engine on the same generated corpus, in one run.

    python benchmarks/bench_spark.py --docs 100000
    python benchmarks/bench_spark.py --docs 1000000 --master 'local[2]' --json out.json

The corpus is bench_dedup.py's (``bench-data/``, reused when present). The local engine runs
as ``newsdedup dedup`` in a child process; the Spark job runs in this process (``--master``,
default ``local[2]``) so that its metrics can be read from Spark's status API afterwards:
shuffle bytes written and read over all stages, per document. Both write Parquet groups; the
script then checks that every document has the same group, representative and kind in both.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds

sys.path.insert(0, str(Path(__file__).parent))
from bench_dedup import ensure_corpus


def _groups(path: Path) -> dict[str, tuple[str, str, str]]:
    table = ds.dataset(path, format="parquet").to_table(
        columns=["id", "group", "representative", "kind"]
    )
    cols = table.to_pydict()
    return {
        i: (g, r, k)
        for i, g, r, k in zip(
            cols["id"], cols["group"], cols["representative"], cols["kind"], strict=True
        )
    }


def _shuffle_bytes(spark: Any) -> dict[str, int]:
    """Sum of every stage's shuffle write and read, and how many Spark jobs and stages ran
    (adaptive execution runs each shuffle as a job of its own), from the driver's REST API."""
    url = spark.sparkContext.uiWebUrl
    app = spark.sparkContext.applicationId
    with urllib.request.urlopen(f"{url}/api/v1/applications/{app}/stages") as resp:
        stages = json.load(resp)
    with urllib.request.urlopen(f"{url}/api/v1/applications/{app}/jobs") as resp:
        jobs = json.load(resp)
    return {
        "jobs": len(jobs),
        "shuffle_write": sum(s.get("shuffleWriteBytes", 0) for s in stages),
        "shuffle_read": sum(s.get("shuffleReadBytes", 0) for s in stages),
        "input": sum(s.get("inputBytes", 0) for s in stages),
        "spilled_disk": sum(s.get("diskBytesSpilled", 0) for s in stages),
        "stages": len(stages),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--words", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=Path("bench-data"))
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--driver-memory", default="12g", help="spark.driver.memory (local mode)")
    ap.add_argument("--conf", action="append", default=[], help="extra Spark setting KEY=VALUE")
    ap.add_argument("--skip-local", action="store_true", help="only the Spark job")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    corpus, _ = ensure_corpus(args.data, args.docs, args.words, args.seed)
    work = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    figures: dict[str, Any] = {"docs": args.docs, "master": args.master}
    try:
        if not args.skip_local:
            start = time.perf_counter()
            subprocess.run(
                ["newsdedup", "dedup", str(corpus), "-o", str(work / "local.parquet"), "-q"],
                check=True,
            )
            local_s = time.perf_counter() - start
            local_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            figures["local"] = {
                "seconds": round(local_s, 1),
                "docs_per_s": round(args.docs / local_s),
                "peak_rss_mib": round(local_rss),
            }
            print(f"local engine: {local_s:.1f} s", file=sys.stderr, flush=True)

        from newsdedup.spark import dedup, session

        conf = {
            "spark.driver.memory": args.driver_memory,
            "spark.ui.enabled": "true",  # the shuffle figures come from the UI's REST API
            **dict(c.split("=", 1) for c in args.conf),
        }
        spark = session(args.master, conf)
        spark.sparkContext.setLogLevel("ERROR")
        start = time.perf_counter()
        run = dedup(spark, [str(corpus)], output=str(work / "spark.parquet"))
        spark_s = time.perf_counter() - start
        shuffled = _shuffle_bytes(spark)
        spark.stop()
        figures["spark"] = {
            "seconds": round(spark_s, 1),
            "docs_per_s": round(args.docs / spark_s),
            "stage_seconds": run.stats.seconds,
            "candidate_pairs": run.stats.candidate_pairs,
            "verified_pairs": run.stats.verified_pairs,
            "oversized_buckets": run.stats.oversized_buckets,
            "largest_bucket": run.largest_bucket,
            "largest_component": run.largest_component,
            **shuffled,
            "shuffle_write_per_doc": round(shuffled["shuffle_write"] / args.docs),
            "shuffle_read_per_doc": round(shuffled["shuffle_read"] / args.docs),
        }
        print(f"spark {args.master}: {spark_s:.1f} s", file=sys.stderr, flush=True)
        if not args.skip_local:
            figures["spark_vs_local_time"] = round(spark_s / figures["local"]["seconds"], 2)
            local, other = _groups(work / "local.parquet"), _groups(work / "spark.parquet")
            figures["identical_groups"] = local == other
            figures["documents_differing"] = sum(
                1 for k in local.keys() | other.keys() if local.get(k) != other.get(k)
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
