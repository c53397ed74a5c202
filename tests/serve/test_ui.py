"""The server-rendered pages: what they show for the seeds, that every figure is the one the
other views give for the same pair, and that article text is escaped everywhere."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from newsdedup.relate.compare import compare
from newsdedup.serve.charts import daily, day_counts, outlet_timeline, sparkline, timeline_chart
from newsdedup.serve.ui import snippet
from newsdedup.store.contract import StoredArticle
from newsdedup.types import Article

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

pytest.importorskip("fastapi", reason="needs the serve extra")

EVIL_TITLE = "<script>alert('title')</script>"
EVIL_TEXT = 'Budget "><img src=x onerror=alert(1)> passed <script>alert("text")</script> today.'
EVIL_SOURCE = "<b onmouseover=alert(2)>src</b>"
EVIL_ID = "evil<i>d"


def _story_of(client: TestClient, article_id: str) -> str:
    story: str = client.get(f"/articles/{article_id}").json()["story"]
    return story


def _block(html: str, tag: str, attr: str, value: str) -> str:
    """The element ``<tag attr="value" ...>...</tag>`` (not nested in one of its kind)."""
    found = re.search(rf'<{tag} [^>]*{attr}="{re.escape(value)}"[^>]*>.*?</{tag}>', html, re.S)
    assert found is not None, f"no <{tag} {attr}={value!r}>"
    return found.group(0)


def _attrs(tag_html: str) -> dict[str, str]:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag_html))


def _copy_of(client: TestClient, seed_ids: dict[str, str], **fields: Any) -> str:
    """Posts a copy of 000 with 3,000 changed to 3,500 (a copy of the copy); returns its id."""
    text = client.get(f"/articles/{seed_ids['000']}").json()["text"].replace("3,000", "3,500")
    record = {"id": "copy-of-000", "text": text, "title": "A copy of the copy", **fields}
    assert client.post("/articles", json=record).status_code == 200
    return "copy-of-000"


def test_ui_root_redirects_to_the_stories_page(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/ui/"


def test_ui_stories_page_counts_sources_once_and_hides_flat_sparklines(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    html = seeded.get("/ui/").text
    big = _story_of(seeded, seed_ids["000"])
    small = _story_of(seeded, seed_ids["002"])
    recent = html.split('id="recent"')[1].split('id="biggest"')[0]
    row = _block(recent, "li", "data-story", big)
    members = [seeded.get(f"/articles/{seed_ids[k]}").json() for k in ("000", "001", "003", "004")]
    sources = {a["source"] for a in members}
    assert 'data-size="4"' in row and ">4 articles<" in row
    assert f">{len(sources)} sources<" in row
    assert '<svg class="spark"' in row  # its days differ: a line worth drawing
    lone = _block(recent, "li", "data-story", small)
    assert ">1 article<" in lone and ">1 source<" in lone and ">1 voice<" in lone
    assert "<svg" not in lone  # one day: a flat line, hidden
    # the label is a list of its own, never run into the dates
    when = re.search(r'<span class="when">([^<]*)</span>', row)
    assert when is not None and re.fullmatch(r"[\d: -]+ \u2013 [\d: -]+", when.group(1))
    assert re.search(r'</span>\s*</div>\s*<ul class="label"', row)
    biggest = html.split('id="biggest"')[1]
    assert biggest.index(big) < biggest.index(small)


def test_ui_stories_page_filters_and_pages(seeded: TestClient, seed_ids: dict[str, str]) -> None:
    assert '<p class="summary">2 stories</p>' in seeded.get("/ui/").text
    source = seeded.get(f"/articles/{seed_ids['003']}").json()["source"]
    html = seeded.get("/ui/", params={"source": source}).text
    assert '<p class="summary">1 story matching</p>' in html
    recent = html.split('id="recent"')[1].split('id="biggest"')[0]
    assert _story_of(seeded, seed_ids["000"]) in recent
    assert _story_of(seeded, seed_ids["002"]) not in recent
    paged = seeded.get("/ui/", params={"offset": 1}).text
    assert "2\u20132 of 2" in paged and 'rel="prev"' in paged


@pytest.mark.parametrize(("min_size", "shown"), [(1, 2), (2, 1), (4, 1), (5, 0)])
def test_ui_stories_page_filters_by_minimum_size(
    seeded: TestClient, seed_ids: dict[str, str], min_size: int, shown: int
) -> None:
    html = seeded.get("/ui/", params={"min_size": min_size}).text
    recent = html.split('id="recent"')[1].split('id="biggest"')[0]
    biggest = html.split('id="biggest"')[1]
    row = r'<li class="story" data-story="[^"]+" data-size="(\d+)"'
    sizes = [int(n) for n in re.findall(row, recent)]
    assert len(sizes) == shown and all(n >= min_size for n in sizes)
    assert biggest.count('<li class="story"') == shown
    summary = f"{shown} {'story' if shown == 1 else 'stories'}"
    assert f'<p class="summary">{summary}{" matching" if min_size > 1 else ""}</p>' in html
    assert f'name="min_size" type="number" min="1" value="{min_size}"' in html
    assert seeded.get("/ui/", params={"min_size": 0}).status_code == 422


def test_ui_stories_page_pages_through_a_minimum_size(
    seeded: TestClient, seed_ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdedup.serve import ui

    lone = seeded.get(f"/articles/{seed_ids['002']}").json()
    copies = [
        {"id": f"dup{n}", "text": lone["text"], "published": lone["published"]} for n in range(2)
    ]
    assert seeded.post("/articles", json=copies).status_code == 200
    assert _story_of(seeded, "dup0") == lone["story"]  # 002's story now has three articles
    monkeypatch.setattr(ui, "PAGE", 1)
    first = seeded.get("/ui/", params={"min_size": 3}).text
    second = seeded.get("/ui/", params={"min_size": 3, "offset": 1}).text
    shown = [
        re.findall(r'<li class="story" data-story="([^"]+)"', page.split('id="biggest"')[0])
        for page in (first, second)
    ]
    big = _story_of(seeded, seed_ids["000"])
    assert sorted(shown[0] + shown[1]) == sorted([big, lone["story"]])
    assert "1\u20131 of 2" in first and "2\u20132 of 2" in second
    assert 'rel="next" href="/ui/?q=&amp;source=&amp;min_size=3&amp;offset=1"' in first
    assert 'rel="prev" href="/ui/?q=&amp;source=&amp;min_size=3&amp;offset=0"' in second
    assert 'rel="next"' not in second
    assert "1 story matching" in seeded.get("/ui/", params={"min_size": 4}).text


def test_ui_story_page_marks_the_original_of_the_copy_pair(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    story = _story_of(seeded, seed_ids["000"])
    html = seeded.get(f"/ui/stories/{story}").text
    block = _block(html, "section", "data-size", "2")
    assert seed_ids["000"] in block and seed_ids["001"] in block
    assert block.count('class="badge">original<') == 1
    original = next(
        i
        for i in (seed_ids["000"], seed_ids["001"])
        if seeded.get(f"/articles/{i}").json()["original"]
    )
    assert f'<li class="member original" data-article="{original}">' in block
    assert html.count('<section class="group"') == 3
    assert '<svg class="timeline"' in html
    for key in ("000", "001", "003", "004"):
        source = seeded.get(f"/articles/{seed_ids[key]}").json()["source"]
        assert f'<span class="source">{source}</span>' in html


def test_ui_story_page_counts_undated_and_unsourced_members_apart(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    """A copy without a date or a source joins the story: it is counted, named undated and
    without a source, and drawn on no timeline."""
    text = seeded.get(f"/articles/{seed_ids['003']}").json()["text"]
    assert seeded.post("/articles", json={"id": "bare", "text": text}).status_code == 200
    story = _story_of(seeded, "bare")
    assert story == _story_of(seeded, seed_ids["003"])
    html = seeded.get(f"/ui/stories/{story}").text
    summary = html.split('<p class="summary">')[1].split("</p>")[0]
    assert ">5 articles<" in summary and ">4 sources<" in summary
    assert ">1 without a source<" in summary and ">1 undated<" in summary
    assert "outlets" not in summary
    assert html.count('<g class="outlet"') == 4
    assert re.search(r"<circle[^>]*>", _block(html, "svg", "class", "outlets"))
    assert 'data-article="bare"' not in _block(html, "svg", "class", "outlets")
    assert '<p class="undated"><span class="n-undated">1 undated</span>' in html
    days = [int(n) for n in re.findall(r"<title>[\d-]+: (\d+) articles?</title>", html)]
    assert sum(days) == 4  # the dated four, not the undated copy
    assert "Dated articles only (4 of 5)" in html
    assert html.count('<li><span class="source">') == 4
    assert '<p class="unsourced">1 article without a source.</p>' in html


def test_ui_story_page_draws_each_outlet_in_publication_order(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    html = seeded.get(f"/ui/stories/{_story_of(seeded, seed_ids['000'])}").text
    svg = _block(html, "svg", "class", "outlets")
    rows = re.findall(r'<g class="outlet" data-outlet="([^"]*)">', svg)
    members = [seeded.get(f"/articles/{seed_ids[k]}").json() for k in ("000", "001", "003", "004")]
    members.sort(key=lambda a: a["published"])
    assert rows == list(dict.fromkeys(a["source"] for a in members))
    dots = {
        a: float(x)
        for a, x in re.findall(
            r'data-article="([^"]+)"><title>.*?</title><circle[^>]* cx="([\d.]+)"', svg
        )
    }
    assert [dots[a["id"]] for a in members] == sorted(dots.values())
    assert "2022-09-14 10:00" in svg  # the first publication time on the axis


def test_ui_story_and_article_pages_draw_the_copy_family(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    """A copy of the copy hangs under the copy, and each edge carries its changed facts."""
    when = "2022-09-15T20:00:00+00:00"
    copy = _copy_of(seeded, seed_ids, source="aggregator.example", published=when)
    original, rewrite = seed_ids["001"], seed_ids["000"]
    for url in (f"/ui/articles/{rewrite}", f"/ui/stories/{_story_of(seeded, rewrite)}"):
        html = seeded.get(url).text
        figure = _block(html, "figure", "data-original", original)
        edges = {
            (s, c): body
            for s, c, body in re.findall(
                r'<g class="edge" data-source="([^"]+)" data-copy="([^"]+)">(.*?)</g>', figure, re.S
            )
        }
        assert set(edges) == {(original, rewrite), (rewrite, copy)}, url
        assert "6,000 \u2192 3,000" in edges[original, rewrite]
        assert "3,000 \u2192 3,500" in edges[rewrite, copy]
        first = re.search(r'<a [^>]*class="node([^"]*)" data-article="([^"]+)"', figure)
        assert first is not None and first.group(2) == original
        assert "likely-original" in first.group(1) and "first-published" in first.group(1)
        listed = _block(html, "li", "data-copy", copy)
        assert f'data-source="{rewrite}"' in listed and "<mark>3,000</mark>" in listed
    article = seeded.get(f"/ui/articles/{rewrite}").text
    assert re.search(rf'class="node this-article" data-article="{rewrite}"', article)


def test_ui_article_page_highlights_3000_against_6000(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    html = seeded.get(f"/ui/articles/{seed_ids['000']}").text
    marks = re.findall(r"<mark ([^>]*)>([^<]*)</mark>", html)
    facts = [_attrs(attrs) | {"shown": shown} for attrs, shown in marks]
    changed = [f for f in facts if "changed" in f.get("class", "")]
    assert {"data-side": "a", "shown": "3,000", "data-other": "6,000"}.items() <= next(
        f for f in changed if f["shown"] == "3,000"
    ).items()
    assert any(f["shown"] == "6,000" and f["data-side"] == "b" for f in changed)
    assert f'data-copy="{seed_ids["001"]}" class="chosen"' in html
    assert '<tr class="inserted">' in html and '<tr class="passage">' in html


def test_ui_article_page_figures_are_those_of_diff_compare_and_the_copy_edge(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    """One pair, one figure per measure: passage coverage is /diff's (the same alignment as
    ``newsdedup diff``), aligned bigram coverage is compare's on the stored (cleaned) texts
    and the copy edge's stored scores; each is labelled by its own name."""
    a, b = seed_ids["000"], seed_ids["001"]
    html = seeded.get(f"/ui/articles/{a}").text
    diff = seeded.get("/diff", params={"a": a, "b": b}).json()
    passage = _attrs(re.search(r'<dd class="passage"[^>]*>', html).group(0))  # type: ignore[union-attr]
    assert (float(passage["data-a"]), float(passage["data-b"])) == pytest.approx(
        (diff["coverage_a"], diff["coverage_b"]), abs=1e-4
    )
    stored = [seeded.get(f"/articles/{i}").json() for i in (a, b)]
    figures = compare(*(Article(id=s["id"], text=s["text"]) for s in stored)).scores
    bigram = _attrs(re.search(r'<dd class="bigram"[^>]*>', html).group(0))  # type: ignore[union-attr]
    assert float(bigram["data-a"]) == pytest.approx(figures["coverage_a"], abs=1e-4)
    assert float(bigram["data-b"]) == pytest.approx(figures["coverage_b"], abs=1e-4)
    edge = next(c for c in seeded.get(f"/articles/{b}/copies").json()["copies"] if c["id"] == a)
    assert float(bigram["data-a"]) == pytest.approx(edge["scores"]["coverage_a"], abs=1e-4)
    cell = re.search(rf'<tr data-copy="{b}"[^>]*>.*?(<td class="num bigram"[^>]*>)', html, re.S)
    assert cell is not None
    row = _attrs(cell.group(1))
    assert (row["data-a"], row["data-b"]) == (bigram["data-a"], bigram["data-b"])
    assert "<dt>passage coverage</dt>" in html and "<dt>aligned bigram coverage</dt>" in html
    assert f"in {len(diff['passages'])} aligned passage" in html
    assert "measured on the cleaned text" in html
    assert ">coverage<" not in html  # no bare, ambiguous "coverage" label


