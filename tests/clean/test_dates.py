from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdedup.clean.dates import find_date

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date 2022-09-14 Gazprom will accept payments in yuan\nBody text.", "2022-09-14"),
        ("Thursday, September 15, 2022\nBody text follows here.", "2022-09-15"),
        ("Body.\nPublished on 3 May 2021 by the desk", "2021-05-03"),
        ("Posted: Sept. 1st, 2020\nBody", "2020-09-01"),
        ("Updated 31.12.2021 10:00\nBody", "2021-12-31"),
        ("Title\nLead\nBody with nothing\nmore\nmore\nend\n15 March 2023", "2023-03-15"),
    ],
)
def test_dates_found_where_datelines_stand(text: str, expected: str) -> None:
    found = find_date(text, now=NOW)
    assert found is not None and found.tzinfo is not None
    assert found.date().isoformat() == expected


@pytest.mark.parametrize(
    "text",
    [
        "No date here at all.",
        "Title\nLead\nThe 1996 meeting in Shanghai\nOn February 4 they met\nmore\nmore\nend",
        "Title\nLead\nmore\nIn the body, on 12 June 2019, something happened.\nmore\nmore\nend",
        "date 2099-01-01 from the future",
        "February 30, 2020 is not a day",
    ],
)
def test_dates_none_without_a_complete_dateline(text: str) -> None:
    assert find_date(text, now=NOW) is None


def test_dates_label_wins_over_edge_dates() -> None:
    text = "Filed 1 January 2020\nBody\nPublished: 2020-02-02\nend"
    found = find_date(text, now=NOW)
    assert found == datetime(2020, 2, 2, tzinfo=UTC)
