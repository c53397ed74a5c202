"""The engine's translation side keeps each fingerprinted batch's UTF-8 texts, reads them back a
batch at a time (in worker processes for many representatives) and makes leads only for what the
encoder reads: it must hand translate_groups exactly what each article's own features
(article_features) would."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from newsdedup import Article
from newsdedup.config import TranslateConfig
from newsdedup.engine import translations as side_module
from newsdedup.engine.translations import TranslationSide
from newsdedup.fingerprint.batch import utf8_columns
from newsdedup.fingerprint.multilingual import DIM
from newsdedup.group import translations as stage
from newsdedup.group.copies import Assignment
from newsdedup.relate.translate import article_features, language_of

EN = "The ECB raised rates by 0.75 points on Thursday, Christine Lagarde said in Frankfurt."
DE = "Die EZB hob am Donnerstag die Zinsen um 0,75 Punkte an, sagte Christine Lagarde in Frankfurt."
FR = "La BCE a relevé jeudi ses taux de 0,75 point, a déclaré Christine Lagarde à Francfort."
#: every pair the encoder knows is read, so that leads are asked for
CONFIG = replace(TranslateConfig(), encoder="all")


def _encode(leads: list[str]) -> np.ndarray:
    """A stand-in encoder: a lead's vector marks its story's figure (translations agree)."""
    out = np.zeros((len(leads), DIM), np.float32)
    for k, text in enumerate(leads):
        figure = re.search(r"\d{4,}", text)
        out[k, int(figure.group()) % DIM if figure else 0] = 1.0
    return out


def _articles(n: int) -> list[Article]:
    texts = [EN, DE, FR]
    out = []
    for k in range(n):
        title = None if k % 4 else f"Report {k} from Frankfurt"
        story = k // 3  # three translations of one story share its figures
        text = f"{texts[k % 3]} {1000 + story * 13} / {50_000 + story * 17}."
        lang = ["en", "de", "fr"][k % 3]
        out.append(Article(id=f"a{k}", text=text, title=title, lang=lang))
    out.append(Article(id="a1", text="A repeated id: the first article keeps it."))
    # kept as UTF-8 and read back: a lone surrogate and a character of four bytes survive
    out.append(Article(id="odd", text="Lagarde in Frankfurt \ud800 \U0001f600 1000.", lang="de"))
    return out


def _watched(side: TranslationSide, articles: list[Article], batch: int = 1000) -> list[str]:
    """What the engine does: the tee over the stream, then each batch of the articles it keeps
    (an id's first) fingerprinted, its texts handed to the side; the run's ids."""
    first: dict[str, Article] = {}
    for a in side.tee(articles):
        first.setdefault(a.id, a)
    kept = list(first.values())
    for start in range(0, len(kept), batch):
        part = kept[start : start + batch]
        side.keep_texts([a.title for a in part], *utf8_columns([a.text for a in part]))
    return list(first)


def _run(articles: list[Article], workers: int) -> tuple[list[str], object]:
    config = CONFIG
    with TranslationSide(config, encode=_encode, workers=workers) as side:
        ids = _watched(side, articles)
        n = len(ids)
        assignment = Assignment(
            center=np.arange(n), kind=np.zeros(n, np.int8), scores=np.full((n, 1), np.nan)
        )
        return ids, side.join(ids, np.arange(n), assignment)


def _reference(articles: list[Article], ids: list[str]) -> object:
    """translate_groups over every article's own features, as the stage first ran it."""
    config = CONFIG
    first = {}
    for a in articles:
        first.setdefault(a.id, a)
    langs = [language_of(first[i]) for i in ids]
    reps = np.array([d for d in range(len(ids)) if langs[d]], np.int64)
    features = [article_features(first[ids[d]], config, lang=langs[d]) for d in reps.tolist()]
    n = len(ids)
    assignment = Assignment(
        center=np.arange(n), kind=np.zeros(n, np.int8), scores=np.full((n, 1), np.nan)
    )
    return stage.translate_groups(
        langs,
        reps,
        [f[1] for f in features],
        [f[2] for f in features],
        np.arange(n),
        assignment,
        config,
        encode=_encode,
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_join_equals_each_articles_own_features(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(side_module, "POOL_AFTER", 10)  # workers=2: keys in worker processes
    articles = _articles(2600)  # three batches
    ids, (joined, found) = _run(articles, workers)
    ref_joined, ref_found = _reference(articles, ids)  # type: ignore[misc]
    assert np.array_equal(joined.center, ref_joined.center)
    assert found.pairs == ref_found.pairs
    assert (found.candidates, found.encoded) == (ref_found.candidates, ref_found.encoded)
    assert found.pairs and found.encoded  # the encoder read some leads


def test_join_asks_the_encoder_for_the_candidates_leads_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[int] = []

    def counting(leads: list[str]) -> np.ndarray:
        asked.append(len(leads))
        return _encode(leads)

    articles = _articles(30)
    with TranslationSide(CONFIG, encode=counting) as side:
        ids = _watched(side, articles, batch=7)
        n = len(ids)
        assignment = Assignment(
            center=np.arange(n), kind=np.zeros(n, np.int8), scores=np.full((n, 1), np.nan)
        )
        _, found = side.join(ids, np.arange(n), assignment)
    assert asked == [found.encoded]
