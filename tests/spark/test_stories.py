"""Stories on Spark run the core's story graph: they equal ``find_stories`` (stories, topics,
ids, records) on the seeds and on a generated corpus, across any time span."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq
import pytest

from newsdedup import Article, Config, Result, find_copies, find_stories
from newsdedup.group.stories.records import story_id
from newsdedup.metrics import bcubed, cluster_pairs, pair_score
from newsdedup.spark.job import _spark_schema
from newsdedup.spark.stages import ARTICLE_SCHEMA
from newsdedup.spark.stories import dedup_with_stories, stories
from newsdedup.synth import write_corpus_jsonl

_SAME_EVENT = {"000", "001", "003", "004"}


def _frames(spark: Any, articles: list[Article], copies: Result) -> tuple[Any, Any]:
    """The articles as ``stages.articles_of`` yields them, and their copy groups."""
    rows = [
        (0, n + 1, a.id, a.title, a.text, a.published, a.url, a.source, a.lang)
        for n, a in enumerate(articles)
    ]
    frame = spark.createDataFrame(rows, schema=_spark_schema(ARTICLE_SCHEMA))
    groups = [(m.id, g.id) for g in copies.groups for m in g.members]
    return frame, spark.createDataFrame(groups, "id string, group string")


def _story_of(assigned: Any) -> dict[str, str]:
    rows = assigned.collect()
    found = {r["id"]: r["story"] for r in rows}
    assert len(found) == len(rows), "an article is in two stories"
    return found


def _partition(story_of: dict[str, str]) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for doc, story in story_of.items():
        members.setdefault(story, set()).add(doc)
    return {frozenset(m) for m in members.values()}


def _scores(story_of: dict[str, str], truth: dict[str, str]) -> tuple[float, float]:
    pairs = pair_score(cluster_pairs(story_of), cluster_pairs(truth)).f1
    return pairs, bcubed(story_of, truth).f1


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[Article], Result, dict[str, str]]:
    """2,000 generated articles (three years), their copy groups and true stories."""
    path, truth_path = write_corpus_jsonl(
        tmp_path_factory.mktemp("stories") / "corpus.jsonl", 2000, seed=3, words=150
    )
    articles = []
    for line in path.read_bytes().splitlines():
        r = orjson.loads(line)
        published = r.get("published")
        articles.append(
            Article(
                id=r["id"], text=r["text"], title=r.get("title"), source=r.get("source"),
                published=None if published is None else datetime.fromisoformat(published),
            )
        )  # fmt: skip
    truth = {
        (t := orjson.loads(line))["id"]: t["story"] for line in truth_path.read_bytes().split()
    }
    return articles, find_copies(articles, Config()), truth


def test_stories_seeds_as_the_local_stage(spark: Any, dated_seeds: list[Article]) -> None:
    """000/001/003/004 one story (000 follows its copy 001), 002 apart in the same topic,
    with the local stage's ids."""
    copies = find_copies(dated_seeds, Config())
    assigned, records = stories(spark, *_frames(spark, dated_seeds, copies), Config())
    found = _story_of(assigned)
    assert _partition(found) == {frozenset(_SAME_EVENT), frozenset({"002"})}
    local = find_stories(dated_seeds, copies=copies)
    assert found == local.story_of
    assert {r["id"]: r["topic"] for r in assigned.collect()} == local.topic_of
    event = {r["id"]: r for r in records.collect()}[found["001"]]
    assert event["members"][0] == "001" and event["size"] == 4
    assert set(event["groups"]) == _groups(assigned, _SAME_EVENT)


def _groups(assigned: Any, ids: set[str]) -> set[str]:
    return {r["group"] for r in assigned.collect() if r["id"] in ids}


def test_stories_equal_find_stories(spark: Any, generated: Any) -> None:
    """Three years of generated coverage: the same stories, topics and records."""
    articles, copies, _ = generated
    local = find_stories(articles, Config(), copies=copies)
    frame, groups = _frames(spark, articles, copies)
    assigned, records = stories(spark, frame, groups, Config())
    found = _story_of(assigned)
    assert found == local.story_of
    assert {r["id"]: r["topic"] for r in assigned.collect()} == local.topic_of
    told = {r["id"]: (tuple(r["label"]), r["headline"], r["size"]) for r in records.collect()}
    assert told == {s.id: (s.label, s.headline, s.size) for s in local.stories}


def _reports(vocabulary: list[str], days: list[float], prefix: str, seed: int) -> list[Article]:
    """One event's reports on ``days`` (after 2024-01-01): words drawn from its vocabulary."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return [
        Article(
            id=f"{prefix}{n}",
            text=" ".join(rng.choice(vocabulary) for _ in range(120)),
            published=start + timedelta(days=day),
        )
        for n, day in enumerate(days)
    ]


def test_stories_one_story_across_days(
    spark: Any, unique_words: Callable[[int, int], list[str]]
) -> None:
    """Two events, each reported over eight days: two stories, each named by its first
    report, as the local stage names them."""
    days = [0.5, 1.5, 2.5, 3.5, 4.5, 8.0]
    articles = _reports(unique_words(60, 0), days, "x", 1)
    articles += _reports(unique_words(60, 60), [d + 0.25 for d in days], "y", 2)
    copies = find_copies(articles, Config())
    frame, groups = _frames(spark, articles, copies)
    assigned, _ = stories(spark, frame, groups, Config())
    found = _story_of(assigned)
    assert {found[a.id] for a in articles if a.id.startswith("x")} == {story_id("x0")}
    assert {found[a.id] for a in articles if a.id.startswith("y")} == {story_id("y0")}
    assert found == find_stories(articles, Config(), copies=copies).story_of


def test_stories_write_stories_beside_the_groups(
    spark: Any, dated_seeds: list[Article], tmp_path: Path
) -> None:
    """``dedup_with_stories`` runs ``dedup``, reads its groups back and writes (id, group, story)
    beside them; the story records go where asked."""
    corpus = tmp_path / "seeds.jsonl"
    corpus.write_bytes(
        b"".join(
            orjson.dumps({"id": a.id, "text": a.text, "published": a.published.isoformat()}) + b"\n"
            for a in dated_seeds
            if a.published is not None
        )
    )
    run = dedup_with_stories(
        spark, [str(corpus)], output=str(tmp_path / "groups.parquet"),
        records_output=str(tmp_path / "records.parquet"),
    )  # fmt: skip
    assert run.outputs["stories"] == str(tmp_path / "groups.stories.parquet")
    rows = pq.read_table(run.outputs["stories"]).to_pylist()
    groups = {r["id"]: r["group"] for r in pq.read_table(tmp_path / "groups.parquet").to_pylist()}
    assert {r["id"]: r["group"] for r in rows} == groups
    assert {r["id"]: r["story"] for r in rows} == find_stories(dated_seeds).story_of
    assert pq.read_table(run.outputs["story_records"]).num_rows == 2
