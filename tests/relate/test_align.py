from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from newsdedup import Config
from newsdedup.fingerprint.batch import fingerprint_texts
from newsdedup.relate.align import (
    ALIGN_FIGURES,
    BLOCK_GAP,
    DERIVE_GAP,
    MIN_SPAN,
    align_sets,
    anchor_chain,
    ordered_coverage,
)
from newsdedup.relate.verify import SCORE_COLUMNS, score_pairs

#: The same figures seen from the other text (a and b swapped).
_SWAP_FIGURES = [
    ALIGN_FIGURES.index(n.replace("_a", "_?").replace("_b", "_a").replace("_?", "_b"))
    for n in ALIGN_FIGURES
]


def _u32(values) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.asarray(values, dtype=np.uint32)


def _scores(sa: np.ndarray, sb: np.ndarray, size: int = 2) -> dict[str, float]:
    """The ALIGN_FIGURES by name, token counts as shingling gives them."""
    figures = ordered_coverage(sa, sb, sa.size + size - 1, sb.size + size - 1, size)
    return dict(zip(ALIGN_FIGURES, figures.tolist(), strict=True))


def _coverage(sa: np.ndarray, sb: np.ndarray, size: int = 2) -> tuple[float, float]:
    s = _scores(sa, sb, size)
    return s["coverage_a"], s["coverage_b"]


def _texts(*texts: str) -> dict[str, float]:
    """SCORE_COLUMNS of texts[0] against texts[1], as the engine fingerprints and scores them."""
    config = Config()
    ids = [str(k) for k in range(len(texts))]
    fp = fingerprint_texts(ids, list(texts), [0] * len(texts), config)
    row = score_pairs(fp, np.array([[0, 1]]), size=config.shingle.size, min_containment=0.0)[0]
    return dict(zip(SCORE_COLUMNS, row.tolist(), strict=True))


def test_align_figures_are_named_in_order() -> None:
    assert ALIGN_FIGURES == (
        "coverage_a",
        "coverage_b",
        "block_a",
        "block_b",
        "derived_a",
        "derived_b",
        "quoted",
        "order",
    )
    assert ordered_coverage(_u32([1, 2]), _u32([1, 2]), 3, 3, 2).shape == (len(ALIGN_FIGURES),)


def test_align_sequence_with_itself_covers_everything() -> None:
    s = _u32(np.arange(100, 150))
    # all of it is one verbatim block of narration (nothing quoted), every anchor in order
    assert _scores(s, s) == {name: 0.0 if name == "quoted" else 1.0 for name in ALIGN_FIGURES}
    ia, jb = anchor_chain(s, s)
    assert ia.tolist() == jb.tolist() == list(range(50))


