"""The copy-detection pipeline as a Spark DataFrame job (docs/scaling.md).

    read ─ mapInArrow(read + clean + fingerprint) ─ first of each id ─ exact heads (window)
      ─ LSH: explode band keys, groupBy (band, key), cap buckets, pairs ─ join shingles
      ─ mapInArrow(verify) ─ connected components (large-star/small-star)
      ─ cogroup by component: star_groups ─ exact copies follow their head
      ─ translations (two languages or more: spark/translations.py) ─ write Parquet

Every step that touches an article runs the local engine's functions (spark/stages.py); Spark
only moves rows. The groups and representatives equal ``find_copies``' on the same input
(tests/spark): each piece is the local engine's, and ``star_groups`` inside one connected
component depends on that component alone.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsdedup.config import Config
from newsdedup.errors import InputError, MissingExtraError
from newsdedup.ids import group_id
from newsdedup.read.fields import FieldMap
from newsdedup.relate.kind import KIND_CODES
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.spark import stages, translations
from newsdedup.spark.components import sized_components
from newsdedup.types import Stats
from newsdedup.write import sibling

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

try:  # the spark extra brings pandas; the UDF's type hints must be real classes
    import pandas as pd
except ImportError:  # pragma: no cover - without the extra this module is never run
    pd = None

__all__ = ["DEFAULT_CONF", "SparkRun", "dedup", "session"]

#: Settings newsdedup gives a session it starts; any can be overridden (``--conf KEY=VALUE``).
DEFAULT_CONF: Mapping[str, str] = {
    "spark.sql.execution.arrow.maxRecordsPerBatch": "2048",  # rows per mapInArrow batch
    "spark.sql.adaptive.enabled": "true",  # coalesces the many small shuffle partitions
    "spark.python.worker.reuse": "true",  # numba's compiled kernels load once per worker
    "spark.ui.showConsoleProgress": "false",
    # one kernel thread per task: Spark already runs a task per core
    "spark.executorEnv.NUMBA_NUM_THREADS": "1",
}

#: What ``stages.stars_of`` reads of each member of a component.
_MEMBER_COLUMNS = (
    "shelf", "vertex", "id", "published", "n_words", "traces", "n_content", "sets", "positions",
)  # fmt: skip
_FORMATS = {"parquet": "parquet", "jsonl": "jsonl", "json": "jsonl", "ndjson": "jsonl"}


@dataclass(frozen=True, slots=True)
class SparkRun:
    """What the Spark job found: the summary counts, and where each output went."""

    stats: Stats
    outputs: dict[str, str] = field(default_factory=dict)
    #: documents in the largest LSH bucket before capping (``lsh.max_bucket``)
    largest_bucket: int = 0
    #: documents in the largest connected component: one task holds it whole (``star_groups``)
    largest_component: int = 0


def session(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """A Spark session with newsdedup's defaults (``conf`` wins); ``master`` None keeps what
    spark-submit or the environment set."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MissingExtraError("pyspark", extra="spark", feature="The Spark engine") from exc
    builder = SparkSession.builder.appName("newsdedup")
    settings = dict(DEFAULT_CONF)
    if master:
        builder = builder.master(master)
        settings.update(_local_settings(master))
        _local_python(master)
    for key, value in {**settings, **(conf or {})}.items():
        builder = builder.config(key, value)
    with _loopback(master):
        return builder.getOrCreate()


def _local_settings(master: str) -> dict[str, str]:
    """On one machine, a few shuffle partitions per core: Spark's default of 200 makes every
    shuffle (a connected-components round has four) pay for 200 tiny tasks. And no web UI
    unless asked for (``--conf spark.ui.enabled=true``): it would listen on port 4040 of every
    interface; one asked for listens on 127.0.0.1 (``_loopback``)."""
    match = re.fullmatch(r"local\[(\d+|\*)(?:,\d+)?\]|local", master)
    if match is None:
        return {}
    given = match.group(1)
    cores = 1 if given is None else (os.cpu_count() or 1) if given == "*" else int(given)
    return {"spark.sql.shuffle.partitions": str(4 * cores), "spark.ui.enabled": "false"}


