"""``newsdedup diff A B``: two articles side by side, reused passages aligned, changes marked.

The view (or ``--json``) goes to stdout, errors to stderr. Both texts are cleaned as the engine
and the index clean them before they are aligned (relate/coverage.py), so the passages and both
coverage measures are those of ``compare`` and of the service's article page for the same pair.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsdedup.errors import NewsdedupError
from newsdedup.relate.explain import Segment, alignment_dict, segments
from newsdedup.types import Alignment, Article, Scores

__all__ = ["diff"]


def diff(
    a: Annotated[str, typer.Argument(help="A file holding one article, or an id in --corpus.")],
    b: Annotated[str, typer.Argument(help="A file holding one article, or an id in --corpus.")],
    corpus: Annotated[
        list[Path] | None,
        typer.Option("--corpus", help="Read A and B as ids of articles in these files/folders."),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print the alignment as JSON: passages, spans and changes, offsets."
        ),
    ] = False,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a standalone HTML page of the diff here."),
    ] = None,
    format: Annotated[str | None, typer.Option("--format", help="Force the input format.")] = None,
) -> None:
    """Align two articles: reused passages side by side, inserted and deleted text, changed
    facts (numbers, dates, names, quotes). A is read as the copy and B as its source. Both are
    cleaned first (boilerplate lines out), as the engine compares them; offsets in --json point
    into the cleaned texts, which --json includes. Two articles in two languages (as given, or
    as guessed from the text) are aligned paragraph by paragraph instead, with the numbers,
    dates and names that changed between them."""
    from newsdedup.cli.main import _fail
    from newsdedup.relate.coverage import bigram_scores, cleaned
    from newsdedup.relate.crosslingual import align_texts
    from newsdedup.relate.translate import language_of
    from newsdedup.write.diff_html import write_diff_html

    try:
        first, second = (cleaned(x) for x in _articles(a, b, corpus, format))
        alignment = align_texts(
            first.text, second.text, lang_a=language_of(first), lang_b=language_of(second)
        )
        scores = bigram_scores(first, [second])[0]
        if html is not None:
            write_diff_html(first, second, alignment, html, scores=scores)
    except NewsdedupError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(
            orjson.dumps(
                _payload(first, second, alignment, scores), option=orjson.OPT_INDENT_2
            ).decode()
        )
        return
    Console().print(_view(first, second, alignment, scores), soft_wrap=False)


def _payload(a: Article, b: Article, alignment: Alignment, scores: Scores) -> dict[str, object]:
    """``--json``: the alignment (``coverage_*`` is passage coverage), the aligned bigram
    coverage, the cleaned texts the offsets point into, and what cleaning removed (offsets into
    the texts as given)."""
    return {
        "a": a.id,
        "b": b.id,
        "aligned_text": "cleaned",
        **alignment_dict(alignment),
        "bigram_coverage_a": round(scores.coverage_a, 4),
        "bigram_coverage_b": round(scores.coverage_b, 4),
        "text_a": a.text,
        "text_b": b.text,
        "removed_a": [{"start": r.start, "end": r.end, "text": r.text} for r in a.removed],
        "removed_b": [{"start": r.start, "end": r.end, "text": r.text} for r in b.removed],
    }


def _articles(
    a: str, b: str, corpus: list[Path] | None, format: str | None
) -> tuple[Article, Article]:
    from newsdedup.jobs import read_by_id, read_one

    if not corpus:
        why = "give one per file, or ids with --corpus"
        return read_one(Path(a), why=why, format=format), read_one(Path(b), why=why, format=format)
    found = read_by_id(corpus, [a, b], format=format)
    return found[a], found[b]


_STYLES = {"passage": "", "quotation": "italic", "inserted": "green", "deleted": "red"}


def _text(
    source: str, span: tuple[int, int] | None, marks: tuple[tuple[int, int, str], ...], style: str
) -> Text:
    if span is None:
        return Text("")
    start, end = span
    text = Text(source[start:end], style=style)
    for m_start, m_end, _ in marks:
        if start <= m_start and m_end <= end:
            text.stylize("bold black on yellow", m_start - start, m_end - start)
    return text


def _row(seg: Segment, a: Article, b: Article) -> tuple[Text, Text, Text]:
    style = _STYLES[seg.kind]
    return (
        Text(seg.kind, style="dim"),
        _text(a.text, seg.a, seg.marks_a, style),
        _text(b.text, seg.b, seg.marks_b, style),
    )


def _view(a: Article, b: Article, alignment: Alignment, scores: Scores) -> Table:
    from newsdedup.relate.coverage import ALIGNED_TEXT
    from newsdedup.write.diff_html import measures_summary

    caption = (
        f"{measures_summary(alignment, scores)} (highlighted) · green: only in A · red: only "
        f"in B\nAligned and measured on {ALIGNED_TEXT}: {len(a.removed)} lines removed from A, "
        f"{len(b.removed)} from B"
    )
    table = Table(title=f"A: {a.id}  ·  B: {b.id}", caption=caption, show_lines=True, expand=True)
    table.add_column("", width=9, no_wrap=True)
    table.add_column(f"A: {a.id}", ratio=1)
    table.add_column(f"B: {b.id}", ratio=1)
    for seg in segments(alignment):
        table.add_row(*_row(seg, a, b))
    for change in alignment.changes:
        table.add_row(
            Text("changed", style="dim"),
            Text(f"{change.kind}: {change.a}", style="bold"),
            Text(f"{change.kind}: {change.b}", style="bold"),
        )
    return table
