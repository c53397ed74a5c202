"""House-style copies: a whole article re-edited to another outlet's style guide.

Outlets that run agency copy pass it through their own style: "Mr. Fielplix" on second
reference or plain "Fielplix", "5%" or "5 percent" or "5 per cent", "6,000" or "6000", "two" or
"2", "$4.2 million" or "$4.2m", British or American spelling (-our/-or, -ise/-ize, -re/-er),
"March 5, 2021" or "5 March 2021", "said" or "told reporters". Subeditors also move a clause,
cut or join a sentence, change a word here and there and regroup the paragraphs. Most sentences
stay recognisable word for word, yet few survive byte for byte: exact and near-duplicate
fingerprints see a different text where a reader sees the same article.

Style changes touch the narration only; quote paragraphs are left verbatim, as the speaker's
words are. The style is drawn per copy, then each choice is flipped if it would change nothing
in this text while the other one would: a restyle that left the figures alone would not be one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from newsdedup.synth.edits import _swap_clauses
from newsdedup.synth.rand import Draws
from newsdedup.synth.story import Person, Story
from newsdedup.synth.text import Doc, Sentence, cap, sentences
from newsdedup.synth.vocab import Vocabulary

__all__ = ["HouseStyle", "draw_style", "house", "house_title"]

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH = "|".join(_MONTHS)
_PUNCT = ",.;:?"
_SMALL = {"two": "2", "three": "3"}  # the small numbers the vocabulary's running text has
_SMALL_BACK = {"2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven"}
_VARIANT_FUNCTION = frozenset(("while", "whilst"))  # the one function word with a variant
_HONORIFIC = re.compile(r"\b(?:Mr|Ms|Dr)\. ")

# (pattern, replacement) on a plain word's core, to British spelling and to American. The
# pseudo-words have no spelling pairs of their own, so the real patterns are applied to their
# endings: -or/-our, -ize/-ise, -er/-re after a consonant, -il/-ill and -ol/-oll.
_TO_UK = (
    (re.compile(r"([a-z][^o\W])or$"), r"\1our"),
    (re.compile(r"([a-z]{2})iz(e|es|ed|ing)$"), r"\1is\2"),
    (re.compile(r"([a-z]{2}[tbgcv])er$"), r"\1re"),
    (re.compile(r"([^aeiou\W][io])ll$"), r"\1l"),
    (re.compile(r"^([Ww])hile$"), r"\1hilst"),
)
_TO_US = (
    (re.compile(r"([a-z][^o\W])our$"), r"\1or"),
    (re.compile(r"([a-z]{2})is(e|es|ed|ing)$"), r"\1iz\2"),
    (re.compile(r"([a-z]{2}[tbgcv])re$"), r"\1er"),
    (re.compile(r"([^aeiou\W][io])l$"), r"\1ll"),
    (re.compile(r"^([Ww])hilst$"), r"\1hile"),
)
_KM = ("kilometers", "kilometres")

# Figures: compact ("5%", "6000", "2", "$4.2m") or spelled out ("5 percent", "6,000", "two",
# "$4.2 million"); dates day first ("5 March 2021") or month first ("March 5, 2021").
_PERCENT_WORDS = re.compile(r"(\d) ?(?:percent|per cent)\b")
_PERCENT_SIGN = re.compile(r"(\d)%")
_PER_CENT = re.compile(r"(\d) (?:percent|per cent)\b")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_LONG_INT = re.compile(r"(?<![\d.,])\d{4,}(?![\d.,]*\d)")
_MONEY_WORD = re.compile(r"([$€£]\d+(?:\.\d+)?) (million|billion)\b")
_MONEY_SHORT = re.compile(r"([$€£]\d+(?:\.\d+)?)(m|bn|b)\b")
_MDY = re.compile(rf"\b({_MONTH}) (\d{{1,2}}), (\d{{4}})")
_MD = re.compile(rf"\b({_MONTH}) (\d{{1,2}})\b(?!, \d)")
_DMY = re.compile(rf"\b(\d{{1,2}}) ({_MONTH}) (\d{{4}})")
_DM = re.compile(rf"\b(\d{{1,2}}) ({_MONTH})\b(?! \d)")
_ATTRIBUTION = re.compile(r" (?:said on [A-Z][a-z]+day|told reporters|said)\.$")


@dataclass(frozen=True, slots=True)
class HouseStyle:
    """One outlet's choices."""

    uk: bool  # British spelling, "per cent"
    compact: bool  # "5%", "6000", "2", "$4.2m"
    day_first: bool  # "5 March 2021" rather than "March 5, 2021"
    weekdays: bool  # "on Friday" rather than "on March 5"
    honorifics: bool  # "Mr. Surname" on second reference
    attribution: str  # "said", "told reporters" or "said on <weekday>"
    title_case: bool  # Every Word Of The Headline Capitalised
    paragraph: tuple[int, ...]  # sentences per paragraph to draw from


