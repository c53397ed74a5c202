"""The three executors on one generated corpus, through the one run path: the local engine, the
living index (in adds of ``--batch``) and Spark (``--master``). Checks that every document has the
same copy group (group id, representative, kind) and the same story everywhere, and the same
topic in the local engine and the index, and prints each executor's time (the index's includes
its first read of topics, which computes them: store/story_topics.py).

    python benchmarks/check_executors.py --docs 20000 --batch 1000 --json out.json
    python benchmarks/check_executors.py --input ../shared/data/wmt-news-dev/docs.jsonl \
        --batch 100 --no-spark        # real multilingual news: translated copies in adds

``--input`` takes a corpus instead of the generated one. For the index, each document's copy
group is compared whole (group id, representative, kind), as for Spark. Exits 1 when any
document differs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds

from newsdedup import Config
from newsdedup.pipeline import Outputs, run
from newsdedup.store.index import Index
from newsdedup.synth import write_corpus_jsonl


def _table(path: Path, columns: list[str]) -> dict[str, tuple[Any, ...]]:
    cols = ds.dataset(path, format="parquet").to_table(columns=columns).to_pydict()
    return {i: tuple(cols[c][n] for c in columns[1:]) for n, i in enumerate(cols["id"])}


def _differ(a: dict[str, Any], b: dict[str, Any]) -> int:
    return sum(a.get(k) != b.get(k) for k in set(a) | set(b))


def _index_groups(index: Index, ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """(group, representative, kind) of each document as the index holds it."""
    out: dict[str, tuple[Any, ...]] = {}
    for i in ids:
        if i in out:
            continue
        stored = index.article(i)
        assert stored is not None, i
        links = index.copies(i)
        rep = i if stored.original else next(c.id for c in links if c.kind == "original")
        out[rep] = (stored.group, rep, "original")
        for link in links if stored.original else index.copies(rep):
            out[link.id] = (stored.group, rep, link.kind)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=1000, help="articles per index add")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--input", type=Path, help="a corpus to run instead of a generated one")
    ap.add_argument("--no-spark", action="store_true", help="the local engine and the index")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsdedup-executors-"))
    if args.input is None:
        corpus, _ = write_corpus_jsonl(work / "corpus.jsonl", args.docs, args.seed)
    else:
        corpus = args.input
        with corpus.open("rb") as fh:
            args.docs = sum(1 for line in fh if line.strip())
    config = Config().override({"run.batch_size": str(args.batch)})
    seconds: dict[str, float] = {}

    start = time.perf_counter()
    local = run([corpus], Outputs(groups=work / "local.parquet"), config, stories=True)
    seconds["local"] = time.perf_counter() - start
    assert local.stories is not None
    local_groups = _table(work / "local.parquet", ["id", "group", "representative", "kind"])
    local_story = dict(local.stories.story_of)
    local_topic = dict(local.stories.topic_of)

    spark_groups: dict[str, Any] = {}
    spark_story: dict[str, Any] = {}
    if not args.no_spark:
        spark_config = Config().override(
            {"run.engine": '"spark"', "run.master": f'"{args.master}"'}
        )
        start = time.perf_counter()
        run(
            [corpus],
            Outputs(groups=work / "spark.parquet", assignments=work / "spark-stories.parquet"),
            spark_config,
        )
        seconds["spark"] = time.perf_counter() - start
        spark_groups = _table(work / "spark.parquet", ["id", "group", "representative", "kind"])
        spark_story = {
            k: v[0] for k, v in _table(work / "spark-stories.parquet", ["id", "story"]).items()
        }

    start = time.perf_counter()
    with Index(work / "index.db", config) as index:
        run([corpus], None, config, index=index)
        index.refresh_topics()
        seconds["index"] = time.perf_counter() - start
        index_groups = _index_groups(index, list(local_groups))
        index_story, index_topic = {}, {}
        for i in local_groups:
            stored = index.article(i)
            assert stored is not None, i
            index_story[i] = stored.story
            story = index.story(stored.story) if stored.story else None
            index_topic[i] = story.topic if story else None
    figures = {
        "docs": args.docs,
        "batch": args.batch,
        "master": args.master,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "docs_per_s": {k: round(args.docs / v) for k, v in seconds.items()},
        "differ": {
            "index groups (group, representative, kind)": _differ(local_groups, index_groups),
            "index stories": _differ(local_story, index_story),
            "index topics": _differ(local_topic, index_topic),
        },
        "copy groups": local.stats.groups,
        "languages": local.stats.languages,
        "translations (articles of kind translation)": sum(
            v[2] == "translation" for v in local_groups.values()
        ),
        "stories": len(local.stories.stories),
    }
    if not args.no_spark:
        figures["differ"]["spark groups (group, representative, kind)"] = _differ(
            local_groups, spark_groups
        )
        figures["differ"]["spark stories"] = _differ(local_story, spark_story)
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 1 if any(figures["differ"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
