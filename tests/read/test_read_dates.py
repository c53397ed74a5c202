from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup.read import parse_date

JAN15 = datetime(2024, 1, 15, tzinfo=UTC)
JAN15_10H = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-15", JAN15),
        ("20240115", JAN15),
        ("2024-01-15T10:30:00Z", JAN15_10H),
        ("2024-01-15T10:30:00", JAN15_10H),
        ("2024-01-15 10:30:00", JAN15_10H),
        ("2024-01-15T12:30:00+02:00", JAN15_10H),
        ("2024-01-15T05:30:00-0500", JAN15_10H),
        ("  2024-01-15T10:30:00Z\n", JAN15_10H),
        ("Mon, 15 Jan 2024 10:30:00 +0000", JAN15_10H),
        ("Mon, 15 Jan 2024 11:30:00 +0100", JAN15_10H),
        ("15 Jan 2024 10:30:00 GMT", JAN15_10H),
        ("Mon, 15 Jan 2024 10:30:00 -0000", JAN15_10H),
        (1705314600, JAN15_10H),
        (1705314600.0, JAN15_10H),
        (1705314600000, JAN15_10H),
        ("1705314600", JAN15_10H),
        ("1705314600000", JAN15_10H),
        (datetime(2024, 1, 15, 10, 30), JAN15_10H),
        (datetime(2024, 1, 15, 11, 30, tzinfo=timezone(timedelta(hours=1))), JAN15_10H),
        (date(2024, 1, 15), JAN15),
    ],
)
def test_dates_parses_common_forms_to_utc(value: object, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "yesterday", "2024", "2024-13-45", True, float("nan"), 1e30, [], {}],
)
def test_dates_returns_none_for_unparseable(value: object) -> None:
    assert parse_date(value) is None


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)))
def test_dates_round_trips_iso_and_rfc2822(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC)
    assert parse_date(aware.isoformat()) == aware
    assert parse_date(format_datetime(aware)) == aware.replace(microsecond=0)


@given(st.integers(min_value=10**9, max_value=4 * 10**9))
def test_dates_reads_epoch_seconds_and_milliseconds_alike(seconds: int) -> None:
    assert parse_date(seconds) == parse_date(seconds * 1000) == datetime.fromtimestamp(seconds, UTC)