def test_ui_article_page_compares_with_a_chosen_article(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    html = seeded.get(f"/ui/articles/{seed_ids['003']}", params={"against": seed_ids["004"]}).text
    assert 'id="diff"' in html and "fact changed" not in html
    assert "figure" not in html.split("<h2>Copies</h2>")[1].split("<form")[0]  # no family
    none = seeded.get(f"/ui/articles/{seed_ids['003']}", params={"against": "ghost"}).text
    assert "No article with id <code>ghost</code>" in none


def test_ui_search_page_shows_snippet_source_and_date(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    html = seeded.get("/ui/search", params={"q": "square kilometers"}).text
    hits = set(re.findall(r'<li class="hit" data-article="([^"]+)"', html))
    assert hits >= {seed_ids["000"], seed_ids["001"]}
    hit = _block(html, "li", "data-article", seed_ids["000"])
    stored = seeded.get(f"/articles/{seed_ids['000']}").json()
    assert f'<span class="source">{stored["source"]}</span>' in hit
    day = datetime.fromisoformat(stored["published"]).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    assert f'<span class="date">{day}</span>' in hit
    found = re.search(r'<p class="snippet">(.*?)</p>', hit, re.S)
    assert found is not None and "<mark>square kilometers</mark>" in found.group(1)
    assert "3,000" in found.group(1)
    assert "No article contains" in seeded.get("/ui/search", params={"q": "zzyzx"}).text
    assert seeded.get("/ui/search").status_code == 200


def test_ui_snippet_cuts_at_words_and_falls_back_to_a_word() -> None:
    text = "alpha beta gamma\n\n delta " + "filler " * 40 + "Omega Point here " + "tail " * 40
    s = snippet(text, "omega   point", width=30)
    assert s.match == "Omega Point" and s.cut_start and s.cut_end
    assert not s.before.startswith(" ") and s.before.endswith(" ") and "\n" not in s.before
    assert len(s.before) <= 31 and len(s.after) <= 31
    word = snippet(text, "blank point", width=30)  # no phrase: its longest word found
    assert word.match == "Point"
    none = snippet("short text", "absent")
    assert (none.match, none.after, none.cut_end) == ("", "short text", False)
    head = snippet(text, "alpha", width=30)
    assert head.before == "" and not head.cut_start


@pytest.mark.parametrize("url", ["/ui/stories/nope", "/ui/articles/nope"])
def test_ui_unknown_ids_are_404_pages(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "<code>nope</code>" in response.text


def test_ui_escapes_untrusted_article_fields_on_every_page(client: TestClient) -> None:
    evil = [
        {
            "id": EVIL_ID,
            "title": EVIL_TITLE,
            "text": EVIL_TEXT,
            "source": EVIL_SOURCE,
            "url": "javascript:alert(3)",
            "published": "2022-09-14T10:00:00+00:00",
        },
        {
            "id": "copy",
            "title": EVIL_TITLE,
            "text": EVIL_TEXT.replace("today", "tonight"),
            "source": EVIL_SOURCE,
            "published": "2022-09-15T10:00:00+00:00",
        },
        {"id": "undated", "title": EVIL_TITLE, "text": EVIL_TEXT, "source": None},
    ]
    assert client.post("/articles", json=evil).status_code == 200
    story = _story_of(client, EVIL_ID)
    pages = [
        "/ui/",
        "/ui/?min_size=2",
        f"/ui/?q={EVIL_TITLE}&source={EVIL_SOURCE}",
        f"/ui/stories/{story}",
        f"/ui/articles/{EVIL_ID}",
        f"/ui/articles/{EVIL_ID}?against=copy",
        "/ui/search?q=Budget",
        f"/ui/search?q={EVIL_TITLE}",
        f"/ui/articles/copy?against={EVIL_TITLE}",
        f"/ui/stories/{EVIL_TITLE}",
    ]
    for url in pages:
        html = client.get(url).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "<b onmouseover" not in html, url
        assert "evil<i>d" not in html, url
        assert 'href="javascript:' not in html, url
        # a strict CSP holds: no inline script, no inline style attribute
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == [], url
        assert " style=" not in html and "<style" not in html, url
    article = client.get(f"/ui/articles/{EVIL_ID}").text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in article
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in article
    assert "&lt;b onmouseover=alert(2)&gt;src&lt;/b&gt;" in article
    family = _block(article, "figure", "class", "family")  # the SVG text is escaped too
    assert "&lt;b onmouseover=alert(2)&gt;src&lt;/b&gt;" in family
    timeline = client.get(f"/ui/stories/{story}").text
    drawn = _block(timeline, "svg", "class", "outlets")
    assert "&lt;b onmouseover=alert(2)&gt;src&lt;/b&gt;" in drawn


def test_ui_charts_fill_gaps_and_flag_flat_lines() -> None:
    assert daily((("2022-09-14", 1), ("2022-09-16", 2))) == [
        ("2022-09-14", 1),
        ("2022-09-15", 0),
        ("2022-09-16", 2),
    ]
    chart = timeline_chart((("2022-09-14", 1), ("2022-09-16", 2)))
    assert [b.count for b in chart.bars] == [1, 0, 2]
    assert chart.bars[2].height > chart.bars[0].height > chart.bars[1].height == 0
    assert (chart.first, chart.last, chart.peak) == ("2022-09-14", "2022-09-16", 2)
    assert not chart.flat
    assert sparkline((("2022-09-14", 3),)).flat  # one day
    assert sparkline((("2022-09-14", 2), ("2022-09-15", 2))).flat  # a level line
    assert not sparkline((("2022-09-14", 2), ("2022-09-16", 2))).flat  # a gap between
    assert sparkline(()).bars == () and sparkline(()).flat


def _member(i: str, source: str | None, when: str | None, group: str = "g") -> StoredArticle:
    published = datetime.fromisoformat(when) if when else None
    return StoredArticle(
        id=i,
        title=None,
        text="x",
        url=None,
        source=source,
        published=published,
        group=group,
        story="s",
    )


def test_ui_outlet_timeline_rows_dots_and_undated() -> None:
    members = [
        _member("a", "cnn", "2022-09-14T10:00:00+00:00"),
        _member("b", None, "2022-09-15T10:00:00+02:00", group="h"),
        _member("c", "ap", "2022-09-14T12:00:00"),  # naive: read as UTC
        _member("d", "cnn", "2022-09-16T10:00:00+00:00"),
        _member("e", "ap", None),
    ]
    assert day_counts(a.published for a in members) == (
        (("2022-09-14", 2), ("2022-09-15", 1), ("2022-09-16", 1)),
        1,
    )
    chart = outlet_timeline(members)
    assert [r.name for r in chart.rows] == ["cnn", "ap", ""]  # no source last
    xs = {d.article.id: d.x for r in chart.rows for d in r.dots}
    assert xs["a"] < xs["c"] < xs["b"] < xs["d"]
    assert chart.left <= min(xs.values()) and max(xs.values()) <= chart.right
    assert [a.id for a in chart.undated] == ["e"]
    assert {d.when for r in chart.rows for d in r.dots} >= {"2022-09-15 08:00"}  # in UTC
    labels = [t.label for t in chart.ticks]
    assert labels[0] == "2022-09-14 10:00" and labels[-1] == "2022-09-16 10:00"
    assert "09-15" in labels
    assert outlet_timeline([_member("z", "x", None)]).rows == ()
