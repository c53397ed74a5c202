"""The side-by-side rows of the article page, from ``Index.diff``'s plain data.

No second diff algorithm: the alignment is the index's (relate/passages.py), its rows come
from ``relate.explain.segments`` and the cutting of text at the changed facts from
``write.diff_html.marked_pieces``, as in ``newsdedup diff --html``. The pieces stay plain text
here; the templates escape them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsdedup.relate.explain import segments
from newsdedup.types import Alignment, Change, Passage, Span
from newsdedup.write.diff_html import marked_pieces

__all__ = ["DiffRow", "Piece", "alignment_of", "diff_rows"]


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text; ``fact`` is set when it is a changed fact (``other`` is the value on the
    other side, ``n`` numbers the change so both sides can point at each other)."""

    text: str
    fact: str | None = None
    other: str | None = None
    n: int | None = None


@dataclass(frozen=True, slots=True)
class DiffRow:
    kind: str  #: "passage", "quotation" (mostly inside quotes), "inserted" (A only) or "deleted"
    a: tuple[Piece, ...]
    b: tuple[Piece, ...]


def alignment_of(data: dict[str, Any]) -> Alignment:
    """The ``Alignment`` back from ``alignment_dict`` output."""
    return Alignment(
        passages=tuple(Passage(**p) for p in data["passages"]),
        spans=tuple(Span(**s) for s in data["spans"]),
        changes=tuple(Change(**c) for c in data["changes"]),
        coverage_a=data["coverage_a"],
        coverage_b=data["coverage_b"],
    )


def diff_rows(data: dict[str, Any], text_a: str, text_b: str) -> list[DiffRow]:
    """Rows in reading order; changed facts become pieces that know both values."""
    alignment = alignment_of(data)
    on_a = {(c.a_start, c.a_end): (n, c) for n, c in enumerate(alignment.changes)}
    on_b = {(c.b_start, c.b_end): (n, c) for n, c in enumerate(alignment.changes)}
    rows = []
    for seg in segments(alignment):
        a = _pieces(text_a, seg.a, seg.marks_a, on_a, side="a")
        b = _pieces(text_b, seg.b, seg.marks_b, on_b, side="b")
        rows.append(DiffRow(seg.kind, a, b))
    return rows


def _pieces(
    text: str,
    where: tuple[int, int] | None,
    marks: tuple[tuple[int, int, str], ...],
    changes: dict[tuple[int, int], tuple[int, Change]],
    *,
    side: str,
) -> tuple[Piece, ...]:
    if where is None:
        return ()
    out = []
    for piece, mark in marked_pieces(text, where[0], where[1], marks):
        found = None if mark is None else changes.get((mark[0], mark[1]))
        if found is None:
            out.append(Piece(piece))
            continue
        n, change = found
        other = change.b if side == "a" else change.a
        out.append(Piece(piece, fact=change.kind, other=other, n=n))
    return tuple(out)
