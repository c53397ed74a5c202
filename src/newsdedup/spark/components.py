"""Connected components of an edge DataFrame with the large-star/small-star iteration.

Kiveris et al., "Connected Components in MapReduce and Beyond" (SoCC 2014): alternate
*large-star* (every vertex links its larger neighbours to the smallest vertex of its
neighbourhood) and *small-star* (every vertex links itself and its smaller neighbours to the
smallest of them) until the edges form stars, the iteration's fixed point; then every vertex
points at the smallest vertex of its component. Plain DataFrame joins and aggregations: no
GraphFrames JAR. Rounds grow with the log of the component diameter; each round's edges are
checkpointed locally so the plan does not grow with the rounds. The loop stops at the first
round that leaves stars (not one unchanged round later), and edges that are stars already
(most copy groups) cost one check and no round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["MAX_ROUNDS", "connected_components", "sized_components"]

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


def _stars(edges: DataFrame) -> tuple[bool, int]:
    """Whether the edges (every ``u`` above its ``v``) are a star forest: no vertex both a leaf
    (a ``u``) and a centre (a ``v``), and no leaf on two edges. Such edges are the iteration's
    fixed point (both steps give them back unchanged), so the loop stops there, not one round
    later. Also the most leaves of one centre (the largest component less its root, when they
    are stars). One aggregation: a Spark job over the checkpointed round."""
    from pyspark.sql import functions as F

    leaves = edges.select(F.col("u").alias("x"), F.lit(1).alias("leaf"), F.lit(0).alias("hub"))
    hubs = edges.select(F.col("v").alias("x"), F.lit(0).alias("leaf"), F.lit(1).alias("hub"))
    per = (
        leaves.unionByName(hubs).groupBy("x").agg(F.sum("leaf").alias("l"), F.sum("hub").alias("h"))
    )
    bad = (F.col("l") > 1) | ((F.col("l") > 0) & (F.col("h") > 0))
    row = per.agg(F.max(bad.cast("int")).alias("bad"), F.max("h").alias("most")).first()
    assert row is not None
    return not row["bad"], int(row["most"] or 0)


def connected_components(edges: DataFrame) -> DataFrame:
    """``(u, v)`` long edges -> ``(vertex, component)`` for every vertex on some edge, where
    ``component`` is the smallest vertex of its connected component."""
    return sized_components(edges)[0]


def sized_components(edges: DataFrame) -> tuple[DataFrame, int]:
    """``connected_components`` and the number of vertices of the largest component (0 with no
    edges). Each round is checkpointed locally (lazily: the check that follows it computes it)
    so the plan does not grow with the rounds."""
    from pyspark.sql import functions as F

    # pointing down (larger vertex first), as both steps leave them: a graph whose components
    # are already stars (a copy pair, an original and its copies) needs no round at all
    current = edges.select(
        F.greatest("u", "v").cast("long").alias("u"), F.least("u", "v").cast("long").alias("v")
    ).where(F.col("u") != F.col("v"))
    current = current.localCheckpoint(eager=False)
    done, most = _stars(current)
    for _ in range(MAX_ROUNDS):
        if done:
            break
        current = _small_star(_large_star(current)).localCheckpoint(eager=False)
        done, most = _stars(current)
    else:  # pragma: no cover - needs a graph of diameter beyond 2^100
        raise RuntimeError("connected components did not converge; report this as a bug")
    # converged: a star per component, every edge (vertex, root) with root the smallest
    stars = current.select(F.col("u").alias("vertex"), F.col("v").alias("component"))
    roots = current.select(F.col("v").alias("vertex"), F.col("v").alias("component"))
    components = (
        stars.unionByName(roots).groupBy("vertex").agg(F.min("component").alias("component"))
    )
    return components, most + 1 if most else 0
