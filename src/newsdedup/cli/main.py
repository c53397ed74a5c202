"""The command line: typer commands that hold options and printing; the work is
``newsdedup.pipeline.run``, through the file jobs of jobs.py."""

from __future__ import annotations

import dataclasses
import gc
import logging
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsdedup.cli.summary import progress_display, summary_table
from newsdedup.config import ENGINES, Config
from newsdedup.errors import NewsdedupError
from newsdedup.jobs import compare_files, dedup_files

app = typer.Typer(
    name="newsdedup",
    help="Find every copy of a news article: exact, near, rewritten, excerpted and translated.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
#: Results (a comparison, a diff, a demo's scores) go to stdout, so ``> file`` captures them.
console = Console()
#: Progress bars, run summaries, notes and errors go to stderr.
err_console = Console(stderr=True)

Inputs = Annotated[
    list[Path],
    typer.Argument(
        help="Files or folders: .txt folders, JSONL, CSV, Parquet, HTML pages, WARC archives, "
        "RSS/Atom feeds (optionally .gz/.zst; a name that tells no format is sniffed).",
        show_default=False,
    ),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config", help="TOML file with one table per stage, e.g. \\[lsh] and \\[verify]."
    ),
]
Overrides = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override one setting, e.g. --set lsh.bands=32 (repeatable)."),
]
Format = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Force the input format: txt, jsonl, csv, parquet, html, warc or feed (default: "
        "from the file name, else from its first bytes).",
    ),
]


def _config(config_file: Path | None, overrides: list[str] | None, strict: bool = False) -> Config:
    config = Config.from_toml(config_file) if config_file else Config()
    pairs: dict[str, str] = {}
    for item in overrides or []:
        key, eq, value = item.partition("=")
        if not eq:
            raise typer.BadParameter(f"--set needs KEY=VALUE, got {item!r}", param_hint="--set")
        pairs[key.strip()] = value.strip()
    if strict:
        pairs["run.strict"] = "true"
    return config.override(pairs) if pairs else config


def _fail(exc: Exception) -> typer.Exit:
    # escaped: a message such as "pip install -e '.[web]'" is not rich markup; one line, never
    # wrapped at the terminal's width
    err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


SparkInputs = Annotated[
    list[str],
    typer.Argument(
        help="Files or folders: .txt folders, JSONL, CSV, Parquet, HTML pages, WARC archives, "
        "RSS/Atom feeds (optionally .gz/.zst; a name that tells no format is sniffed). With "
        "--engine spark: JSONL or Parquet at any path Spark reads (hdfs://, s3a://, ...).",
        show_default=False,
    ),
]


