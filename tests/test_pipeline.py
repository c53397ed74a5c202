"""The one run path (newsdedup/pipeline.py): read once, the executor Config.run names, the
outputs asked for, one RunResult; Config.read carries the read settings."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

import newsdedup.pipeline as pipeline
from newsdedup import Config
from newsdedup.errors import ConfigError, InputError
from newsdedup.pipeline import Outputs, run
from newsdedup.store.index import Index
from newsdedup.synth import generate_corpus


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    """A small generated corpus, with its records under other field names too."""
    corpus = generate_corpus(300, seed=11)
    path = tmp_path / "corpus.jsonl"
    with path.open("wb") as fh:
        for a in corpus.articles:
            fh.write(orjson.dumps({"id": a.id, "text": a.text, "published": a.published}) + b"\n")
    return path


def _renamed(src: Path, dst: Path) -> Path:
    with dst.open("wb") as fh:
        for line in src.read_bytes().splitlines():
            r = orjson.loads(line)
            fh.write(orjson.dumps({"doc": r["id"], "words": r["text"], "day": r["published"]}))
            fh.write(b"\n")
    return dst


def _groups(result: pipeline.RunResult) -> set[frozenset[str]]:
    return {frozenset(m.id for m in g.members) for g in result.groups}


@pytest.mark.parametrize("field", ["groups", "corpus", "rejects", "assignments", "stories"])
def test_run_refuses_an_output_of_no_format_before_reading(
    corpus_file: Path, tmp_path: Path, read_calls: list[tuple[object, ...]], field: str
) -> None:
    """A run of a million articles must not fail at its last step: an output whose extension
    names no format is refused before anything is read, and nothing is written."""
    paths = {"groups": tmp_path / "g.jsonl", field: tmp_path / f"{field}.txt"}
    with pytest.raises(ConfigError, match=f"{field}.txt"):
        run([corpus_file], Outputs(**paths))
    assert read_calls == []
    assert [p.name for p in tmp_path.iterdir()] == [corpus_file.name]


def test_run_reads_once_and_writes_every_output(
    corpus_file: Path, tmp_path: Path, read_calls: list[tuple[object, ...]]
) -> None:
    outputs = Outputs(
        groups=tmp_path / "g.jsonl",
        corpus=tmp_path / "c.jsonl",
        rejects=tmp_path / "r.jsonl",
        assignments=tmp_path / "a.jsonl",
        stories=tmp_path / "s.jsonl",
        explain=True,
    )
    result = run([corpus_file], outputs)
    assert len(read_calls) == 1
    assert set(result.outputs) == {"groups", "corpus", "rejects", "assignments", "stories"}
    assert all(Path(p).exists() for p in result.outputs.values())
    ids = {orjson.loads(line)["id"] for line in corpus_file.read_bytes().splitlines()}
    assert result.stories is not None and set(result.stories.story_of) == ids
    assert {m.id for g in result.groups for m in g.members} == ids
    kept = {orjson.loads(line)["id"] for line in (tmp_path / "c.jsonl").read_bytes().splitlines()}
    assert kept == {g.representative for g in result.groups}
    assert result.stats.documents_read == result.report.read == len(ids)
    assert result.copies.groups == result.groups


def test_run_read_settings_come_from_config(corpus_file: Path, tmp_path: Path) -> None:
    """The same records under other field names give the same groups once Config.read names
    them; without it every record is refused (no text field), never silently misread."""
    renamed = _renamed(corpus_file, tmp_path / "renamed.jsonl")
    plain = run([corpus_file])
    config = Config().override({"read.id": '"doc"', "read.text": '"words"', "read.date": '"day"'})
    named = run([renamed], config=config)
    assert _groups(named) == _groups(plain) and len(plain.groups) < 300
    with pytest.raises(InputError, match="no field holds the article text"):
        run([renamed])


def test_run_into_an_index_is_the_same_read(corpus_file: Path, tmp_path: Path) -> None:
    config = Config().override({"run.batch_size": "128"})
    with Index(tmp_path / "i.db", config) as index:
        first = run([corpus_file], config=config, index=index)
        again = run([corpus_file], config=config, index=index)
        stats = index.stats()
    assert first.added == {"new": 300} and again.added == {"unchanged": 300}
    assert first.report.read == 300 and stats["articles"] == 300


def test_run_on_spark_refuses_what_only_the_local_engine_does(corpus_file: Path) -> None:
    spark = Config().override({"run.engine": '"spark"'})
    with pytest.raises(ConfigError, match="groups"):
        run([corpus_file], Outputs(), spark)
    with pytest.raises(ConfigError, match="local engine only"):
        run([corpus_file], Outputs(groups="g.parquet", explain=True), spark)


def test_run_config_engine_settings_are_checked() -> None:
    config = Config().override({"run.engine": '"spark"', "run.spark_conf": '["a.b=1"]'})
    assert config.run.spark_settings == {"a.b": "1"}
    with pytest.raises(ConfigError, match="engine"):
        Config().override({"run.engine": '"dask"'})
    with pytest.raises(ConfigError, match="spark_conf"):
        Config().override({"run.spark_conf": '["no-equals"]'})
    with pytest.raises(ConfigError, match="ReadConfig"):
        Config().override({"read.text": '""'})


def test_run_times_its_writing_and_makes_groups_only_when_read(
    corpus_file: Path, tmp_path: Path
) -> None:
    """The summary's total covers writing the outputs; the groups file is written from the
    table, and Group objects come only when ``groups`` is read (then once)."""
    done = run([corpus_file], Outputs(groups=tmp_path / "g.jsonl", corpus=tmp_path / "c.jsonl"))
    assert done.stats.seconds["write"] > 0
    assert done.table is not None and len(done.table) == done.stats.documents == 300
    assert done.table._made == []  # nothing has read the groups yet
    groups = done.groups
    assert done.groups is groups and done.copies.groups is groups
    rows = [orjson.loads(line) for line in (tmp_path / "g.jsonl").read_bytes().splitlines()]
    assert {r["id"]: r["group"] for r in rows} == {m.id: g.id for g in groups for m in g.members}
    kept = [orjson.loads(line)["id"] for line in (tmp_path / "c.jsonl").read_bytes().splitlines()]
    assert sorted(kept) == sorted(g.representative for g in groups)
