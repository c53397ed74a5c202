from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from newsdedup.errors import ConfigError, InputError
from newsdedup.read import ALIASES, DEFAULT_FIELDS, FieldMap, read_articles
from newsdedup.read.fields import PROBE_RECORDS
from newsdedup.report import Report
from newsdedup.types import Article, Origin


def read_records(
    tmp_path: Path, records: list[dict[str, Any]], fields: FieldMap = DEFAULT_FIELDS
) -> tuple[list[Article], Report]:
    path = tmp_path / "news.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    report = Report()
    return list(read_articles([path], fields=fields, report=report)), report


def test_fields_defaults() -> None:
    assert FieldMap() == FieldMap(
        id="id", text="text", title="title", date="published", url="url", source="source"
    )


@pytest.mark.parametrize("name", ["", None, 3])
def test_fields_rejects_empty_or_non_string_names(name: Any) -> None:
    with pytest.raises(ConfigError, match="The 'text' parameter of FieldMap"):
        FieldMap(text=name)


def test_fields_is_frozen_and_keyword_only() -> None:
    fields = FieldMap()
    with pytest.raises(AttributeError):
        fields.text = "body"  # type: ignore[misc]
    with pytest.raises(TypeError):
        FieldMap("id")  # type: ignore[call-arg]


def test_fields_reads_every_part(tmp_path: Path) -> None:
    record = {
        "id": "a1",
        "text": "Body.",
        "title": "Title",
        "published": "2024-01-15",
        "url": "https://example.com/a1",
        "source": "example.com",
    }
    [article], _ = read_records(tmp_path, [record])
    assert article.id == "a1"
    assert article.text == "Body."
    assert article.title == "Title"
    assert article.published == datetime(2024, 1, 15, tzinfo=UTC)
    assert article.url == "https://example.com/a1"
    assert article.source == "example.com"


ALIAS_CASES = [(part, alias) for part, aliases in ALIASES.items() for alias in aliases]


@pytest.mark.parametrize(("part", "alias"), ALIAS_CASES)
def test_fields_default_names_fall_back_to_aliases(tmp_path: Path, part: str, alias: str) -> None:
    value = "2024-01-15" if part == "date" else f"from-{alias}"
    record: dict[str, Any] = {"text": "Body.", "id": "x"}
    record.pop(getattr(DEFAULT_FIELDS, part), None)  # the default name is absent...
    record[alias] = value  # ...so the alias is used
    [article], _ = read_records(tmp_path, [record])
    attribute = "published" if part == "date" else part
    expected = datetime(2024, 1, 15, tzinfo=UTC) if part == "date" else value
    assert getattr(article, attribute) == expected


def test_fields_alias_order_is_followed(tmp_path: Path) -> None:
    record = {"article": "fourth", "body": "third", "maintext": "first", "content": "second"}
    [article], _ = read_records(tmp_path, [record])
    assert article.text == "first"


def test_fields_default_name_wins_over_alias(tmp_path: Path) -> None:
    [article], _ = read_records(tmp_path, [{"text": "main", "maintext": "alias"}])
    assert article.text == "main"


def test_fields_blank_default_falls_back_to_filled_alias(tmp_path: Path) -> None:
    [article], _ = read_records(tmp_path, [{"text": None, "maintext": "alias", "id": ""}])
    assert article.text == "alias"


def test_fields_news_please_record(tmp_path: Path) -> None:
    record = {
        "maintext": "Body.",
        "title": "T",
        "date_publish": "2024-01-15 10:30:00",
        "source_domain": "example.com",
        "url": "https://example.com/x",
    }
    [article], report = read_records(tmp_path, [record])
    assert article.id == "https://example.com/x"  # url stands in for a missing id
    assert article.source == "example.com"
    assert article.published == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    assert report.counters["derived_id"] == 0


