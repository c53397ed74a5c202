"""Translated copies: an article and its translation share a group, kind translation; an
article with no translation stays alone; a corpus in one language never runs the encoder."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, Config, Kind, find_copies, find_stories
from newsdedup.fingerprint import anchors
from newsdedup.fingerprint.anchors import (
    LONG_SAMPLE,
    SAMPLE,
    _guess,
    _head,
    anchor_keys,
    guess_language,
    skeleton,
)
from newsdedup.group import translations as stage
from newsdedup.group.copies import Assignment, join_translations
from newsdedup.relate.explain import explain_group

EN = (
    "The European Central Bank raised its key interest rate by 0.75 percentage points on "
    "Thursday, the largest increase in its history, as inflation in the eurozone reached 9.1 "
    "percent in August. ECB President Christine Lagarde said in Frankfurt that further "
    "increases would follow at the next meetings. The deposit rate now stands at 0.75 percent, "
    "and economists at Deutsche Bank expect it to reach 2 percent by March 2023."
)
DE = (
    "Die Europäische Zentralbank hat ihren Leitzins am Donnerstag um 0,75 Prozentpunkte "
    "angehoben, die größte Erhöhung in ihrer Geschichte, da die Inflation in der Eurozone im "
    "August 9,1 Prozent erreichte. EZB-Präsidentin Christine Lagarde sagte in Frankfurt, dass "
    "bei den nächsten Sitzungen weitere Erhöhungen folgen würden. Der Einlagensatz liegt nun "
    "bei 0,75 Prozent, und Ökonomen der Deutschen Bank erwarten bis März 2023 2 Prozent."
)
FR = (
    "La Banque centrale européenne a relevé jeudi son principal taux directeur de 0,75 point "
    "de pourcentage, la plus forte hausse de son histoire, alors que l'inflation dans la zone "
    "euro a atteint 9,1 % en août. La présidente de la BCE, Christine Lagarde, a déclaré à "
    "Francfort que d'autres hausses suivraient lors des prochaines réunions. Le taux de dépôt "
    "est désormais de 0,75 %, et les économistes de la Deutsche Bank s'attendent à 2 % d'ici "
    "mars 2023."
)
#: Same topic, another story: a German article on the government's relief package.
DE_OTHER = (
    "Die Bundesregierung hat am Mittwoch in Berlin ein neues Entlastungspaket vorgestellt. "
    "Bundeskanzler Olaf Scholz sagte, die Maßnahmen würden 65 Milliarden Euro kosten und "
    "Familien sowie Rentner entlasten. Die Opposition kritisierte, das Paket komme zu spät, "
    "während die Inflation weiter steige und die Energiepreise auf Rekordniveau lägen."
)
#: English, no translation in the corpus.
EN_ALONE = (
    "Heavy rain flooded parts of Pakistan's Sindh province on Monday, officials in Karachi "
    "said, forcing 40,000 people from their homes. The national disaster agency said the "
    "monsoon had been the wettest since 1961 and that relief flights would begin on Tuesday."
)


def _corpus() -> list[Article]:
    return [
        Article(id="en", text=EN),
        Article(id="de", text=DE),
        Article(id="fr", text=FR),
        Article(id="de-other", text=DE_OTHER),
        Article(id="en-alone", text=EN_ALONE),
    ]


def _placement(result) -> dict[str, tuple[str, Kind]]:  # type: ignore[no-untyped-def]
    return {m.id: (g.representative, m.kind) for g in result.groups for m in g.members}


def test_translate_groups_an_article_with_its_translations() -> None:
    result = find_copies(_corpus())
    where = _placement(result)
    assert where["de"][0] == where["fr"][0] == where["en"][0]
    assert {where["de"][1], where["fr"][1], where["en"][1]} == {Kind.ORIGINAL, Kind.TRANSLATION}
    member = next(m for g in result.groups for m in g.members if m.kind is Kind.TRANSLATION)
    assert member.translation is not None
    assert member.translation.lang != member.translation.partner_lang
    assert member.translation.score >= Config().translate.min_score
    assert result.stats.languages == 3
    assert result.stats.translation_pairs >= 2


def test_translate_leaves_look_alikes_and_untranslated_articles_alone() -> None:
    where = _placement(find_copies(_corpus()))
    assert where["de-other"] == ("de-other", Kind.ORIGINAL)
    assert where["en-alone"] == ("en-alone", Kind.ORIGINAL)


def test_translate_does_not_depend_on_input_order() -> None:
    articles = _corpus()
    assert _placement(find_copies(articles)) == _placement(find_copies(articles[::-1]))


def test_translate_never_encodes_a_corpus_in_one_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_: object, **__: object) -> np.ndarray:
        raise AssertionError("the encoder ran on a corpus in one language")

    monkeypatch.setattr(stage, "encode_leads", refuse)
    articles = [Article(id="en", text=EN), Article(id="alone", text=EN_ALONE)]
    articles.append(Article(id="copy", text=EN.replace("Thursday", "Friday")))
    on = find_copies(articles)
    off = find_copies(articles, Config().override({"translate.enabled": "false"}))
    assert _placement(on) == _placement(off)
    assert on.stats.languages == 1 and on.stats.translation_pairs == 0


def test_translate_off_finds_no_translation() -> None:
    result = find_copies(_corpus(), Config().override({"translate.enabled": "false"}))
    assert all(m.kind is not Kind.TRANSLATION for g in result.groups for m in g.members)


def test_translate_takes_the_language_the_clean_stage_told() -> None:
    # every article told English (as a reader field would): no pair crosses languages
    articles = [replace(a, lang="en") for a in _corpus()]
    result = find_copies(articles)
    assert all(m.kind is not Kind.TRANSLATION for g in result.groups for m in g.members)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (EN, "en"),
        (DE, "de"),
        (FR, "fr"),
        ("Президент России Владимир Путин и председатель", "ru"),
        ("習近平国家主席はサマルカンドでプーチン大統領と会談した。", "ja"),
        ("ok", ""),
    ],
)
def test_anchors_guess_language(text: str, lang: str) -> None:
    assert guess_language(text) == lang


def test_guess_language_reads_on_where_its_sample_leaves_it_open() -> None:
    # names and jargon up front: Czech's "to", "a", "do", "by" outvote English's "the", "to" in
    # the first SAMPLE characters (the generated 1M corpus had such texts); the rest is English
    head = "Sondskoond to a shiesh do bol by the glyt to stil pryspoock a Zindfrongbri. "
    head += "Kroom " * ((SAMPLE - len(head)) // 6 + 1)
    body = "It said that the plan was for the city and it is with the people of the region. " * 5
    assert sum(w in {"to", "a", "do", "by"} for w in head.lower().split()) >= 4
    assert guess_language(head[:SAMPLE]) == "cs"  # the sample alone is fooled
    assert guess_language(head + body) == "en"
    cs = (
        "Vláda to a soud do roka. "
        + "Řekl, že se to na jaře stalo, a je to tak, jako by to bylo. " * 6
    )
    assert guess_language(cs) == "cs"  # a real Czech text stays Czech when read on


_WORDS = st.sampled_from(
    ["the", "of", "to", "a", "do", "by", "je", "se", "na", "og", "och", "und", "le", "и", "в", "xq"]
)


@settings(max_examples=60)
@given(st.lists(_WORDS, min_size=1, max_size=700), st.lists(_WORDS, max_size=50))
def test_guess_language_reads_no_further_than_its_long_sample(
    words: list[str], more: list[str]
) -> None:
    text = " ".join(words)
    guess = guess_language(text)
    assert guess in (guess_language(_head(text, SAMPLE)), guess_language(_head(text, LONG_SAMPLE)))
    if len(text) > LONG_SAMPLE:  # past LONG_SAMPLE (and the character that ends its word)
        assert guess_language(text[: LONG_SAMPLE + 1] + " ".join(more)) == guess


def test_guess_language_counts_no_word_its_sample_cuts() -> None:
    # "на" (a Russian and a Ukrainian function word) is the first letters of "наш" where SAMPLE
    # cuts it: with Ukrainian's one-letter "i" it made pseudo-Russian text Ukrainian (the family's
    # Cyrillic corpus had three such texts, which woke the translation stage)
    head = ("Кроот і брысь " + "дрюм " * 100)[: SAMPLE - 3] + " "  # noqa: RUF001
    text = head + "наш " + "гвымр слют " * 40
    assert text[:SAMPLE].split()[-1] == "на" and text[SAMPLE] == "ш"
    assert _guess(text[:SAMPLE])[0] == "uk"  # the cut word counted
    assert guess_language(text) == "ru"  # no function word settles it: the script's language
    assert _head(text, SAMPLE) == head.rstrip()
    assert _head("a b", 10) == "a b" and _head("ab cd", 4) == "ab" and _head("abcd", 2) == "ab"
    assert _head("ab cd", 2) == "ab"  # the cut falls between words


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list(" \t\n\u00a0\u2028\x1c.,;:!?()[]\"'«»„“”‘’-–—/")),  # noqa: RUF001
            st.sampled_from(list("aZи ДёШ语")),
            st.characters(),
        )
    )
)
def test_sample_words_are_the_runs_between_spaces_and_cling(text: str) -> None:
    # the words a regex of the runs found before sample_words split on spaces instead
    runs = re.compile("[^\\s" + re.escape(anchors._CLING) + "]+")
    low = text.lower()
    assert anchors.sample_words(low) == set(runs.findall(low))


def test_guess_language_takes_a_weak_ukrainian_guess_for_russian() -> None:
    # two Ukrainian function words and a lead of one, read on to LONG_SAMPLE: the family's
    # pseudo-Russian texts that woke the translation stage; real Ukrainian is a sure guess
    weak = "Кроот і брысь на дрюм. " + "гвымр слют дрюм " * 150  # noqa: RUF001
    assert _guess(_head(weak, SAMPLE))[:2] == ("uk", 2)
    assert guess_language(weak) == "ru"
    assert guess_language(weak[:SAMPLE]) == "ru"
    sure = "Він сказав, що це не так, і що він не знає, як це було. " * 8  # noqa: RUF001
    assert guess_language(sure) == "uk"


def test_anchors_agree_across_scripts_and_number_formats() -> None:
    assert skeleton("Путин") == skeleton("Putin") == skeleton("Poutine")
    assert skeleton("Зеленский") == skeleton("Zelensky")
    assert skeleton("Xi") == ""  # too short to tell names apart
    en, de = anchor_keys("1,000 soldiers and Putin"), anchor_keys("1.000 Soldaten und Путин")
    assert len(np.intersect1d(en, de)) == 2


def test_join_translations_keeps_the_best_ranked_representative() -> None:
    # groups {0, 1} and {2}; 2 (ranked first) translates 1: one group under 2
    assignment = Assignment(
        center=np.array([0, 0, 2]),
        kind=np.array([0, 3, 0], np.int8),
        scores=np.full((3, 10), np.nan),
    )
    joined, via = join_translations(assignment, np.array([1, 2, 0]), np.array([[1, 2]]))
    assert joined.center.tolist() == [2, 2, 2]
    assert joined.kind.tolist() == [6, 6, 0]
    assert via == {0: (0, 2), 1: (0, 2)}


def test_translate_puts_a_story_in_several_languages() -> None:
    stories = find_stories(_corpus()).stories
    story_of = {m: s.id for s in stories for m in s.members}
    assert story_of["en"] == story_of["de"] == story_of["fr"]
    assert story_of["de-other"] != story_of["en"]


def test_translate_explain_aligns_a_translation_by_paragraphs() -> None:
    articles = {a.id: a for a in _corpus()}
    result = find_copies(list(articles.values()))
    group = next(g for g in result.groups if g.size == 3)
    rows = explain_group(group, articles, Config())
    for member in group.members:
        if member.kind is Kind.TRANSLATION:  # word alignment finds nothing across languages
            assert rows[member.id]["coverage"] >= 0.9


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(range(5)), min_size=2, max_size=7), st.randoms())
def test_translate_invariants_over_subsets_in_any_order(picks: list[int], rng) -> None:  # type: ignore[no-untyped-def]
    """Any subset of the fixture (repeats become exact copies under new ids), in any order:
    every article lands in one group, and the groups do not depend on the order."""
    base = _corpus()
    articles = [replace(base[k], id=f"{base[k].id}-{n}") for n, k in enumerate(picks)]
    shuffled = list(articles)
    rng.shuffle(shuffled)
    first, second = find_copies(articles), find_copies(shuffled)
    assert sorted(m.id for g in first.groups for m in g.members) == sorted(a.id for a in articles)
    assert _placement(first) == _placement(second)


@pytest.mark.parametrize("per_language", [1, 3])
def test_translate_one_article_of_a_rare_language_is_not_everyones_translation(
    per_language: int,
) -> None:
    """The cyrillic corpus of benchmarks/bench_family.py: 3 articles guessed Ukrainian among
    thousands of Russian pseudo-word ones, whose encoder vectors are all alike. Each Russian
    article's only candidate in Ukrainian was its best by default, and the lone Ukrainian
    article took 1,186 of 5,003 as translations. The Ukrainian side now has to rank a partner
    among its ``per_language`` best in Russian."""
    from newsdedup.config import TranslateConfig
    from newsdedup.fingerprint.multilingual import DIM
    from newsdedup.relate.translate import translation_pairs

    n_ru = 8
    langs = ["uk"] + ["ru"] * n_ru
    keys = [np.array([11, 12, 13], np.uint64)] * len(langs)  # one and the same anchors

    def alike(leads: list[str]) -> np.ndarray:
        out = np.zeros((len(leads), DIM), np.float32)
        out[:, 0] = 1.0
        return out

    config = TranslateConfig(per_language=per_language)
    found = translation_pairs(langs, keys, ["lead"] * len(langs), config, alike)
    partners = [t.b if t.a == 0 else t.a for t in found.pairs]
    assert all(0 in (t.a, t.b) for t in found.pairs)
    assert len(partners) == per_language  # the Ukrainian article's first per_language only
    assert partners == list(range(1, per_language + 1))  # ties: the smaller index first


def test_translate_candidates_of_a_few_articles_in_another_language_stay_few() -> None:
    """A corpus in one language with a few articles guessed in another (bench_family's real
    corpus: 11 of 5,000): every article kept its best partners in any language, so each
    English article kept the few others and was encoded (35,899 candidates, 4,684 articles
    encoded, 10.4 s). A pair is now among the ``candidates`` best of both sides in each
    other's language: at most ``candidates`` per article of the rare language."""
    from newsdedup.config import TranslateConfig
    from newsdedup.fingerprint.multilingual import DIM
    from newsdedup.relate.translate import translation_pairs

    langs = ["de", "de"] + ["en"] * 60
    keys = [np.array([5, 6, 7], np.uint64)] * len(langs)
    encoded: list[int] = []

    def spread(leads: list[str]) -> np.ndarray:
        encoded.append(len(leads))
        out = np.random.default_rng(1).normal(size=(len(leads), DIM)).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    config = TranslateConfig(candidates=8)
    found = translation_pairs(langs, keys, [f"lead {i}" for i in range(62)], config, spread)
    assert 0 < found.candidates <= 2 * 8
    assert sum(encoded) <= 2 + 2 * 8  # the two German articles and their partners only


