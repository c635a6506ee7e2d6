"""Follow-up visits (回访, LEGAL.md §6): which visits an agreement calls for, and what a visit's
findings lead to.

Practice this application follows: a satisfaction visit to every party within one month (a
setting) after the agreement takes effect, on a working day, plus a visit at each performance
due date to the party owed. A visit's findings offer the next step: performed → the case can be
closed; not performed → urge performance (督促履行), advise judicial confirmation while its
window is open, or a lawsuit; new risk → raise the risk level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mediator_desktop.domain.deadlines import add_months
from mediator_desktop.domain.enums import NextStep, TermStatus, VisitKind
from mediator_desktop.domain.text import chinese_date, clause_number
from mediator_desktop.domain.workdays import Deadline, WorkCalendar


@dataclass(frozen=True)
class TermDues:
    """What planning needs of one obligation term: its due dates still open."""

    term_id: int
    position: int
    obligor: int | None
    obligee: int | None
    dues: tuple[date, ...]


@dataclass(frozen=True)
class PlannedVisit:
    """A visit the plan proposes: which kind, to which party, by when, and why."""

    kind: VisitKind
    party: int
    due: Deadline
    reason: str
    term_id: int | None = None

    @property
    def key(self) -> tuple[str, int, int | None, date | None]:
        """What identifies the same planned visit across re-planning (the date may move)."""
        return (self.kind.value, self.party, self.term_id,
                self.due.due if self.kind is VisitKind.PERFORMANCE else None)


def satisfaction_visit_day(effective: date, months: int, cal: WorkCalendar) -> Deadline:
    """The day of the satisfaction visit: ``months`` after the effective date, or the last working
    day before it, so the visit stays within the period; never before the day after ``effective``."""
    day = cal.previous_working_day(add_months(effective, months))
    if day.due <= effective:
        return cal.next_working_day(add_months(effective, months))
    return day


def plan_visits(effective: date, party_names: Sequence[str], terms: Sequence[TermDues],
                cal: WorkCalendar, *, months: int = 1) -> list[PlannedVisit]:
    """The visits an agreement effective on ``effective`` calls for."""
    visits = []
    satisfaction = satisfaction_visit_day(effective, months, cal)
    for k, _name in enumerate(party_names):
        visits.append(PlannedVisit(VisitKind.SATISFACTION, k, satisfaction,
                                   f"协议生效后{months}个月内的满意度回访"))
    for t in terms:
        party = t.obligee if t.obligee is not None else t.obligor
        if party is None or not 0 <= party < len(party_names):
            continue
        for due in t.dues:
            obligor = party_names[t.obligor] if t.obligor is not None and 0 <= t.obligor < len(party_names) else "义务人"
            visits.append(PlannedVisit(
                VisitKind.PERFORMANCE, party, cal.next_working_day(due),
                f"协议第{clause_number(t.position + 1)}条约定{obligor}于{chinese_date(due)}前履行，"
                "核实履行情况", t.term_id))
    return visits


@dataclass(frozen=True)
class Offer:
    step: NextStep
    why: str


def next_steps(statuses: Sequence[str], *, new_risk: bool, window_open: bool,
               confirmed: bool, case_open: bool = True) -> list[Offer]:
    """The steps a visit's findings offer, most pressing first. ``statuses`` are the performance
    statuses of the obligation terms after the visit."""
    unperformed = any(s in (TermStatus.NOT_PERFORMED.value, TermStatus.PARTLY_PERFORMED.value) for s in statuses)
    all_performed = bool(statuses) and all(s == TermStatus.PERFORMED.value for s in statuses)
    due_later = bool(statuses) and not unperformed and not all_performed
    # (whether it applies, the step, why) in the order they are offered.
    rules: list[tuple[bool, NextStep, str]] = [
        (new_risk, NextStep.RAISE_RISK, "回访发现新的纠纷或风险苗头，应提高风险等级并视情报告"),
        (unperformed, NextStep.URGE, "协议未全部履行，督促义务人履行并约定再次回访"),
        (unperformed and confirmed, NextStep.ENFORCE, "协议已经人民法院确认有效，一方拒不履行的，对方可申请强制执行"),
        (unperformed and not confirmed and window_open, NextStep.JUDICIAL,
         "仍在协议生效后30日的申请期内，可建议双方共同申请司法确认"),
        (unperformed, NextStep.LAWSUIT, "一方不履行的，对方可就协议的履行或内容向人民法院起诉（人民调解法第32条）"),
        (all_performed and case_open, NextStep.CLOSE, "协议已全部履行，可以结案归档"),
        (due_later, NextStep.VISIT_AGAIN, "履行期限尚未届满，到期后再回访"),
        (not statuses and case_open, NextStep.CLOSE, "协议无需履行的义务，可以结案归档"),
    ]
    return [Offer(step, reason) for applies, step, reason in rules if applies]
