"""Publication dates as news scrapers write them, made timezone-aware UTC datetimes.

Dates choose the representative of a copy group (the earliest article), so every date must be
comparable with every other: all are converted to UTC, and a date without a zone is taken as UTC.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

__all__ = ["parse_date"]

#: Epoch numbers at least this large are milliseconds: as seconds they would be after year 5000,
#: and as milliseconds they are after March 1973.
MS_THRESHOLD = 1e11

#: A string of digits is an epoch only from 9 digits on (after March 1973); shorter ones, such as
#: "2024", are more likely years or codes and are left unparsed rather than guessed.
_EPOCH = re.compile(r"[+-]?\d{9,}(?:\.\d+)?")

_PARSE_ERRORS = (ValueError, TypeError, IndexError, OverflowError)


def parse_date(value: object) -> datetime | None:
    """Parse ISO 8601, RFC 2822 or epoch seconds/milliseconds into an aware UTC datetime.

    Returns None for anything else (including None, booleans and empty strings), so a bad date
    never costs the article; the caller counts it.
    """
    if isinstance(value, datetime):
        return _as_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(value)
    if isinstance(value, str):
        return _from_string(value.strip())
    return None


def _from_string(text: str) -> datetime | None:
    if not text:
        return None
    if _EPOCH.fullmatch(text):
        return _from_epoch(float(text))
    for parse in (datetime.fromisoformat, parsedate_to_datetime):
        try:
            return _as_utc(parse(text))
        except _PARSE_ERRORS:
            continue
    return None


def _from_epoch(value: float) -> datetime | None:
    if not math.isfinite(value):
        return None
    seconds = value / 1000 if abs(value) >= MS_THRESHOLD else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _as_utc(moment: datetime) -> datetime | None:
    if moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # an offset that moves it past year 1 or 9999
        return None
