"""Service load test: concurrent writers and readers against ``newsdedup serve`` on loopback.

    python benchmarks/bench_serve.py --seconds 60 --writers 8 --readers 32

Starts ``newsdedup serve`` (uvicorn, one process) on a fresh index in a temporary folder. For
``--seconds``, writer threads POST batches of generated articles (``newsdedup.synth``, with
planted copies so copy groups form) and reader threads GET /stories, /articles/{id},
/articles/{id}/copies, /search and /diff over what was acknowledged so far. Then it checks that
every acknowledged article is retrievable, stops the server, runs ``PRAGMA integrity_check`` and
compares the stored ids with the acknowledged ones, and prints requests/s and p50/p95/p99 per
route (``--json`` writes them too). Exits 1 when an article is lost or the database is corrupt.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from newsdedup.synth import iter_corpus
from newsdedup.synth.generate import article_record


class Shared:
    """What the clients share: the article stream, the acknowledged ids, the measurements."""

    def __init__(self, docs: Iterator[Any], stop_at: float) -> None:
        self.lock = threading.Lock()
        self.docs = docs
        self.stop_at = stop_at
        self.acked: list[str] = []
        self.groups: dict[str, list[str]] = defaultdict(list)
        self.words: list[str] = []
        self.pairs: list[tuple[str, str]] = []  #: first two members of groups with copies
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def batch(self, size: int) -> list[dict[str, Any]]:
        with self.lock:
            return [article_record(a) for a, _ in itertools.islice(self.docs, size)]

    def record(self, route: str, seconds: float, ok: bool, status: object) -> None:
        with self.lock:
            self.latency[route].append(seconds)
            if not ok:
                self.errors[f"{route} {status}"] += 1


def _timed(
    shared: Shared, client: httpx.Client, route: str, method: str, url: str, **kwargs: Any
) -> httpx.Response | None:
    start = time.perf_counter()
    try:
        response = client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        shared.record(route, time.perf_counter() - start, False, type(exc).__name__)
        return None
    ok = response.status_code == 200
    shared.record(route, time.perf_counter() - start, ok, response.status_code)
    return response if ok else None


def writer(base: str, shared: Shared, batch: int) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        while time.monotonic() < shared.stop_at:
            records = shared.batch(batch)
            if not records:
                return
            response = _timed(shared, client, "POST /articles", "POST", "/articles", json=records)
            if response is None:
                continue
            with shared.lock:
                for a in response.json()["articles"]:
                    shared.acked.append(a["id"])
                    members = shared.groups[a["group"]]
                    members.append(a["id"])
                    if len(members) == 2:
                        shared.pairs.append((members[0], members[1]))
                shared.words += [w for r in records for w in (r["title"] or "").split()[:2]]


def reader(base: str, shared: Shared, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=120) as client:
        while time.monotonic() < shared.stop_at:
            with shared.lock:
                some = rng.choice(shared.acked) if shared.acked else None
                word = rng.choice(shared.words) if shared.words else "the"
                pair = rng.choice(shared.pairs) if shared.pairs else None
            roll = rng.random()
            if roll < 0.3 or some is None:
                params = {"order": rng.choice(["recent", "size"]), "limit": 20}
                _timed(shared, client, "GET /stories", "GET", "/stories", params=params)
            elif roll < 0.55:
                _timed(shared, client, "GET /articles/{id}", "GET", f"/articles/{some}")
            elif roll < 0.7:
                url = f"/articles/{some}/copies"
                _timed(shared, client, "GET /articles/{id}/copies", "GET", url)
            elif roll < 0.85:
                _timed(shared, client, "GET /search", "GET", "/search", params={"q": word})
            elif pair is not None:
                params = {"a": pair[0], "b": pair[1]}
                _timed(shared, client, "GET /diff", "GET", "/diff", params=params)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    main = "from newsdedup.cli.main import app; app()"
    command = [sys.executable, "-c", main, "serve", "--db", str(db), "--port", str(port)]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    for _ in range(1200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return server
        except httpx.TransportError:
            if server.poll() is not None:
                raise SystemExit(f"the server exited:\n{log.read_text()}") from None
            time.sleep(0.1)
    raise SystemExit("the server did not start in 120 s")


def verify(
    base: str, acked: list[str], db: Path, server: subprocess.Popen[bytes]
) -> dict[str, Any]:
    """Every acknowledged id answers 200 while serving, is stored, and the file is sound."""
    unique = sorted(set(acked))
    missing = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for article_id in unique:
            if client.get(f"/articles/{article_id}").status_code != 200:
                missing.append(article_id)
    server.terminate()
    server.wait(timeout=60)
    conn = sqlite3.connect(db)
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    stored = {r[0] for r in conn.execute("SELECT id FROM articles WHERE current = 1")}
    conn.close()
    return {
        "acknowledged": len(unique),
        "missing_over_http": len(missing),
        "missing_in_db": len(set(unique) - stored),
        "stored": len(stored),
        "integrity_check": integrity,
    }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(shared: Shared, seconds: float) -> dict[str, Any]:
    routes = {}
    for route, values in sorted(shared.latency.items()):
        routes[route] = {
            "requests": len(values),
            "per_s": round(len(values) / seconds, 1),
            "p50_ms": round(_pct(values, 0.50), 1),
            "p95_ms": round(_pct(values, 0.95), 1),
            "p99_ms": round(_pct(values, 0.99), 1),
        }
    total = sum(r["requests"] for r in routes.values())
    return {
        "routes": routes,
        "requests": total,
        "per_s": round(total / seconds, 1),
        "errors": dict(shared.errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--batch", type=int, default=5, help="articles per POST")
    parser.add_argument("--words", type=int, default=300, help="mean article length")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    db, port = folder / "index.db", _free_port()
    server = start_server(db, port, folder / "serve.log")
    base = f"http://127.0.0.1:{port}"
    docs = (pair for pair in iter_corpus(10**7, seed=args.seed, words=args.words, copy_rate=0.35))
    shared = Shared(docs, time.monotonic() + args.seconds)
    start = time.monotonic()
    threads = [
        threading.Thread(target=writer, args=(base, shared, args.batch))
        for _ in range(args.writers)
    ]
    threads += [
        threading.Thread(target=reader, args=(base, shared, n)) for n in range(args.readers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    results = report(shared, elapsed)
    results["check"] = verify(base, shared.acked, db, server)
    results["setup"] = {
        **vars(args),
        "json": str(args.json) if args.json else None,
        "elapsed_s": round(elapsed, 1),
        "cpus": os.cpu_count(),
    }
    _print(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    check = results["check"]
    lost = check["missing_over_http"] or check["missing_in_db"]
    sys.exit(1 if lost or check["integrity_check"] != "ok" else 0)


def _print(results: dict[str, Any]) -> None:
    print(f"{'route':<28} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for route, r in results["routes"].items():
        print(
            f"{route:<28} {r['requests']:>9} {r['per_s']:>8} {r['p50_ms']:>8} "
            f"{r['p95_ms']:>8} {r['p99_ms']:>8}"
        )
    print(f"{'all':<28} {results['requests']:>9} {results['per_s']:>8}")
    print("errors:", results["errors"] or "none")
    print("check:", results["check"])


if __name__ == "__main__":
    main()