#: The punctuation the guess splits words on, as str.translate replaced it before.
_PUNCTUATION = ".,;:!?()[]\"'\u00ab\u00bb\u201e\u201c\u201d\u2018\u2019-\u2013\u2014/"
_CLING_BEFORE = str.maketrans({c: " " for c in _PUNCTUATION})
#: Letters and white space, with the Kelvin sign and dotted I (lower-cased, K becomes ASCII)
_LETTERS_AND_SPACES = "abc \u0438\u044f\u017e\u03a9\t\n\u00a0\u2028\x1c\u212a\u0130"


@given(
    st.text(
        alphabet=st.sampled_from(list(_LETTERS_AND_SPACES + _PUNCTUATION)) | st.characters(),
        max_size=80,
    )
)
@settings(max_examples=300)
def test_anchors_sample_words_split_as_str_translate_did(text: str) -> None:
    """The language guess's words (bytes.translate for ASCII, a regex otherwise: 1.3x and 2x
    faster) are the words str.translate and split gave, for any text."""
    from newsdedup.fingerprint.anchors import sample_words

    low = text.lower()
    assert sample_words(low) == set(low.translate(_CLING_BEFORE).split())


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "en", "en", "en", "de", "cs"]),
            st.lists(st.integers(1, 12), max_size=6),
        ),
        max_size=14,
    ),
    st.integers(2, 6),
)
@settings(max_examples=300, deadline=None)
def test_anchor_candidates_are_every_pair_across_languages(
    articles: list[tuple[str, list[int]]], max_df: int
) -> None:
    """The candidates (which loop only over keys in two known languages) are every pair of
    articles in two known languages sharing a key in 2 to ``max_anchor_df`` articles, with the
    rarity-weighted cosine of their keys, as counted pair by pair."""
    from newsdedup.config import TranslateConfig
    from newsdedup.relate.translate import anchor_candidates

    langs = [lang for lang, _ in articles]
    keys = [np.unique(np.array(k, np.uint64)) for _, k in articles]
    pairs, overlap = anchor_candidates(keys, langs, TranslateConfig(max_anchor_df=max_df))
    n = len(keys)
    df = {k: sum(k in set(ks.tolist()) for ks in keys) for k in range(1, 13)}
    idf2 = {k: np.log(n / d) ** 2 for k, d in df.items() if d}
    norm = [np.sqrt(sum(idf2[k] for k in ks.tolist())) for ks in keys]
    expected = {}
    for a in range(n):
        for b in range(a + 1, n):
            if not langs[a] or not langs[b] or langs[a] == langs[b]:
                continue
            both = set(keys[a].tolist()) & set(keys[b].tolist())
            weight = sum(idf2[k] for k in both if 2 <= df[k] <= max_df)
            if any(2 <= df[k] <= max_df for k in both):
                expected[(a, b)] = weight / max(norm[a] * norm[b], 1e-12)
    assert sorted(map(tuple, pairs.tolist())) == sorted(expected)
    for (a, b), value in zip(map(tuple, pairs.tolist()), overlap.tolist(), strict=True):
        assert value == pytest.approx(expected[(a, b)])


