"""The stages of a run, in data-flow order: what each takes and gives at its boundary, and
whether it is a per-document map or a keyed global step.

A *map* sees one row at a time, so an executor may cut its input anywhere (batches in this
process, worker processes, Spark partitions, an index add). A *keyed* step needs every row of
one key together (all documents of an LSH bucket, every member of an exact class): each is one
pure function over the rows of a key, and every executor calls that function, never its own
version of the rule. The executors are the local engine (``engine/local.py``: numpy and numba
over sorted arrays), the living index (``store/``: one add's rows plus the stored rows of the
keys it touches) and Spark (``spark/stages.py``: ``mapInArrow`` after a repartition by the key);
a fourth, test-only one (``tests/shuffle``) shuffles and partitions in this process.

``newsdedup stages`` prints this table; docs/architecture.md explains it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from newsdedup.candidates.contained import short_pair_filter
from newsdedup.candidates.lsh import band_pairs, enough_bands
from newsdedup.candidates.overlap import enough_overlap
from newsdedup.clean.pipeline import clean_article
from newsdedup.fingerprint.batch import fingerprint_articles
from newsdedup.group.copies import exact_heads, follow_heads, star_groups
from newsdedup.group.representative import priority_ranks
from newsdedup.group.stories.graph import cluster, cluster_stories, cluster_topics
from newsdedup.group.translations import translate_groups
from newsdedup.read.fields import to_article
from newsdedup.relate.kind import judge, judge_shingles

__all__ = ["STAGES", "Stage", "stage"]


@dataclass(frozen=True, slots=True)
class Stage:
    """One step: ``fns`` are the functions every executor calls for it (a keyed step's rule)."""

    name: str
    kind: Literal["map", "keyed"]
    key: str  #: keyed steps: what rows are grouped by; maps: "" (each row alone)
    takes: str  #: the schema at its input boundary
    gives: str  #: the schema at its output boundary
    fns: tuple[Callable[..., Any], ...]


STAGES: tuple[Stage, ...] = (
    Stage(
        "read",
        "map",
        "",
        "file records (JSONL/CSV/Parquet rows, HTML pages, WARC records, feed items)",
        "Article (id, text, title, published, url, source, lang, origin)",
        (to_article,),
    ),
    Stage(
        "clean",
        "map",
        "",
        "Article",
        "Article with boilerplate removed (each removal kept) and its traces counted",
        (clean_article,),
    ),
    Stage(
        "fingerprint",
        "map",
        "",
        "Article",
        "Fingerprints: ids, exact (n,2) u64, keys (n,bands) u64, sets u32 + set_offsets, "
        "positions i32, n_words, n_content, published (epoch s), traces",
        (fingerprint_articles,),
    ),
    Stage(
        "exact",
        "keyed",
        "exact hash",
        "doc, exact (u64,u64), rank (priority_ranks: date, length, traces, id)",
        "head: the class member of lowest rank",
        (priority_ranks, exact_heads),
    ),
    Stage(
        "bucket",
        "keyed",
        "(band, band key)",
        "band, key u64, doc i64, tiebreak u64 (heads with shingles only)",
        "candidate pairs (a<b) i64; capped buckets counted in LSHReport",
        (band_pairs,),
    ),
    Stage(
        "bands",
        "keyed",
        "candidate pair (a, b)",
        "one row per band key the pair shares, both sides' content-word counts",
        "the pairs to verify: sharing verify.min_bands keys (short_doc_bands with a short side)",
        (enough_bands,),
    ),
    Stage(
        "overlap",
        "map",
        "",
        "candidate LSH pair (a, b) with both sides' shingle sets",
        "the LSH pairs to verify: shingle containment at least verify.min_pair_containment",
        (enough_overlap,),
    ),
    Stage(
        "contained",
        "keyed",
        "sampled shingle",
        "shingle u32, doc i64, short flag, set size",
        "candidate pairs with a short side sharing enough sampled shingles",
        (short_pair_filter,),
    ),
    Stage(
        "verify",
        "map",
        "",
        "candidate pair (a, b) with both sides' fingerprints",
        "kind code i8 (0: no copy) and the SCORE_COLUMNS f64",
        (judge, judge_shingles),
    ),
    Stage(
        "group",
        "keyed",
        "connected component of copy edges",
        "docs with rank, copy edges (a, b, kind, scores)",
        "Assignment: center, kind, scores per doc (each copy joins one star)",
        (star_groups,),
    ),
    Stage(
        "follow",
        "keyed",
        "exact class",
        "doc, head, and the head's center, kind and scores",
        "every member of an exact class in its head's group (kind exact)",
        (follow_heads,),
    ),
    Stage(
        "translate",
        "keyed",
        "every copy group's representative (only in a corpus of two languages or more)",
        "representatives with language, anchor keys and lead (article_features)",
        "translation pairs (nearest in each language, by a margin); tied groups merged, "
        "their members kind translation",
        (translate_groups,),
    ),
    Stage(
        "stories",
        "keyed",
        "story component (voices linked within stories.window_days)",
        "voices (copy groups) with date, term vectors and pair similarities",
        "story and topic of each voice (average link at story/topic_similarity; the index "
        "clusters the stories of the components it touched, then the topics of all)",
        (cluster, cluster_stories, cluster_topics),
    ),
)


def stage(name: str) -> Stage:
    """The stage called ``name``."""
    for s in STAGES:
        if s.name == name:
            return s
    raise KeyError(f"no stage {name!r}; stages: {', '.join(s.name for s in STAGES)}")
