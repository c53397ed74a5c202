"""What a translation keeps of its original whatever the language: numbers and names.

A translated article shares almost no words with its original, but it keeps the figures
("19. Juli" / "July 19"), the names ("Путин" / "Putin" / "Poutine") and the Latin-script terms
("Covid-19", "NHK"). Each becomes a short language-independent *anchor key*: numbers by their
digits (separators dropped, so "1.000", "1,000" and "1 000" agree), names by a consonant
skeleton of their Latin transliteration (Cyrillic and Greek transliterated by a table; vowels,
which transliteration conventions disagree on, dropped). Overlap of rare anchor keys finds
translation candidates cheaply (candidates/translations.py) and is half of the verdict
(relate/translate.py); the other half is a multilingual sentence encoder.

The language of an article is guessed here too, from its script and its commonest function
words: the guess only has to tell whether two articles can be translations of each other (a
different language), and costs microseconds where lingua (clean/language.py) costs a
millisecond; an article whose language the clean stage identified keeps that.
"""

# ruff: noqa: RUF001 (Cyrillic and Greek letters are the point of the tables below)

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

import numpy as np
import xxhash
from numpy.typing import NDArray

from newsdedup.fingerprint.anchor_codes import SLOW, code_keys, key_sets, span_codes
from newsdedup.fingerprint.anchor_scan import (
    CAPITAL,
    NAME_BODY,
    NUMBER_BODY,
    NUMBER_SEPARATORS,
    scan_spans,
)

__all__ = ["anchor_key_sets", "anchor_keys", "anchor_keys_batch", "guess_language", "skeleton"]

#: Cyrillic and Greek letters in Latin, as English-language news spells names.
_TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфхцы", "abvgdeziiklmnoprstufhcy", strict=True)),
        "ё": "e",
        "ж": "zh",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "є": "ye",
        "і": "i",
        "ї": "yi",
        "ґ": "g",
        "ђ": "dj",
        "ј": "j",
        "љ": "lj",
        "њ": "nj",
        "ћ": "c",
        "џ": "dz",
        **dict(zip("αβγδεζηθικλμνξοπρστυφχψω", "abgdeziθiklmnxoprstyfχψo", strict=True)),
        "ς": "s",
        "θ": "th",
        "χ": "ch",
        "ψ": "ps",
        "ß": "ss",
        "æ": "ae",
        "ø": "o",
        "þ": "th",
        "ð": "d",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
    }
)
#: Letters that transliteration conventions spell in more than one way, to one spelling.
_FOLD = str.maketrans({"c": "k", "q": "k", "w": "v", "z": "s", "x": "ks", "j": "i", "y": "i"})

_NUMBER = re.compile(r"\d(?:" + NUMBER_BODY[:-1] + r"]*\d)?")
#: A capital after a word boundary, then word letters (an acronym, "NHK", is such a word too).
#: anchor_scan.py finds these matches and _NUMBER's in compiled code; the regexes stay as the
#: patterns' definition.
_NAME = re.compile(CAPITAL + r"(?<=\b.)" + NAME_BODY + "+")
_SEPARATORS = str.maketrans("", "", NUMBER_SEPARATORS)  #: deleted from a number's digits
_VOWELS = re.compile(r"[aeiouh]+")


@cache
def skeleton(word: str) -> str:
    """A name's consonant skeleton in Latin letters ("Путин", "Putin" → "ptn"), at most 5
    letters; empty when too little is left to tell names apart."""
    latin = unicodedata.normalize("NFKD", word.lower().translate(_TRANSLIT))
    latin = "".join(c for c in latin if "a" <= c <= "z")
    if not latin:
        return ""
    folded = latin.replace("ph", "f").replace("sch", "sh").replace("tsch", "ch").translate(_FOLD)
    key = folded[0] + _VOWELS.sub("", folded[1:])
    key = re.sub(r"(.)\1+", r"\1", key)[:5]
    return key if len(key) >= 3 else ""


def anchor_keys(text: str) -> NDArray[np.uint64]:
    """The sorted, unique anchor keys of ``text``: hashes of its numbers (two digits or more)
    and of its names' skeletons (see module docstring)."""
    return anchor_keys_batch([text])[0]


def anchor_keys_batch(texts: Sequence[str]) -> list[NDArray[np.uint64]]:
    """``anchor_keys`` of each text (``anchor_key_sets``, one array per text)."""
    keys, sizes = anchor_key_sets(texts)
    return np.split(keys, np.cumsum(sizes)[:-1]) if len(texts) else []