@contextmanager
def _loopback(master: str | None) -> Iterator[None]:
    """A local master's JVM, started inside this block, binds its driver and web UI to
    127.0.0.1. Spark's UI binds to ``SPARK_LOCAL_IP`` or else every interface (no setting
    changes that: ``spark.driver.bindAddress`` does not), so the variable is set for the JVM's
    start; one already set is kept, and it is removed again afterwards."""
    if master is None or _local_settings(master) == {} or "SPARK_LOCAL_IP" in os.environ:
        yield
        return
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    try:
        yield
    finally:
        os.environ.pop("SPARK_LOCAL_IP", None)


def _local_python(master: str) -> None:
    """A local master's Python workers run this interpreter, not PATH's ``python3``, which may
    lack newsdedup (a virtualenv that is not activated). PySpark reads only the environment
    variable for this; one already set is kept."""
    if master == "local" or master.startswith("local["):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def input_format(paths: Sequence[str], format: str | None) -> str:
    """jsonl or parquet, forced or told from the names (a folder needs ``format``)."""
    if format is not None:
        found = _FORMATS.get(format)
        if found is None:
            raise InputError(f"the Spark engine reads jsonl or parquet, not {format!r}")
        return found
    kinds = set()
    for path in paths:
        name = path.rstrip("/").rsplit("/", 1)[-1].lower()
        parts = [p for p in name.split(".")[1:] if p not in ("gz", "bz2", "zst", "snappy")]
        kind = _FORMATS.get(parts[-1]) if parts else None
        if kind is None:
            raise InputError(f"{path}: cannot tell jsonl from parquet by the name; pass --format")
        kinds.add(kind)
    if len(kinds) > 1:
        raise InputError("the Spark engine reads one format per run; pass --format")
    return kinds.pop()


def _raw(spark: SparkSession, paths: Sequence[str], format: str) -> DataFrame:
    from pyspark.sql import functions as F

    frame = spark.read.text(list(paths)) if format == "jsonl" else spark.read.parquet(*paths)
    return frame.select(
        "*",
        F.col("_metadata.file_path").alias("_file"),
        F.col("_metadata.file_block_start").alias("_block"),
    )


def _lines(raw: DataFrame, paths: Sequence[str], format: str) -> stages.Lines:
    """Where each split starts (one pass counting rows per file split; only the counts reach
    the driver), and the files in input order: a folder's files sorted, as the local reader."""
    counts = raw.groupBy("_file", "_block").count().collect()
    by_file: dict[str, list[tuple[int, int]]] = {}
    for row in counts:
        by_file.setdefault(row["_file"], []).append((row["_block"], row["count"]))
    first_line: dict[tuple[str, int], int] = {}
    for path, blocks in by_file.items():
        line = 1
        for block, n in sorted(blocks):
            first_line[(path, block)] = line
            line += n
    files = sorted(by_file, key=lambda f: (_input_index(f, paths), f))
    return stages.Lines(files=tuple(files), first_line=first_line, format=format)


def _input_index(file: str, paths: Sequence[str]) -> int:
    bare = file.removeprefix("file:").lstrip("/")
    for i, path in enumerate(paths):
        given = path.removeprefix("file:").strip("/")
        if given and (bare == given or bare.startswith(given + "/") or given in bare):
            return i
    return len(paths)


def _fingerprints(
    spark: SparkSession, raw: DataFrame, lines: stages.Lines, fields: FieldMap, config: Config
) -> DataFrame:
    schema = _spark_schema(stages.FINGERPRINT_SCHEMA)
    work = functools.partial(stages.fingerprints_of, lines=lines, fields=fields, config=config)
    return raw.mapInArrow(work, schema)


