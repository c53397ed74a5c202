from __future__ import annotations

import csv
import errno
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import newsdedup.cli.main as cli
from newsdedup import Config, Scores

runner = CliRunner()

ALL_IDS = {"base", "exact", "near", "excerpt", "rewrite", "other"}
EXPECTED_KINDS = {
    "base": "original",
    "exact": "exact",
    "near": "near",
    "excerpt": "excerpt",
    "rewrite": "rewrite",
    "other": "original",
}


def _invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, [str(a) for a in args])


_BOX = "\u2502\u2503\u250c\u2510\u2514\u2518\u251c\u2524\u252c\u2534\u253c\u2500\u2501"


def _flat(text: str) -> str:
    """Console output without rich's table borders and line wrapping."""
    return " ".join(text.translate({ord(c): " " for c in _BOX}).split())


def _rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as fh:
            return [{**r, "scores": orjson.loads(r["scores"])} for r in csv.DictReader(fh)]
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _check_groups(rows: list[dict[str, Any]], ids: set[str] = ALL_IDS) -> None:
    assert sorted(r["id"] for r in rows) == sorted(ids)  # every input id exactly once
    assert {r["id"]: r["kind"] for r in rows} == {i: EXPECTED_KINDS[i] for i in ids}
    reps = {r["id"]: r["representative"] for r in rows}
    assert {reps[i] for i in ids - {"other"}} == {"base"}
    assert reps.get("other", "other") == "other"
    groups = {r["id"]: r["group"] for r in rows}
    assert len({groups[i] for i in ids - {"other"}}) == 1


