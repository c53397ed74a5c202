"""Passage alignment of two texts with character offsets, in the manner of passim.

Words are matched in order by anchors: word n-grams unique in both texts (longest first, then
rarer repeated ones), chained by a longest increasing subsequence and refined recursively inside
the gaps between them, as patience diff does. Runs of matches become passages where the gaps are
small in both texts and no whole line sits unmatched between them; inside a passage a bounded
``difflib`` pass over each gap counts reworded-but-shared words. Every step is linear or
O(m log m) in the number of anchors, except the difflib passes, which only see gaps of at most
``max_gap`` words, so two 100,000-word texts align in about a second.

The result is canonical: ``align(b, a)`` is exactly the mirror of ``align(a, b)``.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from newsdedup.clean.normalize import prenormalize
from newsdedup.errors import invalid_param
from newsdedup.types import Alignment, Change, Passage, Span

__all__ = [
    "AlignConfig",
    "Tokens",
    "align",
    "fill_gaps",
    "match_words",
    "quote_spans",
    "tokenize",
]

Pair = tuple[int, int]
_QUOTE_OR_LINE = re.compile('["\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]|\n')


@dataclass(frozen=True, slots=True, kw_only=True)
class AlignConfig:
    """Tuning knobs of ``align``; the defaults suit news copies and machine rewrites."""

    #: Anchor n-gram sizes, tried longest first in each region (default (3, 2)).
    ngrams: tuple[int, ...] = (3, 2)
    #: Fallback anchors: n-grams occurring equally often in both, at most this often (default 3).
    max_repeat: int = 3
    #: How deep the anchor search recurses into gaps between anchors (default 12).
    max_depth: int = 12
    #: Largest gap, in words on either side, inside one passage (default 20).
    max_gap: int = 20
    #: Fewest matched words in a passage (default 4; shorter texts need all of their words).
    min_matches: int = 4
    #: A line with a smaller share of matched words, and no verbatim run of ``min_run`` words,
    #: is treated as unmatched: a caption or an ad line, not reworded text (default 0.25).
    min_line_share: float = 0.25
    #: Verbatim words in a row that keep a line aligned whatever its share (default 4).
    min_run: int = 4
    #: Quotes matching below this share of words are reported as changed (default 0.5).
    quote_similarity: float = 0.5

    def __post_init__(self) -> None:
        if not self.ngrams or any(n < 1 for n in self.ngrams):
            raise invalid_param(
                "ngrams", "AlignConfig", "a non-empty tuple of ints >= 1", self.ngrams
            )
        for name in ("max_repeat", "max_depth", "max_gap", "min_matches", "min_run"):
            if getattr(self, name) < 1:
                raise invalid_param(name, "AlignConfig", "an int >= 1", getattr(self, name))
        for name in ("min_line_share", "quote_similarity"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise invalid_param(name, "AlignConfig", "a float in [0, 1]", getattr(self, name))


_DEFAULT = AlignConfig()
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
#: ISO dates, numbers with separators, one CJK character (those scripts write no spaces), words.
_TOKEN = re.compile(rf"\d{{4}}-\d\d-\d\d\b|\d+(?:[.,:]\d+)*|[{_CJK}]|[^\W_{_CJK}]+")


@dataclass(frozen=True, slots=True)
class Tokens:
    """The words of one text: normalised form, character offsets and line number of each."""

    norm: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.norm)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Indices [lo, hi) of the words inside characters [start, end)."""
        return bisect_left(self.starts, start), bisect_right(self.ends, end)


def tokenize(text: str) -> Tokens:
    """Words with offsets, case-folded and NFKC-normalised for matching (per word, so offsets
    stay those of the original text)."""
    out = Tokens()
    line = prev = 0
    for m in _TOKEN.finditer(text):
        word, start = m.group(), m.start()
        line += text.count("\n", prev, start)
        prev = start
        out.norm.append(word.lower() if word.isascii() else prenormalize(word))
        out.starts.append(start)
        out.ends.append(m.end())
        out.lines.append(line)
    return out


# --- word matching ------------------------------------------------------------------------


def match_words(
    a: list[str],
    b: list[str],
    ra: Pair | None = None,
    rb: Pair | None = None,
    config: AlignConfig = _DEFAULT,
) -> list[Pair]:
    """Matched word pairs (i, j), increasing in both, of ``a[ra]`` and ``b[rb]``."""
    alo, ahi = ra or (0, len(a))
    blo, bhi = rb or (0, len(b))
    out: list[Pair] = []
    _region(a, b, (alo, ahi, blo, bhi), 0, config, out)
    return out