def anchor_key_sets(texts: Sequence[str]) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """``anchor_keys`` of each text, all in one array, and how many each text has. Runs on
    every copy group's representative of a corpus in two languages, so the batch is scanned at
    once in compiled code (anchor_scan.py), each match's skeleton or digits packed there into a
    code (anchor_codes.py), and each distinct code hashed once; a match the compiled rules do
    not cover is keyed here (and cached)."""
    if not texts:
        return np.empty(0, np.uint64), np.zeros(0, np.int64)
    normal = [t if t.isascii() else unicodedata.normalize("NFKC", t) for t in texts]
    # "\n" starts no match and ends any, as a text's ends do (full-width forms: NFKC above)
    joined = "\n".join(normal)
    cps, starts, ends, number = scan_spans(joined)
    codes = span_codes(cps, starts, ends, number)
    found = codes >= 0
    keys = np.zeros(len(codes), np.uint64)
    keys[found] = code_keys(codes[found])
    for s in np.flatnonzero(codes == SLOW).tolist():
        key = (_number_key if number[s] else _name_key)(joined[starts[s] : ends[s]])
        if key is not None:
            keys[s], found[s] = key, True
    text_starts = np.cumsum([0] + [len(t) + 1 for t in normal[:-1]])
    owner = np.searchsorted(text_starts, starts[found], side="right") - 1
    # scan_spans gives the spans in order of their starts, so each text's keys in one run
    return key_sets(keys[found], owner, len(texts))


@cache
def _name_key(name: str) -> int | None:
    """The anchor key of a name (None when its skeleton is too short to tell)."""
    key = skeleton(name)
    return xxhash.xxh3_64_intdigest(key.encode()) if key else None


@cache
def _number_key(number: str) -> int | None:
    """The anchor key of a number as written (None under two digits)."""
    digits = number.translate(_SEPARATORS)
    if len(digits) < 2:
        return None
    return xxhash.xxh3_64_intdigest(("#" + (digits.lstrip("0")[:12] or "0")).encode())


