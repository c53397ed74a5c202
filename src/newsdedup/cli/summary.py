"""The end-of-run summary table and the progress display."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsdedup.engine.local import Progress as ProgressCallback
from newsdedup.report import Report
from newsdedup.types import Stats

__all__ = ["clean_table", "progress_display", "summary_table"]


def summary_table(stats: Stats, title: str = "newsdedup") -> Table:
    total = sum(stats.seconds.values())
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("documents read", f"{stats.documents_read:,}")
    table.add_row("rejected", f"{stats.rejected:,}")
    for reason, count in sorted(stats.rejected_by_reason.items()):
        table.add_row(f"  {reason}", f"{count:,}")
    table.add_row("documents grouped", f"{stats.documents:,}")
    table.add_row("copy groups (2+ documents)", f"{stats.groups:,}")
    copies = sum(stats.copies_by_kind.values())
    table.add_row("copies", f"{copies:,}")
    for kind in ("exact", "near", "rewrite", "excerpt", "condensed", "translation"):
        table.add_row(f"  {kind}", f"{stats.copies_by_kind.get(kind, 0):,}")
    table.add_row("unique after dedup", f"{stats.documents - copies:,}")
    table.add_row(
        "candidate pairs / verified", f"{stats.candidate_pairs:,} / {stats.verified_pairs:,}"
    )
    if stats.short_documents:
        table.add_row(
            "short documents / their candidate pairs",
            f"{stats.short_documents:,} / {stats.short_pairs:,}",
        )
    if stats.thin_pairs:
        table.add_row("LSH pairs sharing too few bands (not verified)", f"{stats.thin_pairs:,}")
    if stats.low_overlap_pairs:
        table.add_row(
            "LSH pairs under the shingle containment floor (not verified)",
            f"{stats.low_overlap_pairs:,}",
        )
    if stats.languages > 1:
        table.add_row(
            "languages / translation candidates / encoded",
            f"{stats.languages:,} / {stats.translation_candidates:,} / {stats.encoded:,}",
        )
    if stats.oversized_buckets:
        table.add_row("[yellow]oversized LSH buckets (capped)", f"{stats.oversized_buckets:,}")
    for stage, sec in stats.seconds.items():
        table.add_row(f"time: {stage}", f"{sec:.2f} s")
    rate = stats.documents / total if total else 0.0
    table.add_row("time: total", f"{total:.2f} s ({rate:,.0f} docs/s)")
    return table


@contextmanager
def progress_display(console: Console, *, enabled: bool = True) -> Iterator[ProgressCallback]:
    """A progress bar fed by the engine's (stage, done) callback, on a terminal only (off one,
    rich would leave an empty line in the log)."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed:,} docs"),
        TimeElapsedColumn(),
    )
    shown = enabled and console.is_terminal
    with Progress(*columns, console=console, transient=True, disable=not shown) as bar:
        task = bar.add_task("reading + fingerprinting", total=None)

        def update(stage: str, done: int) -> None:
            label = {
                "fingerprint": "reading + fingerprinting",
                "verify": "verifying + grouping",
                "clean": "reading + cleaning",
                "stories": "grouping stories",
                "translate": "finding translations",
            }
            bar.update(task, description=label.get(stage, stage), completed=done)

        yield update


def clean_table(report: Report, *, title: str, seconds: float) -> Table:
    """What ``newsdedup clean`` read, wrote, rejected and removed."""
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    counters = report.counters
    table.add_row("documents read", f"{report.read:,}")
    table.add_row("rejected", f"{len(report.rejected):,}")
    for reason, count in sorted(report.rejected_by_reason.items()):
        table.add_row(f"  {reason}", f"{count:,}")
    table.add_row("articles written", f"{counters['written']:,}")
    table.add_row("boilerplate lines removed", f"{counters['boilerplate_lines']:,}")
    table.add_row("  learned from the corpus", f"{counters['learned_lines']:,} distinct lines")
    table.add_row("dates found in the text", f"{counters['date_from_text']:,}")
    for name in ("all_boilerplate", "skipped_file", "skipped_record"):
        if counters[name]:
            table.add_row(name.replace("_", " "), f"{counters[name]:,}")
    rate = report.read / seconds if seconds else 0.0
    table.add_row("time", f"{seconds:.2f} s ({rate:,.0f} docs/s)")
    return table
