"""The picture of a copy family: who published first, who copied whom, and the facts that
changed along each copy. Geometry and plain values only; the templates draw the SVG and escape
every text (titles, sources and fact values are untrusted).

* The order is relate/provenance.py's (the evidence of publication time, excerpts and rewriting
  traces, as ``dedup --explain`` gives it); its first member is the likely original.
* Each later member is drawn as a copy of the member before it in that order that covers most
  of it (the largest aligned bigram coverage of the copy, relate/coverage.py), so a copy of a
  copy hangs under the copy it came from.
* Each edge carries the relation of the pair and its changed facts (the index's alignment,
  the same as the article page's side-by-side view): the source's value, then the copy's.

Layout: a tree from left to right, one column per generation and one row per member; every
edge leaves its source's box, runs down the gap and enters its copy's box, its label in the gap
on the copy's row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsdedup.config import Config
from newsdedup.errors import NewsdedupError
from newsdedup.relate.coverage import pair_scores
from newsdedup.relate.provenance import trace
from newsdedup.serve.charts import utc
from newsdedup.store.contract import IndexProtocol, StoredArticle
from newsdedup.types import Article, Kind

__all__ = ["Edge", "FactChange", "Family", "Node", "copy_family"]

#: Most members drawn; the others are counted in ``Family.omitted``.
MAX_MEMBERS = 12
NODE_W, NODE_H = 180, 50
GAP = 200  #: between two generations, where the edge labels go
ROW_H = 72
PAD = 8
#: Longest text on a node or an edge label line (the SVG does not wrap text).
NODE_CHARS, EDGE_CHARS = 24, 29


@dataclass(frozen=True, slots=True)
class Node:
    article: StoredArticle
    x: float
    y: float
    label: str  #: its source, or its id when it has none (shortened)
    when: str  #: "YYYY-MM-DD HH:MM" UTC, or "undated"
    roles: tuple[str, ...]  #: "likely original", "first published", "this article"


@dataclass(frozen=True, slots=True)
class FactChange:
    kind: str
    before: str  #: the value in the source
    after: str  #: the value in the copy
    unit: str | None = None  #: for numbers: the unit written after the copy's value


@dataclass(frozen=True, slots=True)
class Edge:
    source: StoredArticle
    copy: StoredArticle
    path: str  #: SVG path from the source's box to the copy's
    head: str  #: the arrowhead's polygon points, at the copy
    label_x: float
    verdict: str  #: the pair's relation (relate/compare.py), as the article page shows it
    coverage: float  #: aligned bigram coverage of the copy by its source
    changes: tuple[FactChange, ...]
    lines: tuple[tuple[float, str], ...]  #: (baseline y, text) of the label as drawn


@dataclass(frozen=True, slots=True)
class Family:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    original: StoredArticle  #: the likely original
    confidence: float  #: of the likely original (relate/provenance.py)
    first: StoredArticle | None  #: the earliest published, when any member has a date
    omitted: int  #: members of the group not drawn (over MAX_MEMBERS)
    node_width: int = NODE_W
    node_height: int = NODE_H


def copy_family(
    index: IndexProtocol,
    article: StoredArticle,
    config: Config | None = None,
    *,
    current: bool = True,
) -> Family | None:
    """The family of ``article``'s copy group, or None when it has no copy; ``current``: mark
    ``article`` as "this article" (an article's page does, a story's page does not)."""
    links = index.copies(article.id)
    if not links:
        return None
    others = [a for c in links if (a := index.article(c.id)) is not None]
    members = _drawn(article, others)
    order, confidence = _order(members, _kinds(index, article, links))
    parents = _parents(order, config)
    edges_data = {
        child.id: _edge_data(index, child, parent, score)
        for child, (parent, score) in parents.items()
    }
    family = _layout(
        article if current else None, order, parents, edges_data, confidence=confidence
    )
    return dataclasses.replace(family, omitted=len(others) + 1 - len(members))


def _drawn(article: StoredArticle, others: list[StoredArticle]) -> list[StoredArticle]:
    """The article and its group, earliest first, cut at MAX_MEMBERS (the article stays)."""
    ranked = sorted(others, key=lambda a: (a.published is None, _time(a), a.id))
    return [article, *ranked[: MAX_MEMBERS - 1]]


def _time(a: StoredArticle) -> float:
    return utc(a.published).timestamp() if a.published is not None else 0.0


def _kinds(index: IndexProtocol, article: StoredArticle, links: Sequence[Any]) -> dict[str, Kind]:
    """Each member's kind against the representative (the article's own from a copy's list)."""
    raw = {c.id: c.kind for c in links}
    if not article.original:
        mirror = index.copies(links[0].id)
        raw.update({c.id: c.kind for c in mirror if c.id == article.id})
    values = {k.value for k in Kind}
    return {i: Kind(k) for i, k in raw.items() if k in values}


def _order(
    members: list[StoredArticle], kinds: dict[str, Kind]
) -> tuple[list[StoredArticle], float]:
    """Provenance order (likely original first) and its confidence; the representative goes
    first into ``trace``, which breaks ties by the input order."""
    by_id = {a.id: a for a in members}
    members = sorted(members, key=lambda a: not a.original)
    texts = [Article(id=a.id, text=a.text, published=a.published) for a in members]
    found = trace(texts, kinds)
    return [by_id[i] for i in found.order], found.confidence


