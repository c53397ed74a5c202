"""``newsdedup dedup --engine spark`` from the command line, and its refusals."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pyarrow.dataset as ds
import pytest
from typer.testing import CliRunner

from newsdedup.cli.main import app

runner = CliRunner()

TEXT = "Putin and Xi met in Samarkand on Thursday to talk about trade, energy and the war."


def _corpus(tmp_path: Path) -> Path:
    records = [
        {"id": "a", "text": TEXT},
        {"id": "b", "text": TEXT},
        {"id": "c", "text": "Markets fell in Tokyo as exporters slid on a stronger yen today."},
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    return path


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java")
def test_cli_dedup_on_spark_local_master(tmp_path: Path) -> None:
    out = tmp_path / "groups.parquet"
    done = subprocess.run(
        [sys.executable, "-c", "from newsdedup.cli.main import app; app()",
         "dedup", str(_corpus(tmp_path)), "-o", str(out), "--engine", "spark",
         "--master", "local[1]", "--conf", "spark.ui.enabled=false", "--keep", "representatives"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["id"]: r for r in ds.dataset(out, format="parquet").to_table().to_pylist()}
    assert rows["b"]["representative"] == "a" and rows["b"]["kind"] == "exact"
    assert rows["c"]["representative"] == "c"
    kept = ds.dataset(tmp_path / "groups.dedup.parquet", format="parquet").to_table()
    assert sorted(kept.column("id").to_pylist()) == ["a", "c"]
    assert "groups" in done.stderr  # the summary table


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--engine", "spark", "--explain"], "not with --engine spark"),
        (["--master", "local[2]"], "only with --engine spark"),
        (["--engine", "flink"], "local or spark"),
    ],
)
def test_cli_spark_options_refused(tmp_path: Path, extra: list[str], message: str) -> None:
    result = runner.invoke(app, ["dedup", str(_corpus(tmp_path)), "-o", "x.parquet", *extra])
    assert result.exit_code == 2
    assert message in result.output


def test_spark_submit_entry_point_with_stories(
    spark: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``submit.py`` runs in the session spark-submit made (here the tests' own)."""
    from newsdedup.spark.submit import main

    out = tmp_path / "groups.parquet"
    assert (
        main([str(_corpus(tmp_path)), "-o", str(out), "--stories", str(tmp_path / "s.parquet")])
        == 0
    )
    printed = orjson.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["stats"]["documents"] == 3 and printed["stats"]["groups"] == 1
    stories = {
        r["id"]: r["story"] for r in ds.dataset(tmp_path / "s.parquet").to_table().to_pylist()
    }
    assert stories["a"] == stories["b"] and stories["c"] != stories["a"]


def test_local_masters_get_partitions_per_core_and_this_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    from newsdedup.spark.job import _local_python, _local_settings

    assert _local_settings("local[2]") == {
        "spark.sql.shuffle.partitions": "8",
        "spark.ui.enabled": "false",  # no UI on port 4040 unless asked for
    }
    assert _local_settings("local")["spark.sql.shuffle.partitions"] == "4"
    assert _local_settings("yarn") == {}  # a cluster's settings are the user's
    monkeypatch.delenv("PYSPARK_PYTHON", raising=False)
    _local_python("yarn")
    assert "PYSPARK_PYTHON" not in os.environ
    _local_python("local[2]")
    assert os.environ["PYSPARK_PYTHON"] == sys.executable
    monkeypatch.setenv("PYSPARK_PYTHON", "/opt/py/bin/python")
    _local_python("local[2]")
    assert os.environ["PYSPARK_PYTHON"] == "/opt/py/bin/python"  # the user's choice stays


def test_local_master_jvm_binds_to_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """SPARK_LOCAL_IP is what Spark's UI binds to; it is set only while a local master's JVM
    starts, and one the user set is kept."""
    import os

    from newsdedup.spark.job import _loopback

    monkeypatch.delenv("SPARK_LOCAL_IP", raising=False)
    with _loopback("local[2]"):
        assert os.environ["SPARK_LOCAL_IP"] == "127.0.0.1"
    assert "SPARK_LOCAL_IP" not in os.environ
    with _loopback("yarn"):
        assert "SPARK_LOCAL_IP" not in os.environ
    monkeypatch.setenv("SPARK_LOCAL_IP", "10.0.0.5")
    with _loopback("local[2]"):
        assert os.environ["SPARK_LOCAL_IP"] == "10.0.0.5"
    assert os.environ["SPARK_LOCAL_IP"] == "10.0.0.5"


_UI_PROBE = """
import sys
from newsdedup.spark import session

spark = session("local[1]")
print("default", spark.sparkContext.uiWebUrl)
spark.stop()
spark = session("local[1]", {"spark.ui.enabled": "true"})
port = int(spark.sparkContext.uiWebUrl.rsplit(":", 1)[1])
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    for row in open(table).read().splitlines()[1:]:
        local, state = row.split()[1], row.split()[3]
        address, at = local.split(":")
        if int(at, 16) == port and state == "0A":  # listening
            print("listens", address)
spark.stop()
"""


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java")
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's socket tables")
def test_local_master_has_no_ui_unless_asked_and_then_on_loopback(tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="the spark extra is not installed")
    import os

    env = {k: v for k, v in os.environ.items() if k != "SPARK_LOCAL_IP"}
    done = subprocess.run(
        [sys.executable, "-c", _UI_PROBE], capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "default None"  # no web UI for a local master by default
    listening = [line.split()[1] for line in lines[1:]]
    loopback = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}
    assert listening and set(listening) <= loopback  # 127.0.0.1 (or ::ffff:127.0.0.1, ::1)
