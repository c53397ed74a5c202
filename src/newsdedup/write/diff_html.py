"""A standalone HTML page of two aligned articles: reused passages side by side, one-sided text
marked inserted or deleted, changed facts highlighted. Article text is untrusted input from the
web: every piece of it goes through ``html.escape``, and the page loads nothing from elsewhere."""

from __future__ import annotations

from html import escape

from newsdedup.relate.explain import Segment, segments
from newsdedup.types import Alignment, Article
from newsdedup.write.atomic import StrPath, atomic_open

__all__ = ["diff_html", "marked_pieces", "write_diff_html"]

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#222}
h1{font-size:1.2rem}table{border-collapse:collapse;width:100%;table-layout:fixed}
td,th{vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #eee;white-space:pre-wrap}
th{text-align:left;background:#f6f6f6}td.kind{width:5.5rem;color:#777;font-size:.8rem}
tr.inserted td.a{background:#e6ffec}tr.deleted td.b{background:#ffebe9}tr.quotation td{font-style:italic;color:#555}
mark{background:#ffe58a;padding:0 .1rem}.summary{color:#555}
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


def diff_html(a: Article, b: Article, alignment: Alignment, *, verdict: str | None = None) -> str:
    """The page as a string."""
    rows = "\n".join(_row(seg, a.text, b.text) for seg in segments(alignment))
    changes = "".join(
        f"<li>{escape(c.kind)}: <mark>{escape(c.a)}</mark> in A, "
        f"<mark>{escape(c.b)}</mark> in B</li>"
        for c in alignment.changes
    )
    summary = (
        f"{escape(verdict) + ' · ' if verdict else ''}"
        f"{len(alignment.passages)} reused passages, covering {alignment.coverage_a:.0%} of A "
        f"and {alignment.coverage_b:.0%} of B; {len(alignment.changes)} changed facts"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>diff: {escape(a.id)} / {escape(b.id)}</title><style>{_STYLE}</style></head>\n"
        f"<body><h1>A: {escape(a.id)} &nbsp;·&nbsp; B: {escape(b.id)}</h1>\n"
        f'<p class="summary">{summary}</p>\n<ul>{changes}</ul>\n'
        '<table><tr><th class="kind"></th>'
        f"<th>A: {escape(a.id)}</th><th>B: {escape(b.id)}</th></tr>\n{rows}\n</table>"
        "</body></html>\n"
    )


def write_diff_html(
    a: Article, b: Article, alignment: Alignment, path: StrPath, *, verdict: str | None = None
) -> None:
    """Write the page atomically to ``path``."""
    with atomic_open(path, "w") as fh:
        fh.write(diff_html(a, b, alignment, verdict=verdict))
