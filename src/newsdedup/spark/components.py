"""Connected components of an edge DataFrame with the large-star/small-star iteration.

Kiveris et al., "Connected Components in MapReduce and Beyond" (SoCC 2014): alternate
*large-star* (every vertex links its larger neighbours to the smallest vertex of its
neighbourhood) and *small-star* (every vertex links itself and its smaller neighbours to the
smallest of them) until the edge set stops changing; then every vertex points at the smallest
vertex of its component. Plain DataFrame joins and aggregations: no GraphFrames JAR. Rounds grow
with the log of the component diameter; each round's edges are checkpointed locally so the plan
does not grow with the rounds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["MAX_ROUNDS", "connected_components"]

#: Rounds before giving up (each at least halves a path's length: 2^64 vertices need 64).
MAX_ROUNDS = 100


def _large_star(edges: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    both = edges.unionByName(edges.select(F.col("v").alias("u"), F.col("u").alias("v")))
    smallest = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (
        both.where(F.col("v") > F.col("u"))
        .join(smallest, "u")
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    down = edges.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")).where(
        F.col("u") != F.col("v")
    )
    smallest = down.groupBy("u").agg(F.min("v").alias("m"))
    linked = (
        down.join(smallest, "u")
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
        .where(F.col("u") != F.col("v"))
    )
    return linked.unionByName(smallest.select("u", F.col("m").alias("v"))).distinct()


def _signature(edges: DataFrame) -> tuple[int, int]:
    """How many edges and an order-free checksum of them: equal before and after a round only
    when the round changed nothing (up to a 64-bit hash collision, then one more round)."""
    from pyspark.sql import functions as F

    row = edges.agg(
        F.count(F.lit(1)).alias("n"), F.sum(F.xxhash64("u", "v").cast("decimal(38,0)")).alias("h")
    ).first()
    assert row is not None
    return int(row["n"]), int(row["h"] or 0)


def connected_components(edges: DataFrame) -> DataFrame:
    """``(u, v)`` long edges -> ``(vertex, component)`` for every vertex on some edge, where
    ``component`` is the smallest vertex of its connected component."""
    from pyspark.sql import functions as F

    current = edges.select(F.col("u").cast("long"), F.col("v").cast("long")).where(
        F.col("u") != F.col("v")
    )
    current = current.localCheckpoint()
    before = _signature(current)
    for _ in range(MAX_ROUNDS):
        current = _small_star(_large_star(current)).localCheckpoint()
        after = _signature(current)
        if after == before:
            break
        before = after
    else:  # pragma: no cover - needs a graph of diameter beyond 2^100
        raise RuntimeError("connected components did not converge; report this as a bug")
    # converged: a star per component, every edge (vertex, root) with root the smallest
    stars = current.select(F.col("u").alias("vertex"), F.col("v").alias("component"))
    roots = current.select(F.col("v").alias("vertex"), F.col("v").alias("component"))
    return stars.unionByName(roots).groupBy("vertex").agg(F.min("component").alias("component"))