def _region(
    a: list[str], b: list[str], box: tuple[int, int, int, int], depth: int,
    cfg: AlignConfig, out: list[Pair],
) -> None:  # fmt: skip
    """Match a common prefix and suffix, then anchor what lies between them."""
    alo, ahi, blo, bhi = box
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        out.append((alo, blo))
        alo, blo = alo + 1, blo + 1
    tail = 0
    while ahi - tail > alo and bhi - tail > blo and a[ahi - tail - 1] == b[bhi - tail - 1]:
        tail += 1
    ahi, bhi = ahi - tail, bhi - tail
    if alo < ahi and blo < bhi and depth < cfg.max_depth:
        _anchored(a, b, (alo, ahi, blo, bhi), depth, cfg, out)
    out.extend((ahi + k, bhi + k) for k in range(tail))


def _anchored(
    a: list[str], b: list[str], box: tuple[int, int, int, int], depth: int,
    cfg: AlignConfig, out: list[Pair],
) -> None:  # fmt: skip
    """Chain the region's anchors, then recurse into the gaps between them."""
    chain, n = _chain(a, b, box, cfg)
    if not chain:
        return
    alo, ahi, blo, bhi = box
    pa, pb = alo, blo
    for i, j in chain:
        skip = max(pa - i, pb - j, 0)  # overlaps the previous anchor: keep its tail
        if skip >= n:
            continue
        i, j = i + skip, j + skip
        _region(a, b, (pa, i, pb, j), depth + 1, cfg, out)
        out.extend((i + k, j + k) for k in range(n - skip))
        pa, pb = i + n - skip, j + n - skip
    _region(a, b, (pa, ahi, pb, bhi), depth + 1, cfg, out)


def _chain(
    a: list[str], b: list[str], box: tuple[int, int, int, int], cfg: AlignConfig
) -> tuple[list[Pair], int]:
    """The first tier that has anchors: unique n-grams longest first, then repeated ones."""
    tiers = [(n, 1) for n in cfg.ngrams] + [(min(cfg.ngrams), cfg.max_repeat)]
    for n, repeat in tiers:
        anchors = _anchors(a, b, box, n, repeat)
        if anchors:
            return _lis(anchors), n
    return [], 0


def _anchors(
    a: list[str], b: list[str], box: tuple[int, int, int, int], n: int, repeat: int
) -> list[Pair]:
    """N-grams occurring equally often in both, at most ``repeat`` times, paired occurrence by
    occurrence: (i, j) of their starts, sorted by i."""
    alo, ahi, blo, bhi = box
    if ahi - alo < n or bhi - blo < n:
        return []
    ga = list(zip(*(a[alo + k : ahi - n + 1 + k] for k in range(n)), strict=True))
    gb = list(zip(*(b[blo + k : bhi - n + 1 + k] for k in range(n)), strict=True))
    ca, cb = Counter(ga), Counter(gb)
    shared = {g for g, c in ca.items() if c <= repeat and cb.get(g) == c}
    if not shared:
        return []
    where: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, g in enumerate(gb):
        if g in shared:
            where[g].append(blo + j)
    seen: Counter[tuple[str, ...]] = Counter()
    anchors = []
    for i, g in enumerate(ga):
        if g in shared:
            anchors.append((alo + i, where[g][seen[g]]))
            seen[g] += 1
    return anchors


def _lis(anchors: list[Pair]) -> list[Pair]:
    """The longest chain increasing in j of anchors sorted by i (patience sort)."""
    tails: list[int] = []
    tail_at: list[int] = []
    prev = [-1] * len(anchors)
    for x, (_, j) in enumerate(anchors):
        p = bisect_left(tails, j)
        if p == len(tails):
            tails.append(j)
            tail_at.append(x)
        else:
            tails[p], tail_at[p] = j, x
        prev[x] = tail_at[p - 1] if p else -1
    chain = []
    x = tail_at[-1] if tail_at else -1
    while x >= 0:
        chain.append(anchors[x])
        x = prev[x]
    return chain[::-1]


def fill_gaps(pairs: list[Pair], a: list[str], b: list[str], max_gap: int) -> list[Pair]:
    """``pairs`` plus the words difflib matches inside each gap of at most ``max_gap`` words on
    both sides: shared words of reworded text, in order."""
    out: list[Pair] = []
    for (i0, j0), (i1, j1) in pairwise(pairs):
        out.append((i0, j0))
        if 1 < i1 - i0 <= max_gap + 1 and 1 < j1 - j0 <= max_gap + 1:
            sm = difflib.SequenceMatcher(None, a[i0 + 1 : i1], b[j0 + 1 : j1], autojunk=False)
            for x, y, size in sm.get_matching_blocks():
                out.extend((i0 + 1 + x + k, j0 + 1 + y + k) for k in range(size))
    out.extend(pairs[-1:])
    return out


