"""``newsdedup demo``: the whole job on a built-in generated sample, scored against its truth."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from newsdedup.metrics import pair_score
from newsdedup.types import Group

__all__ = ["accuracy_table", "load_truth"]

KINDS = ("exact", "near", "rewrite", "excerpt", "condensed")


def load_truth(path: Path) -> dict[str, dict[str, str]]:
    with open(path, "rb") as fh:
        return {rec["id"]: rec for rec in map(orjson.loads, fh)}


def _predicted_pairs(groups: Iterable[Group]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for g in groups:
        pairs.update(combinations(sorted(m.id for m in g.members), 2))
    return pairs


def accuracy_table(groups: Iterable[Group], truth: dict[str, dict[str, str]]) -> Table:
    """Pair precision and recall of the groups against the planted copy clusters, per kind."""
    pred = _predicted_pairs(groups)
    clusters: dict[str, list[str]] = {}
    for doc, rec in truth.items():
        clusters.setdefault(rec["cluster"], []).append(doc)
    actual = {tuple(sorted(p)) for ids in clusters.values() for p in combinations(ids, 2)}
    table = Table(title="accuracy against the planted truth (document pairs)", title_justify="left")
    for col in ("planted kind", "pairs", "precision", "recall"):
        table.add_column(col, justify="right" if col != "planted kind" else "left")
    overall = pair_score(pred, actual)  # type: ignore[arg-type]
    table.add_row(
        "all copies", f"{overall.actual:,}", f"{overall.precision:.4f}", f"{overall.recall:.4f}"
    )
    for kind in KINDS:
        planted = {tuple(sorted((d, r["cluster"]))) for d, r in truth.items() if r["kind"] == kind}
        if planted:
            score = pair_score(pred & planted, planted)  # type: ignore[arg-type]
            table.add_row(
                f"  {kind} (copy vs original)", f"{score.actual:,}", "", f"{score.recall:.4f}"
            )
    same_story = _same_story(truth)
    table.add_row(
        "same-story hard negatives merged",
        f"{len(same_story):,}",
        "",
        f"{len(pred & same_story):,} merged",
    )
    return table


def _same_story(truth: dict[str, dict[str, str]]) -> set[tuple[str, str]]:
    stories: dict[str, list[str]] = {}
    for doc, rec in truth.items():
        if rec["kind"] == "original":
            stories.setdefault(rec["story"], []).append(doc)
    return {tuple(sorted(p)) for ids in stories.values() for p in combinations(ids, 2)}  # type: ignore[misc]


def show(console: Console, table: Table) -> None:
    console.print(table)