@pytest.mark.parametrize("seed", range(5))
def test_align_anchor_chain_is_strictly_increasing_in_both(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sa = _u32(rng.integers(0, 40, size=120))
    sb = _u32(rng.integers(0, 40, size=90))
    ia, jb = anchor_chain(sa, sb)
    assert len(ia) == len(jb) > 0
    assert (np.diff(ia) > 0).all()
    assert (np.diff(jb) > 0).all()
    assert (sa[ia] == sb[jb]).all()
    # every anchor occurs once in at least one text, and sits at its first occurrence in both
    count_a = {int(v): int(c) for v, c in zip(*np.unique(sa, return_counts=True), strict=True)}
    count_b = {int(v): int(c) for v, c in zip(*np.unique(sb, return_counts=True), strict=True)}
    assert all(count_a[int(v)] == 1 or count_b[int(v)] == 1 for v in sa[ia])
    assert all(int(np.flatnonzero(sa == sa[i])[0]) == i for i in ia)
    assert all(int(np.flatnonzero(sb == sb[j])[0]) == j for j in jb)


def test_align_anchor_chain_is_the_longest_increasing_chain() -> None:
    sa = _u32([1, 2, 9, 3, 4, 8, 5])
    sb = _u32([1, 8, 2, 3, 9, 4, 5])
    ia, jb = anchor_chain(sa, sb)
    assert sa[ia].tolist() == [1, 2, 3, 4, 5]
    assert jb.tolist() == [0, 2, 3, 5, 6]


def test_align_reversed_order_gives_tiny_coverage() -> None:
    s = _u32(np.arange(100))
    cov_a, cov_b = _coverage(s, s[::-1].copy())
    assert cov_a == cov_b == pytest.approx(2 / 101)


def test_align_swapped_halves_cover_only_one_half() -> None:
    first, second = np.arange(0, 60), np.arange(60, 100)
    cov_a, cov_b = _coverage(_u32(np.r_[first, second]), _u32(np.r_[second, first]))
    assert cov_a == pytest.approx(61 / 101)
    assert cov_b == pytest.approx(61 / 101)


def test_align_planted_block_of_shingles() -> None:
    block = np.arange(1000, 1030)
    sa = _u32(np.r_[np.arange(0, 40), block, np.arange(40, 80)])  # 110 shingles
    sb = _u32(np.r_[np.arange(200, 220), block, np.arange(220, 300)])  # 130 shingles
    cov_a, cov_b = _coverage(sa, sb)
    assert cov_a == pytest.approx(31 / 111)
    assert cov_b == pytest.approx(31 / 131)


@pytest.mark.parametrize(
    ("before", "block", "after"), [(40, 30, 40), (0, 50, 100), (100, 20, 0), (5, 120, 7)]
)
def test_align_planted_block_of_words_gives_its_share_of_each_text(
    before: int, block: int, after: int, unique_words: Callable[..., list[str]]
) -> None:
    words = unique_words(2 * (before + after) + block)
    shared = words[:block]
    rest = words[block:]
    a = rest[:before] + shared + rest[before : before + after]
    b = rest[before + after : 2 * before + after] + shared + rest[2 * before + after :]
    fp = fingerprint_texts(["a", "b"], [" ".join(a), " ".join(b)], [0, 0], Config())
    shared, figures = align_sets(
        fp.shingle_set(0),
        fp.shingle_positions(0),
        fp.shingle_set(1),
        fp.shingle_positions(1),
        fp.n_content[0],
        fp.n_content[1],
        2,
        True,
    )
    s = dict(zip(ALIGN_FIGURES, figures.tolist(), strict=True))
    assert shared == max(block - 1, 0)
    assert s["coverage_a"] == pytest.approx(block / len(a))
    assert s["coverage_b"] == pytest.approx(block / len(b))
    # one verbatim block of narration: all of the coverage is in it, and in one derived span
    assert (s["block_a"], s["block_b"]) == (s["coverage_a"], s["coverage_b"])
    assert (s["derived_a"], s["derived_b"]) == (s["coverage_a"], s["coverage_b"])
    assert (s["quoted"], s["order"]) == (0.0, 1.0)


def test_align_without_chain_gives_the_shared_count_alone(
    unique_words: Callable[..., list[str]],
) -> None:
    words = unique_words(60)
    fp = fingerprint_texts(["a", "b"], [" ".join(words), " ".join(words[10:40])], [0, 0], Config())
    args = (fp.shingle_set(0), fp.shingle_positions(0), fp.shingle_set(1), fp.shingle_positions(1))
    shared, figures = align_sets(*args, fp.n_content[0], fp.n_content[1], 2, False)
    assert shared == 29
    assert figures.tolist() == [0.0] * len(ALIGN_FIGURES)


def test_align_a_shingle_repeated_in_one_text_anchors_at_its_first_occurrence() -> None:
    sa = _u32([1, 2, 3])
    sb = _u32([1, 1, 2, 3])
    ia, jb = anchor_chain(sa, sb)
    assert sa[ia].tolist() == [1, 2, 3]
    assert jb.tolist() == [0, 2, 3]


def test_align_a_shingle_repeated_in_both_texts_is_not_an_anchor() -> None:
    ia, jb = anchor_chain(_u32([1, 1, 2, 3]), _u32([1, 2, 1, 3]))
    assert ia.tolist() == [2, 3] and jb.tolist() == [1, 3]


@pytest.mark.parametrize(("sa", "sb"), [([], [1, 2]), ([1, 2], []), ([], [])])
def test_align_empty_sequence_covers_nothing(sa: list[int], sb: list[int]) -> None:
    assert ordered_coverage(_u32(sa), _u32(sb), 3, 3, 2).tolist() == [0.0] * len(ALIGN_FIGURES)


def test_align_no_shared_shingle_covers_nothing() -> None:
    assert _scores(_u32([1, 2, 3]), _u32([4, 5, 6])) == dict.fromkeys(ALIGN_FIGURES, 0.0)
    ia, jb = anchor_chain(_u32([1, 2, 3]), _u32([4, 5, 6]))
    assert ia.size == jb.size == 0


def test_align_short_text_with_one_shingle() -> None:
    # a text of 2 content words with size 3 has one shingle covering both words
    figures = ordered_coverage(_u32([7]), _u32([7]), 2, 2, 3)
    s = dict(zip(ALIGN_FIGURES, figures.tolist(), strict=True))
    assert (s["coverage_a"], s["coverage_b"], s["block_a"], s["block_b"]) == (1.0,) * 4
    assert s["order"] == 1.0
    # one anchor is fewer than MIN_SPAN: no derived span, so nothing derived and nothing quoted
    assert MIN_SPAN > 1
    assert (s["derived_a"], s["derived_b"], s["quoted"]) == (0.0, 0.0, 0.0)


def test_align_coverage_is_symmetric_for_texts_without_repeats() -> None:
    rng = np.random.default_rng(1)
    sa = _u32(rng.permutation(300)[:150])
    sb = _u32(np.r_[sa[20:90], rng.permutation(np.arange(300, 400))[:50]])
    forward = ordered_coverage(sa, sb, sa.size + 1, sb.size + 1, 2)
    backward = ordered_coverage(sb, sa, sb.size + 1, sa.size + 1, 2)
    assert forward[2] > 0 and forward[4] > 0  # the shared run is found, as block and derived
    assert forward == pytest.approx(backward[_SWAP_FIGURES])


def test_align_a_passage_repeated_in_one_text_is_found_either_way_round() -> None:
    passage = np.arange(0, 60)
    sa = _u32(np.r_[passage, passage, np.arange(100, 250)])
    sb = _u32(passage)
    assert _coverage(sa, sb)[1] == pytest.approx(1.0)
    assert _coverage(sb, sa) == pytest.approx(_coverage(sa, sb)[::-1])


def test_align_largest_block_of_two_separate_passages() -> None:
    first, second = np.arange(1000, 1030), np.arange(2000, 2010)
    sa = _u32(np.r_[first, np.arange(0, 20), second, np.arange(20, 60)])  # 100 shingles
    sb = _u32(np.r_[np.arange(100, 140), first, np.arange(140, 160), second])  # 100 shingles
    s = _scores(sa, sb)
    assert (s["coverage_a"], s["coverage_b"]) == pytest.approx((42 / 101, 42 / 101))
    assert (s["block_a"], s["block_b"]) == pytest.approx((31 / 101, 31 / 101))  # 30 shingles
    # far apart, the passages are two derived spans; together they are all of the coverage
    assert (s["derived_a"], s["derived_b"]) == pytest.approx((42 / 101, 42 / 101))


@pytest.mark.parametrize(("gap", "one_block"), [(BLOCK_GAP, True), (BLOCK_GAP + 1, False)])
def test_align_block_survives_small_substitutions(gap: int, one_block: bool) -> None:
    # b is a with (gap - 1) shingles replaced in the middle: anchors step by ``gap`` there
    sa = _u32(np.arange(0, 41))
    sb = sa.copy()
    sb[20 : 20 + gap - 1] = np.arange(500, 500 + gap - 1)
    s = _scores(sa, sb)
    cov_a, block_a = s["coverage_a"], s["block_a"]
    assert cov_a == pytest.approx((44 - gap) / 42)  # each shingle covers two of the 42 tokens
    if one_block:
        assert block_a == cov_a
    else:
        assert block_a == pytest.approx(21 / 42)  # the run before the substitution
    # either way one derived span: the substituted words inside it count as derived
    assert s["derived_a"] == s["derived_b"] == 1.0


@pytest.mark.parametrize(("between", "one_span"), [(DERIVE_GAP, True), (DERIVE_GAP + 1, False)])
def test_align_derived_span_bridges_at_most_derive_gap_words(between: int, one_span: bool) -> None:
    # b is a with ``between + 1`` shingles replaced: the anchors around them leave ``between``
    # tokens uncovered between the end of one (2 tokens wide) and the start of the next
    sa = _u32(np.arange(0, 41))
    sb = sa.copy()
    sb[20 : 20 + between + 1] = np.arange(500, 500 + between + 1)
    s = _scores(sa, sb)
    assert s["coverage_a"] == pytest.approx((42 - between) / 42)
    assert s["block_a"] == pytest.approx(21 / 42)
    if one_span:  # the tokens between count as derived (an edit inside reused narration)
        assert s["derived_a"] == s["derived_b"] == 1.0
    else:  # two spans: the tokens between them are not derived
        assert s["derived_a"] == pytest.approx(s["coverage_a"])
        assert s["derived_b"] == pytest.approx(s["coverage_b"])


def test_align_dispersed_reuse_has_small_blocks() -> None:
    # every other run of 10 shingles shared: half aligns, no block bigger than one run
    runs = [np.arange(100 * k, 100 * k + 10) for k in range(10)]
    sa = _u32(np.concatenate(runs))
    sb = _u32(np.concatenate([r if k % 2 == 0 else r + 50 for k, r in enumerate(runs)]))
    s = _scores(sa, sb)
    assert s["coverage_a"] == s["coverage_b"] == pytest.approx(55 / 101)
    assert s["block_a"] == s["block_b"] == pytest.approx(11 / 101)
    # each run is a derived span of its own (10 fresh shingles between): all of it derived
    assert s["derived_a"] == s["derived_b"] == pytest.approx(55 / 101)
    assert s["order"] == 1.0


# Small news texts for the figures the copy verdict reads (relate/kind.py): derived narration,
# quotation, order. Fingerprinted and scored as the engine does.

_STATEMENT = (
    "We have waited eighteen months for a fair offer, and management has answered every "
    "proposal with silence. Our members handle more cargo than ever before while their wages "
    "fall behind the cost of living. Nobody takes this decision lightly, but we will stay out "
    "until the company returns to the table with a serious plan"
)


def _strike_report(open_quote: str, close_quote: str) -> str:
    return (
        "Dock workers at the port of Rotterdam walked off the job on Monday morning, halting "
        "container traffic at Europe's busiest harbour for the first time in a decade. The "
        "stoppage began at six o'clock, when crane operators at the Maasvlakte terminals left "
        "their cabins. Union leader Jan de Vries addressed the crowd outside the gates. "
        f"{open_quote}{_STATEMENT},{close_quote} he told the workers. Shipping lines began "
        "diverting vessels to Antwerp and Hamburg by the afternoon."
    )


def _other_strike_report(open_quote: str, close_quote: str) -> str:
    return (
        "A strike by harbour staff brought the Dutch port to a standstill this week, with dozens "
        "of ships left waiting at anchor in the North Sea. The terminal operator said it "
        "regretted the action and remained open to talks. Speaking to reporters, the chief "
        f"negotiator was blunt. {open_quote}{_STATEMENT}.{close_quote} Economists warned that a "
        "long dispute could cost the national economy millions of euros a day."
    )


@pytest.mark.parametrize(("open_quote", "close_quote"), [('"', '"'), ("\u201c", "\u201d")])
def test_align_a_shared_quotation_is_quoted_not_derived(open_quote: str, close_quote: str) -> None:
    # two reports written apart, sharing only one long statement they both quote
    quoted = _texts(
        _strike_report(open_quote, close_quote), _other_strike_report(open_quote, close_quote)
    )
    assert quoted["coverage_a"] > 0.3 and quoted["coverage_b"] > 0.3  # the statement aligns
    assert quoted["quoted"] == pytest.approx(1.0)
    assert quoted["derived_a"] == quoted["derived_b"] == pytest.approx(0.0)
    # the same passage as narration (no quotation marks) is derived, and nothing is quoted
    narrated = _texts(_strike_report("", ""), _other_strike_report("", ""))
    assert narrated["quoted"] == 0.0
    assert narrated["derived_a"] > 0.3 and narrated["derived_b"] > 0.3
    assert narrated["derived_a"] == pytest.approx(narrated["coverage_a"])
    # the quote flag changes only what the reuse is called, not what aligns
    for name in ("jaccard", "containment", "coverage_a", "coverage_b", "block_a", "block_b"):
        assert quoted[name] == narrated[name]


_WIRE = [
    "Firefighters battled a wildfire that spread across 1,500 hectares of pine forest north of "
    "Valencia on Tuesday.",
    "Regional authorities evacuated three villages overnight as strong winds pushed the flames "
    "toward the coast.",
    "More than 400 firefighters and eleven water-bombing aircraft were deployed to contain the "
    "blaze.",
    "The emergency services said two firefighters had been treated in hospital for smoke "
    "inhalation.",
    "Investigators believe the fire was started by sparks from agricultural machinery in a dry "
    "field.",
    "Temperatures in the region have exceeded 40 degrees for most of the past fortnight.",
    "Officials warned that the risk of new fires would remain extreme until the weekend.",
    "Residents of the evacuated villages were housed in a sports hall in the nearby town of "
    "Lliria.",
]
#: One word or figure changed in each sentence of _WIRE, as a re-editing desk does.
_EDITS = [
    ("1,500", "1,700"),
    ("villages", "hamlets"),
    ("eleven", "twelve"),
    ("treated in", "taken to"),
    ("agricultural", "farm"),
    ("exceeded", "topped"),
    ("risk", "danger"),
    ("hall", "centre"),
]


def test_align_derived_narration_tolerates_edited_words_and_numbers() -> None:
    wire = " ".join(_WIRE)
    edited = " ".join(s.replace(old, new) for s, (old, new) in zip(_WIRE, _EDITS, strict=True))
    assert edited != wire and len(edited.split()) == len(wire.split())
    verbatim, s = _texts(wire, wire), _texts(wire, edited)
    assert verbatim["block_a"] == verbatim["derived_a"] == 1.0
    # every edit breaks the verbatim block: no run between two edits is a fifth of the text
    assert s["block_a"] < 0.2 and s["block_b"] < 0.2
    assert s["coverage_a"] < 0.95  # the shingles around each edited word are lost
    # but each edited word lies inside a reused sentence: all of both texts is derived
    assert s["derived_a"] == s["derived_b"] == pytest.approx(1.0)
    assert (s["quoted"], s["order"]) == (0.0, 1.0)


_COUNCIL = (
    "Council leader Maria Fernandez presented the plan to the press on Thursday morning. "
    "The city council of Leeds approved a new cycling scheme, promising forty kilometres of "
    "protected lanes by 2027 and a ban on through traffic in the centre."
)
_FESTIVAL = (
    "A jazz festival opened in the harbour district on Friday evening with a concert by a local "
    "big band. Organiser {name} expects twenty thousand visitors over the long weekend."
)
_SHARED = (
    " The city council of Leeds approved a new cycling scheme, promising forty kilometres of "
    "protected lanes by 2027 and a ban on through traffic in the centre."
)


def test_align_one_shared_name_adds_nothing_to_derived() -> None:
    other_name = _texts(_COUNCIL, _FESTIVAL.format(name="Olaf Scholz"))
    same_name = _texts(_COUNCIL, _FESTIVAL.format(name="Maria Fernandez"))
    assert other_name["coverage_a"] == 0.0
    # the name is one isolated anchor: it aligns (coverage), but it is not a derived span
    assert same_name["coverage_a"] > 0 and same_name["coverage_b"] > 0
    assert same_name["derived_a"] == same_name["derived_b"] == 0.0
    assert same_name["quoted"] == 0.0
    # next to a shared sentence, the name changes the coverage and never the derived share
    with_sentence = _texts(_COUNCIL, _FESTIVAL.format(name="Olaf Scholz") + _SHARED)
    with_both = _texts(_COUNCIL, _FESTIVAL.format(name="Maria Fernandez") + _SHARED)
    assert with_sentence["derived_a"] > 0.5
    assert with_both["coverage_a"] > with_sentence["coverage_a"]
    assert (with_both["derived_a"], with_both["derived_b"]) == (
        with_sentence["derived_a"],
        with_sentence["derived_b"],
    )


def test_align_order_is_one_for_the_same_text_and_lower_when_shuffled() -> None:
    wire = " ".join(_WIRE)
    same = _texts(wire, wire)
    shuffled = _texts(wire, " ".join(_WIRE[k] for k in (3, 6, 0, 5, 2, 7, 1, 4)))
    reversed_ = _texts(wire, " ".join(_WIRE[::-1]))
    assert same["order"] == 1.0
    # the same sentences (most shingles shared) in another order: fewer anchors keep their order
    assert shuffled["containment"] > 0.85 and reversed_["containment"] > 0.85
    assert shuffled["order"] < 0.6
    assert reversed_["order"] < shuffled["order"]
    # reversed, only one sentence aligns in order: the coverage is that one verbatim block
    assert reversed_["coverage_a"] == reversed_["block_a"] < 0.25


def test_align_order_of_reversed_shingles_is_one_anchor_in_all() -> None:
    s = _u32(np.arange(100))
    figures = _scores(s, s[::-1].copy())
    assert figures["order"] == pytest.approx(1 / 100)
    assert figures["derived_a"] == 0.0  # one anchor in order is no span
