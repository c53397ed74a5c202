"""The Python API: the same engine the CLI runs, over any iterable of Articles."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterable

import numpy as np

from newsdedup.clean.pipeline import clean_articles, per_article
from newsdedup.config import Config
from newsdedup.engine.local import CopyRun, Progress, run_copies
from newsdedup.group.stories import SupportsEmbed, publication_order, story_graph_result
from newsdedup.group.stories.find import without_raw
from newsdedup.ids import group_id, unique_ids
from newsdedup.relate.kind import KIND_CODES
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.report import Report
from newsdedup.types import (
    Article,
    Group,
    Kind,
    Member,
    Result,
    Scores,
    Stats,
    StoryResult,
)

__all__ = ["build_groups", "find_copies", "find_stories", "group_id"]


def _scores(row: np.ndarray) -> Scores | None:
    if np.isnan(row[0]):
        return None
    return Scores(**{name: float(v) for name, v in zip(SCORE_COLUMNS, row, strict=True)})


def build_groups(run: CopyRun) -> tuple[Group, ...]:
    """Group objects, sorted by representative id; each group's first member represents it."""
    fp, a = run.fingerprints, run.assignment
    if len(fp) == 0:
        return ()
    order = np.lexsort((run.rank, a.center))
    groups: list[Group] = []
    start = 0
    for end in np.append(np.flatnonzero(np.diff(a.center[order]) != 0) + 1, len(order)):
        members = order[start:end]
        rep = int(a.center[members[0]])
        ordered = sorted(members.tolist(), key=lambda d: (d != rep, run.rank[d]))
        groups.append(
            Group(
                id=group_id(fp.ids[rep]),
                representative=fp.ids[rep],
                members=tuple(_member(run, d) for d in ordered),
            )
        )
        start = end
    return tuple(sorted(groups, key=lambda g: g.representative))


def _member(run: CopyRun, d: int) -> Member:
    code = int(run.assignment.kind[d])
    kind = KIND_CODES[code] if code else Kind.ORIGINAL
    assert kind is not None
    return Member(
        id=run.fingerprints.ids[d],
        kind=kind,
        scores=_scores(run.assignment.scores[d]),
        translation=(
            run.translations.scores_of(d, run.fingerprints.ids)
            if kind is Kind.TRANSLATION
            else None
        ),
    )


def _stats(run: CopyRun, report: Report, groups: tuple[Group, ...]) -> Stats:
    by_kind: dict[str, int] = {}
    for g in groups:
        for m in g.members[1:]:
            by_kind[m.kind.value] = by_kind.get(m.kind.value, 0) + 1
    return Stats(
        documents_read=report.read or len(run.fingerprints) + len(report.rejected),
        rejected=len(report.rejected),
        rejected_by_reason=report.rejected_by_reason,
        documents=len(run.fingerprints),
        groups=sum(1 for g in groups if g.size > 1),
        copies_by_kind=by_kind,
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
    articles: Iterable[Article],
    config: Config | None = None,
    *,
    report: Report | None = None,
    progress: Progress | None = None,
) -> Result:
    """Find every copy among ``articles``; each valid article lands in exactly one group.

    Articles with a repeated id are rejected (see ``Result.rejected``), never merged silently.
    """
    config = config or Config()
    report = report or Report(strict=config.run.strict)
    run = run_copies(articles, config, report, progress)
    groups = build_groups(run)
    return Result(groups=groups, rejected=tuple(report.rejected), stats=_stats(run, report, groups))


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
