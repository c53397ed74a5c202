"""Stories at scale: the core's ``StoryAssigner`` per time window, windows stitched by overlap.

    articles + copy groups ─ mapInArrow(clean + date, as find_stories) ─ one voice per group
      ─ explode into windows: home = floor(day / window_days), context = every later window
        that starts within ``overlap_days`` after the article ─ groupBy(window).applyInPandas:
        StoryAssigner over the window's voices in publication_order ─ link each context
        voice's home story with its story in the later window ─ connected components
      ─ copies follow their group's voice ─ each story named by its earliest member (story_id)

Why windows suffice: the core closes a story after ``stories.max_idle_days`` without a voice,
so a story an article at time t can join had a voice within that many days before t. With the
default overlap (``max_idle_days``) every such story is in the article's window by at least one
voice, and the link to that voice's home story joins the pieces into one story.

Copies: the core places only the first article of a copy group (in publication order: date,
then id, undated last) and puts the rest in its story, so only those voices go into windows;
the others follow them here. An undated article with a dated copy thus takes its story.

What is approximated (docs/scaling.md, "Stories at scale"):
- A window knows a story carried over by its context voices only, and its document
  frequencies count its own voices only (the core's count the whole stream so far).
- Links are transitive: two stories of one window that share a later-window story through
  their context voices become one. A later-window story with no voice of its own window links
  nothing (it would only merge stories there that no article of that window joins).
- Undated voices (no date, no dated copy) are probed against every window's stories once
  placed (``StoryAssigner.peek``, timeless, as the core places undated voices last against all
  stories) and take the closest; those that join none form one extra "undated" window. The core
  places them one by one, each changing what the next sees; here a probe changes nothing. The
  probes cost (undated voices x windows) peeks.
- Label and headline come from the core's ``Story`` of the window piece that placed most of
  the story's voices (a piece does not see probed undated voices); members, first/last seen,
  sources and timeline are counted over the whole story. Timeline days are UTC days (Spark
  keeps instants, not the input's UTC offsets).
- An article that cleaning rejects is left out (the core rejects it too; dedup's rejects file
  lists it).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from newsdedup.api import group_id
from newsdedup.clean.pipeline import clean_articles, per_article
from newsdedup.config import Config
from newsdedup.errors import invalid_param
from newsdedup.group.stories import StoryAssigner, _date_of, publication_order
from newsdedup.group.story_summary import story_id
from newsdedup.read.fields import FieldMap
from newsdedup.spark import job, stages
from newsdedup.spark.components import connected_components
from newsdedup.types import Article, StoryResult

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

try:  # the spark extra brings pandas; the UDF's type hints must be real classes
    import pandas as pd
except ImportError:  # pragma: no cover - without the extra this module is never run
    pd = None

__all__ = ["DATED_SCHEMA", "PIECE_SCHEMA", "dated_of", "stories", "window_pieces", "write_stories"]

#: Each article as the story stage sees it: cleaned text, copy group, and its date (``_date_of``)
#: as microseconds since the epoch (null: undated) with its UTC day.
DATED_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("group", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("source", pa.string()),
        ("when_us", pa.int64()),
        ("date", pa.string()),
    ]
)

#: One voice's place in one window: its role there (home, context, or probe: an undated voice
#: that would join ``piece``, ``score`` close), the window's story (``piece``, its id there) and
#: that story's label and headline as the core gives them.
PIECE_SCHEMA = (
    "window long, id string, role string, piece string, label array<string>, headline string, "
    "score double"
)
_PIECE_COLUMNS = ["window", "id", "role", "piece", "label", "headline", "score"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_MICROS_PER_DAY = 86_400_000_000
_LAST = (1 << 63) - 1  # sorts the undated after every date
_UNDATED = -(1 << 62)  # the window of the undated voices that joined no dated story


def stories(
    spark: SparkSession,
    articles: DataFrame,
    groups: DataFrame,
    config: Config | None = None,
    *,
    window_days: float = 7.0,
    overlap_days: float | None = None,
) -> tuple[DataFrame, DataFrame]:
    """Stories of ``articles`` (``stages.ARTICLE_SCHEMA`` columns) given their copy ``groups``
    (id, group; an article without one is its own group): (assignments: id, group, story) and
    one record per story (``Story``'s fields; ``size`` counts the members)."""
    config = config or Config()
    overlap = config.stories.max_idle_days if overlap_days is None else overlap_days
    _check(window_days, overlap)
    dated = _dated(articles, groups, config).persist()
    voices = dated.where(dated["id"] == dated["leader"])
    width, after = window_days * _MICROS_PER_DAY, overlap * _MICROS_PER_DAY
    # placed once: each is read several times below, and a window's placing is the costly part
    pieces = _pieces(voices, config, width, after).localCheckpoint()
    members = _members(dated, pieces).localCheckpoint()
    dated.unpersist()
    return members.select("id", "group", "story"), _records(members, pieces)


def _check(window_days: float, overlap_days: float) -> None:
    if not (math.isfinite(window_days) and window_days > 0):
        raise invalid_param("window_days", "stories", "a positive number of days", window_days)
    if not (math.isfinite(overlap_days) and overlap_days >= 0):
        raise invalid_param("overlap_days", "stories", "0 or more days", overlap_days)


def _dated(articles: DataFrame, groups: DataFrame, config: Config) -> DataFrame:
    """First of each id (input order), its copy group, cleaned and dated; ``leader``: the voice
    of its group (first in publication order)."""
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
    return dated.withColumn("leader", F.first("id").over(voice))


def dated_of(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Clean each article as ``find_stories`` does (each on its own), then date it with the
    core's ``_date_of`` (the date field, else the one written in its raw text)."""
    for batch in batches:
        rows = batch.to_pylist()
        articles = [
            Article(id=r["id"], text=r["text"], title=r["title"], source=r["source"],
                    published=r["published"])
            for r in rows
        ]  # fmt: skip
        if config.clean.boilerplate:
            articles = list(clean_articles(articles, config=per_article(config.clean)))
        whens = [_date_of(a, config.stories.dates_from_text) for a in articles]
        yield pa.RecordBatch.from_pydict(
            {
                "id": [a.id for a in articles],
                "group": [r["group"] or group_id(r["id"]) for r in rows],
                "title": [a.title for a in articles],
                "text": [a.text for a in articles],
                "source": [a.source for a in articles],
                "when_us": [None if w is None else (w - _EPOCH) // _MICRO for w in whens],
                "date": [
                    None if w is None else w.astimezone(UTC).date().isoformat() for w in whens
                ],
            },
            schema=DATED_SCHEMA,
        )


def _pieces(voices: DataFrame, config: Config, width: float, overlap: float) -> DataFrame:
    """Every voice's rows in every window it takes part in (see ``PIECE_SCHEMA``): the dated
    windows first, then the undated voices that joined no dated story, as one window."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    columns = ["window", "role", "id", "group", "title", "text", "source", "when_us"]
    home = F.floor(F.col("when_us") / F.lit(width))
    last = F.floor((F.col("when_us") + F.lit(overlap)) / F.lit(width))
    placed = (
        voices.where(F.col("when_us").isNotNull())
        .withColumn("home", home)
        .withColumn("window", F.explode(F.sequence("home", last)))
        .withColumn("role", F.when(F.col("window") == F.col("home"), "home").otherwise("context"))
    )
    undated = voices.where(F.col("when_us").isNull())
    windows = placed.where(F.col("role") == "home").select("window").distinct()
    probes = undated.crossJoin(windows).withColumn("role", F.lit("probe"))
    work = _per_window(config)
    dated = (
        placed.select(columns)
        .unionByName(probes.select(columns))
        .groupBy("window")
        .applyInPandas(work, schema=PIECE_SCHEMA)
        .localCheckpoint()
    )
    closest = Window.partitionBy("id").orderBy(F.col("score").desc(), "window", "piece")
    hits = dated.where(F.col("role") == "probe").withColumn("_nth", F.row_number().over(closest))
    hits = hits.where(F.col("_nth") == 1).drop("_nth")
    rest = undated.join(hits.select("id"), "id", "left_anti")
    rest = rest.withColumn("window", F.lit(_UNDATED)).withColumn("role", F.lit("home"))
    alone = rest.select(columns).groupBy("window").applyInPandas(work, schema=PIECE_SCHEMA)
    return dated.where(F.col("role") != "probe").unionByName(hits).unionByName(alone)


def _per_window(config: Config) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """``window_pieces`` with the config bound (a function with pandas type hints, so Spark
    knows it for a grouped map without asking)."""

    def work(frame: pd.DataFrame) -> pd.DataFrame:
        return window_pieces(frame, config)

    return work


def window_pieces(frame: pd.DataFrame, config: Config) -> pd.DataFrame:
    """One window: the core places its home and context voices in publication order, then
    probes the undated voices given; rows for the pieces that hold a voice of this window."""
    placed = frame[frame["role"] != "probe"]
    if not (placed["role"] == "home").any():  # only context: nothing of its own to place
        return pd.DataFrame(columns=_PIECE_COLUMNS)
    articles = _articles(placed)
    known = dataclasses.replace(config.stories, dates_from_text=False)  # dated by ``dated_of``
    order, when = publication_order(articles, known)
    ordered = [articles[i] for i in order]
    group_of = dict(zip(placed["id"], placed["group"], strict=True))
    probes = _articles(frame[frame["role"] == "probe"])
    # as find_stories: closed stories are kept (archived) when undated voices will look for them
    keep_closed = bool(probes) or any(w is None for w in when)
    assigner = StoryAssigner(config.stories, workers=0, keep_closed=keep_closed)
    assigner.run(ordered, when, [group_of[a.id] for a in ordered])
    hits = [(a.id, *hit) for a in probes if (hit := _probe(assigner, a)) is not None]
    result = assigner.result(group_of)
    roles = dict(zip(placed["id"], placed["role"], strict=True))
    rows = [(i, role, result.story_of[i], math.nan) for i, role in roles.items()]
    rows += [(i, "probe", result.story_of[assigner.articles[k].id], s) for i, k, s in hits]
    return _piece_frame(int(frame["window"].iloc[0]), rows, result)


def _articles(frame: pd.DataFrame) -> list[Article]:
    return [
        Article(id=i, text=text, title=_text(title), source=_text(source),
                published=None if pd.isna(us) else _EPOCH + int(us) * _MICRO)
        for i, title, text, source, us in zip(
            frame["id"], frame["title"], frame["text"], frame["source"], frame["when_us"],
            strict=True,
        )
    ]  # fmt: skip


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _probe(assigner: StoryAssigner, article: Article) -> tuple[int, float] | None:
    """The key of the story an undated ``article`` would join and its similarity to it (no fade:
    undated); None when it would open one. Nothing changes (``peek``)."""
    return assigner.peek_scored(article, None)


def _piece_frame(
    window: int, rows: list[tuple[str, str, str, float]], result: StoryResult
) -> pd.DataFrame:
    """The rows of the pieces *anchored* in this window (holding one of its home voices): a
    piece of context voices alone would link stories no article of this window joins."""
    anchored = {piece for _, role, piece, _ in rows if role == "home"}
    kept = [r for r in rows if r[2] in anchored]
    summary = {s.id: s for s in result.stories}
    return pd.DataFrame(
        {
            "window": [window] * len(kept),
            "id": [i for i, _, _, _ in kept],
            "role": [role for _, role, _, _ in kept],
            "piece": [p for _, _, p, _ in kept],
            "label": [list(summary[p].label) for _, _, p, _ in kept],
            "headline": [summary[p].headline for _, _, p, _ in kept],
            "score": [s for _, _, _, s in kept],
        },
        columns=_PIECE_COLUMNS,
    )


def _node() -> Column:
    """A window's story as one long vertex for the components."""
    from pyspark.sql import functions as F

    return F.xxhash64("window", "piece")


def _members(dated: DataFrame, pieces: DataFrame) -> DataFrame:
    """Every article with its story: its group's voice's piece (home window, or the probe's),
    pieces linked through context voices made one, named by the earliest member."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.functions import pandas_udf

    homes = pieces.where(F.col("role") != "context").select("id", _node().alias("node"))
    context = pieces.where(F.col("role") == "context").select("id", _node().alias("v"))
    links = context.join(homes.withColumnRenamed("node", "u"), "id").select("u", "v")
    components = connected_components(links).withColumnRenamed("vertex", "node")
    roots = homes.withColumnRenamed("id", "leader").join(components, "node", "left")
    roots = roots.select("leader", "node", F.coalesce("component", "node").alias("root"))
    members = dated.join(roots, "leader")
    first = F.min(F.struct(F.coalesce("when_us", F.lit(_LAST)), "id")).over(
        Window.partitionBy("root")
    )
    name = pandas_udf(_story_ids, "string")  # type: ignore[call-overload]
    return members.withColumn("story", name(first.getField("id")))


def _story_ids(first: pd.Series) -> pd.Series:
    """``story_id`` of each story's earliest member (a scalar pandas UDF)."""
    return first.map(story_id)


def _records(members: DataFrame, pieces: DataFrame) -> DataFrame:
    """One row per story: ``Story``'s fields, counted over all its members; label and headline
    from the piece that placed most of its voices (then most of its own window's, then the
    earliest window): the core's ``Story`` with the fullest view of it."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    order = F.struct(F.coalesce("when_us", F.lit(_LAST)).alias("k"), "id", "group")
    base = members.groupBy("story").agg(
        F.array_sort(F.collect_list(order)).alias("_m"),
        F.timestamp_micros(F.min("when_us")).alias("first_seen"),
        F.timestamp_micros(F.max("when_us")).alias("last_seen"),
        F.count(F.lit(1)).alias("size"),
    )
    by_source = members.where(F.col("source").isNotNull()).groupBy("story", "source").count()
    sources = by_source.groupBy("story").agg(
        F.array_sort(F.collect_list(F.struct((-F.col("count")).alias("n"), "source"))).alias("_s")
    )
    by_day = members.where(F.col("date").isNotNull()).groupBy("story", "date").count()
    timeline = by_day.groupBy("story").agg(
        F.array_sort(
            F.collect_list(F.struct(F.col("date").alias("day"), F.col("count").alias("articles")))
        ).alias("timeline")
    )
    homes = F.sum(F.when(F.col("role") == "home", 1).otherwise(0))
    placed = F.sum(F.when(F.col("role") != "probe", 1).otherwise(0))
    piece = pieces.groupBy(_node().alias("node")).agg(
        placed.alias("placed"), homes.alias("homes"), F.min("window").alias("window"),
        F.first("label").alias("label"), F.first("headline").alias("headline"),
    )  # fmt: skip
    fullest = [F.col("placed").desc(), F.col("homes").desc(), F.col("window"), F.col("node")]
    best = Window.partitionBy("story").orderBy(*fullest)
    told = members.select("node", "story").distinct().join(piece, "node")
    told = told.withColumn("_nth", F.row_number().over(best)).where(F.col("_nth") == 1)
    return (
        base.join(sources, "story", "left")
        .join(timeline, "story", "left")
        .join(told.select("story", "label", "headline"), "story", "left")
        .select(
            F.col("story").alias("id"), "label", "headline", "first_seen", "last_seen", "size",
            F.transform("_m", lambda m: m["id"]).alias("members"),
            F.array_distinct(F.transform("_m", lambda m: m["group"])).alias("groups"),
            F.coalesce(F.transform("_s", lambda s: s["source"]), F.array()).alias("sources"),
            F.coalesce("timeline", F.array()).alias("timeline"),
        )
    )  # fmt: skip


def write_stories(
    spark: SparkSession,
    inputs: Sequence[str],
    *,
    output: str,
    stories_output: str | None = None,
    records_output: str | None = None,
    config: Config | None = None,
    fields: FieldMap | None = None,
    format: str | None = None,
    window_days: float = 7.0,
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
    assigned, records = stories(
        spark, articles, _read(spark, output), config, window_days=window_days
    )
    outputs = {
        "stories": job._write(spark, assigned, stories_output or job.sibling(output, "stories"))
    }
    if records_output is not None:
        outputs["story_records"] = job._write(spark, records, records_output)
    return dataclasses.replace(run, outputs={**run.outputs, **outputs})


def _read(spark: SparkSession, path: str) -> DataFrame:
    if path.rstrip("/").lower().endswith((".jsonl", ".json", ".ndjson")):
        return spark.read.json(path)
    return spark.read.parquet(path)