def _spark_schema(schema: Any) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def dedup(
    spark: SparkSession,
    inputs: Sequence[str],
    *,
    output: str,
    config: Config | None = None,
    fields: FieldMap | None = None,
    format: str | None = None,
    keep: str | None = None,
    corpus_output: str | None = None,
    rejects_output: str | None = None,
) -> SparkRun:
    """Group copies in ``inputs`` (JSONL or Parquet, any path Spark reads) and write one row
    per document to ``output`` (Parquet, or JSON lines when it ends in .jsonl), like
    ``dedup_files``; ``keep="representatives"`` also writes the deduplicated corpus."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    config = config or Config()
    fields = fields or FieldMap()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    fmt = input_format(inputs, format)
    raw = _raw(spark, inputs, fmt)
    lines = _lines(raw, inputs, fmt)
    seconds["read.index"] = time.perf_counter() - started

    # input order (file, line) as one long: pairs are then scored in the local engine's
    # orientation (earlier document first; the alignment's coverage is not symmetric)
    vertex = F.shiftleft(F.col("file").cast("long"), 40) + F.col("line")
    rows = (
        _fingerprints(spark, raw, lines, fields, config)
        .withColumn("vertex", vertex)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    # the windows below move only this narrow table; the shingles (most of a row's bytes)
    # move once, to meet their candidate pairs
    meta = rows.where(F.col("reason").isNull()).select(
        "vertex", "file", "line", "id", "published", "n_words", "traces", "exact_hi", "exact_lo",
        "tiebreak", "keys", (F.length("sets") > 0).alias("shingled"), "lang", "n_content",
    )  # fmt: skip
    shingles = rows.where(F.col("reason").isNull()).select(
        "vertex", "sets", "positions", "n_content"
    )
    first = Window.partitionBy("id").orderBy("file", "line")
    meta = meta.withColumn("_nth", F.row_number().over(first))
    repeated = meta.where(F.col("_nth") > 1).select(
        "file",
        "line",
        F.lit("duplicate_id").alias("reason"),
        F.concat(F.lit("id '"), F.col("id"), F.lit("' was already used")).alias("detail"),
    )
    rejects = rows.where(F.col("reason").isNotNull()).select("file", "line", "reason", "detail")
    rejects = rejects.unionByName(repeated)
    firsts = meta.where(F.col("_nth") == 1).drop("_nth")
    # whole exact classes to one partition, where the local engine's rank and head rules run
    ranked = firsts.select(
        "vertex", "id", "published", "n_words", "traces", "exact_hi", "exact_lo"
    ).repartition("exact_hi", "exact_lo")
    work = functools.partial(stages.exact_heads_of, policy=config.group.representative)
    heads = ranked.mapInArrow(work, _spark_schema(stages.HEAD_SCHEMA))
    docs = firsts.join(heads, "vertex").persist(StorageLevel.MEMORY_AND_DISK)
    eligible = docs.where((F.col("head") == F.col("vertex")) & F.col("shingled"))
    n_docs, n_short, langs = _tally(docs, config)
    seconds["fingerprint"] = time.perf_counter() - started - seconds["read.index"]

    mark = time.perf_counter()
    cap = config.lsh.max_bucket
    read_rows = rows  # cached above; released with the others at the end
    rows = eligible.select("vertex", "tiebreak", F.posexplode("keys").alias("band", "key"))
    # whole buckets to one partition, where the local engine's bucket step (cap, tie-break,
    # pairs) runs over them as it runs over one band in process; it also counts the buckets
    bucketed = rows.repartition("band", "key").mapInArrow(
        functools.partial(stages.bucket_pairs_of, cap=cap, counts=True),
        _spark_schema(stages.BUCKET_SCHEMA),
    )
    shared = _shared_bands(bucketed)
    # the one action of the LSH step: its pairs (before the shared-band rule) and buckets
    lsh = shared.agg(
        F.count("a").alias("pairs"), F.sum("oversized").alias("oversized"),
        F.max("largest").alias("largest"),
    ).first()  # fmt: skip
    banded = _enough_bands(shared.where(F.col("a").isNotNull()), docs, config)
    short_pairs = _contained(eligible, shingles, config) if n_short else None
    pairs = _flagged(banded, short_pairs)
    seconds["candidates"] = time.perf_counter() - mark

    mark = time.perf_counter()
    side_a = shingles.select(
        F.col("vertex").alias("a"), *(F.col(c).alias(f"{c}_a") for c in shingles.columns[1:])
    )
    side_b = shingles.select(
        F.col("vertex").alias("b"), *(F.col(c).alias(f"{c}_b") for c in shingles.columns[1:])
    )
    candidates = (
        pairs.join(side_a, "a")
        .join(side_b, "b")
        .select(F.col("a").alias("u"), F.col("b").alias("v"), "*")
        .drop("a", "b")
    )
    # the containment floor, the verification and their counts in one step over the pairs:
    # it holds both sides' shingles anyway
    verify = functools.partial(stages.verified, config=config)
    checked = candidates.mapInArrow(verify, _spark_schema(stages.VERIFIED_SCHEMA)).persist(
        StorageLevel.MEMORY_AND_DISK
    )
    counts = checked.agg(
        F.count("u").alias("edges"), *(F.sum(n).alias(n) for n in stages.CHECK_COUNTS)
    ).first()
    checks = {k: int(counts[k] or 0) for k in ("edges", *stages.CHECK_COUNTS)} if counts else {}
    edges = checked.where(F.col("u").isNotNull()).select(*stages.EDGE_SCHEMA.names)
    seconds["verify"] = time.perf_counter() - mark

    mark = time.perf_counter()
    components, biggest = sized_components(edges.select("u", "v"))
    components = components.persist(StorageLevel.MEMORY_AND_DISK)
    # many components per task: star_groups over disjoint components is star_groups over
    # each, and one pandas call per component would cost more than the grouping itself
    shelves = _shelves(spark)
    shelf = F.pmod(F.xxhash64("component"), F.lit(shelves)).alias("shelf")
    members = (
        docs.select("vertex", "id", "published", "n_words", "traces")
        .join(components.select("vertex", shelf), "vertex")
        .join(shingles, "vertex")
        .select(*_MEMBER_COLUMNS)
    )
    # its own projection of the components: the two sides of the cogroup must not share columns
    owner = components.select(F.col("vertex").alias("u"), shelf)
    linked = edges.join(owner, "u")
    star = functools.partial(_stars, config=config)
    placed = (
        members.groupBy("shelf")
        .cogroup(linked.groupBy("shelf"))
        .applyInPandas(star, schema=_spark_schema(stages.STAR_SCHEMA))
    )
    assigned = _assignment(docs, placed)
    if len(langs) >= 2:  # the translation stage reads the placement twice
        assigned = assigned.persist(StorageLevel.MEMORY_AND_DISK)
        assigned.count()
    started_translate = time.perf_counter()
    articles = functools.partial(_articles, raw, lines, fields)
    translated = translations.translate(spark, assigned, docs, articles, config, langs)
    translate_seconds = time.perf_counter() - started_translate
    groups = _group_rows(translated.assigned).persist(StorageLevel.MEMORY_AND_DISK)
    n_groups, by_kind = _group_counts(groups)
    seconds["group"] = time.perf_counter() - mark - translate_seconds
    if config.translate.enabled:
        seconds["translate"] = translate_seconds

    mark = time.perf_counter()
    outputs = {"groups": _write(spark, groups.drop("file", "line"), output)}
    if rejects_output is not None:
        named = _file_names(spark, rejects, lines)
        outputs["rejects"] = _write(spark, named, rejects_output)
    if keep == "representatives":
        outputs["corpus"] = _write(
            spark, _corpus(raw, lines, fields, groups), corpus_output or sibling(output, "dedup")
        )
    seconds["write"] = time.perf_counter() - mark
    by_reason = {r["reason"]: r["count"] for r in rejects.groupBy("reason").count().collect()}
    rejected = sum(by_reason.values())
    stats = Stats(
        documents_read=n_docs + rejected,
        rejected=rejected,
        rejected_by_reason=by_reason,
        documents=n_docs,
        groups=n_groups,
        copies_by_kind=by_kind,
        candidate_pairs=checks.get("candidate_pairs", 0),
        verified_pairs=checks.get("edges", 0),
        oversized_buckets=int(lsh["oversized"] or 0) if lsh else 0,
        short_documents=n_short,
        short_pairs=checks.get("short_pairs", 0),
        # the LSH pairs before the shared-band rule less those after it
        thin_pairs=(int(lsh["pairs"]) if lsh else 0) - checks.get("lsh_pairs", 0),
        low_overlap_pairs=checks.get("low_overlap_pairs", 0),
        languages=translated.languages,
        translation_candidates=translated.translation_candidates,
        encoded=translated.encoded,
        translation_pairs=translated.translation_pairs,
        seconds={k: round(v, 3) for k, v in seconds.items()},
    )
    for frame in (read_rows, docs, shared, checked, components, assigned, groups):
        frame.unpersist()
    return SparkRun(
        stats=stats,
        outputs=outputs,
        largest_bucket=int(lsh["largest"] or 0) if lsh else 0,
        largest_component=biggest,
    )


def _tally(docs: DataFrame, config: Config) -> tuple[int, int, list[str]]:
    """The documents, the short ones (candidates/contained.py) and their known languages
    (``translations.language_set``), in one pass over the cached documents."""
    from pyspark.sql import functions as F

    short = (F.col("head") == F.col("vertex")) & F.col("shingled")
    short &= F.col("n_content") <= config.verify.short_doc_words
    known = translations.language_set(config)
    extra = [] if known is None else [known.alias("langs")]
    row = docs.agg(F.count(F.lit(1)).alias("n"), F.sum(short.cast("long")).alias("short"), *extra)
    found = row.first()
    if found is None:
        return 0, 0, []
    langs = sorted(found["langs"]) if known is not None else []
    return int(found["n"]), int(found["short"] or 0), langs


def _shared_bands(bucketed: DataFrame) -> DataFrame:
    """The bucket step's rows (``stages.BUCKET_SCHEMA``) -> one row per pair with how many band
    keys it shares (summed over the partitions: a pair's buckets may lie in several), and one
    row (``a``, ``b`` null) of all partitions' bucket counts, cached:
    the LSH step's counts are read from it and its pairs go on to the band rule."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    return (
        bucketed.groupBy("a", "b")
        .agg(
            F.sum("shared").alias("shared"),
            F.sum("oversized").alias("oversized"),
            F.max("largest").alias("largest"),
        )
        .persist(StorageLevel.MEMORY_AND_DISK)
    )


