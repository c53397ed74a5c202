"""Facts that differ between two aligned texts: numbers, dates, names and quoted speech.

A rewrite changes many words; a fact changes when, at the same aligned place, a number takes
another value, a date another day, a capitalised name another spelling, or a quotation other
words. So facts are read only from the gaps between matched words inside aligned passages, and
paired with the fact of the same kind in the other text's side of the same gap. No model is
needed: names are capitalised words that are not merely sentence-initial common words.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from newsdedup.clean.dates import MONTHS
from newsdedup.fingerprint.stopwords import stopwords
from newsdedup.relate.passages import AlignConfig, Pair, Tokens, fill_gaps, match_words, tokenize
from newsdedup.types import Change, Passage

__all__ = ["changed_facts", "changes_in", "unit_after"]

_MONTHS = frozenset(MONTHS)
_DAYS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
_UNITS = frozenset(
    [
        "square",
        "sq",
        "cubic",
        "km",
        "km2",
        "kilometers",
        "kilometres",
        "kilometer",
        "kilometre",
        "mi",
        "miles",
        "mile",
        "m",
        "meters",
        "metres",
        "meter",
        "metre",
        "cm",
        "mm",
        "feet",
        "foot",
        "ft",
        "inches",
        "acres",
        "hectares",
        "ha",
        "kg",
        "kilograms",
        "grams",
        "tons",
        "tonnes",
        "lb",
        "lbs",
        "pounds",
        "percent",
        "per",
        "cent",
        "million",
        "millions",
        "billion",
        "billions",
        "trillion",
        "thousand",
        "bn",
        "mn",
        "dollars",
        "euros",
        "yuan",
        "rubles",
        "roubles",
        "barrels",
        "mph",
        "kph",
        "degrees",
        "celsius",
        "fahrenheit",
        "years",
        "months",
        "weeks",
        "days",
        "hours",
        "minutes",
        "seconds",
    ]
)
_ISO = re.compile(r"\d{4}-\d\d-\d\d")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_COMMON = frozenset(stopwords("multi"))
_OPEN, _CLOSE, _BOTH = "\u201c\u00ab\u201e", "\u201d\u00bb", '"'
_QUOTE = re.compile(f"[{_OPEN}{_CLOSE}{_BOTH}]")
_DEFAULT = AlignConfig()


@dataclass(frozen=True, slots=True)
class _Fact:
    """A fact found in one text: its kind, word extent [lo, hi] and comparison key."""

    kind: str
    lo: int
    hi: int
    key: str


def changed_facts(
    a: str, b: str, passages: Iterable[Passage], *, config: AlignConfig = _DEFAULT
) -> tuple[Change, ...]:
    """The facts that differ inside ``passages`` of ``a`` and ``b``, in order of A."""
    return changes_in(a, b, tokenize(a), tokenize(b), tuple(passages), config)


def changes_in(
    a: str,
    b: str,
    ta: Tokens,
    tb: Tokens,
    passages: Sequence[Passage],
    cfg: AlignConfig,
    matched: Sequence[list[Pair]] | None = None,
) -> tuple[Change, ...]:
    """``changed_facts`` over texts already tokenized; ``matched`` holds each passage's word
    pairs when the caller has them (else they are matched here)."""
    names = _capital_words(a, ta) | _capital_words(b, tb)
    out: list[Change] = []
    for n, p in enumerate(passages):
        ra, rb = ta.span(p.a_start, p.a_end), tb.span(p.b_start, p.b_end)
        pairs = matched[n] if matched is not None else _pairs(ta, tb, ra, rb, cfg)
        bounds = [(ra[0] - 1, rb[0] - 1), *pairs, (ra[1], rb[1])]
        for (i0, j0), (i1, j1) in pairwise(bounds):
            if i1 - i0 > 1 and j1 - j0 > 1:
                gap = ((i0 + 1, i1), (j0 + 1, j1))
                out.extend(_gap_changes(a, b, ta, tb, gap, names))
        out.extend(_quote_changes(a, b, ta, tb, p, pairs, cfg))
    return tuple(sorted(out, key=lambda c: (c.a_start, c.b_start)))


def _pairs(ta: Tokens, tb: Tokens, ra: Pair, rb: Pair, cfg: AlignConfig) -> list[Pair]:
    return fill_gaps(match_words(ta.norm, tb.norm, ra, rb, cfg), ta.norm, tb.norm, cfg.max_gap)


def _capital_words(text: str, t: Tokens) -> set[str]:
    """Words written capitalised inside a sentence somewhere: names, even at a sentence start."""
    return {
        w
        for w, s in zip(t.norm, t.starts, strict=True)
        if text[s].isupper() and not _sentence_initial(text, s)
    }


def _gap_changes(
    a: str, b: str, ta: Tokens, tb: Tokens, gap: tuple[Pair, Pair], names: set[str]
) -> list[Change]:
    """Numbers, dates and names of one gap, paired in order with those of the same kind."""
    (alo, ahi), (blo, bhi) = gap
    fa, fb = _facts(a, ta, alo, ahi, names), _facts(b, tb, blo, bhi, names)
    out = []
    for kind in ("number", "date", "name"):
        xs = [f for f in fa if f.kind == kind]
        ys = [f for f in fb if f.kind == kind]
        if kind == "name" and (len(xs) != len(ys) or max(ahi - alo, bhi - blo) > 6):
            continue  # a name only changes in place, not in a reworded clause
        for x, y in zip(xs, ys, strict=False):
            if not (_same_name(x.key, y.key) if kind == "name" else x.key == y.key):
                out.append(_change(a, b, ta, tb, x, y))
    return out


_ENDINGS = ("ians", "ian", "ean", "ans", "an", "ese", "ish", "n", "a", "e", "i", "s")


def _same_name(x: str, y: str) -> bool:
    """Whether two names differ only by inflection: Russia/Russian, China/Chinese."""
    xs, ys = x.split(), y.split()
    return len(xs) == len(ys) and all(
        s.startswith(t) or t.startswith(s)
        for s, t in zip(map(_stem, xs), map(_stem, ys), strict=True)
    )


def _stem(word: str) -> str:
    for end in _ENDINGS:
        if word.endswith(end) and len(word) - len(end) >= 3:
            return word[: -len(end)]
    return word


def _change(a: str, b: str, ta: Tokens, tb: Tokens, x: _Fact, y: _Fact) -> Change:
    a0, a1, b0, b1 = ta.starts[x.lo], ta.ends[x.hi], tb.starts[y.lo], tb.ends[y.hi]
    return Change(
        kind=x.kind, a=a[a0:a1], b=b[b0:b1], a_start=a0, a_end=a1, b_start=b0, b_end=b1,
        unit=unit_after(a, a1) if x.kind == "number" else None,
    )  # fmt: skip


def _facts(text: str, t: Tokens, lo: int, hi: int, names: set[str]) -> list[_Fact]:
    """The facts touching words [lo, hi), each grown over its whole expression."""
    out: list[_Fact] = []
    for k in range(lo, hi):
        if out and out[-1].hi >= k:
            continue
        fact = _date(t, k) or _number(t, k) or _name(text, t, (k, lo, hi), names)
        if fact is not None:
            out.append(fact)
    return out


def _date(t: Tokens, k: int) -> _Fact | None:
    """An ISO date, a weekday, or a month with the day and year written next to it."""
    w = t.norm[k]
    if _ISO.fullmatch(w) or w in _DAYS:
        return _Fact("date", k, k, w)
    is_day = _NUMBER.fullmatch(w) is not None and len(w) <= 2
    near = [x for x in (k - 1, k + 1) if 0 <= x < len(t) and t.norm[x] in _MONTHS]
    if w not in _MONTHS and not (is_day and near):
        return None
    month = k if w in _MONTHS else near[0]
    lo = hi = month
    if lo > 0 and _day(t.norm[lo - 1]):
        lo -= 1
    while hi + 1 < len(t) and hi - lo < 2 and _NUMBER.fullmatch(t.norm[hi + 1]):
        hi += 1
    return _Fact("date", lo, hi, " ".join(t.norm[lo : hi + 1]))


def _day(word: str) -> bool:
    return word.isdigit() and len(word) <= 2


def _number(t: Tokens, k: int) -> _Fact | None:
    """A number (a year of its own is a date); its key is the value, so '6000' and '6,000'
    agree and a unit spelled otherwise is no change."""
    w = t.norm[k]
    if not _NUMBER.fullmatch(w):
        return None
    if len(w) == 4 and w.isdigit() and 1900 <= int(w) <= 2100:
        return _Fact("date", k, k, w)
    digits = (
        w.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", w) else w.replace(",", ".")
    )
    return _Fact("number", k, k, digits.rstrip("0").rstrip(".") if "." in digits else digits)


def _name(text: str, t: Tokens, at: tuple[int, int, int], names: set[str]) -> _Fact | None:
    """A run of capitalised words on one line; its key is the part inside the gap [lo, hi)."""
    k, glo, ghi = at
    if not _capital(text, t, k, names):
        return None
    lo = hi = k
    while lo > 0 and t.lines[lo - 1] == t.lines[k] and _capital(text, t, lo - 1, names):
        lo -= 1
    while hi + 1 < len(t) and t.lines[hi + 1] == t.lines[k] and _capital(text, t, hi + 1, names):
        hi += 1
    return _Fact("name", lo, hi, " ".join(t.norm[max(lo, glo) : min(hi + 1, ghi)]))


def _capital(text: str, t: Tokens, k: int, names: set[str]) -> bool:
    """Capitalised, and not a sentence start unless the word is capitalised elsewhere too."""
    word = text[t.starts[k] : t.ends[k]]
    if len(word) < 2 or not word[0].isupper():
        return False
    if word.isupper():
        return True  # an acronym: NATO, SCO
    if t.norm[k] in _COMMON:
        return False
    return t.norm[k] in names or not _sentence_initial(text, t.starts[k])


def _sentence_initial(text: str, start: int) -> bool:
    k = start - 1
    while k >= 0 and (text[k].isspace() or text[k] in "\"'\u201c\u2018\u00ab(["):
        if text[k] == "\n":
            return True
        k -= 1
    return k < 0 or text[k] in ".!?:;\u2026-\u2013\u2014"


def unit_after(text: str, end: int) -> str | None:
    """The unit written right after a number ending at ``end``: 'square kilometers', '%'."""
    if text[end : end + 1] == "%":
        return "%"
    m = re.match(r"(?:[ \u00a0]*[^\W\d_]+\.?){1,3}", text[end : end + 40])
    if m is None:
        return None
    words, size = [], 0
    for w in re.finditer(r"[^\W\d_]+\.?", m.group()):
        if w.group().rstrip(".").casefold() not in _UNITS:
            break
        words.append(w)
        size = w.end()
    return m.group()[:size].strip().rstrip(".") if words else None


# --- quotes -------------------------------------------------------------------------------


def _quotes(text: str, lo: int, hi: int) -> list[Pair]:
    """Character extents of the quotations closed inside [lo, hi), marks excluded."""
    out: list[Pair] = []
    opened: int | None = None
    for m in _QUOTE.finditer(text, lo, hi):
        ch, at = m.group(), m.start()
        if ch in _OPEN or (ch == _BOTH and opened is None):
            opened = at + 1
        elif opened is not None:
            out.append((opened, at))
            opened = None
    return out


def _quote_changes(
    a: str, b: str, ta: Tokens, tb: Tokens, p: Passage, pairs: list[Pair], cfg: AlignConfig
) -> list[Change]:
    """Quotations of A whose counterpart in B (the quotation holding most of its matched
    words) shares less than ``quote_similarity`` of their words."""
    qb = [(tb.span(s, e), (s, e)) for s, e in _quotes(b, p.b_start, p.b_end)]
    out = []
    for s, e in _quotes(a, p.a_start, p.a_end):
        lo, hi = ta.span(s, e)
        js = [j for _, j in pairs[bisect_left(pairs, (lo, -1)) : bisect_left(pairs, (hi, -1))]]
        if not js or not qb:
            continue
        (blo, bhi), (bs, be) = max(qb, key=lambda q: sum(q[0][0] <= j < q[0][1] for j in js))
        shared = sum(blo <= j < bhi for j in js)
        if shared and 2 * shared / ((hi - lo) + (bhi - blo)) < cfg.quote_similarity:
            out.append(
                Change(kind="quote", a=a[s:e], b=b[bs:be], a_start=s, a_end=e, b_start=bs, b_end=be)
            )
    return out
