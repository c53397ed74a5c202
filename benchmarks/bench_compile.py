"""What a first run pays to compile the numba kernels, kernel by kernel.

A fresh install (or CI's fresh clone) has no numba cache: its first run compiles every kernel
it calls, and each test process of the suite does too. This runs a newsdedup command
(``newsdedup demo`` unless given another: a generated corpus and its copy groups) in a fresh
interpreter with an empty ``NUMBA_CACHE_DIR``, and prints the wall time, the compile time of
each kernel (its own, not that of the kernels it calls) and every kernel compiled for more
than one signature, or for a literal argument (``Literal[bool](True)``: numba compiles a
callee once more for a constant). Run it with ``PYTHONPATH=<other checkout>/src`` to time
another checkout the same way.

    python benchmarks/bench_compile.py --top 15
    python benchmarks/bench_compile.py -- stories corpus.jsonl -o stories.parquet
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

#: Run in the child: the demo with a listener on numba's compile events.
CHILD = r"""
import collections, io, json, sys, time
from contextlib import redirect_stdout, redirect_stderr
import numba
from numba.core import event

own = collections.defaultdict(float)
count = collections.Counter()
stack = []

class Timer(event.Listener):
    def on_start(self, ev):
        stack.append([time.perf_counter(), 0.0])

    def on_end(self, ev):
        start, inner = stack.pop()
        spent = time.perf_counter() - start
        func = ev.data["dispatcher"].py_func
        name = f"{func.__module__}.{func.__qualname__}".split(".<locals>")[0]
        own[name] += spent - inner
        count[name] += 1
        if stack:
            stack[-1][1] += spent

event.register("numba:compile", Timer())
from newsdedup.cli.main import app

start = time.perf_counter()
with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
    try:
        app(sys.argv[1:])
    except SystemExit as done:
        assert not done.code, done.code
wall = time.perf_counter() - start
twice = {}
for name, module in list(sys.modules.items()):
    if not name.startswith("newsdedup"):
        continue
    for attr, value in vars(module).items():
        if isinstance(value, numba.core.registry.CPUDispatcher) and value.__module__ == name:
            sigs = [", ".join(map(str, sig)) for sig in value.signatures]
            if len(sigs) > 1 or any("Literal" in sig for sig in sigs):
                twice[f"{name}.{attr}"] = sigs
print(json.dumps({"wall": wall, "own": own, "count": count, "twice": twice}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="*", default=["demo"], help="a newsdedup command")
    parser.add_argument("--top", type=int, default=15, help="kernels to list")
    args = parser.parse_args()  # a command with options goes after --
    with tempfile.TemporaryDirectory(prefix="newsdedup-numba-") as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *args.command],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    out = json.loads(done.stdout.strip().splitlines()[-1])
    own, count = out["own"], out["count"]
    compiling = sum(own.values())
    what = " ".join(args.command)
    print(f"{what}, empty numba cache: {out['wall']:.1f} s, of which compiling {compiling:.1f} s")
    for name, spent in sorted(own.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {spent:6.2f} s  {count[name]:3d}x  {name}")
    print("kernels compiled for more than one signature, or for a literal:")
    for name, sigs in out["twice"].items():
        print(f"  {name}")
        for sig in sigs:
            print(f"      ({sig[:150]})")


if __name__ == "__main__":
    main()
