from __future__ import annotations

from newsdedup.relate.explain import alignment_dict, segments
from newsdedup.types import Alignment, Article, Change, Passage, Span
from newsdedup.write.diff_html import diff_html, write_diff_html

A = "Intro only in A. The army took 3,000 square kilometers. Ad line."
B = "The army took 6,000 square kilometers. Dropped ending."


def _alignment() -> Alignment:
    return Alignment(
        passages=(Passage(a_start=17, a_end=54, b_start=0, b_end=37, similarity=0.8),),
        spans=(
            Span(kind="inserted", start=0, end=16, text=A[0:16]),
            Span(kind="inserted", start=55, end=63, text=A[55:63]),
            Span(kind="deleted", start=38, end=53, text=B[38:53]),
        ),
        changes=(
            Change(
                kind="number",
                a="3,000",
                b="6,000",
                a_start=31,
                a_end=36,
                b_start=14,
                b_end=19,
                unit="square kilometers",
            ),
        ),
        coverage_a=0.6,
        coverage_b=0.7,
    )


def test_explain_segments_in_reading_order() -> None:
    rows = segments(_alignment())
    assert [r.kind for r in rows] == ["inserted", "passage", "inserted", "deleted"]
    passage = rows[1]
    assert passage.a == (17, 54) and passage.b == (0, 37)
    assert passage.marks_a == ((31, 36, "number: 6,000"),)
    assert passage.marks_b == ((14, 19, "number: 3,000"),)
    assert A[31:36] == "3,000" and B[14:19] == "6,000"


def test_explain_alignment_dict_has_every_offset() -> None:
    data = alignment_dict(_alignment())
    assert set(data) == {"coverage_a", "coverage_b", "passages", "spans", "changes"}
    [change] = data["changes"]
    assert change == {
        "kind": "number",
        "a": "3,000",
        "b": "6,000",
        "a_start": 31,
        "a_end": 36,
        "b_start": 14,
        "b_end": 19,
        "unit": "square kilometers",
    }


def test_explain_html_escapes_untrusted_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    evil = '<script>alert("x")</script>'
    a = Article(id=f"a{evil}", text=A.replace("Ad line.", "<b>Ad</b>"))
    b = Article(id="b", text=B)
    page = diff_html(a, b, _alignment(), verdict="rewrite")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>Ad</b>" not in page
    assert '<mark title="number: 6,000">3,000</mark>' in page
    out = tmp_path / "d.html"
    write_diff_html(a, b, _alignment(), out)
    assert out.read_text(encoding="utf-8") == diff_html(a, b, _alignment())
