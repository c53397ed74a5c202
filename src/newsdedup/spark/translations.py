"""The translation stage on Spark: ``group/translations.translate_groups``, the rule the local
engine calls, run on the driver over the copy groups' representatives.

    fingerprint pass: each article's language (``language_of``, a column of the fingerprints)
      ─ fewer than two languages: nothing more (the translation column stays null)
      ─ else: the representatives' texts (the input read again, joined by file and line),
        cleaned and turned into features (``article_features``) on the executors
      ─ collected: vertex, id, rank fields, language, anchor keys, lead
      ─ ``translate_groups`` on the driver (pairs, encoder, which groups merge and who leads)
      ─ one row per absorbed group (old center -> its new center, kind code and pair),
        joined to every document by its center

The driver holds one lead and the anchor keys of each copy group that has a language (about
1 KB each), as the story stage holds one text per copy group (docs/scaling.md). Which groups
merge, which representative wins and what their members become is ``join_translations``'
answer for the representatives; every member of a group takes its representative's answer,
as that function gives it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from newsdedup.clean.pipeline import clean_articles, per_article
from newsdedup.config import Config
from newsdedup.group.copies import Assignment
from newsdedup.group.representative import priority_ranks
from newsdedup.group.translations import Translations, translate_groups
from newsdedup.relate.translate import Encoder, article_features
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.types import Article
from newsdedup.write.groups import TRANSLATION_TYPE

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = [
    "FEATURE_SCHEMA",
    "TRANSLATION_DDL",
    "Translated",
    "features_of",
    "language_set",
    "translate",
]


def _spark_type(field: pa.Field) -> str:
    """The Spark type of a field of write/groups.TRANSLATION_TYPE (strings and doubles)."""
    return "string" if field.type == pa.string() else "double"


#: write/groups.TRANSLATION_TYPE as a Spark type
TRANSLATION_DDL = "struct<{}>".format(
    ",".join(f"{f.name}:{_spark_type(f)}" for f in TRANSLATION_TYPE)
)

#: A representative as the translation stage needs it: what ranks it (``priority_ranks``), its
#: language, anchor keys (uint64 as longs) and lead (``article_features``).
FEATURE_SCHEMA = pa.schema(
    [
        ("vertex", pa.int64()),
        ("id", pa.string()),
        ("published", pa.int64()),
        ("n_words", pa.int64()),
        ("traces", pa.int32()),
        ("lang", pa.string()),
        ("keys", pa.list_(pa.int64())),
        ("lead", pa.string()),
    ]
)

#: One row per representative whose group joined another: its new center, kind code and
#: scores (``join_translations``), and the pair that tied it in (``TranslationScores``, less the
#: member's own language).
_MOVED_FIELDS = [("old", "long"), ("new", "long"), ("new_code", "int")]
_MOVED_FIELDS += [(f"s_{name}", "double") for name in SCORE_COLUMNS]
_MOVED_FIELDS += [(f"t_{f.name}", _spark_type(f)) for f in TRANSLATION_TYPE if f.name != "lang"]
_MOVED_DDL = ", ".join(f"{name} {kind}" for name, kind in _MOVED_FIELDS)


@dataclass(frozen=True, slots=True)
class Translated:
    """The assignment (``stages.ASSIGNED_SCHEMA`` columns and ``translation``) after the stage,
    and its counts (``types.Stats``'s fields of the same names)."""

    assigned: DataFrame
    languages: int = 0
    translation_candidates: int = 0
    encoded: int = 0
    translation_pairs: int = 0


def language_set(config: Config) -> Column | None:
    """The aggregate whose value is the documents' distinct known languages, unsorted (None
    with the stage switched off): read in the one pass over the documents that counts them."""
    from pyspark.sql import functions as F

    if not config.translate.enabled:
        return None
    return F.collect_set(F.when(F.col("lang") != "", F.col("lang")))


def translate(
    spark: SparkSession,
    assigned: DataFrame,
    docs: DataFrame,
    articles: Callable[[], DataFrame],
    config: Config,
    langs: Sequence[str],
    encode: Encoder | None = None,
) -> Translated:
    """``assigned`` with the groups tied by translations merged and the ``translation``
    column; ``articles`` gives the input as read (``stages.ARTICLE_SCHEMA``), ``langs`` are
    the sorted ``language_set``. Fewer than two languages cost nothing more."""
    from pyspark.sql import functions as F

    none = F.lit(None).cast(TRANSLATION_DDL).alias("translation")
    if len(langs) < 2:
        return Translated(assigned=assigned.select("*", none), languages=len(langs))
    rows = _features(assigned, docs, articles(), config).collect()
    moved, found = _decide(rows, config, encode)
    if moved:
        merged = _merged(assigned, docs, spark.createDataFrame(moved, schema=_MOVED_DDL))
    else:
        merged = assigned.select("*", none)
    return Translated(
        assigned=merged,
        languages=len(langs),
        translation_candidates=found.candidates,
        encoded=found.encoded,
        translation_pairs=len(found.pairs),
    )


def _features(
    assigned: DataFrame, docs: DataFrame, articles: DataFrame, config: Config
) -> DataFrame:
    """The representatives with a language, their texts joined by (file, line) and turned into
    features on the executors (``features_of``)."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    ranked = docs.select("vertex", "published", "n_words", "traces", "lang")
    reps = (
        assigned.where(F.col("center") == F.col("vertex"))
        .select("vertex", "id", "file", "line")
        .join(ranked, "vertex")
        .where(F.col("lang") != "")
    )
    texts = articles.select("file", "line", "title", "text").join(reps, ["file", "line"])
    work = functools.partial(features_of, config=config)
    return texts.mapInArrow(work, from_arrow_schema(FEATURE_SCHEMA))


def features_of(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Representatives (id, title and text as read, rank fields, language) -> ``FEATURE_SCHEMA``:
    each cleaned as the local engine cleans it (on its own), then ``article_features``."""
    for batch in batches:
        rows = batch.to_pylist()
        articles = [Article(id=r["id"], text=r["text"] or "", title=r["title"]) for r in rows]
        if config.clean.boilerplate:
            articles = list(clean_articles(articles, config=per_article(config.clean)))
        found = [
            article_features(a, config.translate, lang=r["lang"])
            for a, r in zip(articles, rows, strict=True)
        ]
        out = {name: [r[name] for r in rows] for name in FEATURE_SCHEMA.names[:6]}
        out["keys"] = [np.asarray(keys, np.uint64).view(np.int64) for _, keys, _ in found]
        out["lead"] = [lead for _, _, lead in found]
        yield pa.RecordBatch.from_pydict(out, schema=FEATURE_SCHEMA)


def _decide(
    rows: Sequence[Any], config: Config, encode: Encoder | None
) -> tuple[list[tuple[Any, ...]], Translations]:
    """``translate_groups`` over the representatives in input order (their vertices), each its
    own group: one row of ``_MOVED_DDL`` per representative whose group joins another."""
    rows = sorted(rows, key=lambda r: r["vertex"])
    ids = [r["id"] for r in rows]
    langs = [r["lang"] for r in rows]
    rank = priority_ranks(
        ids,
        np.array([r["published"] for r in rows], np.int64),
        np.array([r["n_words"] for r in rows], np.int64),
        np.array([r["traces"] for r in rows], np.int32),
        config.group.representative,
    )
    m = len(rows)
    alone = Assignment(
        center=np.arange(m, dtype=np.int64),
        kind=np.zeros(m, np.int8),
        scores=np.full((m, len(SCORE_COLUMNS)), np.nan),
    )
    keys = [np.asarray(r["keys"], np.int64).view(np.uint64) for r in rows]
    leads = [r["lead"] for r in rows]
    reps = np.arange(m, dtype=np.int64)
    joined, found = translate_groups(
        langs, reps, keys, leads, rank, alone, config.translate, encode=encode
    )
    moved = []
    for i in sorted(found.via):
        why = found.scores_of(i, ids).as_dict()
        scores = [None if np.isnan(v) else v for v in joined.scores[i].tolist()]
        pair_fields = [why[f.name] for f in TRANSLATION_TYPE if f.name != "lang"]
        center = rows[int(joined.center[i])]["vertex"]
        moved.append((rows[i]["vertex"], center, int(joined.kind[i]), *scores, *pair_fields))
    return moved, found


def _merged(assigned: DataFrame, docs: DataFrame, moved: DataFrame) -> DataFrame:
    """Every document of an absorbed group takes its representative's new center, kind code
    and scores, and the pair that tied the group in with its own language."""
    from pyspark.sql import functions as F

    langs = docs.select("vertex", "lang")
    joined = assigned.join(moved, F.col("center") == F.col("old"), "left").join(langs, "vertex")
    hit = F.col("old").isNotNull()
    why = F.struct(
        *(
            F.col("lang" if f.name == "lang" else f"t_{f.name}").alias(f.name)
            for f in TRANSLATION_TYPE
        )
    )
    return joined.select(
        "vertex",
        "id",
        "file",
        "line",
        F.when(hit, F.col("new")).otherwise(F.col("center")).alias("center"),
        F.when(hit, F.col("new_code")).otherwise(F.col("code")).alias("code"),
        *(F.when(hit, F.col(f"s_{n}")).otherwise(F.col(n)).alias(n) for n in SCORE_COLUMNS),
        F.when(hit, why).cast(TRANSLATION_DDL).alias("translation"),
    )
