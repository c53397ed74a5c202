import gzip
import io
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")
pytest.importorskip("warcio")

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdedup.config import CleanConfig
from newsdedup.read import pool as read_pool
from newsdedup.read import read_articles
from newsdedup.report import Report
from newsdedup.types import Article, Origin

Page = Callable[..., bytes]
Story = Callable[[int], tuple[str, str]]

CRAWL_DATE = "2023-06-01T12:00:00Z"


class Archive:
    """A WARC built record by record; ``ids`` holds each page record's id, without urn:uuid."""

    def __init__(self, compress: bool = True) -> None:
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=compress)
        self.ids: list[str] = []

    def response(
        self, uri: str, body: bytes, content_type: str = "text/html", status: str = "200 OK"
    ) -> None:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record_id = str(uuid.UUID(int=len(self.ids) + 1))  # fixed ids: the same bytes every run
        record = self.writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=headers,
            warc_headers_dict={
                "WARC-Date": CRAWL_DATE,
                "WARC-Record-ID": f"<urn:uuid:{record_id}>",
            },
        )
        self.writer.write_record(record)
        self.ids.append(record_id)

    def other(self, kind: str, uri: str, body: bytes = b"x") -> None:
        record = self.writer.create_warc_record(
            uri, kind, payload=io.BytesIO(body), length=len(body), warc_content_type="text/plain"
        )
        self.writer.write_record(record)

    def request(self, uri: str) -> None:
        headers = StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True
        )
        self.writer.write_record(
            self.writer.create_warc_record(uri, "request", http_headers=headers)
        )

    def save(self, path: Path) -> bytes:
        data = self.buffer.getvalue()
        path.write_bytes(data)
        return data


def read(path: Path, **options: object) -> tuple[list[Article], Report]:
    report = Report()
    return list(read_articles([path], report=report, **options)), report  # type: ignore[arg-type]


def crawl(news_page: Page, story: Story, compress: bool = True) -> Archive:
    """warcinfo, request, page 1, image, page 2 (dated), style sheet, 404, metadata, empty page."""
    archive = Archive(compress)
    archive.writer.write_record(archive.writer.create_warcinfo_record("c.warc", {"x": "y"}))
    archive.request("https://example.com/one")
    archive.response("https://example.com/one", news_page(*story(1)))
    archive.response("https://example.com/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
    page = news_page(*story(2), date="2024-02-03", canonical="https://other.example/two")
    archive.response("https://example.com/two", page, "application/xhtml+xml; charset=utf-8")
    archive.response("https://example.com/site.css", b"body { color: red }", "text/css")
    archive.response("https://example.com/gone", news_page(*story(3)), status="404 Not Found")
    archive.other("metadata", "https://example.com/one")
    archive.response("https://example.com/empty", b"")
    return archive


@pytest.mark.parametrize(("name", "compress"), [("c.warc.gz", True), ("c.warc", False)])
def test_warc_reads_html_responses(
    tmp_path: Path, news_page: Page, story: Story, name: str, compress: bool
) -> None:
    archive = crawl(news_page, story, compress)
    path = tmp_path / name
    archive.save(path)
    articles, report = read(path)
    assert [a.id for a in articles] == [archive.ids[0], archive.ids[2]]
    one, two = articles
    assert "Story 1 begins" in one.text and "Subscribe now" not in one.text
    assert "Detail 2-7 of the report" in two.text
    assert (one.url, two.url) == ("https://example.com/one", "https://example.com/two")
    assert (one.origin, two.origin) == (Origin(str(path), 3), Origin(str(path), 5))
    assert one.source == "example.com"
    assert one.published is None  # the crawl date is no publication date
    assert two.published == datetime(2024, 2, 3, tzinfo=UTC)
    assert report.rejected == []
    assert report.counters["skipped_record"] == 7
    assert report.read == 2


@pytest.mark.parametrize("cut", [0.5, 0.8, 0.97])
def test_warc_truncated_gzip_keeps_what_was_read(
    tmp_path: Path, news_page: Page, story: Story, cut: float
) -> None:
    archive = Archive()
    for n in range(10):
        archive.response(f"https://example.com/{n}", news_page(*story(n)))
    data = archive.buffer.getvalue()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: int(len(data) * cut)])
    articles, report = read(path)
    kept = len(articles)
    assert [a.id for a in articles] == archive.ids[:kept]
    assert kept < 10
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (Origin(str(path), kept + 1), "corrupt_file")
    assert f"after record {kept} " in rejected.detail
    assert f"{kept} records were read, the rest was lost" in rejected.detail


def test_warc_truncated_plain_file_loses_the_cut_record(
    tmp_path: Path, news_page: Page, story: Story
) -> None:
    archive = Archive(compress=False)
    for n in range(3):
        archive.response(f"https://example.com/{n}", news_page(*story(n)))
    data = archive.buffer.getvalue()
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:-300])
    articles, report = read(path)
    assert [a.id for a in articles] == archive.ids[:2]
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (Origin(str(path), 3), "corrupt_file")
    assert "before its declared length" in rejected.detail


def test_warc_not_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(b"hello world\n\nthis is no archive\n")
    articles, report = read(path)
    assert articles == []
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (Origin(str(path), 1), "corrupt_file")
    assert "after record 0" in rejected.detail


def test_warc_bad_pages_are_rejected_and_reading_goes_on(
    tmp_path: Path, news_page: Page, story: Story
) -> None:
    archive = Archive()
    archive.response("https://example.com/big", news_page("word " * 2000))
    archive.response("https://example.com/bin", b"\x00\x01\x02" * 100)
    archive.response("https://example.com/ok", news_page(*story(1)))
    path = tmp_path / "c.warc.gz"
    archive.save(path)
    articles, report = read(path, clean=CleanConfig(max_page_bytes=4096))
    assert [a.id for a in articles] == [archive.ids[2]]
    big, binary = report.rejected
    assert (big.origin, big.reason) == (Origin(str(path), 1), "too_large")
    assert "the page is about 10," in big.detail and "over the limit of 4096" in big.detail
    assert (binary.origin, binary.reason) == (Origin(str(path), 2), "not_html")


def test_warc_record_without_id_gets_a_derived_one(tmp_path: Path, news_page: Page) -> None:
    archive = Archive()
    archive.response("https://example.com/a", news_page("Some words " * 30))
    data = gzip.decompress(archive.buffer.getvalue())
    start = data.index(b"WARC-Record-ID")
    end = data.index(b"\r\n", start) + 2
    path = tmp_path / "noid.warc"
    path.write_bytes(data[:start] + data[end:])
    [article], _ = read(path)
    assert article.id == "noid:1"


def test_warc_workers_keep_input_order(
    tmp_path: Path, news_page: Page, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_pool, "POOL_AFTER", 0)
    monkeypatch.setattr(read_pool, "CHUNK_PAGES", 4)
    archive = Archive()
    for n in range(25):
        archive.response(f"https://example.com/{n}", news_page(*story(n)))
        archive.response(f"https://example.com/{n}.png", b"\x89PNG", "image/png")
    path = tmp_path / "c.warc.gz"
    archive.save(path)
    serial, _ = read(path, workers=1)
    pooled, report = read(path, workers=2)
    assert [a.id for a in pooled] == [a.id for a in serial] == archive.ids[::2]
    assert [a.origin for a in pooled] == [Origin(str(path), 2 * n + 1) for n in range(25)]
    assert all(f"Story {n} begins" in a.text for n, a in enumerate(pooled))
    assert report.counters["skipped_record"] == 25
