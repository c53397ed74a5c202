"""File-to-file jobs: what the CLI runs, as plain keyword-only functions."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from newsdedup.api import find_copies
from newsdedup.clean.pipeline import clean_corpus
from newsdedup.config import Config
from newsdedup.engine.local import Progress
from newsdedup.errors import InputError
from newsdedup.read import FieldMap, read_articles
from newsdedup.report import Report
from newsdedup.spill import Spill
from newsdedup.types import Article, Result, StoryResult
from newsdedup.write import (
    write_cleaned,
    write_corpus,
    write_groups,
    write_rejects,
    write_removals,
)
from newsdedup.write.stories import write_assignments, write_stories
from newsdedup.write.story_report import write_story_report

if TYPE_CHECKING:
    from newsdedup.fingerprint.embed import Embedder
    from newsdedup.relate.compare import Comparison
    from newsdedup.store.contract import IndexProtocol

__all__ = [
    "StoriesRun",
    "clean_files",
    "compare_files",
    "dedup_files",
    "default_corpus_path",
    "index_files",
    "read_by_id",
    "read_one",
    "stories_files",
]


def default_corpus_path(output: Path) -> Path:
    """``groups.jsonl`` -> ``groups.dedup.jsonl`` (same format as the groups file)."""
    name = output.name
    stem, dot, rest = name.partition(".")
    return output.with_name(f"{stem}.dedup{dot}{rest}" if dot else f"{stem}.dedup")


def _read(
    inputs: Sequence[Path], config: Config, fields: FieldMap, format: str | None, report: Report
) -> Iterator[Article]:
    return read_articles(
        inputs,
        fields=fields,
        format=format,
        report=report,
        clean=config.clean,
        workers=config.run.workers,
    )


def _kept(spill: Spill, keep: set[str]) -> Iterator[Article]:
    """The representatives, from the spill (a repeated id was rejected: the first counts)."""
    seen: set[str] = set()
    for article in spill.take(lambda a: a.id in keep and a.id not in seen):
        seen.add(article.id)
        yield article


def _explain(spill: Spill, result: Result, config: Config) -> dict[str, dict[str, object]]:
    """The explanation of each group with copies, from its members' spilled texts."""
    from newsdedup.relate.explain import explain_group

    groups = [g for g in result.groups if g.size > 1]
    wanted = {m.id for g in groups for m in g.members}
    texts: dict[str, Article] = {}
    for article in spill.take(lambda a: a.id in wanted):
        texts.setdefault(article.id, article)  # a repeated id was rejected: the first counts
    out: dict[str, dict[str, object]] = {}
    for group in groups:
        out.update(explain_group(group, texts, config))
    return out


def dedup_files(
    inputs: Sequence[Path],
    *,
    output: Path,
    config: Config | None = None,
    fields: FieldMap | None = None,
    format: str | None = None,
    keep: str | None = None,
    corpus_output: Path | None = None,
    rejects_output: Path | None = None,
    explain: bool = False,
    progress: Progress | None = None,
) -> Result:
    """Read ``inputs``, find copies and write the groups file (and, if asked, the dedup corpus).

    Every valid input document appears in the groups file exactly once; rejected records go to
    ``rejects_output`` when given and are always counted in ``Result.stats``.
    """
    config = config or Config()
    fields = fields or FieldMap()
    report = Report(strict=config.run.strict)
    with Spill(output.parent if output.parent.is_dir() else None) as spill:
        articles = _read(inputs, config, fields, format, report)
        if explain or keep == "representatives":  # the input is read once: texts wait on disk
            articles = spill.tee(articles)
        result = find_copies(articles, config, report=report, progress=progress)
        explanations = _explain(spill, result, config) if explain else None
        write_groups(result.groups, output, explanations=explanations)
        if rejects_output is not None:
            write_rejects(result.rejected, rejects_output)
        if keep == "representatives":
            reps = {g.representative for g in result.groups}
            path = corpus_output or default_corpus_path(output)
            write_corpus(_kept(spill, reps), path)
    stats = replace(result.stats, documents_read=report.read)
    return replace(result, stats=stats)


