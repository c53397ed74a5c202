"""spark-submit entry point: ``spark-submit [spark options] submit.py INPUT... -o OUTPUT``.

    spark-submit --master yarn --num-executors 50 --executor-cores 4 \\
        --executor-memory 8g --conf spark.sql.shuffle.partitions=2000 \\
        "$(python -c 'import newsdedup.spark.submit as m; print(m.__file__)')" \\
        s3a://bucket/news/*.parquet -o s3a://bucket/out/groups.parquet --keep representatives

Every executor needs newsdedup installed (``pip install '/path/to/newsdedup[spark]'`` from a
checkout or a built wheel, in the image or a bootstrap action). The options are those of
``newsdedup dedup``; the master and resources come from spark-submit (docs/scaling.md lists
the settings that matter).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from newsdedup.config import Config
from newsdedup.read.fields import FieldMap

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsdedup.spark.submit", description=__doc__.split("\n")[0])
    p.add_argument("inputs", nargs="+", help="JSONL or Parquet files or folders (any Spark path)")
    p.add_argument("-o", "--output", required=True, help="groups output (Parquet folder)")
    p.add_argument("--keep", choices=["representatives"], help="also write the dedup corpus")
    p.add_argument("--corpus-output", help="where --keep writes the corpus")
    p.add_argument("--rejects", help="where the rejected records are written")
    p.add_argument(
        "--stories",
        help="also group stories and topics (newsdedup.spark.stories, as find_stories): one "
        "row per article (id, group, story, topic) here",
    )
    p.add_argument("--story-records", help="with --stories: one row per story here")
    p.add_argument("--format", choices=["jsonl", "parquet"], help="input format")
    p.add_argument("--config", help="TOML config file (as for newsdedup dedup)")
    p.add_argument("--set", action="append", default=[], help="KEY=VALUE config override")
    for part, default in (("id", "id"), ("text", "text"), ("title", "title")):
        p.add_argument(f"--{part}-field", default=default)
    p.add_argument("--date-field", default="published")
    p.add_argument("--url-field", default="url")
    p.add_argument("--source-field", default="source")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from newsdedup.spark.job import dedup, session
    from newsdedup.spark.stories import dedup_with_stories

    config = Config.from_toml(args.config) if args.config else Config()
    if args.set:
        config = config.override(dict(s.split("=", 1) for s in args.set))
    fields = FieldMap(
        id=args.id_field,
        text=args.text_field,
        title=args.title_field,
        date=args.date_field,
        url=args.url_field,
        source=args.source_field,
    )
    common = {
        "output": args.output,
        "config": config,
        "fields": fields,
        "format": args.format,
        "keep": args.keep,
        "corpus_output": args.corpus_output,
        "rejects_output": args.rejects,
    }
    spark = session()
    if args.stories:
        run = dedup_with_stories(
            spark,
            args.inputs,
            stories_output=args.stories,
            records_output=args.story_records,
            **common,
        )
    else:
        run = dedup(spark, args.inputs, **common)
    print(json.dumps({"outputs": run.outputs, "stats": dataclasses.asdict(run.stats)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
