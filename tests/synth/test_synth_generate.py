"""The public generator API: parameters, determinism, article fields, streaming and JSONL."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from newsdedup.errors import ConfigError
from newsdedup.synth import article_record, generate_corpus, iter_corpus, write_corpus_jsonl
from newsdedup.synth.plan import CorpusSpec
from newsdedup.synth.stream import CorpusGenerator


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generate_same_seed_same_corpus() -> None:
    a = generate_corpus(300, seed=5, words=200)
    b = generate_corpus(300, seed=5, words=200)
    assert a.articles == b.articles
    assert a.truth == b.truth


def test_generate_other_seed_other_corpus() -> None:
    a = generate_corpus(50, seed=1, words=100)
    b = generate_corpus(50, seed=2, words=100)
    assert [x.text for x in a.articles] != [x.text for x in b.articles]


def test_generate_iter_corpus_matches_generate_corpus() -> None:
    corpus = generate_corpus(120, seed=3, words=150)
    pairs = list(iter_corpus(120, seed=3, words=150))
    assert [p[0] for p in pairs] == corpus.articles
    assert [p[1] for p in pairs] == corpus.truth


def test_generate_write_jsonl_is_byte_identical(tmp_path: Path) -> None:
    first = write_corpus_jsonl(tmp_path / "a" / "c.jsonl", 200, 9, words=150)
    second = write_corpus_jsonl(tmp_path / "b" / "c.jsonl", 200, 9, words=150)
    assert first[1] == tmp_path / "a" / "c.jsonl.truth.jsonl"
    assert [_digest(p) for p in first] == [_digest(p) for p in second]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["c.jsonl", "c.jsonl.truth.jsonl"]


def test_generate_write_jsonl_records_round_trip(tmp_path: Path) -> None:
    out, truth = write_corpus_jsonl(tmp_path / "c.jsonl", 80, 4, truth_path=tmp_path / "t.jsonl")
    corpus = generate_corpus(80, seed=4)
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert rows == [article_record(a) for a in corpus.articles]
    assert set(rows[0]) == {"id", "title", "text", "published", "source", "url"}
    records = [orjson.loads(line) for line in truth.read_bytes().splitlines()]
    assert records == [t.as_dict() for t in corpus.truth]


def test_generate_article_fields() -> None:
    corpus = generate_corpus(400, seed=2, words=120)
    assert [a.id for a in corpus.articles] == [f"a{i:06d}" for i in range(400)]
    for article in corpus.articles:
        assert article.title and article.text.strip()
        assert re.fullmatch(r"site\d+\.example", article.source or "")
        assert (article.url or "").startswith(f"https://{article.source}/")
        assert article.published is None or article.published.tzinfo is UTC
    truth = corpus.by_id()
    assert all(a.published is not None for a in corpus.articles if truth[a.id].kind == "original")
    assert any(a.published is None for a in corpus.articles)


def test_generate_copies_are_published_after_their_parent() -> None:
    corpus = generate_corpus(1500, seed=6, words=100)
    published = {a.id: a.published for a in corpus.articles}
    checked = 0
    for record in corpus.truth:
        if record.parent is None:
            continue
        mine, theirs = published[record.id], published[record.parent]
        if mine is not None and theirs is not None:
            assert mine > theirs
            checked += 1
    assert checked > 300


def test_generate_text_has_paragraphs_sentences_and_punctuation() -> None:
    text = generate_corpus(1, seed=0).articles[0].text
    paragraphs = text.split("\n\n")
    assert len(paragraphs) >= 3
    assert all(p and p == p.strip() for p in paragraphs)
    assert text.count(". ") >= 10 and "," in text
    assert all(s[:1].isupper() for s in re.split(r"(?<=\.) ", paragraphs[1]))


@pytest.mark.parametrize("n", [0, 1, 2, 999, 1001])
def test_generate_yields_exactly_n_articles(n: int) -> None:
    assert sum(1 for _ in iter_corpus(n, seed=1, words=30)) == n


def test_generate_stream_holds_two_blocks_at_most() -> None:
    generator = CorpusGenerator(CorpusSpec(n_articles=3500, seed=1, words=30))
    sizes = [len(generator.window.items) for _ in itertools.islice(generator, 0, None, 250)]
    assert max(sizes) <= 2000
    assert max(sizes) > 1000


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n_articles": -1}, "n_articles"),
        ({"seed": -3}, "seed"),
        ({"copy_rate": 1.0}, "copy_rate"),
        ({"copy_rate": "high"}, "copy_rate"),
        ({"kinds": {"paraphrase": 1.0}}, "kinds"),
        ({"kinds": {"near": -1.0}}, "kinds"),
        ({"kinds": {}}, "kinds"),
        ({"kinds": {"near": float("nan")}}, "kinds"),
        ({"words": 5}, "words"),
        ({"stories": 0}, "stories"),
        ({"intensity": (0.8, 0.2)}, "intensity"),
        ({"intensity": (0.0, 1.5)}, "intensity"),
    ],
)
def test_generate_rejects_bad_parameters(kwargs: dict[str, Any], name: str) -> None:
    params: dict[str, Any] = {"n_articles": 10, **kwargs}
    n = params.pop("n_articles")
    with pytest.raises(ConfigError, match=rf"^The '{name}' parameter of generate_corpus must be"):
        iter_corpus(n, **params)


def test_generate_write_jsonl_checks_parameters_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        write_corpus_jsonl(tmp_path / "c.jsonl", 10, 0, copy_rate=2.0)
    assert list(tmp_path.iterdir()) == []


def test_generate_stories_parameter_sets_the_story_count() -> None:
    corpus = generate_corpus(300, seed=1, words=50, stories=7)
    assert len({t.story for t in corpus.truth}) == 7


def test_generate_intensity_parameter_is_recorded() -> None:
    corpus = generate_corpus(200, seed=1, words=50, kinds={"rewrite": 1.0}, intensity=(0.3, 0.4))
    strengths = [t.intensity for t in corpus.truth if t.edit == "rewrite"]
    assert strengths and all(s is not None and 0.3 <= s <= 0.4 for s in strengths)


def test_generate_corpus_spans_three_years() -> None:
    dates = [a.published for a in generate_corpus(600, seed=1, words=30).articles if a.published]
    assert min(dates) >= datetime(2020, 1, 1, tzinfo=UTC)
    assert (max(dates) - min(dates)).days > 900


def test_generate_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    script = (
        "import sys; from newsdedup.synth import write_corpus_jsonl; "
        "write_corpus_jsonl(sys.argv[1], 300, 3, words=100)"
    )
    digests = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed / "c.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env)
        digests.append((_digest(out), _digest(Path(f"{out}.truth.jsonl"))))
    assert digests[0] == digests[1]


def test_generate_public_surface_is_declared() -> None:
    import newsdedup.synth as synth

    public = {
        n
        for n, v in vars(synth).items()
        if not n.startswith("_") and not isinstance(v, type(synth))
    }
    assert set(synth.__all__) == public
    assert synth.__all__ == sorted(synth.__all__)
