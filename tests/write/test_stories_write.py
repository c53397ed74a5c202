from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest

from newsdedup.types import Story, StoryResult
from newsdedup.write.stories import write_assignments, write_stories
from newsdedup.write.story_report import sparkline, story_report_html, write_story_report

EVIL = '<img src=x onerror="alert(1)">'


def _result() -> StoryResult:
    big = Story(
        id="s1",
        label=("Samarkand", "SCO", EVIL),
        headline=f"Putin meets Xi {EVIL}",
        first_seen=datetime(2022, 9, 14, tzinfo=UTC),
        last_seen=datetime(2022, 9, 16, tzinfo=UTC),
        members=("a", "b", "c"),
        groups=("g1", "g2"),
        sources=("cnn.com", EVIL),
        timeline=(("2022-09-14", 2), ("2022-09-16", 1)),
    )
    small = Story(
        id="s2",
        label=("Moscow",),
        headline=None,
        first_seen=None,
        last_seen=None,
        members=("d",),
        groups=("g3",),
        sources=(),
        timeline=(),
    )
    return StoryResult(
        stories=(small, big),
        story_of={"a": "s1", "b": "s1", "c": "s1", "d": "s2"},
        group_of={"a": "g1", "b": "g1", "c": "g2", "d": "g3"},
    )


def test_stories_write_every_document_once(tmp_path: Path) -> None:
    out = tmp_path / "docs.jsonl"
    assert write_assignments(_result(), out) == 4
    rows = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert rows[0] == {"id": "a", "group": "g1", "story": "s1", "topic": None}
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_stories_write_records_biggest_first(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"stories{suffix}"
    assert write_stories(_result().stories, out) == 2
    if suffix == ".jsonl":
        rows = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    else:
        rows = pq.read_table(out).to_pylist()
    assert [r["id"] for r in rows] == ["s1", "s2"]
    assert rows[0]["size"] == 3 and rows[0]["label"][:2] == ["Samarkand", "SCO"]
    assert rows[0]["timeline"] == [
        {"day": "2022-09-14", "articles": 2},
        {"day": "2022-09-16", "articles": 1},
    ]


def test_stories_report_escapes_and_orders(tmp_path: Path) -> None:
    page = story_report_html(_result(), titles={"a": f"<b>{EVIL}</b>"})
    assert "<img" not in page and "&lt;img" in page and "<b>" not in page
    assert page.index('id="s1"') < page.index('id="s2"')
    assert "<summary>1 copy group</summary>" in page  # g1 holds a and b
    assert "3 articles · 2 voices" in page and "2 sources: cnn.com" in page
    assert "1 article · 1 voice · undated" in page and "0 sources</div>" in page
    assert page.count("<svg") == 1  # s2 has no timeline
    out = tmp_path / "report.html"
    write_story_report(_result(), out, limit=1)
    text = out.read_text(encoding="utf-8")
    assert 'id="s2"' not in text and "1 smaller story not shown" in text


def test_stories_sparkline_spans_the_days() -> None:
    svg = sparkline((("2022-09-14", 2), ("2022-09-16", 1)))
    assert svg.count("<rect") == 2
    assert 'height="28.0"' in svg and 'height="14.0"' in svg
    assert sparkline(()) == ""
    assert sparkline((("2022-09-14", 3),)) == ""  # one day: flat, not drawn
    assert sparkline((("2022-09-14", 2), ("2022-09-15", 2))) == ""
    assert sparkline((("2022-09-14", 2), ("2022-09-16", 2))).count("<rect") == 2  # a gap