def _enough_bands(shared: DataFrame, docs: DataFrame, config: Config) -> DataFrame:
    """The bucket pairs (a, b, shared), each once, that the local engine keeps: its rule
    (``enough_bands``) on the count and both sides' content words."""

    if not config.verify.counts_bands:
        return shared.select("a", "b")
    words = docs.select("vertex", "n_content")
    counted = (
        shared.join(
            words.withColumnRenamed("vertex", "a").withColumnRenamed("n_content", "na"), "a"
        )
        .join(words.withColumnRenamed("vertex", "b").withColumnRenamed("n_content", "nb"), "b")
        .select("a", "b", "shared", "na", "nb")
    )
    work = functools.partial(
        stages.enough_bands_of,
        min_bands=config.verify.min_bands,
        short_words=config.verify.short_doc_words,
        short_bands=config.verify.short_doc_bands,
    )
    return counted.mapInArrow(work, _spark_schema(stages.PAIR_SCHEMA))


def _flagged(banded: DataFrame, short: DataFrame | None) -> DataFrame:
    """The candidate pairs, each once, with which path proposed it: ``lsh`` (the bands, after
    their rule) and ``short`` (the short-document path). The verify step applies the
    containment floor to the LSH pairs alone, as the local engine does before its union."""
    from pyspark.sql import functions as F

    lsh = banded.select("a", "b", F.lit(True).alias("lsh"), F.lit(False).alias("short"))
    if short is None:
        return lsh
    proposed = short.select("a", "b", F.lit(False).alias("lsh"), F.lit(True).alias("short"))
    both = lsh.unionByName(proposed).groupBy("a", "b")
    return both.agg(F.bool_or("lsh").alias("lsh"), F.bool_or("short").alias("short"))


