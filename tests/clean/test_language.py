from __future__ import annotations

import pytest

pytest.importorskip("lingua")

from newsdedup.clean.language import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The Russian president met his Chinese counterpart in Samarkand on Thursday.", "en"),
        ("Le président russe a rencontré son homologue chinois à Samarcande jeudi.", "fr"),
        ("Den ryske presidenten träffade sin kinesiska kollega i Samarkand på torsdagen.", "sv"),
        ("Владимир Путин встретился с Си Цзиньпином в Самарканде в четверг.", "ru"),  # noqa: RUF001
        ("Der russische Präsident traf seinen chinesischen Amtskollegen in Samarkand.", "de"),
    ],
)
def test_language_detects_iso_codes(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "   ", "ok", "12345"])
def test_language_none_for_too_little_text(text: str) -> None:
    assert detect_language(text) is None


def test_language_batch_agrees_with_one_at_a_time() -> None:
    from newsdedup.clean.language import detect_languages

    texts = [
        "The Russian president met his Chinese counterpart in Samarkand on Thursday.",
        "ok",
        "Le président russe a rencontré son homologue chinois à Samarcande jeudi.",
        "",
    ]
    assert (
        detect_languages(texts) == [detect_language(t) for t in texts] == ["en", None, "fr", None]
    )
