"""newsdedup, datasketch and rensa on a family of corpora, in one run (issue 18, part 3).

For each kind of ``benchmarks/corpora.py`` (Zipf exponents 1.0 and 1.3 over pseudo-words with
no stop words, short and long articles, a Cyrillic vocabulary, resampled real sentences; 10%
planted copies plus one cluster of 200), every tool runs in its own child process on the
same JSONL file, with ``bench_dedup.py``'s runners:

- ``newsdedup``: ``newsdedup.jobs.dedup_files`` with default settings (what ``newsdedup
  dedup`` runs); its candidate pairs are ``Result.stats.candidate_pairs``, the pairs that go to
  verification: the LSH band pairs that ``verify.min_bands`` and the shingle containment floor
  (``verify.min_pair_containment``) keep, united with the short-document path's pairs; the
  pairs those two rules drop are reported beside them (``thin_pairs``,
  ``low_overlap_pairs``). The child prints its Stats as JSON;
- ``datasketch``, ``rensa``: ``bench_dedup.py``'s recipe (lower-cased word 5-grams, 128
  permutations, LSH at threshold 0.5, rensa with 16 bands, union-find over the candidate
  pairs, no verification); their candidate pairs are the LSH query answers, counted;
- ``rensa-readme``: rensa as its README shows (``RMinHashDeduplicator(threshold=0.8,
  num_perm=128, use_lsh=True)``, ``add_pairs`` of ``text.split()``), which verifies its
  candidates against the threshold and does not expose how many it had ("-").

    python benchmarks/bench_family.py --docs 20000 --json family.json
    python benchmarks/bench_family.py zipf-1.3 short --docs 5000 --tools newsdedup,rensa

Reported per corpus and tool: documents/s, the child's own peak RSS (VmHWM), candidate pairs per
document, pair precision and recall against the planted clusters (all pairs inside a
cluster, so the 200-copy cluster's 20,100 pairs weigh heavily), the share of planted copies
grouped with their original (all kinds, and rewrites alone), and newsdedup's speed over each
peer's (newsdedup documents/s divided by the peer's).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora
from bench_dedup import _run_child, _truth, candidate_recall, candidates_path, score

TOOLS = ("newsdedup", "datasketch", "rensa", "rensa-readme")


def _git(*args: str) -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def environment() -> dict[str, object]:
    """What the figures depend on: the code measured, the peers' versions, the machine."""
    import newsdedup

    versions = {}
    for pkg in ("newsdedup", "datasketch", "rensa", "numpy", "numba"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    path = Path(newsdedup.__file__).resolve().parent
    repo = Path(__file__).resolve().parents[1]
    return {
        "repo_commit": _git("rev-parse", "HEAD"),
        "src_changes": _git("status", "--porcelain", "src").splitlines(),
        # a run may pin newsdedup to a snapshot (PYTHONPATH=...) while others edit src/:
        # then the commit above is not what was measured
        "newsdedup_from_repo": path.is_relative_to(repo),
        "newsdedup_path": str(path),
        "versions": versions,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }


def run_kind(
    kind: str, args: argparse.Namespace, tools: list[str]
) -> dict[str, dict[str, object]] | None:
    try:
        inp, truth_path = corpora.ensure(kind, args.data, args.docs, args.seed, args.shared_data)
    except FileNotFoundError as err:
        print(f"skipping {kind}: {err}", file=sys.stderr)
        return None
    cluster, kinds = _truth(truth_path)
    rows: dict[str, dict[str, object]] = {}
    for tool in tools:
        out = args.data / f"groups-{kind}-{tool}-{args.docs}.jsonl"
        load = os.getloadavg()[0]
        info: dict[str, object] = dict(
            _run_child(tool, inp, out, args.shingle, args.threshold)  # type: ignore[arg-type]
        )
        info["load_before"] = load
        info["load_after"] = os.getloadavg()[0]
        info.update(score(out, cluster, kinds))
        if tool == "newsdedup" and candidates_path(out).exists():
            info.update(candidate_recall(candidates_path(out), cluster, kinds))
        info["docs_per_s"] = len(cluster) / float(info["seconds"])  # type: ignore[arg-type]
        stats = info.get("stats")
        if isinstance(stats, dict):
            info["candidate_pairs"] = stats["candidate_pairs"]
        if isinstance(info.get("candidate_pairs"), int):
            info["candidate_pairs_per_doc"] = info["candidate_pairs"] / len(cluster)  # type: ignore[operator]
        rows[tool] = info
        brief = {k: v for k, v in info.items() if k != "stats"}
        print(f"{kind} {tool}: {json.dumps(brief)}", file=sys.stderr)
    return rows


def _num(value: object, fmt: str) -> str:
    return "-" if not isinstance(value, int | float) else format(value, fmt)


def print_tables(results: dict[str, dict[str, dict[str, object]]], docs: int) -> None:
    cols = [
        "corpus",
        "tool",
        "docs/s",
        "newsdedup speed-up",
        "peak MiB",
        "candidate pairs/doc",
        "precision",
        "recall",
        "copies recall",
        "rewrite recall",
    ]
    print(f"\n{docs:,} documents per corpus, {os.cpu_count()} cores\n")
    print("| " + " | ".join(cols) + " |")
    print("|---" * len(cols) + "|")
    for kind, rows in results.items():
        base = rows.get("newsdedup", {}).get("docs_per_s")
        for tool, r in rows.items():
            speed = float(base) / float(r["docs_per_s"]) if base else None  # type: ignore[arg-type]
            cells = [
                kind,
                tool,
                _num(r["docs_per_s"], ",.0f"),
                "-" if speed is None else f"{speed:.2f}x",
                _num(r.get("own_peak_mib", r["peak_rss_mib"]), ",.0f"),
                _num(r.get("candidate_pairs_per_doc"), ",.1f"),
                _num(r["precision"], ".4f"),
                _num(r["recall"], ".4f"),
                _num(r.get("recall_copies"), ".4f"),
                _num(r.get("recall_rewrite"), ".4f"),
            ]
            print("| " + " | ".join(cells) + " |")
    cols = [
        "corpus",
        "candidate pairs",
        "of which short-doc",
        "dropped: one band",
        "dropped: under the floor",
        "verified",
        "capped buckets",
        "candidates s",
        "verify s",
        "total s",
        "planted copies found",
        "candidate recall",
        "rewrite candidate recall",
    ]
    print("\nnewsdedup's run, from its Stats\n")
    print("| " + " | ".join(cols) + " |")
    print("|---" * len(cols) + "|")
    for kind, rows in results.items():
        r = rows.get("newsdedup")
        if not r or not isinstance(r.get("stats"), dict):
            continue
        st: dict = r["stats"]  # type: ignore[assignment]
        sec = st.get("seconds", {})
        cells = [
            kind,
            f"{st['candidate_pairs']:,}",
            f"{st['short_pairs']:,}",
            f"{st.get('thin_pairs', 0):,}",
            f"{st.get('low_overlap_pairs', 0):,}",
            f"{st['verified_pairs']:,}",
            f"{st['oversized_buckets']:,}",
            _num(sec.get("candidates"), ".1f"),
            _num(sec.get("verify"), ".1f"),
            _num(r["seconds"], ".1f"),
            _num(r.get("recall_copies"), ".4f"),
            _num(r.get("candidate_recall"), ".4f"),
            _num(r.get("candidate_recall_rewrite"), ".4f"),
        ]
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("kinds", nargs="*", default=list(corpora.KINDS), help="default: all")
    ap.add_argument("--docs", type=int, default=20000, help="documents per corpus")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--data", type=Path, default=Path("bench-data/family"))
    ap.add_argument("--shared-data", type=Path, default=corpora.SHARED_DATA)
    ap.add_argument("--shingle", type=int, default=5, help="peers' word n-gram size")
    ap.add_argument("--threshold", type=float, default=0.5, help="peers' LSH threshold")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    unknown = set(args.kinds) - set(corpora.KINDS)
    if unknown:
        ap.error(f"unknown kinds {sorted(unknown)}; known: {', '.join(corpora.KINDS)}")
    tools = args.tools.split(",")
    env = environment()
    env["load_at_start"] = os.getloadavg()
    print(f"environment: {json.dumps(env)}", file=sys.stderr)
    started = time.time()
    results: dict[str, dict[str, dict[str, object]]] = {}
    for kind in args.kinds:
        rows = run_kind(kind, args, tools)
        if rows is not None:
            results[kind] = rows
    env["load_at_end"] = os.getloadavg()
    env["wall_s"] = time.time() - started
    print_tables(results, args.docs)
    print(f"\nload average at start {env['load_at_start']}, at end {env['load_at_end']}")
    if args.json:
        payload = {"docs": args.docs, "seed": args.seed, "environment": env, "results": results}
        args.json.write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