# --- passages -----------------------------------------------------------------------------


def align(a: str, b: str, *, config: AlignConfig = _DEFAULT) -> Alignment:
    """The reused passages of ``a`` and ``b`` with offsets, the text on one side only, the
    facts that changed inside the passages and each text's share of words in passages.

    Read A as the copy and B as its source (see ``Span``).
    """
    if b < a:
        return _mirror(_align(b, a, config), b, a)
    return _align(a, b, config)


def _align(a: str, b: str, cfg: AlignConfig) -> Alignment:
    from newsdedup.relate.facts import changes_in  # facts reuses this module's matching

    ta, tb = tokenize(a), tokenize(b)
    pairs = _drop_stray_lines(match_words(ta.norm, tb.norm, config=cfg), ta, tb, cfg)
    least = min(cfg.min_matches, len(ta), len(tb))
    runs = [r for r in _runs(pairs, ta, tb, cfg) if len(r) >= least]
    filled = [fill_gaps(r, ta.norm, tb.norm, cfg.max_gap) for r in runs]
    passages = _passages(runs, filled, (a, b), ta, tb, cfg)
    inside_a = sum(hi - lo for lo, hi in (ta.span(p.a_start, p.a_end) for p in passages))
    inside_b = sum(hi - lo for lo, hi in (tb.span(p.b_start, p.b_end) for p in passages))
    return Alignment(
        passages=passages,
        spans=_spans(a, ta, [(p.a_start, p.a_end) for p in passages], "inserted")
        + _spans(b, tb, [(p.b_start, p.b_end) for p in passages], "deleted"),
        changes=changes_in(a, b, ta, tb, passages, cfg, filled),
        coverage_a=inside_a / len(ta) if len(ta) else 0.0,
        coverage_b=inside_b / len(tb) if len(tb) else 0.0,
    )


def _drop_stray_lines(pairs: list[Pair], ta: Tokens, tb: Tokens, cfg: AlignConfig) -> list[Pair]:
    """Unmatch lines (in A, then in B) that share few scattered words with the other text:
    captions, ads and bylines match a stray 'the' or 'Russia', not a passage."""
    for side, tokens in ((0, ta), (1, tb)):
        words = Counter(tokens.lines)
        matched: Counter[int] = Counter()
        best: dict[int, int] = {}
        run = 0
        for x, p in enumerate(pairs):
            line = tokens.lines[p[side]]
            prev = pairs[x - 1] if x else (-2, -2)
            same = p[0] == prev[0] + 1 and p[1] == prev[1] + 1 and tokens.lines[prev[side]] == line
            run = run + 1 if same else 1
            matched[line] += 1
            best[line] = max(best.get(line, 0), run)
        stray = {
            line
            for line, m in matched.items()
            if m < cfg.min_line_share * words[line] and best[line] < cfg.min_run
        }
        pairs = [p for p in pairs if tokens.lines[p[side]] not in stray]
    return pairs


def _runs(pairs: list[Pair], ta: Tokens, tb: Tokens, cfg: AlignConfig) -> list[list[Pair]]:
    """Split the matches where a gap is too long, or holds a whole unmatched line."""
    runs: list[list[Pair]] = []
    for p in pairs:
        if runs:
            i0, j0 = runs[-1][-1]
            i1, j1 = p
            if (
                i1 - i0 - 1 <= cfg.max_gap
                and j1 - j0 - 1 <= cfg.max_gap
                and not _whole_line(ta, i0, i1)
                and not _whole_line(tb, j0, j1)
            ):
                runs[-1].append(p)
                continue
        runs.append([p])
    return runs


def _whole_line(tokens: Tokens, i0: int, i1: int) -> bool:
    """Whether a word strictly between i0 and i1 lies on a line of neither."""
    first, last = tokens.lines[i0], tokens.lines[i1]
    return last - first >= 2 and any(first < tokens.lines[k] < last for k in range(i0 + 1, i1))


