"""Stories on Spark per time window equal the local stage where it sees everything, keep the
seeds right, score as well as it on a generated corpus, and stitch a story across windows."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsdedup import Article, Config, Result, find_copies, find_stories
from newsdedup.errors import ConfigError
from newsdedup.group.story_summary import story_id
from newsdedup.metrics import bcubed, cluster_pairs, pair_score
from newsdedup.spark.job import _spark_schema
from newsdedup.spark.stages import ARTICLE_SCHEMA
from newsdedup.spark.stories import stories, write_stories
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


def test_stories_seeds_as_the_local_stage(spark: Any, seeds: list[Article]) -> None:
    """000/001/003/004 one story (001 and 003 straddle a weekly boundary; 000 follows its copy
    001; 004 is undated and probed), 002 apart, with the local stage's story ids."""
    copies = find_copies(seeds, Config())
    assigned, records = stories(spark, *_frames(spark, seeds, copies), Config())
    found = _story_of(assigned)
    assert _partition(found) == {frozenset(_SAME_EVENT), frozenset({"002"})}
    assert found == find_stories(seeds, copies=copies).story_of
    event = {r["id"]: r for r in records.collect()}[found["001"]]
    assert event["members"][:2] == ["001", "003"] and event["size"] == 4
    assert [(d["day"], d["articles"]) for d in event["timeline"]] == [
        ("2022-09-14", 1),
        ("2022-09-15", 1),
    ]
    assert set(event["groups"]) == _groups(assigned, _SAME_EVENT)


def _groups(assigned: Any, ids: set[str]) -> set[str]:
    return {r["group"] for r in assigned.collect() if r["id"] in ids}


def test_stories_one_window_equals_find_stories(spark: Any, generated: Any) -> None:
    """A window wider than the corpus: the core sees what ``find_stories`` sees."""
    articles, copies, _ = generated
    local = find_stories(articles, Config(), copies=copies)
    frame, groups = _frames(spark, articles, copies)
    assigned, records = stories(spark, frame, groups, Config(), window_days=100_000)
    found = _story_of(assigned)
    assert _partition(found) == _partition(local.story_of)
    assert found == local.story_of
    told = {r["id"]: (tuple(r["label"]), r["headline"]) for r in records.collect()}
    assert {k: label for k, (label, _) in told.items()} == {s.id: s.label for s in local.stories}
    # the core breaks a tie for the central voice (two voices are equally central) by float
    # rounding that follows the process's string-hash order: two local runs with other
    # PYTHONHASHSEEDs differ in 15 of these 854 headlines, so the headlines agree but not all
    same = sum(told[s.id][1] == s.headline for s in local.stories)
    assert same >= 0.95 * len(local.stories)


def test_stories_weekly_windows_score_as_find_stories(spark: Any, generated: Any) -> None:
    articles, copies, truth = generated
    local = find_stories(articles, Config(), copies=copies)
    frame, groups = _frames(spark, articles, copies)
    assigned, records = stories(spark, frame, groups, Config(), window_days=7.0)
    found = _story_of(assigned)
    assert found.keys() == {a.id for a in articles}
    sizes = {r["id"]: r["size"] for r in records.select("id", "size").collect()}
    assert sizes.keys() == set(found.values()) and sum(sizes.values()) == len(found)
    (local_pairs, local_b3), (spark_pairs, spark_b3) = (
        _scores(local.story_of, truth),
        _scores(found, truth),
    )
    print(f"pair F1 local {local_pairs:.4f} spark {spark_pairs:.4f}; "
          f"B-cubed F1 local {local_b3:.4f} spark {spark_b3:.4f}")  # fmt: skip
    assert spark_pairs == pytest.approx(local_pairs, abs=0.03)
    assert spark_b3 == pytest.approx(local_b3, abs=0.03)


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


def test_stories_one_story_across_a_window_boundary(
    spark: Any, unique_words: Callable[[int, int], list[str]]
) -> None:
    """Weekly windows split at 2024-01-04 (epoch day 19726 = 7 * 2818): each event has reports
    on both sides and ends as one story, named by its first report."""
    days = [0.5, 1.5, 2.5, 3.5, 4.5, 8.0]
    assert len({(19723 + d) // 7 for d in days}) == 2
    articles = _reports(unique_words(60, 0), days, "x", 1)
    articles += _reports(unique_words(60, 60), [d + 0.25 for d in days], "y", 2)
    copies = find_copies(articles, Config())
    frame, groups = _frames(spark, articles, copies)
    assigned, _ = stories(spark, frame, groups, Config(), window_days=7.0)
    found = _story_of(assigned)
    assert {found[a.id] for a in articles if a.id.startswith("x")} == {story_id("x0")}
    assert {found[a.id] for a in articles if a.id.startswith("y")} == {story_id("y0")}
    assert found == find_stories(articles, Config(), copies=copies).story_of


@pytest.mark.parametrize(
    ("window", "overlap"), [(0.0, None), (-1.0, None), (float("inf"), None), (7.0, -1.0)]
)
def test_stories_bad_windows_are_refused(spark: Any, window: float, overlap: float | None) -> None:
    empty = spark.createDataFrame([], _spark_schema(pa.schema(ARTICLE_SCHEMA)))
    groups = spark.createDataFrame([], "id string, group string")
    with pytest.raises(ConfigError, match="parameter of stories must be"):
        stories(spark, empty, groups, Config(), window_days=window, overlap_days=overlap)


def test_stories_write_stories_beside_the_groups(
    spark: Any, seeds: list[Article], tmp_path: Path
) -> None:
    """``write_stories`` runs ``dedup``, reads its groups back and writes (id, group, story)
    beside them; the story records go where asked."""
    corpus = tmp_path / "seeds.jsonl"
    corpus.write_bytes(b"".join(orjson.dumps({"id": a.id, "text": a.text}) + b"\n" for a in seeds))
    run = write_stories(
        spark, [str(corpus)], output=str(tmp_path / "groups.parquet"),
        records_output=str(tmp_path / "records.parquet"),
    )  # fmt: skip
    assert run.outputs["stories"] == str(tmp_path / "groups.stories.parquet")
    rows = pq.read_table(run.outputs["stories"]).to_pylist()
    groups = {r["id"]: r["group"] for r in pq.read_table(tmp_path / "groups.parquet").to_pylist()}
    assert {r["id"]: r["group"] for r in rows} == groups
    assert {r["id"]: r["story"] for r in rows} == find_stories(seeds).story_of
    assert pq.read_table(run.outputs["story_records"]).num_rows == 2
