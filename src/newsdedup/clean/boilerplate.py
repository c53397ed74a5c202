"""Boilerplate lines in extracted text: built-in rules, read-more tails and lines the corpus shows.

Scraped articles carry lines that are not the article: "- Advertisement -", "Source link", chat
widgets, video captions with a running time, read-more lists. They make copies look less alike
(different sites insert different lines) and unrelated articles more alike (one site inserts the
same lines everywhere). Three sources of evidence, each recorded as a Removal with its reason:

* ``builtin``/``pattern``: a small list of lines and line shapes that are boilerplate anywhere;
* ``read_more``: a read-more heading near the end cuts it and everything after it;
* ``repeated``: a short line both above and below an article, never inside it (an ad banner);
* ``learned``: a short line that recurs in many *different voices* of the corpus.

A voice is a copy group, or, before copy groups are known, the document's most distinctive
paragraph (the smallest hash among its long lines): copies of one article share their real lines
and that paragraph, so they count as one voice, and a line repeated only by copies never becomes
boilerplate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import xxhash

from newsdedup.config import DEFAULT_CLEAN, CleanConfig
from newsdedup.types import Removal

__all__ = [
    "BUILTIN_LINES",
    "PATTERNS",
    "READ_MORE_HEADINGS",
    "AllBoilerplate",
    "Boilerplate",
    "Line",
    "learn_boilerplate",
    "line_key",
    "split_lines",
    "strip_boilerplate",
]

#: Lines that are boilerplate wherever they appear, compared by ``line_key`` (case, punctuation
#: and spacing ignored, so "- Advertisement -" and "ADVERTISEMENT" are one line).
BUILTIN_LINES: frozenset[str] = frozenset(
    {
        "advertisement",
        "advertisements",
        "ad",
        "sponsored",
        "sponsored content",
        "story continues below advertisement",
        "article continues below advertisement",
        "continue reading below",
        "scroll to continue with content",
        "source link",
        "source",
        "credit",
        "credits",
        "photo",
        "image",
        "caption",
        "share",
        "share this",
        "share this article",
        "share this story",
        "share on facebook",
        "share on twitter",
        "tweet",
        "print",
        "email",
        "comments",
        "comment",
        "leave a comment",
        "skip to content",
        "skip to main content",
        "close",
        "menu",
        "back to top",
        "click here",
        "loading",
        "watch",
        "video",
        "listen",
        "listen to this article",
        "subscribe",
        "sign up",
        "log in",
        "download the app",
        "follow us",
        "all rights reserved",
        "toggle caption",
        "hide caption",
        "enlarge this image",
    }
)

#: Headings of a read-more list. Near the end of a text (``CleanConfig.read_more_tail``) the
#: heading and everything after it go; elsewhere only the heading line does.
READ_MORE_HEADINGS: frozenset[str] = frozenset(
    {
        "read more",
        "read also",
        "also read",
        "see also",
        "related",
        "related stories",
        "related articles",
        "related posts",
        "related content",
        "related news",
        "recent articles",
        "recent posts",
        "recent stories",
        "more stories",
        "more news",
        "more on this story",
        "more from",
        "more like this",
        "you may also like",
        "you might also like",
        "recommended",
        "recommended for you",
        "recommended stories",
        "further reading",
        "some reading",
        "most read",
        "most popular",
        "popular posts",
        "trending",
        "trending now",
        "top stories",
        "latest news",
        "latest stories",
        "what to read next",
        "read next",
    }
)

_SHORT = 25  # words: only lines this short are tested against the patterns or learned
_REPEAT_MIN_LINES = 8  # the repeated-line rule needs an article with a top, a body and a bottom
_REPEAT_MAX_WORDS = 8  # and applies to lines shorter than this
_SHORT_CHARS = 400  # a line this long has more than _SHORT words in any language with spaces

#: Line shapes that are boilerplate, by name. Each is matched at the start of the stripped line,
#: except those in _SEARCHED, which may occur anywhere in a short line.
PATTERNS: dict[str, re.Pattern[str]] = {
    # a video or audio teaser: a short title ending in its running time, "… Xi Jinping 5:28"
    "media_duration": re.compile(r"[^.!?\n]*\s\d{1,2}:\d{2}(?::\d{2})?$"),
    # a CMS asset id heading a caption: "221230092257 putin xi file 111319 hp video …"
    "asset_caption": re.compile(r"\d{9,}\s"),
    # a single slug or tracking code: "afbl-general-01"
    "code": re.compile(r"(?=\S*\d)[a-z0-9]+(?:[-_][a-z0-9]+)+$", re.IGNORECASE),
    # chat and support widgets
    "chat_widget": re.compile(
        r"\b(how can (i|we) help( you)?|ask us anything|chat with us|we are online"
        r"|we're online|support team is here)\b",
        re.IGNORECASE,
    ),
    "cookie_notice": re.compile(
        r"\b(we use cookies|(this|our) (web)?site uses cookies|accept (all )?cookies"
        r"|cookie (policy|settings|preferences))\b",
        re.IGNORECASE,
    ),
    # a label with nothing after it: "Credit :", "Photo:", "Image source:"
    "empty_label": re.compile(
        r"(photo|image|picture|video|credit|credits|caption|source|image source)"
        r"( credit)?\s*:\s*$",
        re.IGNORECASE,
    ),
    # a dateline widget: "Published: Just now", "Updated 3 hours ago", "Posted on 12 May"
    "published_line": re.compile(
        r"(published|updated|posted|last updated|first published)\b(\s*(on|at))?\s*:?\s*"
        r"[^.!?\n]{0,60}$",
        re.IGNORECASE,
    ),
    # a gallery or player control heading a caption: "full screen Russian President …"
    "media_control": re.compile(
        r"(full ?screen|enlarge image|expand image|open gallery|view gallery|play video"
        r"|watch video|click to enlarge)\b",
        re.IGNORECASE,
    ),
    "share_buttons": re.compile(
        r"((share|follow)( (us|this|it))?( on)?|tweet|pin it|email)"
        r"( (facebook|twitter|x|linkedin|whatsapp|telegram|email|pinterest|reddit),?)+$",
        re.IGNORECASE,
    ),
    "newsletter": re.compile(
        r"(sign up|subscribe)\b[^.!?\n]{0,80}(newsletter|inbox|updates|alerts)\b",
        re.IGNORECASE,
    ),
}

#: Patterns that may occur anywhere in a short line (the others match at its start), and words
#: one of which such a line must contain (a cheap test before the regex).
_SEARCHED = ("chat_widget", "cookie_notice")
_SEARCHED_WORDS = ("help", "anything", "chat", "online", "support", "cookie")

#: Patterns tested on lines of any length; the others only on lines of at most _SHORT words.
_ANY_LENGTH = ("asset_caption", "media_control")


def _alternation(names: Iterable[str]) -> re.Pattern[str]:
    """The named patterns as one regex, so a line costs one match whatever the number of rules."""
    return re.compile("|".join(f"(?P<{n}>{PATTERNS[n].pattern})" for n in names), re.IGNORECASE)


_START_PATTERN = _alternation(n for n in PATTERNS if n not in _SEARCHED)
_ANYWHERE_PATTERN = _alternation(_SEARCHED)
_LONG_PATTERN = _alternation(_ANY_LENGTH)
_LONG_FIRST = frozenset("0123456789fFeEoOvVpPwWcC")  # the first characters _LONG_PATTERN allows
#: The words media_control (the one long pattern that opens on a letter) opens with.
_LONG_WORDS = ("full", "enlarge", "expand", "open", "view", "play", "watch", "click")

_KEY_WORD = re.compile(r"[^\W_]+")  # what line_key keeps: runs of letters and digits

#: line_key of ASCII text on bytes: letters folded, digits kept, every other byte a space.
_ASCII_KEY = bytes(
    ord(chr(b).lower()) if chr(b).isascii() and chr(b).isalnum() else ord(" ") for b in range(256)
)
#: Punctuation common in news text that is a word break to line_key and has no case: a line
#: whose other characters are ASCII takes the bytes path once these become spaces (one
#: character class: 7x faster than str.translate with a dict, which looks up every character).
_BREAK_CHARS = "\u00a0\u00ab\u00bb\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
_PLAIN_BREAKS = re.compile(f"[{_BREAK_CHARS}]")

#: The words the start patterns other than media_duration (a line ending in a digit), code (a
#: line without a space) and asset_caption (a line starting with a digit) start with: a line
#: whose first two characters are ASCII and start none of them is not tried.
_START_WORDS = (
    *("published", "updated", "posted", "last", "first", "photo", "image", "picture", "video"),
    *("credit", "caption", "source", "full", "enlarge", "expand", "open", "view", "play"),
    *("watch", "click", "share", "follow", "tweet", "pin", "email", "sign", "subscribe"),
)
_START_HEADS = frozenset(w[:2] for w in _START_WORDS)


class AllBoilerplate(Exception):
    """Every line of a text matched a rule; the caller keeps the text as it is."""


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line: its offsets in the text and its stripped content."""

    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return self.text.count(" ") + 1


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text``, stripped, with their character offsets."""
    lines = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            start = pos + len(raw) - len(raw.lstrip())
            lines.append(Line(start, start + len(stripped), stripped))
        pos += len(raw)
    return lines


def line_key(text: str) -> str:
    """A line compared loosely: case, punctuation and spacing ignored."""
    if not text.isascii():
        plain = _PLAIN_BREAKS.sub(" ", text)
        if not plain.isascii():
            return " ".join(_KEY_WORD.findall(text.casefold()))
        text = plain
    return " ".join(text.encode().translate(_ASCII_KEY).decode().split())


def _hash(key: str) -> int:
    return xxhash.xxh3_64_intdigest(key.encode()) >> 1  # fits an int64 array


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """Line keys learned from a corpus, with the number of voices each recurred in."""

    voices: dict[str, int]

    def __contains__(self, key: str) -> bool:
        return key in self.voices

    def __len__(self) -> int:
        return len(self.voices)

    @classmethod
    def empty(cls) -> Boilerplate:
        return cls({})


def voice_of(lines: list[Line], text: str) -> int:
    """Copies share their real paragraphs: the smallest hash among long lines names the voice."""
    long = [_hash(line_key(line.text)) for line in lines if line.words > _SHORT]
    return min(long) if long else _hash(line_key(text))


def learn_boilerplate(
    texts: Iterable[tuple[str, str | None]], *, config: CleanConfig = DEFAULT_CLEAN
) -> Boilerplate:
    """Short lines that recur in at least ``config.min_voices`` voices of the corpus.

    ``texts`` yields (text, voice); a voice of None is derived with ``voice_of``. Pass copy-group
    ids as voices when they are known. Hashes are gathered in arrays and counted with one sort,
    so a corpus of millions of lines is learned in seconds and little memory.
    """
    keys: list[int] = []
    voices: list[int] = []
    names: dict[int, str] = {}
    for text, voice in texts:
        lines = split_lines(text)
        v = voice_of(lines, text) if voice is None else _hash(voice)
        for line in lines:
            if line.words <= config.learn_max_words:
                key = line_key(line.text)
                if key:
                    h = _hash(key)
                    names.setdefault(h, key)
                    keys.append(h)
                    voices.append(v)
    return Boilerplate(_count_voices(keys, voices, names, config.min_voices))


def _count_voices(
    keys: list[int], voices: list[int], names: dict[int, str], min_voices: int
) -> dict[str, int]:
    if not keys:
        return {}
    pairs = np.unique(np.stack([np.array(keys, np.int64), np.array(voices, np.int64)]), axis=1)
    found, counts = np.unique(pairs[0], return_counts=True)
    keep = counts >= min_voices
    return {names[int(h)]: int(c) for h, c in zip(found[keep], counts[keep], strict=True)}


def strip_boilerplate(
    text: str,
    *,
    config: CleanConfig = DEFAULT_CLEAN,
    learned: Boilerplate | None = None,
    title: str | None = None,
) -> tuple[str, tuple[Removal, ...]]:
    """``text`` without its boilerplate lines, and each removal (offsets into ``text``).

    Kept lines are joined as they stood, with a blank line where lines were taken out, so the
    cleaned text reads like the original. If every line would go, AllBoilerplate is raised: a
    rule that empties an article is more likely wrong than the article.

    Most articles lose no line, so lines are plain strings here and their offsets are found
    only when something is removed (Line objects cost more than all the rules together).
    """
    lines = list(filter(None, map(str.strip, text.splitlines())))  # as split_lines's texts
    verdicts = _judge(lines, text, config, learned, title)
    if verdicts is None:
        return (text.strip() if lines else text), ()
    if None not in verdicts:
        raise AllBoilerplate
    found = list(zip(_starts(text), lines, strict=True))
    removals = tuple(
        Removal(start=start, end=start + len(line), text=line, reason=v[0], rule=v[1])
        for (start, line), v in zip(found, verdicts, strict=True)
        if v is not None
    )
    kept = [span for span, v in zip(found, verdicts, strict=True) if v is None]
    return _join(kept, text), removals


def _starts(text: str) -> list[int]:
    """Where each non-blank line starts: split_lines's offsets, without a Line each."""
    starts = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        if not raw.isspace():
            starts.append(pos + len(raw) - len(raw.lstrip()))
        pos += len(raw)
    return starts


