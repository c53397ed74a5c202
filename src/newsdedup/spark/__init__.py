"""newsdedup on Apache Spark: the same pipeline as the local engine, spread over a cluster.

Needs the ``spark`` extra (``pip install -e '.[spark]'`` in a checkout) and Java 17 or later. Each
stage calls the local engine's functions on Arrow batches (stages.py); the job (job.py) only
moves rows between them with DataFrame operations. See docs/scaling.md.
"""

from newsdedup.spark.job import DEFAULT_CONF, SparkRun, dedup, session

__all__ = ["DEFAULT_CONF", "SparkRun", "dedup", "session"]
