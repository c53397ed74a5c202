"""The Spark job on a real standalone cluster, not ``local[n]``: one master and two workers
started from PySpark's own ``spark-class``, each executor its own JVM with its own Python
workers, the shuffle between executors over the network (loopback). The groups equal the local
engine's, and the job's tasks ran on both executors (docs/scaling.md, "A real cluster").

The driver runs in its own process (``spark-submit`` of a small script that calls the real
entry point, ``newsdedup.spark.submit.main``), as a cluster job is submitted. It cannot run in
the test process: one JVM holds one SparkContext, and tests/spark's local[2] session may
already be open in it. benchmarks/bench_spark_cluster.py starts the cluster the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("starts Spark's daemons with bin/spark-class (bash)", allow_module_level=True)
pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17+ on the PATH", allow_module_level=True)

import newsdedup  # noqa: E402
from newsdedup import Config  # noqa: E402
from newsdedup.jobs import dedup_files  # noqa: E402
from newsdedup.spark.cluster import (  # noqa: E402
    Cluster,
    ClusterError,
    standalone_cluster,
    tails,
)
from newsdedup.synth import write_corpus_jsonl  # noqa: E402

SPARK_HOME = Path(pyspark.__file__).parent
#: JVM flags for every daemon, executor and the driver: on a box of two cores the C2 compiler
#: and a parallel collector compete with the work; C1 only halves this test's time there.
JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
START_TIMEOUT_S = 180  # master up, then both workers registered
JOB_TIMEOUT_S = 900
DOCS = 300

#: The driver: the spark-submit entry point as it is, then a probe of where Python runs.
DRIVER = """\
import json, os, sys, time
from newsdedup.spark.submit import main
main(sys.argv[1:])  # prints {"outputs": ..., "stats": ...}
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
def where(_):
    time.sleep(0.3)  # keep both executors busy: the 8 tasks spread over them
    yield os.getcwd(), os.getpid()
