"""What a corpus should contain, checked once, and the plan of each block of 1,000 articles.

The corpus is made block by block so that memory stays bounded at any size: a block fixes which
positions hold originals and which hold copies of which kind (exact counts, by largest
remainder, so small corpora get the requested mix), and which story each original reports.
A copy's parent is drawn from the current and previous block only, so the generator keeps two
blocks of documents and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from newsdedup.errors import invalid_param
from newsdedup.synth.truth import KINDS

__all__ = ["DEFAULT_KINDS", "BlockPlan", "CorpusSpec", "plan_block"]

#: Default mix of copy kinds.
DEFAULT_KINDS: dict[str, float] = {"exact": 0.2, "near": 0.3, "rewrite": 0.3, "excerpt": 0.2}
BLOCK = 1000
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=1096)  # the corpus covers three years, whatever its size
_ARTICLES_PER_STORY = 3.0


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
    original (a local story number), how many stories the block opens, and its time range."""

    lo: int
    hi: int
    kinds: list[str]
    stories: list[int]  # per slot; -1 for copies
    n_stories: int
    start: datetime
    end: datetime


def _largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Integer counts adding up to ``total`` in the proportions of ``weights``."""
    exact = {k: total * w for k, w in weights.items()}
    counts = {k: math.floor(v) for k, v in exact.items()}
    by_remainder = sorted(exact, key=lambda k: (counts[k] - exact[k], KINDS.index(k)))
    for k in by_remainder[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


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
    n = max(spec.n_articles, 1)
    return BlockPlan(
        lo, hi, kinds, stories, n_stories, EPOCH + SPAN * (lo / n), EPOCH + SPAN * (hi / n)
    )