def clean_files(
    inputs: Sequence[Path],
    *,
    output: Path,
    config: Config | None = None,
    fields: FieldMap | None = None,
    format: str | None = None,
    raw: bool = False,
    removals_output: Path | None = None,
    rejects_output: Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Read ``inputs``, clean every article and write each once to ``output``.

    Returns the Report: ``read``, the rejections, and counters such as ``boilerplate_lines``,
    ``learned_lines``, ``date_from_text`` and ``written``. ``removals_output`` lists every
    removed span, one row each.
    """
    config = config or Config()
    fields = fields or FieldMap()
    report = Report(strict=config.run.strict)
    articles = _read(inputs, config, fields, format, report)
    removals: list[dict[str, object]] = []
    cleaned = _noted(clean_corpus(articles, config=config.clean, report=report), removals, progress)
    report.count("written", write_cleaned(cleaned, output, raw=raw))
    if removals_output is not None:
        write_removals(removals, removals_output)
    if rejects_output is not None:
        write_rejects(report.rejected, rejects_output)
    return report


def _noted(
    articles: Iterator[Article], removals: list[dict[str, object]], progress: Progress | None
) -> Iterator[Article]:
    for n, article in enumerate(articles, 1):
        removals.extend({"id": article.id, **r.as_dict()} for r in article.removed)
        if progress is not None:
            progress("clean", n)
        yield article


@dataclass(frozen=True, slots=True)
class StoriesRun:
    """What ``stories_files`` found: the stories, the copy groups under them, and the Report."""

    stories: StoryResult
    copies: Result
    report: Report


def stories_files(
    inputs: Sequence[Path],
    *,
    output: Path | None = None,
    config: Config | None = None,
    fields: FieldMap | None = None,
    format: str | None = None,
    groups_output: Path | None = None,
    stories_output: Path | None = None,
    report_output: Path | None = None,
    rejects_output: Path | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> StoriesRun:
    """Copy groups and stories in one run: read once, find copies, then group the copy groups
    into stories, and write what was asked: every document once with its ``group`` and ``story``
    (``output``), the copy groups as ``dedup`` writes them (``groups_output``), one record per
    story (``stories_output``) and the HTML report (``report_output``).

    Stories replay the corpus in publication order and need every text, so the articles are
    held in memory (about the size of their texts).
    """
    from newsdedup import find_stories

    config = config or Config()
    fields = fields or FieldMap()
    report = Report(strict=config.run.strict)
    articles = list(_read(inputs, config, fields, format, report))
    copies = find_copies(articles, config, report=report, progress=progress)
    if groups_output is not None:
        write_groups(copies.groups, groups_output)
    if progress:
        progress("stories", len(articles))
    stories = find_stories(articles, config, copies=copies, embedder=embedder)
    if output is not None:
        write_assignments(stories, output)
    if stories_output is not None:
        write_stories(stories.stories, stories_output)
    if report_output is not None:
        titles = {a.id: a.title for a in articles if a.title}
        write_story_report(stories, report_output, titles=titles)
    if rejects_output is not None:
        write_rejects(report.rejected, rejects_output)
    return StoriesRun(stories=stories, copies=copies, report=report)


def index_files(
    index: IndexProtocol,
    inputs: Sequence[Path],
    *,
    config: Config,
    report: Report,
    fields: FieldMap | None = None,
    format: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Counter[str]:
    """Add the articles of ``inputs`` to ``index``, ``run.batch_size`` per call (one
    transaction each); returns how many were added, unchanged or new versions. Rejected records
    (unreadable, or refused by the index) go to ``report``."""
    counts: Counter[str] = Counter()
    articles = _read(inputs, config, fields or FieldMap(), format, report)
    while batch := list(itertools.islice(articles, config.run.batch_size)):
        result = index.add(batch)
        counts.update(a.status for a in result.added)
        report.rejected.extend(result.rejected)
        if progress is not None:
            progress("indexing", counts.total())
    return counts


def read_one(
    path: Path, *, why: str, config: Config | None = None, format: str | None = None
) -> Article:
    """The one article in ``path`` (a .txt file, or a file of one record), read strictly: an
    unreadable record is an error naming its file and line. ``why`` ends the error when the
    file holds another number of articles."""
    config = config or Config()
    report = Report(strict=True)
    articles = list(_read([path], config, FieldMap(), format, report))
    if len(articles) != 1:
        raise InputError(f"{path} holds {len(articles)} articles; {why}")
    return articles[0]


def read_by_id(
    inputs: Sequence[Path], ids: Sequence[str], *, format: str | None = None
) -> dict[str, Article]:
    """The first article of each of ``ids`` in ``inputs``; an id not found is an error."""
    found: dict[str, Article] = {}
    for article in _read(inputs, Config(), FieldMap(), format, Report()):
        if article.id in ids:
            found.setdefault(article.id, article)
    missing = [i for i in ids if i not in found]
    if missing:
        raise InputError(f"no article with id {', '.join(map(repr, missing))} in {_names(inputs)}")
    return found


def _names(inputs: Sequence[Path]) -> str:
    return ", ".join(str(p) for p in inputs)


def compare_files(
    a: Path, b: Path, *, config: Config | None = None, format: str | None = None
) -> Comparison:
    """``newsdedup compare``: one article from each file, cleaned as a run cleans them, then
    the engine's verdict and figures."""
    from newsdedup.clean.pipeline import clean_article, per_article
    from newsdedup.relate.compare import compare

    config = config or Config()
    first, second = (
        clean_article(
            read_one(path, why="compare needs exactly one", config=config, format=format),
            config=per_article(config.clean),
        )
        for path in (a, b)
    )
    return compare(first, second, config)