@pytest.mark.parametrize(
    ("second", "tail_chars", "tail_below", "joined"),
    [
        ("end-b", 300, 9.0, False),  # the same opening, another ending: a report of the event
        ("end-a", 300, 9.0, True),  # the same ending: a translation
        ("", 300, 9.0, True),  # no tail to read (a stored lead from before tails)
        ("end-b", 0, 9.0, True),  # the check off
        ("end-b", 300, 0.5, True),  # a pair this strong is not checked
    ],
)
def test_translate_a_pair_whose_tails_differ_is_no_translation(
    second: str, tail_chars: int, tail_below: float, joined: bool
) -> None:
    """Another language's report of one event opens like the article and ends elsewhere,
    where a translation ends as its original does; the tails are read only for a pair the
    verdict found (eval/stories_crosslingual.py)."""
    from newsdedup.config import TranslateConfig
    from newsdedup.fingerprint.multilingual import DIM, TAIL_BREAK
    from newsdedup.relate.translate import translation_pairs

    axis = {"head": 0, "end-a": 1, "end-b": 2, "other": 3}
    read: list[str] = []

    def encode(texts: list[str]) -> np.ndarray:
        read.extend(texts)
        out = np.zeros((len(texts), DIM), np.float32)
        for row, text in enumerate(texts):
            out[row, axis[text]] = 1.0
        return out

    langs = ["en", "de", "en", "de"]
    keys = [np.array(k, np.uint64) for k in ([1, 2, 3], [1, 2, 3], [7, 8], [8, 9])]
    leads = [f"head{TAIL_BREAK}end-a", f"head{TAIL_BREAK}{second}"]
    leads += [f"other{TAIL_BREAK}other"] * 2
    config = TranslateConfig(tail_chars=tail_chars, tail_below=tail_below, encoder="all")
    found = translation_pairs(langs, keys, leads, config, encode)
    assert ((0, 1) in {(t.a, t.b) for t in found.pairs}) is joined
    assert not any(TAIL_BREAK in text for text in read)  # the encoder reads a part, never both
    tails = [t for t in read if t.startswith("end")]
    assert len(tails) == (2 if tail_chars and second and tail_below > 1 else 0)


