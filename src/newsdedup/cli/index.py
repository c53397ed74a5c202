"""``newsdedup index add|stats`` and ``newsdedup query``: the living index from the shell."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from newsdedup.cli.main import (
    ConfigFile,
    Format,
    Inputs,
    Overrides,
    _config,
    _fail,
    err_console,
)
from newsdedup.cli.summary import progress_display
from newsdedup.config import Config
from newsdedup.errors import NewsdedupError, StoreError
from newsdedup.pipeline import read_inputs, run
from newsdedup.report import Report
from newsdedup.types import Article

if TYPE_CHECKING:
    from newsdedup.store.index import Index

__all__ = ["index_app", "open_index", "query"]

index_app = typer.Typer(
    help="A living index: add articles as they come, ask which copies and story one has.",
    no_args_is_help=True,
)

Db = Annotated[Path, typer.Option("--db", help="The index file (SQLite).")]
Strict = Annotated[bool, typer.Option("--strict", help="Stop at the first unreadable record.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]


def _existing(db: Path) -> Path:
    if not db.exists():
        raise StoreError(
            f"No index at {db}. Build one first: newsdedup index add --db {db} INPUT..."
        )
    return db


def open_index(db: Path, config: Config) -> Index:
    """The index at ``db`` under ``config``; a note on stderr when an older file, made before
    settings were recorded, adopts those of ``config`` (docs/index.md)."""
    from newsdedup.store.index import Index

    index = Index(db, config)
    if index.settings_adopted:
        err_console.print(
            f"note: {escape(str(db))} recorded no settings (it was made by an older newsdedup); "
            "it now records this run's settings, and later opens must use the same ones.",
            highlight=False,
            soft_wrap=True,
        )
    return index


@index_app.command("add")
def add(
    inputs: Inputs,
    db: Db,
    format: Format = None,
    strict: Strict = False,
    config_file: ConfigFile = None,
    overrides: Overrides = None,
    quiet: Quiet = False,
) -> None:
    """Add the articles in INPUTS to the index at --db (created when missing): new ids are
    added, an id already there with the same text is left alone, another text is a new version.
    An index keeps the settings it was made with: later runs must give the same ones."""
    counts: Counter[str] = Counter()
    try:
        config = _config(config_file, overrides, strict)
        index = open_index(db, config)
        with index, progress_display(err_console, enabled=not quiet) as progress:
            done = run(inputs, None, config.with_read(format=format), index=index,
                       progress=progress)  # fmt: skip
            counts, report = done.added, done.report
            stats = index.stats()
    except NewsdedupError as exc:
        raise _fail(exc) from exc
    if not quiet:
        err_console.print(_summary(counts, report, stats, db))
        _print_rejects(report)


#: Rejected records listed after the summary (all are counted in it).
SHOW_REJECTS = 10


def _print_rejects(report: Report) -> None:
    for r in report.rejected[:SHOW_REJECTS]:
        err_console.print(f"rejected {escape(str(r.origin))}: {escape(r.detail)} ({r.reason})")
    if len(report.rejected) > SHOW_REJECTS:
        err_console.print(f"… and {len(report.rejected) - SHOW_REJECTS:,} more rejected records")


def _summary(counts: Counter[str], report: Report, stats: dict[str, object], db: Path) -> Table:
    table = Table(title=f"newsdedup index add → {escape(str(db))}", show_header=False)
    for label, key in (("new", "new"), ("unchanged", "unchanged"), ("new versions", "new_version")):
        table.add_row(label, f"{counts[key]:,}")
    table.add_row("rejected", f"{len(report.rejected):,}")
    for reason, n in sorted(report.rejected_by_reason.items()):
        table.add_row(f"  {reason}", f"{n:,}")
    for key in ("articles", "groups", "stories"):
        table.add_row(f"index {key}", f"{stats[key]:,}")
    return table


@index_app.command("stats")
def stats(db: Db, config_file: ConfigFile = None, overrides: Overrides = None) -> None:
    """Counts (articles, versions, groups, stories), schema version and file size, as JSON."""
    _print_json(db, config_file, overrides, lambda index: index.stats())


@index_app.command("compact")
def compact(db: Db, config_file: ConfigFile = None, overrides: Overrides = None) -> None:
    """Rewrite the index file with full pages and print its size before and after, as JSON.
    Adds leave B-tree pages about two thirds full; run it after a large build. It needs free
    disk of about twice the file while it runs, and adds wait for it."""
    _print_json(db, config_file, overrides, lambda index: index.compact())


def _print_json(
    db: Path,
    config_file: Path | None,
    overrides: list[str] | None,
    answer: Callable[[Index], dict[str, Any]],
) -> None:
    """Open the existing index at ``db`` and print ``answer(index)`` as JSON."""
    try:
        config = _config(config_file, overrides)
        with open_index(_existing(db), config) as index:
            typer.echo(json.dumps(answer(index), indent=2))
    except NewsdedupError as exc:
        raise _fail(exc) from exc


def query(
    db: Db,
    file: Annotated[
        Path | None, typer.Argument(help="A file of one or more articles (any input format).")
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="The article text itself.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    format: Format = None,
    config_file: ConfigFile = None,
    overrides: Overrides = None,
) -> None:
    """The copies, translations and story of an article that is not in the index (nothing is
    stored)."""
    if (file is None) == (text is None):
        raise typer.BadParameter("give FILE or --text, not both and not neither")
    try:
        config = _config(config_file, overrides)
        articles = _query_articles(file, text, format, config)
        with open_index(_existing(db), config) as index:
            results = [(a.id, index.query(a)) for a in articles]
    except NewsdedupError as exc:
        raise _fail(exc) from exc
    for article_id, result in results:
        if as_json:
            out = result.as_json() if len(results) == 1 else {"id": article_id, **result.as_json()}
            typer.echo(json.dumps(out))
            continue
        typer.echo(f"{article_id}: story {result.story or '-'}")
        for c in result.copies:
            jac = f" jaccard {c.scores.jaccard:.3f}" if c.scores else ""
            if c.translation:
                t = c.translation
                jac = f" {t.lang}->{t.partner_lang} score {t.score:.3f} margin {t.margin:.3f}"
            typer.echo(f"  {c.kind:8} {c.id}{jac}")


def _query_articles(
    file: Path | None, text: str | None, format: str | None, config: Config
) -> list[Article]:
    if text is not None:
        return [Article(id="query", text=text)]
    assert file is not None
    report = Report(strict=True)  # a query file must read cleanly: its error names file:line
    config = config.with_read(format=format)
    config = dataclasses.replace(config, run=dataclasses.replace(config.run, workers=1))
    found = list(read_inputs([file], config, report))
    if not found:
        raise StoreError(f"{file} holds no article to query.")
    return found
