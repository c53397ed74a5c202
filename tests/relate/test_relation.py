from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, Kind
from newsdedup.config import RelationConfig
from newsdedup.fingerprint.terms import dates_of
from newsdedup.relate.compare import compare
from newsdedup.relate.kind import story_kind
from newsdedup.relate.story import StoryFigures, names_of, numbers_of, story_figures

_CONFIG = RelationConfig(similarity=0.32, corroborated=0.22, min_rare_names=3)
_WINDOW = 14.0

_SUMMIT = (
    "Vladimir Putin met Xi Jinping on Thursday in Samarkand, Uzbekistan, at the Shanghai "
    "Cooperation Organization summit. The leaders discussed energy exports and the war."
)
_SUMMIT_OTHER = (
    "Chinese leader Xi Jinping travelled abroad for the first time since the pandemic. He sat "
    "down with Putin in Samarkand on Thursday; analysts expect little beyond warm words about "
    "partnership, pipelines and sanctions. Uzbekistan hosts the Shanghai bloc this year."
)
_FLOOD = (
    "Heavy rain flooded the lower town of Dalmore overnight, and the river authority said 240 "
    "homes were evacuated before the embankment gave way near the old mill."
)


def _figures(similarity: float, **kw: object) -> StoryFigures:
    fields: dict[str, object] = {
        "shared_names": (),
        "rare_names": (),
        "shared_dates": (),
        "shared_numbers": (),
        "days_apart": None,
    }
    fields.update(kw)
    return StoryFigures(similarity=similarity, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        (_figures(0.32), Kind.SAME_STORY),
        (_figures(0.3199), Kind.UNRELATED),
        (_figures(0.22, shared_dates=("thursday",)), Kind.SAME_STORY),
        (_figures(0.2199, shared_dates=("thursday",)), Kind.UNRELATED),
        (_figures(0.25, rare_names=("SCO", "Samarkand", "Uzbekistan")), Kind.SAME_STORY),
        (_figures(0.25, rare_names=("SCO", "Samarkand")), Kind.UNRELATED),
        (_figures(0.25, shared_numbers=("3000",)), Kind.UNRELATED),  # numbers do not decide
        (_figures(0.9, days_apart=15.0), Kind.UNRELATED),
        (_figures(0.9, days_apart=14.0), Kind.SAME_STORY),
        (_figures(0.0), Kind.UNRELATED),
    ],
)
def test_relation_story_kind_at_the_thresholds(figures: StoryFigures, expected: Kind) -> None:
    assert story_kind(figures, _CONFIG, _WINDOW) is expected


def test_relation_story_kind_follows_the_config() -> None:
    strict = RelationConfig(similarity=0.5, corroborated=0.4, min_rare_names=1)
    assert story_kind(_figures(0.45), strict, _WINDOW) is Kind.UNRELATED
    assert story_kind(_figures(0.45, rare_names=("SCO",)), strict, _WINDOW) is Kind.SAME_STORY
    assert story_kind(_figures(0.6, days_apart=2.0), strict, 1.0) is Kind.UNRELATED


def test_relation_figures_of_two_reports() -> None:
    f = story_figures(_SUMMIT, _SUMMIT_OTHER, RelationConfig())
    assert {"Samarkand", "Uzbekistan", "Jinping", "Putin"} <= set(f.shared_names)
    assert {"Samarkand", "Uzbekistan"} <= set(f.rare_names)
    assert f.shared_dates == ("thursday",)
    assert f.days_apart is None
    assert story_kind(f, RelationConfig(), _WINDOW) is Kind.SAME_STORY
    assert story_kind(
        story_figures(_SUMMIT, _FLOOD, RelationConfig()), RelationConfig(), _WINDOW
    ) is (Kind.UNRELATED)


def test_relation_publication_dates_far_apart_are_unrelated() -> None:
    a = Article(id="a", text=_SUMMIT, published=datetime(2022, 9, 15))
    b = Article(id="b", text=_SUMMIT_OTHER, published=datetime(2023, 3, 20))
    result = compare(a, b)
    assert result.kind is Kind.UNRELATED
    assert result.scores["days_apart"] == 186.0
    assert "published 186 days apart (> 14): unrelated" in result.reasons
    near = Article(id="b", text=_SUMMIT_OTHER, published=datetime(2022, 9, 16))
    assert compare(a, near).kind is Kind.SAME_STORY


def test_relation_reasons_name_the_deciding_figures() -> None:
    result = compare(Article(id="a", text=_SUMMIT), Article(id="b", text=_SUMMIT_OTHER))
    assert result.as_dict()["kind"] == "same_story"
    assert set(result.as_dict()) == {"a", "b", "kind", "scores", "reasons", "passages"}
    s = result.scores["story_similarity"]
    assert f"story similarity {s:.3f} >= 0.32: same story" in result.reasons
    assert "not a copy: no copy rule holds (copy figures below)" in result.reasons
    assert any(r.startswith("shared rare names") and "Samarkand" in r for r in result.reasons)
    assert "shared dates: thursday" in result.reasons
    unrelated = compare(Article(id="a", text=_SUMMIT), Article(id="b", text=_FLOOD))
    s = unrelated.scores["story_similarity"]
    assert f"story similarity {s:.3f} < 0.22: unrelated" in unrelated.reasons


