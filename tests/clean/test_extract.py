"""Main-text and metadata extraction from HTML (clean/extract.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdedup.config import EXTRACTORS
from newsdedup.errors import ConfigError

pytest.importorskip("trafilatura")

from newsdedup.clean.extract import extract_html, html_text

PARAGRAPHS = [
    "The city council voted on Tuesday to rebuild the old harbour bridge, ending a debate that "
    "had lasted for more than a decade and divided the neighbourhoods on either bank.",
    "Engineers told the council that the steel frame of the bridge, built in 1911, could no "
    "longer carry the weight of modern delivery lorries without costly daily inspections.",
    "Residents of the east bank, who cross the river every morning to reach the markets, said "
    "they welcomed the decision but feared two years of detours while the work goes on.",
    "The mayor promised a free ferry service during the closure and said the new bridge would "
    "have a protected cycle lane, wider pavements and lighting along its whole length.",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Council votes to rebuild harbour bridge | The Harbour Times</title>
<meta property="og:title" content="Council votes to rebuild harbour bridge">
<meta property="og:site_name" content="The Harbour Times">
<meta name="author" content="Jane Rivers">
<link rel="canonical" href="https://harbourtimes.example/news/bridge-vote">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle",
  "headline": "Council votes to rebuild harbour bridge",
  "datePublished": "2024-03-05T14:30:00+01:00",
  "author": {{"@type": "Person", "name": "Jane Rivers"}},
  "publisher": {{"@type": "Organization", "name": "The Harbour Times"}}}}
</script>
</head>
<body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather forecast today</a></li></ul></nav>
<div class="ad banner">Advertisement: Buy cheap flights to anywhere now with FlyFast</div>
<main><article>
<h1>Council votes to rebuild harbour bridge</h1>
<p class="byline">By Jane Rivers</p>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article></main>
<aside class="sidebar ad"><p>Sponsored: the best mattresses of the year, reviewed</p></aside>
<footer><p>Copyright 2024 The Harbour Times. All rights reserved. Privacy policy. Contact us.</p>
</footer>
</body>
</html>"""

#: A page whose content is drawn by a script: markup and images, no text at all.
NO_ARTICLE = """<html><head><title>Gallery</title><script>var a = "data";</script></head><body>
<div id="app"></div><img src="a.jpg" alt=""><img src="b.jpg"><script>render("app")</script>
<style>body { color: red }</style></body></html>"""


def _extractors() -> list[str]:
    return [pytest.param(n, marks=_needs(n)) for n in EXTRACTORS]  # type: ignore[misc]


def _needs(name: str) -> list[pytest.MarkDecorator]:
    if name != "readability":
        return []
    try:
        import readability  # noqa: F401
    except ImportError:
        return [pytest.mark.skip(reason="readability-lxml is not installed")]
    return []


@pytest.mark.parametrize("extractor", _extractors())
def test_extract_keeps_paragraphs_and_drops_navigation(extractor: str) -> None:
    found = extract_html(PAGE, url="https://harbourtimes.example/b?utm=1", extractor=extractor)
    assert found is not None
    body = [p for p in found.text.split("\n\n") if p in PARAGRAPHS]
    assert body == PARAGRAPHS
    for chrome in ("Home", "Weather forecast", "Copyright", "FlyFast", "mattresses"):
        assert chrome not in found.text


@pytest.mark.parametrize("extractor", _extractors())
def test_extract_metadata(extractor: str) -> None:
    found = extract_html(PAGE.encode(), url="https://harbourtimes.example/b", extractor=extractor)
    assert found is not None
    assert found.title == "Council votes to rebuild harbour bridge"
    assert found.author == "Jane Rivers"
    assert found.site == "The Harbour Times"
    assert found.url == "https://harbourtimes.example/news/bridge-vote"
    assert found.language == "en"
    assert found.published == datetime(2024, 3, 5, 13, 30, tzinfo=UTC)
    assert found.published.utcoffset() is not None


def test_extract_text_leaves_out_the_title() -> None:
    found = extract_html(PAGE)
    assert found is not None
    assert not found.text.startswith("Council votes")


@pytest.mark.parametrize("extractor", _extractors())
def test_extract_page_without_article_is_none(extractor: str) -> None:
    assert extract_html(NO_ARTICLE, extractor=extractor) is None


@pytest.mark.parametrize(
    "html",
    [
        "",
        b"",
        "<<<>>>",
        b"\x00\xff\xfe<html><body><p>half",
        "<html><body><div><p>unclosed <b>tags " + "word " * 50,
        "plain text, no markup at all",
    ],
)
@pytest.mark.parametrize("extractor", _extractors())
def test_extract_broken_html_does_not_raise(html: str | bytes, extractor: str) -> None:
    found = extract_html(html, extractor=extractor)
    assert found is None or found.text.strip()


def test_extract_unknown_extractor_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="trafilatura-recall"):
        extract_html(PAGE, extractor="goose")


def test_extract_html_text_one_line_per_block() -> None:
    fragment = "<div><p>One <b>two</b></p><p>three</p><script>x()</script>four<br>five</div>"
    assert html_text(fragment) == "One two\nthree\nfour\nfive"
