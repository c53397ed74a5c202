from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

from newsdedup import Article, Config, Kind
from newsdedup.errors import ConfigError
from newsdedup.relate.compare import compare
from newsdedup.relate.kind import derivation_model

_SCORE_KEYS = {
    "jaccard",
    "containment",
    "coverage_a",
    "coverage_b",
    "block_a",
    "block_b",
    "derived_a",
    "derived_b",
    "quoted",
    "order",
    "words_a",
    "words_b",
    "content_words_a",
    "content_words_b",
    "lsh_bands_shared",
    "lsh_bands",
    "exact",
    "story_similarity",
    "shared_names",
    "shared_rare_names",
    "shared_dates",
    "shared_numbers",
}


def _art(id: str, text: str) -> Article:
    return Article(id=id, text=text)


def test_compare_exact_copy(copy_texts: dict[str, str]) -> None:
    a = _art("a", copy_texts["base"])
    b = Article(id="b", text="  " + a.text.upper().replace(" ", " \n "))
    result = compare(a, b)
    assert result.kind is Kind.EXACT
    assert result.scores["exact"] == 1.0
    assert result.scores["jaccard"] == 1.0
    assert result.reasons[0] == "identical after normalisation"


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("base", "near", Kind.NEAR),
        ("base", "excerpt", Kind.EXCERPT),
        ("excerpt", "base", Kind.EXCERPT),
        ("base", "rewrite", Kind.REWRITE),
        ("base", "other", Kind.UNRELATED),
    ],
)
def test_compare_kinds(copy_texts: dict[str, str], a: str, b: str, kind: Kind) -> None:
    result = compare(_art(a, copy_texts[a]), _art(b, copy_texts[b]))
    assert result.kind is kind
    assert result.scores["exact"] == 0.0
    assert "identical after normalisation" not in result.reasons


def test_compare_scores(copy_texts: dict[str, str]) -> None:
    result = compare(_art("base", copy_texts["base"]), _art("excerpt", copy_texts["excerpt"]))
    s = result.scores
    assert set(s) == _SCORE_KEYS
    assert s["words_a"] == 300 and s["words_b"] == 100
    assert s["content_words_a"] == 300 and s["content_words_b"] == 100
    assert s["jaccard"] == pytest.approx(99 / 299, abs=1e-4)
    assert s["containment"] == 1.0
    assert s["coverage_a"] == pytest.approx(100 / 300, abs=1e-4)
    assert s["coverage_b"] == 1.0
    assert (s["block_a"], s["block_b"]) == (s["coverage_a"], s["coverage_b"])  # one passage
    assert (s["derived_a"], s["derived_b"]) == (s["coverage_a"], s["coverage_b"])  # narration
    assert (s["quoted"], s["order"]) == (0.0, 1.0)
    assert s["lsh_bands"] == Config().lsh.bands
    assert 0 < s["lsh_bands_shared"] <= s["lsh_bands"]
    assert all(v == round(v, 4) for v in s.values())


def test_compare_as_dict(copy_texts: dict[str, str]) -> None:
    related = compare(_art("x", copy_texts["base"]), _art("y", copy_texts["near"])).as_dict()
    assert set(related) == {"a", "b", "kind", "scores", "reasons", "passages"}
    assert (related["a"], related["b"], related["kind"]) == ("x", "y", "near")
    # the near copy aligns as passages whose offsets point at the same words in both texts
    assert related["passages"]
    for p in related["passages"]:
        (a0, a1), (b0, b1) = p["a"], p["b"]
        assert copy_texts["base"][a0:a1].split()[:3] == copy_texts["near"][b0:b1].split()[:3]
    unrelated = compare(_art("x", copy_texts["base"]), _art("y", copy_texts["other"])).as_dict()
    assert unrelated["kind"] == "unrelated"
    assert unrelated["scores"]["lsh_bands_shared"] == 0.0


