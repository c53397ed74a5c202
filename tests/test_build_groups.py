"""api.build_groups, made from whole columns, against the per-member loop it replaced."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.api import build_groups
from newsdedup.ids import group_id
from newsdedup.relate.kind import KIND_CODES
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.types import Group, Kind, Member, Scores, TranslationScores


class _Translations:
    def scores_of(self, d: int, ids: list[str]) -> TranslationScores:
        return TranslationScores(
            partner=ids[0],
            lang="fr",
            partner_lang="en",
            score=0.9,
            cosine=None,
            anchors=0.5,
            margin=float(d),
        )


def _reference(run: SimpleNamespace) -> tuple[Group, ...]:
    """The loop build_groups used to be: a sort, then a Member per document from numpy rows."""
    fp, a = run.fingerprints, run.assignment
    order = np.lexsort((run.rank, a.center))
    groups, start = [], 0
    for end in np.append(np.flatnonzero(np.diff(a.center[order]) != 0) + 1, len(order)):
        members = order[start:end]
        rep = int(a.center[members[0]])
        ordered = sorted(members.tolist(), key=lambda d: (d != rep, run.rank[d]))
        made = []
        for d in ordered:
            code = int(a.kind[d])
            kind = KIND_CODES[code] if code else Kind.ORIGINAL
            row = a.scores[d]
            scores = None
            if not np.isnan(row[0]):
                scores = Scores(**{k: float(v) for k, v in zip(SCORE_COLUMNS, row, strict=True)})
            translation = (
                run.translations.scores_of(d, fp.ids) if kind is Kind.TRANSLATION else None
            )
            made.append(Member(id=fp.ids[d], kind=kind, scores=scores, translation=translation))
        groups.append(
            Group(id=group_id(fp.ids[rep]), representative=fp.ids[rep], members=tuple(made))
        )
        start = end
    return tuple(sorted(groups, key=lambda g: g.representative))


class _Fingerprints(list):  # ids with len(): what build_groups reads of Fingerprints
    @property
    def ids(self) -> list[str]:
        return list(self)


@st.composite
def _runs(draw: st.DrawFn) -> SimpleNamespace:
    n = draw(st.integers(1, 40))
    reps = draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n))
    center = np.array([reps[reps[d]] if draw(st.booleans()) else reps[d] for d in range(n)])
    kind = np.array(draw(st.lists(st.integers(0, len(KIND_CODES) - 1), min_size=n, max_size=n)))
    kind = np.where(center == np.arange(n), 0, kind).astype(np.int8)
    scores = np.array(
        draw(
            st.lists(
                st.floats(0, 1), min_size=n * len(SCORE_COLUMNS), max_size=n * len(SCORE_COLUMNS)
            )
        )
    ).reshape(n, len(SCORE_COLUMNS))
    scores[kind == 0] = np.nan
    ranks = (
        draw(st.permutations(range(n)))
        if draw(st.booleans())
        else draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    )
    ids = draw(st.lists(st.text(min_size=1, max_size=4), min_size=n, max_size=n, unique=True))
    return SimpleNamespace(
        fingerprints=_Fingerprints(ids),
        rank=np.array(ranks, np.int64),
        assignment=SimpleNamespace(center=center.astype(np.int64), kind=kind, scores=scores),
        translations=_Translations(),
        tiebreak=None,
    )


@settings(max_examples=300, deadline=None)
@given(_runs())
def test_build_groups_equals_the_per_member_loop(run: SimpleNamespace) -> None:
    assert build_groups(run) == _reference(run)  # type: ignore[arg-type]


def test_no_documents_no_groups() -> None:
    run = SimpleNamespace(
        fingerprints=_Fingerprints(), rank=np.empty(0, np.int64), assignment=None, tiebreak=None
    )
    assert build_groups(run) == ()  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(_runs())
def test_the_run_table_is_the_groups_file_of_its_groups(run: SimpleNamespace) -> None:
    """The table is in the file's order (group ids as strings, then member order) and counts
    kinds as the groups do."""
    from newsdedup.api import copy_table
    from newsdedup.write.groups import group_rows

    a = run.assignment  # every center represents its group, as group/copies.py makes them
    docs = np.arange(len(a.center))
    a.center = np.where(a.center[a.center] == a.center, a.center, docs)
    a.kind[a.center == docs] = 0
    a.scores[a.center == docs] = np.nan
    table = copy_table(run)  # type: ignore[arg-type]
    groups = build_groups(run)  # type: ignore[arg-type]
    assert list(group_rows(table)) == list(group_rows(groups))
    by_kind: dict[str, int] = {}
    for g in groups:
        for m in g.members[1:]:
            by_kind[m.kind.value] = by_kind.get(m.kind.value, 0) + 1
    assert table.kind_counts() == by_kind
    assert int((table.sizes() > 1).sum()) == sum(g.size > 1 for g in groups)
