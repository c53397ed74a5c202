"""Publication dates written in the text itself, for articles whose record carries none.

Scraped text often keeps its dateline ("date 2022-09-14", "Thursday, September 15, 2022",
"Published 15 Sept 2022"). Only complete dates (day, month and year) count, and a dateline is
looked for where datelines stand: in the first and last lines, or after a word such as
"published" near either end. Dates in the body ("a 1996 meeting", "on February 4") are history,
not datelines.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["MONTHS", "find_date"]

#: English month names and abbreviations -> month number; relate/facts.py and
#: relate/crossfacts.py read them from here.
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_FORMS = (
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b(?P<day>[0-3]?\d)\.(?P<mnum>[01]?\d)\.{_YEAR}\b"),
)
_LABEL = re.compile(
    r"\b(date|dated|published|posted|updated|released|issued)\b\W{0,3}(on\s+)?", re.IGNORECASE
)
_EDGE_LINES = 3  # a dateline stands in the first or last this many lines
_EDGE_CHARS = 1000  # or, after a label, within this many characters of either end
_LABEL_REACH = 40  # characters after a label within which its date must start


def find_date(text: str, *, now: datetime | None = None) -> datetime | None:
    """The publication date written in ``text`` (UTC midnight), or None when it names none.

    A labelled date near either end ("Published on 3 May 2021") wins; then the first complete
    date in the first or last lines. Dates after ``now`` (default: today) are ignored.
    """
    limit = now or datetime.now(UTC)
    edges_text = (
        text if len(text) <= 2 * _EDGE_CHARS else f"{text[:_EDGE_CHARS]}\n{text[-_EDGE_CHARS:]}"
    )
    for label in _LABEL.finditer(edges_text):
        span = edges_text[label.end() : label.end() + _LABEL_REACH]
        found = _first_date(span, limit, anchored=True)
        if found is not None:
            return found
    lines = [line for line in text.splitlines() if line.strip()]
    edges = lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]
    for line in edges:
        found = _first_date(line, limit, anchored=False)
        if found is not None:
            return found
    return None


def _first_date(span: str, limit: datetime, *, anchored: bool) -> datetime | None:
    best: tuple[int, datetime] | None = None
    for form in _FORMS:
        for m in form.finditer(span):
            if anchored and m.start() > _LABEL_REACH // 2:
                break
            value = _value(m)
            if value is not None and value <= limit and (best is None or m.start() < best[0]):
                best = (m.start(), value)
            break
    return None if best is None else best[1]


def _value(m: re.Match[str]) -> datetime | None:
    parts = m.groupdict()
    month = int(parts["mnum"]) if parts.get("mnum") else MONTHS[parts["month"].lower()]
    try:
        return datetime(int(parts["year"]), month, int(parts["day"]), tzinfo=UTC)
    except ValueError:
        return None
