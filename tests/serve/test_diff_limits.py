"""The bounds of diffs, which anonymous reads trigger: a size limit per text (413), a limit on
alignments computed at once (503), and a cache of bounded rows and bytes, least recently used
out first (store/lookup.py ``Diffs``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from newsdedup.errors import ConfigError, DiffTooLargeError
from newsdedup.store import lookup
from newsdedup.store.index import Index
from newsdedup.store.lookup import Diffs
from newsdedup.types import Article

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

pytest.importorskip("fastapi", reason="needs the serve extra")

CACHED = "SELECT count(*), coalesce(sum(length(value)), 0) FROM alignments"


@pytest.fixture
def small_index(index: Index, unique_words: Callable[[int, int], list[str]]) -> Index:
    """Eight articles of 40 distinct words (a0..a7), each sharing its first half with the
    next, so the diffs have passages and spans."""
    texts = [" ".join(unique_words(40, 20 * k)) for k in range(8)]
    index.add(Article(id=f"a{k}", text=t) for k, t in enumerate(texts))
    return index


def _pairs(n: int) -> list[tuple[str, str]]:
    return [(f"a{i}", f"a{j}") for i in range(n) for j in range(n) if i != j]


def _cached(index: Index) -> tuple[int, int]:
    rows, size = index._conn().execute(CACHED).fetchone()
    return int(rows), int(size)


def test_diff_limits_cache_never_exceeds_its_rows(small_index: Index) -> None:
    small_index.diffs = Diffs(max_rows=5)
    for a, b in _pairs(8):  # 56 distinct pairs
        assert small_index.diff(a, b) is not None
        assert _cached(small_index)[0] <= 5
    assert _cached(small_index)[0] == 5
    assert small_index.diffs.stats()["rows"] == 5


def test_diff_limits_a_cache_over_new_bounds_shrinks_at_the_next_insert(
    small_index: Index,
) -> None:
    for a, b in _pairs(4):  # 12 rows under the default bounds
        small_index.diff(a, b)
    small_index.diffs = Diffs(max_rows=3)
    small_index.diff("a5", "a6")
    assert _cached(small_index)[0] == 3


def test_diff_limits_anonymous_gets_keep_the_cache_bounded(
    seeded: TestClient, index: Index, seed_ids: dict[str, str]
) -> None:
    """Every pair of the five articles through GET /diff and the UI's compare view: the
    table stays at its bound."""
    index.diffs = Diffs(max_rows=2)
    ids = sorted(seed_ids.values())
    for a in ids:
        for b in ids:
            if a != b:
                assert seeded.get("/diff", params={"a": a, "b": b}).status_code == 200
                assert _cached(index)[0] <= 2
    for b in ids[1:]:
        assert seeded.get(f"/ui/articles/{ids[0]}", params={"against": b}).status_code == 200
        assert _cached(index)[0] <= 2


def test_diff_limits_cache_never_exceeds_its_bytes(small_index: Index) -> None:
    small_index.diffs = Diffs(max_rows=0)  # measure the entries without caching them
    sizes = [len(lookup.json.dumps(small_index.diff(a, b))) for a, b in _pairs(6)]
    bound = 10 * max(sizes)  # an entry may take up to an eighth of it
    small_index.diffs = Diffs(max_bytes=bound)
    for a, b in _pairs(8):
        small_index.diff(a, b)
        assert _cached(small_index)[1] <= bound
    rows, size = _cached(small_index)
    assert 8 <= rows < 56 and size > bound - 2 * max(sizes)
    assert small_index.diffs.stats() == {"rows": rows, "bytes": size}


def test_diff_limits_evicts_the_least_recently_used(small_index: Index) -> None:
    small_index.diffs = Diffs(max_rows=3)
    first = small_index.diff("a0", "a1")
    for a, b in [("a1", "a2"), ("a2", "a3"), ("a0", "a1"), ("a3", "a4"), ("a4", "a5")]:
        small_index.diff(a, b)  # a0/a1, asked again, stays; a1/a2 and a2/a3 go
    keys = {r[0] for r in small_index._conn().execute("SELECT a FROM alignments")}
    assert keys == {"a0@1", "a3@1", "a4@1"}
    assert small_index.diff("a0", "a1") == first


def test_diff_limits_cache_answers_what_a_fresh_alignment_answers(small_index: Index) -> None:
    small_index.diffs = Diffs(max_rows=0)  # no cache: every diff computed
    fresh = small_index.diff("a2", "a3")
    assert _cached(small_index) == (0, 0)
    small_index.diffs = Diffs()
    assert small_index.diff("a2", "a3") == fresh  # computed, then cached
    assert small_index.diff("a2", "a3") == fresh  # from the cache
    assert _cached(small_index)[0] == 1


def test_diff_limits_an_entry_over_an_eighth_of_the_bytes_is_not_kept(small_index: Index) -> None:
    size = len(lookup.json.dumps(small_index.diff("a0", "a1")))
    small_index.diffs = Diffs(max_bytes=size * 8 - 8)
    assert small_index.diff("a1", "a2") is not None
    assert _cached(small_index) == (1, size)  # only the first, stored under the default bounds


def test_diff_limits_over_size_text_is_refused_before_any_work(
    small_index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_index.add([Article(id="long", text="word " * 300)])
    small_index.diffs = Diffs(max_chars=1000)

    def never(*args: Any) -> None:
        raise AssertionError("aligned an over-size pair")

    monkeypatch.setattr(lookup, "_aligned", never)
    with pytest.raises(DiffTooLargeError, match="'long' has 1,499 characters") as caught:
        small_index.diff("a0", "long")
    assert (caught.value.param, caught.value.limit) == ("b", 1000)
    assert _cached(small_index) == (0, 0)


def test_diff_limits_over_size_pair_is_413_json_naming_the_parameter(
    seeded: TestClient, index: Index, seed_ids: dict[str, str]
) -> None:
    index.diffs = Diffs(max_chars=2500)  # 001 has more, 004 less
    response = seeded.get("/diff", params={"a": seed_ids["001"], "b": seed_ids["004"]})
    assert response.status_code == 413
    body = response.json()
    assert f"article a '{seed_ids['001']}'" in body["detail"]
    assert "at most 2,500" in body["detail"]
    assert body["errors"][0]["field"] == "query.a"
    swapped = seeded.get("/diff", params={"a": seed_ids["004"], "b": seed_ids["001"]})
    assert swapped.json()["errors"][0]["field"] == "query.b"
    page = seeded.get(f"/ui/articles/{seed_ids['001']}", params={"against": seed_ids["004"]})
    assert page.status_code != 500
    assert _cached(index) == (0, 0)


def test_diff_limits_busy_slots_answer_503_with_retry_after(
    small_index: Index, make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    small_index.diffs = Diffs(workers=1, wait_seconds=0.2)
    started, release = threading.Event(), threading.Event()
    real = lookup._aligned

    def slow(*args: Any) -> dict[str, Any]:
        started.set()
        release.wait(30)
        return real(*args)

    monkeypatch.setattr(lookup, "_aligned", slow)
    worker = threading.Thread(target=small_index.diff, args=("a0", "a1"))
    worker.start()
    try:
        assert started.wait(30)
        response = make_client().get("/diff", params={"a": "a2", "b": "a3"})
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert "computing 1 diffs" in response.json()["detail"]
    finally:
        release.set()
        worker.join(30)
    monkeypatch.setattr(lookup, "_aligned", real)
    assert make_client().get("/diff", params={"a": "a2", "b": "a3"}).status_code == 200


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"max_chars": 0}, "max_chars"),
        ({"max_rows": -1}, "max_rows"),
        ({"max_bytes": -1}, "max_bytes"),
        ({"workers": 0}, "workers"),
        ({"max_rows": 1.5}, "max_rows"),
        ({"wait_seconds": -1}, "wait_seconds"),
    ],
)
def test_diff_limits_check_their_parameters(kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises(ConfigError, match=f"'{name}' parameter of Diffs"):
        Diffs(**kwargs)
