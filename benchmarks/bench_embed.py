"""Embedding throughput of ``newsdedup.fingerprint.embed.Embedder`` (all-MiniLM-L6-v2).

Texts: the ECB+ articles (real news, median 240 words; MiniLM reads the first 256 word
pieces of each) when ``--data`` exists, else generated articles from ``newsdedup.synth``. The
model is loaded and warmed up first; each batch size is timed over ``--runs`` passes and the
median rate is printed, in articles per second.

    python benchmarks/bench_embed.py                    # device auto: CUDA if present
    python benchmarks/bench_embed.py --device cpu --batch-sizes 32 64 128
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))

from newsdedup.fingerprint.embed import Embedder

DEFAULT_ECB = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecb-plus"


def texts_for(data: Path, count: int) -> tuple[list[str], str]:
    """``count`` article texts (cycled if the source has fewer) and where they come from."""
    if (data / "ECB+").is_dir():
        from ecbplus import read_ecb

        pool, source = [a.text for a in read_ecb(data)], "ECB+"
    else:
        from newsdedup.synth import generate_corpus

        pool, source = [a.text for a in generate_corpus(count, seed=7).articles], "synth"
    return [pool[i % len(pool)] for i in range(count)], source


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_ECB)
    parser.add_argument("--articles", type=int, default=982)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[64])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import torch

    texts, source = texts_for(args.data, args.articles)
    words = statistics.median(len(t.split()) for t in texts)
    print(
        f"{len(texts)} {source} articles (median {words:.0f} words), torch {torch.__version__}, "
        f"{torch.get_num_threads()} CPU threads, {platform.processor() or platform.machine()}"
    )
    for batch_size in args.batch_sizes:
        embedder = Embedder(device=args.device, batch_size=batch_size)
        embedder.embed(texts[: batch_size * 2])  # load and warm up
        device = embedder.resolved_device()
        if device.startswith("cuda"):
            device += f" ({torch.cuda.get_device_name()})"
        rates = []
        for _ in range(args.runs):
            start = time.perf_counter()
            embedder.embed(texts)
            rates.append(len(texts) / (time.perf_counter() - start))
        print(
            f"device {device}, batch {batch_size}: {statistics.median(rates):.1f} articles/s "
            f"(median of {args.runs}; min {min(rates):.1f}, max {max(rates):.1f})"
        )


if __name__ == "__main__":
    main()
