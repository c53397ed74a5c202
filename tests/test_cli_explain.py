"""``newsdedup diff`` and ``dedup --explain`` end to end."""

from __future__ import annotations

import os
import subprocess
import sys
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
    assert data["aligned_text"] == "cleaned"
    numbers = {(c["a"], c["b"]) for c in data["changes"] if c["kind"] == "number"}
    assert {("3,000", "6,000"), ("1,100", "2,300")} <= numbers
    for change in data["changes"]:  # offsets point into the cleaned texts, which come along
        assert data["text_a"][change["a_start"] : change["a_end"]] == change["a"]
        assert data["text_b"][change["b_start"] : change["b_end"]] == change["b"]
    inserted = " ".join(s["text"] for s in data["spans"] if s["kind"] == "inserted")
    assert "Putin's Kharkiv disaster" in inserted
    assert "China's top lawmaker Li Zanshu arrived" in inserted
    # the ad lines are cleaned away before aligning, and reported with offsets into the file
    assert "- Advertisement -" not in inserted + data["text_a"]
    raw_a = _seed(seeds_dir, "000").read_text(encoding="utf-8")
    removed = [r for r in data["removed_a"] if r["text"] == "- Advertisement -"]
    assert len(removed) == 4
    assert all(raw_a[r["start"] : r["end"]] == r["text"] for r in removed)


def test_cli_diff_figures_equal_compare_and_the_index(seeds_dir: Path, tmp_path: Path) -> None:
    """One pair, one set of figures: diff's passage coverage is the index's /diff, its aligned
    bigram coverage is compare's and the copy edge's coverage."""
    from newsdedup.store.index import Index
    from newsdedup.types import Article

    a, b = _seed(seeds_dir, "000"), _seed(seeds_dir, "001")
    diff = orjson.loads(_invoke("diff", a, b, "--json").stdout)
    compared = orjson.loads(_invoke("compare", a, b, "--json").stdout)["scores"]
    assert diff["bigram_coverage_a"] == compared["coverage_a"] == 0.599
    assert diff["bigram_coverage_b"] == compared["coverage_b"]
    with Index(tmp_path / "index.db") as index:
        texts = [Article(id=p.stem, text=p.read_text(encoding="utf-8")) for p in (a, b)]
        index.add(texts)
        stored = index.diff(a.stem, b.stem)
        assert stored is not None
        assert len(stored["passages"]) == len(diff["passages"])
        assert (stored["coverage_a"], stored["coverage_b"]) == (
            diff["coverage_a"],
            diff["coverage_b"],
        )
        assert index.article(a.stem).text == diff["text_a"]  # type: ignore[union-attr]


def test_cli_diff_view_goes_to_stdout_and_errors_to_stderr(seeds_dir: Path) -> None:
    a, b = _seed(seeds_dir, "000"), _seed(seeds_dir, "001")
    ok = subprocess.run(
        [sys.executable, "-c", "from newsdedup.cli.main import app; app()", "diff", str(a), str(b)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == ""
    shown = " ".join(ok.stdout.split())  # the caption wraps to the terminal's width
    assert "3,000" in shown and "6,000" in shown
    assert "passage coverage 92% of A, 94% of B" in shown
    assert "aligned bigram coverage 60% of A, 61% of B" in shown
    assert "Aligned and measured on the cleaned text" in shown
    bad = runner.invoke(cli.app, ["diff", str(a), str(a.parent / "missing.txt")])
    assert bad.exit_code == 2
    assert bad.stdout == "" and "missing.txt" in bad.stderr


def test_cli_diff_terminal_and_html(seeds_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "diff.html"
    a, b = _seed(seeds_dir, "000"), _seed(seeds_dir, "001")
    result = _invoke("diff", a, b, "--html", page)
    assert result.exit_code == 0, result.output
    assert "changed facts" in result.stdout and "3,000" in result.stdout
    html = page.read_text(encoding="utf-8")
    assert '<mark title="number: 6,000">3,000</mark>' in html
    assert "<script" not in html
    assert "passage coverage 92% of A, 94% of B" in html
    assert "aligned bigram coverage 60% of A, 61% of B" in html
    assert "Aligned and measured on the cleaned text" in html


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
