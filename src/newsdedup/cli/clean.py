"""``newsdedup clean``: every article once, main text only, boilerplate listed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from newsdedup.errors import NewsdedupError

__all__ = ["clean"]


def clean(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Files or folders: HTML pages, WARC, RSS/Atom, JSONL, CSV, Parquet, .txt "
            "(optionally .gz/.zst).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Cleaned articles: .jsonl, .csv or .parquet. One row per article: id, title, "
            "text, published, language, source, url, author, removed.",
        ),
    ],
    raw: Annotated[
        bool, typer.Option("--raw", help="Also write the text before cleaning (column raw).")
    ] = False,
    removals: Annotated[
        Path | None,
        typer.Option(
            "--removals",
            help="List every removed span here, one row each: id, start, end, text, reason, rule.",
        ),
    ] = None,
    no_learn: Annotated[
        bool,
        typer.Option(
            "--no-learn",
            help="Only built-in rules: do not learn boilerplate lines from the corpus "
            "(saves the first pass).",
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects", help="Write every rejected record (file, line, reason, detail) here."
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option("--format", help="Force the input format (default: told from each file)."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first unreadable record.")
    ] = False,
    config_file: Annotated[
        Path | None, typer.Option("--config", help="TOML file with one table per stage.")
    ] = None,
    overrides: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override one setting, e.g. --set clean.min_voices=10."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")
    ] = False,
) -> None:
    """Extract and clean every article in INPUTS and write each once to OUTPUT."""
    from newsdedup.cli.main import _config, _fail, err_console
    from newsdedup.cli.summary import clean_table, progress_display
    from newsdedup.jobs import clean_files

    sets = list(overrides or [])
    if no_learn:
        sets.append("clean.learn=false")
    started = time.perf_counter()
    try:
        config = _config(config_file, sets, strict)
        with progress_display(err_console, enabled=not quiet) as progress:
            report = clean_files(
                inputs,
                output=output,
                config=config,
                format=format,
                raw=raw,
                removals_output=removals,
                rejects_output=rejects,
                progress=progress,
            )
    except NewsdedupError as exc:
        raise _fail(exc) from exc
    if not quiet:
        seconds = time.perf_counter() - started
        err_console.print(clean_table(report, title=f"newsdedup clean → {output}", seconds=seconds))