# The commonest function words of languages whose script others share (Latin, Cyrillic): a
# dozen each tells an article's language from its first few hundred characters.
_FUNCTION_WORDS = {
    "en": "the of and to in is that for was with on as by are from",
    "de": "der die und das ist nicht sich mit dem den ein eine auch auf für",
    "fr": "le la les des et est une dans pour que qui sur pas avec au",
    "es": "el los las del y que por una con para se su es al",
    "it": "il di che non per una sono della con gli del le nel",
    "pt": "o os que não uma para com do da em dos se ao",
    "nl": "het een van dat niet zijn voor met ook maar bij naar om",
    "sv": "och att det som är på en för med av till inte har",
    "cs": "a je se na že v ve z do to jako by které jsou",
    "hr": "i je u se na da za su od kao što bi ali koji",
    "pl": "i w się na nie że z do jest to jak o przez",
    "is": "og að í á er um sem við til ekki með var það",
    "ru": "и в не на что с по это как из он к за от",
    "uk": "і в не на що з до як та це за від він у",
}
#: Scripts that name their language (kana before Han: Japanese writes both), by first letter.
_SCRIPT = re.compile(
    "[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u0e00-\u0e7f"
    "\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)
_RANGES = (
    ("\u0370", "\u03ff", "el"),
    ("\u0400", "\u04ff", "cyrillic"),
    ("\u0590", "\u05ff", "he"),
    ("\u0600", "\u06ff", "ar"),
    ("\u0900", "\u097f", "hi"),
    ("\u0e00", "\u0e7f", "th"),
    ("\u3040", "\u30ff", "ja"),
    ("\u4e00", "\u9fff", "han"),
    ("\uac00", "\ud7af", "ko"),
)
_KANA = re.compile("[\u3040-\u30ff]")
SAMPLE = 300  #: characters of an article its language is guessed from
#: characters that decide a weak guess (see guess_language)
LONG_SAMPLE = 2_000
#: function words, and a lead in them over the next language, that settle a guess
SURE, SURE_LEAD = 3, 2
_SETTLED = 1_000  #: the hits and lead of a guess a script or English's phrases settle


@cache
def _function_sets() -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((lang, frozenset(words.split())) for lang, words in _FUNCTION_WORDS.items())


#: Three of these in an article's first characters make it English (no other language of
#: _FUNCTION_WORDS writes them: " die " and " in " are German too, so they are not here).
_ENGLISH = (" the ", " of ", " and ", " to ", " that ", " for ", " was ", " with ")

#: Punctuation that may cling to a function word ("the," "и,"): words are split on it too.
_CLING = ".,;:!?()[]\"'«»„“”‘’-–—/"
#: An ASCII sample's table for bytes.translate (one C pass; str.translate with a dict costs
#: 25 ns a character); another sample's cling characters become spaces by one character class
#: (then ``split``: 20% sooner than finding its words with a regex, on Cyrillic samples).
_CLING_ASCII = bytes.maketrans(
    "".join(c for c in _CLING if c.isascii()).encode(), b" " * sum(c.isascii() for c in _CLING)
)
_CLING_CLASS = re.compile("[" + re.escape(_CLING) + "]")


def sample_words(low: str) -> set[str]:
    """The distinct words of a lower-cased sample, split on white space and ``_CLING``."""
    if low.isascii():
        return set(low.encode("ascii").translate(_CLING_ASCII).decode("ascii").split())
    return set(_CLING_CLASS.sub(" ", low).split())


def guess_language(text: str) -> str:
    """An ISO 639-1 code, or "" when nothing tells (too short, or no known function word).

    Runs on every article of every corpus (the translation stage needs to know whether a second
    language is there), so it is kept to a few microseconds: an ASCII sample skips the script
    test, and the function words are counted by set intersections (distinct words).

    A language named on weak evidence (fewer than ``SURE`` function words in the first
    ``SAMPLE`` characters, or a lead of less than ``SURE_LEAD`` over the next language: Czech's
    "to", "a", "do", "by" are English words too) is checked on the first ``LONG_SAMPLE``
    characters, and replaced only where those settle another by the same test. Few articles
    need it; a sample with no function word at all is not read on (more text of pseudo-words
    or jargon only finds chance words). A weak Cyrillic guess is Russian (``_CYRILLIC_DEFAULT``)."""
    lang, hits, lead = _guess(_head(text, SAMPLE))
    if not hits or _sure(hits, lead):
        return lang
    if len(text) > SAMPLE:
        again, hits, lead = _guess(_head(text, LONG_SAMPLE))
        if _sure(hits, lead):
            return again
    return _CYRILLIC_DEFAULT if lang in _CYRILLIC else lang


#: The function-word languages written in Cyrillic, and the one a Cyrillic text is taken for
#: when its function words do not settle it: none seen, or a weak guess (pseudo-Russian texts of
#: the benchmark family read as Ukrainian on two function words and a lead of one, 7 of
#: 200,000, every one weak, which made a corpus of one language pay for the translation stage).
#: Every Ukrainian article of the WMT set is a sure guess (eval/translations.py prints the same
#: figures with and without the weak case).
_CYRILLIC, _CYRILLIC_DEFAULT = ("ru", "uk"), "ru"


def _head(text: str, n: int) -> str:
    """The first ``n`` characters of ``text`` without a word the cut splits: its first letters
    are no word of the text ("на" of "наш" is a Russian and Ukrainian function word)."""
    if len(text) <= n or text[n].isspace():
        return text[:n]
    cut = max(text.rfind(" ", 0, n), text.rfind("\n", 0, n))
    return text[:cut] if cut > 0 else text[:n]


def _english(low: str) -> bool:
    """Whether three of ``_ENGLISH`` stand in ``low`` (a loop that stops at the third: a sum
    over a generator costs 2 us more an article, and this runs on every article)."""
    hits = 0
    for marker in _ENGLISH:
        if marker in low:
            hits += 1
            if hits == 3:
                return True
    return False


def _sure(hits: int, lead: int) -> bool:
    return hits >= SURE and lead >= SURE_LEAD


def _guess(sample: str) -> tuple[str, int, int]:
    """The language of ``sample``, its function words seen, and their lead over the next
    language's (both ``_SETTLED`` where a script or English's commonest phrases settle it)."""
    low = sample.lower()
    if _english(low):  # most news is English: its commonest phrases settle it in a microsecond
        return "en", _SETTLED, _SETTLED
    script = ""
    if not sample.isascii():
        found = _SCRIPT.search(sample)
        if found:
            c = found.group()
            script = next(name for lo, hi, name in _RANGES if lo <= c <= hi)
            if script == "han":
                return ("ja" if _KANA.search(sample) else "zh"), _SETTLED, _SETTLED
            if script != "cyrillic":
                return script, _SETTLED, _SETTLED
    words = sample_words(low)
    best, most, runner_up = "", 1, 0
    for lang, function_words in _function_sets():
        if (lang in _CYRILLIC) != bool(script):
            continue
        hits = len(function_words.intersection(words))
        if hits > most or (hits == most and lang == "en" and best):
            best, most, runner_up = lang, hits, max(runner_up, most if best else 0)
        else:
            runner_up = max(runner_up, hits)
    if not best:
        return (_CYRILLIC_DEFAULT if script else ""), 0, 0
    return best, most, most - runner_up
