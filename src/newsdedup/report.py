"""The Report every stage receives: it counts records in and out and keeps each rejection."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from newsdedup.errors import InputError
from newsdedup.types import Origin, Rejected

__all__ = ["Report"]

log = logging.getLogger("newsdedup")


@dataclass(slots=True)
class Report:
    """Counts per stage and keeps every Rejected record; ``strict`` turns a rejection into an error.

    Nothing is dropped silently: a stage that cannot use a record calls ``reject`` with the
    record's origin and a reason code, and the record appears in the run's summary and rejects.
    """

    strict: bool = False
    read: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    counters: Counter[str] = field(default_factory=Counter)
    #: log no warning for a rejection (records read a second time were reported the first)
    quiet: bool = False

    def reject(self, origin: Origin, reason: str, detail: str) -> None:
        if self.strict:
            raise InputError(f"{reason}: {detail}", origin=origin)
        self.rejected.append(Rejected(origin=origin, reason=reason, detail=detail))
        if not self.quiet:
            log.warning("%s: %s (%s)", origin, detail, reason)

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] += n

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        return dict(Counter(r.reason for r in self.rejected))
