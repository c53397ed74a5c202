"""The plain-record path of ``to_article`` decides every record as the generic ``_build`` does."""

from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from newsdedup.read.compression import Source
from newsdedup.read.fields import ALIASES, DEFAULT_FIELDS, FieldMap, _build, _Unusable, to_article
from newsdedup.report import Report
from newsdedup.types import Article, Rejected

SOURCE = Source(path=Path("dir/feed.jsonl"), name="dir/feed.jsonl")

# Every name a default or hand-set FieldMap tries, and one no map uses.
NAMES = sorted({n for names in ALIASES.values() for n in names} | set(DEFAULT_FIELDS.__slots__))
NAMES += ["headline", "body", "other"]

BLANKS = ["", " ", "\t\n", "\u3000", "\u00a0", "\u2003 ", "\x1c", "\x85"]
VALUES = st.one_of(
    st.none(),
    st.sampled_from(BLANKS),
    st.text(max_size=8),
    st.sampled_from(["2024-01-15", "2020-01-07T20:48:50+00:00", "Tue, 10 Jun 2003 04:02:03 GMT"]),
    st.sampled_from(["1700000000", "1700000000123", "not a date", " 2024-02-03 "]),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.floats(allow_nan=True),
    st.booleans(),
    st.binary(max_size=6),
    st.sampled_from([b"", b"  ", b"\xff", b"ok"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
RECORDS = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=9)
FIELD_MAPS = st.one_of(
    st.just(DEFAULT_FIELDS),
    st.builds(
        FieldMap,
        text=st.sampled_from(["text", "body", "maintext"]),
        title=st.sampled_from(["title", "headline"]),
        date=st.sampled_from(["published", "date"]),
        id=st.sampled_from(["id", "uuid"]),
    ),
)


def generic(record: dict[str, Any], fields: FieldMap, line: int, report: Report) -> object:
    """``to_article`` as it was before the plain path: ``_build`` alone."""
    try:
        return _build(record, fields, SOURCE, line, report, None)
    except _Unusable as exc:
        return Rejected(origin=SOURCE.origin(line), reason=exc.reason, detail=exc.detail)


@given(st.lists(RECORDS, max_size=12), FIELD_MAPS)
def test_plain_path_equals_generic_build(records: list[dict[str, Any]], fields: FieldMap) -> None:
    fast, slow = Report(), Report()
    for line, record in enumerate(records, 1):
        got = to_article(record, fields=fields, source=SOURCE, line=line, report=fast)
        assert got == generic(record, fields, line, slow)
        assert isinstance(got, Article | Rejected)
    assert list(fast.counters.items()) == list(slow.counters.items())  # same counts, same order


@given(st.text(alphabet=st.sampled_from([" ", "\u3000", "\x85", "\x1f", "a", "\u200b"])))
def test_isspace_tells_blank_as_strip_does(value: str) -> None:
    assert (not value or value.isspace()) == (not value.strip())


def test_plain_path_follows_the_field_map_of_each_call() -> None:
    record = {"text": "a", "body": "b", "uuid": "u", "id": "i"}
    by_hand = FieldMap(text="body", id="uuid")
    for fields, text, doc_id in [(DEFAULT_FIELDS, "a", "i"), (by_hand, "b", "u")] * 2:
        article = to_article(record, fields=fields, source=SOURCE, line=1, report=Report())
        assert isinstance(article, Article)
        assert (article.text, article.id) == (text, doc_id)