def test_cli_dedup_txt_folder(txt_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "groups.jsonl"
    result = _invoke("dedup", txt_folder, "-o", out, "--quiet")
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert [set(r) for r in rows] == [
        {"id", "group", "representative", "kind", "scores", "translation"}
    ] * len(rows)
    # .txt files have no date: "earliest" falls back to the longest, then the smallest id
    _check_groups(rows)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_cli_dedup_jsonl_to_each_format(jsonl_file: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"groups{suffix}"
    result = _invoke("dedup", jsonl_file, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    _check_groups(rows)
    scores = {r["id"]: r["scores"] for r in rows}
    assert scores["near"]["jaccard"] > 0.9
    assert set(scores["near"]) == {f.name for f in fields(Scores)}
    assert not scores["base"]  # {} in JSONL and CSV, null in Parquet


def test_cli_dedup_prints_a_summary(jsonl_file: Path, tmp_path: Path) -> None:
    result = _invoke("dedup", jsonl_file, "-o", tmp_path / "g.jsonl")
    assert result.exit_code == 0, result.output
    text = _flat(result.output)
    assert "documents read 6" in text
    assert "copy groups (2+ documents) 1" in text
    assert "unique after dedup 2" in text


def test_cli_dedup_keep_representatives(
    jsonl_file: Path, tmp_path: Path, copy_texts: dict[str, str]
) -> None:
    out = tmp_path / "groups.jsonl"
    result = _invoke("dedup", jsonl_file, "-o", out, "--keep", "representatives", "-q")
    assert result.exit_code == 0, result.output
    corpus = _rows(tmp_path / "groups.dedup.jsonl")
    groups = {r["group"] for r in _rows(out)}
    assert len(corpus) == len(groups) == 2
    assert sorted(r["id"] for r in corpus) == ["base", "other"]
    base = next(r for r in corpus if r["id"] == "base")
    assert base["text"] == copy_texts["base"]
    assert base["title"] == "Base"
    assert base["published"].startswith("2024-01-01")


def test_cli_dedup_keep_representatives_to_a_chosen_path(jsonl_file: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "kept.parquet"
    result = _invoke(
        "dedup",
        jsonl_file,
        "-o",
        tmp_path / "g.csv",
        "--keep",
        "representatives",
        "--corpus-output",
        corpus,
        "-q",
    )
    assert result.exit_code == 0, result.output
    assert sorted(r["id"] for r in _rows(corpus)) == ["base", "other"]


def test_cli_dedup_keep_needs_a_known_value(jsonl_file: Path, tmp_path: Path) -> None:
    result = _invoke("dedup", jsonl_file, "-o", tmp_path / "g.jsonl", "--keep", "all", "-q")
    assert result.exit_code == 2
    assert "representatives" in result.output


@pytest.fixture
def jsonl_with_bad_line(jsonl_file: Path) -> Path:
    lines = jsonl_file.read_bytes().splitlines()
    jsonl_file.write_bytes(b"\n".join([lines[0], b"{not json", *lines[1:]]) + b"\n")
    return jsonl_file


def test_cli_dedup_rejects_file(jsonl_with_bad_line: Path, tmp_path: Path) -> None:
    out, rejects = tmp_path / "groups.jsonl", tmp_path / "rejects.jsonl"
    result = _invoke("dedup", jsonl_with_bad_line, "-o", out, "--rejects", rejects, "-q")
    assert result.exit_code == 0, result.output
    _check_groups(_rows(out))
    [row] = _rows(rejects)
    assert row["path"] == str(jsonl_with_bad_line)
    assert row["line"] == 2
    assert row["reason"] == "malformed_json"
    assert row["detail"].startswith("line 2 is not valid JSON")


def test_cli_dedup_counts_rejects_in_the_summary(jsonl_with_bad_line: Path, tmp_path: Path) -> None:
    result = _invoke("dedup", jsonl_with_bad_line, "-o", tmp_path / "g.jsonl")
    assert result.exit_code == 0, result.output
    text = _flat(result.output)
    assert "documents read 7" in text
    assert "rejected 1" in text
    assert "malformed_json 1" in text


def test_cli_dedup_strict_fails_on_a_bad_record(jsonl_with_bad_line: Path, tmp_path: Path) -> None:
    out = tmp_path / "groups.jsonl"
    result = _invoke("dedup", jsonl_with_bad_line, "-o", out, "--strict", "-q")
    assert result.exit_code == 2
    assert f"{jsonl_with_bad_line}:2: malformed_json" in _flat(result.output)
    assert not out.exists()


@pytest.mark.usefixtures("restore_numba_threads")
def test_cli_dedup_set_override_reaches_the_engine(
    jsonl_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Config] = []
    real = cli.dedup_files

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["config"])
        return real(*args, **kwargs)

    monkeypatch.setattr(cli, "dedup_files", spy)
    out = tmp_path / "g.jsonl"
    result = _invoke(
        "dedup",
        jsonl_file,
        "-o",
        out,
        "--set",
        "lsh.bands=16",
        "--set",
        "lsh.rows=8",
        "--set",
        "verify.short_doc_words=0",
        "--representative",
        "id",
        "--workers",
        "1",
        "-q",
    )
    assert result.exit_code == 0, result.output
    [config] = seen
    assert (config.lsh.bands, config.lsh.rows) == (16, 8)
    assert config.group.representative == "id"
    assert config.run.workers == 1
    rows = {r["id"]: r for r in _rows(out)}
    assert set(rows) == ALL_IDS
    # 16 bands of 8 rows only find pairs of high Jaccard (the short-document path is off): the
    # near and exact copies
    assert {i for i, r in rows.items() if r["representative"] == "base"} == {
        "base",
        "exact",
        "near",
    }


def test_cli_dedup_set_override_changes_the_result(jsonl_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonl"
    result = _invoke(
        "dedup", jsonl_file, "-o", out, "--set", "verify.min_candidate_containment=0.99", "-q"
    )
    assert result.exit_code == 0, result.output
    kinds = {r["id"]: (r["representative"], r["kind"]) for r in _rows(out)}
    assert kinds["rewrite"] == ("rewrite", "original")  # no longer a copy of base
    assert kinds["near"] == ("base", "near")


def test_cli_dedup_config_file(jsonl_file: Path, tmp_path: Path) -> None:
    config = tmp_path / "newsdedup.toml"
    config.write_text("[verify]\nmin_candidate_containment = 0.99\n")
    out = tmp_path / "g.jsonl"
    result = _invoke("dedup", jsonl_file, "-o", out, "--config", config, "-q")
    assert result.exit_code == 0, result.output
    assert {r["id"]: r["kind"] for r in _rows(out)}["rewrite"] == "original"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "lsh.bands=0",
            "The 'bands' parameter of LSHConfig must be an integer in [1, 4096]. Got 0 instead.",
        ),
        (
            "lsh.bands=many",
            "The 'bands' parameter of LSHConfig must be an integer in [1, 4096]. "
            "Got 'many' instead.",
        ),
        (
            "lsh.bandz=3",
            "Unknown setting 'lsh.bandz'. Allowed: lsh.bands, lsh.rows, lsh.max_bucket.",
        ),
        ("lsh.bands=4000", "lsh.bands * lsh.rows <= minhash.num_perm"),
        ("lsh.bands", "--set needs KEY=VALUE"),
    ],
)
def test_cli_dedup_bad_override_is_a_clear_error(
    jsonl_file: Path, tmp_path: Path, setting: str, message: str
) -> None:
    out = tmp_path / "g.jsonl"
    result = _invoke("dedup", jsonl_file, "-o", out, "--set", setting, "-q")
    assert result.exit_code == 2
    assert message in _flat(result.output)
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_dedup_bad_representative_option(jsonl_file: Path, tmp_path: Path) -> None:
    result = _invoke("dedup", jsonl_file, "-o", tmp_path / "g.jsonl", "--representative", "newest")
    assert result.exit_code == 2
    assert (
        "The 'representative' parameter of GroupConfig must be one of 'earliest', 'longest', "
        "'id'. Got 'newest' instead." in _flat(result.output)
    )


def test_cli_dedup_float_for_an_integer_setting_is_a_clear_error(
    jsonl_file: Path, tmp_path: Path
) -> None:
    result = _invoke(
        "dedup", jsonl_file, "-o", tmp_path / "g.jsonl", "--set", "lsh.bands=32.0", "-q"
    )
    assert result.exit_code == 2
    assert "The 'bands' parameter of LSHConfig" in _flat(result.output)


def test_cli_dedup_missing_input_is_a_clear_error(tmp_path: Path) -> None:
    result = _invoke("dedup", tmp_path / "nope.jsonl", "-o", tmp_path / "g.jsonl", "-q")
    assert result.exit_code == 2
    assert "no such file or folder" in _flat(result.output)


def test_cli_dedup_input_with_only_bad_records(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n[1, 2]\n")
    out, rejects = tmp_path / "g.jsonl", tmp_path / "rejects.jsonl"
    result = _invoke("dedup", bad, "-o", out, "--rejects", rejects, "-q")
    assert result.exit_code == 0, result.output
    assert _rows(out) == []
    assert [r["reason"] for r in _rows(rejects)] == ["malformed_json", "not_an_object"]


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("base", "rewrite", "rewrite"),
        ("base", "other", "unrelated"),
        ("base", "exact", "exact"),
        ("excerpt", "base", "excerpt"),
    ],
)
def test_cli_compare_json(txt_folder: Path, a: str, b: str, kind: str) -> None:
    result = _invoke("compare", txt_folder / f"{a}.txt", txt_folder / f"{b}.txt", "--json")
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert set(data) == {"a", "b", "kind", "scores", "reasons", "passages"}
    assert (data["a"], data["b"], data["kind"]) == (a, b, kind)
    assert {"jaccard", "containment", "coverage_a", "coverage_b"} <= set(data["scores"])
    assert all(isinstance(r, str) for r in data["reasons"])


