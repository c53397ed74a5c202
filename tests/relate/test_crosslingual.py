"""``compare`` and ``diff`` across languages: paragraphs aligned in order by the multilingual
encoder and the anchors, the changed facts inside them, and the translation verdict of a pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest
from numpy.typing import NDArray
from typer.testing import CliRunner

import newsdedup.cli.main as cli
from newsdedup import Article, Kind
from newsdedup.relate.compare import compare
from newsdedup.relate.crossfacts import translation_changes
from newsdedup.relate.crosslingual import (
    MAX_PARAGRAPHS,
    align_texts,
    align_translation,
    paragraphs,
)
from newsdedup.relate.passages import align
from newsdedup.types import Change

EN = (
    "The city council of Freiburg approved a new tram line on Tuesday that will connect the "
    "main station with the university hospital. The project will cost 84 million euros and is "
    "to be completed by 2027.\n\n"
    "Mayor Martin Horn said the line would carry around 24,000 passengers a day and relieve the "
    "crowded bus routes in the west of the city. The vote passed with 38 votes in favour and 9 "
    "against.\n\n"
    "Construction is scheduled to begin in March 2025. The regional government in Stuttgart has "
    "promised to cover 60 percent of the costs."
)
#: EN in German, 24,000 passengers become 42.000, and a paragraph EN does not have
DE = (
    "Der Gemeinderat von Freiburg hat am Dienstag eine neue Straßenbahnlinie genehmigt, die den "
    "Hauptbahnhof mit dem Universitätsklinikum verbinden soll. Das Projekt kostet 84 Millionen "
    "Euro und soll bis 2027 fertig sein.\n\n"
    "Oberbürgermeister Martin Horn sagte, die Linie werde täglich rund 42.000 Fahrgäste "
    "befördern und die überfüllten Buslinien im Westen der Stadt entlasten. Die Abstimmung ging "
    "mit 38 Ja-Stimmen bei 9 Gegenstimmen aus.\n\n"
    "Bereits 2019 war ein Bürgerentscheid über eine Verlängerung der Linie 5 nach Zähringen "
    "knapp gescheitert, weil die Anwohner den Lärm der Bauarbeiten fürchteten.\n\n"
    "Der Bau soll im März 2025 beginnen. Die Landesregierung in Stuttgart hat zugesagt, 60 "
    "Prozent der Kosten zu übernehmen."
)
#: EN in French, every fact kept; paragraphs cut by single newlines
FR = (
    "Le conseil municipal de Fribourg a approuvé mardi une nouvelle ligne de tramway qui "
    "reliera la gare centrale à l'hôpital universitaire. Le projet coûtera 84 millions d'euros "
    "et doit être achevé d'ici 2027.\n"
    "Le maire Martin Horn a déclaré que la ligne transporterait environ 24 000 passagers par "
    "jour et soulagerait les lignes de bus saturées de l'ouest de la ville. Le vote a été "
    "adopté par 38 voix pour et 9 contre.\n"
    "Les travaux doivent commencer en mars 2025. Le gouvernement régional de Stuttgart a promis "
    "de prendre en charge 60 % des coûts."
)
#: EN in Czech, a language the encoder was not trained on
CS = (
    "Zastupitelstvo města Freiburg v úterý schválilo novou tramvajovou linku, která spojí "
    "hlavní nádraží s univerzitní nemocnicí. Projekt bude stát 84 milionů eur a má být "
    "dokončen do roku 2027.\n\n"
    "Primátor Martin Horn uvedl, že linka přepraví denně kolem 24 000 cestujících a uleví "
    "přeplněným autobusovým linkám na západě města. Hlasování skončilo 38 hlasy pro a 9 proti."
    "\n\n"
    "Stavba má začít v březnu 2025. Zemská vláda ve Stuttgartu slíbila uhradit 60 procent "
    "nákladů."
)
#: German, another story
DE_OTHER = (
    "Der FC Bayern München hat am Samstag das Spitzenspiel gegen Borussia Dortmund mit 3:1 "
    "gewonnen. Harry Kane erzielte vor 75.000 Zuschauern zwei Tore, Leroy Sané traf einmal.\n\n"
    "Die Münchner liegen damit fünf Punkte vor Bayer Leverkusen an der Tabellenspitze. Trainer "
    "Vincent Kompany lobte die Defensive seiner Mannschaft."
)


def _spans(text: str) -> list[str]:
    return [text[s:e] for s, e in paragraphs(text)]


def test_crosslingual_paragraphs_keep_offsets_at_blank_and_single_newlines() -> None:
    text = "  One.\n\nTwo and\r\nthree.\n   \n"
    assert paragraphs(text) == [(2, 6), (8, 15), (17, 23)]
    assert _spans(text) == ["One.", "Two and", "three."]
    assert paragraphs("") == [] and paragraphs("\n\n") == []


@pytest.mark.parametrize(("other", "lang"), [(FR, "fr"), (CS, "cs")])
def test_crosslingual_paragraphs_align_in_order(other: str, lang: str) -> None:
    found = align_translation(EN, other, lang_a="en", lang_b=lang)
    assert [(p.a_start, p.a_end) for p in found.passages] == paragraphs(EN)
    assert [(p.b_start, p.b_end) for p in found.passages] == paragraphs(other)
    assert all(0.0 < p.similarity <= 1.0 and p.quoted == 0.0 for p in found.passages)
    assert found.spans == () and found.changes == ()
    assert found.coverage_a == found.coverage_b == 1.0


def test_crosslingual_changed_number_with_offsets() -> None:
    found = align_translation(EN, DE, lang_a="en", lang_b="de")
    assert found.changes == (
        Change(
            kind="number",
            a="24,000",
            b="42.000",
            a_start=EN.index("24,000"),
            a_end=EN.index("24,000") + 6,
            b_start=DE.index("42.000"),
            b_end=DE.index("42.000") + 6,
        ),
    )
    [passage] = [p for p in found.passages if p.a_start <= found.changes[0].a_start < p.a_end]
    assert passage.b_start <= found.changes[0].b_start < passage.b_end


def test_crosslingual_inserted_paragraph_is_a_span() -> None:
    extra = _spans(DE)[2]
    start = DE.index(extra)
    forward = align_translation(DE, EN, lang_a="de", lang_b="en")
    assert [(s.kind, s.start, s.end, s.text) for s in forward.spans] == [
        ("inserted", start, start + len(extra), extra)
    ]
    backward = align_translation(EN, DE, lang_a="en", lang_b="de")
    assert [(s.kind, s.text) for s in backward.spans] == [("deleted", extra)]
    assert len(forward.passages) == len(backward.passages) == 3
    assert backward.coverage_a == 1.0
    assert backward.coverage_b == pytest.approx(1 - len(extra) / sum(map(len, _spans(DE))))


def test_crosslingual_many_lines_align_in_runs() -> None:
    """A list of short lines is aligned in at most MAX_PARAGRAPHS runs a side."""
    text = "\n".join(f"Item {k}: {1000 + k} units" for k in range(3 * MAX_PARAGRAPHS + 1))
    read: list[int] = []

    def encode(texts: list[str]) -> NDArray[np.float32]:
        read.append(len(texts))
        return np.zeros((len(texts), 512), np.float32)

    found = align_translation(text, text, lang_a="cs", lang_b="is", encode=encode)
    assert read == [2 * len(found.passages)] and len(found.passages) <= MAX_PARAGRAPHS
    assert found.passages[0].a_start == 0 and found.passages[-1].a_end == len(text)
    assert found.spans == () and found.coverage_a == found.coverage_b == 1.0


def test_crosslingual_unrelated_article_aligns_nothing() -> None:
    found = align_translation(EN, DE_OTHER, lang_a="en", lang_b="de")
    assert found.passages == () and found.changes == ()
    assert {s.kind for s in found.spans} == {"inserted", "deleted"}
    assert found.coverage_a == found.coverage_b == 0.0


@pytest.mark.parametrize(
    ("a", "b", "kind", "a_value", "b_value"),
    [
        ("They met on 19 July in Bern.", "Sie trafen sich am 20. Juli in Bern.", "date", "19 July",
         "20. Juli"),
        ("Sales rose to 1,250 units.", "Les ventes ont atteint 1 520 unités.", "number", "1,250",
         "1 520"),
        ("Minister Martina Pirker resigned.", "Ministerin Martina Wolfsberger trat zurück.",
         "name", "Pirker", "Wolfsberger"),
    ],
)  # fmt: skip
def test_crosslingual_changed_fact_kinds(
    a: str, b: str, kind: str, a_value: str, b_value: str
) -> None:
    [change] = translation_changes(a, b, (0, len(a)), (0, len(b)), lang_a="en", lang_b="de")
    assert (change.kind, change.a, change.b) == (kind, a_value, b_value)
    assert a[change.a_start : change.a_end] == a_value
    assert b[change.b_start : change.b_end] == b_value


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The fund holds 1.5 million euros.", "Der Fonds hält 1,5 Millionen Euro."),
        ("The fund holds 1.5 million euros.", "基金は150万ユーロを保有する。"),
        ("It won the 2019 World Cup.", "１９年のワールドカップで優勝した。"),
        ("One set costs 6,000 yen.", "１セット６千円。"),
        ("The train leaves at 10 p.m. on Friday.", "Der Zug fährt am Freitag um 22 Uhr."),
        ("Twelve people died, 30 were hurt.", "12 Menschen starben, 30 wurden verletzt."),
        ("12 people died and 30 were hurt.", "Es gab 30 Verletzte."),
        ("Mayor Martina Pirker's office.", "Das Büro von Bürgermeisterin Martina Pirkerová."),
        ("Later Chancellor Olaf Scholz spoke.", "Später sprach Bundeskanzler Olaf Scholz."),
    ],
)
def test_crosslingual_no_false_changed_facts(a: str, b: str) -> None:
    assert translation_changes(a, b, (0, len(a)), (0, len(b)), lang_a="en", lang_b="de") == []


def test_crosslingual_one_language_keeps_word_alignment() -> None:
    rewrite = EN.replace("24,000", "25,000")
    assert align_texts(EN, rewrite, lang_a="en", lang_b="en") == align(EN, rewrite)
    assert align_texts(EN, DE, lang_a="en", lang_b="") == align(EN, DE)
    assert align_texts(EN, DE, lang_a="en", lang_b="de").changes[0].kind == "number"


@pytest.mark.parametrize("other", [DE, FR, CS])
def test_crosslingual_compare_translation(other: str) -> None:
    found = compare(Article(id="en", text=EN), Article(id="xx", text=other))
    assert found.kind is Kind.TRANSLATION
    assert found.scores["translation_score"] >= 0.7
    assert 0.0 < found.scores["translation_anchors"] <= 1.0
    assert ("translation_cosine" in found.scores) is (other is not CS)
    assert ("translation_tail_cosine" in found.scores) is (other is not CS)
    assert any("cosine of the tails" in r for r in found.reasons) is (other is not CS)
    assert found.reasons[0].startswith("languages: A en (guessed from the text), B ")
    assert any("nearest-neighbour margin" in r for r in found.reasons)
    assert len(found.passages) == 3
    assert {p["quoted"] for p in found.passages} == {0.0}


#: A German report of the ECB's rate rise from ``tests/relate/test_translate.py``: the same
#: opening, then the market's reaction, which the English article does not tell.
DE_SAME_EVENT = (
    "Die Europäische Zentralbank hat ihren Leitzins am Donnerstag um 0,75 Prozentpunkte "
    "angehoben, die größte Erhöhung in ihrer Geschichte. An der Frankfurter Börse legte der DAX "
    "daraufhin um 1,2 Prozent auf 12.800 Punkte zu, angeführt von Bankaktien; Händler sprachen "
    "von Erleichterung. Der Euro gewann gegenüber dem Dollar einen halben Cent. Am Nachmittag "
    "gaben die Kurse einen Teil der Gewinne wieder ab, als in New York die Ölpreise fielen."
)


def test_crosslingual_compare_tells_a_same_event_report_by_its_ending() -> None:
    """The lead gate passes (cosine over 0.4, score over 0.7): only the tails, which tell
    different things, keep this report from being taken for a translation."""
    from tests.relate.test_translate import EN as ECB_EN

    from newsdedup import Config

    a, b = Article(id="en", text=ECB_EN), Article(id="de", text=DE_SAME_EVENT)
    found = compare(a, b)
    assert found.kind is not Kind.TRANSLATION
    assert found.scores["translation_cosine"] >= 0.4
    assert found.scores["translation_score"] >= 0.7
    assert found.scores["translation_tail_cosine"] < 0.3
    assert any("cosine of the tails" in r and "fails" in r for r in found.reasons)
    unchecked = compare(a, b, Config().override({"translate.tail_chars": "0"}))
    assert unchecked.kind is Kind.TRANSLATION
    assert "translation_tail_cosine" not in unchecked.scores


def test_crosslingual_compare_unrelated_other_language() -> None:
    found = compare(Article(id="en", text=EN, lang="en"), Article(id="de", text=DE_OTHER))
    assert found.kind is Kind.UNRELATED
    assert found.passages == []
    assert any(r.startswith("languages: A en (given), B de") for r in found.reasons)
    assert any(r.endswith(": not a translation") for r in found.reasons)


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [(EN, EN.replace("Tuesday", "Monday"), Kind.NEAR), (DE, DE_OTHER, Kind.UNRELATED)],
)
def test_crosslingual_compare_one_language_has_no_translation_figures(
    a: str, b: str, kind: Kind
) -> None:
    found = compare(Article(id="a", text=a), Article(id="b", text=b))
    assert found.kind is kind
    assert not any(k.startswith("translation") for k in found.scores)
    assert not any(r.startswith("languages:") for r in found.reasons)


def test_crosslingual_cli_diff_two_languages(tmp_path: Path) -> None:
    (tmp_path / "en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "de.txt").write_text(DE, encoding="utf-8")
    result = CliRunner().invoke(
        cli.app, ["diff", str(tmp_path / "de.txt"), str(tmp_path / "en.txt"), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    assert len(data["passages"]) == 3
    assert [s["kind"] for s in data["spans"]] == ["inserted"]
    [change] = data["changes"]
    assert (change["kind"], change["a"], change["b"]) == ("number", "42.000", "24,000")
    assert data["text_a"][change["a_start"] : change["a_end"]] == "42.000"
    assert data["text_b"][change["b_start"] : change["b_end"]] == "24,000"


def test_crosslingual_index_diff_two_languages(tmp_path: Path) -> None:
    from newsdedup.store.index import Index

    with Index(tmp_path / "index.db") as index:
        index.add([Article(id="en", text=EN), Article(id="de", text=DE)])
        found = index.diff("en", "de")
    assert found is not None
    assert len(found["passages"]) == 3
    assert [(c["kind"], c["a"], c["b"]) for c in found["changes"]] == [
        ("number", "24,000", "42.000")
    ]


def test_crosslingual_article_page_escapes_both_languages(tmp_path: Path) -> None:
    pytest.importorskip("fastapi", reason="needs the serve extra")
    from fastapi.testclient import TestClient

    from newsdedup.serve import create_app
    from newsdedup.store.index import Index

    en = EN.replace("Mayor", "<b>Mayor</b>")
    with Index(tmp_path / "index.db") as index:
        index.add([Article(id="en", text=en), Article(id="de", text=DE)])
        page = TestClient(create_app(index)).get("/ui/articles/en", params={"against": "de"})
    assert page.status_code == 200
    assert "<b>Mayor" not in page.text and "&lt;b&gt;Mayor" in page.text
    assert 'data-value="24,000" data-other="42.000"' in page.text
