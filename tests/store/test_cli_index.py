"""``newsdedup index add|stats`` and ``newsdedup query``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

import newsdedup.cli.main as cli
from newsdedup.synth import article_record, generate_corpus

runner = CliRunner()


def _invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, [str(a) for a in args])


def _write(path: Path, records: list[dict[str, object]], bad_line: bool = False) -> Path:
    lines = [json.dumps(r, default=str) for r in records]
    if bad_line:
        lines.insert(1, "{not json")
    path.write_text("\n".join(lines) + "\n")
    return path


def _records(n: int = 120) -> list[dict[str, object]]:
    corpus = generate_corpus(n, seed=4, words=100, copy_rate=0.4)
    return [article_record(a) for a in corpus.articles]


def test_cli_index_add_is_incremental_and_reports_rejects(tmp_path: Path) -> None:
    records = _records()
    first = _write(tmp_path / "a.jsonl", records[:80], bad_line=True)
    db = tmp_path / "x.db"
    done = _invoke("index", "add", "--db", db, first)
    assert done.exit_code == 0, done.output
    assert "a.jsonl:2" in done.output.replace("\n", "")  # the bad line, by file and line
    second = _write(tmp_path / "b.jsonl", records[60:])
    again = _invoke("index", "add", "--db", db, second)
    assert again.exit_code == 0, again.output
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in again.output.splitlines()
        if line.count("│") == 3
    }
    assert rows["new"] == "40" and rows["unchanged"] == "20" and rows["rejected"] == "0"
    stats = _invoke("index", "stats", "--db", db)
    assert json.loads(stats.output)["articles"] == 120


def test_cli_query_prints_the_copies_as_json(tmp_path: Path) -> None:
    records = _records()
    db = tmp_path / "x.db"
    _invoke("index", "add", "--db", db, _write(tmp_path / "a.jsonl", records[1:]))
    query = _write(tmp_path / "q.jsonl", [records[0]])
    done = _invoke("query", "--db", db, query, "--json")
    assert done.exit_code == 0, done.output
    out = json.loads(done.output)
    assert set(out) == {"copies", "story"}
    text = _invoke("query", "--db", db, "--text", str(records[0]["text"]), "--json")
    assert json.loads(text.output) == out  # the same article given as text
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 119


def test_cli_query_needs_an_existing_index(tmp_path: Path) -> None:
    done = _invoke("query", "--db", tmp_path / "missing.db", "--text", "some words")
    assert done.exit_code == 2
    assert "No index at" in done.output and "index add" in done.output
    assert not (tmp_path / "missing.db").exists()


def test_cli_index_refuses_another_scheme(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _invoke("index", "add", "--db", db, _write(tmp_path / "a.jsonl", _records(10)))
    done = _invoke("index", "stats", "--db", db, "--set", "lsh.bands=64")
    assert done.exit_code == 2
    assert "scheme" in done.output