@app.command()
def dedup(
    inputs: SparkInputs,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="Groups file to write: .jsonl, .csv or .parquet (.gz/.zst for text formats). "
            "One row per document: id, group, representative, kind, scores. With --engine "
            "spark, a folder of Parquet parts (JSON lines when it ends in .jsonl).",
        ),
    ],
    keep: Annotated[
        str | None,
        typer.Option(
            "--keep",
            help="'representatives': also write the deduplicated corpus, "
            "one document per copy group.",
        ),
    ] = None,
    corpus_output: Annotated[
        str | None,
        typer.Option(
            "--corpus-output",
            help="Where --keep writes the corpus "
            "(default: OUTPUT with .dedup before the extension).",
        ),
    ] = None,
    rejects: Annotated[
        str | None,
        typer.Option(
            "--rejects", help="Write every rejected record (file, line, reason, detail) here."
        ),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            help="local: this process (and its workers); spark: an Apache Spark job "
            "(the spark extra; see docs/scaling.md) [default: run.engine, local].",
        ),
    ] = None,
    master: Annotated[
        str | None,
        typer.Option(
            help="With --engine spark: the Spark master, e.g. local[2], spark://host:7077 or "
            "yarn (default local[*]; spark-submit users run newsdedup/spark/submit.py).",
        ),
    ] = None,
    spark_conf: Annotated[
        list[str] | None,
        typer.Option(
            "--conf",
            help="With --engine spark: a Spark setting KEY=VALUE, e.g. "
            "spark.sql.shuffle.partitions=400 (repeatable).",
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Add an 'explain' column: for every member of a group with copies, the likely "
            "original and its confidence, and for copies their aligned coverage against the "
            "representative and the facts that changed (a second pass over the input).",
        ),
    ] = False,
    id_field: Annotated[
        str | None,
        typer.Option(help="Field holding the document id (JSONL/CSV/Parquet) [default: id]."),
    ] = None,
    text_field: Annotated[
        str | None,
        typer.Option(
            help="Field holding the article text (falls back to maintext, content, body) "
            "[default: text]."
        ),
    ] = None,
    title_field: Annotated[
        str | None, typer.Option(help="Field holding the title [default: title].")
    ] = None,
    date_field: Annotated[
        str | None,
        typer.Option(
            help="Field holding the publication date (ISO 8601, RFC 2822 or epoch) "
            "[default: published]."
        ),
    ] = None,
    url_field: Annotated[str | None, typer.Option(help="Field holding the URL [default: url].")] = (
        None
    ),
    source_field: Annotated[
        str | None,
        typer.Option(help="Field holding the source (site or outlet) [default: source]."),
    ] = None,
    format: Format = None,
    representative: Annotated[
        str | None,
        typer.Option(
            help="How to pick each group's representative: earliest, longest or id "
            "(default earliest)."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Cores to use: kernel threads, and worker processes (reading large plain "
            "JSONL, or fingerprinting when above 2) (default: all)."
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Stop at the first unreadable record instead of reporting and counting it.",
        ),
    ] = False,
    config_file: ConfigFile = None,
    overrides: Overrides = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")
    ] = False,
) -> None:
    """Group copies in INPUTS and write one row per document to OUTPUT.

    Each row's kind: original (the group's likely original, or a document with no copy),
    exact, near (the same text up to small edits), rewrite (reworded or re-edited), excerpt
    (mostly one verbatim part of the other) or condensed (a much shorter text written from
    the other: a brief, a summary). Copy or not is decided by a model fitted on real news
    (docs/evaluation.md); `newsdedup compare A B` shows the evidence for one pair.
    """
    if keep not in (None, "representatives"):
        raise typer.BadParameter("the only value is 'representatives'", param_hint="--keep")
    sets = list(overrides or [])
    if representative:
        sets.append(f"group.representative={representative}")
    if workers is not None:
        sets.append(f"run.workers={workers}")
    try:
        config = _config(config_file, sets, strict)
        config = config.with_read(
            format=format,
            id=id_field,
            text=text_field,
            title=title_field,
            date=date_field,
            url=url_field,
            source=source_field,
        )
        config = _with_engine(config, engine, master, spark_conf, explain)
        with progress_display(err_console, enabled=not quiet) as progress:
            stats = dedup_files(
                inputs,
                output=output,
                config=config,
                keep=keep,
                corpus_output=corpus_output,
                rejects_output=rejects,
                explain=explain,
                progress=progress,
            ).stats
    except NewsdedupError as exc:
        raise _fail(exc) from exc
    if not quiet:
        err_console.print(summary_table(stats, title=f"newsdedup dedup → {output}"))


def _with_engine(
    config: Config, engine: str | None, master: str | None, conf: list[str] | None, explain: bool
) -> Config:
    if engine is not None and engine not in ENGINES:
        raise typer.BadParameter(" or ".join(ENGINES), param_hint="--engine")
    engine = engine or config.run.engine
    if engine == "local" and (master or conf):
        raise typer.BadParameter("only with --engine spark", param_hint="--master/--conf")
    if engine == "spark" and explain:
        raise typer.BadParameter("not with --engine spark", param_hint="--explain")
    for item in conf or []:
        if "=" not in item:
            raise typer.BadParameter(f"--conf needs KEY=VALUE, got {item!r}", param_hint="--conf")
    settings: dict[str, Any] = {"engine": engine}
    if master:
        settings["master"] = master
    run_config = dataclasses.replace(config.run, **settings)
    if conf:
        run_config = dataclasses.replace(run_config, spark_conf=(*run_config.spark_conf, *conf))
    return dataclasses.replace(config, run=run_config)