def test_compare_reasons_name_the_thresholds(copy_texts: dict[str, str]) -> None:
    config = Config().override(
        {
            "verify.near_jaccard": "0.9",
            "verify.excerpt_max_ratio": "0.8",
            "verify.excerpt_block": "0.7",
            "verify.condensed_max_ratio": "0.4",
        }
    )
    threshold = derivation_model().threshold
    result = compare(_art("a", copy_texts["base"]), _art("b", copy_texts["other"]), config)
    text = " | ".join(result.reasons)
    assert f"(a copy at >= {threshold:.3f}): not a copy" in text
    assert "near copy at >= 0.9" in text
    assert "condensed at <= 0.4" in text
    assert "excerpt at <= 0.8 with >= 0.7 of it in one verbatim block" in text
    assert f"0 of {config.lsh.bands} LSH bands shared (not an LSH candidate)" in result.reasons


def test_compare_reasons_give_the_derivation_evidence(copy_texts: dict[str, str]) -> None:
    model = derivation_model()
    result = compare(_art("base", copy_texts["base"]), _art("excerpt", copy_texts["excerpt"]))
    s = result.scores
    text = " | ".join(result.reasons)
    verdict = next(r for r in result.reasons if r.startswith("derivation model: p(copy) "))
    p = float(verdict.removeprefix("derivation model: p(copy) ").split()[0])
    assert p >= model.threshold and verdict.endswith(": a copy")
    assert (
        f"derived narration (aligned spans, quotes left out): {s['derived_a']:.3f} of A and "
        f"{s['derived_b']:.3f} of B; the shorter text is B"
    ) in text
    assert f"quotation: {s['quoted']:.3f} of the reused spans" in text
    [weights] = [r for r in result.reasons if r.startswith("contributions to the log-odds: ")]
    assert "derived_short +" in weights  # all of the excerpt is derived: it weighs for a copy
    assert "shorter text is 0.33 of the longer" in text


def _model_file(tmp_path: Path, **changes: object) -> str:
    data = json.loads(resources.files("newsdedup.relate").joinpath("derivation.json").read_text())
    data.update(changes)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_compare_follows_the_config(copy_texts: dict[str, str], tmp_path: Path) -> None:
    a, b = _art("a", copy_texts["base"]), _art("b", copy_texts["rewrite"])
    assert compare(a, b).kind is Kind.REWRITE
    # a user's model that asks more of a copy: no longer a copy, but the same text all along,
    # so the same story
    strict = _model_file(tmp_path, threshold=0.9999)
    assert compare(a, b, Config().override({"verify.model": strict})).kind is Kind.SAME_STORY
    # the kind of a copy follows the length ratios: the excerpt is a third of the base
    base, excerpt = _art("base", copy_texts["base"]), _art("excerpt", copy_texts["excerpt"])
    assert compare(base, excerpt).kind is Kind.EXCERPT
    no_excerpt = Config().override({"verify.excerpt_max_ratio": "0.3"})
    assert compare(base, excerpt, no_excerpt).kind is Kind.CONDENSED
    nor_condensed = no_excerpt.override({"verify.condensed_max_ratio": "0.3"})
    assert compare(base, excerpt, nor_condensed).kind is Kind.REWRITE
    # and its verbatim share: the excerpt is one block, so any excerpt_block keeps it
    assert compare(base, excerpt, Config().override({"verify.excerpt_block": "1.0"})).kind is (
        Kind.EXCERPT
    )


def test_compare_rejects_an_unreadable_model(tmp_path: Path, copy_texts: dict[str, str]) -> None:
    wrong = _model_file(tmp_path, features=["jaccard"])
    config = Config().override({"verify.model": wrong})
    with pytest.raises(ConfigError, match="cannot be read"):
        compare(_art("a", copy_texts["base"]), _art("b", copy_texts["rewrite"]), config)


def test_compare_empty_texts_are_exact() -> None:
    assert compare(Article(id="a", text=""), Article(id="b", text=" \n")).kind is Kind.EXACT