def test_cli_compare_table(txt_folder: Path) -> None:
    result = _invoke("compare", txt_folder / "base.txt", txt_folder / "near.txt")
    assert result.exit_code == 0, result.output
    text = _flat(result.stdout)
    assert "base vs near: near" in text
    assert "jaccard" in text and "coverage_a" in text
    assert "shingle Jaccard" in text


def test_cli_compare_with_override(txt_folder: Path) -> None:
    result = _invoke(
        "compare",
        txt_folder / "base.txt",
        txt_folder / "rewrite.txt",
        "--json",
        "--set",
        "verify.min_candidate_containment=0.99",
    )
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["kind"] == "same_story"  # no longer a copy


def test_cli_compare_needs_one_article_per_file(jsonl_file: Path, txt_folder: Path) -> None:
    result = _invoke("compare", jsonl_file, txt_folder / "base.txt")
    assert result.exit_code == 2
    assert "holds 6 articles; compare needs exactly one" in _flat(result.output)


def test_cli_help_lists_the_commands() -> None:
    result = _invoke("--help")
    assert result.exit_code == 0
    assert "dedup" in result.output and "compare" in result.output


def test_cli_error_messages_keep_square_brackets(
    jsonl_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An install hint such as newsdedup[web] must survive the terminal's markup."""
    from newsdedup.errors import MissingExtraError

    def missing(*args: Any, **kwargs: Any) -> None:
        raise MissingExtraError("lingua-language-detector", extra="web", feature="Language")

    monkeypatch.setattr("newsdedup.jobs.clean_files", missing)
    result = _invoke("clean", jsonl_file, "-o", tmp_path / "x.jsonl")
    assert result.exit_code == 2
    assert "newsdedup[web]" in " ".join(result.output.split())


# -- streams: results to stdout, progress, summaries and errors to stderr ----------------------


def test_cli_diff_view_goes_to_stdout(txt_folder: Path) -> None:
    result = _invoke("diff", txt_folder / "near.txt", txt_folder / "base.txt")
    assert result.exit_code == 0, result.output
    assert "A: near" in result.stdout and "B: base" in result.stdout  # `> out` captures it
    assert result.stderr == ""


def test_cli_compare_table_goes_to_stdout(txt_folder: Path) -> None:
    result = _invoke("compare", txt_folder / "near.txt", txt_folder / "base.txt")
    assert result.exit_code == 0, result.output
    assert "jaccard" in result.stdout and result.stderr == ""


def test_cli_dedup_summary_and_errors_go_to_stderr(jsonl_file: Path, tmp_path: Path) -> None:
    result = _invoke("dedup", jsonl_file, "-o", tmp_path / "g.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "documents read 6" in _flat(result.stderr)
    failed = _invoke("dedup", tmp_path / "nope.jsonl", "-o", tmp_path / "g.jsonl")
    assert failed.exit_code == 2 and failed.stdout == ""
    [line] = failed.stderr.splitlines()  # one line, never wrapped at the terminal's width
    assert line.startswith("error: ") and "no such file or folder" in line


# -- a folder that cannot be listed, a pipe in a folder ----------------------------------------


@contextmanager
def _guarded_fifo(path: Path) -> Iterator[Path]:
    """A named pipe whose writer waits for a reader: opening it reads "opened", never hangs."""
    os.mkfifo(path)

    def write() -> None:
        with open(path, "wb") as fh:
            fh.write(b"opened")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield path
    finally:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        writer.join()
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_cli_dedup_goes_on_past_a_pipe_and_an_unlistable_folder(
    txt_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = txt_folder / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text("never read")
    real = os.scandir

    def scandir(path: Any = ".") -> Any:  # as without permission (the tests may run as root)
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out, rejects = tmp_path / "g.jsonl", tmp_path / "rejects.jsonl"
    with _guarded_fifo(txt_folder / "pipe.txt") as fifo:
        result = _invoke("dedup", txt_folder, "-o", out, "--rejects", rejects)
    assert result.exit_code == 0, result.output
    _check_groups(_rows(out))
    rows = {r["path"]: r for r in _rows(rejects)}
    assert rows[str(fifo)]["reason"] == "not_a_file"
    assert "named pipe" in rows[str(fifo)]["detail"]
    assert rows[str(locked)]["reason"] == "unreadable_folder"
    assert "Permission denied" in rows[str(locked)]["detail"]
    summary = _flat(result.stderr)
    assert "rejected 2" in summary
    assert "not_a_file 1" in summary and "unreadable_folder 1" in summary


# -- field options that match no field ------------------------------------------------------


def test_cli_dedup_misspelt_field_option_is_one_error(jsonl_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonl"
    result = _invoke("dedup", jsonl_file, "-o", out, "--date-field", "pubdat", "-q")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert f"error: {jsonl_file}: --date-field 'pubdat' (FieldMap.date) matches no field" in line
    assert "Fields in its first 6 records: id, text, title, published" in line
    assert not out.exists()


def test_cli_dedup_csv_without_the_text_column_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id,headline,body_html\n1,A,<p>a</p>\n2,B,<p>b</p>\n")
    result = _invoke("dedup", path, "-o", tmp_path / "g.jsonl", "-q")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "no field holds the article text (tried text, maintext" in line
    assert "Fields in the header: id, headline, body_html." in line
    assert "--text-field" in line
    fixed = _invoke("dedup", path, "-o", tmp_path / "g.jsonl", "--text-field", "body_html", "-q")
    assert fixed.exit_code == 0, fixed.output


# -- install hints and serve ----------------------------------------------------------------


def test_cli_install_hint_works_from_a_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsdedup.errors as errors

    root = Path(errors.__file__).resolve().parents[2]
    message = str(errors.MissingExtraError("fastapi", extra="serve", feature="newsdedup serve"))
    if (root / "pyproject.toml").is_file():  # an editable install: the checkout, by its path
        assert f"Install it with: pip install -e '{root}[serve]' (this newsdedup's checkout;" in (
            message
        )
    monkeypatch.setattr(errors, "_checkout", lambda: None)
    hint = errors.install_hint("web")
    assert hint.startswith("pip install -e '.[web]' in a newsdedup checkout")
    assert "not on PyPI" in hint


def test_cli_serve_on_a_busy_port_is_one_line_and_announces_nothing(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn", reason="needs the serve extra")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _invoke("serve", "--db", tmp_path / "x.db", "--port", str(port))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: Cannot listen on 127.0.0.1:{port}: the port is already in use. Stop what "
        "listens there or give another --port.\n"
    )
    assert not (tmp_path / "x.db").exists()  # refused before the index was opened


def test_cli_serve_checks_the_index_settings(tmp_path: Path, jsonl_file: Path) -> None:
    pytest.importorskip("uvicorn", reason="needs the serve extra")
    db = tmp_path / "x.db"
    assert _invoke("index", "add", "--db", db, jsonl_file, "-q").exit_code == 0
    result = _invoke("serve", "--db", db, "--port", "0", "--set", "lsh.max_bucket=20")
    assert result.exit_code == 2
    assert "lsh.max_bucket is 200 in the index, 20 here" in result.stderr
    assert "serving" not in result.output