@app.command()
def compare(
    a: Annotated[
        Path,
        typer.Argument(
            help="First article (a .txt file, or a file with one record).", show_default=False
        ),
    ],
    b: Annotated[Path, typer.Argument(help="Second article.", show_default=False)],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the verdict and figures as JSON.")
    ] = False,
    format: Format = None,
    config_file: ConfigFile = None,
    overrides: Overrides = None,
) -> None:
    """Print every similarity figure of two articles and the verdict.

    The verdict is exact, near, rewrite, excerpt, condensed (copies), translation (the same
    text in another language), same_story (other reports of one event) or unrelated, with the
    figures that decided it: the derivation model's probability and each figure's
    contribution (for two languages, the translation gates' figures), and (with --json) the
    aligned passages, each with its quoted share (for two languages, aligned paragraphs).
    """
    try:
        config = _config(config_file, overrides)
        result = compare_files(a, b, config=config, format=format)
    except NewsdedupError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(orjson.dumps(result.as_dict(), option=orjson.OPT_INDENT_2).decode())
        return
    table = Table(
        title=f"{result.a} vs {result.b}: [bold]{result.as_dict()['kind']}[/bold]",
        title_justify="left",
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in result.scores.items():
        table.add_row(name, f"{value:g}")
    console.print(table)
    for reason in result.reasons:
        console.print(f"• {reason}", highlight=False)


@app.command()
def demo(
    docs: Annotated[int, typer.Option(help="Articles in the generated sample.")] = 3000,
    out: Annotated[Path, typer.Option(help="Folder for the sample corpus and the outputs.")] = Path(
        "newsdedup-demo"
    ),
    seed: Annotated[int, typer.Option(help="Seed of the generated sample.")] = 0,
) -> None:
    """Generate a labelled sample corpus, deduplicate it end to end and score the result."""
    from newsdedup.cli.demo import accuracy_table, load_truth
    from newsdedup.synth import write_corpus_jsonl

    corpus, truth = write_corpus_jsonl(out / "sample.jsonl", docs, seed)
    console.print(f"sample corpus: {corpus} ({docs:,} generated articles; truth in {truth})")
    with progress_display(err_console) as progress:
        result = dedup_files(
            [corpus], output=out / "groups.jsonl", keep="representatives", progress=progress
        )
    console.print(
        summary_table(result.stats, title=f"newsdedup dedup {corpus} -o {out / 'groups.jsonl'}")
    )
    console.print(accuracy_table(result.groups, load_truth(truth)))
    console.print(
        f"groups: {out / 'groups.jsonl'}   deduplicated corpus: {out / 'groups.dedup.jsonl'}"
    )


@app.command()
def stages() -> None:
    """List the stages of a run in data-flow order: per-document maps and keyed global steps,
    the key of each keyed step, and what each takes and gives."""
    from newsdedup.stages import STAGES

    table = Table(title="newsdedup stages", title_justify="left")
    for column in ("stage", "kind", "key", "takes", "gives", "rule"):
        table.add_column(column, overflow="fold")
    for s in STAGES:
        rule = ", ".join(f"{fn.__module__}.{fn.__name__}" for fn in s.fns)
        table.add_row(s.name, s.kind, s.key or "-", s.takes, s.gives, rule)
    console.print(table)


@app.command()
def generate(
    docs: Annotated[int, typer.Argument(help="Number of articles.", show_default=False)],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="JSONL file to write; the truth goes to OUTPUT.truth.jsonl."
        ),
    ],
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same bytes).")] = 0,
    words: Annotated[int, typer.Option(help="Mean article length in words.")] = 500,
    copy_rate: Annotated[
        float, typer.Option(help="Share of articles that are planted copies.")
    ] = 0.3,
    kinds: Annotated[
        str | None,
        typer.Option(
            help="Mix of copy kinds as KIND=WEIGHT pairs, e.g. exact=0.2,near=0.3,condensed=0.5 "
            "(kinds: exact, near, repost, excerpt, house, rewrite, condensed; default "
            "exact=0.2,near=0.3,rewrite=0.3,excerpt=0.2).",
            show_default=False,
        ),
    ] = None,
    shared_quotes: Annotated[
        float,
        typer.Option(
            help="Share of originals that also quote long passages verbatim, as another "
            "original of their story does (hard negatives, not copies)."
        ),
    ] = 0.0,
) -> None:
    """Write a labelled synthetic news corpus with planted copies and same-story hard negatives."""
    from newsdedup.errors import ConfigError
    from newsdedup.synth import parse_kinds, write_corpus_jsonl

    try:
        mix = None if kinds is None else parse_kinds(kinds)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--kinds") from exc
    try:
        corpus, truth = write_corpus_jsonl(
            output,
            docs,
            seed,
            words=words,
            copy_rate=copy_rate,
            kinds=mix,
            shared_quotes=shared_quotes,
        )
    except ConfigError as exc:
        raise _fail(exc) from exc
    console.print(f"wrote {docs:,} articles to {corpus} and their truth to {truth}")


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log each rejected record.")
    ] = False,
) -> None:
    """newsdedup: find copies (exact, near, rewritten, excerpted) of news articles."""
    logging.basicConfig(level=logging.WARNING if verbose else logging.ERROR, format="%(message)s")
    # What the imports made (numba, numpy, pyarrow: about 73,000 objects) lives as long as the
    # command, so the cyclic collector need not walk it in every full collection: a dedup of
    # 300,000 generated articles, 3 alternated pairs, 36.1 -> 34.4 s on average (CPU 54.0 ->
    # 52.2 s; docs/benchmarks.md).
    gc.freeze()


def _register() -> None:
    from newsdedup.cli.clean import clean
    from newsdedup.cli.diff import diff
    from newsdedup.cli.index import index_app, query
    from newsdedup.cli.serve import serve
    from newsdedup.cli.stories import run, stories

    app.command(name="clean")(clean)
    app.command(name="diff")(diff)
    app.command(name="stories")(stories)
    app.command(name="run")(run)
    app.add_typer(index_app, name="index")
    app.command(name="query")(query)
    app.command(name="serve")(serve)


_register()
