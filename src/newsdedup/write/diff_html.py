"""A standalone HTML page of two aligned articles: reused passages side by side, one-sided text
marked inserted or deleted, changed facts highlighted, and both coverage measures named as
relate/coverage.py names them. Article text is untrusted input from the web: every piece of it
goes through ``html.escape``, and the page loads nothing from elsewhere (no script at all)."""

from __future__ import annotations

from html import escape

from newsdedup.atomic import StrPath, atomic_open
from newsdedup.relate.coverage import (
    ALIGNED_TEXT,
    BIGRAM_COVERAGE,
    BIGRAM_COVERAGE_HELP,
    PASSAGE_COVERAGE,
    PASSAGE_COVERAGE_HELP,
)
from newsdedup.relate.explain import Segment, segments
from newsdedup.types import Alignment, Article, Scores

__all__ = ["diff_html", "marked_pieces", "measures_summary", "write_diff_html"]

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#222}
h1{font-size:1.2rem}table{border-collapse:collapse;width:100%;table-layout:fixed}
td,th{vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #eee;white-space:pre-wrap}
th{text-align:left;background:#f6f6f6}td.kind{width:5.5rem;color:#777;font-size:.8rem}
tr.inserted td.a{background:#e6ffec}tr.deleted td.b{background:#ffebe9}
tr.quotation td{font-style:italic;color:#555}
mark{background:#ffe58a;padding:0 .1rem}.summary,dl{color:#555}dt{font-weight:600}
dd{margin:0 0 .4rem 1rem}
"""


Mark = tuple[int, int, str]


def marked_pieces(
    text: str, start: int, end: int, marks: tuple[Mark, ...]
) -> list[tuple[str, Mark | None]]:
    """``text[start:end]`` cut at the marks inside it: (piece, its mark or None), in order.
    Shared with the service's UI, which renders the pieces through its own templates."""
    out: list[tuple[str, Mark | None]] = []
    pos = start
    for mark in sorted(marks):
        m_start, m_end, _ = mark
        if m_start < pos or m_end > end:
            continue
        out.append((text[pos:m_start], None))
        out.append((text[m_start:m_end], mark))
        pos = m_end
    out.append((text[pos:end], None))
    return [(piece, mark) for piece, mark in out if piece or mark]


def _marked(text: str, start: int, end: int, marks: tuple[Mark, ...]) -> str:
    return "".join(
        escape(piece) if mark is None else f'<mark title="{escape(mark[2])}">{escape(piece)}</mark>'
        for piece, mark in marked_pieces(text, start, end, marks)
    )


def _row(seg: Segment, a: str, b: str) -> str:
    cell_a = _marked(a, *seg.a, seg.marks_a) if seg.a else ""
    cell_b = _marked(b, *seg.b, seg.marks_b) if seg.b else ""
    return (
        f'<tr class="{seg.kind}"><td class="kind">{seg.kind}</td>'
        f'<td class="a">{cell_a}</td><td class="b">{cell_b}</td></tr>'
    )


def measures_summary(
    alignment: Alignment, scores: Scores | None, *, a: str = "A", b: str = "B"
) -> str:
    """One plain-text line of the figures, with both coverage measures named apart (shared by
    the terminal view and this page)."""
    quotations = sum(p.quoted >= 0.5 for p in alignment.passages)
    parts = [
        f"{len(alignment.passages)} aligned passages ({quotations} of them quotations)",
        f"{PASSAGE_COVERAGE} {alignment.coverage_a:.0%} of {a}, {alignment.coverage_b:.0%} of {b}",
    ]
    if scores is not None:
        parts.append(
            f"{BIGRAM_COVERAGE} {scores.coverage_a:.0%} of {a}, {scores.coverage_b:.0%} of {b}"
        )
    parts.append(f"{len(alignment.changes)} changed facts")
    return " · ".join(parts)


def diff_html(
    a: Article,
    b: Article,
    alignment: Alignment,
    *,
    verdict: str | None = None,
    scores: Scores | None = None,
) -> str:
    """The page as a string. ``a`` and ``b`` hold the texts that were aligned (the cleaned
    texts: relate/coverage.py); ``scores`` are their engine figures, when known."""
    rows = "\n".join(_row(seg, a.text, b.text) for seg in segments(alignment))
    changes = "".join(
        f"<li>{escape(c.kind)}: <mark>{escape(c.a)}</mark> in A, "
        f"<mark>{escape(c.b)}</mark> in B</li>"
        for c in alignment.changes
    )
    summary = (
        f"{escape(verdict) + ' · ' if verdict else ''}{escape(measures_summary(alignment, scores))}"
    )
    removed = f"; {len(a.removed)} lines removed from A, {len(b.removed)} from B"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>diff: {escape(a.id)} / {escape(b.id)}</title><style>{_STYLE}</style></head>\n"
        f"<body><h1>A: {escape(a.id)} &nbsp;·&nbsp; B: {escape(b.id)}</h1>\n"
        f'<p class="summary">{summary}</p>\n'
        f'<p class="summary aligned-text">Aligned and measured on {escape(ALIGNED_TEXT)}'
        f"{removed if a.raw is not None or b.raw is not None else ''}.</p>\n"
        f"<dl><dt>{PASSAGE_COVERAGE}</dt><dd>{escape(PASSAGE_COVERAGE_HELP)}</dd>"
        f"<dt>{BIGRAM_COVERAGE}</dt><dd>{escape(BIGRAM_COVERAGE_HELP)}</dd></dl>\n"
        f"<ul>{changes}</ul>\n"
        '<table><tr><th class="kind"></th>'
        f"<th>A: {escape(a.id)}</th><th>B: {escape(b.id)}</th></tr>\n{rows}\n</table>"
        "</body></html>\n"
    )


def write_diff_html(
    a: Article,
    b: Article,
    alignment: Alignment,
    path: StrPath,
    *,
    verdict: str | None = None,
    scores: Scores | None = None,
) -> None:
    """Write the page atomically to ``path``."""
    with atomic_open(path, "w") as fh:
        fh.write(diff_html(a, b, alignment, verdict=verdict, scores=scores))
