from __future__ import annotations

from collections.abc import Callable

import pytest

from newsdedup import Article, Config, InputError, Kind, Report, find_copies
from newsdedup.api import group_id
from newsdedup.types import Group, Result


def _groups(result: Result) -> dict[str, dict[str, Kind]]:
    """representative -> {member id: kind}"""
    return {g.representative: {m.id: m.kind for m in g.members} for g in result.groups}


def test_api_finds_every_kind_of_copy(kinds_corpus: list[Article]) -> None:
    result = find_copies(kinds_corpus)
    assert _groups(result) == {
        "base": {
            "base": Kind.ORIGINAL,
            "exact": Kind.EXACT,
            "near": Kind.NEAR,
            "excerpt": Kind.EXCERPT,
            "rewrite": Kind.REWRITE,
        },
        "other": {"other": Kind.ORIGINAL},
    }


def test_api_group_shape(kinds_corpus: list[Article]) -> None:
    result = find_copies(kinds_corpus)
    assert [g.representative for g in result.groups] == sorted(
        g.representative for g in result.groups
    )
    for g in result.groups:
        assert isinstance(g, Group)
        assert g.id == group_id(g.representative)
        assert g.members[0].id == g.representative
        assert g.members[0].kind is Kind.ORIGINAL and g.members[0].scores is None
        assert g.size == len(g.members)
    base = next(g for g in result.groups if g.representative == "base")
    assert [m.id for m in base.members] == [
        "base",
        "exact",
        "near",
        "excerpt",
        "rewrite",
    ]  # by rank
    scores = {m.id: m.scores for m in base.members}
    assert scores["exact"] is not None and scores["exact"].jaccard == 1.0
    assert scores["excerpt"] is not None
    assert scores["excerpt"].coverage_a == 1.0  # the member's coverage comes first
    assert scores["excerpt"].coverage_b == pytest.approx(100 / 300)
    assert (scores["excerpt"].block_a, scores["excerpt"].block_b) == (
        scores["excerpt"].coverage_a,
        scores["excerpt"].coverage_b,
    )
    assert scores["rewrite"] is not None
    assert scores["rewrite"].block_a < scores["rewrite"].coverage_a / 4  # reuse all along


def test_api_group_id_is_stable() -> None:
    assert group_id("base") == group_id("base")
    assert group_id("base") != group_id("other")
    assert group_id("base").startswith("g") and len(group_id("base")) == 17


def test_api_stats(kinds_corpus: list[Article]) -> None:
    stats = find_copies(kinds_corpus).stats
    assert stats.documents == stats.documents_read == 6
    assert stats.rejected == 0 and stats.rejected_by_reason == {}
    assert stats.groups == 1  # groups of two or more
    assert stats.copies_by_kind == {"exact": 1, "near": 1, "excerpt": 1, "rewrite": 1}
    assert stats.candidate_pairs >= stats.verified_pairs >= 3
    assert stats.oversized_buckets == 0
    assert set(stats.seconds) == {"read+fingerprint", "candidates", "verify", "group", "translate"}
    assert stats.languages <= 1 and stats.translation_pairs == 0


def test_api_result_assignments(kinds_corpus: list[Article]) -> None:
    result = find_copies(kinds_corpus)
    assignments = result.assignments()
    assert set(assignments) == {a.id for a in kinds_corpus}
    assert assignments["near"][0] == group_id("base")
    assert assignments["near"][1].kind is Kind.NEAR