Verdict = tuple[str, str]  # (reason, rule) of a removed line


def _judge(
    lines: list[str],
    text: str,
    config: CleanConfig,
    learned: Boilerplate | None,
    title: str | None,
) -> list[Verdict | None] | None:
    """Each line's verdict, or None when no line is boilerplate (the common case)."""
    verdicts: list[Verdict | None] = [None] * len(lines)
    keys: list[str] = []
    for i, line in enumerate(lines):
        # the loop runs on every line of every article: _long_rule's first test is inlined
        key = line_key(line) if len(line) < _SHORT_CHARS and line.count(" ") < _SHORT else ""
        keys.append(key)
        if not key:
            if line[0] in _LONG_FIRST:
                verdicts[i] = _long_rule(line)
        elif key in READ_MORE_HEADINGS and _starts(text)[i] >= len(text) * (
            1.0 - config.read_more_tail
        ):
            verdicts[i:] = [("read_more", key)] * (len(lines) - i)
            break
        else:
            verdicts[i] = _rule(line, key, learned)
    _mark_repeated(keys, verdicts, title, len(lines))
    return verdicts if any(verdicts) else None


def _rule(line: str, key: str, learned: Boilerplate | None) -> Verdict | None:
    if key in BUILTIN_LINES or key in READ_MORE_HEADINGS:
        return ("builtin", key)
    m = _START_PATTERN.match(line) if _may_start(line) else None
    if m is None and any(word in key for word in _SEARCHED_WORDS):  # 1.6x a regex alternation
        m = _ANYWHERE_PATTERN.search(line)
    if m is not None:
        return ("pattern", str(m.lastgroup))
    if learned is not None and key in learned:
        return ("learned", f"in {learned.voices[key]} voices")
    return None


