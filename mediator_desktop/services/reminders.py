"""Reminders (提醒): every deadline and visit of every case, in Chinese working days.

What is listed (LEGAL.md §1, §5, §6):
- the mediation time limit (调解期限) of each case accepted or in mediation;
- the joint judicial-confirmation window (司法确认申请期限) of each written agreement in force,
  until an application is recorded or the window has passed;
- each open performance due date (履行期限) of each term of an agreement in force, one per unpaid
  instalment;
- each follow-up visit (回访) not yet made.

The "today" view lists what is overdue and what falls due within seven working days; the agenda
command lists a date range; :func:`to_ics` writes any list as an iCalendar file for a phone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mediator_desktop.domain.deadlines import SOON_DAYS, Urgency, days_left_text, mediation_time_limit, urgency
from mediator_desktop.domain.enums import CaseStatus, ReminderKind, TermKind, VisitKind
from mediator_desktop.domain.judicial import application_deadline
from mediator_desktop.domain.terms import open_dues
from mediator_desktop.domain.text import clause_number
from mediator_desktop.domain.workdays import PROVISIONAL_NOTE, WorkCalendar
from mediator_desktop.services.case_facts import term_fields
from mediator_desktop.services.context import ServiceContext
from mediator_desktop.storage.models import Agreement, AgreementTerm, Case, CaseParty, FollowUp

OPEN_STATES = (CaseStatus.ACCEPTED.value, CaseStatus.IN_MEDIATION.value)


@dataclass(frozen=True)
class Reminder:
    kind: str            # ReminderKind value
    case_id: int
    code: str
    title: str
    party: str
    due: date
    provisional: bool
    detail: str
    urgency: str         # Urgency value, relative to the day the list was made
    left: str            # 已逾期3天 / 今天到期 / 还剩2个工作日
    ref_id: int | None = None   # the visit (kind visit) or term (kind performance)

    @property
    def kind_label(self) -> str:
        return ReminderKind(self.kind).label

    @property
    def due_text(self) -> str:
        return self.due.isoformat() + ("（暂定）" if self.provisional else "")

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "kind_label": self.kind_label, "case_code": self.code,
                "case_title": self.title, "party": self.party, "due": self.due.isoformat(),
                "provisional": self.provisional, "urgency": self.urgency, "detail": self.detail}


class ReminderService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def items(self, start: date | None = None, end: date | None = None,
              today: date | None = None) -> list[Reminder]:
        """Every deadline and visit due from ``start`` to ``end`` (inclusive; None: open)."""
        today = today or self.ctx.today()
        cal = self.ctx.calendar()
        found: list[Reminder] = []
        with self.ctx.db.read() as s:
            found += self._time_limits(s, cal, today)
            found += self._windows(s, cal, today)
            found += self._performance(s, today, cal)
            found += self._visits(s, cal, today, start, end)
        kept = [r for r in found if (start is None or r.due >= start) and (end is None or r.due <= end)]
        order = list(ReminderKind)
        return sorted(kept, key=lambda r: (r.due, order.index(ReminderKind(r.kind)), r.code, r.party))

    def today_list(self, today: date | None = None) -> list[Reminder]:
        """What the morning view shows: everything overdue, and what falls due within
        :data:`SOON_DAYS` working days."""
        today = today or self.ctx.today()
        return self.items(None, self.horizon(today), today)

    def horizon(self, today: date) -> date:
        """The last day within :data:`SOON_DAYS` working days of ``today``."""
        cal, day, left = self.ctx.calendar(), today, SOON_DAYS
        while left:
            day += timedelta(days=1)
            if cal.is_working_day(day)[0]:
                left -= 1
        # Rest days right after the last working day belong to it (a holiday run).
        while not cal.is_working_day(day + timedelta(days=1))[0] and (day - today).days < 60:
            day += timedelta(days=1)
        return day

    @staticmethod
    def counts(items: Iterable[Reminder]) -> dict[str, int]:
        """How many are overdue, urgent (≤3 working days) and soon (≤7)."""
        c = Counter(r.urgency for r in items)
        return {u.value: c.get(u.value, 0) for u in Urgency}

    # -- each kind ------------------------------------------------------------------------------

    def _make(self, kind: ReminderKind, case: Case, party: str, due: date, provisional: bool,
              detail: str, today: date, cal: WorkCalendar, ref_id: int | None = None) -> Reminder:
        return Reminder(kind.value, case.id, case.code, case.title, party, due, provisional, detail,
                        urgency(due, today, cal).value, days_left_text(due, today, cal), ref_id)

    def _time_limits(self, s, cal: WorkCalendar, today: date) -> list[Reminder]:  # type: ignore[no-untyped-def]
        out = []
        rows = s.scalars(select(Case).where(Case.status.in_(OPEN_STATES))
                         .options(selectinload(Case.extensions)))
        for case in rows:
            extended = case.extensions[-1].new_due_on if case.extensions else None
            limit = mediation_time_limit(case.received_on, case.source, extended, cal,
                                         simple_procedure=case.simple_procedure)
            detail = "延长后的调解期限" if extended else "调解期限届满"
            out.append(self._make(ReminderKind.TIME_LIMIT, case, case.party_names, limit.due,
                                  limit.provisional, detail, today, cal))
        return out

    def _windows(self, s, cal: WorkCalendar, today: date) -> list[Reminder]:  # type: ignore[no-untyped-def]
        out = []
        rows = s.scalars(select(Case).join(Agreement, Agreement.case_id == Case.id)
                         .where(Case.status == CaseStatus.AGREED.value, Agreement.signed_on.is_not(None),
                                Agreement.form == "written")
                         .options(selectinload(Case.agreement), selectinload(Case.judicial_confirmation)))
        for case in rows:
            jc = case.judicial_confirmation
            if jc is not None and jc.filed_on is not None:
                continue
            window = application_deadline(case.agreement.signed_on, cal)
            if window is None or window.due < today:
                continue
            out.append(self._make(ReminderKind.JUDICIAL_WINDOW, case, case.party_names, window.due,
                                  window.provisional, "双方可在此日前共同申请司法确认", today, cal))
        return out

    def _performance(self, s, today: date, cal: WorkCalendar) -> list[Reminder]:  # type: ignore[no-untyped-def]
        out = []
        rows = s.scalars(select(Case).join(Agreement, Agreement.case_id == Case.id)
                         .where(Case.status == CaseStatus.AGREED.value, Agreement.signed_on.is_not(None))
                         .options(selectinload(Case.parties),
                                  selectinload(Case.agreement).selectinload(Agreement.terms)
                                  .selectinload(AgreementTerm.performances)))
        for case in rows:
            names = [p.name for p in case.parties]
            for t in case.agreement.terms:
                if t.kind == TermKind.STATEMENT.value:
                    continue
                amounts = [p.amount for p in t.performances if p.amount is not None]
                dues = open_dues(term_fields(t), sum(amounts, Decimal(0)) if amounts else None, t.status)
                who = names[t.obligor] if t.obligor is not None and 0 <= t.obligor < len(names) else ""
                label = f"协议第{clause_number(t.position + 1)}条：{t.subject or t.text[:20]}"
                for due in dues:
                    out.append(self._make(ReminderKind.PERFORMANCE, case, who, due, False, label, today, cal,
                                          ref_id=t.id))
        return out

    def _visits(self, s, cal: WorkCalendar, today: date, start: date | None,  # type: ignore[no-untyped-def]
                end: date | None) -> list[Reminder]:
        stmt = (select(FollowUp, Case).join(Case, Case.id == FollowUp.case_id)
                .where(FollowUp.done_on.is_(None), FollowUp.due_on.is_not(None))
                .options(selectinload(FollowUp.events)))
        if start is not None:
            stmt = stmt.where(FollowUp.due_on >= start)
        if end is not None:
            stmt = stmt.where(FollowUp.due_on <= end)
        rows = s.execute(stmt).all()
        if not rows:
            return []
        names = {(p.case_id, p.position): p.name for p in s.scalars(
            select(CaseParty).where(CaseParty.case_id.in_({case.id for _, case in rows})))}
        out = []
        for visit, case in rows:
            kind = VisitKind(visit.kind).label if visit.kind in VisitKind.__members__.values() else "回访"
            attempts = sum(1 for e in visit.events if e.action == "not_reached")
            detail = kind + (f"（已{attempts}次未联系上）" if attempts else "")
            out.append(self._make(ReminderKind.VISIT, case, names.get((case.id, visit.party), ""), visit.due_on,
                                  cal.is_working_day(visit.due_on)[1], detail, today, cal, ref_id=visit.id))
        return out


def to_ics(items: Sequence[Reminder], organization: str = "", now: datetime | None = None) -> bytes:
    """The reminders as an iCalendar file: one all-day event each, with an alarm the morning
    before; a provisional date says so in its title."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//mediator-desktop//调解工作台//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{organization}调解日程" if organization else "调解日程")
    stamp = now or datetime.now().replace(microsecond=0)
    for r in items:
        event = Event()
        ref = f"{r.kind}-{r.case_id}-{r.ref_id or 0}-{r.due.isoformat()}"
        event.add("uid", f"{ref}@mediator-desktop")
        event.add("dtstamp", stamp)
        event.add("dtstart", r.due)
        event.add("dtend", r.due + timedelta(days=1))
        who = f" · {r.party}" if r.party else ""
        event.add("summary", f"{r.kind_label}{who} · {r.code}" + ("（暂定）" if r.provisional else ""))
        lines = [r.detail, f"案件：{r.code} {r.title}"]
        if r.provisional:
            lines.append(PROVISIONAL_NOTE.strip("（）"))
        event.add("description", "\n".join(x for x in lines if x))
        event.add("categories", [r.kind_label])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{r.kind_label}：{r.code}")
        alarm.add("trigger", timedelta(hours=-15))   # 09:00 the day before
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
