from __future__ import annotations

import pytest

from newsdedup import Article, Config, find_copies
from newsdedup.engine import local
from newsdedup.engine.pool import payload, pooled
from newsdedup.fingerprint.batch import fingerprint_articles
from newsdedup.report import Report


def _articles(n: int) -> list[Article]:
    words = [f"w{i}" for i in range(400)]
    texts = [" ".join(words[i % 50 : i % 50 + 120]) for i in range(n)]
    return [Article(id=f"d{i}", text=t) for i, t in enumerate(texts)]


def test_pool_workers_give_the_fingerprints_of_the_main_process() -> None:
    config = Config()
    articles = _articles(30)
    batches = [articles[i : i + 7] for i in range(0, len(articles), 7)]
    parts = list(pooled((payload(b) for b in batches), config, workers=2))
    assert [fp.ids for fp in parts] == [[a.id for a in b] for b in batches]
    for fp, batch in zip(parts, batches, strict=True):
        local_fp = fingerprint_articles(batch, config)
        assert fp.exact.tolist() == local_fp.exact.tolist()
        assert fp.keys.tolist() == local_fp.keys.tolist()
        assert fp.sets.tolist() == local_fp.sets.tolist()


def test_pool_run_equals_in_process_run(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = _articles(60)
    config = Config().override({"run.batch_size": "8", "run.workers": "3"})
    in_process = find_copies(articles, config)
    monkeypatch.setattr(local, "POOL_AFTER", 16)
    progress: list[int] = []
    pooled_run = find_copies(articles, config, progress=lambda stage, n: progress.append(n))
    assert pooled_run.groups == in_process.groups
    assert progress[-1] == 60


def test_pool_reports_a_dead_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsdedup.errors import NewsdedupError

    monkeypatch.setattr("sys.executable", "/bin/false")
    with pytest.raises(NewsdedupError, match="worker process exited"):
        list(pooled([payload(_articles(3))], Config(), workers=1))


def test_pool_not_used_for_one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "POOL_AFTER", 1)
    monkeypatch.setattr(local, "pooled", lambda *a: pytest.fail("pool started"))
    config = Config().override({"run.batch_size": "4", "run.workers": "1"})
    fp = local.fingerprint_stream(_articles(20), config, Report())
    assert len(fp) == 20
