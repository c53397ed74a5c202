"""Translated copies in the living index (store/translations.py): an article joins its stored
translation's group as kind translation, an index in one language never encodes anything, and
any batching of the adds gives the groups of one batch run (``find_copies``)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.relate.test_translate import DE, DE_OTHER, EN, EN_ALONE, FR

from newsdedup import Article, Config, Kind, find_copies
from newsdedup.fingerprint.multilingual import DIM, TAIL_BREAK
from newsdedup.relate import translate_query as query_stage
from newsdedup.store import translations as stage
from newsdedup.store.index import Index

#: A second story in English and its Spanish translation (names, numbers and events invented).
EN_2 = (
    "The port of Valmora will close its northern terminal for 18 months from 3 April, the "
    "harbour authority said on Tuesday. Director Helena Castrillo told reporters that the "
    "renovation will cost 214 million euros and that 1,350 dock workers will move to the "
    "southern terminal. The Valmora Dockers Union said it would strike on 12 March."
)
ES_2 = (
    "El puerto de Valmora cerrará su terminal norte durante 18 meses a partir del 3 de abril, "
    "informó el martes la autoridad portuaria. La directora Helena Castrillo dijo a los "
    "periodistas que la renovación costará 214 millones de euros y que 1.350 estibadores se "
    "trasladarán a la terminal sur. El sindicato de estibadores de Valmora anunció una huelga "
    "para el 12 de marzo."
)
_DAY0 = datetime(2022, 9, 8, tzinfo=UTC)


def _corpus() -> list[Article]:
    """Two stories with translations, a near copy of one article, a look-alike and an
    article with no translation; each dated a day after the one before."""
    texts = {
        "de": DE,
        "de-other": DE_OTHER,
        "en-2": EN_2,
        "en": EN,
        "en-alone": EN_ALONE,
        "en-copy": EN.replace("on Thursday", "on Thursday afternoon"),
        "es-2": ES_2,
        "fr": FR,
    }
    return [
        Article(id=i, text=t, published=_DAY0 + timedelta(days=n))
        for n, (i, t) in enumerate(texts.items())
    ]


def _placement(result) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {m.id: (g.representative, m.kind.value) for g in result.groups for m in g.members}


def _held(index: Index, ids: list[str]) -> dict[str, tuple[str, str]]:
    """(representative, kind) of each article as the index holds it."""
    out: dict[str, tuple[str, str]] = {}
    for i in ids:
        stored = index.article(i)
        assert stored is not None
        links = index.copies(i)
        if stored.original:
            out[i] = (i, "original")
            continue
        rep = next(c.id for c in links if c.kind == "original")
        out[i] = (rep, next(c.kind for c in index.copies(rep) if c.id == i))
    return out


def _index_in(path: Path, config: Config, batches: list[list[Article]]) -> dict[str, str]:
    with Index(path, config) as index:
        for batch in batches:
            index.add(batch)
        ids = [a.id for batch in batches for a in batch]
        return _held(index, ids)  # type: ignore[return-value]


def test_index_translations_a_later_article_joins_its_stored_translation(
    tmp_path: Path,
) -> None:
    corpus = {a.id: a for a in _corpus()}
    stored = [corpus[i] for i in ("de", "de-other", "en-alone", "es-2")]
    later = [
        dataclasses.replace(corpus[i], published=_DAY0 + timedelta(30)) for i in ("en", "en-2")
    ]
    with Index(tmp_path / "x.db", Config()) as index:
        index.add(stored)
        assert all(index.copies(a.id) == () for a in stored)  # no translation among them
        for article, original, lang in zip(later, ("de", "es-2"), ("de", "es"), strict=True):
            done = index.add([article])
            held = index.article(original)
            assert held is not None and held.original
            assert done.added[0].group == held.group
            [link] = [c for c in index.copies(original) if c.id == article.id]
            assert link.kind == "translation" and link.scores is None
            why = link.translation
            assert why is not None and (why.partner, why.lang, why.partner_lang) == (
                original,
                "en",
                lang,
            )
            assert why.score >= Config().translate.min_score and why.margin > 0
        assert index.copies("de-other") == () and index.copies("en-alone") == ()


def test_index_translations_an_index_in_one_language_encodes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> np.ndarray:
        raise AssertionError("the translation stage ran on an index in one language")

    monkeypatch.setattr(stage, "encode_leads", refuse)
    monkeypatch.setattr(stage, "translate_groups", refuse)
    english = [a for a in _corpus() if a.id.startswith("en")]
    path = tmp_path / "x.db"
    with Index(path, Config()) as index:
        for article in english:
            index.add([article])
        assert index.copies("en-copy")[0].id == "en"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM lead_vectors").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM languages WHERE keys IS NOT NULL").fetchone() == (
            0,
        )
        assert conn.execute("SELECT DISTINCT lang FROM languages").fetchall() == [("en",)]


@pytest.mark.parametrize("encoder", ["auto", "all"])
@pytest.mark.parametrize("size", [1, 3, 8])
def test_index_translations_adds_of_any_size_give_the_batch_groups(
    tmp_path: Path, encoder: str, size: int
) -> None:
    config = Config().override({"translate.encoder": f'"{encoder}"'})
    articles = _corpus()
    expected = _placement(find_copies(articles, config))
    assert expected["en"][1] == "translation" and expected["es-2"][1] == "translation"
    assert expected["en-copy"][1] == "translation"  # a copy of a group that joined another
    batches = [articles[i : i + size] for i in range(0, len(articles), size)]
    assert _index_in(tmp_path / "x.db", config, batches) == expected


@settings(max_examples=8, deadline=None)
@given(
    st.lists(st.sampled_from(range(8)), min_size=2, max_size=9),
    st.lists(st.integers(1, 4), min_size=1, max_size=9),
)
def test_index_translations_any_subset_in_any_batching_equals_one_batch(
    picks: list[int], sizes: list[int]
) -> None:
    """Any subset of the fixture (a repeat becomes an exact copy under a new id), dated in
    arrival order, cut into adds of the given sizes: the groups of ``find_copies``."""
    base = _corpus()
    articles = [
        dataclasses.replace(base[k], id=f"{base[k].id}-{n}", published=_DAY0 + timedelta(n))
        for n, k in enumerate(picks)
    ]
    batches, at = [], 0
    for size in sizes * len(articles):
        if at >= len(articles):
            break
        batches.append(articles[at : at + size])
        at += size
    with tempfile.TemporaryDirectory() as work:
        held = _index_in(Path(work) / "x.db", Config(), batches)
    assert held == _placement(find_copies(articles))


def test_index_translations_a_new_version_takes_its_article_out(tmp_path: Path) -> None:
    """ "en" comes again with another text: its old version leaves the translation group, and
    the groups are those of a batch run over the current versions in arrival order."""
    articles = _corpus()
    new = dataclasses.replace(articles[3], text=EN_ALONE.replace("Monday", "Sunday"))
    with Index(tmp_path / "x.db", Config()) as index:
        index.add(articles)
        index.add([new])
        current = [a for a in articles if a.id != "en"] + [new]
        assert _held(index, [a.id for a in current]) == _placement(find_copies(current))
        assert _held(index, ["en"])["en"][0] != _held(index, ["de"])["de"][0]


def test_index_translations_a_file_of_schema_6_finds_them_at_its_next_add(
    tmp_path: Path,
) -> None:
    """A file made before the index found translations (schema 6) migrates: its articles'
    languages are filled in, and its next add decides over every stored article."""
    articles = _corpus()
    path = tmp_path / "old.db"
    with Index(path, Config().override({"translate.enabled": "false"})) as index:
        index.add(articles[:-1])  # as schema 6 stored them: copy groups only
    with sqlite3.connect(path) as conn:
        for table in ("languages", "lead_vectors", "translated", "copy_of"):
            conn.execute(f"DROP TABLE {table}")
        (value,) = conn.execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()
        kept = {k: v for k, v in json.loads(value).items() if not k.startswith("translate.")}
        conn.execute("UPDATE meta SET value = ? WHERE key = 'settings'", (json.dumps(kept),))
        conn.execute("PRAGMA user_version=6")
    with Index(path, Config()) as index:
        assert index.migrated_from == 6
        index.add(articles[-1:])
        assert _held(index, [a.id for a in articles]) == _placement(find_copies(articles))
        assert Kind.TRANSLATION.value in {k for _, k in _held(index, ["en", "fr"]).values()}


def test_index_translations_leads_stored_without_tails_are_made_again(tmp_path: Path) -> None:
    """A file from before the stage read tails stored each lead alone: at its next add the
    stage makes every representative's lead and tail again from the stored text, and the
    groups are the batch's."""
    articles = _corpus()
    path = tmp_path / "old.db"
    with Index(path, Config()) as index:
        index.add(articles[:-1])
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE languages SET lead = substr(lead, 1, instr(lead, char(31)) - 1) "
            "WHERE instr(lead, char(31)) > 0"
        )
        assert conn.execute("SELECT count(*) FROM languages WHERE lead IS NOT NULL").fetchone()[0]
    with Index(path, Config()) as index:
        index.add(articles[-1:])
        assert _held(index, [a.id for a in articles]) == _placement(find_copies(articles))
    with sqlite3.connect(path) as conn:
        leads = [r[0] for r in conn.execute("SELECT lead FROM languages WHERE lead IS NOT NULL")]
    assert leads and all(TAIL_BREAK in lead for lead in leads)


