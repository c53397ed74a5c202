"""The translation stage on Spark: the groups file equals the local engine's, translation column
included. (That a corpus in one language never runs the encoder on Spark is checked in
test_equivalence.py, on its generated corpus, to spare a Spark job.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.relate.test_translate import DE, DE_OTHER, EN, EN_ALONE, FR

from newsdedup.jobs import dedup_files
from newsdedup.spark import dedup as spark_dedup

#: an English copy of EN: a member of a group that joins another as a translation
EN_COPY = EN.replace("Thursday", "Friday")


def _write(path: Path, texts: dict[str, str]) -> Path:
    lines = [orjson.dumps({"id": i, "text": t}) for i, t in texts.items()]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _rows(path: Path) -> dict[str, dict[str, Any]]:
    """Groups output (a file or a Spark folder of parts) by document id."""
    parts = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    rows = pa.concat_tables([pq.read_table(p) for p in parts]).to_pylist()
    return {r["id"]: r for r in rows}


def _same(local: dict[str, dict[str, Any]], spark: dict[str, dict[str, Any]]) -> None:
    assert spark.keys() == local.keys()
    for doc, row in local.items():
        got = spark[doc]
        for column in ("group", "representative", "kind", "scores"):
            assert got[column] == pytest.approx(row[column]), (doc, column)
        if row["translation"] is None:
            assert got["translation"] is None, doc
            continue
        want = row["translation"]
        assert got["translation"].keys() == want.keys(), doc
        for key, value in want.items():
            assert got["translation"][key] == pytest.approx(value, abs=1e-3), (doc, key)


def test_translations_spark_groups_equal_local_groups(spark: Any, tmp_path: Path) -> None:
    texts = {"en": EN, "de": DE, "fr": FR, "de-other": DE_OTHER, "en-alone": EN_ALONE}
    corpus = _write(tmp_path / "in.jsonl", {**texts, "en-copy": EN_COPY})
    local = dedup_files([corpus], output=tmp_path / "local.parquet")
    run = spark_dedup(spark, [str(corpus)], output=str(tmp_path / "spark.parquet"))
    expected = _rows(tmp_path / "local.parquet")
    kinds = {r["kind"] for r in expected.values()}
    assert "translation" in kinds  # the local engine really found translations
    assert expected["en-copy"]["kind"] == "translation"  # and moved a whole group
    _same(expected, _rows(tmp_path / "spark.parquet"))
    for name in ("languages", "translation_candidates", "encoded", "translation_pairs"):
        assert getattr(run.stats, name) == getattr(local.stats, name), name
    assert run.stats.copies_by_kind == local.stats.copies_by_kind
    assert run.stats.groups == local.stats.groups
