"""The copy groups as columns: one row per document, in the groups file's order.

A run of a million documents made a ``Group`` and a ``Member`` for every document, then a dict
for every row of the groups file: about 13 s of Python after the copy verdicts were known
(docs/benchmarks.md). The table holds the same facts as arrays; the groups file is written
from it a block of rows at a time (write/groups.py), and ``Group`` objects are made only for
whoever asks for them (the Python API, the stories, ``--explain``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from newsdedup.ids import group_ids, tiebreak
from newsdedup.memory import collection_paused
from newsdedup.relate.kind import KIND_CODES
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.types import Group, Kind, Member, Scores, TranslationScores

__all__ = ["ROW_KINDS", "GroupTable", "group_table", "scores_of"]

_CODE_OF = {kind: code for code, kind in enumerate(KIND_CODES) if kind is not None}
#: The kind a row's code (``GroupTable.row_kinds``) stands for: 0, a representative, is original.
ROW_KINDS = tuple(code or Kind.ORIGINAL for code in KIND_CODES)


def scores_of(row: Sequence[float]) -> Scores:
    """The ``Scores`` of one row of a table's scores (SCORE_COLUMNS order)."""
    return Scores(**dict(zip(SCORE_COLUMNS, row, strict=True)))


class _Translations(Protocol):
    def scores_of(self, d: int, ids: Sequence[str]) -> TranslationScores: ...


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class GroupTable:
    """Every document once, ordered by group id, each group's representative first and its
    members after it (in rank order for a run's groups).

    Row r is document ``docs[r]`` of group ``group[r]``; groups are numbered in file order.
    ``kind``, ``scores`` and ``translations`` are by document; a representative's row reads
    as original, without scores, whatever they hold for it.
    """

    names: Sequence[str]  #: document ids, by document number
    docs: NDArray[np.int64]  #: per row, its document
    group: NDArray[np.int64]  #: per row, its group
    group_ids: list[str]  #: per group
    rep_docs: NDArray[np.int64]  #: per group, the document that represents it
    kind: NDArray[np.int8]  #: per document, its code in relate.kind.KIND_CODES (0: original)
    #: per document, SCORE_COLUMNS against its representative (a member, b representative);
    #: NaN where there are none
    scores: NDArray[np.float64]
    #: documents of kind translation: the figures that tied them in
    translations: dict[int, TranslationScores] = field(default_factory=dict)
    _made: list[tuple[Group, ...]] = field(default_factory=list, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.docs)

    def representative(self, start: int = 0, stop: int | None = None) -> NDArray[np.bool_]:
        """Per row of ``start:stop``, whether it represents its group."""
        found: NDArray[np.bool_] = self.docs[start:stop] == self.rep_docs[self.group[start:stop]]
        return found

    def row_kinds(self, start: int = 0, stop: int | None = None) -> NDArray[np.int8]:
        """Kind codes of rows ``start:stop``, a representative's 0."""
        return np.where(self.representative(start, stop), 0, self.kind[self.docs[start:stop]])

    def row_scores(self, start: int = 0, stop: int | None = None) -> NDArray[np.float64]:
        """Scores of rows ``start:stop``, a representative's NaN."""
        scores = self.scores[self.docs[start:stop]]
        scores[self.representative(start, stop)] = np.nan
        return scores

    def representatives(self) -> list[str]:
        """Each group's representative id."""
        names = self.names
        return [names[d] for d in self.rep_docs.tolist()]

    def sizes(self) -> NDArray[np.int64]:
        """Rows of each group, representative included."""
        return np.bincount(self.group, minlength=len(self.group_ids)).astype(np.int64)

    def kind_counts(self) -> dict[str, int]:
        """Members of each kind, representatives left out (``Stats.copies_by_kind``)."""
        codes = self.row_kinds()[~self.representative()]
        counts = np.bincount(codes, minlength=len(KIND_CODES)).tolist()
        return {ROW_KINDS[c].value: k for c, k in enumerate(counts) if k}

    def groups(self) -> tuple[Group, ...]:
        """``Group`` objects, sorted by representative id; each group's members in row order.
        Made once, when first asked for, from whole columns (lists of Python values, no
        per-member numpy reads), with the cyclic collector paused (memory.py)."""
        if not self._made:
            with collection_paused():
                self._made.append(self._groups())
        return self._made[0]

    def _groups(self) -> tuple[Group, ...]:
        names, docs = self.names, self.docs.tolist()
        kinds = [ROW_KINDS[c] for c in self.row_kinds().tolist()]
        scores: list[Scores | None] = [None] * len(docs)
        rows = self.row_scores()
        scored = np.flatnonzero(~np.isnan(rows[:, 0]))
        for r, row in zip(scored.tolist(), rows[scored].tolist(), strict=True):
            scores[r] = scores_of(row)
        found = self.translations
        members = [
            Member(
                id=names[d],
                kind=kind,
                scores=score,
                translation=found.get(d),
            )
            for d, kind, score in zip(docs, kinds, scores, strict=True)
        ]
        bounds = np.cumsum(np.r_[0, self.sizes()]).tolist()
        groups = [
            Group(id=gid, representative=names[rep], members=tuple(members[s:e]))
            for gid, rep, s, e in zip(
                self.group_ids, self.rep_docs.tolist(), bounds[:-1], bounds[1:], strict=True
            )
        ]
        return tuple(sorted(groups, key=lambda g: g.representative))

    @classmethod
    def of(cls, groups: Iterable[Group]) -> GroupTable:
        """The table of ``Group`` objects, ordered by group id (ties keep the given order)."""
        ordered = sorted(groups, key=lambda g: g.id)
        members = [m for g in ordered for m in g.members]
        names = [m.id for m in members]
        rep_docs = []
        start = 0
        for g in ordered:  # a representative missing from its members still names its group
            at = next((k for k, m in enumerate(g.members) if m.id == g.representative), None)
            if at is None:
                names.append(g.representative)
            rep_docs.append(start + at if at is not None else len(names) - 1)
            start += g.size
        scores = np.full((len(names), len(SCORE_COLUMNS)), np.nan)
        for d, m in enumerate(members):
            if m.scores is not None:
                scores[d] = m.scores.as_tuple()
        kinds = [_CODE_OF.get(m.kind, 0) for m in members]
        return cls(
            names=names,
            docs=np.arange(len(members), dtype=np.int64),
            group=np.repeat(np.arange(len(ordered), dtype=np.int64), [g.size for g in ordered]),
            group_ids=[g.id for g in ordered],
            rep_docs=np.array(rep_docs, np.int64),
            kind=np.array(kinds + [0] * (len(names) - len(members)), np.int8),
            scores=scores,
            translations={
                d: m.translation for d, m in enumerate(members) if m.translation is not None
            },
        )


