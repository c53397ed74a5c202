from __future__ import annotations

import pytest

from newsdedup.clean.normalize import normalize, prenormalize
from newsdedup.config import NormalizeConfig


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u201cQuoted\u201d", '"quoted"'),
        ("\u2018single\u2019", "'single'"),
        ("\u201eLow\u201f and \u00abguillemets\u00bb", '"low" and "guillemets"'),
        ("Xi\u2019s visit", "xi's visit"),
        ("war \u2014 peace \u2013 talks", "war - peace - talks"),
        ("minus \u2212 5", "minus - 5"),
        ("\ufb01nance \ufb02ow", "finance flow"),
        ("\uff11\uff12\uff13", "123"),
        ("\uff21\uff22\uff23", "abc"),
        ("MiXeD CaSe", "mixed case"),
        ("Stra\u00dfe", "strasse"),
        ("  a \t\n b\r\n  c  ", "a b c"),
        ("non\u00a0breaking\u3000space", "non breaking space"),
        ("", ""),
    ],
)
def test_normalize_folds(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "plain ascii",
        "\u201cCurly\u201d \u2014 DASH",
        "\ufb01 \uff11",
        "Stra\u00dfe",
        "\u0130stanbul",
    ],
)
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


def test_normalize_config_flags_switch_each_step_off() -> None:
    text = "\u201cThe\uff11\u201d  \u2014  END"
    assert normalize(text) == '"the1" - end'
    assert normalize(text, NormalizeConfig(nfkc=False)) == '"the\uff11" - end'
    assert (
        normalize(text, NormalizeConfig(unify_punctuation=False)) == "\u201cthe1\u201d \u2014 end"
    )
    assert normalize(text, NormalizeConfig(casefold=False)) == '"The1" - END'
    assert normalize(text, NormalizeConfig(collapse_whitespace=False)) == '"the1"  -  end'


def test_normalize_ascii_text_keeps_case_when_casefold_is_off() -> None:
    assert normalize("Hello  World", NormalizeConfig(casefold=False)) == "Hello World"


def test_normalize_prenormalize_leaves_ascii_untouched() -> None:
    text = "Hello   WORLD\t"
    assert prenormalize(text) is text


def test_normalize_prenormalize_does_not_fold_ascii_case_or_whitespace_of_unicode_text() -> None:
    # The compiled kernel folds ASCII case and whitespace itself; prenormalize casefolds
    # non-ASCII text as a whole (ASCII letters included) but keeps its whitespace.
    assert prenormalize("\u201cA\u201d  B") == "\u201ca\u201d  b"  # quotes: the kernel's job