def test_api_star_grouping_does_not_chain(
    unique_words: Callable[..., list[str]], article_factory: Callable[..., Article]
) -> None:
    # B rewrites A (keeps A's even blocks of 10 words), C rewrites B (keeps B's odd blocks):
    # A-B and B-C are rewrites, A and C share nothing.
    a, fresh_b, fresh_c = unique_words(200), unique_words(200, 1000), unique_words(200, 2000)
    b = [a[i] if (i // 10) % 2 == 0 else fresh_b[i] for i in range(200)]
    c = [fresh_c[i] if (i // 10) % 2 == 0 else b[i] for i in range(200)]
    articles = [
        article_factory(" ".join(a), id="A", day=0),
        article_factory(" ".join(b), id="B", day=1),
        article_factory(" ".join(c), id="C", day=2),
    ]
    assert _groups(find_copies(articles)) == {
        "A": {"A": Kind.ORIGINAL, "B": Kind.REWRITE},
        "C": {"C": Kind.ORIGINAL},
    }


def test_api_member_joins_through_another_member_only_when_it_verifies(
    unique_words: Callable[..., list[str]], article_factory: Callable[..., Article]
) -> None:
    # B and C both copy most of A, and B-C are linked too: C is verified directly against A.
    text = unique_words(200)
    articles = [
        article_factory(" ".join(text), id="A", day=0),
        article_factory(" ".join(text[:150]), id="B", day=1),
        article_factory(" ".join(text[40:]), id="C", day=2),
    ]
    groups = _groups(find_copies(articles))
    assert set(groups) == {"A"}
    assert set(groups["A"]) == {"A", "B", "C"}


@pytest.mark.parametrize(
    ("policy", "rep"), [("earliest", "early_long"), ("longest", "early_long"), ("id", "a_short")]
)
def test_api_representative_policy(
    policy: str,
    rep: str,
    unique_words: Callable[..., list[str]],
    article_factory: Callable[..., Article],
) -> None:
    words = unique_words(300)
    articles = [
        article_factory(" ".join(words), id="early_long", day=0),
        article_factory(" ".join(words[:250]), id="a_short", day=5),
        article_factory(" ".join(words[:260]), id="b_nodate"),
    ]
    config = Config().override({"group.representative": policy})
    result = find_copies(articles, config)
    assert len(result.groups) == 1
    assert result.groups[0].representative == rep


def test_api_earliest_exact_copy_is_the_representative(
    article_factory: Callable[..., Article],
) -> None:
    articles = [
        article_factory(
            "Markets rallied on Monday after the central bank decision.", id="z", day=3
        ),
        article_factory(
            "MARKETS RALLIED ON MONDAY AFTER THE CENTRAL BANK DECISION.", id="y", day=1
        ),
        article_factory(
            "markets  rallied on monday after the central bank decision. ", id="x", day=2
        ),
    ]
    result = find_copies(articles)
    assert _groups(result) == {"y": {"y": Kind.ORIGINAL, "x": Kind.EXACT, "z": Kind.EXACT}}


def test_api_repeated_id_is_rejected_not_merged(article_factory: Callable[..., Article]) -> None:
    articles = [
        article_factory("first text here", id="same"),
        article_factory("another story", id="same"),
    ]
    result = find_copies(articles)
    assert [m.id for g in result.groups for m in g.members] == ["same"]
    assert len(result.rejected) == 1
    rejected = result.rejected[0]
    assert rejected.reason == "duplicate_id"
    assert str(rejected.origin) == "<article same>"
    assert "'same'" in rejected.detail
    assert result.stats.rejected == 1
    assert result.stats.rejected_by_reason == {"duplicate_id": 1}
    assert result.stats.documents == 1


def test_api_strict_raises_on_a_repeated_id(article_factory: Callable[..., Article]) -> None:
    articles = [article_factory("a b c", id="same"), article_factory("d e f", id="same")]
    with pytest.raises(InputError, match="duplicate_id"):
        find_copies(articles, Config().override({"run.strict": "true"}))
    with pytest.raises(InputError):
        find_copies(articles, report=Report(strict=True))


def test_api_empty_input() -> None:
    result = find_copies([])
    assert result.groups == () and result.rejected == ()
    assert result.stats.documents == 0 and result.stats.groups == 0


def test_api_texts_without_content_words_stay_alone_unless_identical(
    article_factory: Callable[..., Article],
) -> None:
    articles = [
        article_factory("", id="e1"),
        article_factory("   ", id="e2"),
        article_factory("the of and", id="s1"),
        article_factory("and of the", id="s2"),
    ]
    assert _groups(find_copies(articles)) == {
        "e1": {"e1": Kind.ORIGINAL, "e2": Kind.EXACT},
        "s1": {"s1": Kind.ORIGINAL},
        "s2": {"s2": Kind.ORIGINAL},
    }


@pytest.mark.usefixtures("restore_numba_threads")
def test_api_small_batches_and_one_worker_give_the_same_result(kinds_corpus: list[Article]) -> None:
    expected = find_copies(kinds_corpus)
    config = Config().override({"run.batch_size": "2", "run.workers": "1"})
    assert find_copies(kinds_corpus, config).groups == expected.groups


def test_api_accepts_a_generator(kinds_corpus: list[Article]) -> None:
    assert find_copies(a for a in kinds_corpus).groups == find_copies(kinds_corpus).groups


def test_api_progress_is_reported(kinds_corpus: list[Article]) -> None:
    calls: list[tuple[str, int]] = []
    find_copies(
        kinds_corpus,
        Config().override({"run.batch_size": "4"}),
        progress=lambda s, n: calls.append((s, n)),
    )
    assert calls == [("fingerprint", 4), ("fingerprint", 6), ("verify", 6), ("translate", 6)]


def test_api_result_does_not_depend_on_input_order(kinds_corpus: list[Article]) -> None:
    forward = find_copies(kinds_corpus)
    backward = find_copies(kinds_corpus[::-1])
    assert forward.groups == backward.groups


def test_api_result_does_not_depend_on_input_order_with_repeated_passages(
    unique_words: Callable[..., list[str]], article_factory: Callable[..., Article]
) -> None:
    passage, rest = unique_words(60), unique_words(150, 500)
    doubled = article_factory(" ".join(passage + passage + rest), id="doubled")
    single = article_factory(" ".join(passage), id="single")
    assert find_copies([doubled, single]).groups == find_copies([single, doubled]).groups