def _may_start(line: str) -> bool:
    """Whether _START_PATTERN can match ``line``: a cheap test that skips most lines."""
    head, last = line[:2], line[-1]
    return (
        head.lower() in _START_HEADS
        or not head.isascii()
        or head[0] in "0123456789"
        or last in "0123456789"
        or not last.isascii()
        or " " not in line
    )


def _long_rule(line: str) -> Verdict | None:
    if line[0] not in _LONG_FIRST:
        return None
    m = _LONG_PATTERN.match(line)
    return None if m is None else ("pattern", str(m.lastgroup))


def _mark_repeated(
    keys: list[str], verdicts: list[Verdict | None], title: str | None, n: int
) -> None:
    """A short line both above and below the article, and nowhere inside it, is a widget (an ad
    banner at the top and the bottom); a line repeated through the body (a recipe's "Lunch", a
    list's headings) is the article's own. ``keys`` may stop short of the ``n`` lines where a
    read-more tail was cut."""
    if n < _REPEAT_MIN_LINES:
        return
    edge = n // 4
    seen: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key and key.count(" ") < _REPEAT_MAX_WORDS and verdicts[i] is None:
            seen.setdefault(key, []).append(i)
    if len(seen) == sum(map(len, seen.values())):
        return  # no line repeats (the headline is looked at only when one does)
    headline = line_key(title) if title else keys[0]
    for key, where in seen.items():
        if len(where) < 2 or key == headline:
            continue
        if (
            where[0] < edge
            and where[-1] >= n - edge
            and all(i < edge or i >= n - edge for i in where)
        ):
            for i in where:
                verdicts[i] = ("repeated", f"{len(where)} times, above and below the article")


def _join(kept: list[tuple[int, str]], text: str) -> str:
    """Kept (start, line) pairs joined, a blank line where the text had one between them."""
    parts: list[str] = []
    end = -1
    for start, line in kept:
        if end >= 0:
            gap = text[end:start]
            parts.append("\n\n" if "\n\n" in gap or gap.count("\n") > 1 else "\n")
        parts.append(line)
        end = start + len(line)
    return "".join(parts)