sc.setJobGroup("probe", "which Python workers run the tasks")
probe = sc.parallelize(range(8), 8).mapPartitions(where).collect()
print(json.dumps({
    "app": sc.applicationId,
    "master": sc.master,
    "block_managers": sc._jsc.sc().getExecutorMemoryStatus().size(),
    "python_workers": probe,
}))
spark.stop()
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A master and two workers of one core and 1 GB each, on 127.0.0.1, torn down after."""
    src = str(Path(newsdedup.__file__).parents[1])  # executors import this very checkout
    root = tmp_path_factory.mktemp("standalone")
    try:
        with standalone_cluster(
            root, java_opts=JAVA_OPTS, pythonpath=src, timeout_s=START_TIMEOUT_S
        ) as running:
            yield running
    except ClusterError as exc:
        pytest.fail(str(exc), pytrace=False)


@dataclass(frozen=True)
class Submitted:
    run: dict[str, Any]  # submit.main's JSON: outputs and stats
    probe: dict[str, Any]  # the driver's probe (see DRIVER)
    events: list[dict[str, Any]]  # the application's event log
    output: Path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cluster-corpus") / "corpus.jsonl"
    write_corpus_jsonl(path, DOCS, seed=7, words=200)
    return path


@pytest.fixture(scope="module")
def submitted(
    cluster: Cluster, corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> Submitted:
    """The copy-dedup job submitted to the cluster, as a cluster user submits it."""
    work = tmp_path_factory.mktemp("cluster-job")
    driver = work / "driver.py"
    driver.write_text(DRIVER)
    events = work / "events"
    events.mkdir()
    output = work / "groups.parquet"
    split = max(4096, corpus.stat().st_size // 4 + 1)  # four input splits, read on both
    conf = {
        "spark.executor.cores": "1",
        "spark.cores.max": "2",  # two executors: one per worker
        "spark.executor.memory": "512m",
        "spark.driver.memory": "1g",
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.files.maxPartitionBytes": str(split),
        "spark.ui.enabled": "false",
        # the first job waits for both executors, so both get work from the start
        "spark.scheduler.minRegisteredResourcesRatio": "1.0",
        "spark.scheduler.maxRegisteredResourcesWaitingTime": "120s",
        # executors on one host read each other's shuffle files from disk unless told not
        # to: this makes every block of another executor come over the network
        "spark.shuffle.readHostLocalDisk": "false",
        "spark.locality.wait": "0s",  # no waiting 3 s per task for the executor caching it
        "spark.driver.extraJavaOptions": JAVA_OPTS,
        "spark.executor.extraJavaOptions": JAVA_OPTS,
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": events.as_uri(),
        "spark.eventLog.compress": "false",
        "spark.eventLog.rolling.enabled": "false",
    }
    command = [
        str(SPARK_HOME / "bin" / "spark-submit"),
        *("--master", cluster.url, "--deploy-mode", "client"),
        *(arg for key, value in conf.items() for arg in ("--conf", f"{key}={value}")),
        str(driver),
        *(str(corpus), "-o", str(output)),
    ]
    log = work / "driver.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            command,
            env=cluster.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=JOB_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(
                f"the job did not finish in {JOB_TIMEOUT_S} s\n{tails([log, *cluster.logs])}",
                pytrace=False,
            )
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    if proc.returncode != 0 or len(lines) < 2:
        pytest.fail(
            f"spark-submit exited {proc.returncode}; stdout:\n{out.decode()[-3000:]}\n"
            f"{tails([log, *cluster.logs], 6000)}",
            pytrace=False,
        )
    run, probe = json.loads(lines[0]), json.loads(lines[-1])
    event_log = events / probe["app"]
    assert event_log.is_file(), f"no finished event log in {events}: {os.listdir(events)}"
    recorded = [json.loads(line) for line in event_log.read_text().splitlines() if line]
    return Submitted(run=run, probe=probe, events=recorded, output=output)


def _rows(path: Path) -> dict[str, dict[str, Any]]:
    """A groups output (a file or a Spark folder of parts) by document id."""
    rows = ds.dataset(path, format="parquet").to_table().to_pylist()
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        assert row["id"] not in out, f"{row['id']} written twice"
        out[row["id"]] = row
    return out


def test_cluster_groups_equal_local_groups(
    submitted: Submitted, corpus: Path, tmp_path: Path
) -> None:
    local = dedup_files([corpus], output=tmp_path / "local.parquet", config=Config())
    assert local.stats.groups > 20  # the corpus really has copies
    expected, got = _rows(tmp_path / "local.parquet"), _rows(submitted.output)
    assert got.keys() == expected.keys()
    for doc, row in expected.items():
        other = got[doc]
        assert (other["group"], other["representative"], other["kind"]) == (
            row["group"],
            row["representative"],
            row["kind"],
        ), doc
        if row["scores"] is None:
            assert other["scores"] is None, doc
        else:
            assert other["scores"] == pytest.approx(row["scores"], abs=1e-12), doc
    stats = submitted.run["stats"]
    assert stats["documents"] == local.stats.documents == DOCS
    assert stats["groups"] == local.stats.groups
    assert stats["copies_by_kind"] == local.stats.copies_by_kind


def test_cluster_job_ran_on_two_executors_of_two_workers(
    submitted: Submitted, cluster: Cluster
) -> None:
    probe = submitted.probe
    assert probe["master"] == cluster.url
    assert probe["block_managers"] == 3  # the driver and two executors
    events = submitted.events
    added = {
        e["Executor ID"]: e["Executor Info"]["Log Urls"]["stderr"]
        for e in events
        if e["Event"] == "SparkListenerExecutorAdded"
    }
    assert len(added) == 2, added
    # each executor's logs are served by the worker that launched it: one on each
    assert {url.split("/logPage")[0] for url in added.values()} == set(cluster.worker_uis)
    for work in cluster.worker_dirs:
        launched = list((work / probe["app"]).glob("*/stderr"))
        assert len(launched) == 1, f"{work}: {launched}"  # one executor JVM per worker

    probe_stages = {
        stage
        for e in events
        if e["Event"] == "SparkListenerJobStart"
        and (e.get("Properties") or {}).get("spark.jobGroup.id") == "probe"
        for stage in e["Stage IDs"]
    }
    ends = [
        e
        for e in events
        if e["Event"] == "SparkListenerTaskEnd" and e["Stage ID"] not in probe_stages
    ]
    assert {e["Task End Reason"]["Reason"] for e in ends} == {"Success"}
    per_executor = {x: sum(e["Task Info"]["Executor ID"] == x for e in ends) for x in added}
    assert all(n > 0 for n in per_executor.values()), per_executor  # the job used both
    remote = sum(
        (e.get("Task Metrics") or {}).get("Shuffle Read Metrics", {}).get("Remote Bytes Read", 0)
        for e in ends
    )
    assert remote > 0  # shuffle blocks went from one executor to the other over the network

    # separate Python workers: each executor's run in its own work dir, with its own pids
    places = {Path(cwd).parent.parent for cwd, _ in probe["python_workers"]}
    assert places == set(cluster.worker_dirs), probe["python_workers"]
    assert len({pid for _, pid in probe["python_workers"]}) >= 2
