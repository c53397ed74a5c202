"""``newsdedup stories`` and ``newsdedup run`` end to end."""

from __future__ import annotations

from pathlib import Path

import orjson
import pyarrow.parquet as pq
from typer.testing import CliRunner

import newsdedup.cli.main as cli

runner = CliRunner()


def _invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, [str(a) for a in args])


def _rows(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_cli_stories_every_document_once(jsonl_file: Path, tmp_path: Path) -> None:
    out, records, report = (
        tmp_path / "docs.jsonl",
        tmp_path / "stories.parquet",
        tmp_path / "r.html",
    )
    result = _invoke("stories", jsonl_file, "-o", out, "--stories", records, "--report", report)
    assert result.exit_code == 0, result.output
    assert "stories" in result.output
    rows = {r["id"]: r for r in _rows(out)}
    assert set(rows) == {"base", "exact", "near", "excerpt", "rewrite", "other"}
    copies = {"base", "exact", "near", "excerpt", "rewrite"}
    assert len({rows[i]["story"] for i in copies}) == 1  # copies are always one story
    assert len({rows[i]["group"] for i in copies}) == 1
    assert rows["other"]["story"] != rows["base"]["story"]
    table = pq.read_table(records).to_pylist()
    assert sorted(len(r["members"]) for r in table) == [1, 5]
    assert sum(r["size"] for r in table) == 6
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<script" not in page


def test_cli_run_writes_groups_and_stories_from_one_read(jsonl_file: Path, tmp_path: Path) -> None:
    groups, docs = tmp_path / "groups.jsonl", tmp_path / "docs.jsonl"
    result = _invoke("run", jsonl_file, "--groups", groups, "-o", docs, "-q")
    assert result.exit_code == 0, result.output
    by_group = {r["id"]: r["group"] for r in _rows(groups)}
    by_story = {r["id"]: r["group"] for r in _rows(docs)}
    assert by_group == by_story  # the same copy groups in both files
    dedup_out = tmp_path / "dedup.jsonl"
    assert _invoke("dedup", jsonl_file, "-o", dedup_out, "-q").exit_code == 0
    assert {r["id"]: r["group"] for r in _rows(dedup_out)} == by_group


def test_cli_run_needs_an_output(jsonl_file: Path) -> None:
    result = _invoke("run", jsonl_file)
    assert result.exit_code == 2
    assert "name at least one output" in " ".join(result.output.split())
