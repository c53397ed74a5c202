"""The Python API: the same engine the CLI runs, over any iterable of Articles."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterable

import numpy as np

from newsdedup.clean.pipeline import clean_articles, per_article
from newsdedup.config import Config
from newsdedup.engine.chunks import SplitFiles
from newsdedup.engine.local import CopyRun, Progress, run_copies
from newsdedup.group.stories import SupportsEmbed, publication_order, story_graph_result
from newsdedup.group.stories.find import without_raw
from newsdedup.group.table import GroupTable, group_table
from newsdedup.ids import group_id, unique_ids
from newsdedup.report import Report
from newsdedup.types import (
    Article,
    Group,
    Result,
    Stats,
    StoryResult,
)

__all__ = [
    "build_groups",
    "copy_table",
    "find_copies",
    "find_copy_table",
    "find_stories",
    "group_id",
]


def copy_table(run: CopyRun) -> GroupTable:
    """The run's copy groups as columns (group/table.py), in the groups file's order."""
    a = run.assignment
    if a is None or not len(run.fingerprints):
        return GroupTable.of(())
    ids = run.fingerprints.ids
    return group_table(ids, run.rank, a.center, a.kind, a.scores, run.translations, run.tiebreak)


def build_groups(run: CopyRun) -> tuple[Group, ...]:
    """Group objects, sorted by representative id; each group's first member represents it,
    the others follow in rank order. Made from the run's table (``GroupTable.groups``)."""
    return copy_table(run).groups()


def _stats(run: CopyRun, report: Report, table: GroupTable) -> Stats:
    return Stats(
        documents_read=report.read or len(run.fingerprints) + len(report.rejected),
        rejected=len(report.rejected),
        rejected_by_reason=report.rejected_by_reason,
        documents=len(run.fingerprints),
        groups=int(np.count_nonzero(table.sizes() > 1)),
        copies_by_kind=table.kind_counts(),
        candidate_pairs=run.candidate_pairs,
        verified_pairs=run.verified_pairs,
        oversized_buckets=run.lsh.oversized,
        short_documents=run.contained.short_documents,
        short_pairs=run.contained.pairs,
        thin_pairs=run.lsh.thin,
        low_overlap_pairs=run.lsh.low_overlap,
        languages=run.translations.languages,
        translation_candidates=run.translations.candidates,
        encoded=run.translations.encoded,
        translation_pairs=len(run.translations.pairs),
        seconds=dict(run.seconds),
    )


def find_copies(
    articles: Iterable[Article] | SplitFiles,
    config: Config | None = None,
    *,
    report: Report | None = None,
    progress: Progress | None = None,
) -> Result:
    """Find every copy among ``articles``; each valid article lands in exactly one group.

    Articles with a repeated id are rejected (see ``Result.rejected``), never merged silently.
    ``SplitFiles`` (``engine.chunks.split_files``) are read in worker processes.
    """
    config = config or Config()
    report = report or Report(strict=config.run.strict)
    table, stats = find_copy_table(articles, config, report=report, progress=progress)
    return Result(found=table.groups(), rejected=tuple(report.rejected), stats=stats)


def find_copy_table(
    articles: Iterable[Article] | SplitFiles,
    config: Config,
    *,
    report: Report,
    progress: Progress | None = None,
) -> tuple[GroupTable, Stats]:
    """``find_copies`` as columns and counts, without a ``Group`` object per group (what a
    run that writes the groups file needs)."""
    run = run_copies(articles, config, report, progress)
    table = copy_table(run)
    return table, _stats(run, report, table)


def find_stories(
    articles: Iterable[Article],
    config: Config | None = None,
    *,
    copies: Result | None = None,
    embedder: SupportsEmbed | None = None,
) -> StoryResult:
    """Group ``articles`` into stories; each valid article lands in exactly one.

    Articles are cleaned as ``find_copies`` cleans them; ``copies`` (a ``find_copies`` result
    over the same articles) saves finding the copy groups again. A repeated id is rejected.
    """
    config = config or Config()
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    report = Report(strict=config.run.strict)
    kept = _cleaned(unique_ids(articles, report), config)
    seconds["clean"] = time.perf_counter() - start
    if copies is None:
        plain = dataclasses.replace(config.clean, boilerplate=False)
        copies = find_copies(kept, dataclasses.replace(config, clean=plain))
        seconds.update({f"copies.{k}": v for k, v in copies.stats.seconds.items()})
    start = time.perf_counter()
    group_of = {m.id: g.id for g in copies.groups for m in g.members}
    group_of.update({a.id: group_id(a.id) for a in kept if a.id not in group_of})
    order, when = publication_order(kept, config.stories)
    ordered = [without_raw(kept[i]) for i in order]
    del kept
    workers = config.run.workers or os.cpu_count() or 1
    result = story_graph_result(ordered, when, group_of, config.stories, embedder, workers)
    seconds["stories"] = time.perf_counter() - start
    return dataclasses.replace(
        result, rejected=tuple(report.rejected) + copies.rejected, seconds=seconds
    )


def _cleaned(articles: Iterable[Article], config: Config) -> list[Article]:
    if not config.clean.boilerplate:
        return list(articles)
    return list(clean_articles(articles, config=per_article(config.clean)))
