"""``newsdedup diff A B``: two articles side by side, reused passages aligned, changes marked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table
from rich.text import Text

from newsdedup.errors import InputError, NewsdedupError
from newsdedup.relate.explain import Segment, alignment_dict, segments
from newsdedup.report import Report
from newsdedup.types import Alignment, Article

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
    facts (numbers, dates, names, quotes). A is read as the copy and B as its source."""
    from newsdedup.cli.main import _fail, console
    from newsdedup.relate.passages import align
    from newsdedup.write.diff_html import write_diff_html

    try:
        first, second = _articles(a, b, corpus, format)
        alignment = align(first.text, second.text)
        if html is not None:
            write_diff_html(first, second, alignment, html)
    except NewsdedupError as exc:
        raise _fail(exc) from exc
    if as_json:
        payload = {"a": first.id, "b": second.id, **alignment_dict(alignment)}
        typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
        return
    console.print(_view(first, second, alignment), soft_wrap=False)


def _articles(
    a: str, b: str, corpus: list[Path] | None, format: str | None
) -> tuple[Article, Article]:
    from newsdedup.read import FieldMap, read_articles

    if not corpus:
        return _one(Path(a), format), _one(Path(b), format)
    found: dict[str, Article] = {}
    for article in read_articles(corpus, fields=FieldMap(), format=format, report=Report()):
        if article.id in (a, b):
            found.setdefault(article.id, article)
    missing = [i for i in (a, b) if i not in found]
    if missing:
        raise InputError(f"no article with id {', '.join(map(repr, missing))} in --corpus")
    return found[a], found[b]


def _one(path: Path, format: str | None) -> Article:
    from newsdedup.read import FieldMap, read_articles

    articles = list(read_articles([path], fields=FieldMap(), format=format, report=Report()))
    if len(articles) != 1:
        raise typer.BadParameter(
            f"{path} holds {len(articles)} articles; give one per file, or ids with --corpus"
        )
    return articles[0]


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


def _view(a: Article, b: Article, alignment: Alignment) -> Table:
    caption = (
        f"{len(alignment.passages)} reused passages "
        f"({sum(p.quoted >= 0.5 for p in alignment.passages)} of them quotations) covering "
        f"{alignment.coverage_a:.0%} of A and "
        f"{alignment.coverage_b:.0%} of B · {len(alignment.changes)} changed facts "
        "(highlighted) · green: only in A · red: only in B"
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
