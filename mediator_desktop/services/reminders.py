"""Reminders (提醒): every deadline and visit of every case, in Chinese working days.

What is listed (LEGAL.md §1, §5, §6):
- the mediation time limit (调解期限) of each case accepted or in mediation;
- the joint judicial-confirmation window (司法确认申请期限) of each written agreement in force,
  until an application is recorded; a window that closed without one stays listed as 已届满 for
  :data:`LAPSED_SHOWN_DAYS` days, so the room sees that it lapsed rather than lose it silently;
- each open performance due date (履行期限) of each term of an agreement in force, one per unpaid
  instalment;
- each follow-up visit (回访) not yet made;
- each task of a joint case conference (会商任务) not yet done, and the current screening period
  while no round of 排查 is recorded in it (本期尚未排查; see the end of this file's class).

The "today" view lists what is overdue and what falls due within seven working days; the agenda
command lists a date range; :func:`to_ics` writes any list as an iCalendar file for a phone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from threading import Lock
from typing import Any

from sqlalchemy import func, or_, select

from mediator_desktop.domain.deadlines import SOON_DAYS, Urgency, days_left_text, urgency
from mediator_desktop.domain.enums import ReminderKind, VisitKind
from mediator_desktop.domain.text import chinese_date, shorten
from mediator_desktop.domain.workdays import PROVISIONAL_NOTE, WorkCalendar
from mediator_desktop.services.context import Service
from mediator_desktop.services.due_dates import DETAIL_CHARS, ensure_current  # noqa: F401  (DETAIL_CHARS: kept where it was)
from mediator_desktop.services.progress import CancelCheck, Progress, replacing_file, step
from mediator_desktop.storage.models import (
    Case,
    CaseDeadline,
    CaseParty,
    Conference,
    ConferenceCase,
    ConferenceTask,
    FollowUp,
    FollowUpEvent,
    ScreeningRound,
)

#: Calendar days a lapsed judicial-confirmation window stays in the lists (as 已届满).
LAPSED_SHOWN_DAYS = 7
#: What a lapsed window's row says in place of the days left.
LAPSED_TEXT = "已届满"


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
    left: str            # 已逾期3个工作日 / 今天到期 / 还剩2个工作日 / 已届满
    ref_id: int | None = None   # the visit (kind visit) or term (kind performance)
    lapsed: bool = False        # a judicial-confirmation window that closed without an application

    @property
    def kind_label(self) -> str:
        return ReminderKind(self.kind).label

    @property
    def due_text(self) -> str:
        return self.due.isoformat() + ("（暂定）" if self.provisional else "")

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "kind_label": self.kind_label, "case_code": self.code,
                "case_title": self.title, "party": self.party, "due": self.due.isoformat(),
                "provisional": self.provisional, "urgency": self.urgency, "left": self.left,
                "lapsed": self.lapsed, "detail": self.detail}


#: (calendar id, due, today) → (urgency, days left): thousands of reminders share a few hundred days.
_TIMINGS: dict[tuple[int, date, date], tuple[str, str]] = {}
#: The calendars the keys' ids belong to, held so that an id is never reused while cached.
_TIMING_CALENDARS: dict[int, WorkCalendar] = {}
_TIMING_LOCK = Lock()


def _due_between(stmt: Any, due_on: Any, start: date | None, end: date | None) -> Any:
    """``stmt`` kept to what falls due from ``start`` to ``end`` (either open: None)."""
    if start is not None:
        stmt = stmt.where(due_on >= start)
    if end is not None:
        stmt = stmt.where(due_on <= end)
    return stmt


def _timing(due: date, today: date, cal: WorkCalendar) -> tuple[str, str]:
    key = (id(cal), due, today)
    found = _TIMINGS.get(key)
    if found is None:
        found = (urgency(due, today, cal).value, days_left_text(due, today, cal))
        with _TIMING_LOCK:
            if _TIMING_CALENDARS.get(id(cal)) is not cal:
                if len(_TIMING_CALENDARS) >= 8 or len(_TIMINGS) > 50_000:
                    _TIMINGS.clear()
                    _TIMING_CALENDARS.clear()
                _TIMING_CALENDARS[id(cal)] = cal
            _TIMINGS[key] = found
    return found


#: How far ahead the window's .ics export reaches (from today).
ICS_DAYS = 90


class ReminderService(Service):
    def items(self, start: date | None = None, end: date | None = None,
              today: date | None = None) -> list[Reminder]:
        """Every deadline and visit due from ``start`` to ``end`` (inclusive; None: open)."""
        today = today or self.ctx.today()
        ensure_current(self.ctx.db)   # (after an update that knows more holidays: once)
        cal = self.ctx.calendar()
        found: list[Reminder] = []
        with self.ctx.db.read() as s:
            found += self._deadlines(s, cal, today, start, end)
            found += self._visits(s, cal, today, start, end)
            found += self._conference_tasks(s, cal, today, start, end)
            found += self._screening(s, cal, today)
            found += self._risk_clocks(s, cal, today)
        kept = [r for r in found if (start is None or r.due >= start) and (end is None or r.due <= end)]
        order = {kind.value: k for k, kind in enumerate(ReminderKind)}   # (one look-up per item, not an index())
        return sorted(kept, key=lambda r: (r.due, order[r.kind], r.code, r.party))

    def ics_items(self) -> list[Reminder]:
        """What the window's .ics export holds: every reminder due from today to
        :data:`ICS_DAYS` days on (overdue ones are left out: a phone would file them in the
        past, where no alarm rings)."""
        today = self.ctx.today()
        return self.items(today, today + timedelta(days=ICS_DAYS))

    def write_ics(self, path: Path | str, organization: str = "", items: Sequence[Reminder] | None = None, *,
                  progress: Progress | None = None, cancelled: CancelCheck | None = None) -> int:
        """Write the reminders (default :meth:`ics_items`) to ``path``; returns how many.
        ``progress(done, total)`` counts the events, ``cancelled()`` stops it; the file appears
        only when complete (it runs in a worker thread)."""
        step(progress, cancelled, 0, 0)
        items = self.ics_items() if items is None else list(items)
        data = to_ics(items, organization, now=self.ctx.now().replace(microsecond=0),
                      progress=progress, cancelled=cancelled)
        step(progress, cancelled, len(items), len(items))
        with replacing_file(path) as out:
            out.write(data)
        return len(items)

    def today_list(self, today: date | None = None) -> list[Reminder]:
        """What the morning view shows: everything overdue, and what falls due within
        :data:`SOON_DAYS` working days."""
        today = today or self.ctx.today()
        return self.items(None, self.horizon(today), today)

    def horizon(self, today: date) -> date:
        """The last day within :data:`SOON_DAYS` working days of ``today``."""
        cal = self.ctx.calendar()
        day = cal.add_working_days(today, SOON_DAYS).due
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
    # Plain column queries, not ORM objects: the today view is built at every start. The
    # deadlines that depend on a case's history are materialised (services/due_dates.py);
    # kinds over small indexed sets (visits) are queried live.

    @staticmethod
    def _make(kind: ReminderKind, case: tuple[int, str, str], party: str, due: date, provisional: bool,
              detail: str, today: date, cal: WorkCalendar, ref_id: int | None = None) -> Reminder:
        # Overdue and still due both count working days (domain.deadlines.days_left_text).
        level, left = _timing(due, today, cal)
        return Reminder(kind.value, case[0], case[1], case[2], party, due, provisional, detail, level, left, ref_id)

    def _deadlines(self, s, cal: WorkCalendar, today: date, start: date | None,  # type: ignore[no-untyped-def]
                   end: date | None) -> list[Reminder]:
        """The materialised kinds (services/due_dates.py: time limits, judicial-confirmation
        windows, performance dues): a range query on ``case_deadline.due_on``."""
        window = ReminderKind.JUDICIAL_WINDOW.value
        stmt = (select(CaseDeadline.kind, CaseDeadline.due_on, CaseDeadline.provisional, CaseDeadline.detail,
                       CaseDeadline.ref_id, CaseDeadline.party, Case.id, Case.code, Case.title, Case.party_names)
                .join(Case, Case.id == CaseDeadline.case_id)
                # a lapsed window stays listed for LAPSED_SHOWN_DAYS after its last day
                .where(or_(CaseDeadline.kind != window,
                           CaseDeadline.due_on >= today - timedelta(days=LAPSED_SHOWN_DAYS))))
        stmt = _due_between(stmt, CaseDeadline.due_on, start, end)
        rows = s.execute(stmt).all()
        names = self._party_names(s, {r[6] for r in rows if r[5] is not None})
        out = []
        for kind, due, provisional, detail, ref_id, party, cid, code, title, party_names in rows:
            case = (cid, code, title)
            if kind == window:
                if due < today:
                    item = self._make(ReminderKind.JUDICIAL_WINDOW, case, party_names, due, provisional,
                                      f"申请期限已于{chinese_date(due)}届满，人民法院不再受理司法确认申请",
                                      today, cal)
                    out.append(replace(item, left=LAPSED_TEXT, lapsed=True))
                else:
                    out.append(self._make(ReminderKind.JUDICIAL_WINDOW, case, party_names, due, provisional,
                                          "双方可在此日前共同申请司法确认", today, cal))
            elif kind == ReminderKind.PERFORMANCE.value:
                who = names.get((cid, party), "") if party is not None else ""
                out.append(self._make(ReminderKind.PERFORMANCE, case, who, due, False, detail, today, cal,
                                      ref_id=ref_id))
            else:
                out.append(self._make(ReminderKind(kind), case, party_names, due, provisional, detail, today, cal))
        return out

    def _visits(self, s, cal: WorkCalendar, today: date, start: date | None,  # type: ignore[no-untyped-def]
                end: date | None) -> list[Reminder]:
        attempts = (select(func.count(FollowUpEvent.id)).where(FollowUpEvent.follow_up_id == FollowUp.id,
                                                               FollowUpEvent.action == "not_reached")
                    .scalar_subquery())
        stmt = (select(FollowUp.id, FollowUp.kind, FollowUp.party, FollowUp.due_on, attempts,
                       Case.id, Case.code, Case.title)
                .join(Case, Case.id == FollowUp.case_id)
                .where(FollowUp.done_on.is_(None), FollowUp.due_on.is_not(None)))
        stmt = _due_between(stmt, FollowUp.due_on, start, end)
        rows = s.execute(stmt).all()
        names = self._party_names(s, {r[5] for r in rows})
        labels = {k.value: k.label for k in VisitKind}
        out = []
        for vid, kind, party, due_on, tries, cid, code, title in rows:
            label = labels.get(kind, "回访")
            detail = label + (f"（已{tries}次未联系上）" if tries else "")
            out.append(self._make(ReminderKind.VISIT, (cid, code, title), names.get((cid, party), ""), due_on,
                                  cal.is_working_day(due_on)[1], detail, today, cal, ref_id=vid))
        return out

    # -- screening and joint conferences (services/screening.py, services/conferences.py) -------
    # Kept apart from the case kinds above: neither reads a case row beyond the few a
    # conference discussed; both query indexed columns only (conference_task.due_on,
    # screening_round.held_on).

    def _conference_tasks(self, s, cal: WorkCalendar, today: date,  # type: ignore[no-untyped-def]
                          start: date | None, end: date | None) -> list[Reminder]:
        """Each task agreed at a joint conference and not yet done (会商任务), under the first
        case the conference discussed (case id 0 when it discussed none)."""
        stmt = (select(ConferenceTask.id, ConferenceTask.who, ConferenceTask.what, ConferenceTask.due_on,
                       Conference.id, Conference.topic)
                .join(Conference, Conference.id == ConferenceTask.conference_id)
                .where(ConferenceTask.done_on.is_(None), ConferenceTask.due_on.is_not(None)))
        stmt = _due_between(stmt, ConferenceTask.due_on, start, end)
        rows = s.execute(stmt).all()
        first: dict[int, tuple[int, str, str]] = {}
        ids = sorted({r[4] for r in rows})
        for k in range(0, len(ids), 5000):
            for conf_id, cid, code, title in s.execute(
                    select(ConferenceCase.conference_id, Case.id, Case.code, Case.title)
                    .join(Case, Case.id == ConferenceCase.case_id)
                    .where(ConferenceCase.conference_id.in_(ids[k:k + 5000])).order_by(ConferenceCase.id)):
                first.setdefault(conf_id, (cid, code, title))
        out = []
        for tid, who, what, due_on, conf_id, topic in rows:
            case = first.get(conf_id, (0, "", topic))
            detail = f"{topic}：{shorten(what, DETAIL_CHARS)}" if topic else shorten(what, DETAIL_CHARS)
            out.append(self._make(ReminderKind.CONFERENCE_TASK, case, who, due_on, cal.is_working_day(due_on)[1],
                                  detail, today, cal, ref_id=tid))
        return out

    def _screening(self, s, cal: WorkCalendar, today: date) -> list[Reminder]:  # type: ignore[no-untyped-def]
        """本期尚未排查: the screening period of ``today`` (the LOCAL frequency, default twice a
        month) has no round recorded yet; due on the period's last day. Not a case's: case id 0.
        Only once the room keeps the log (a first round recorded): a studio that does not screen
        sees nothing; ``screening.per_month`` 0 turns it off."""
        from mediator_desktop.services.screening import per_month, screening_period

        n = per_month(self.ctx)
        if not n:
            return []
        first, last = screening_period(today, n)
        held = s.scalar(select(ScreeningRound.id).where(ScreeningRound.held_on >= first,
                                                         ScreeningRound.held_on <= last).limit(1))
        if held is not None or s.scalar(select(ScreeningRound.id).limit(1)) is None:
            return []   # screened this period, or never: a room that keeps no screening log is not nagged
        span = f"{first.month}月{first.day}日至{last.month}月{last.day}日"
        return [self._make(ReminderKind.SCREENING, (0, "", "矛盾纠纷排查"), "", last, cal.is_working_day(last)[1],
                           f"本期尚未排查（{span}，每月{n}次）", today, cal)]

    # -- risk and escalation (services/risk.py) ------------------------------------------------
    # Only open cases with a raised risk level, a handling level or the petition source (three
    # indexed columns), then their risk changes, plans and sessions by case id: a handful of rows.

    def _risk_clocks(self, s, cal: WorkCalendar, today: date) -> list[Reminder]:  # type: ignore[no-untyped-def]
        from mediator_desktop.services import risk

        rows = risk.clock_case_ids(s)
        if not rows:
            return []
        facts = risk.read_facts(s, rows)
        policy = risk.policy_of(self.ctx)
        out = []
        for r in rows:
            for clock in risk.clocks(facts[r.id], policy, cal):
                out.append(self._make(ReminderKind(clock.kind), (r.id, r.code, r.title), r.party_names, clock.due.due,
                                      clock.due.provisional, clock.detail, today, cal))
        return out

    @staticmethod
    def _party_names(s, case_ids: set[int]) -> dict[tuple[int, int], str]:  # type: ignore[no-untyped-def]
        names: dict[tuple[int, int], str] = {}
        ids = sorted(case_ids)
        for k in range(0, len(ids), 5000):   # keep IN lists within what every database accepts
            for cid, position, name in s.execute(select(CaseParty.case_id, CaseParty.position, CaseParty.name)
                                                 .where(CaseParty.case_id.in_(ids[k:k + 5000]))):
                names[(cid, position)] = name
        return names


def to_ics(items: Sequence[Reminder], organization: str = "", now: datetime | None = None, *,
           progress: Progress | None = None, cancelled: CancelCheck | None = None) -> bytes:
    """The reminders as an iCalendar file: one all-day event each, with an alarm the morning
    before; a provisional date says so in its title. ``progress(done, total)`` counts the
    events; ``cancelled()`` stops it (:class:`~mediator_desktop.services.errors.Cancelled`)."""
    from icalendar import Alarm, Calendar, Event

    from mediator_desktop.services.progress import step

    cal = Calendar()
    cal.add("prodid", "-//mediator-desktop//调解工作台//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{organization}调解日程" if organization else "调解日程")
    stamp = now or datetime.now().replace(microsecond=0)
    for k, r in enumerate(items):
        step(progress, cancelled, k, len(items))
        event = Event()
        ref = f"{r.kind}-{r.case_id}-{r.ref_id or 0}-{r.due.isoformat()}"
        event.add("uid", f"{ref}@mediator-desktop")
        event.add("dtstamp", stamp)
        event.add("dtstart", r.due)
        event.add("dtend", r.due + timedelta(days=1))
        who = f" · {r.party}" if r.party else ""
        event.add("summary", f"{r.kind_label}{who} · {r.code}" + ("（已届满）" if r.lapsed else "")
                  + ("（暂定）" if r.provisional else ""))
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
    return bytes(cal.to_ical())
