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
from newsdedup.write import sibling

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
    for part in ("id", "text", "title", "date", "url", "source"):
        p.add_argument(f"--{part}-field", help=f"default: read.{part} of the config")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from newsdedup.pipeline import Outputs, run
    from newsdedup.spark.job import session

    config = Config.from_toml(args.config) if args.config else Config()
    if args.set:
        config = config.override(dict(s.split("=", 1) for s in args.set))
    parts = ("id", "text", "title", "date", "url", "source")
    config = config.with_read(
        format=args.format, **{part: getattr(args, f"{part}_field") for part in parts}
    )
    config = dataclasses.replace(config, run=dataclasses.replace(config.run, engine="spark"))
    corpus = None
    if args.keep:
        corpus = args.corpus_output or sibling(args.output, "dedup")
    outputs = Outputs(
        groups=args.output,
        corpus=corpus,
        rejects=args.rejects,
        assignments=args.stories,
        stories=args.story_records,
    )
    # spark-submit set the master; run.master only when given (--set run.master=...)
    spark = session(config.run.master or None, config.run.spark_settings)
    done = run(args.inputs, outputs, config, spark=spark)
    print(json.dumps({"outputs": done.outputs, "stats": dataclasses.asdict(done.stats)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
