import gzip
import importlib.util
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from importlib.machinery import ModuleSpec
from pathlib import Path

import orjson
import pytest

pytest.importorskip("trafilatura")

import newsdedup.clean.extract
from newsdedup.config import CleanConfig
from newsdedup.errors import ConfigError, MissingExtraError
from newsdedup.read import pool as read_pool
from newsdedup.read import read_articles
from newsdedup.report import Report
from newsdedup.types import Article, Origin

BENCHMARK_DIR = Path("/work/shared/data/article-extraction-benchmark")

Page = Callable[..., bytes]
Story = Callable[[int], tuple[str, str]]


def read(paths: list[Path], **options: object) -> tuple[list[Article], Report]:
    report = Report()
    return list(read_articles(paths, report=report, **options)), report  # type: ignore[arg-type]


def test_html_extracts_main_text_and_metadata(
    tmp_path: Path, news_page: Page, story: Story
) -> None:
    page = news_page(
        *story(1),
        title="Council passes the budget",
        date="2024-03-05T10:30:00+01:00",
        author="Jane Doe",
        site="The Daily Example",
        canonical="https://www.example.com/news/budget",
        lang="en-GB",
    )
    path = tmp_path / "ab12.html.gz"
    path.write_bytes(gzip.compress(page))
    [article], report = read([path])
    assert article.id == "ab12"
    assert "Story 1 begins" in article.text and "Detail 1-7 of the report" in article.text
    assert "Subscribe now" not in article.text and "All rights reserved" not in article.text
    assert article.title == "Council passes the budget"
    assert article.published == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert (article.author, article.source) == ("Jane Doe", "The Daily Example")
    assert (article.url, article.lang) == ("https://www.example.com/news/budget", "en")
    assert article.origin == Origin(str(path))
    assert (report.read, report.rejected) == (1, [])


@pytest.mark.parametrize("name", ["a.htm", "a.HTML", "a.xhtml", "a.htm.zst"])
def test_html_reads_each_suffix(tmp_path: Path, news_page: Page, story: Story, name: str) -> None:
    import zstandard

    page = news_page(*story(2))
    path = tmp_path / name
    path.write_bytes(zstandard.ZstdCompressor().compress(page) if name.endswith("zst") else page)
    [article], _ = read([path])
    assert (article.id, article.published) == ("a", None)
    assert "Story 2 begins" in article.text


def test_html_source_falls_back_to_the_url_domain(tmp_path: Path, story: Story) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in story(3))
    page = '<html><head><link rel="canonical" href="https://www.news.example.org/x"></head>'
    (tmp_path / "p.html").write_text(f"{page}<body><article>{paragraphs}</article></body></html>")
    [article], _ = read([tmp_path / "p.html"])
    assert (article.url, article.source) == ("https://www.news.example.org/x", "news.example.org")


def test_html_decodes_the_declared_charset(tmp_path: Path, news_page: Page, story: Story) -> None:
    first, second = story(4)
    page = news_page(f"{first} Café déjà vu à Zürich.", second, charset="iso-8859-1")
    (tmp_path / "latin.html").write_bytes(page)
    [article], _ = read([tmp_path / "latin.html"])
    assert "Café déjà vu à Zürich." in article.text


@pytest.mark.parametrize(
    ("content", "reason", "detail"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "not_html", "a NUL byte"),
        (b"just some words, no markup at all\n" * 10, "not_html", "no '<' in the first"),
        (b"", "empty_text", "the file is empty"),
        (b"<html><body><img src=a.png><hr></body></html>", "no_main_text", "no main text"),
        (b"<html><body><script>var x = 1;</script></body></html>", "no_main_text", "no main"),
    ],
)
def test_html_rejects_pages_without_an_article(
    tmp_path: Path, content: bytes, reason: str, detail: str
) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    articles, report = read([path])
    assert articles == []
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (Origin(str(path)), reason)
    assert detail in rejected.detail


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body><p>unclosed <b>bold <i>and <div><p>" + b"words " * 200,
        b"<<<<>>>><html<<body>>" + b"<p>text & more &#xZZZ; " * 50,
        b"<?xml version='1.0'?><!DOCTYPE html><html><body>" + b"<p>" * 5000,
        b"<html><body>" + "<p>中文的新闻内容。</p>".encode("gb18030") * 30 + b"\xff\xfe\xfd",
        b"<html><head><meta charset='no-such-charset'></head><body><p>" + b"x y " * 100,
    ],
)
def test_html_broken_markup_never_aborts_the_run(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "broken.html").write_bytes(content)
    (tmp_path / "z.txt").write_text("after")
    articles, report = read([tmp_path])
    assert articles[-1].id == "z"
    assert report.read == 2
    assert {r.reason for r in report.rejected} <= {"no_main_text"}


