from __future__ import annotations

import pytest

from newsdedup.relate.facts import changed_facts, unit_after
from newsdedup.relate.passages import align
from newsdedup.types import Passage

_BEFORE = "Officials in the regional capital said on a crowded briefing that the army"
_AFTER = "after a long week of heavy fighting near the border towns in the north."


def _pair(a_fact: str, b_fact: str) -> tuple[str, str]:
    return f"{_BEFORE} {a_fact} {_AFTER}", f"{_BEFORE} {b_fact} {_AFTER}"


def _changes(a_fact: str, b_fact: str) -> list[tuple[str, str, str, str | None]]:
    a, b = _pair(a_fact, b_fact)
    return [(c.kind, c.a, c.b, c.unit) for c in align(a, b).changes]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("took 3,000 square kilometers", "took 6,000 square kilometers",
         [("number", "3,000", "6,000", "square kilometers")]),
        ("took 1,100 sq mi", "took 2,300 square miles", [("number", "1,100", "2,300", "sq mi")]),
        ("lost 12% of its tanks", "lost 15% of its tanks", [("number", "12", "15", "%")]),
        ("took 1,100 sq mi", "took 1,100 square miles", []),
        ("took 6000 square kilometers", "took 6,000 square kilometers", []),
        ("took 2.50 tonnes", "took 2.5 tonnes", []),
    ],
)  # fmt: skip
def test_facts_numbers_compare_values_and_report_the_unit_of_a(
    a: str, b: str, expected: list[tuple[str, str, str, str | None]]
) -> None:
    assert _changes(a, b) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("withdrew on September 15", "withdrew on September 16", ("September 15", "September 16")),
        ("withdrew on 15 September", "withdrew on 15 October", ("15 September", "15 October")),
        ("withdrew on 2022-09-14", "withdrew on 2022-09-15", ("2022-09-14", "2022-09-15")),
        ("withdrew in 2021", "withdrew in 2022", ("2021", "2022")),
        ("withdrew on Thursday", "withdrew on Friday", ("Thursday", "Friday")),
    ],
)
def test_facts_dates_are_reported_whole(a: str, b: str, expected: tuple[str, str]) -> None:
    assert _changes(a, b) == [("date", *expected, None)]


def test_facts_names_differing_in_place() -> None:
    assert _changes("met Li Zhanshu", "met Li Zanshu") == [
        ("name", "Li Zhanshu", "Li Zanshu", None)
    ]
    assert _changes("met Russia's envoy", "met the Russian envoy") == []  # inflection only


def test_facts_sentence_initial_words_are_not_names() -> None:
    a = f"{_BEFORE} won. Looking at the map, {_AFTER}"
    b = f"{_BEFORE} won. Viewing the map, {_AFTER}"
    assert align(a, b).changes == ()


def test_facts_reworded_words_are_no_changes() -> None:
    assert _changes("swiftly captured the", "quickly took over the") == []


def test_facts_quotes_changed_beyond_small_wording() -> None:
    small = _changes('said "we will hold the line here"', 'said "we shall hold the line here"')
    assert small == []
    big = _changes(
        'said "we will hold the line here and never retreat from the city"',
        'said "we will leave soon because supplies are running out everywhere"',
    )
    assert [c[0] for c in big] == ["quote"]
    assert big[0][1] == "we will hold the line here and never retreat from the city"


def test_facts_only_inside_aligned_passages() -> None:
    a, b = _pair("took 3,000 square kilometers", "took 3,000 square kilometers")
    a = a + "\n\nIn other news, 45 people attended the 7th annual fair on May 3."
    al = align(a, b)
    assert al.changes == ()
    assert al.spans[-1].kind == "inserted" and "45 people" in al.spans[-1].text


def test_facts_changed_facts_takes_any_passages() -> None:
    a, b = _pair("took 3,000 square kilometers", "took 6,000 square kilometers")
    whole = Passage(a_start=0, a_end=len(a), b_start=0, b_end=len(b), similarity=1.0)
    (change,) = changed_facts(a, b, [whole])
    assert (change.a, change.b) == ("3,000", "6,000")
    assert (a[change.a_start : change.a_end], b[change.b_start : change.b_end]) == (
        "3,000",
        "6,000",
    )
    assert changed_facts(a, b, []) == ()


@pytest.mark.parametrize(
    ("text", "unit"),
    [("6,000 square kilometers (over", "square kilometers"), ("1,100 sq. mi. of", "sq. mi"),
     ("12% of", "%"), ("3 tanks", None), ("7", None)],
)  # fmt: skip
def test_facts_unit_after_a_number(text: str, unit: str | None) -> None:
    end = len(text.split()[0].rstrip("%"))
    assert unit_after(text, end) == unit
