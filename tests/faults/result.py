"""The verdict of a run: every expected id against the entries of ``articles`` and ``dead``
(lost, doubled, dead, unexpected), the recovery time, and the report of a failing run."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from tests.faults.faults import Tally
from tests.faults.inputs import Expected
from tests.faults.observe import Entry
from tests.faults.plan import FaultPlan
from tests.faults.processes import LOG_TAIL

#: Lines listed per section of a report (the JSON holds them all).
LIST_AT_MOST = 25


@dataclass(slots=True)
class Result:
    plan: dict[str, Any]
    prefix: str
    inputs: int
    by_kind: dict[str, int]
    kills: dict[str, int]
    redis_restarts: dict[str, int]
    crashes: list[str]
    ended: int  #: expected inputs with at least one entry
    lost: list[str]
    doubled: dict[str, list[str]]  #: id -> its entries ("articles 1700000000000-0", ...)
    dead: dict[str, str]  #: expected id -> "stage: error (attempts N)"
    unexpected: list[str]
    statuses: dict[str, int]  #: dedup status on `articles` -> count
    recovery_seconds: float | None  #: last fault -> last input ended; None if not all ended
    elapsed_seconds: float
    complete: bool
    diagnosis: dict[str, str] = field(default_factory=dict)  #: lost id -> where it stands
    described: dict[str, str] = field(default_factory=dict)  #: id -> "kind name (batch N)"
    timeline: list[str] = field(default_factory=list)
    logs: dict[str, str] = field(default_factory=dict)  #: process -> its log's tail

    @property
    def ok(self) -> bool:
        return not (self.lost or self.doubled or self.dead or self.unexpected)

    def summary(self) -> str:
        return (
            f"faults: inputs={self.inputs} kills={sum(self.kills.values())} "
            f"({_pairs(self.kills)}) redis_restarts={sum(self.redis_restarts.values())} "
            f"({_pairs(self.redis_restarts)}) crashes={len(self.crashes)} "
            f"lost={len(self.lost)} doubled={len(self.doubled)} dead={len(self.dead)} "
            f"unexpected={len(self.unexpected)} recovery_s={self._recovery()} "
            f"elapsed_s={self.elapsed_seconds:.1f}"
        )

    def table(self) -> str:
        rows = [
            ("inputs", f"{self.inputs} ({_pairs(self.by_kind)})"),
            ("ended", f"{self.ended} of {self.inputs}"),
            ("kills", f"{sum(self.kills.values())} ({_pairs(self.kills)})"),
            ("redis restarts", f"{sum(self.redis_restarts.values())} "
                               f"({_pairs(self.redis_restarts)})"),
            ("role crashes", str(len(self.crashes))),
            ("lost", str(len(self.lost))),
            ("doubled", str(len(self.doubled))),
            ("dead", str(len(self.dead))),
            ("unexpected ids", str(len(self.unexpected))),
            ("dedup statuses", _pairs(self.statuses) or "-"),
            ("recovery", f"{self._recovery(' s')} (last fault -> last input ended)"),
            ("elapsed", f"{self.elapsed_seconds:.1f} s"),
        ]  # fmt: skip
        return "\n".join(f"{name:16} {value}" for name, value in rows)

    def report(self) -> str:
        """Everything a product engineer needs to see what went wrong."""
        parts = [self.summary()]
        parts += self._listing("lost (on neither stream): where each stands", self.diagnosis)
        parts += self._listing("doubled", self.doubled)
        parts += self._listing("dead (every input here is valid)", self.dead)
        if self.unexpected:
            parts.append(_list("unexpected ids", self.unexpected))
        if self.crashes:
            parts.append(_list("roles that exited on their own", self.crashes))
        parts.append("timeline (s after start):\n  " + "\n  ".join(self.timeline))
        for name, tail in self.logs.items():
            parts.append(f"--- {name} (last {LOG_TAIL} lines) ---\n{tail}")
        return "\n\n".join(parts)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def _recovery(self, unit: str = "") -> str:
        return "n/a" if self.recovery_seconds is None else f"{self.recovery_seconds:.1f}{unit}"

    def _listing(self, title: str, found: dict[str, Any]) -> list[str]:
        if not found:
            return []
        lines = [f"{i} {self.described.get(i, '')}: {what}" for i, what in found.items()]
        return [_list(title, lines)]


def judge(
    plan: FaultPlan,
    prefix: str,
    expected: dict[str, Expected],
    entries: list[Entry],
    tally: Tally,
    complete: bool,
) -> Result:
    """Every expected id against the stream entries (the diagnosis of the lost ones is the
    caller's: it needs Redis)."""
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_id[entry.fields.get("id", "?")].append(entry)
    lost = sorted(i for i in expected if i not in by_id)
    doubled = {i: [f"{e.stream} {e.entry_id}" for e in found] for i, found in by_id.items()
               if len(found) > 1}  # fmt: skip
    dead = {i: _death(e) for i, found in by_id.items() if i in expected for e in found
            if e.stream == "dead"}  # fmt: skip
    firsts = [found[0] for i, found in by_id.items() if i in expected]
    notable = {*lost, *doubled, *dead}
    return Result(
        plan=asdict(plan),
        prefix=prefix,
        inputs=len(expected),
        by_kind=dict(Counter(e.kind for e in expected.values())),
        kills=dict(tally.kills),
        redis_restarts=dict(tally.redis_restarts),
        crashes=list(tally.crashes),
        ended=len(firsts),
        lost=lost,
        doubled=doubled,
        dead=dead,
        unexpected=sorted(i for i in by_id if i not in expected),
        statuses=_statuses(entries),
        recovery_seconds=None if lost else _recovery(firsts, tally.last_fault),
        elapsed_seconds=time.monotonic() - tally.t0,
        complete=complete,
        described={i: expected[i].describe() for i in sorted(notable) if i in expected},
        timeline=[f"{t:7.1f} {text}" for t, text in tally.timeline],
    )


def _statuses(entries: list[Entry]) -> dict[str, int]:
    """Dedup status (unique, duplicate, ...) -> entries of ``articles``."""
    return dict(Counter(e.fields.get("status", "?") for e in entries if e.stream == "articles"))


def _death(entry: Entry) -> str:
    fields = entry.fields
    return f"{fields.get('stage')}: {fields.get('error')} (attempts {fields.get('attempts')})"


def _recovery(firsts: list[Entry], last_fault: float | None) -> float | None:
    """Seconds from the last fault to the last input's first entry (0 if that came first)."""
    if not firsts or last_fault is None:
        return None
    return max(0.0, max(e.millis for e in firsts) / 1000 - last_fault)


def _list(title: str, lines: list[str]) -> str:
    more = f"\n  ... and {len(lines) - LIST_AT_MOST} more" if len(lines) > LIST_AT_MOST else ""
    return f"{title}: {len(lines)}\n  " + "\n  ".join(lines[:LIST_AT_MOST]) + more


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
