"""The Spark job on a standalone cluster of two workers, against local[2] and the local engine.

    python benchmarks/bench_spark_cluster.py --docs 20000
    python benchmarks/bench_spark_cluster.py --docs 100000 --executor-memory 4g --json out.json

On this machine it starts a standalone cluster from PySpark's own bin/spark-class, as
tests/test_spark_cluster.py does: one master and two workers of one core each, on 127.0.0.1,
each executor its own JVM with its own Python workers. Executors on one host would read each
other's shuffle files from disk; ``spark.shuffle.readHostLocalDisk=false`` makes them fetch
every block of another executor over the network, as executors on two machines must.

Then, on bench_dedup.py's generated corpus (``bench-data/``, reused when present):
- the local engine, ``newsdedup dedup``, in a child process;
- the Spark job on ``local[2]`` (one JVM, two task threads), through spark-submit;
- the Spark job on the cluster (``spark.cores.max=2``: two executors of one core), through
  spark-submit.

Both Spark runs use the same driver script, the same shuffle partitions and the same JVM
flags. "job" is the time of ``newsdedup.spark.dedup`` alone (the session is up and, on the
cluster, both executors registered); "submit" is spark-submit's whole run, JVM and executor
start included. Every run writes Parquet groups; the script checks that the three agree
document by document (group, representative, kind).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from bench_dedup import ensure_corpus
from bench_spark import _groups

from newsdedup.spark.cluster import spark_env, spark_home, standalone_cluster

#: Runs the job and prints its figures as one JSON line (argv: master, input, output).
DRIVER = """\
import json, sys, time
from newsdedup.spark import dedup, session
master, source, output = sys.argv[1:4]
spark = session(master)
sc = spark.sparkContext
start = time.perf_counter()
run = dedup(spark, [source], output=output)
seconds = time.perf_counter() - start
print(json.dumps({
    "app": sc.applicationId,
    "seconds": seconds,
    "stage_seconds": run.stats.seconds,
    "documents": run.stats.documents,
    "groups": run.stats.groups,
    "candidate_pairs": run.stats.candidate_pairs,
    "verified_pairs": run.stats.verified_pairs,
    "block_managers": sc._jsc.sc().getExecutorMemoryStatus().size(),
}))
spark.stop()
"""


def _submit(
    env: dict[str, str], master: str, conf: dict[str, str], work: Path, name: str, corpus: Path
) -> dict[str, Any]:
    """spark-submit the driver; its JSON line, with the wall time and the event log's figures."""
    events = work / f"{name}-events"
    events.mkdir()
    conf = {
        **conf,
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": events.as_uri(),
        "spark.eventLog.compress": "false",
        "spark.eventLog.rolling.enabled": "false",
    }
    command = [
        str(spark_home() / "bin" / "spark-submit"), "--master", master,
        *(arg for key, value in conf.items() for arg in ("--conf", f"{key}={value}")),
        str(work / "driver.py"), master, str(corpus), str(work / f"{name}.parquet"),
    ]  # fmt: skip
    log = work / f"{name}.log"
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with log.open("wb") as err:
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=err, check=False)
    wall = time.perf_counter() - start
    lines = [line for line in done.stdout.decode().splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(
            f"{name}: spark-submit exited {done.returncode}\n{log.read_text()[-5000:]}"
        )
    figures = json.loads(lines[-1])
    figures["submit_seconds"] = wall
    # other work on the machine shows here: this run alone keeps about 2 cores busy
    figures["load_average_1min"] = [load_before, os.getloadavg()[0]]
    figures.update(_event_figures(events / figures["app"]))
    return figures


def _event_figures(path: Path) -> dict[str, Any]:
    """Tasks per executor, failed tasks, the tasks' summed run time and JVM CPU time (the
    Python workers' CPU is not in it), and shuffle bytes, from a finished event log."""
    tasks: dict[str, int] = {}
    failed = remote = local = written = run_ms = cpu_ns = 0
    for line in path.read_text().splitlines():
        event = json.loads(line)
        if event["Event"] != "SparkListenerTaskEnd":
            continue
        executor = event["Task Info"]["Executor ID"]
        tasks[executor] = tasks.get(executor, 0) + 1
        failed += event["Task End Reason"]["Reason"] != "Success"
        metrics = event.get("Task Metrics") or {}
        run_ms += metrics.get("Executor Run Time", 0)
        cpu_ns += metrics.get("Executor CPU Time", 0)
        read = metrics.get("Shuffle Read Metrics", {})
        remote += read.get("Remote Bytes Read", 0)
        local += read.get("Local Bytes Read", 0)
        written += metrics.get("Shuffle Write Metrics", {}).get("Shuffle Bytes Written", 0)
    return {
        "tasks_per_executor": tasks,
        "failed_tasks": failed,
        "task_run_seconds": run_ms / 1000,
        "task_jvm_cpu_seconds": cpu_ns / 1e9,
        "shuffle_written": written,
        "shuffle_read_remote": remote,
        "shuffle_read_local": local,
    }


def _differing(a: dict[str, Any], b: dict[str, Any]) -> int:
    return sum(1 for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        epilog="Needs the spark extra and Java 17+ (docs/scaling.md, 'A real cluster').",
    )
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--words", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=Path("bench-data"))
    ap.add_argument("--partitions", type=int, default=8, help="spark.sql.shuffle.partitions")
    ap.add_argument("--executor-memory", default="2g", help="each of the two executors")
    ap.add_argument("--driver-memory", default="2g", help="the cluster run's driver")
    ap.add_argument(
        "--local-driver-memory", default="4g", help="local[2]'s driver, which runs the tasks"
    )
    ap.add_argument("--java-opts", default="", help="extra JVM flags for every Spark JVM")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    if shutil.which("java") is None:
        raise SystemExit("Spark needs Java 17+ on the PATH")
    corpus, _ = ensure_corpus(args.data, args.docs, args.words, args.seed)
    work = Path(tempfile.mkdtemp(prefix="bench-spark-cluster-"))
    (work / "driver.py").write_text(DRIVER)
    import newsdedup

    src = str(Path(newsdedup.__file__).parents[1])  # executors import this very checkout
    env = spark_env(work, java_opts=args.java_opts, pythonpath=src)
    common = {"spark.sql.shuffle.partitions": str(args.partitions), "spark.ui.enabled": "false"}
    if args.java_opts:
        common["spark.driver.extraJavaOptions"] = args.java_opts
        common["spark.executor.extraJavaOptions"] = args.java_opts
    figures: dict[str, Any] = {
        "docs": args.docs,
        "words": args.words,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "from newsdedup.cli.main import app; app()", "dedup",
             str(corpus), "-o", str(work / "engine.parquet"), "-q"],
            check=True,
        )  # fmt: skip
        figures["engine_seconds"] = time.perf_counter() - start
        print(f"local engine: {figures['engine_seconds']:.1f} s", file=sys.stderr, flush=True)

        local_conf = {**common, "spark.driver.memory": args.local_driver_memory}
        figures["local2"] = _submit(env, "local[2]", local_conf, work, "local2", corpus)
        print(f"local[2]: {figures['local2']['seconds']:.1f} s", file=sys.stderr, flush=True)

        started = time.perf_counter()
        with standalone_cluster(
            work, workers=2, memory=args.executor_memory, java_opts=args.java_opts, pythonpath=src
        ) as cluster:
            figures["cluster_start_seconds"] = time.perf_counter() - started
            cluster_conf = {
                **common,
                "spark.driver.memory": args.driver_memory,
                "spark.executor.memory": args.executor_memory,
                "spark.executor.cores": "1",
                "spark.cores.max": "2",
                "spark.scheduler.minRegisteredResourcesRatio": "1.0",
                "spark.scheduler.maxRegisteredResourcesWaitingTime": "120s",
                "spark.shuffle.readHostLocalDisk": "false",
            }
            figures["cluster"] = _submit(
                cluster.env, cluster.url, cluster_conf, work, "cluster", corpus
            )
        print(f"cluster: {figures['cluster']['seconds']:.1f} s", file=sys.stderr, flush=True)
        figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]

        engine, local2 = _groups(work / "engine.parquet"), _groups(work / "local2.parquet")
        on_cluster = _groups(work / "cluster.parquet")
        figures["documents_differing"] = {
            "local2_vs_engine": _differing(local2, engine),
            "cluster_vs_engine": _differing(on_cluster, engine),
        }
        figures["identical_groups"] = engine == local2 == on_cluster
        figures["ratios"] = {
            "cluster_job_vs_engine": figures["cluster"]["seconds"] / figures["engine_seconds"],
            "cluster_job_vs_local2_job": figures["cluster"]["seconds"]
            / figures["local2"]["seconds"],
            "local2_job_vs_engine": figures["local2"]["seconds"] / figures["engine_seconds"],
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(_rounded(figures), indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
