"""strip_boilerplate's fast path (plain strings, offsets only when a line goes, line_key on
bytes, a first-character test before the start patterns) equals the implementation it
replaced, kept here as the reference, on random texts and on the real texts at hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.clean import boilerplate as bp
from newsdedup.clean.boilerplate import AllBoilerplate, Boilerplate, line_key, strip_boilerplate
from newsdedup.config import DEFAULT_CLEAN, CleanConfig
from newsdedup.types import Removal

# --- the reference: the code as it was before the fast path --------------------------------

_OLD_KEY_DROP = re.compile(r"[\W_]+", re.UNICODE)


def _old_line_key(text: str) -> str:
    return " ".join(_OLD_KEY_DROP.sub(" ", text.casefold()).split())


def _old_rule(line: bp.Line, key: str, learned: Boilerplate | None) -> tuple[str, str] | None:
    if key in bp.BUILTIN_LINES or key in bp.READ_MORE_HEADINGS:
        return ("builtin", key)
    m = bp._START_PATTERN.match(line.text)
    if m is None and any(w in key for w in bp._SEARCHED_WORDS):
        m = bp._ANYWHERE_PATTERN.search(line.text)
    if m is not None:
        return ("pattern", str(m.lastgroup))
    if learned is not None and key in learned:
        return ("learned", f"in {learned.voices[key]} voices")
    return None


def _old_long_rule(line: bp.Line) -> tuple[str, str] | None:
    if line.text[0] not in bp._LONG_FIRST:
        return None
    m = bp._LONG_PATTERN.match(line.text)
    return None if m is None else ("pattern", str(m.lastgroup))


def _old_mark_repeated(
    keys: list[str], verdicts: list[tuple[str, str] | None], title: str | None
) -> None:
    n = len(keys)
    if n < 8:
        return
    edge = n // 4
    seen: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key and key.count(" ") < 8 and verdicts[i] is None:
            seen.setdefault(key, []).append(i)
    headline = _old_line_key(title) if title else keys[0]
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


def _old_judge(
    lines: list[bp.Line],
    text: str,
    config: CleanConfig,
    learned: Boilerplate | None,
    title: str | None,
) -> list[tuple[str, str] | None]:
    verdicts: list[tuple[str, str] | None] = [None] * len(lines)
    keys = [_old_line_key(ln.text) if len(ln.text) < 400 and ln.words <= 25 else "" for ln in lines]
    tail_from = len(text) * (1.0 - config.read_more_tail)
    for i, (line, key) in enumerate(zip(lines, keys, strict=True)):
        if not key:
            verdicts[i] = _old_long_rule(line)
            continue
        if key in bp.READ_MORE_HEADINGS and line.start >= tail_from:
            for j in range(i, len(lines)):
                verdicts[j] = verdicts[j] or ("read_more", key)
            break
        verdicts[i] = _old_rule(line, key, learned)
    _old_mark_repeated(keys, verdicts, title)
    return verdicts


def _old_strip(
    text: str,
    *,
    config: CleanConfig = DEFAULT_CLEAN,
    learned: Boilerplate | None = None,
    title: str | None = None,
) -> tuple[str, tuple[Removal, ...]]:
    lines = bp.split_lines(text)
    verdicts = _old_judge(lines, text, config, learned, title)
    if not any(v is not None for v in verdicts):
        return (text.strip() if lines else text), ()
    if all(v is not None for v in verdicts):
        raise AllBoilerplate
    removals = tuple(
        Removal(start=ln.start, end=ln.end, text=ln.text, reason=v[0], rule=v[1])
        for ln, v in zip(lines, verdicts, strict=True)
        if v is not None
    )
    kept = [ln for ln, v in zip(lines, verdicts, strict=True) if v is None]
    return _old_join(kept, text), removals


def _old_join(kept: list[bp.Line], text: str) -> str:
    parts: list[str] = []
    for prev, line in zip([None, *kept[:-1]], kept, strict=True):
        if prev is not None:
            gap = text[prev.end : line.start]
            parts.append("\n\n" if "\n\n" in gap or gap.count("\n") > 1 else "\n")
        parts.append(line.text)
    return "".join(parts)


# --- random texts ----------------------------------------------------------------------------

_SHORT_LINES = [
    *sorted(bp.BUILTIN_LINES),
    *sorted(bp.READ_MORE_HEADINGS),
    "- Advertisement -",
    "ADVERTISEMENT",
    "The strengthening of China under Xi Jinping 5:28",
    "Watch the interview 1:02:33",
    "221230092257 putin xi file 111319 hp video",
    "afbl-general-01",
    "How can we help you?",
    "We use cookies to improve your experience",
    "Photo credit:",
    "Image source :",
    "Published: Just now",
    "Updated 3 hours ago",
    "Full screen Russian President",
    "Share on Facebook, Twitter, Email",
    "Sign up for our newsletter",
    "Lunch",
    "Dinner",
    "\u201cWe will see,\u201d she said.",
    "Caf\u00e9 \u2014 \u00c9t\u00e9 \u00df\u00e7 \u2019 \u2026",
    "\u0130stanbul \u212a\u017f \ufb01 x\u0345",
    "STRASSE_01 \u00a0 ok",
]
_WORDS = ["news", "the", "Minister", "said", "5:28", "2024", "\u201cquote\u201d", "co-op", "_x_"]
_BREAKS = ["\n", "\n\n", "\r\n", "\n \n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\n\t\n"]


@st.composite
def _lines(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["short", "sentence", "long", "random", "pad"]))
    if kind == "short":
        return draw(st.sampled_from(_SHORT_LINES))
    if kind == "random":
        return draw(st.text(max_size=30))
    if kind == "pad":
        return draw(st.sampled_from(["", " ", "\t", "\u00a0", "***", "--"]))
    size = draw(st.integers(1, 12)) if kind == "sentence" else draw(st.integers(20, 90))
    return " ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=size, max_size=size)))


@st.composite
def _texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_lines(), min_size=0, max_size=24))
    out = draw(st.sampled_from(["", " ", "\n"]))
    for line in lines:
        out += draw(st.sampled_from(["", " ", "  "])) + line + draw(st.sampled_from(_BREAKS))
    return out


def _outcome(strip: object, text: str, **kwargs: object) -> object:
    try:
        return strip(text, **kwargs)  # type: ignore[operator]
    except AllBoilerplate:
        return "all"


_LEARNED = Boilerplate({"lunch": 7, "news the": 3, "dinner": 4})


@settings(max_examples=600)
@given(text=_texts(), title=st.one_of(st.none(), st.sampled_from(["Lunch", "Big headline", ""])))
def test_boilerplate_fast_strip_equals_the_old_code(text: str, title: str | None) -> None:
    for learned in (None, _LEARNED):
        for config in (DEFAULT_CLEAN, CleanConfig(read_more_tail=1.0)):
            kwargs = {"config": config, "learned": learned, "title": title}
            assert _outcome(strip_boilerplate, text, **kwargs) == _outcome(
                _old_strip, text, **kwargs
            )


@settings(max_examples=400)
@given(text=st.one_of(st.text(), _texts()))
def test_boilerplate_fast_line_starts_equal_split_lines(text: str) -> None:
    lines = bp.split_lines(text)
    assert bp._starts(text) == [ln.start for ln in lines]
    assert list(filter(None, map(str.strip, text.splitlines()))) == [ln.text for ln in lines]


@settings(max_examples=400)
@given(text=st.one_of(st.text(), st.sampled_from(_SHORT_LINES), _lines()))
def test_boilerplate_fast_line_key_equals_the_old_code(text: str) -> None:
    assert line_key(text) == _old_line_key(text)


def test_boilerplate_fast_line_key_of_every_character() -> None:
    for cp in range(0x110000):
        c = chr(cp)
        assert line_key(f"a{c}B{c}") == _old_line_key(f"a{c}B{c}"), hex(cp)


def test_boilerplate_fast_plain_breaks_are_caseless_word_breaks() -> None:
    for c in bp._BREAK_CHARS:
        assert c.casefold() == c and not re.match(r"\w", c)
        assert bp._PLAIN_BREAKS.sub(" ", f"a{c}b") == "a b"


@given(
    line=st.text(
        alphabet=st.sampled_from("aAsSfF0129 -_:.!?\n\u017f\u212a\u0660\u00e9"), min_size=1
    )
)
def test_boilerplate_fast_start_test_never_skips_a_match(line: str) -> None:
    line = line.strip()
    if line and not bp._may_start(line):
        assert bp._START_PATTERN.match(line) is None


def _group(pattern: str) -> str:
    """The inside of the group that opens ``pattern``."""
    depth = 0
    for i, c in enumerate(pattern):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0:
            return pattern[1:i]
    raise ValueError(pattern)


def _leading_words(pattern: str) -> set[str]:
    """The words a pattern that opens with a group of alternatives can begin with."""
    alternatives, depth, start, inner = [], 0, 0, _group(pattern)
    for i, c in enumerate(inner + "|"):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if c == "|" and depth == 0:
            alternatives.append(inner[start:i])
            start = i + 1
    words: set[str] = set()
    for alt in alternatives:
        words |= _leading_words(alt) if alt.startswith("(") else {re.match("[a-z]+", alt)[0]}
    return words


def test_boilerplate_fast_start_words_are_the_patterns_words() -> None:
    # every word a start pattern (but media_duration, code, asset_caption) can begin with
    for name in ("empty_label", "published_line", "media_control", "share_buttons", "newsletter"):
        words = _leading_words(bp.PATTERNS[name].pattern)
        assert words and {w[:2] for w in words} <= bp._START_HEADS, (name, words)
    assert set(bp.PATTERNS) - set(bp._SEARCHED) == {
        "media_duration",
        "code",
        "asset_caption",
        "empty_label",
        "published_line",
        "media_control",
        "share_buttons",
        "newsletter",
    }


@pytest.mark.parametrize("first", [chr(c) for c in range(0x80)])
def test_boilerplate_fast_start_test_of_every_ascii_head(first: str) -> None:
    for second in map(chr, range(0x80)):
        for rest in ("blished: now", "are on Facebook", "ll screen x", "221230092 x", "dated 2 x"):
            line = (first + second + rest).strip()
            if line and not bp._may_start(line):
                assert bp._START_PATTERN.match(line) is None, line
    for word in bp._START_WORDS:
        for head in (word, word.upper(), word.capitalize(), word[0] + word[1:].upper()):
            assert bp._may_start(head + " x y")


def _real_texts() -> list[tuple[str, str | None]]:
    shared = Path(__file__).parents[2].parent / "shared"
    texts = [
        (p.read_text(errors="replace"), None) for p in sorted((shared / "seeds").glob("*.txt"))
    ]
    docs = shared / "data" / "wmt-news-dev" / "docs.jsonl"
    if docs.exists():
        for line in docs.read_text().splitlines():
            row = json.loads(line)
            texts.append((row["text"], row.get("title")))
    gold = shared / "data" / "article-extraction-benchmark" / "ground-truth.json"
    if gold.exists():
        texts += [(v["articleBody"], None) for v in json.loads(gold.read_text()).values()]
    return texts


def test_boilerplate_fast_strip_equals_the_old_code_on_real_texts() -> None:
    texts = _real_texts()
    if not texts:
        pytest.skip("no real texts under ../shared (seeds, data)")
    for text, title in texts:
        for t in (title, None):
            assert _outcome(strip_boilerplate, text, title=t) == _outcome(_old_strip, text, title=t)