@pytest.mark.parametrize("name", ["big.html", "big.html.gz"])
def test_html_too_large_page_is_rejected_with_its_size(
    tmp_path: Path, news_page: Page, name: str
) -> None:
    page = news_page("word " * 2000)
    path = tmp_path / name
    path.write_bytes(gzip.compress(page) if name.endswith(".gz") else page)
    articles, report = read([path], clean=CleanConfig(max_page_bytes=4096))
    assert articles == []
    [rejected] = report.rejected
    assert rejected.reason == "too_large"
    assert f"the page is {len(page):,} bytes, over the limit of 4096" in rejected.detail


def test_html_truncated_gzip_is_a_corrupt_file(
    tmp_path: Path, news_page: Page, story: Story
) -> None:
    packed = gzip.compress(news_page(*story(5)))
    (tmp_path / "cut.html.gz").write_bytes(packed[: len(packed) // 2])
    articles, report = read([tmp_path / "cut.html.gz"])
    assert articles == []
    assert report.rejected_by_reason == {"corrupt_file": 1}


def test_html_extractor_failure_costs_only_its_page(
    tmp_path: Path, news_page: Page, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = newsdedup.clean.extract.extract_html

    def flaky(html: str | bytes, **options: str | None) -> object:
        if b"Story 1 " in (html if isinstance(html, bytes) else html.encode()):
            raise RecursionError("maximum recursion depth exceeded")
        return original(html, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(newsdedup.clean.extract, "extract_html", flaky)
    for n in (1, 2):
        (tmp_path / f"{n}.html").write_bytes(news_page(*story(n)))
    articles, report = read([tmp_path])
    assert [a.id for a in articles] == ["2"]
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (
        Origin(str(tmp_path / "1.html")),
        "extract_failed",
    )
    assert "RecursionError: maximum recursion depth exceeded" in rejected.detail


def test_html_workers_keep_input_order(
    tmp_path: Path, news_page: Page, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_pool, "POOL_AFTER", 4)
    monkeypatch.setattr(read_pool, "CHUNK_PAGES", 3)
    started: list[int] = []
    executor = read_pool.process_executor

    def counted(workers: int, preload: list[str]) -> ProcessPoolExecutor:
        started.append(workers)
        return executor(workers, preload)

    monkeypatch.setattr(read_pool, "process_executor", counted)
    for n in range(30):
        (tmp_path / f"p{n:02d}.html").write_bytes(news_page(*story(n)))
    (tmp_path / "p10.html").write_bytes(b"\x00binary")
    (tmp_path / "p20.jsonl").write_bytes(orjson.dumps({"id": "j", "text": "from jsonl"}) + b"\n")
    serial, serial_report = read([tmp_path], workers=1)
    pooled, pooled_report = read([tmp_path], workers=2)
    assert [a.id for a in pooled] == [a.id for a in serial]
    assert [a.text for a in pooled] == [a.text for a in serial]
    assert [a.id for a in pooled][9:12] == ["p09", "p11", "p12"]
    assert [a.id for a in pooled][18:21] == ["p19", "p20", "j"]
    assert all(f"Story {a.id[1:].lstrip('0') or 0} begins" in a.text for a in pooled if a.id != "j")
    assert pooled_report.rejected == serial_report.rejected
    assert pooled_report.read == serial_report.read == 31
    assert started == [2]  # the pool ran, once


def test_html_abandoned_pooled_stream_shuts_the_pool(
    tmp_path: Path, news_page: Page, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_pool, "POOL_AFTER", 0)
    for n in range(12):
        (tmp_path / f"p{n:02d}.html").write_bytes(news_page(*story(n)))
    stream = read_articles([tmp_path], report=Report(), workers=2)
    assert next(stream).id == "p00"
    stream.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("workers", [-1, 1.5, True, "2"])
def test_html_workers_must_be_a_count(tmp_path: Path, workers: object) -> None:
    with pytest.raises(ConfigError, match="The 'workers' parameter of read_articles must be"):
        read_articles([tmp_path], report=Report(), workers=workers)  # type: ignore[arg-type]


def test_html_missing_extra_fails_before_reading(
    tmp_path: Path, news_page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    find_spec = importlib.util.find_spec

    def without_trafilatura(name: str, package: str | None = None) -> ModuleSpec | None:
        return None if name == "trafilatura" else find_spec(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", without_trafilatura)
    (tmp_path / "a.html").write_bytes(news_page("text"))
    with pytest.raises(MissingExtraError, match=r"pip install 'newsdedup\[web\]'"):
        read_articles([tmp_path / "a.html"], report=Report())


def test_html_reads_real_pages() -> None:
    if not (BENCHMARK_DIR / "html").is_dir():
        pytest.skip(f"article extraction benchmark not found at {BENCHMARK_DIR}")
    gold = orjson.loads((BENCHMARK_DIR / "ground-truth.json").read_bytes())
    paths = sorted((BENCHMARK_DIR / "html").glob("*.html.gz"))[:6]
    articles, report = read(paths)
    assert [a.id for a in articles] == [p.name.removesuffix(".html.gz") for p in paths]
    assert report.rejected == []
    for article in articles:
        expected = gold[article.id]["articleBody"].split()
        found = set(article.text.split())
        assert sum(word in found for word in expected) >= 0.8 * len(expected)
        assert article.title and article.source
