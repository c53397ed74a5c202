"""The Spark job reports the short-document path's counts as the local engine does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from newsdedup import Config
from newsdedup.jobs import dedup_files
from newsdedup.spark import dedup as spark_dedup
from newsdedup.synth import generate_corpus
from newsdedup.synth.generate import article_record


def test_spark_short_stats_equal_local(spark: Any, tmp_path: Path) -> None:
    # mean 200 words: most documents are under verify.short_doc_words, some are not, and the
    # default kinds plant exact copies (not eligible: only their head is matched)
    corpus = generate_corpus(600, seed=5, words=200, copy_rate=0.4)
    source = tmp_path / "corpus.jsonl"
    source.write_bytes(b"".join(orjson.dumps(article_record(a)) + b"\n" for a in corpus.articles))
    config = Config()
    local = dedup_files([source], output=tmp_path / "local.parquet", config=config)
    run = spark_dedup(spark, [str(source)], output=str(tmp_path / "spark.parquet"), config=config)
    assert local.stats.short_documents > 0  # the corpus has short documents
    assert local.stats.short_documents < local.stats.documents  # and long ones
    assert local.stats.short_pairs > 0  # the short-document path proposed pairs
    assert run.stats.documents == local.stats.documents
    assert run.stats.short_documents == local.stats.short_documents
    assert run.stats.short_pairs == local.stats.short_pairs
    assert run.stats.thin_pairs == local.stats.thin_pairs
    assert run.stats.low_overlap_pairs == local.stats.low_overlap_pairs
