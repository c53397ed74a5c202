from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("feedparser")
pytest.importorskip("trafilatura")

from newsdedup.read import read_articles
from newsdedup.read.feed import fragment_text
from newsdedup.report import Report
from newsdedup.types import Article, Origin

LONG = "The council approved the budget after a long debate about schools and roads. " * 4

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>City Herald</title>
  <link>https://www.cityherald.example/</link>
  <language>en-us</language>
  <item>
    <title>Budget approved</title>
    <link>https://www.cityherald.example/budget</link>
    <guid isPermaLink="false">herald-001</guid>
    <pubDate>Tue, 05 Mar 2024 10:30:00 +0100</pubDate>
    <dc:creator>Jane Doe</dc:creator>
    <description>Short teaser only.</description>
    <content:encoded><![CDATA[<p>{LONG}</p><p>Second paragraph of the full story.</p>]]>
    </content:encoded>
  </item>
  <item>
    <title>Summary only</title>
    <link>https://www.cityherald.example/summary</link>
    <description>&lt;p&gt;A short &lt;b&gt;summary&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;
    </description>
  </item>
  <item><description>No link and no guid, plain words.</description></item>
  <item><title>Nothing to read</title><guid>herald-004</guid><description> </description></item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="https://news.example.net/"/>
  <id>urn:feed</id>
  <entry>
    <title>Atom story</title>
    <id>tag:news.example.net,2024:1</id>
    <link href="https://news.example.net/1"/>
    <updated>2024-04-01T08:00:00Z</updated>
    <author><name>John Roe</name></author>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
      <p>First paragraph of the Atom story.</p><p>Second paragraph.</p></div></content>
  </entry>
  <entry>
    <title>Plain text</title>
    <id>tag:news.example.net,2024:2</id>
    <published>2024-04-02T09:00:00+02:00</published>
    <content type="text">Text with a &lt;tag&gt; that is only text.</content>
  </entry>
</feed>
"""


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def read(path: Path) -> tuple[list[Article], Report]:
    report = Report()
    return list(read_articles([path], report=report)), report


def test_feed_reads_rss_items(tmp_path: Path) -> None:
    path = tmp_path / "herald.rss"
    path.write_text(RSS, encoding="utf-8")
    articles, report = read(path)
    full, summary, plain = articles
    assert [a.id for a in articles] == [
        "herald-001",
        "https://www.cityherald.example/summary",
        "herald:3",
    ]
    assert full.text.startswith("The council approved") and "Second paragraph" in full.text
    assert "teaser" not in full.text and "<p>" not in full.text
    assert full.title == "Budget approved"
    assert full.url == "https://www.cityherald.example/budget"
    assert full.published == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert (full.author, full.source, full.lang) == ("Jane Doe", "City Herald", "en")
    assert full.origin == Origin(str(path), 1)
    assert paragraphs(summary.text) == ["A short summary.", "Two."]
    assert plain.text == "No link and no guid, plain words."
    assert plain.published is None
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (Origin(str(path), 4), "empty_text")
    assert report.counters["derived_id"] == 1
    assert report.read == 4


def test_feed_reads_atom_entries(tmp_path: Path) -> None:
    path = tmp_path / "news.atom"
    path.write_text(ATOM, encoding="utf-8")
    (first, second), report = read(path)
    assert (first.id, first.url) == ("tag:news.example.net,2024:1", "https://news.example.net/1")
    assert paragraphs(first.text) == ["First paragraph of the Atom story.", "Second paragraph."]
    assert first.published == datetime(2024, 4, 1, 8, tzinfo=UTC)
    assert (first.author, first.source) == ("John Roe", "news.example.net")
    assert second.text == "Text with a <tag> that is only text."
    assert second.published == datetime(2024, 4, 2, 7, tzinfo=UTC)
    assert report.rejected == []


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02 not xml at all", b"<rss><channel><title>cut", b"<?xml version='1.0'?>"],
)
def test_feed_malformed_feed_is_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.rss"
    path.write_bytes(content)
    articles, report = read(path)
    assert articles == []
    [rejected] = report.rejected
    assert (rejected.origin, rejected.reason) == (Origin(str(path)), "malformed_feed")
    assert rejected.detail.startswith("not a readable RSS or Atom feed (")


def test_feed_unparsed_date_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "d.rss"
    item = "<item><guid>x</guid><pubDate>someday soon</pubDate><description>Words.</description>"
    path.write_text(f"<rss version='2.0'><channel><title>T</title>{item}</item></channel></rss>")
    [article], report = read(path)
    assert article.published is None
    assert report.counters["unparsed_date"] == 1


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>One</p><p>Two <b>bold</b></p>", "One\n\nTwo bold"),
        ("<div><p>A</p>\n\n  <p>B<br>C</p></div><script>var x;</script>", "A\n\nB\n\nC"),
        ("<ul><li>first</li><li>second</li></ul>tail", "first\n\nsecond\n\ntail"),
        ("", ""),
    ],
)
def test_feed_fragment_text_keeps_paragraphs(markup: str, expected: str) -> None:
    assert fragment_text(markup) == expected