def test_fields_user_names_are_used(tmp_path: Path) -> None:
    fields = FieldMap(id="key", text="story", title="head", date="when", url="link", source="pub")
    record = {"key": 7, "story": "S", "head": "H", "when": 0, "link": "L", "pub": "P"}
    [article], _ = read_records(tmp_path, [record], fields)
    assert (article.id, article.text, article.title, article.url, article.source) == (
        "7",
        "S",
        "H",
        "L",
        "P",
    )
    assert article.published == datetime(1970, 1, 1, tzinfo=UTC)


def test_fields_user_names_get_no_aliases(tmp_path: Path) -> None:
    fields = FieldMap(text="story")
    records = [{"story": "S"}, {"text": "T", "maintext": "M"}]
    articles, report = read_records(tmp_path, records, fields)
    assert [a.text for a in articles] == ["S"]
    [rejected] = report.rejected
    assert rejected.reason == "missing_field"
    assert "'story'" in rejected.detail
    assert "text, maintext" in rejected.detail


@pytest.mark.parametrize("part", ["id", "title", "date", "url", "source"])
def test_fields_missing_user_field_is_rejected(tmp_path: Path, part: str) -> None:
    """A record without a field set by hand is rejected when other records have it."""
    fields = FieldMap(**{part: "custom"})
    records = [{"text": "T", "id": "a", "custom": "x"}, {"text": "T", "id": "b"}]
    articles, report = read_records(tmp_path, records, fields)
    assert len(articles) == 1
    [rejected] = report.rejected
    assert (rejected.reason, rejected.origin.line) == ("missing_field", 2)
    assert rejected.detail == "no field 'custom'; the record has: text, id"


def test_fields_missing_text_lists_names_tried_and_present(tmp_path: Path) -> None:
    _, report = read_records(tmp_path, [{"text": "T"}, {"id": "a", "headline": "H"}])
    [rejected] = report.rejected
    assert rejected.reason == "missing_field"
    assert rejected.origin.line == 2
    assert rejected.detail == (
        "no field 'text' (also tried: maintext, content, body, article); "
        "the record has: id, headline"
    )


def test_fields_missing_text_in_empty_object(tmp_path: Path) -> None:
    _, report = read_records(tmp_path, [{"text": "T"}, {}])
    assert report.rejected[0].detail.endswith("the record has no fields")


@pytest.mark.parametrize(
    ("part", "option"),
    [("date", "--date-field"), ("id", "--id-field"), ("source", "--source-field")],
)
def test_fields_option_matching_no_field_is_an_error(
    tmp_path: Path, part: str, option: str
) -> None:
    """A misspelt field option fails once, naming the option and the fields there, instead of
    rejecting every record."""
    records = [{"id": str(i), "text": "T", "pubdate": "2024-01-01"} for i in range(3)]
    with pytest.raises(InputError) as info:
        read_records(tmp_path, records, FieldMap(**{part: "pubdat"}))
    message = str(info.value)
    assert info.value.origin == Origin(str(tmp_path / "news.jsonl"))
    assert f"{option} 'pubdat' (FieldMap.{part}) matches no field" in message
    assert "Fields in its first 3 records: id, text, pubdate" in message
    assert "leave an option out for its default names" in message


def test_fields_without_any_text_field_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_records(tmp_path, [{"id": "a", "headline": "H"}, {"id": "b", "body2": "B"}])
    message = str(info.value)
    tried = "text, maintext, content, body, article"
    assert f"no field holds the article text (tried {tried}; set --text-field)" in message
    assert "Fields in its first 2 records: id, headline, body2" in message


def test_fields_probe_looks_at_the_first_hundred_records_only(tmp_path: Path) -> None:
    """The field only after the first PROBE_RECORDS records: an error (the mapping is wrong for
    what the file starts with); inside them: per-record rejects."""
    assert PROBE_RECORDS == 100
    late = [{"text": "T"}] * 100 + [{"text": "T", "pubdat": "2024-01-01"}]
    with pytest.raises(InputError, match="its first 100 records"):
        read_records(tmp_path, late, FieldMap(date="pubdat"))
    early = [{"text": "T"}] * 99 + [{"text": "T", "pubdat": "2024-01-01"}, {"text": "U"}]
    articles, report = read_records(tmp_path, early, FieldMap(date="pubdat"))
    assert len(articles) == 1 and len(report.rejected) == 100
    assert {r.reason for r in report.rejected} == {"missing_field"}


