"""Large-star/small-star connected components equal a union-find's, on any graph."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdedup.spark.components import connected_components


def _union_find(edges: list[tuple[int, int]]) -> dict[int, int]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in edges:
        a, b = find(u), find(v)
        if a != b:
            parent[max(a, b)] = min(a, b)
    vertices = {x for e in edges for x in e if e[0] != e[1]}
    return {x: find(x) for x in vertices}


def _components(spark: Any, edges: list[tuple[int, int]]) -> dict[int, int]:
    frame = spark.createDataFrame(edges or [(0, 0)], "u long, v long")
    return {r["vertex"]: r["component"] for r in connected_components(frame).collect()}


def test_components_of_a_long_path_and_a_star(spark: Any) -> None:
    path = [(i, i + 1) for i in range(100, 164)]  # diameter 64: needs several rounds
    star = [(7, 9), (7, 8), (7, 50), (3, 50)]
    found = _components(spark, [*path, *star])
    assert found == _union_find([*path, *star])
    assert set(found.values()) == {3, 100}


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=40))
def test_components_equal_union_find(spark: Any, edges: list[tuple[int, int]]) -> None:
    assert _components(spark, edges) == _union_find(edges)