def _parents(
    order: list[StoredArticle], config: Config | None
) -> dict[StoredArticle, tuple[StoredArticle, float]]:
    """Each member after the first: the earlier member covering most of it, and how much."""
    texts = [Article(id=a.id, text=a.text, published=a.published) for a in order]
    pairs = [(i, j) for i in range(1, len(order)) for j in range(i)]
    scores = dict(zip(pairs, pair_scores(texts, pairs, config), strict=True))
    out = {}
    for i in range(1, len(order)):
        j = max(range(i), key=lambda j: (scores[i, j].coverage_a, -j))
        out[order[i]] = (order[j], scores[i, j].coverage_a)
    return out


def _edge_data(
    index: IndexProtocol, child: StoredArticle, parent: StoredArticle, coverage: float
) -> tuple[str, float, tuple[FactChange, ...]]:
    try:
        diff = index.diff(child.id, parent.id)  # a: the copy, b: its source
    except NewsdedupError:  # too long to align on request, or every diff slot busy
        diff = None
    if diff is None:
        return "", coverage, ()
    changes = tuple(FactChange(c["kind"], c["b"], c["a"], c.get("unit")) for c in diff["changes"])
    return str(diff["verdict"]), coverage, changes


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _layout(
    article: StoredArticle | None,
    order: list[StoredArticle],
    parents: dict[StoredArticle, tuple[StoredArticle, float]],
    edges_data: dict[str, tuple[str, float, tuple[FactChange, ...]]],
    *,
    confidence: float,
) -> Family:
    children: dict[str, list[StoredArticle]] = {}
    for child, (parent, _) in parents.items():
        children.setdefault(parent.id, []).append(child)
    rows: list[tuple[StoredArticle, int]] = []  # depth-first: each copy under its source

    def walk(a: StoredArticle, depth: int) -> None:
        rows.append((a, depth))
        for c in sorted(children.get(a.id, []), key=lambda c: (c.published is None, _time(c))):
            walk(c, depth + 1)

    walk(order[0], 0)
    dated = [a for a in order if a.published is not None]
    first = min(dated, key=lambda a: (_time(a), a.id)) if dated else None
    place = {a.id: (PAD + d * (NODE_W + GAP), PAD + n * ROW_H) for n, (a, d) in enumerate(rows)}
    nodes = tuple(_node(a, *place[a.id], order[0], first, article) for a, _ in rows)
    edges = tuple(
        _edge(parent, child, place, edges_data[child.id]) for child, (parent, _) in parents.items()
    )
    depth = max(d for _, d in rows)
    return Family(
        width=2 * PAD + (depth + 1) * NODE_W + depth * GAP,
        height=2 * PAD + len(rows) * ROW_H - (ROW_H - NODE_H),
        nodes=nodes,
        edges=edges,
        original=order[0],
        confidence=confidence,
        first=first,
        omitted=0,
    )


def _node(
    a: StoredArticle,
    x: float,
    y: float,
    original: StoredArticle,
    first: StoredArticle | None,
    current: StoredArticle | None,
) -> Node:
    roles = []
    if a.id == original.id:
        roles.append("likely original")
    if first is not None and a.id == first.id:
        roles.append("first published")
    if current is not None and a.id == current.id:
        roles.append("this article")
    when = utc(a.published).strftime("%Y-%m-%d %H:%M") if a.published else "undated"
    return Node(a, x, y, _short(a.source or a.id, NODE_CHARS), when, tuple(roles))


def _edge(
    parent: StoredArticle,
    child: StoredArticle,
    place: Mapping[str, tuple[float, float]],
    data: tuple[str, float, tuple[FactChange, ...]],
) -> Edge:
    verdict, coverage, changes = data
    (px, py), (cx, cy) = place[parent.id], place[child.id]
    x0, y0, y1 = px + NODE_W, py + NODE_H / 2, cy + NODE_H / 2
    bend = x0 + 14
    texts = [f"{verdict or 'copy'} · {coverage:.0%} bigram coverage"]
    texts += [f"{c.before} → {c.after}{' ' + c.unit if c.unit else ''}" for c in changes[:2]]
    if len(changes) > 2:
        texts.append(f"+{len(changes) - 2} more changed facts")
    # the first line above the edge, the others below it
    lines = [
        (y1 - 5 if n == 0 else y1 + 2 + 13 * n, _short(t, EDGE_CHARS)) for n, t in enumerate(texts)
    ]
    return Edge(
        source=parent,
        copy=child,
        path=f"M{x0:.0f},{y0:.0f} H{bend:.0f} V{y1:.0f} H{cx - 6:.0f}",
        head=f"{cx - 8:.0f},{y1 - 5:.0f} {cx:.0f},{y1:.0f} {cx - 8:.0f},{y1 + 5:.0f}",
        label_x=bend + 8,
        verdict=verdict,
        coverage=coverage,
        changes=changes,
        lines=tuple(lines),
    )
