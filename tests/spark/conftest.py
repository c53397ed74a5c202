"""One local Spark session for the Spark tests (starting one costs seconds).

Four shuffle partitions, two of input: every shuffle still spreads over several tasks on both
cores, and a 600-document job takes 18 s instead of the 25 s that eight and four gave (each
task pays a Python worker's round trip; the tests' corpora are small)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java 17+ on the PATH")
    from newsdedup.spark import session

    spark = session(
        "local[2]",
        {
            "spark.sql.shuffle.partitions": "4",
            "spark.default.parallelism": "2",
            "spark.ui.enabled": "false",
            "spark.driver.memory": "2g",
        },
    )
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()