def test_relation_uniform_weights_need_no_extra() -> None:
    f = story_figures(_SUMMIT, _SUMMIT_OTHER, RelationConfig(weights="uniform"))
    assert 0.0 < f.similarity <= 1.0
    assert f.rare_names == f.shared_names  # without frequencies every name counts as rare


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The summit in Samarkand. But Xi Jinping came.", {"samarkand", "xi", "jinping"}),
        ("Ukraine\u2019s army and NATO's plans", {"ukraine", "nato"}),
        ("University of Samarkand said so", {"university", "samarkand"}),
    ],
)
def test_relation_names_of(text: str, names: set[str]) -> None:
    assert set(names_of(text)) == names


def test_relation_dates_and_numbers_of() -> None:
    text = "On Thursday, September 15, 2022, about 3,000 square km and 7 tanks; March 20."
    assert dates_of(text) == {"thursday", "sep 15", "mar 20"}
    assert numbers_of(text) == {"15", "20", "2022", "3000"}


_texts = st.lists(
    st.sampled_from(_SUMMIT.split() + _FLOOD.split() + _SUMMIT_OTHER.split()), max_size=60
).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(a=_texts, b=_texts)
def test_relation_story_rule_is_symmetric(a: str, b: str) -> None:
    forward, backward = story_figures(a, b, RelationConfig()), story_figures(b, a, RelationConfig())
    assert forward.similarity == pytest.approx(backward.similarity, abs=1e-12)
    assert story_kind(forward, RelationConfig(), _WINDOW) is story_kind(
        backward, RelationConfig(), _WINDOW
    )


@pytest.mark.parametrize(
    ("a", "b"), [(_SUMMIT, _SUMMIT_OTHER), (_SUMMIT, _FLOOD), (_SUMMIT_OTHER, _FLOOD)]
)
def test_relation_verdict_is_symmetric(a: str, b: str) -> None:
    forward = compare(Article(id="a", text=a), Article(id="b", text=b))
    backward = compare(Article(id="b", text=b), Article(id="a", text=a))
    assert forward.kind is backward.kind
    assert forward.scores["story_similarity"] == backward.scores["story_similarity"]


@settings(max_examples=60, deadline=None)
@given(a=_texts)
def test_relation_identical_texts_are_never_unrelated(a: str) -> None:
    kind = compare(Article(id="a", text=a), Article(id="b", text=a)).kind
    assert kind is not Kind.UNRELATED
    assert kind is Kind.EXACT


def _eval_relations():  # type: ignore[no-untyped-def]
    from tests.scripts import load_script

    return load_script("eval/relations.py", "eval_relations")


_ECB_XML = """<Document doc_name="3_2ecbplus.xml" doc_id="DOC1">
<token t_id="1" sentence="0" number="0">http://example.org/quake</token>
<token t_id="2" sentence="1" number="0">A</token>
<token t_id="3" sentence="1" number="1">quake</token>
<token t_id="4" sentence="1" number="2">hit</token>
<token t_id="5" sentence="1" number="3">Aceh</token>
<token t_id="6" sentence="1" number="4">(</token>
<token t_id="7" sentence="1" number="5">Indonesia</token>
<token t_id="8" sentence="1" number="6">)</token>
<token t_id="9" sentence="1" number="7">,</token>
<token t_id="10" sentence="1" number="8">officials</token>
<token t_id="11" sentence="1" number="9">say</token>
<token t_id="12" sentence="1" number="10">.</token>
<token t_id="13" sentence="2" number="0">``</token>
<token t_id="14" sentence="2" number="1">It</token>
<token t_id="15" sentence="2" number="2">was</token>
<token t_id="16" sentence="2" number="3">n't</token>
<token t_id="17" sentence="2" number="4">big</token>
<token t_id="18" sentence="2" number="5">''</token>
</Document>
"""


def test_relation_eval_reads_ecb_xml(tmp_path) -> None:  # type: ignore[no-untyped-def]
    module = _eval_relations()
    topic = tmp_path / "ECB+" / "3"
    topic.mkdir(parents=True)
    (topic / "3_2ecbplus.xml").write_text(_ECB_XML, encoding="utf-8")
    (topic / "3_1ecb.xml").write_text(_ECB_XML.replace("http://example.org/quake", "Quake"))
    assert module.read_ecb_xml(topic / "3_2ecbplus.xml") == (
        'A quake hit Aceh (Indonesia), officials say.\n" It wasn\'t big "'
    )
    articles = module.read_ecb(tmp_path)
    assert [(a.topic, a.event, a.id) for a in articles] == [
        (3, "ecb", "3_1ecb"),
        (3, "ecbplus", "3_2ecbplus"),
    ]
    assert articles[0].text.startswith("Quake\nA quake")
    pairs = module.ecb_pairs(articles, cross=10, seed=1)
    assert [label for *_, label in pairs] == ["other_event"]
