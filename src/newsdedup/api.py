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
from newsdedup.ids import group_id, unique_ids
from newsdedup.memory import collection_paused
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


def build_groups(run: CopyRun) -> tuple[Group, ...]:
    """Group objects, sorted by representative id; each group's first member represents it,
    the others follow in rank order. Made from whole columns (one sort, lists of Python values)
    rather than per document (a per-member loop over numpy rows was seconds of a 1,000,000
    run), with the cyclic collector paused (memory.py)."""
    with collection_paused():
        return _build_groups(run)


def _build_groups(run: CopyRun) -> tuple[Group, ...]:
    fp, a = run.fingerprints, run.assignment
    n = len(fp)
    if n == 0:
        return ()
    docs = np.arange(n)
    order = np.lexsort((run.rank, docs != a.center, a.center))
    centers = a.center[order]
    ids = fp.ids
    member_ids = [ids[d] for d in order.tolist()]
    kind_of = [code or Kind.ORIGINAL for code in KIND_CODES]
    kinds = [kind_of[c] for c in a.kind[order].tolist()]
    rows = a.scores[order]
    scored = ~np.isnan(rows[:, 0])
    scores: list[Scores | None] = [None] * n
    for k, row in zip(np.flatnonzero(scored).tolist(), rows[scored].tolist(), strict=True):
        scores[k] = Scores(**dict(zip(SCORE_COLUMNS, row, strict=True)))
    members = [
        Member(
            id=i,
            kind=kind,
            scores=score,
            translation=(
                run.translations.scores_of(int(order[k]), ids) if kind is Kind.TRANSLATION else None
            ),
        )
        for k, (i, kind, score) in enumerate(zip(member_ids, kinds, scores, strict=True))
    ]
    starts = np.flatnonzero(np.r_[True, centers[1:] != centers[:-1]]).tolist()
    groups = [
        Group(id=group_id(ids[rep]), representative=ids[rep], members=tuple(members[s:e]))
        for s, e, rep in zip(starts, [*starts[1:], n], centers[starts].tolist(), strict=True)
    ]
    return tuple(sorted(groups, key=lambda g: g.representative))


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
