"""Facts that differ between a paragraph and its translation: numbers, dates and names.

Two languages share no words, so the gaps between matched words that relate/facts.py reads do
not exist here. What a translation keeps is its figures and names (fingerprint/anchors.py): a
fact changed when a paragraph holds a number, a date or a name its aligned counterpart lacks,
and the counterpart holds one of the same kind in its place. But a number written out in
words, a clock time in another convention, a year in two digits, an amount at another scale
or an inflected name look just like that, so the rules stay conservative (a false "changed
fact" is worse than a missed one):

- numbers of two digits or more, separators dropped ("1.000", "1,000" and "1 000" agree; 千,
  万 and 億 multiply), clock times and month numbers (11月) left out. A change is reported when
  each side holds exactly one value the other lacks, both between the same shared values (in
  the order of the text), and the two are not one figure at two scales ("1,5" / "150万") nor a
  year and its last two digits ("2019" / "19年"). A number inside a changed date is reported
  as the date only;
- dates (a day and a month name in the languages of ``_MONTHS``, ISO dates, or 月日): likewise;
- names (capitalised words, compared by their consonant skeleton): only a word in Latin
  letters, rare in its language (wordfreq Zipf < ``RARE_ZIPF``), not at the start of a
  sentence, right next to a name both sides share (a first name, a title's name) on the same
  side of it on both sides, alone in its place, and not a spelling, inflection or compound of
  the other ("Kavanaugh's" / "Kavanaughovo", "Kevlar" / "Kevlar-snúru").

On the WMT development set (not in the repository: 926 pairs of an original and a human or
machine translation, where any reported change is a discrepancy or a false one) these rules
report 5 changes: 3 real discrepancies of the human references (830 wind turbines for 860,
"10 ноября" for "December 10", "June 6" for "6月16日"), a machine translation's invented "16th
century" paired with the original's "200", and one false change (大正12 year against 1923).
The first version, without the guards on scale, years, months, CJK multipliers, gaps and
names beside a shared name, reported 13 numbers (12 false) and 18 names (all false).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

from newsdedup.clean.dates import MONTHS
from newsdedup.fingerprint.anchors import skeleton
from newsdedup.relate.translate import ALPHABETIC
from newsdedup.types import Change

__all__ = ["translation_changes"]

Span = tuple[int, int]

_SEP = "[.,\u00a0\u202f ]"
#: a number: thousands groups (1-3 digits, then groups of 3), or digits with a decimal part;
#: then a CJK multiplier or a month (月 not followed by a day), if any
_NUMBER = re.compile(
    rf"(?<!\d)(?:\d{{1,3}}(?:{_SEP}\d{{3}}(?!\d))+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)"
    "(?P<unit>[\u5343\u4e07\u5104\u4ebf\u5146]|\u6708(?!\\d))?"
)
_MULTIPLIER = {"\u5343": 10**3, "\u4e07": 10**4, "\u5104": 10**8, "\u4ebf": 10**8, "\u5146": 10**12}
#: clock times: "19:30", "7.30 pm", "16 Uhr", "8 h 30", "9時"
_TIME = re.compile(
    r"\b\d{1,2}[:.h]\s?\d{2}\b(?:\s*(?:[ap]\.?m\b\.?|Uhr|h\b|heures?))?"
    r"|\b\d{1,2}\s*(?:[ap]\.?m\b\.?|Uhr\b|h\b|heures?\b|\u6642)",
    re.IGNORECASE,
)
#: Month names in the other languages of the WMT set; the English ones are clean/dates.py's
#: less "mar" (the sea in Spanish, Italian and Portuguese).
_MONTHS = {
    1: "januar janvier enero gennaio janeiro januari января січня",
    2: "februar février febrero febbraio fevereiro februari февраля лютого",
    3: "märz mars marzo março maart марта березня",
    4: "avril abril aprile апреля квітня",
    5: "mai mayo maggio maio mei мая травня",
    6: "juni juin junio giugno junho июня червня",
    7: "juli juillet julio luglio julho июля липня",
    8: "août agosto augustus августа серпня",
    9: "septembre septiembre settembre setembro сентября вересня",
    10: "oktober octobre octubre ottobre outubro октября жовтня",
    11: "novembre noviembre novembro ноября листопада",
    12: "dezember décembre diciembre dicembre dezembro декабря грудня",
}
_MONTH_OF = {name: month for name, month in MONTHS.items() if name != "mar"} | {
    name: month for month, names in _MONTHS.items() for name in names.split()
}
_MONTH = "|".join(sorted(map(re.escape, _MONTH_OF), key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?P<d1>\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?(?P<m1>{_MONTH})\b\.?"
    rf"|\b(?P<m2>{_MONTH})\b\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b"
    r"|\b\d{4}-(?P<m3>\d\d)-(?P<d3>\d\d)\b"
    "|(?P<m4>\\d{1,2})\u6708(?P<d4>\\d{1,2})\u65e5",
    re.IGNORECASE,
)
_WORD = re.compile("\\b[^\\W\\d_][\\w'\u2019-]*")
_SENTENCE_END = re.compile('(?:^|[.!?:;"\u00ab\u00bb\u201c\u201d\u201e()\\[\\]\u2013\u2014-])\\s*$')
#: languages of ``ALPHABETIC`` written in Latin letters: names elsewhere are left alone
LATIN = ALPHABETIC - {"ru", "uk", "bg", "be", "mk", "el", "sr"}
RARE_ZIPF = 4.0  #: a capitalised word this common (wordfreq Zipf) in its language is no name
#: wordfreq's code for a language where it differs
_WORDFREQ = {"hr": "sh", "bs": "sh", "no": "nb"}


@dataclass(frozen=True, slots=True)
class _Fact:
    key: str
    start: int
    end: int


def translation_changes(
    a: str, b: str, pa: Span, pb: Span, *, lang_a: str, lang_b: str
) -> list[Change]:
    """The changed numbers, dates and names of paragraph ``pa`` of ``a`` and its aligned
    paragraph ``pb`` of ``b`` (offsets into the texts as given)."""
    numbers_a, numbers_b = _numbers(a, pa), _numbers(b, pb)
    out = _paired("date", a, b, _dates(a, pa), _dates(b, pb))
    numbers = _paired("number", a, b, numbers_a, numbers_b, same=_one_figure)
    out += [c for c in numbers if not any(_within(c, d) for d in out)]
    out += _names(a, b, _words(a, pa), _words(b, pb), numbers_a, numbers_b, (lang_a, lang_b))
    return sorted(out, key=lambda c: (c.a_start, c.b_start))


def _paired(
    kind: str,
    a: str,
    b: str,
    xs: list[_Fact],
    ys: list[_Fact],
    same: Callable[[str, str], bool] | None = None,
) -> list[Change]:
    """One change when each side holds exactly one occurrence of a value the other lacks,
    both between the same shared values (and not ``same`` by another reading)."""
    gaps_a, gaps_b = _gaps(xs, ys)
    only_a = [(g, f) for g, facts in gaps_a.items() for f in facts]
    only_b = [(g, f) for g, facts in gaps_b.items() for f in facts]
    if len(only_a) != 1 or len(only_b) != 1 or only_a[0][0] != only_b[0][0]:
        return []
    (_, x), (_, y) = only_a[0], only_b[0]
    if same is not None and same(x.key, y.key):
        return []
    return [_change(kind, a, b, x, y)]


def _gaps(xs: list[_Fact], ys: list[_Fact]) -> tuple[dict[int, list[_Fact]], ...]:
    """The facts of each side whose key the other side lacks, by their gap: how many runs of
    shared keys (in text order) come before them."""
    keys_x, keys_y = [f.key for f in xs], [f.key for f in ys]
    blocks = difflib.SequenceMatcher(None, keys_x, keys_y, autojunk=False).get_matching_blocks()
    out: list[dict[int, list[_Fact]]] = []
    for side, (facts, other) in enumerate(((xs, set(keys_y)), (ys, set(keys_x)))):
        gaps: dict[int, list[_Fact]] = {}
        for i, fact in enumerate(facts):
            if fact.key not in other:
                gap = sum(1 for blk in blocks if blk[side] + blk.size <= i)
                gaps.setdefault(gap, []).append(fact)
        out.append(gaps)
    return out[0], out[1]


def _one_figure(x: str, y: str) -> bool:
    """Two number keys that are one figure: at two scales, or a year and its last two
    digits."""
    short, long = sorted((x, y), key=len)
    return x.rstrip("0") == y.rstrip("0") or (
        len(long) == 4 and long[:2] in ("19", "20") and long[2:] == short
    )


def _within(c: Change, d: Change) -> bool:
    return d.a_start <= c.a_start < d.a_end or d.b_start <= c.b_start < d.b_end


def _change(kind: str, a: str, b: str, x: _Fact, y: _Fact) -> Change:
    return Change(
        kind=kind,
        a=a[x.start : x.end],
        b=b[y.start : y.end],
        a_start=x.start,
        a_end=x.end,
        b_start=y.start,
        b_end=y.end,
    )


def _numbers(text: str, span: Span) -> list[_Fact]:
    """Numbers of two digits or more in ``text[span]``, keyed by their value's digits, clock
    times and months left out."""
    start, end = span
    times = [(m.start(), m.end()) for m in _TIME.finditer(text, start, end)]
    out = []
    for m in _NUMBER.finditer(text, start, end):
        unit = m.group("unit")
        if unit == "\u6708" or any(s <= m.start() < e for s, e in times):
            continue
        value = unicodedata.normalize("NFKC", m.group()[: len(m.group()) - len(unit or "")])
        digits = "".join(c for c in value if c.isdigit())
        if unit:  # 6千, 1.5万: the value times the multiplier
            decimal = re.fullmatch(r"\d+(?:\.\d+)?", value)
            number = float(value) if decimal else float(digits)
            digits = str(round(number * _MULTIPLIER[unit]))
        if len(digits) >= 2:
            out.append(_Fact(digits.lstrip("0") or "0", m.start(), m.end()))
    return out


def _dates(text: str, span: Span) -> list[_Fact]:
    """Dates with a day and a month in ``text[span]``, keyed "month-day"."""
    out = []
    for m in _DATE.finditer(text, *span):
        g = m.groupdict()
        month_name = g["m1"] or g["m2"]
        month = _MONTH_OF[month_name.lower()] if month_name else int(g["m3"] or g["m4"])
        day = int(g["d1"] or g["d2"] or g["d3"] or g["d4"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            out.append(_Fact(f"{month}-{day}", m.start(), m.end()))
    return out


def _words(text: str, span: Span) -> list[_Fact]:
    """Capitalised words of ``text[span]``, keyed by their skeleton (those with one)."""
    out = []
    for m in _WORD.finditer(text, *span):
        word = m.group()
        key = skeleton(word) if word[0].isupper() else ""
        if key:
            out.append(_Fact(key, m.start(), m.end()))
    return out


def _names(
    a: str,
    b: str,
    words_a: list[_Fact],
    words_b: list[_Fact],
    numbers_a: list[_Fact],
    numbers_b: list[_Fact],
    langs: tuple[str, str],
) -> list[Change]:
    """Name changes: a rare name alone in its gap between shared anchors, beside the same
    shared name as one such name on the other side."""
    seq_a = sorted(words_a + numbers_a, key=lambda f: f.start)
    seq_b = sorted(words_b + numbers_b, key=lambda f: f.start)
    gaps_a, gaps_b = _gaps(seq_a, seq_b)
    shared = {f.key for f in words_a} & {f.key for f in words_b}
    out = []
    for gap, found_a in gaps_a.items():
        found_b = gaps_b.get(gap, [])
        if len(found_a) != 1 or len(found_b) != 1:
            continue
        x, y = found_a[0], found_b[0]
        beside = _beside(a, x, words_a, shared)
        if (
            beside
            and beside == _beside(b, y, words_b, shared)
            and _is_name(a, x, langs[0])
            and _is_name(b, y, langs[1])
            and not _variants(x.key, y.key)
        ):
            out.append(_change("name", a, b, x, y))
    return out


def _beside(text: str, fact: _Fact, words: list[_Fact], shared: set[str]) -> set[str]:
    """The shared names right before ("<key") or after (">key") ``fact`` in ``text``."""
    out = set()
    for w in words:
        if w.key in shared and w.end <= fact.start and _joined(text[w.end : fact.start]):
            out.add("<" + w.key)
        if w.key in shared and w.start >= fact.end and _joined(text[fact.end : w.start]):
            out.add(">" + w.key)
    return out


def _joined(between: str) -> bool:
    return len(between) <= 2 and not between.strip(" -\u00a0")


def _variants(x: str, y: str) -> bool:
    """Skeletons of one name spelt, inflected or compounded otherwise."""
    return x[:3] == y[:3] or x in y or y in x


def _is_name(text: str, fact: _Fact, lang: str) -> bool:
    """In Latin letters, not at the start of a sentence, and rare in its language."""
    word = text[fact.start : fact.end]
    before = text[max(0, fact.start - 3) : fact.start]
    if fact.start == 0 or "\n" in before or _SENTENCE_END.search(before):
        return False
    zipf = _zipf(lang)
    return zipf is not None and _latin(word) and zipf(word.lower()) < RARE_ZIPF


def _latin(word: str) -> bool:
    return all(c in "'\u2019-" or unicodedata.name(c, "").startswith("LATIN") for c in word)


@cache
def _zipf(lang: str) -> Callable[[str], float] | None:
    """wordfreq's Zipf frequency in ``lang``, or None unless ``lang`` is written in Latin
    letters and listed by wordfreq."""
    from wordfreq import available_languages, zipf_frequency

    code = _WORDFREQ.get(lang, lang)
    if lang not in LATIN or code not in available_languages():
        return None
    return partial(zipf_frequency, lang=code)
