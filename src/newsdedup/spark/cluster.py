"""A standalone Spark cluster on this machine: one master and N workers started from
PySpark's own ``bin/spark-class``, each daemon a JVM of its own in its own process group.

It is how the project runs its Spark job on a real cluster without one at hand
(tests/test_spark_cluster.py, benchmarks/bench_spark_cluster.py, docs/scaling.md "A real
cluster"): tasks and closures cross JVMs, each executor has its own Python workers, and with
``spark.shuffle.readHostLocalDisk=false`` shuffle blocks cross the network (loopback).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdedup.errors import NewsdedupError

__all__ = ["Cluster", "ClusterError", "spark_env", "spark_home", "standalone_cluster", "tails"]


class ClusterError(NewsdedupError):
    """A daemon did not start or register; the message ends with the daemons' log tails."""


@dataclass(frozen=True)
class Cluster:
    url: str  #: spark://127.0.0.1:PORT
    webui: int  #: the master's web UI port
    worker_dirs: tuple[Path, ...]  #: each worker's work dir (its executors' logs)
    worker_uis: tuple[str, ...]  #: each worker's web UI, http://127.0.0.1:PORT
    env: dict[str, str]  #: the environment a driver (spark-submit) should run with
    logs: tuple[Path, ...]  #: the daemons' logs


@contextlib.contextmanager
def standalone_cluster(
    root: Path,
    *,
    workers: int = 2,
    cores: int = 1,
    memory: str = "1g",
    java_opts: str = "",
    pythonpath: str | None = None,
    timeout_s: float = 180.0,
) -> Iterator[Cluster]:
    """A master and ``workers`` workers of ``cores`` cores and ``memory`` each on 127.0.0.1,
    with conf, work and local dirs under ``root``; every daemon is killed on exit (SIGTERM to
    its process group, then SIGKILL). ``pythonpath`` is put first on the executors' path."""
    port, webui, *worker_ports = _free_ports(2 + workers)
    env = spark_env(root, java_opts=java_opts, pythonpath=pythonpath)
    spark_class = str(spark_home() / "bin" / "spark-class")
    procs: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []

    def start(name: str, *args: str) -> None:
        log = root / f"{name}.log"
        logs.append(log)
        with log.open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [spark_class, *args],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, killed whole
                )
            )

    def wait(what: str, ready: Any) -> None:
        deadline = time.monotonic() + timeout_s
        while not ready():
            dead = [p.args for p in procs if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                why = f"exited: {dead}" if dead else f"not within {timeout_s:g} s"
                raise ClusterError(f"standalone cluster: {what} {why}\n{tails(logs)}")
            time.sleep(0.25)

    try:
        start(
            "master",
            "org.apache.spark.deploy.master.Master",
            *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(webui)),
        )
        # workers started before the master listens wait ~10 s to retry: start them after
        wait("the master did not come up", lambda: _state(webui).get("status") == "ALIVE")
        url = _state(webui)["url"]  # Spark moves to the next port if one was taken since
        worker_dirs = []
        for i, ui in enumerate(worker_ports):
            work = root / f"worker{i}"
            work.mkdir(exist_ok=True)
            worker_dirs.append(work)
            start(
                f"worker{i}",
                "org.apache.spark.deploy.worker.Worker",
                url,
                *("--host", "127.0.0.1", "--cores", str(cores), "--memory", memory),
                *("--webui-port", str(ui), "--work-dir", str(work)),
            )
        wait(
            f"did not register {workers} workers",
            lambda: _state(webui).get("aliveworkers") == workers,
        )
        yield Cluster(
            url=url,
            webui=webui,
            worker_dirs=tuple(worker_dirs),
            worker_uis=tuple(w["webuiaddress"] for w in _state(webui)["workers"]),
            env=env,
            logs=tuple(logs),
        )
    finally:
        _stop(procs[::-1])  # workers (and their executors) first


def spark_home() -> Path:
    """PySpark's own Spark (its bin/spark-class and bin/spark-submit)."""
    import pyspark

    return Path(pyspark.__file__).parent


def spark_env(root: Path, *, java_opts: str = "", pythonpath: str | None = None) -> dict[str, str]:
    """The environment of the daemons and of a driver next to them: conf and local dirs under
    ``root`` (no spark-defaults.conf of the machine), 127.0.0.1, this Python."""
    for name in ("conf", "local"):
        (root / name).mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "SPARK_HOME": str(spark_home()),
        "SPARK_CONF_DIR": str(root / "conf"),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOCAL_DIRS": str(root / "local"),
        "PYSPARK_PYTHON": sys.executable,
        "PYTHONPATH": os.pathsep.join(p for p in (pythonpath, os.environ.get("PYTHONPATH")) if p),
        "SPARK_DAEMON_JAVA_OPTS": java_opts,
        # no REST submission server: it would take the fixed port 6066
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
    }


def tails(logs: tuple[Path, ...] | list[Path], chars: int = 3000) -> str:
    """The last ``chars`` characters of each log, for an error message."""
    parts = []
    for log in logs:
        text = log.read_text(errors="replace") if log.exists() else "(no log)"
        parts.append(f"--- {log.name} (last {chars} characters) ---\n{text[-chars:]}")
    return "\n".join(parts)


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _state(webui: int) -> dict[str, Any]:
    """The master's JSON status ({} while it does not answer)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{webui}/json/", timeout=5) as resp:
            return json.load(resp)  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return {}


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each process group (a worker's executors are in its group), then SIGKILL."""
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # stragglers of the group, if any
        proc.wait()
