"""``newsdedup clean`` end to end: web pages, scraper JSONL and text in; every article once out."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import newsdedup.cli.main as cli

pytest.importorskip("trafilatura")
pytest.importorskip("lingua")

runner = CliRunner()


def _invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, [str(a) for a in args])


def _rows(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture
def web_folder(
    tmp_path: Path,
    news_page: Callable[..., bytes],
    story: Callable[[int], tuple[str, str]],
) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    first, second = story(1)
    page = news_page(first, "- Advertisement -", second, title="Budget day", date="2024-03-05")
    (folder / "ab12.html.gz").write_bytes(gzip.compress(page))
    (folder / "cd34.html").write_bytes(news_page(*story(2), title="Other story"))
    (folder / "broken.html").write_bytes(b"\x00\x01\x02 binary, not a page")
    scraped = {
        "title": "Scraped",
        "maintext": "Thursday, September 15, 2022\n\nThe leaders met in Samarkand today.\n\n"
        "Source link",
        "url": "https://example.org/a",
        "source_domain": "example.org",
    }
    (folder / "scraped.jsonl").write_bytes(orjson.dumps(scraped) + b"\n")
    return folder


def test_cli_clean_writes_every_article_once(web_folder: Path, tmp_path: Path) -> None:
    out, removals, rejects = tmp_path / "clean.jsonl", tmp_path / "rem.csv", tmp_path / "bad.jsonl"
    result = _invoke(
        "clean", web_folder, "-o", out, "--removals", removals, "--rejects", rejects, "--raw"
    )
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in _rows(out)}
    assert set(rows) == {"ab12", "cd34", "https://example.org/a"}
    page = rows["ab12"]
    assert page["title"] == "Budget day"
    assert page["published"].startswith("2024-03-05")
    assert page["language"] == "en"
    assert "Story 1 begins" in page["text"] and "Advertisement" not in page["text"]
    assert "Advertisement" in page["raw"]
    assert [r["reason"] for r in page["removed"]] == ["builtin"]
    scraped = rows["https://example.org/a"]
    assert scraped["source"] == "example.org"
    assert scraped["published"].startswith("2022-09-15")  # from the dateline in the text
    assert "Source link" not in scraped["text"]
    bad = _rows(rejects)
    assert [(r["path"].endswith("broken.html"), r["reason"]) for r in bad] == [(True, "not_html")]
    listed = removals.read_text().splitlines()
    assert listed[0] == "id,start,end,text,reason,rule"
    assert len(listed) == 1 + sum(len(r["removed"]) for r in rows.values())


def test_cli_clean_parquet_and_summary(web_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean.parquet"
    result = _invoke("clean", web_folder, "-o", out, "--no-learn")
    assert result.exit_code == 0, result.output
    assert "articles written" in result.output and "not_html" in result.output
    table = pq.read_table(out)
    assert table.num_rows == 3
    assert "raw" not in table.column_names
    assert table.schema.field("removed").type.value_type.names == [
        "start",
        "end",
        "text",
        "reason",
        "rule",
    ]


def test_cli_clean_seeds_text(seeds_dir: Path, tmp_path: Path) -> None:
    if not any(seeds_dir.glob("*.txt")):
        pytest.skip("seeds absent")
    out = tmp_path / "seeds.jsonl"
    assert _invoke("clean", seeds_dir, "-o", out, "-q").exit_code == 0
    rows = _rows(out)
    assert len(rows) == 5
    assert all(r["language"] == "en" for r in rows)
    assert all("- Advertisement -" not in r["text"] for r in rows)


def test_cli_clean_bad_setting_is_a_clear_error(web_folder: Path, tmp_path: Path) -> None:
    result = _invoke("clean", web_folder, "-o", tmp_path / "x.jsonl", "--set", "clean.min_voices=1")
    assert result.exit_code == 2
    assert "min_voices" in result.output


def test_cli_dedup_reads_web_pages(
    tmp_path: Path,
    news_page: Callable[..., bytes],
    story: Callable[[int], tuple[str, str]],
) -> None:
    """The same article on two sites, under different boilerplate, is one copy group."""
    folder = tmp_path / "pages"
    folder.mkdir()
    first, second = story(7)
    (folder / "site-a.html").write_bytes(news_page(first, second, title="Seven"))
    (folder / "site-b.html").write_bytes(news_page(first, "Source link", second, title="Seven"))
    # another story in other words (story(8) is story(7) with its numbers changed: a copy)
    other = (
        "A storm closed the harbour on Friday and the ferries stayed in port. " * 3,
        " ".join(f"Boat {i} was tied up at the northern pier overnight." for i in range(8)),
    )
    (folder / "other.html").write_bytes(news_page(*other, title="Eight"))
    out = tmp_path / "groups.jsonl"
    result = _invoke("dedup", folder, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in _rows(out)}
    assert rows["site-a"]["group"] == rows["site-b"]["group"] != rows["other"]["group"]
    assert {rows["site-a"]["kind"], rows["site-b"]["kind"]} == {"original", "exact"}
