"""The Spark job and the local engine give identical copy groups and representatives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsdedup import Config
from newsdedup.group import translations as translation_stage
from newsdedup.jobs import dedup_files
from newsdedup.read import FieldMap
from newsdedup.spark import dedup as spark_dedup
from newsdedup.synth import write_corpus_jsonl


def _rows(path: Path) -> dict[str, dict[str, Any]]:
    """Groups output (a file or a Spark folder of parts) by document id."""
    if path.is_dir():
        parts = sorted(path.glob("*.parquet"))
        table = pa.concat_tables([pq.read_table(p) for p in parts]) if parts else None
        rows = table.to_pylist() if table is not None else []
    else:
        rows = pq.read_table(path).to_pylist()
    out = {}
    for r in rows:
        assert r["id"] not in out, f"{r['id']} written twice"
        out[r["id"]] = r
    return out


def _same(local: dict[str, dict[str, Any]], spark: dict[str, dict[str, Any]]) -> None:
    assert spark.keys() == local.keys()
    for doc, row in local.items():
        got = spark[doc]
        assert (got["group"], got["representative"], got["kind"]) == (
            row["group"],
            row["representative"],
            row["kind"],
        ), doc
        if row["scores"] is None:
            assert got["scores"] is None, doc
        else:
            assert got["scores"] == pytest.approx(row["scores"], abs=1e-12), doc


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    write_corpus_jsonl(path, 3000, seed=7, words=200)
    return path


def test_spark_groups_equal_local_groups(
    spark: Any, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the encoder ran on a corpus in one language")

    # the corpus is in one language: the translation stage (on by default) never encodes
    monkeypatch.setattr(translation_stage, "encode_leads", refuse)  # the driver's encoder
    config = Config()
    local = dedup_files([corpus], output=tmp_path / "local.parquet", config=config)
    run = spark_dedup(spark, [str(corpus)], output=str(tmp_path / "spark.parquet"), config=config)
    assert local.stats.groups > 100  # the corpus really has copies
    assert local.stats.short_pairs > 0  # and short documents: both candidate paths are compared
    _same(_rows(tmp_path / "local.parquet"), _rows(tmp_path / "spark.parquet"))
    assert run.stats.documents == local.stats.documents
    assert run.stats.groups == local.stats.groups
    assert run.stats.copies_by_kind == local.stats.copies_by_kind
    assert run.stats.verified_pairs >= local.stats.groups
    assert run.stats.languages == 1 and run.stats.translation_pairs == 0


def test_spark_reads_parquet_and_keeps_representatives(
    spark: Any, corpus: Path, tmp_path: Path
) -> None:
    records = [orjson.loads(line) for line in corpus.read_bytes().splitlines()[:800]]
    source = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(records), source)
    local = tmp_path / "local.parquet"
    dedup_files([source], output=local, keep="representatives")
    out = tmp_path / "spark.parquet"
    run = spark_dedup(spark, [str(source)], output=str(out), keep="representatives")
    _same(_rows(local), _rows(out))
    kept = _rows(tmp_path / "spark.dedup.parquet")
    expected = _rows(tmp_path / "local.dedup.parquet")
    assert kept.keys() == expected.keys()
    assert {k: v["text"] for k, v in kept.items()} == {k: v["text"] for k, v in expected.items()}
    assert run.outputs["corpus"].endswith("spark.dedup.parquet")


def test_spark_reports_bad_records_with_file_and_line(spark: Any, tmp_path: Path) -> None:
    good = {"id": "a", "text": "Putin met Xi in Samarkand on Thursday for talks."}
    lines = [
        orjson.dumps(good),
        b"{not json",
        orjson.dumps({"id": "b"}),  # no text
        b"",
        orjson.dumps(good),  # the same id again
        orjson.dumps({"id": "c", "text": "A second, different article about markets."}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    local = dedup_files(
        [source], output=tmp_path / "l.parquet", rejects_output=tmp_path / "lr.jsonl"
    )
    run = spark_dedup(
        spark,
        [str(source)],
        output=str(tmp_path / "s.parquet"),
        rejects_output=str(tmp_path / "sr.parquet"),
    )
    assert run.stats.rejected_by_reason == local.stats.rejected_by_reason
    assert run.stats.documents == local.stats.documents == 2
    rejected = _rejects(tmp_path / "sr.parquet")
    expected = [orjson.loads(x) for x in (tmp_path / "lr.jsonl").read_bytes().splitlines()]
    assert sorted((r["line"], r["reason"]) for r in rejected) == sorted(
        (r["line"], r["reason"]) for r in expected
    )
    assert all(r["file"].endswith("in.jsonl") for r in rejected)


def _rejects(path: Path) -> list[dict[str, Any]]:
    return pa.concat_tables([pq.read_table(p) for p in sorted(path.glob("*.parquet"))]).to_pylist()


def test_spark_output_is_replaced_whole(spark: Any, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "groups.parquet"
    small = tmp_path / "small.jsonl"
    small.write_bytes(b"\n".join(corpus.read_bytes().splitlines()[:50]) + b"\n")
    # an earlier run's output, as Spark writes one (a folder of parts): one run over it must
    # replace it, not add to it (one job, not two: a Spark job costs this suite ~20 s)
    out.mkdir()
    stale = pa.table({"id": [f"old{k}" for k in range(7)], "group": ["g"] * 7})
    pq.write_table(stale, out / "part-00000-old.parquet")
    spark_dedup(spark, [str(small)], output=str(out))
    ids = [orjson.loads(line)["id"] for line in small.read_bytes().splitlines()]
    assert sorted(_rows(out)) == sorted(ids)
    assert not list(out.glob("*old*"))
    assert not list(tmp_path.glob("groups.parquet.tmp-*"))


def test_spark_custom_fields(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    texts = ["One story about Samarkand talks between two leaders today."] * 2
    source.write_bytes(
        b"\n".join(orjson.dumps({"key": f"k{i}", "body": t}) for i, t in enumerate(texts)) + b"\n"
    )
    fields = FieldMap(id="key", text="body")
    run = spark_dedup(spark, [str(source)], output=str(tmp_path / "o.parquet"), fields=fields)
    rows = _rows(tmp_path / "o.parquet")
    assert rows["k1"]["representative"] == "k0" and rows["k1"]["kind"] == "exact"
    assert run.stats.groups == 1