def _core(w: str) -> tuple[str, str]:
    core = w.rstrip(_PUNCT)
    return core, w[len(core) :]


def _spell(w: str, uk: bool, vocab: Vocabulary) -> str:
    """The word in the house's spelling: plain words only, never names or function words."""
    us, gb = _KM
    if us in w or gb in w:
        return w.replace(us, gb) if uk else w.replace(gb, us)
    core, end = _core(w)
    plain = core in vocab.known and core.lower() not in vocab.function
    if not (plain or core.lower() in _VARIANT_FUNCTION):
        return w
    for pattern, repl in _TO_UK if uk else _TO_US:
        new = pattern.sub(repl, core)
        if new != core:
            return new + end
    return w


def _with_commas(m: re.Match[str]) -> str:
    value = m.group()
    if len(value) == 4 and 1900 <= int(value) <= 2100:  # a year
        return value
    return f"{int(value):,}"


def _figures(w: str, compact: bool, uk: bool) -> str:
    """The token's figures and small numbers in the house's format."""
    core, end = _core(w)
    if compact and core.lower() in _SMALL:
        return _SMALL[core.lower()] + end
    if not compact and core in _SMALL_BACK:
        return _SMALL_BACK[core] + end
    if not any(c.isdigit() for c in w):
        return w
    if compact:
        w = _PERCENT_WORDS.sub(r"\1%", w)
        w = _THOUSANDS.sub("", w)
        return _MONEY_WORD.sub(lambda m: m.group(1) + ("m" if m.group(2) == "million" else "bn"), w)
    w = _PERCENT_SIGN.sub(r"\1 per cent" if uk else r"\1 percent", w)
    w = _PER_CENT.sub(r"\1 per cent" if uk else r"\1 percent", w)
    w = _LONG_INT.sub(_with_commas, w)
    return _MONEY_SHORT.sub(
        lambda m: m.group(1) + (" million" if m.group(2) == "m" else " billion"), w
    )


def _dates(story: Story, day_first: bool, weekdays: bool) -> Callable[[str], str]:
    """A token rewriter for dates: day or month first, weekday or date for the story's day."""
    date = story.date
    month, weekday = _MONTHS[date.month - 1], _WEEKDAYS[date.weekday()]
    day = f"{date.day} {month}" if day_first else f"{month} {date.day}"
    named = re.compile(rf"\b([Oo]n) (?:{month} {date.day}|{date.day} {month})\b(?!,? \d)")
    weekday_on = re.compile(rf"\b([Oo]n) {weekday}\b")

    def redate(w: str) -> str:
        if weekdays:
            w = named.sub(rf"\1 {weekday}", w)
        elif weekday in w:
            w = weekday_on.sub(rf"\1 {day}", w)
        if not any(c.isdigit() for c in w):
            return w
        if day_first:
            return _MD.sub(r"\2 \1", _MDY.sub(r"\2 \1 \3", w))
        return _DM.sub(r"\2 \1", _DMY.sub(r"\2 \1, \3", w))

    return redate


def _honorific(p: Person) -> str:
    """The same title for one person in every copy: a fixed rule, not a draw."""
    if p.role == "professor":
        return "Dr."
    return "Ms." if sum(map(ord, p.first)) % 2 else "Mr."


def _names(story: Story, add: bool) -> Callable[[str], str]:
    """A token rewriter that puts honorifics before bare surnames, or takes them away."""
    if not add:
        return lambda w: _HONORIFIC.sub("", w) if ". " in w else w
    rules = [
        (
            re.compile(rf"(?<!{re.escape(p.first)} )(?<!\. )\b{re.escape(p.last)}\b"),
            f"{_honorific(p)} {p.last}",
        )
        for p in story.people
    ]
    lasts = tuple(p.last for p in story.people)

    def rename(w: str) -> str:
        if not any(last in w for last in lasts):
            return w
        for pattern, repl in rules:
            w = pattern.sub(repl, w)
        return w

    return rename


def _settle(doc: Doc, choice: bool, rewriter: Callable[[bool], Callable[[str], str]]) -> bool:
    """``choice``, or its opposite where ``choice`` would change fewer than two words of the
    narration and the opposite more."""

    def changes(option: bool) -> int:
        f = rewriter(option)
        return sum(f(w) != w for p in doc if _is_prose(p) and not _is_quote(p) for w in p)

    mine = changes(choice)
    return not choice if mine < 2 and changes(not choice) > mine else choice