def test_fields_probe_skips_malformed_lines(tmp_path: Path) -> None:
    """Lines that are no JSON object are rejected as before and do not count as records."""
    path = tmp_path / "news.jsonl"
    path.write_bytes(b'{not json\n[1]\n{"body": "B"}\n')
    report = Report()
    assert [a.text for a in read_articles([path], report=report)] == ["B"]
    assert [r.reason for r in report.rejected] == ["malformed_json", "not_an_object"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty_text"),
        ("  \n\t ", "empty_text"),
        (None, "empty_text"),
        (42, "bad_field"),
        (["a"], "bad_field"),
        ({"a": 1}, "bad_field"),
        (True, "bad_field"),
    ],
)
def test_fields_rejects_unusable_text(tmp_path: Path, text: Any, reason: str) -> None:
    articles, report = read_records(tmp_path, [{"text": "ok"}, {"text": text}])
    assert len(articles) == 1
    [rejected] = report.rejected
    assert (rejected.reason, rejected.origin.line) == (reason, 2)
    assert "'text'" in rejected.detail


@pytest.mark.parametrize(("raw", "expected"), [("abc", "abc"), (12, "12"), (0, "0")])
def test_fields_ids_are_strings(tmp_path: Path, raw: Any, expected: str) -> None:
    [article], _ = read_records(tmp_path, [{"id": raw, "text": "T"}])
    assert article.id == expected


@pytest.mark.parametrize("raw", [1.5, True, [1], {"a": 1}])
def test_fields_rejects_bad_id(tmp_path: Path, raw: Any) -> None:
    articles, report = read_records(tmp_path, [{"id": raw, "text": "T"}])
    assert articles == []
    assert report.rejected[0].reason == "bad_field"
    assert "'id'" in report.rejected[0].detail


@pytest.mark.parametrize(
    "record", [{"text": "T"}, {"text": "T", "id": None}, {"text": "T", "id": ""}]
)
def test_fields_derives_missing_id_from_stem_and_line(
    tmp_path: Path, record: dict[str, Any]
) -> None:
    [_, second], report = read_records(tmp_path, [{"text": "x", "id": "a"}, record])
    assert second.id == "news:2"
    assert report.counters["derived_id"] == 1
    assert report.rejected == []


def test_fields_unparsed_date_is_kept_and_counted(tmp_path: Path) -> None:
    [article], report = read_records(tmp_path, [{"text": "T", "published": "someday"}])
    assert article.published is None
    assert report.counters["unparsed_date"] == 1
    assert report.rejected == []


def test_fields_empty_date_is_not_counted(tmp_path: Path) -> None:
    [article], report = read_records(tmp_path, [{"text": "T", "published": ""}])
    assert article.published is None
    assert report.counters["unparsed_date"] == 0


def test_fields_non_string_optional_value_is_dropped_and_counted(tmp_path: Path) -> None:
    record = {"text": "T", "source": {"id": None, "name": "BBC"}, "title": 5, "url": "  "}
    [article], report = read_records(tmp_path, [record])
    assert (article.source, article.title, article.url) == (None, None, None)
    assert report.counters["ignored_source"] == 1
    assert report.counters["ignored_title"] == 1
    assert report.counters["ignored_url"] == 0


def test_fields_rejected_record_is_not_counted_as_derived(tmp_path: Path) -> None:
    _, report = read_records(tmp_path, [{"text": "", "published": "junk"}])
    assert report.counters["derived_id"] == 0
    assert report.counters["unparsed_date"] == 0