def _contained(eligible: DataFrame, shingles: DataFrame, config: Config) -> DataFrame:
    """candidates/contained.py's rule as a DataFrame of pairs (a, b): the shingles of every
    document that a short document also has, bucketed by
    shingle (a shingle in more than ``verify.short_doc_max_bucket`` documents skipped, as the
    local engine skips it), counted per pair and kept by the same ``short_pair_filter``."""
    from pyspark.sql import functions as F

    v = config.verify
    docs = (
        eligible.select("vertex")
        .join(shingles.select("vertex", "sets", "n_content"), "vertex")
        .withColumn("size", (F.length("sets") / 4).cast("long"))
        .withColumn("short", (F.col("n_content") <= v.short_doc_words) & (F.col("size") > 0))
    )
    schema = _spark_schema(stages.SHINGLE_SCHEMA)
    rows = docs.select("vertex", "sets").mapInArrow(stages.shingle_rows, schema)
    vocabulary = (
        (docs.where("short").select("vertex", "sets").mapInArrow(stages.shingle_rows, schema))
        .select("shingle")
        .distinct()
    )
    hits = rows.join(vocabulary, "shingle", "left_semi").join(
        docs.select("vertex", "short"), "vertex"
    )
    listed = (
        hits.groupBy("shingle")
        .agg(
            F.count(F.lit(1)).alias("n"),
            F.collect_list(F.struct("vertex", "short")).alias("ms"),
        )
        .where((F.col("n") >= 2) & (F.col("n") <= v.short_doc_max_bucket))
        .select("ms")
    )
    found = (
        listed.select(F.explode("ms").alias("x"), "ms")
        .select("x", F.explode("ms").alias("y"))
        .where((F.col("x.vertex") < F.col("y.vertex")) & (F.col("x.short") | F.col("y.short")))
        .groupBy(F.col("x.vertex").alias("a"), F.col("y.vertex").alias("b"))
        .agg(F.count(F.lit(1)).alias("shared"))
    )
    # the containment is measured on the sample, as the local engine measures it
    sampled = rows.groupBy("vertex").agg(F.count(F.lit(1)).alias("sampled"))
    side = (
        docs.select("vertex", "short")
        .join(sampled, "vertex", "left")
        .select("vertex", F.coalesce("sampled", F.lit(0)).cast("long").alias("size"), "short")
    )
    joined = found.join(_side(side, "a"), "a").join(_side(side, "b"), "b")
    kept = functools.partial(stages.kept_short_pairs, min_containment=v.min_candidate_containment)
    return joined.mapInArrow(kept, _spark_schema(stages.PAIR_SCHEMA))