@pytest.mark.parametrize(
    ("a", "b"), [("base", "near"), ("base", "excerpt"), ("base", "rewrite"), ("base", "other")]
)
def test_compare_is_symmetric(copy_texts: dict[str, str], a: str, b: str) -> None:
    forward = compare(_art(a, copy_texts[a]), _art(b, copy_texts[b]))
    backward = compare(_art(b, copy_texts[b]), _art(a, copy_texts[a]))
    assert forward.kind is backward.kind
    assert forward.scores["coverage_a"] == backward.scores["coverage_b"]
    assert forward.scores["jaccard"] == backward.scores["jaccard"]


def test_compare_is_symmetric_when_a_text_repeats_a_passage(
    unique_words: Callable[..., list[str]],
) -> None:
    passage, rest = unique_words(60), unique_words(150, 500)
    doubled = _art("doubled", " ".join(passage + passage + rest))
    single = _art("single", " ".join(passage))
    forward, backward = compare(doubled, single), compare(single, doubled)
    assert forward.kind is backward.kind is Kind.EXCERPT
    assert forward.scores["coverage_a"] == backward.scores["coverage_b"]


def test_compare_one_shared_quotation_is_not_a_copy(
    unique_words: Callable[..., list[str]],
) -> None:
    # two different reports quoting the same long statement: half of each text is one block
    quote = '"' + " ".join(unique_words(100)) + '"'
    a = _art("a", " ".join(unique_words(100, 1000)) + " " + quote)
    b = _art("b", quote + " " + " ".join(unique_words(100, 2000)))
    result = compare(a, b)
    assert result.scores["coverage_a"] == result.scores["coverage_b"] == 0.5
    assert result.scores["block_a"] == result.scores["block_b"] == 0.5
    # all of the reuse is quotation: none of it is derived narration
    assert result.scores["quoted"] == 1.0
    assert result.scores["derived_a"] == result.scores["derived_b"] == 0.0
    assert result.kind is Kind.SAME_STORY  # not a copy; half of each text is shared
    assert any(r.endswith(": not a copy") for r in result.reasons)


def test_compare_one_shared_passage_of_narration_is_a_copy(
    unique_words: Callable[..., list[str]],
) -> None:
    # the same texts without the quotation marks: half of each is the same narration
    passage = unique_words(100)
    a = _art("a", " ".join(unique_words(100, 1000) + passage))
    b = _art("b", " ".join(passage + unique_words(100, 2000)))
    result = compare(a, b)
    assert result.scores["quoted"] == 0.0
    assert result.scores["derived_a"] == result.scores["derived_b"] == 0.5
    assert result.kind is Kind.REWRITE  # a copy, of equal length and not near


def test_compare_marks_a_shared_quotation_apart_from_narration() -> None:
    """Two reports that share only a statement (a paragraph of their own): the aligned passage
    is a quotation, and the verdict says why it is not a copy."""
    statement = (
        "\u201cWe have reached an agreement that protects every worker in the three plants and "
        "secures the pension fund for the next ten years,\u201d the union president said."
    )
    a = _art(
        "a",
        "Workers at the carmaker voted on Monday to end a strike that had closed production "
        "for almost three weeks.\n" + statement + "\nManagement confirmed the vote in a short "
        "note to suppliers and said production would resume on Wednesday morning.",
    )
    b = _art(
        "b",
        "A three-week walkout at the car factories is over after a ballot of members late on "
        "Monday evening.\n" + statement + "\nAnalysts expect the company to report lower "
        "quarterly sales because of the lost output, which they put at forty thousand cars.",
    )
    result = compare(a, b)
    assert result.kind.value in {"same_story", "unrelated"}
    quoted = [p for p in result.passages if p["quoted"] >= 0.5]
    assert quoted, result.passages
    assert "agreement" in str(quoted[0]["text_a"]) + str(quoted[0]["text_b"])
    assert result.scores["quoted"] >= 0.5
    assert any("of them quotations" in r and not r.startswith("0 ") for r in result.reasons)
