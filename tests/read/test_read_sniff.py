import gzip
import io
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

pytest.importorskip("trafilatura")
pytest.importorskip("warcio")
pytest.importorskip("feedparser")

from warcio.warcwriter import WARCWriter

from newsdedup.cli.main import app
from newsdedup.errors import InputError
from newsdedup.read import detect_format, read_articles
from newsdedup.read.sniff import sniff
from newsdedup.report import Report

Page = Callable[..., bytes]
Story = Callable[[int], tuple[str, str]]

RSS = (
    b"<rss version='2.0'><channel><title>T</title><item><guid>f1</guid>"
    b"<description>Feed words.</description></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
        (b"WARC/1.1\r\n", "warc"),
        (b"<?xml version='1.0'?>\n<rss version='2.0'>", "feed"),
        (b"\xef\xbb\xbf<?xml version='1.0'?><!-- made by x --><?xml-stylesheet x?><feed>", "feed"),
        (b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>", "feed"),
        (b"  \n<!DOCTYPE html>\n<html>", "html"),
        (b"<!doctype HTML><title>x</title>", "html"),
        (b"<?xml version='1.0'?><!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN'>", "html"),
        (b"<!-- saved page --><HTML lang=en>", "html"),
        (b"<head><meta charset=utf-8>", "html"),
        ("\ufeff<html><body>".encode("utf-16"), "html"),
        (b'{"id": 1, "text": "a"}\n', "jsonl"),
        (b"PAR1\x15\x04", "parquet"),
        (b"id,text\n1,a\n", None),
        (b"Just words.", None),
        (b"<a/>", None),
        (b"", None),
    ],
)
def test_sniff_tells_format_from_first_bytes(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


def web_folder(root: Path, news_page: Page, story: Story) -> None:
    """Web files whose names tell no format, and one file that is no input."""
    (root / "page").write_bytes(news_page(*story(1)))
    (root / "news.xml").write_bytes(RSS)
    (root / "dump").write_bytes(b'{"id": "j1", "text": "json words"}\n')
    (root / "notes.md").write_text("# just notes")
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    html = news_page(*story(2))
    record = writer.create_warc_record(
        "https://example.com/w",
        "response",
        payload=io.BytesIO(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html),
        length=len(html) + 45,
    )
    writer.write_record(record)
    (root / "crawl-00001.gz").write_bytes(buffer.getvalue())
    pq.write_table(pa.table({"id": ["q1"], "text": ["parquet words"]}), root / "table")


def test_sniff_folder_picks_up_web_files_by_content(
    tmp_path: Path, news_page: Page, story: Story
) -> None:
    web_folder(tmp_path, news_page, story)
    report = Report()
    articles = list(read_articles([tmp_path], report=report))
    ids = [a.id for a in articles]
    assert ids[1:] == ["j1", "f1", "page", "q1"]  # dump, news.xml, page, table
    assert "Story 2 begins" in articles[0].text  # crawl-00001.gz
    assert articles[0].url == "https://example.com/w"
    assert report.counters["skipped_file"] == 1  # notes.md
    assert report.rejected == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("feed.xml", RSS, "feed"),
        ("feed.xml.gz", gzip.compress(RSS, mtime=0), "feed"),
        ("page.php", b"<!DOCTYPE html><html>", "html"),
        ("a.warc.gz", gzip.compress(b"WARC/1.0\r\n", mtime=0), "warc"),
        ("records.log", b'{"text": "x"}\n', "jsonl"),
    ],
)
def test_sniff_detect_format_of_existing_files(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    (tmp_path / name).write_bytes(content)
    assert detect_format(tmp_path / name) == expected


def test_sniff_xml_that_is_no_feed_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.xml").write_bytes(b"<?xml version='1.0'?><config/>")
    with pytest.raises(InputError, match=r"config\.xml: cannot tell the file's format"):
        read_articles([tmp_path / "config.xml"], report=Report())


def test_sniff_format_parameter_forces_the_format(
    tmp_path: Path, news_page: Page, story: Story
) -> None:
    path = tmp_path / "saved.txt"
    path.write_bytes(news_page(*story(3)))
    [as_text] = read_articles([path], report=Report())
    [as_html] = read_articles([path], format="html", report=Report())
    assert "<nav>" in as_text.text
    assert "<nav>" not in as_html.text and "Story 3 begins" in as_html.text


def test_sniff_cli_format_option_forces_the_format(
    tmp_path: Path, news_page: Page, story: Story
) -> None:
    (tmp_path / "in").mkdir()
    for n in (1, 2):
        (tmp_path / "in" / f"s{n}.txt").write_bytes(news_page(*story(n)))
    output = tmp_path / "groups.jsonl"
    args = ["dedup", str(tmp_path / "in"), "--output", str(output), "--format", "html"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = output.read_text()
    assert '"s1"' in written and '"s2"' in written