def test_index_translations_an_add_of_copies_alone_decides_nothing_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Later exact and near copies of stored articles leave the representatives as they were:
    the stored decision stands (no pass), and the copies join the merged groups as the batch
    puts them."""
    articles = _corpus()
    late = _DAY0 + timedelta(days=30)
    copies = [
        dataclasses.replace(articles[3], id="en-again", published=late),
        dataclasses.replace(articles[6], id="es-2-again", published=late),
    ]
    with Index(tmp_path / "x.db", Config()) as index:
        index.add(articles)
        calls: list[int] = []
        real = stage.translate_groups

        def counted(*args: object, **kwargs: object) -> object:
            calls.append(1)
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(stage, "translate_groups", counted)
        index.add(copies)
        assert calls == []
        everything = articles + copies
        assert _held(index, [a.id for a in everything]) == _placement(find_copies(everything))
        assert _held(index, ["en-again"])["en-again"][1] == "translation"


def _translations(links) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    """(id, partner, lang, partner_lang) of each translation link."""
    return [
        (c.id, c.translation.partner, c.translation.lang, c.translation.partner_lang)
        for c in links
        if c.kind == "translation"
    ]


@pytest.mark.parametrize("english_only", [False, True])
def test_index_translations_query_finds_what_an_add_would(
    tmp_path: Path, english_only: bool
) -> None:
    """A query of a German article whose English original is stored gives a translation link
    with the figures the add of that article then stores, and writes nothing; in an index in
    English alone (no keys stored) it finds it too, from the stored texts."""
    corpus = {a.id: a for a in _corpus()}
    stored = [corpus[i] for i in ("en", "en-2", "en-alone")]
    if not english_only:
        stored += [corpus[i] for i in ("es-2", "fr")]
    later = dataclasses.replace(corpus["de"], published=_DAY0 + timedelta(30))
    path = tmp_path / "x.db"
    with Index(path, Config()) as index:
        index.add(stored)
        with sqlite3.connect(path) as conn:
            before = [conn.execute(f"SELECT count(*) FROM {t}").fetchone() for t in _TABLES]
        found = index.query(later)
        with sqlite3.connect(path) as conn:
            after = [conn.execute(f"SELECT count(*) FROM {t}").fetchone() for t in _TABLES]
        assert after == before
        expected = [("en", "en", "de", "en")] + ([] if english_only else [("fr", "fr", "de", "fr")])
        assert sorted(_translations(found.copies)) == expected  # fr: a translation of en too
        assert all(c.scores is None and c.title == corpus[c.id].title for c in found.copies)
        index.add([later])
        [link] = [c for c in index.copies("en") if c.id == "de"]
        assert link.translation is not None
        [queried] = [c for c in found.copies if c.id == link.translation.partner]
        assert queried.translation == link.translation  # the pair that tied it in
        assert found.as_json()["copies"][0]["translation"]["lang"] == "de"


_TABLES = ("languages", "lead_vectors", "translated", "copy_of", "groups", "meta")


def test_index_translations_query_of_no_translation_finds_none(tmp_path: Path) -> None:
    """An article with no stored translation (another event's report) gets no link; a query
    in the index's one language runs no stage at all."""
    corpus = {a.id: a for a in _corpus()}
    with Index(tmp_path / "x.db", Config()) as index:
        index.add([corpus[i] for i in ("en", "en-2")])
        assert index.query(corpus["en-alone"]).copies == ()
        assert _translations(index.query(corpus["de-other"]).copies) == []


def test_index_translations_query_in_one_language_costs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> object:
        raise AssertionError("a query in the index's only language ran the stage")

    monkeypatch.setattr(query_stage, "translation_pairs", refuse)
    monkeypatch.setattr(query_stage, "judge_candidates", refuse)
    monkeypatch.setattr(stage, "article_features", refuse)
    corpus = {a.id: a for a in _corpus()}
    with Index(tmp_path / "x.db", Config()) as index:
        index.add([corpus[i] for i in ("en", "en-2")])
        assert index.query(corpus["en-alone"]).copies == ()


def test_index_translations_query_without_a_shared_anchor_decides_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A German article that shares no number or name with the English ones has no candidate:
    the stage is not run."""

    def refuse(*_: object, **__: object) -> object:
        raise AssertionError("the stage ran for an article with no candidate")

    monkeypatch.setattr(query_stage, "translation_pairs", refuse)
    monkeypatch.setattr(query_stage, "judge_candidates", refuse)
    corpus = {a.id: a for a in _corpus()}
    lone = Article(id="q", text="Heute ist es im ganzen Land sonnig und warm, sagt man uns. " * 4)
    with Index(tmp_path / "x.db", Config()) as index:
        index.add([corpus[i] for i in ("en", "en-2", "es-2")])
        assert index.query(lone).copies == ()


def test_index_translations_query_shows_them_in_the_cli_and_the_service(tmp_path: Path) -> None:
    """``newsdedup query --json`` and ``POST /query`` carry the translation link's figures."""
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    import newsdedup.cli.main as cli
    from newsdedup.serve import create_app

    corpus = {a.id: a for a in _corpus()}
    db = tmp_path / "x.db"
    with Index(db, Config()) as index:
        index.add([corpus[i] for i in ("en", "en-2", "es-2")])
        served = TestClient(create_app(index)).post("/query", json={"id": "q", "text": DE})
    assert served.status_code == 200, served.text
    [link] = served.json()["copies"]
    assert (link["id"], link["kind"], link["scores"]) == ("en", "translation", None)
    assert (link["translation"]["lang"], link["translation"]["partner_lang"]) == ("de", "en")
    done = CliRunner().invoke(cli.app, ["query", "--db", str(db), "--text", DE, "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["copies"] == [
        {k: link[k] for k in ("id", "kind", "scores", "translation")}
    ]
    plain = CliRunner().invoke(cli.app, ["query", "--db", str(db), "--text", DE])
    assert "translation en de->en score" in plain.output


def test_stored_features_are_each_articles_own_features() -> None:
    """The batched keys and leads of stored rows equal article_features of each article."""
    from newsdedup.config import TranslateConfig
    from newsdedup.relate.translate import article_features
    from newsdedup.store.translations import _stored_features

    texts = ["Putin met Macron in Paris on 12 May 2023.", "Путин и 1 000 солдат", "", "no names"]
    rows = [(k, ("Title 7" if k % 2 else None), texts[k % 4] + f" {k * 37}") for k in range(2100)]
    config = TranslateConfig()
    found = list(_stored_features(rows, config))
    assert [f[0] for f in found] == [r[0] for r in rows]
    for (seq, title, text), (_, keys, lead) in zip(rows, found, strict=True):
        _, own, own_lead = article_features(Article(id=str(seq), text=text, title=title), config)
        assert np.array_equal(keys, own) and lead == own_lead


def _query_figures(index: Index, article: Article) -> list[tuple[object, ...]]:
    return [
        (c.id, c.translation.score, c.translation.anchors, c.translation.margin)
        for c in index.query(article).copies
        if c.translation is not None
    ]


@settings(max_examples=6, deadline=None)
@given(st.permutations(range(8)), st.integers(1, 7), st.sampled_from(["en", "de", "es-2"]))
def test_index_translations_query_state_follows_adds_and_deletes(
    order: list[int], cut: int, gone: str
) -> None:
    """The postings a reader keeps between queries (``QueryFeatures``) are rebuilt after adds
    by another connection, one replacing a stored version: they equal a fresh build, and a
    query finds what a fresh Index finds."""
    corpus = _corpus()
    queries = [Article(id="q-de", text=DE), Article(id="q-fr", text=FR)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.db"
        with Index(path, Config()) as index:
            index.add([corpus[k] for k in order[:cut]])
            for q in queries:
                index.query(q)  # the state as it was
            index.add([corpus[k] for k in order[cut:]])
            old = next(a for a in corpus if a.id == gone)  # a new version replaces the old
            index.add([dataclasses.replace(old, text=old.text + " It was updated later.")])
            got = [_query_figures(index, q) for q in queries]
            conn = index._conn()
            state = index._features.state(conn, Config().translate)
            fresh_state = stage.QueryFeatures().state(conn, Config().translate)
            assert (state.seqs, state.langs) == (fresh_state.seqs, fresh_state.langs)
            for name in state.anchors.__dataclass_fields__:
                a, b = getattr(state.anchors, name), getattr(fresh_state.anchors, name)
                pairs = zip(a, b, strict=True) if isinstance(a, list) else [(a, b)]
                assert all(np.array_equal(x, y) for x, y in pairs), name
        with Index(path, Config()) as fresh:
            assert [_query_figures(fresh, q) for q in queries] == got


def test_index_translations_cached_leads_are_the_encoders_rows() -> None:
    """Through the lead cache, a lead's row is what the encoder gives it, read once; an empty
    or blank lead is a zero row, as encode_leads makes it, and is neither encoded nor stored."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE lead_vectors (hash INTEGER PRIMARY KEY, vector BLOB NOT NULL)")
    asked: list[str] = []

    def encode(leads: list[str]) -> np.ndarray:
        asked.extend(leads)
        return np.stack([np.full(DIM, len(t), np.float32) for t in leads])

    cached = stage._Cached(conn, encode)
    leads = ["Lagarde in Frankfurt", "", "  \n", "Xi in Samarkand"]
    first = cached(leads)
    again = cached(leads)
    assert asked == ["Lagarde in Frankfurt", "Xi in Samarkand"]  # each read once
    assert cached.encoded == 2
    assert np.array_equal(first, again)
    assert not first[1].any() and not first[2].any()
    assert (first[0] == len(leads[0])).all() and (first[3] == len(leads[3])).all()
    assert conn.execute("SELECT count(*) FROM lead_vectors").fetchone()[0] == 2