def _side(side: DataFrame, name: str) -> DataFrame:
    """(vertex, size, short) renamed for one side of a pair: a, size_a, short_a."""
    from pyspark.sql import functions as F

    return side.select(
        F.col("vertex").alias(name),
        F.col("size").alias(f"size_{name}"),
        F.col("short").alias(f"short_{name}"),
    )


def _shelves(spark: SparkSession) -> int:
    """How many groups the components are spread over for ``star_groups``: a few per core."""
    return max(1, 4 * spark.sparkContext.defaultParallelism)


def _stars(members: Any, edges: Any, config: Config) -> Any:
    return stages.stars_of(members, edges, config)


def _group_counts(groups: DataFrame) -> tuple[int, dict[str, int]]:
    """How many copy groups, and the copies of each kind, in one pass over the groups."""
    from pyspark.sql import functions as F

    kinds = [k.value for k in KIND_CODES if k]
    copies = groups.where(F.col("kind") != "original")
    row = copies.agg(
        F.count_distinct("group").alias("groups"),
        *(F.sum((F.col("kind") == k).cast("long")).alias(k) for k in kinds),
    ).first()
    if row is None:
        return 0, {}
    return int(row["groups"]), {k: int(row[k]) for k in kinds if row[k]}


def _assignment(docs: DataFrame, placed: DataFrame) -> DataFrame:
    """Each document beside its exact head's placement, then ``spread_exact``'s rule over the
    rows (``stages.follow_heads_of``)."""
    from pyspark.sql import functions as F

    s = placed.alias("s")
    d = docs.alias("d")
    joined = d.join(s, F.col("d.head") == F.col("s.vertex"), "left").select(
        *(F.col(f"d.{c}").alias(c) for c in ("vertex", "id", "file", "line", "head")),
        F.col("s.center").alias("center"),
        F.col("s.code").alias("code"),
        *(F.col(f"s.{name}").alias(name) for name in SCORE_COLUMNS),
    )
    return joined.mapInArrow(stages.follow_heads_of, _spark_schema(stages.ASSIGNED_SCHEMA))