def _passages(
    runs: list[list[Pair]],
    filled: list[list[Pair]],
    texts: tuple[str, str],
    ta: Tokens,
    tb: Tokens,
    cfg: AlignConfig,
) -> tuple[Passage, ...]:
    """Each run as a passage: snapped to its lines' edges when they are near, widened over
    adjacent punctuation, scored by its share of matched words."""
    ext_a = _extents([(r[0][0], r[-1][0]) for r in runs], ta, cfg.max_gap)
    ext_b = _extents([(r[0][1], r[-1][1]) for r in runs], tb, cfg.max_gap)
    a, b = texts
    quotes_a, quotes_b = quote_spans(a), quote_spans(b)
    out = []
    end_a = end_b = 0
    for pairs, (sa, ea), (sb, eb) in zip(filled, ext_a, ext_b, strict=True):
        matched = len(pairs)
        a0, a1 = _widen(a, ta.starts[sa], ta.ends[ea], end_a)
        b0, b1 = _widen(b, tb.starts[sb], tb.ends[eb], end_b)
        end_a, end_b = a1, b1
        words = (ea - sa + 1) + (eb - sb + 1)
        quoted = max(_quoted_share(quotes_a, a0, a1), _quoted_share(quotes_b, b0, b1))
        out.append(
            Passage(
                a_start=a0,
                a_end=a1,
                b_start=b0,
                b_end=b1,
                similarity=2 * matched / words,
                quoted=round(quoted, 4),
            )
        )
    return tuple(out)


def quote_spans(text: str) -> list[Pair]:
    """Character spans between double quotes (straight, curly or angle), each closed at the end
    of its line at the latest: the quotation rule of the fingerprint kernel, on characters."""
    spans: list[Pair] = []
    start = -1
    for m in _QUOTE_OR_LINE.finditer(text):
        if m.group() == "\n":
            if start >= 0:
                spans.append((start, m.start()))
            start = -1
        elif start < 0:
            start = m.end()
        else:
            spans.append((start, m.start()))
            start = -1
    if start >= 0:
        spans.append((start, len(text)))
    return spans


def _quoted_share(spans: list[Pair], start: int, end: int) -> float:
    if end <= start:
        return 0.0
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in spans)
    return inside / (end - start)


def _extents(firsts_lasts: list[Pair], tokens: Tokens, reach: int) -> list[Pair]:
    """Word extents of the runs, each grown to the start and end of its lines when that adds at
    most ``reach`` words and meets no other run."""
    out: list[Pair] = []
    for k, (first, last) in enumerate(firsts_lasts):
        floor = out[-1][1] + 1 if out else 0
        ceil = firsts_lasts[k + 1][0] - 1 if k + 1 < len(firsts_lasts) else len(tokens) - 1
        s = first
        while s > floor and tokens.lines[s - 1] == tokens.lines[first]:
            s -= 1
        e = last
        while e < ceil and tokens.lines[e + 1] == tokens.lines[last]:
            e += 1
        s = (
            s
            if first - s <= reach and (s == 0 or tokens.lines[s - 1] != tokens.lines[s])
            else first
        )
        e = (
            e
            if e - last <= reach
            and (e == len(tokens) - 1 or tokens.lines[e + 1] != tokens.lines[e])
            else last
        )
        out.append((s, e))
    return out


def _widen(text: str, start: int, end: int, floor: int) -> Pair:
    """Grow [start, end) over punctuation touching it (quotes, brackets, the final stop)."""
    while start > floor and not (text[start - 1].isspace() or text[start - 1].isalnum()):
        start -= 1
    while end < len(text) and not (text[end].isspace() or text[end].isalnum()):
        end += 1
    return start, end


def _spans(text: str, tokens: Tokens, covered: list[Pair], kind: str) -> tuple[Span, ...]:
    """The stretches outside ``covered`` that hold a word, trimmed of whitespace."""
    out = []
    cursor = 0
    for lo, hi in [*covered, (len(text), len(text))]:
        start, end = cursor, lo
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        w0, w1 = tokens.span(start, end)
        if w1 > w0:
            out.append(Span(kind=kind, start=start, end=end, text=text[start:end]))
        cursor = max(cursor, hi)
    return tuple(out)


def _mirror(al: Alignment, a: str, b: str) -> Alignment:
    """The same alignment read from the other side: A and B swapped everywhere."""
    from newsdedup.relate.facts import unit_after

    flip = {"inserted": "deleted", "deleted": "inserted"}
    return Alignment(
        passages=tuple(
            Passage(
                a_start=p.b_start,
                a_end=p.b_end,
                b_start=p.a_start,
                b_end=p.a_end,
                similarity=p.similarity,
                quoted=p.quoted,
            )
            for p in al.passages
        ),
        spans=tuple(
            sorted(
                (Span(kind=flip[s.kind], start=s.start, end=s.end, text=s.text) for s in al.spans),
                key=lambda s: (s.kind != "inserted", s.start),
            )
        ),
        changes=tuple(
            Change(
                kind=c.kind,
                a=c.b,
                b=c.a,
                a_start=c.b_start,
                a_end=c.b_end,
                b_start=c.a_start,
                b_end=c.a_end,
                unit=unit_after(b, c.b_end) if c.kind == "number" else None,
            )
            for c in al.changes
        ),
        coverage_a=al.coverage_b,
        coverage_b=al.coverage_a,
    )
