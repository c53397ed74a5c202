"""Stories on Spark: the core's story graph (group/stories/graph.py), the same function as
``find_stories``.

    articles + copy groups ─ mapInArrow(clean + date, as find_stories) ─ voices collected to
      the driver (id, group, date, source; text and title of the first article of each group
      only) ─ ``story_graph_result`` ─ assignments and story records as DataFrames

Cleaning and dating run on the executors; the graph (vectors, edges, average link) runs on the
driver over the voices, so Spark stories equal ``find_stories``' exactly, and the driver holds
one text per copy group (docs/scaling.md, "Stories at scale": the distributed edge step is the
"One engine" issue's). An article that cleaning rejects is left out (the core rejects it too;
dedup's rejects file lists it).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pyarrow as pa

from newsdedup.clean.pipeline import clean_articles, per_article
from newsdedup.config import Config
from newsdedup.group.stories import date_of, story_graph_result
from newsdedup.ids import group_id
from newsdedup.read.fields import FieldMap
from newsdedup.spark import job, stages
from newsdedup.types import Article
from newsdedup.write import sibling
from newsdedup.write.stories import ASSIGNMENT_SCHEMA, STORY_SCHEMA, assignment_rows, story_row

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

try:  # the spark extra brings pandas; the UDF's type hints must be real classes
    import pandas as pd
except ImportError:  # pragma: no cover - without the extra this module is never run
    pd = None

__all__ = ["DATED_SCHEMA", "dated_of", "dedup_with_stories", "stories"]

#: Each article as the story stage sees it: cleaned text, copy group, and its date (``date_of``)
#: as microseconds since the epoch (null: undated) with its UTC day.
DATED_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("group", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("source", pa.string()),
        ("when_us", pa.int64()),
        ("published_us", pa.int64()),
        ("date", pa.string()),
    ]
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def stories(
    spark: SparkSession, articles: DataFrame, groups: DataFrame, config: Config | None = None
) -> tuple[DataFrame, DataFrame]:
    """Stories of ``articles`` (``stages.ARTICLE_SCHEMA`` columns) given their copy ``groups``
    (id, group; an article without one is its own group): (assignments: id, group, story,
    topic) and one record per story (``write/stories.py``'s ``STORY_SCHEMA``)."""
    config = config or Config()
    dated = _dated(articles, groups, config)
    rows = dated.collect()
    found = [
        Article(
            id=r["id"],
            text=r["text"] or "",
            title=r["title"],
            source=r["source"],
            published=None if r["published_us"] is None else _EPOCH + r["published_us"] * _MICRO,
        )
        for r in rows
    ]
    when = [None if r["when_us"] is None else _EPOCH + r["when_us"] * _MICRO for r in rows]
    order = sorted(
        range(len(rows)),
        key=lambda i: (when[i] is None, when[i] or _EPOCH, rows[i]["id"]),
    )
    group_of = {r["id"]: r["group"] for r in rows}
    result = story_graph_result(
        [found[i] for i in order], [when[i] for i in order], group_of, config.stories
    )
    assigned = spark.createDataFrame(
        list(assignment_rows(result)), schema=job._spark_schema(ASSIGNMENT_SCHEMA)
    )
    records = spark.createDataFrame(
        [story_row(s) for s in result.stories], schema=job._spark_schema(STORY_SCHEMA)
    )
    return assigned, records


def _dated(articles: DataFrame, groups: DataFrame, config: Config) -> DataFrame:
    """First of each id (input order), its copy group, cleaned and dated; the text and title
    kept for the voice of each group only (first in publication order)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    first = Window.partitionBy("id").orderBy("file", "line")
    unique = articles.withColumn("_nth", F.row_number().over(first)).where(F.col("_nth") == 1)
    joined = unique.join(groups.select("id", "group"), "id", "left").select(
        "id", "group", "title", "text", "published", "source"
    )
    work = functools.partial(dated_of, config=config)
    dated = joined.mapInArrow(work, job._spark_schema(DATED_SCHEMA))
    voice = Window.partitionBy("group").orderBy(F.col("when_us").asc_nulls_last(), "id")
    leader = F.first("id").over(voice) == F.col("id")
    return dated.select(
        "id",
        "group",
        F.when(leader, F.col("title")).alias("title"),
        F.when(leader, F.col("text")).alias("text"),
        "source",
        "when_us",
        "published_us",
    )


def _utc(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def dated_of(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Clean each article as ``find_stories`` does (each on its own), then date it with the
    core's ``date_of`` (the date field, else the one written in its raw text)."""
    for batch in batches:
        rows = batch.to_pylist()
        articles = [
            Article(id=r["id"], text=r["text"], title=r["title"], source=r["source"],
                    published=r["published"])
            for r in rows
        ]  # fmt: skip
        if config.clean.boilerplate:
            articles = list(clean_articles(articles, config=per_article(config.clean)))
        whens = [date_of(a, config.stories.dates_from_text) for a in articles]
        yield pa.RecordBatch.from_pydict(
            {
                "id": [a.id for a in articles],
                "group": [r["group"] or group_id(r["id"]) for r in rows],
                "title": [a.title for a in articles],
                "text": [a.text for a in articles],
                "source": [a.source for a in articles],
                "when_us": [None if w is None else (w - _EPOCH) // _MICRO for w in whens],
                "published_us": [
                    None if a.published is None else (_utc(a.published) - _EPOCH) // _MICRO
                    for a in articles
                ],
                "date": [
                    None if w is None else w.astimezone(UTC).date().isoformat() for w in whens
                ],
            },
            schema=DATED_SCHEMA,
        )


def dedup_with_stories(
    spark: SparkSession,
    inputs: Sequence[str],
    *,
    output: str,
    stories_output: str | None = None,
    records_output: str | None = None,
    config: Config | None = None,
    fields: FieldMap | None = None,
    format: str | None = None,
    keep: str | None = None,
    corpus_output: str | None = None,
    rejects_output: str | None = None,
) -> job.SparkRun:
    """``job.dedup`` (copy groups to ``output``), then the stories of the same input: one row
    per article (id, group, story) to ``stories_output`` (default beside ``output``:
    ``groups.parquet`` -> ``groups.stories.parquet``), the story records to ``records_output``
    when given. The groups are read back from ``output`` (the one place they are whole), and
    the input is read a second time for the texts, as ``dedup``'s corpus output does.
    ``keep``, ``corpus_output`` and ``rejects_output`` are ``dedup``'s."""
    config = config or Config()
    fields = fields or FieldMap()
    run = job.dedup(
        spark,
        inputs,
        output=output,
        config=config,
        fields=fields,
        format=format,
        keep=keep,
        corpus_output=corpus_output,
        rejects_output=rejects_output,
    )
    fmt = job.input_format(inputs, format)
    raw = job._raw(spark, inputs, fmt)
    work = functools.partial(stages.articles_of, lines=job._lines(raw, inputs, fmt), fields=fields)
    articles = raw.mapInArrow(work, job._spark_schema(stages.ARTICLE_SCHEMA))
    assigned, records = stories(spark, articles, _read(spark, output), config)
    outputs = {"stories": job._write(spark, assigned, stories_output or sibling(output, "stories"))}
    if records_output is not None:
        outputs["story_records"] = job._write(spark, records, records_output)
    return dataclasses.replace(run, outputs={**run.outputs, **outputs})


def _read(spark: SparkSession, path: str) -> DataFrame:
    if path.rstrip("/").lower().endswith((".jsonl", ".json", ".ndjson")):
        return spark.read.json(path)
    return spark.read.parquet(path)
