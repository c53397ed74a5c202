"""What a corpus should contain, checked once, and the plan of each block of 1,000 articles.

The corpus is made block by block so that memory stays bounded at any size: a block fixes which
positions hold originals and which hold copies of which kind (exact counts, by largest
remainder, so small corpora get the requested mix), and which story each original reports.
A copy's parent is drawn from the current and previous block only, so the generator keeps two
blocks of documents and nothing else.

Two phenomena need planning ahead, because the generator cannot revise what it has already
written: a press release must come before the sites that repost it, and an original that shares
long quotes must have a partner of its story that quotes them too. Their draws come after all
others of the block, and only when asked for, so the default corpus keeps its bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from newsdedup.errors import invalid_param
from newsdedup.synth.truth import KINDS

__all__ = ["DEFAULT_KINDS", "BlockPlan", "CorpusSpec", "parse_kinds", "plan_block"]

#: Default mix of copy kinds: the four kinds the generator first had, so that corpora made
#: before the others existed are made again byte for byte.
DEFAULT_KINDS: dict[str, float] = {"exact": 0.2, "near": 0.3, "rewrite": 0.3, "excerpt": 0.2}
BLOCK = 1000
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=1096)  # the corpus covers three years, whatever its size
_ARTICLES_PER_STORY = 3.0
_REPOSTS_PER_RELEASE = 3.0  # mean; every release gets at least two


def _kinds_param(kinds: dict[str, float] | None) -> dict[str, float]:
    kinds = DEFAULT_KINDS if kinds is None else kinds
    allowed = f"a dict from {', '.join(map(repr, KINDS))} to weights >= 0 with a positive sum"
    ok = isinstance(kinds, dict) and set(kinds) <= set(KINDS)
    values = list(kinds.values()) if ok else []
    bad = any(not isinstance(v, int | float) or not math.isfinite(v) or v < 0 for v in values)
    if not ok or bad or sum(values) <= 0:
        raise invalid_param("kinds", "generate_corpus", allowed, kinds)
    total = float(sum(values))
    return {k: kinds.get(k, 0.0) / total for k in KINDS}


def parse_kinds(text: str) -> dict[str, float]:
    """A kind mix written as ``"exact=0.2,near=0.3,condensed=0.5"`` (the command line's form).

    Raises ``ValueError`` naming the first bad entry and the kinds allowed; whether the weights
    make a valid mix is left to ``generate_corpus``.
    """
    out: dict[str, float] = {}
    allowed = ", ".join(KINDS)
    for entry in text.split(","):
        name, eq, value = (part.strip() for part in entry.partition("="))
        if name not in KINDS:
            raise ValueError(f"unknown kind in {entry.strip()!r}; allowed kinds: {allowed}")
        try:
            weight = float(value) if eq else math.nan
        except ValueError:
            weight = math.nan
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"{entry.strip()!r} needs KIND=WEIGHT with a weight >= 0")
        if name in out:
            raise ValueError(f"kind {name!r} is given twice")
        out[name] = weight
    if sum(out.values()) <= 0:
        raise ValueError(f"the weights in {text!r} must have a positive sum")
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class CorpusSpec:
    """The validated parameters of one corpus (see ``generate_corpus`` for their meaning)."""

    n_articles: int
    seed: int = 0
    copy_rate: float = 0.3
    kinds: dict[str, float] | None = None
    words: int = 500
    stories: int | None = None
    intensity: tuple[float, float] = (0.0, 1.0)
    chain_rate: float = 0.1  #: share of copies made from an earlier copy rather than an original
    undated_rate: float = 0.08  #: share of copies published without a date
    #: share of originals that also quote long passages verbatim, as another of their story does
    shared_quotes: float = 0.0
    mix: dict[str, float] = field(init=False)  #: ``kinds`` checked and scaled to sum to 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "mix", _kinds_param(self.kinds))
        _check_int(self, "n_articles", 0)
        _check_int(self, "seed", 0)
        _check_int(self, "words", 20)
        if self.stories is not None:
            _check_int(self, "stories", 1)
        _check_unit(self, "copy_rate", self.copy_rate, hi_open=True)
        _check_unit(self, "chain_rate", self.chain_rate)
        _check_unit(self, "undated_rate", self.undated_rate)
        _check_unit(self, "shared_quotes", self.shared_quotes)
        lo, hi = self.intensity if _is_pair(self.intensity) else (-1.0, -1.0)
        if not 0.0 <= lo <= hi <= 1.0:
            raise invalid_param(
                "intensity", "generate_corpus", "a pair lo <= hi in [0, 1]", self.intensity
            )


def _is_pair(value: object) -> bool:
    return (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )


def _check_int(spec: CorpusSpec, name: str, lo: int) -> None:
    value = getattr(spec, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise invalid_param(name, "generate_corpus", f"an int >= {lo}", value)


def _check_unit(spec: CorpusSpec, name: str, value: object, *, hi_open: bool = False) -> None:
    bad = isinstance(value, bool) or not isinstance(value, int | float)
    if bad or not (0.0 <= value < 1.0 if hi_open else 0.0 <= value <= 1.0):  # type: ignore[operator]
        interval = "[0, 1)" if hi_open else "[0, 1]"
        raise invalid_param(name, "generate_corpus", f"a number in {interval}", value)


@dataclass(frozen=True, slots=True)
class BlockPlan:
    """Positions ``lo``..``hi`` of the corpus: the kind of each slot, the story of each
    original (a local story number), how many stories the block opens, and its time range.

    ``families`` maps the offset of each press release and of each of its reposts to a local
    family number (the release always comes first); ``quoting`` holds the offsets of the
    originals that quote long passages shared with another original of their story.
    """

    lo: int
    hi: int
    kinds: list[str]
    stories: list[int]  # per slot; -1 for copies
    n_stories: int
    start: datetime
    end: datetime
    families: dict[int, int] = field(default_factory=dict)
    quoting: frozenset[int] = frozenset()


def _largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Integer counts adding up to ``total`` in the proportions of ``weights``."""
    exact = {k: total * w for k, w in weights.items() if w > 0}
    counts = {k: math.floor(v) for k, v in exact.items()}
    by_remainder = sorted(exact, key=lambda k: (counts[k] - exact[k], KINDS.index(k)))
    for k in by_remainder[: total - sum(counts.values())]:
        counts[k] += 1
    return {k: counts.get(k, 0) for k in weights}


def _slot_kinds(spec: CorpusSpec, gen: np.random.Generator, m: int, first: bool) -> list[str]:
    """The kind of each of ``m`` positions, shuffled; at least one original per block."""
    copies = min(round(spec.copy_rate * m), m - 1)
    counts = _largest_remainder(copies, spec.mix)
    slots = ["original"] * (m - copies) + [k for k in KINDS for _ in range(counts[k])]
    order = gen.permutation(m).tolist()
    kinds = [slots[i] for i in order]
    if first and kinds[0] != "original":  # the very first article has nothing to copy
        j = kinds.index("original")
        kinds[0], kinds[j] = kinds[j], kinds[0]
    return kinds


def _story_slots(
    spec: CorpusSpec, gen: np.random.Generator, n_orig: int, m: int
) -> tuple[list[int], int]:
    """A story per original: every story gets one, the rest follow a Zipf law (big events)."""
    if spec.stories is None:
        n_stories = max(1, round(n_orig / _ARTICLES_PER_STORY))
    else:
        n_stories = max(1, round(spec.stories * m / max(spec.n_articles, 1)))
    n_stories = min(n_stories, n_orig)
    weights = 1.0 / (np.arange(n_stories) + 1.0)
    cdf = np.cumsum(weights) / weights.sum()
    extra = np.searchsorted(cdf, gen.random(n_orig - n_stories), side="right")
    assigned = np.concatenate([gen.permutation(n_stories), np.minimum(extra, n_stories - 1)])
    return gen.permutation(assigned).tolist(), n_stories


def plan_block(spec: CorpusSpec, gen: np.random.Generator, block: int) -> BlockPlan:
    """The plan of block number ``block``: a pure function of the spec and ``gen``'s seed."""
    lo, hi = block * BLOCK, min((block + 1) * BLOCK, spec.n_articles)
    kinds = _slot_kinds(spec, gen, hi - lo, block == 0)
    n_orig = kinds.count("original")
    assigned, n_stories = _story_slots(spec, gen, n_orig, hi - lo)
    it = iter(assigned)
    stories = [next(it) if k == "original" else -1 for k in kinds]
    families = _families(gen, kinds, stories) if "repost" in kinds else {}
    quoting = _quoting(spec, gen, kinds, stories, families) if spec.shared_quotes else frozenset()
    n = max(spec.n_articles, 1)
    return BlockPlan(
        lo,
        hi,
        kinds,
        stories,
        n_stories,
        EPOCH + SPAN * (lo / n),
        EPOCH + SPAN * (hi / n),
        families,
        quoting,
    )


def _families(gen: np.random.Generator, kinds: list[str], stories: list[int]) -> dict[int, int]:
    """Group the block's reposts into families of at least two (sizes skewed: some releases
    are picked up everywhere) and give each an original, its press release, placed before
    all of them. When no free original precedes a family, the family's first repost and the
    next free original change places (kinds and stories both), which keeps the counts exact.
    """
    reposts = [i for i, k in enumerate(kinds) if k == "repost"]
    n_orig = kinds.count("original")
    n_fam = max(1, min(round(len(reposts) / _REPOSTS_PER_RELEASE), len(reposts) // 2, n_orig - 1))
    n_fam = min(n_fam, n_orig)
    extra = len(reposts) - 2 * n_fam
    weights = 1.0 / (np.arange(n_fam) + 1.0)
    skewed = gen.choice(n_fam, size=max(extra, 0), p=weights / weights.sum()).tolist()
    labels = [f for f in range(n_fam) for _ in range(2)][: len(reposts)] + skewed
    labels = [labels[i] for i in gen.permutation(len(labels)).tolist()]
    members: dict[int, list[int]] = {}
    for at, f in zip(reposts, labels, strict=True):
        members.setdefault(f, []).append(at)
    free = {i for i, k in enumerate(kinds) if k == "original"}
    if n_orig > 1:  # the block's first original stays plain: other copies need one to copy
        free.discard(kinds.index("original"))
    out: dict[int, int] = {}
    for f, slots in sorted(members.items(), key=lambda kv: kv[1][0]):
        first = slots[0]
        before = sorted(i for i in free if i < first)
        if before:
            release = before[int(gen.integers(len(before)))]
        else:  # swap the first repost with the next free original
            release, later = first, min(free)
            kinds[first], kinds[later] = kinds[later], kinds[first]
            stories[first], stories[later] = stories[later], stories[first]
            free.add(first)
            free.discard(later)
            slots = sorted([*slots[1:], later])
        free.discard(release)
        out[release] = f
        out.update(dict.fromkeys(slots, f))
    return out


def _quoting(
    spec: CorpusSpec,
    gen: np.random.Generator,
    kinds: list[str],
    stories: list[int],
    families: dict[int, int],
) -> frozenset[int]:
    """About ``shared_quotes`` of the originals (one more at most), two or more per story: an
    original is chosen with a partner of its story (not a press release) that quotes with it,
    so the share is bounded by the originals whose story has another.
    """
    by_story: dict[int, list[int]] = {}
    for i, k in enumerate(kinds):
        if k == "original" and i not in families:
            by_story.setdefault(stories[i], []).append(i)
    eligible = [i for slots in by_story.values() if len(slots) > 1 for i in slots]
    target = round(spec.shared_quotes * sum(len(s) for s in by_story.values()))
    chosen: set[int] = set()
    for j in gen.permutation(len(eligible)).tolist():
        if len(chosen) >= target:
            break
        i = eligible[j]
        if i in chosen:
            continue
        slots = by_story[stories[i]]
        if not any(k in chosen for k in slots):  # the first of its story: give it a partner
            rest = [k for k in slots if k != i]
            chosen.add(rest[int(gen.integers(len(rest)))])
        chosen.add(i)
    return frozenset(chosen)