def group_table(
    ids: Sequence[str],
    rank: NDArray[np.int64],
    center: NDArray[np.int64],
    kind: NDArray[np.int8],
    scores: NDArray[np.float64],
    translations: _Translations | None = None,
    hashes: NDArray[np.uint64] | None = None,
) -> GroupTable:
    """The table of a run's assignment (group/copies.py): each document in the group of its
    ``center``, representatives first, members by ``rank``. Groups are ordered by id, which
    is the order of their representatives' ``ids.tiebreak`` (``hashes``, when the run has
    them already)."""
    n = len(ids)
    docs = np.arange(n, dtype=np.int64)
    order = np.lexsort((rank, docs != center, center))
    centers = center[order]
    starts = np.flatnonzero(np.r_[True, centers[1:] != centers[:-1]]) if n else docs
    reps = centers[starts]
    rep_hashes = hashes[reps] if hashes is not None else tiebreak([ids[r] for r in reps.tolist()])
    by_id = np.argsort(rep_hashes, kind="stable")
    if np.any(rep_hashes[by_id][1:] == rep_hashes[by_id][:-1]):  # two groups, one id
        named = [(h, ids[r]) for h, r in zip(rep_hashes.tolist(), reps.tolist(), strict=True)]
        by_id = np.array(sorted(range(len(reps)), key=named.__getitem__), np.int64)
    sizes = np.diff(np.r_[starts, n]).astype(np.int64)[by_id]
    lead = starts[by_id] - np.r_[0, np.cumsum(sizes)[:-1]]
    found: dict[int, TranslationScores] = {}
    if translations is not None:
        for d in np.flatnonzero((kind == _CODE_OF[Kind.TRANSLATION]) & (center != docs)).tolist():
            found[d] = translations.scores_of(d, ids)
    return GroupTable(
        names=ids,
        docs=order[np.repeat(lead, sizes) + docs] if n else docs,
        group=np.repeat(np.arange(len(by_id), dtype=np.int64), sizes),
        group_ids=group_ids(rep_hashes[by_id]),
        rep_docs=reps[by_id],
        kind=kind,
        scores=scores,
        translations=found,
    )
