"""Which record fields hold an article's parts, and turning one parsed record into an Article.

JSONL, CSV and Parquet records all become a mapping of field names to values first; this module
is the one place that decides what such a record means, so every format accepts the same field
names and rejects a record for the same reasons. A field the map requires (the text, and any
name set by hand) that matches no field of a file's header, schema or first records is an
InputError naming the option and the fields there (``check_fields``): a misspelt option would
otherwise reject every record one by one.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from newsdedup.clean.timestamps import parse_date
from newsdedup.config import ReadConfig
from newsdedup.errors import InputError, invalid_param
from newsdedup.read.compression import Source
from newsdedup.report import Report
from newsdedup.types import Article, Rejected

__all__ = [
    "ALIASES",
    "DEFAULT_FIELDS",
    "PROBE_RECORDS",
    "FieldMap",
    "check_fields",
    "probe_fields",
    "to_article",
]

#: Names news scrapers use (news-please, Common Crawl news dumps, CMS exports), tried in this order
#: after the default name when a field is left at its default.
ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "id": ("doc_id", "uuid", "url"),
        "text": ("maintext", "content", "body", "article"),
        "title": ("headline",),
        "date": ("date", "date_publish", "published_at", "pubdate", "datetime"),
        "url": (),
        "source": ("source_domain", "domain", "site", "site_name"),
    }
)

_SHOWN_KEYS = 30  # at most this many of a record's fields are listed in a missing_field detail

#: Records of a file without a header (JSON Lines) whose fields a required field must be among.
PROBE_RECORDS = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldMap:
    """The record field that holds each part of an article.

    A field left at its default also accepts the names in ``ALIASES``, so most scraper output reads
    without options. A name you set yourself must be present in every record: a record without it
    is rejected with ``missing_field``, since a wrong mapping should not pass unnoticed.
    """

    # the defaults are ReadConfig's, where Config keeps them (documented there)
    id: str = ReadConfig.id
    text: str = ReadConfig.text
    title: str = ReadConfig.title
    date: str = ReadConfig.date
    url: str = ReadConfig.url
    source: str = ReadConfig.source

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, str) or not value:
                raise invalid_param(f.name, "FieldMap", "a non-empty field name", value)

    @classmethod
    def of(cls, read: ReadConfig) -> FieldMap:
        """The field names of ``Config.read``."""
        return cls(**{f.name: getattr(read, f.name) for f in dataclasses.fields(cls)})

    def is_default(self, part: str) -> bool:
        return bool(getattr(self, part) == _DEFAULTS[part])

    def names(self, part: str) -> tuple[str, ...]:
        """The record fields tried for ``part``, in order."""
        given: str = getattr(self, part)
        return (given, *ALIASES[part]) if self.is_default(part) else (given,)

    def columns(self, available: Collection[str]) -> list[str]:
        """The fields among ``available`` that reading may use (Parquet reads only these)."""
        wanted = (name for part in _PARTS for name in self.names(part))
        return list(dict.fromkeys(name for name in wanted if name in available))


#: The FieldMap used when none is given.
DEFAULT_FIELDS = FieldMap()

_DEFAULTS: dict[str, str] = dataclasses.asdict(DEFAULT_FIELDS)
_PARTS: tuple[str, ...] = tuple(_DEFAULTS)

#: What each part holds, for messages.
_HOLDS = {
    "id": "the document id",
    "text": "the article text",
    "title": "the title",
    "date": "the publication date",
    "url": "the URL",
    "source": "the source",
}


def check_fields(
    fields: FieldMap, available: Collection[str], *, source: Source, where: str
) -> None:
    """Raise InputError when a required field (the text, or a name set by hand) is none of
    ``available``: the columns of a header or schema, or the fields of the first records
    (``where`` says which, e.g. "the header")."""
    missing = [
        (part, names)
        for part, names, required in _lookups(fields)
        if required and not any(name in available for name in names)
    ]
    if missing:
        problems = "; ".join(_no_field(fields, part, names) for part, names in missing)
        raise InputError(
            f"{problems}. Fields in {where}: {_listed(list(available)) or 'none'}. Name the "
            "field that holds each part with its option (--text-field, --date-field..., or "
            "FieldMap), or leave an option out for its default names.",
            origin=source.origin(),
        )


def _no_field(fields: FieldMap, part: str, names: tuple[str, ...]) -> str:
    option = f"--{part}-field"
    if fields.is_default(part):
        return f"no field holds {_HOLDS[part]} (tried {', '.join(names)}; set {option})"
    return f"{option} {names[0]!r} (FieldMap.{part}) matches no field"


def _listed(keys: Sequence[str]) -> str:
    return ", ".join(keys[:_SHOWN_KEYS]) + (", ..." if len(keys) > _SHOWN_KEYS else "")


_Record = tuple[int, Mapping[str, Any]] | Rejected  # a parsed record and its line, or why not


def probe_fields(records: Iterable[_Record], fields: FieldMap, source: Source) -> Iterator[_Record]:
    """``records`` unchanged, once the fields of the first ``PROBE_RECORDS`` of them (or all,
    when fewer) were checked by ``check_fields``; rejected lines pass and are not counted."""
    held: list[_Record] = []
    keys: dict[str, None] = {}
    seen = 0
    it = iter(records)
    for item in it:
        held.append(item)
        if not isinstance(item, Rejected):
            keys.update(dict.fromkeys(item[1]))
            seen += 1
            if seen == PROBE_RECORDS:
                break
    if seen:
        where = f"its first {seen} records" if seen > 1 else "its first record"
        check_fields(fields, list(keys), source=source, where=where)
    yield from held
    yield from it


_Picked = tuple[str, Any] | None  # (field name, value) as found in the record, or nothing


class _Unusable(Exception):
    """Raised inside this module when a record cannot become an Article."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def to_article(
    record: Mapping[str, Any],
    *,
    fields: FieldMap,
    source: Source,
    line: int,
    report: Report,
    keys: Sequence[str] | None = None,
) -> Article | Rejected:
    """Map one parsed record to an Article, or say why it cannot be one.

    ``line`` is the record's line (or row); ``keys`` lists the record's fields for messages when
    ``record`` holds only some of them (Parquet reads only the columns it needs).
    """
    last = _last_plan  # one read: another thread may replace it
    plan = last[1] if last[0] is fields else _remember_plan(fields)
    article = _plain(record, plan, source, line, report)
    if article is not None:
        return article
    try:
        return _build(record, fields, source, line, report, keys)
    except _Unusable as exc:
        return Rejected(origin=source.origin(line), reason=exc.reason, detail=exc.detail)


