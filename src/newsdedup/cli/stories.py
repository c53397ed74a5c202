"""``newsdedup stories`` and ``newsdedup run``: copy groups and stories from one read."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from newsdedup.errors import NewsdedupError

__all__ = ["run", "stories"]

Inputs = Annotated[
    list[Path],
    typer.Argument(
        help="Files or folders: JSONL, CSV, Parquet, .txt, HTML, WARC, RSS (optionally .gz/.zst).",
        show_default=False,
    ),
]
StoriesOut = Annotated[
    Path | None,
    typer.Option("--stories", help="Write one record per story here (.jsonl or .parquet)."),
]
ReportOut = Annotated[
    Path | None,
    typer.Option(
        "--report",
        help="Write a static HTML report: stories by size, timelines, sources, copy groups.",
    ),
]
Embed = Annotated[
    bool,
    typer.Option(
        "--embed",
        help="Add dense sentence embeddings to the story similarity (needs the embed extra).",
    ),
]
Model = Annotated[
    Path | None,
    typer.Option(
        "--model", help="A local sentence-transformers model directory (implies --embed)."
    ),
]
Rejects = Annotated[
    Path | None,
    typer.Option("--rejects", help="Write every rejected record (file, line, reason, detail)."),
]
Format = Annotated[str | None, typer.Option("--format", help="Force the input format.")]
Strict = Annotated[bool, typer.Option("--strict", help="Stop at the first unreadable record.")]
ConfigFile = Annotated[
    Path | None, typer.Option("--config", help="TOML file with one table per stage.")
]
Overrides = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override one setting, e.g. --set stories.window_days=3."),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]


def stories(
    inputs: Inputs,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Every document once: id, group (copy group), story."),
    ],
    stories_output: StoriesOut = None,
    report: ReportOut = None,
    embed: Embed = False,
    model: Model = None,
    rejects: Rejects = None,
    format: Format = None,
    strict: Strict = False,
    config_file: ConfigFile = None,
    overrides: Overrides = None,
    quiet: Quiet = False,
) -> None:
    """Group the articles in INPUTS into stories (every article about one event), over their
    copy groups, and write each document once to OUTPUT."""
    _run(
        inputs,
        output=output,
        groups=None,
        stories_output=stories_output,
        report=report,
        embed=embed or model is not None,
        model=model,
        rejects=rejects,
        format=format,
        strict=strict,
        config_file=config_file,
        overrides=overrides,
        quiet=quiet,
        title="newsdedup stories",
    )


def run(
    inputs: Inputs,
    groups: Annotated[
        Path | None,
        typer.Option("--groups", help="Write the copy groups here, as `newsdedup dedup` does."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Every document once: id, group (copy group), story."),
    ] = None,
    stories_output: StoriesOut = None,
    report: ReportOut = None,
    embed: Embed = False,
    model: Model = None,
    rejects: Rejects = None,
    format: Format = None,
    strict: Strict = False,
    config_file: ConfigFile = None,
    overrides: Overrides = None,
    quiet: Quiet = False,
) -> None:
    """Copy groups and stories in one run (one read of INPUTS): what `dedup` and `stories`
    write, for the outputs asked for."""
    if not any((groups, output, stories_output, report)):
        raise typer.BadParameter(
            "name at least one output: --groups, --output, --stories or --report"
        )
    _run(
        inputs,
        output=output,
        groups=groups,
        stories_output=stories_output,
        report=report,
        embed=embed or model is not None,
        model=model,
        rejects=rejects,
        format=format,
        strict=strict,
        config_file=config_file,
        overrides=overrides,
        quiet=quiet,
        title="newsdedup run",
    )


def _run(
    inputs: list[Path],
    *,
    output: Path | None,
    groups: Path | None,
    stories_output: Path | None,
    report: Path | None,
    embed: bool,
    model: Path | None,
    rejects: Path | None,
    format: str | None,
    strict: bool,
    config_file: Path | None,
    overrides: list[str] | None,
    quiet: bool,
    title: str,
) -> None:
    from newsdedup.cli.main import _config, _fail, err_console
    from newsdedup.cli.summary import progress_display
    from newsdedup.jobs import stories_files

    started = time.perf_counter()
    try:
        config = _config(config_file, overrides, strict).with_read(format=format)
        embedder = None
        if embed:
            from newsdedup.fingerprint.embed import Embedder

            embedder = Embedder(model_path=model)
        with progress_display(err_console, enabled=not quiet) as progress:
            done = stories_files(
                inputs,
                output=output,
                config=config,
                groups_output=groups,
                stories_output=stories_output,
                report_output=report,
                rejects_output=rejects,
                embedder=embedder,
                progress=progress,
            )
    except NewsdedupError as exc:
        raise _fail(exc) from exc
    if not quiet:
        err_console.print(_summary(done, title, time.perf_counter() - started))


def _summary(done: object, title: str, seconds: float) -> Table:
    from newsdedup.pipeline import RunResult

    assert isinstance(done, RunResult) and done.stories is not None
    result, copies = done.stories, done.copies
    sizes = sorted((s.size for s in result.stories), reverse=True)
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("documents read", f"{done.report.read:,}")
    table.add_row("rejected", f"{len(done.report.rejected):,}")
    table.add_row("documents", f"{len(result.story_of):,}")
    table.add_row("copy groups (2+ documents)", f"{copies.stats.groups:,}")
    table.add_row("stories", f"{len(result.stories):,}")
    table.add_row("  with 2+ voices", f"{sum(len(s.groups) > 1 for s in result.stories):,}")
    table.add_row("  biggest", f"{sizes[0] if sizes else 0:,} articles")
    rate = len(result.story_of) / seconds if seconds else 0.0
    table.add_row("time", f"{seconds:.2f} s ({rate:,.0f} docs/s)")
    return table
