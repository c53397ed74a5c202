"""``newsdedup index add|stats|compact`` and ``newsdedup query``."""

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
    compact = _invoke("index", "compact", "--db", db)
    assert compact.exit_code == 0, compact.output
    sizes = json.loads(compact.output)
    assert 0 < sizes["bytes_after"] <= sizes["bytes_before"]
    assert json.loads(_invoke("index", "stats", "--db", db).output)["articles"] == 120


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


def test_cli_index_refuses_other_settings_and_names_them(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    records = _records(40)
    built = _invoke("index", "add", "--db", db, _write(tmp_path / "a.jsonl", records[:20]), "-q")
    assert built.exit_code == 0, built.output
    more = _write(tmp_path / "b.jsonl", records[20:])
    done = _invoke("index", "add", "--db", db, more, "--set", "verify.near_jaccard=0.3")
    assert done.exit_code == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()  # one line, never wrapped
    assert line.startswith(f"error: {db} was built with other settings: ")
    assert "verify.near_jaccard is 0.75 in the index, 0.3 here" in line
    assert "(--set verify.near_jaccard=0.75, or the --config that built it)" in line
    assert "Traceback" not in done.output
    with sqlite3.connect(db) as conn:  # nothing of b.jsonl went in
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 20
    conn.close()
    # run settings change no result: accepted
    ok = _invoke("index", "add", "--db", db, more, "--set", "run.workers=1", "-q")
    assert ok.exit_code == 0, ok.output


def test_cli_index_settings_from_a_config_file_are_checked_too(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    toml = tmp_path / "loose.toml"
    toml.write_text("[verify]\nnear_jaccard = 0.3\n[lsh]\nmax_bucket = 50\n[run]\nworkers = 1\n")
    data = _write(tmp_path / "a.jsonl", _records(10))
    assert _invoke("index", "add", "--db", db, data, "--config", toml, "-q").exit_code == 0
    for command in (["index", "stats"], ["query", "--text", "some words"]):
        done = _invoke(*command, "--db", db)
        assert done.exit_code == 2, command
        flat = " ".join(done.output.split())
        assert "lsh.max_bucket is 50 in the index, 200 here" in flat
        assert "verify.near_jaccard is 0.3 in the index, 0.75 here" in flat
        assert _invoke(*command, "--db", db, "--config", toml).exit_code == 0


def test_cli_index_older_file_adopts_the_settings_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _invoke("index", "add", "--db", db, _write(tmp_path / "a.jsonl", _records(10)), "-q")
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'settings'")  # as an older newsdedup made it
    conn.close()
    done = _invoke("index", "stats", "--db", db)
    assert done.exit_code == 0, done.output
    assert done.stderr.startswith(f"note: {db} recorded no settings")
    assert "it now records this run's settings" in done.stderr
    assert json.loads(done.stdout)["articles"] == 10
    again = _invoke("index", "stats", "--db", db)
    assert again.stderr == ""


def test_cli_index_db_that_is_not_an_index(tmp_path: Path) -> None:
    data = _write(tmp_path / "a.jsonl", _records(5))
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE users (id)")
    conn.close()
    before = other.read_bytes()
    cases = [
        (notes, "is not an SQLite file, so not a newsdedup index; it was left untouched."),
        (other, "is an SQLite database of another program (tables: users)"),
        (tmp_path / "missing" / "x.db", "the folder"),
        (tmp_path, "is a folder; an index is one file."),
    ]
    for db, expected in cases:
        done = _invoke("index", "add", "--db", db, data)
        assert done.exit_code == 2, db
        [line] = done.stderr.splitlines()
        assert line.startswith("error: ") and str(db) in line and expected in line
        assert "Traceback" not in done.output
    assert notes.read_text() == "not a database\n"
    assert other.read_bytes() == before
    assert not (tmp_path / "app.db-wal").exists() and not (tmp_path / "missing").exists()


def test_cli_index_add_groups_an_article_with_its_translation(tmp_path: Path) -> None:
    """The index looks for translations as ``dedup`` does (store/translations.py): an English
    article and its German translation, added by the CLI, end in one group."""
    from tests.relate.test_translate import DE, EN

    from newsdedup.config import Config
    from newsdedup.store.index import Index

    db = tmp_path / "news.db"
    records: list[dict[str, object]] = [{"id": "en", "text": EN}, {"id": "de", "text": DE}]
    done = _invoke("index", "add", "--db", db, _write(tmp_path / "two.jsonl", records))
    assert done.exit_code == 0, done.output
    assert "does not look for translations" not in " ".join(done.output.split())
    with Index(db, Config()) as index:
        (link,) = index.copies("en")
    assert link.kind == "translation" and link.translation is not None