def test_same_text_tells_one_text_from_a_translation() -> None:
    """Two leads are one text when they share ``max_lead_overlap`` of the shorter one's word
    pairs; a translation shares names and numbers, not word pairs (WMT: at most 0.278)."""
    from newsdedup.config import TranslateConfig
    from newsdedup.relate.translate import same_text

    config = TranslateConfig()
    assert same_text(DE[:200], DE[:200], config)
    assert same_text(DE[:200], DE[:150] + " and then another ending in English.", config)
    assert not same_text(EN[:200], DE[:200], config)
    assert not same_text(EN[:200], FR[:200], config)
    assert not same_text("", DE[:200], config)  # no word pair: nothing to tell
    assert same_text(DE[:200], DE[:200], TranslateConfig(max_lead_overlap=1.0))
    half = DE[:100] + " " + EN[:100]
    assert same_text(DE[:200], half, TranslateConfig(max_lead_overlap=0.3))
    assert not same_text(DE[:200], half, TranslateConfig(max_lead_overlap=0.9))


@pytest.mark.parametrize(("second", "joined"), [("DE", False), ("EN", True)])
def test_translate_two_leads_of_one_text_are_no_translation(second: str, joined: bool) -> None:
    """An article guessed German and one guessed English that open on the same German passage
    (a quotation, a mixed-language page) get an encoder cosine near 1: the leads' own words
    say they are one text, not a translation. A translation's lead, as alike to the encoder,
    is joined."""
    from newsdedup.config import TranslateConfig
    from newsdedup.fingerprint.multilingual import DIM
    from newsdedup.relate.translate import translation_pairs

    def encode(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), np.float32)
        out[:, 0] = 1.0  # every lead alike to the encoder: only the words can tell
        return out

    langs = ["de", "en"]
    keys = [np.array([1, 2, 3], np.uint64)] * 2
    leads = [DE[:200], {"DE": DE[:200], "EN": EN[:200]}[second]]
    found = translation_pairs(langs, keys, leads, TranslateConfig(encoder="all"), encode)
    assert ((0, 1) in {(t.a, t.b) for t in found.pairs}) is joined


def test_compare_two_articles_opening_on_one_passage_are_no_translation() -> None:
    """``compare`` applies the translation stage's rule to a lone pair, and says why."""
    from newsdedup.relate.compare import compare

    opening = DE[: DE.index(". ") + 1]  # one German sentence, then two other articles
    a = Article(id="a", text=" ".join([opening, EN_ALONE, EN]), lang="de")
    b = Article(id="b", text=" ".join([opening, DE_OTHER, FR]), lang="en")
    found = compare(a, b)
    assert found.scores["translation_cosine"] > 0.9  # the encoder alone would join them
    assert found.kind is not Kind.TRANSLATION
    assert any("one text" in reason for reason in found.reasons)
    translated = compare(Article(id="en", text=EN, lang="en"), Article(id="de", text=DE, lang="de"))
    assert translated.kind is Kind.TRANSLATION
    assert not any("one text" in reason for reason in translated.reasons)
