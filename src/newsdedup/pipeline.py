"""One run path: read the inputs once, run the stages on the executor ``Config.run.engine``
names, write what ``Outputs`` asks for, and return one ``RunResult``.

``newsdedup dedup``, ``run``, ``stories``, ``demo``, ``index add``, spark-submit
(``newsdedup.spark.submit``) and the file jobs of the Python API (``dedup_files``,
``stories_files``, ``index_files``) all come through ``run``: they hold options and printing
only. The stages themselves, and which are per-document maps and which keyed global steps, are
listed in ``newsdedup.stages``.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdedup.api import find_copy_table, find_stories
from newsdedup.config import Config
from newsdedup.engine.chunks import split_files
from newsdedup.engine.local import Progress, timed, worker_processes
from newsdedup.errors import ConfigError
from newsdedup.group.table import GroupTable
from newsdedup.memory import tune_allocator
from newsdedup.read import FieldMap, read_articles
from newsdedup.relate.translate import language_of
from newsdedup.report import Report
from newsdedup.spill import Spill
from newsdedup.types import Article, Group, Result, Stats, StoryResult
from newsdedup.write import output_format, sibling, write_corpus, write_groups, write_rejects
from newsdedup.write.stories import write_assignments, write_stories
from newsdedup.write.story_report import write_story_report

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from newsdedup.group.stories import SupportsEmbed
    from newsdedup.store.contract import IndexProtocol

__all__ = ["Outputs", "RunResult", "default_corpus_path", "read_inputs", "run"]

PathLike = str | Path


@dataclass(frozen=True, slots=True, kw_only=True)
class Outputs:
    """What a run writes; each is left out when None. Asking for ``assignments``, ``stories``
    or ``report`` makes the run group stories as well as copies."""

    groups: PathLike | None = None  #: one row per document: group, representative, kind, scores
    corpus: PathLike | None = None  #: the deduplicated corpus: each group's representative
    rejects: PathLike | None = None  #: every rejected record: file, line, reason, detail
    assignments: PathLike | None = None  #: one row per document with its group and story
    stories: PathLike | None = None  #: one record per story
    report: PathLike | None = None  #: the stories' HTML report
    explain: bool = False  #: add an ``explain`` column to ``groups`` (local engine only)

    @property
    def wants_stories(self) -> bool:
        return any(p is not None for p in (self.assignments, self.stories, self.report))


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """What one ``run`` found and wrote."""

    stats: Stats  #: the copy step's counts (``Stats.documents_read`` counts every record read)
    report: Report  #: reading's: records read, every rejection, counters
    #: the copy groups as columns (local engine; a Spark run leaves them where ``outputs`` says)
    table: GroupTable | None = None
    stories: StoryResult | None = None  #: when ``Outputs`` asked for stories (local engine)
    added: Counter[str] = field(default_factory=Counter)  #: index runs: new, unchanged, ...
    outputs: dict[str, str] = field(default_factory=dict)  #: what was written, and where
    seconds: float = 0.0  #: wall time of the whole run

    @property
    def groups(self) -> tuple[Group, ...]:
        """The copy groups as ``Group`` objects, made from ``table`` when first asked for (a
        run that only writes its groups file never makes them)."""
        return self.copies.groups

    @property
    def copies(self) -> Result:
        """The copy groups as ``find_copies`` returns them."""
        found = self.table if self.table is not None else ()
        return Result(found=found, rejected=tuple(self.report.rejected), stats=self.stats)


def default_corpus_path(output: PathLike) -> PathLike:
    """``groups.jsonl`` -> ``groups.dedup.jsonl`` (same format as the groups file); a string
    stays a string, so a Spark path (``s3a://...``) keeps its double slash."""
    tagged = sibling(str(output), "dedup")
    return Path(tagged) if isinstance(output, Path) else tagged


def read_inputs(inputs: Sequence[PathLike], config: Config, report: Report) -> Iterator[Article]:
    """The read stage, as ``Config.read`` and ``Config.clean`` set it up."""
    return read_articles(
        [Path(p) for p in inputs],
        fields=FieldMap.of(config.read),
        format=config.read.format or None,
        report=report,
        clean=config.clean,
        workers=config.run.workers,
    )


def _check_formats(outputs: Outputs) -> None:
    """Raise ConfigError for an output whose extension names no format before reading
    anything: a run of a million articles should not fail at its last step."""
    for path in (
        outputs.groups,
        outputs.corpus,
        outputs.rejects,
        outputs.assignments,
        outputs.stories,
    ):
        if path is not None:
            output_format(path)


def run(
    inputs: Sequence[PathLike],
    outputs: Outputs | None = None,
    config: Config | None = None,
    *,
    index: IndexProtocol | None = None,
    stories: bool = False,
    embedder: SupportsEmbed | None = None,
    spark: SparkSession | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Read ``inputs`` once and find their copies (and stories, when ``outputs`` asks for
    them, or ``stories`` is true), or add them to ``index``; write ``outputs``.

    Every valid input document appears in the groups exactly once; rejected records go to
    ``outputs.rejects`` when given and are always counted. With ``config.run.engine ==
    "spark"`` the stages run as a Spark job (on ``spark``, or a session of ``run.master`` that
    ends with the run).
    """
    config = config or Config()
    outputs = outputs or Outputs()
    _check_formats(outputs)
    tune_allocator()
    started = time.perf_counter()
    if index is not None:
        done = _into_index(index, inputs, config, progress)
    elif config.run.engine == "spark":
        done = _on_spark(inputs, outputs, config, spark)
    else:
        done = _local(inputs, outputs, config, stories, embedder, progress)
    return replace(done, seconds=time.perf_counter() - started)


def _local(
    inputs: Sequence[PathLike],
    outputs: Outputs,
    config: Config,
    with_stories: bool,
    embedder: SupportsEmbed | None,
    progress: Progress | None,
) -> RunResult:
    report = Report(strict=config.run.strict)
    written: dict[str, str] = {}
    groups_path = outputs.groups
    with Spill[Article](_spill_dir(groups_path or outputs.corpus)) as spill:
        articles: Iterator[Article] = read_inputs(inputs, config, report)
        if with_stories or outputs.wants_stories:  # stories replay the corpus in publication order
            everything = list(articles)
            held: list[Article] | None = everything
            articles = iter(everything)
        else:
            held = None
            if outputs.explain or outputs.corpus is not None:  # texts wait on disk
                articles = spill.tee(articles)
        chunked = None  # worker processes read the files, where nothing else needs the articles
        if held is None and not outputs.explain and outputs.corpus is None:
            chunked = split_files(inputs, config, worker_processes(config))
        table, stats = find_copy_table(
            chunked or articles, config, report=report, progress=progress
        )
        if groups_path is not None:
            explanations = None
            if outputs.explain:
                with timed(stats.seconds, "explain"):
                    texts = {a.id: a for a in held} if held is not None else None
                    explanations = _explain(spill, texts, table.groups(), config)
            with timed(stats.seconds, "write"):
                write_groups(table, Path(groups_path), explanations=explanations)
            written["groups"] = str(groups_path)
        if outputs.corpus is not None:
            with timed(stats.seconds, "write"):
                reps = set(table.representatives())
                found = iter(held) if held is not None else spill.take(lambda a: a.id in reps)
                write_corpus(_kept(found, reps), Path(outputs.corpus))
            written["corpus"] = str(outputs.corpus)
    stories = None
    if held is not None:
        if progress:
            progress("stories", len(held))
        copies = Result(found=table, rejected=tuple(report.rejected), stats=stats)
        stories = find_stories(held, config, copies=copies, embedder=embedder)
        written.update(_write_stories(stories, held, outputs))
    if outputs.rejects is not None:
        write_rejects(report.rejected, Path(outputs.rejects))
        written["rejects"] = str(outputs.rejects)
    stats = replace(stats, documents_read=report.read)
    return RunResult(stats=stats, report=report, table=table, stories=stories, outputs=written)


def _spill_dir(output: PathLike | None) -> Path | None:
    """Spill beside the output (the disk that has room for it), else in the temp folder."""
    if output is None:
        return None
    parent = Path(output).parent
    return parent if parent.is_dir() else None


def _kept(articles: Iterator[Article], keep: set[str]) -> Iterator[Article]:
    """The representatives (a repeated id was rejected: the first counts)."""
    seen: set[str] = set()
    for article in articles:
        if article.id in keep and article.id not in seen:
            seen.add(article.id)
            yield article


def _explain(
    spill: Spill[Article],
    texts: dict[str, Article] | None,
    found: tuple[Group, ...],
    config: Config,
) -> dict[str, dict[str, object]]:
    """The explanation of each group with copies, from its members' texts."""
    from newsdedup.relate.explain import explain_group

    groups = [g for g in found if g.size > 1]
    if texts is None:
        wanted = {m.id for g in groups for m in g.members}
        texts = {}
        for article in spill.take(lambda a: a.id in wanted):
            texts.setdefault(article.id, article)  # a repeated id was rejected: the first counts
    out: dict[str, dict[str, object]] = {}
    for group in groups:
        out.update(explain_group(group, texts, config))
    return out


def _write_stories(stories: StoryResult, held: list[Article], outputs: Outputs) -> dict[str, str]:
    written: dict[str, str] = {}
    if outputs.assignments is not None:
        write_assignments(stories, Path(outputs.assignments))
        written["assignments"] = str(outputs.assignments)
    if outputs.stories is not None:
        write_stories(stories.stories, Path(outputs.stories))
        written["stories"] = str(outputs.stories)
    if outputs.report is not None:
        titles = {a.id: a.title for a in held if a.title}
        write_story_report(stories, Path(outputs.report), titles=titles)
        written["report"] = str(outputs.report)
    return written


def _into_index(
    index: IndexProtocol, inputs: Sequence[PathLike], config: Config, progress: Progress | None
) -> RunResult:
    """The read stage into ``index.add``, ``run.batch_size`` articles per call (one
    transaction each). Records the index refuses join reading's rejections."""
    report = Report(strict=config.run.strict)
    added: Counter[str] = Counter()
    articles = read_inputs(inputs, config, report)
    languages: set[str] = set()  # counted for the run's stats, as the batch engine counts them
    while batch := list(itertools.islice(articles, config.run.batch_size)):
        if config.translate.enabled:
            languages.update(language_of(a) for a in batch)
        result = index.add(batch)
        added.update(a.status for a in result.added)
        report.rejected.extend(result.rejected)
        if progress is not None:
            progress("indexing", added.total())
    stats = Stats(
        documents_read=report.read,
        rejected=len(report.rejected),
        rejected_by_reason=report.rejected_by_reason,
        documents=added.total(),
        languages=len(languages - {""}),
    )
    return RunResult(stats=stats, report=report, added=added)


def _on_spark(
    inputs: Sequence[PathLike], outputs: Outputs, config: Config, spark: SparkSession | None
) -> RunResult:
    """The same stages as a Spark job (newsdedup.spark); a session made here ends with it."""
    from newsdedup.spark import dedup as spark_dedup
    from newsdedup.spark import session
    from newsdedup.spark.stories import dedup_with_stories

    if outputs.groups is None:
        raise ConfigError("A Spark run writes its groups: name Outputs.groups (-o)")
    if outputs.explain or outputs.report is not None:
        raise ConfigError("explain and the HTML report run on the local engine only")
    own = spark is None
    if spark is None:
        spark = session(config.run.master or "local[*]", config.run.spark_settings)
    common: dict[str, Any] = {
        "output": str(outputs.groups),
        "config": config,
        "fields": FieldMap.of(config.read),
        "format": config.read.format or None,
        "keep": "representatives" if outputs.corpus is not None else None,
        "corpus_output": None if outputs.corpus is None else str(outputs.corpus),
        "rejects_output": None if outputs.rejects is None else str(outputs.rejects),
    }
    paths = [str(p) for p in inputs]
    try:
        if outputs.assignments is not None or outputs.stories is not None:
            done = dedup_with_stories(
                spark,
                paths,
                stories_output=None if outputs.assignments is None else str(outputs.assignments),
                records_output=None if outputs.stories is None else str(outputs.stories),
                **common,
            )
        else:
            done = spark_dedup(spark, paths, **common)
    finally:
        if own:
            spark.stop()
    report = Report(strict=config.run.strict)
    report.read = done.stats.documents_read
    return RunResult(stats=done.stats, report=report, outputs=dict(done.outputs))
