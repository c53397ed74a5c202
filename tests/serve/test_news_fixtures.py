"""The project's own news articles (tests/fixtures/news), which the service tests and the
README's first example use: the example runs as written from the repository root and the
articles keep the roles the tests rely on."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from newsdedup.cli.main import app

ROOT = Path(__file__).parents[2]
runner = CliRunner()


def _readme_example() -> list[str]:
    """The arguments of the README's first ``$ newsdedup ...`` line."""
    line = next(
        ln for ln in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if ln.startswith("$ newsdedup ")
    )  # fmt: skip
    return line.split()[2:]


def _grams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_news_readme_first_example_runs_from_the_repository_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = _readme_example()
    assert args[0] == "compare" and args[-1] == "--json"
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    got = orjson.loads(result.output)
    assert (got["a"], got["b"], got["kind"]) == (
        "000_scraped_rewrite",
        "001_original_analysis",
        "rewrite",
    )
    assert f'"jaccard": {got["scores"]["jaccard"]},' in (ROOT / "README.md").read_text()


def test_news_rewrite_is_one_minhash_tools_miss() -> None:
    """Word 5-gram Jaccard 0.15 (the README's figure): datasketch's LSH at its default
    threshold, or at 0.5, never pairs the copy with its original."""
    datasketch = pytest.importorskip("datasketch", reason="needs the test extra")
    folder = ROOT / "tests" / "fixtures" / "news"
    a, b = (folder / n for n in ("000_scraped_rewrite.txt", "001_original_analysis.txt"))
    ga, gb = _grams(a.read_text(encoding="utf-8")), _grams(b.read_text(encoding="utf-8"))
    assert round(len(ga & gb) / len(ga | gb), 2) == 0.15
    for threshold in (0.9, 0.5):
        signatures = []
        for grams in (ga, gb):
            m = datasketch.MinHash(num_perm=128, seed=1)
            m.update_batch([" ".join(g).encode() for g in grams])
            signatures.append(m)
        lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=128)
        lsh.insert("original", signatures[1])
        assert lsh.query(signatures[0]) == []


def test_news_folder_has_one_copy_group_and_one_story_of_four(
    tmp_path: Path, news_corpus: tuple[dict[str, str], ...]
) -> None:
    """With the dates a crawler records (NEWS_META), 002 (half a year later) is its own story;
    the folder of plain texts has no dates for it, so the stories read the JSONL records."""
    folder = ROOT / "tests" / "fixtures" / "news"
    records = tmp_path / "news.jsonl"
    records.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in news_corpus))
    out, stories = tmp_path / "docs.jsonl", tmp_path / "stories.jsonl"
    result = runner.invoke(
        app, ["stories", str(records), "-o", str(out), "--stories", str(stories)]
    )
    assert result.exit_code == 0, result.output
    groups = runner.invoke(app, ["dedup", str(folder), "-o", str(tmp_path / "g.jsonl")])
    assert groups.exit_code == 0, groups.output
    members: dict[str, set[str]] = {}
    for line in (tmp_path / "g.jsonl").read_bytes().splitlines():
        row = orjson.loads(line)
        members.setdefault(row["group"], set()).add(row["id"][:3])
    assert sorted(map(sorted, members.values())) == [["000", "001"], ["002"], ["003"], ["004"]]
    found = [orjson.loads(line)["members"] for line in stories.read_bytes().splitlines()]
    assert sorted(sorted(m[:3] for m in s) for s in found) == [
        ["000", "001", "003", "004"],
        ["002"],
    ]