def _group_rows(assigned: DataFrame) -> DataFrame:
    """write/groups.py's columns: id, group, representative, kind, scores (null for a
    representative and a translation, as ``api._scores``), translation (spark/translations.py)."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.functions import pandas_udf

    reps = assigned.select(F.col("vertex").alias("center"), F.col("id").alias("representative"))
    named = assigned.join(reps, "center")

    group_of = pandas_udf(_group_ids, "string")  # type: ignore[call-overload]

    kinds = F.array(*(F.lit(k.value if k else "original") for k in KIND_CODES))
    scores = F.struct(*(F.col(name) for name in SCORE_COLUMNS))
    return named.select(
        "id",
        group_of("representative").alias("group"),
        "representative",
        F.element_at(kinds, F.col("code") + 1).alias("kind"),
        F.when((F.col("code") > 0) & F.col(SCORE_COLUMNS[0]).isNotNull(), scores).alias("scores"),
        F.col("translation").cast(translations.TRANSLATION_DDL).alias("translation"),
        "file",
        "line",
    )


def _group_ids(representative: pd.Series) -> pd.Series:
    """``group_id`` of each representative (a scalar pandas UDF: one call per batch)."""
    return representative.map(group_id)


def _file_names(spark: SparkSession, rejects: DataFrame, lines: stages.Lines) -> DataFrame:
    from pyspark.sql import functions as F

    names = spark.createDataFrame(
        [(i, path) for i, path in enumerate(lines.files)], "file int, path string"
    )
    joined = rejects.join(F.broadcast(names), "file", "left")
    return joined.select(F.col("path").alias("file"), "line", "reason", "detail")


def _corpus(raw: DataFrame, lines: stages.Lines, fields: FieldMap, groups: DataFrame) -> DataFrame:
    """The representatives as read: a second pass over the input, as the local job does."""
    from pyspark.sql import functions as F

    articles = _articles(raw, lines, fields)
    reps = groups.where(F.col("kind") == "original").select("file", "line")
    kept = articles.join(reps, ["file", "line"])
    return kept.select("id", "title", "text", "published", "url", "source", "lang")


def _articles(raw: DataFrame, lines: stages.Lines, fields: FieldMap) -> DataFrame:
    """The articles as read (``stages.ARTICLE_SCHEMA``): a pass over the input."""
    work = functools.partial(stages.articles_of, lines=lines, fields=fields)
    return raw.mapInArrow(work, _spark_schema(stages.ARTICLE_SCHEMA))


def _write(spark: SparkSession, frame: DataFrame, path: str) -> str:
    """Write beside ``path`` and rename into place once complete, so a failed run leaves the
    old output (or none), never half of a new one."""
    jvm: Any = spark.sparkContext._jvm
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()
    target = jvm.org.apache.hadoop.fs.Path(path)
    fs = target.getFileSystem(hadoop)
    staging = jvm.org.apache.hadoop.fs.Path(f"{path.rstrip('/')}.tmp-{uuid.uuid4().hex[:12]}")
    writer = frame.write.mode("errorifexists")
    if path.rstrip("/").lower().endswith((".jsonl", ".json", ".ndjson")):
        writer.json(staging.toString())
    else:
        writer.parquet(staging.toString())
    if fs.exists(target):
        fs.delete(target, True)
    if not fs.rename(staging, target):
        raise InputError(f"could not move the finished output into place at {path}")
    return path
