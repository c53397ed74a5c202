"""``newsdedup diff`` and ``dedup --explain`` end to end."""

from __future__ import annotations

from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import newsdedup.cli.main as cli

runner = CliRunner()


def _invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, [str(a) for a in args])


def _seed(seeds_dir: Path, prefix: str) -> Path:
    found = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip("seeds absent")
    return found[0]


def test_cli_diff_seeds_json(seeds_dir: Path) -> None:
    result = _invoke("diff", _seed(seeds_dir, "000"), _seed(seeds_dir, "001"), "--json")
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert {"passages", "changes", "spans", "coverage_a", "coverage_b"} <= set(data)
    numbers = {(c["a"], c["b"]) for c in data["changes"] if c["kind"] == "number"}
    assert {("3,000", "6,000"), ("1,100", "2,300")} <= numbers
    text_a = _seed(seeds_dir, "000").read_text(encoding="utf-8")
    for change in data["changes"]:
        assert text_a[change["a_start"] : change["a_end"]] == change["a"]
    inserted = " ".join(s["text"] for s in data["spans"] if s["kind"] == "inserted")
    assert "Putin's Kharkiv disaster" in inserted
    assert "China's top lawmaker Li Zanshu arrived" in inserted
    assert inserted.count("- Advertisement -") == 4


def test_cli_diff_terminal_and_html(seeds_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "diff.html"
    a, b = _seed(seeds_dir, "000"), _seed(seeds_dir, "001")
    result = _invoke("diff", a, b, "--html", page)
    assert result.exit_code == 0, result.output
    assert "changed facts" in result.output and "3,000" in result.output
    html = page.read_text(encoding="utf-8")
    assert '<mark title="number: 6,000">3,000</mark>' in html
    assert "<script" not in html


def test_cli_diff_ids_in_a_corpus(jsonl_file: Path) -> None:
    result = _invoke("diff", "near", "base", "--corpus", jsonl_file, "--json")
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert data["a"] == "near" and data["b"] == "base"
    assert data["coverage_a"] > 0.9 and data["coverage_b"] > 0.9
    missing = _invoke("diff", "near", "nope", "--corpus", jsonl_file)
    assert missing.exit_code == 2 and "'nope'" in missing.output


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_cli_dedup_explain(jsonl_file: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"groups{suffix}"
    result = _invoke("dedup", jsonl_file, "-o", out, "--explain", "-q")
    assert result.exit_code == 0, result.output
    if suffix == ".jsonl":
        rows = {r["id"]: r for r in map(orjson.loads, out.read_bytes().splitlines())}
    else:
        rows = {r["id"]: r for r in pq.read_table(out).to_pylist()}
    assert rows["other"]["explain"] is None  # no copies, nothing to explain
    base = rows["base"]["explain"]
    assert base["original"] == "base" and base["order"] == 0  # the earliest published
    assert base["coverage"] is None
    for copy in ("near", "excerpt", "rewrite"):
        explain = rows[copy]["explain"]
        assert explain["original"] == "base" and explain["order"] > 0
        assert 0.0 < explain["coverage"] <= 1.0
    assert rows["near"]["explain"]["coverage"] > 0.95
    without = tmp_path / f"plain{suffix}"
    assert _invoke("dedup", jsonl_file, "-o", without, "-q").exit_code == 0
    if suffix == ".parquet":
        assert "explain" not in pq.read_table(without).column_names
