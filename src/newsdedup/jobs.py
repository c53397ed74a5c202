"""File-to-file jobs of the Python API, as plain keyword-only functions.

``dedup_files``, ``stories_files`` and ``index_files`` name their outputs as keywords and go
through the one run path, ``newsdedup.pipeline.run``; ``clean_files``, ``compare_files``,
``read_one`` and ``read_by_id`` serve ``newsdedup clean``, ``compare`` and ``diff``.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from newsdedup.clean.pipeline import clean_corpus
from newsdedup.config import Config
from newsdedup.engine.local import Progress
from newsdedup.errors import InputError
from newsdedup.pipeline import (
    Outputs,
    PathLike,
    RunResult,
    default_corpus_path,
    read_inputs,
    run,
)
from newsdedup.read import FieldMap
from newsdedup.report import Report
from newsdedup.types import Article, Result
from newsdedup.write import write_cleaned, write_rejects, write_removals

if TYPE_CHECKING:
    from newsdedup.group.stories import SupportsEmbed
    from newsdedup.relate.compare import Comparison
    from newsdedup.store.contract import IndexProtocol

__all__ = [
    "clean_files",
    "compare_files",
    "dedup_files",
    "default_corpus_path",
    "index_files",
    "read_by_id",
    "read_one",
    "stories_files",
]


def _with_read(config: Config | None, fields: FieldMap | None, format: str | None) -> Config:
    """``config`` with the read settings given as arguments (they win over ``config.read``)."""
    named = dataclasses.asdict(fields) if fields is not None else {}
    return (config or Config()).with_read(format=format, **named)


def dedup_files(
    inputs: Sequence[PathLike],
    *,
    output: PathLike,
    config: Config | None = None,
    fields: FieldMap | None = None,
    format: str | None = None,
    keep: str | None = None,
    corpus_output: PathLike | None = None,
    rejects_output: PathLike | None = None,
    explain: bool = False,
    progress: Progress | None = None,
) -> Result:
    """Read ``inputs``, find copies and write the groups file (and, with ``keep=
    "representatives"``, the dedup corpus: ``corpus_output``, by default beside ``output``).

    Every valid input document appears in the groups file exactly once; rejected records go to
    ``rejects_output`` when given and are always counted in ``Result.stats``.
    """
    corpus = None
    if keep == "representatives":
        corpus = corpus_output or default_corpus_path(output)
    outputs = Outputs(groups=output, corpus=corpus, rejects=rejects_output, explain=explain)
    return run(inputs, outputs, _with_read(config, fields, format), progress=progress).copies


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
    config = _with_read(config, fields, format)
    report = Report(strict=config.run.strict)
    articles = read_inputs(inputs, config, report)
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
    embedder: SupportsEmbed | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Copy groups and stories in one run: read once, find copies, then group the copy groups
    into stories, and write what was asked: every document once with its ``group`` and ``story``
    (``output``), the copy groups as ``dedup`` writes them (``groups_output``), one record per
    story (``stories_output``) and the HTML report (``report_output``).

    Stories replay the corpus in publication order and need every text, so the articles are
    held in memory (about the size of their texts).
    """
    outputs = Outputs(
        groups=groups_output,
        rejects=rejects_output,
        assignments=output,
        stories=stories_output,
        report=report_output,
    )
    config = _with_read(config, fields, format)
    return run(inputs, outputs, config, stories=True, embedder=embedder, progress=progress)


def index_files(
    index: IndexProtocol,
    inputs: Sequence[Path],
    *,
    config: Config,
    report: Report | None = None,
    fields: FieldMap | None = None,
    format: str | None = None,
    progress: Progress | None = None,
) -> Counter[str]:
    """Add the articles of ``inputs`` to ``index``, ``run.batch_size`` per call (one
    transaction each); returns how many were added, unchanged or new versions. Rejected records
    (unreadable, or refused by the index) go to ``report`` when given."""
    done = run(inputs, None, _with_read(config, fields, format), index=index, progress=progress)
    if report is not None:
        report.read += done.report.read
        report.rejected.extend(done.report.rejected)
    return done.added


def read_one(
    path: Path, *, why: str, config: Config | None = None, format: str | None = None
) -> Article:
    """The one article in ``path`` (a .txt file, or a file of one record), read strictly: an
    unreadable record is an error naming its file and line. ``why`` ends the error when the
    file holds another number of articles."""
    config = config or Config()
    report = Report(strict=True)
    articles = list(read_inputs([path], _with_read(config, None, format), report))
    if len(articles) != 1:
        raise InputError(f"{path} holds {len(articles)} articles; {why}")
    return articles[0]


def read_by_id(
    inputs: Sequence[Path], ids: Sequence[str], *, format: str | None = None
) -> dict[str, Article]:
    """The first article of each of ``ids`` in ``inputs``; an id not found is an error."""
    found: dict[str, Article] = {}
    for article in read_inputs(inputs, _with_read(None, None, format), Report()):
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