_Plan = tuple[tuple[tuple[str, ...], bool, tuple[type, ...]], ...]


@functools.cache
def _plan(fields: FieldMap) -> _Plan:
    """Per part, in ``_PARTS`` order: the names to try, whether a plain record must have a
    value, and the types of value ``_plain`` takes (a date: whatever ``parse_date`` reads)."""
    kinds = {"date": (str, int, float)}
    return tuple(
        (names, required, kinds.get(part, (str,))) for part, names, required in _lookups(fields)
    )


def _remember_plan(fields: FieldMap) -> _Plan:
    """``_plan(fields)``, kept with ``fields`` for the next call: hashing a FieldMap for the
    cache costs 0.28 us, 2% of reading an article (measured)."""
    global _last_plan
    plan = _plan(fields)
    _last_plan = (fields, plan)
    return plan


_last_plan: tuple[FieldMap | None, _Plan] = (None, ())


def _plain(
    record: Mapping[str, Any], plan: _Plan, source: Source, line: int, report: Report
) -> Article | None:
    """The Article of a plain record, else None for ``_build`` to decide. Read per article, so
    it is written out: ``_build``'s calls were half its time (profiled).

    Plain: for each part, the first non-blank value (``_pick``'s choice) is a str (a date
    also an int or float), or there is none and the part is optional. ``isspace`` tests blank
    as ``not strip()`` does, without copying the text.
    """
    values: list[Any] = []
    for names, required, kinds in plan:
        value = None
        for name in names:
            value = record.get(name)
            if value is not None and (type(value) is not str or (value and not value.isspace())):
                break
            value = None  # absent or blank: _pick goes on to the next name
        if (value is None and required) or (value is not None and type(value) not in kinds):
            return None
        values.append(value)
    doc_id, text, title, date, url, site = values
    if doc_id is None:
        report.count("derived_id")
        doc_id = f"{source.stem}:{line}"
    published = None if date is None else parse_date(date)
    if published is None and date is not None:
        report.count("unparsed_date")
    origin = source.origin(line)
    return Article(
        id=doc_id, text=text, title=title, url=url, source=site, published=published, origin=origin
    )