def draw_style(doc: Doc, d: Draws, story: Story, vocab: Vocabulary) -> HouseStyle:
    """A random style, each choice flipped where only the other one would change this text."""
    uk = _settle(doc, d.chance(0.5), lambda uk: lambda w: _spell(w, uk, vocab))
    compact = _settle(doc, d.chance(0.5), lambda c: lambda w: _figures(w, c, uk))
    day_first = _settle(doc, d.chance(0.5), lambda f: _dates(story, f, True))
    weekdays = _settle(doc, d.chance(0.5), lambda wd: _dates(story, day_first, wd))
    has_titles = any(_HONORIFIC.search(w) for p in doc for w in p)
    honorifics = d.chance(0.2) if has_titles else d.chance(0.8)
    weekday = _WEEKDAYS[story.date.weekday()]
    attribution = d.pick(("said", "told reporters", "told reporters", f"said on {weekday}"))
    paragraph = d.pick(((1, 1, 2), (1, 2, 2, 3), (2, 3, 3, 4)))
    return HouseStyle(
        uk, compact, day_first, weekdays, honorifics, attribution, d.chance(0.3), paragraph
    )


def _is_quote(p: list[str]) -> bool:
    return any("“" in w or "”" in w for w in p)


def _is_prose(p: list[str]) -> bool:
    """Running text (not a caption, an advertisement or a link line)."""
    return bool(p) and p[-1][-1:] in ".?" and len(p) >= 4


def house(
    vocab: Vocabulary, doc: Doc, d: Draws, *, story: Story, strength: float
) -> tuple[Doc, HouseStyle]:
    """The article re-edited to a house style drawn for it (see the module docstring), and
    the style, for the headline. ``strength`` in [0, 1] sets how much the subeditor does
    besides the style: moved clauses, cut and joined sentences, changed words."""
    style = draw_style(doc, d, story, vocab)
    rename = _names(story, style.honorifics)
    redate = _dates(story, style.day_first, style.weekdays)
    # Quotes stay verbatim, so the narration of a quote-heavy article takes the edits the
    # whole article would have: up to twice the rates when half of it is quoted.
    quoted = sum(len(p) for p in doc if _is_quote(p)) / max(1, sum(map(len, doc)))
    scale = 1.0 / max(0.5, 1.0 - quoted)
    swap, drop, merge = 0.15 + 0.2 * strength, 0.03 + 0.05 * strength, 0.08 + 0.1 * strength
    swap, word_rate = swap * scale, (0.11 + 0.1 * strength) * scale
    syn = vocab.synonyms

    def styled(w: str) -> str:
        return rename(redate(_figures(_spell(w, style.uk, vocab), style.compact, style.uk)))

    def edited(w: str, u: float) -> str:
        if u < word_rate:  # the subeditor's word, where the style left one
            core, end = _core(w)
            w = syn.get(core, core) + end
        if w[-1:] == "." and " " in w:
            w = _ATTRIBUTION.sub(f" {style.attribution}.", w)
        return w

    out: Doc = []
    pending: list[Sentence] = []
    first = True
    for p in doc:
        if _is_quote(p):
            _flush(out, pending, style, d)
            out.append(list(p))
            continue
        if not _is_prose(p):
            if d.chance(0.2):  # most of the source site's own lines go
                out.append(list(p))
            continue
        for source in sentences(p):
            s = [styled(w) for w in source]
            if not first and s == source and d.chance(drop):  # cut filler, keep the restyled
                continue
            draws = d.many(len(s))
            s = [w if w != o else edited(w, u) for w, o, u in zip(s, source, draws, strict=True)]
            if not first and d.chance(swap):
                s = _swap_clauses(vocab, s, d)
            if pending and not first and d.chance(merge) and len(pending[-1]) + len(s) < 60:
                pending[-1] = _join(vocab, pending[-1], s, d)
            else:
                pending.append(s)
            first = False
    _flush(out, pending, style, d)
    return (out or [list(doc[0])]), style


def _join(vocab: Vocabulary, a: Sentence, b: Sentence, d: Draws) -> Sentence:
    """ "A. B." run into "A, and b." or "A; b."."""
    lead = b[0].lower() if b[0] in vocab.known and b[0] != "I" else b[0]
    if a[-1][-1:] != ".":
        return [*a, *b]
    if d.chance(0.5):
        return [*a[:-1], a[-1][:-1] + ",", "and", lead, *b[1:]]
    return [*a[:-1], a[-1][:-1] + ";", lead, *b[1:]]


def _flush(out: Doc, pending: list[Sentence], style: HouseStyle, d: Draws) -> None:
    """Lay the pending sentences out in the house's paragraph lengths."""
    while pending:
        n = min(d.pick(style.paragraph), len(pending))
        out.append([w for s in pending[:n] for w in s])
        del pending[:n]


def house_title(vocab: Vocabulary, text: str, style: HouseStyle) -> str:
    """The headline in the house's spelling and figures, in title case for some houses."""
    words = [_figures(_spell(w, style.uk, vocab), style.compact, style.uk) for w in text.split()]
    if style.title_case:
        words = [w if w in ("in", "of", "to", "for", "on", "and", "as") else cap(w) for w in words]
    return cap(" ".join(words))
