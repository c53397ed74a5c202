"""A process killed mid-ingest loses nothing it acknowledged, and ingesting goes on correctly."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from newsdedup import Config, find_copies, find_stories
from newsdedup.group.stories import publication_order
from newsdedup.store.index import Index
from newsdedup.synth import generate_corpus

N, SEED = 240, 21

# The child ingests in small batches and prints each id once ``add`` has returned (committed);
# the story graph is written in the same transaction, so a kill loses nothing acknowledged.
CHILD = f"""
import sys
import newsdedup.store.index as ix
from newsdedup import Config
from newsdedup.group.stories import publication_order
from newsdedup.synth import generate_corpus
arts = list(generate_corpus({N}, seed={SEED}, words=120, copy_rate=0.35).articles)
order, _ = publication_order(arts, Config().stories)
arts = [arts[i] for i in order]
with ix.Index(sys.argv[1], Config()) as index:
    for lo in range(0, len(arts), 6):
        result = index.add(arts[lo : lo + 6])
        for added in result.added:
            print(added.id, flush=True)
"""


def articles():  # type: ignore[no-untyped-def]
    arts = list(generate_corpus(N, seed=SEED, words=120, copy_rate=0.35).articles)
    order, _ = publication_order(arts, Config().stories)
    return [arts[i] for i in order]


def run_and_kill(db: Path, after: int, rng: random.Random) -> list[str]:
    """Start the child, SIGKILL it once it acknowledged ``after`` ids (plus a random delay)."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    acknowledged: list[str] = []
    for line in child.stdout:
        acknowledged.append(line.strip())
        if len(acknowledged) >= after:
            time.sleep(rng.random() * 0.05)
            break
    os.kill(child.pid, signal.SIGKILL)
    acknowledged += [line.strip() for line in child.stdout]  # printed before the kill landed
    child.wait()
    child.stdout.close()
    return acknowledged


def test_durability_killed_ingest_keeps_every_acknowledged_article(tmp_path: Path) -> None:
    rng = random.Random(7)
    arts = articles()
    db = tmp_path / "x.db"
    acknowledged: list[str] = []
    for after in sorted(rng.sample(range(10, N - 40), 2)):
        acknowledged = run_and_kill(db, after, rng)
        assert len(acknowledged) >= after
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with Index(db, Config()) as index:
            for article_id in acknowledged:
                stored = index.article(article_id)
                assert stored is not None, article_id
                assert stored.group and stored.story, article_id
    assert 0 < len(acknowledged) < N, "the kill must land mid-ingest"
    with Index(db, Config()) as index:
        index.add(arts)  # the rest; what was stored already is unchanged
        copies = find_copies(arts, Config())
        stories = find_stories(arts, Config(), copies=copies)
        group_of = {m.id: g.id for g in copies.groups for m in g.members}
        assert {a.id: index.article(a.id).group for a in arts} == group_of  # type: ignore[union-attr]
        assert {a.id: index.article(a.id).story for a in arts} == stories.story_of  # type: ignore[union-attr]
        topics = {a.id: index.story(stories.story_of[a.id]).topic for a in arts}  # type: ignore[union-attr]
        assert topics == stories.topic_of