@functools.cache
def _lookups(fields: FieldMap) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """Per part: the names to try and whether a record must have one (computed once per map)."""
    required = {part: part == "text" or not fields.is_default(part) for part in _PARTS}
    return tuple((part, fields.names(part), required[part]) for part in _PARTS)


def _build(
    record: Mapping[str, Any],
    fields: FieldMap,
    source: Source,
    line: int,
    report: Report,
    keys: Sequence[str] | None,
) -> Article:
    picked = {part: _pick(record, names, must, keys) for part, names, must in _lookups(fields)}
    text = _text(picked["text"])
    doc_id = _id(picked["id"], source, line, report)
    return Article(
        id=doc_id,
        text=text,
        title=_optional("title", picked["title"], report),
        url=_optional("url", picked["url"], report),
        source=_optional("source", picked["source"], report),
        published=_date(picked["date"], report),
        origin=source.origin(line),
    )


def _pick(
    record: Mapping[str, Any], names: tuple[str, ...], required: bool, keys: Sequence[str] | None
) -> _Picked:
    """The first of ``names`` with a non-blank value, else the first present, else None."""
    first: _Picked = None
    for name in names:
        if name in record:
            value = record[name]
            if not _blank(value):
                return name, value
            first = first or (name, value)
    if first is None and required:
        raise _Unusable("missing_field", _missing_detail(names, keys or list(record)))
    return first


def _missing_detail(names: tuple[str, ...], keys: Sequence[str]) -> str:
    tried = f" (also tried: {', '.join(names[1:])})" if len(names) > 1 else ""
    has = f"the record has: {_listed(keys)}" if keys else "the record has no fields"
    return f"no field {names[0]!r}{tried}; {has}"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str | bytes) and not value.strip())


def _decoded(name: str, value: object) -> object:
    if not isinstance(value, bytes):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        detail = f"field {name!r} is not valid UTF-8 (byte {exc.start}: {exc.reason})"
        raise _Unusable("invalid_utf8", detail) from None


def _text(picked: _Picked) -> str:
    assert picked is not None  # _pick raises missing_field for text
    name, value = picked[0], _decoded(*picked)
    if value is None:
        raise _Unusable("empty_text", f"field {name!r} is null")
    if not isinstance(value, str):
        raise _Unusable("bad_field", f"field {name!r} must be a string, got {_kind(value)}")
    if not value.strip():
        raise _Unusable("empty_text", f"field {name!r} is empty or only whitespace")
    return value


def _id(picked: _Picked, source: Source, line: int, report: Report) -> str:
    """The record's id as a string; a record without one gets "<stem>:<line>" (counted)."""
    if picked is None or _blank(picked[1]):
        report.count("derived_id")
        return f"{source.stem}:{line}"
    name, value = picked[0], _decoded(*picked)
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    detail = f"field {name!r} must be a string or an integer, got {_kind(value)}"
    raise _Unusable("bad_field", detail)


def _optional(part: str, picked: _Picked, report: Report) -> str | None:
    """A title, url or source; a value that is not a string is dropped and counted."""
    if picked is None or _blank(picked[1]):
        return None
    if isinstance(picked[1], str):
        return picked[1]
    report.count(f"ignored_{part}")
    return None


def _date(picked: _Picked, report: Report) -> datetime | None:
    if picked is None or _blank(picked[1]):
        return None
    published = parse_date(picked[1])
    if published is None:
        report.count("unparsed_date")
    return published


def _kind(value: object) -> str:
    """The type of a value in JSON terms, which is what most inputs were."""
    if isinstance(value, Mapping):
        return "an object"
    names = {bool: "a boolean", int: "a number", float: "a number", list: "an array"}
    return names.get(type(value), type(value).__name__)
