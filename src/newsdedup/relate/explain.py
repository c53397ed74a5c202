"""Explanations of copies: an alignment as plain data, and what ``dedup --explain`` adds per member.

The alignment is relate/passages.py and who copied whom is relate/provenance.py; this module
only combines them for the outputs (``diff --json``, ``dedup --explain``, later the service), so
each output says the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from newsdedup.clean.pipeline import clean_article, per_article
from newsdedup.config import Config
from newsdedup.relate.provenance import trace
from newsdedup.types import Alignment, Article, Group, Kind

__all__ = ["Segment", "alignment_dict", "explain_group", "segments"]


def alignment_dict(alignment: Alignment) -> dict[str, Any]:
    """``{"coverage_a", "coverage_b", "passages", "spans", "changes"}`` with every offset."""
    return {
        "coverage_a": round(alignment.coverage_a, 4),
        "coverage_b": round(alignment.coverage_b, 4),
        "passages": [
            {**asdict(p), "similarity": round(p.similarity, 4)} for p in alignment.passages
        ],
        "spans": [asdict(s) for s in alignment.spans],
        "changes": [asdict(c) for c in alignment.changes],
    }


def explain_group(
    group: Group, articles: Mapping[str, Article], config: Config
) -> dict[str, dict[str, Any]]:
    """Per member of ``group``: its place in the order of who copied whom and, for copies, its
    passage coverage against the representative and the facts that changed.

    ``articles`` holds the members as read. Like ``diff``, the alignment is of the *cleaned*
    texts (relate/coverage.py: one text for every view), so change offsets point into the
    cleaned text of each member.
    """
    from newsdedup.relate.crosslingual import align_texts
    from newsdedup.relate.translate import language_of

    members = [articles[m.id] for m in group.members]
    translated = {m.id for m in group.members if m.kind is Kind.TRANSLATION}
    clean = per_article(config.clean)
    cleaned = [clean_article(a, config=clean) for a in members]
    provenance = trace(cleaned, {m.id: m.kind for m in group.members})
    position = {i: n for n, i in enumerate(provenance.order)}
    by_id = {a.id: a for a in cleaned}
    representative = by_id[group.representative]
    out: dict[str, dict[str, Any]] = {}
    for member in cleaned:
        row: dict[str, Any] = {
            "original": provenance.original,
            "confidence": round(provenance.confidence, 3),
            "order": position[member.id],
            "coverage": None,
            "coverage_representative": None,
            "inserted": 0,
            "deleted": 0,
            "changes": [],
        }
        if member.id != group.representative:
            # a translation aligns paragraph by paragraph (relate/crosslingual.py)
            lang_a, lang_b = (
                (language_of(member), language_of(representative))
                if member.id in translated
                else ("", "")
            )
            alignment = align_texts(member.text, representative.text, lang_a=lang_a, lang_b=lang_b)
            row.update(
                coverage=round(alignment.coverage_a, 4),
                coverage_representative=round(alignment.coverage_b, 4),
                inserted=sum(s.kind == "inserted" for s in alignment.spans),
                deleted=sum(s.kind == "deleted" for s in alignment.spans),
                changes=[asdict(c) for c in alignment.changes],
            )
        out[member.id] = row
    return out


@dataclass(frozen=True, slots=True)
class Segment:
    """One row of a side-by-side view: a reused passage (both sides), or text on one side only.

    ``a``/``b`` are (start, end) offsets or None; ``marks_a``/``marks_b`` are the changed facts
    inside, as (start, end, label) offsets into the same text.
    """

    kind: str  # "passage", "quotation" (a passage mostly inside quotes), "inserted" or "deleted"
    a: tuple[int, int] | None
    b: tuple[int, int] | None
    marks_a: tuple[tuple[int, int, str], ...] = ()
    marks_b: tuple[tuple[int, int, str], ...] = ()


def segments(alignment: Alignment) -> list[Segment]:
    """Passages and one-sided spans in reading order: each span before the passage it precedes."""
    inserted = sorted((s for s in alignment.spans if s.kind == "inserted"), key=lambda s: s.start)
    deleted = sorted((s for s in alignment.spans if s.kind == "deleted"), key=lambda s: s.start)
    rows: list[Segment] = []
    i = j = 0
    for p in alignment.passages:
        while i < len(inserted) and inserted[i].start < p.a_start:
            rows.append(Segment("inserted", (inserted[i].start, inserted[i].end), None))
            i += 1
        while j < len(deleted) and deleted[j].start < p.b_start:
            rows.append(Segment("deleted", None, (deleted[j].start, deleted[j].end)))
            j += 1
        inside = [c for c in alignment.changes if p.a_start <= c.a_start < p.a_end]
        rows.append(
            Segment(
                "quotation" if p.quoted >= 0.5 else "passage",
                (p.a_start, p.a_end),
                (p.b_start, p.b_end),
                tuple((c.a_start, c.a_end, f"{c.kind}: {c.b}") for c in inside),
                tuple((c.b_start, c.b_end, f"{c.kind}: {c.a}") for c in inside),
            )
        )
    rows += [Segment("inserted", (s.start, s.end), None) for s in inserted[i:]]
    rows += [Segment("deleted", None, (s.start, s.end)) for s in deleted[j:]]
    return rows
