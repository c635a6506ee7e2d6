"""The working-day calendar kept by the office (节假日安排).

chinese-calendar knows the years the State Council had published when it was released. Each
year's arrangement is published late in the year before, so an office enters a new year here
(holidays 放假 and make-up working days 调休上班) and marks it complete; until then, dates in that
year are computed from weekends plus the fixed statutory days and flagged provisional. The
arrangement is shared by every PC of a centre (it lives in the database).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mediator_desktop.domain.workdays import BUILTIN_YEARS, WorkCalendar
from mediator_desktop.services.context import Service
from mediator_desktop.services.due_dates import touch_year
from mediator_desktop.services.errors import FieldProblem, ValidationError
from mediator_desktop.storage.models import HolidayDay, HolidayYear

#: How long a PC trusts its copy of the arrangement before reading it again (another PC of a
#: centre may have entered a year).
CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class EnteredDay:
    day: date
    working: bool        # True: 调休上班; False: 放假
    name: str = ""       # 春节, 国庆节, 调休上班…


@dataclass(frozen=True)
class YearInfo:
    year: int
    builtin: bool        # chinese-calendar knows it
    entered: bool        # an arrangement was entered by hand
    complete: bool       # known: dates in it are not provisional
    source: str = ""

    @property
    def state(self) -> str:
        if self.builtin:
            return "已内置（国务院公布）" + ("，另有手工更正" if self.entered else "")
        if self.complete:
            return "已录入"
        if self.entered:
            return "录入未完成（日期暂定）"
        return "未公布（按周末和固定节日暂定）"


def load_calendar(s: Session) -> WorkCalendar:
    days = {d.day: d.working for d in s.scalars(select(HolidayDay))}
    complete = frozenset(y.year for y in s.scalars(select(HolidayYear).where(HolidayYear.complete)))
    return WorkCalendar(days=days, complete_years=complete)


class CalendarService(Service):
    def calendar(self) -> WorkCalendar:
        """The calendar in force (cached for :data:`CACHE_SECONDS`)."""
        return self.ctx.calendar()

    def years(self, around: int | None = None) -> list[YearInfo]:
        """Every built-in or entered year, plus the current and next year."""
        this = around or self.ctx.today().year
        with self.ctx.db.read() as s:
            entered = {y.year: y for y in s.scalars(select(HolidayYear))}
            with_days = {d.year for d in s.scalars(select(HolidayDay.day))}
        years = set(entered) | with_days | {this, this + 1} | {y for y in BUILTIN_YEARS if y >= this - 1}
        out = []
        for year in sorted(years):
            row = entered.get(year)
            out.append(YearInfo(year, year in BUILTIN_YEARS, row is not None or year in with_days,
                                year in BUILTIN_YEARS or bool(row and row.complete),
                                row.source if row else ""))
        return out

    def days(self, year: int) -> list[EnteredDay]:
        with self.ctx.db.read() as s:
            rows = s.scalars(select(HolidayDay).where(HolidayDay.day >= date(year, 1, 1),
                                                      HolidayDay.day <= date(year, 12, 31))
                             .order_by(HolidayDay.day))
            return [EnteredDay(r.day, r.working, r.name) for r in rows]

    def save_year(self, year: int, days: Sequence[EnteredDay], *, complete: bool, source: str = "") -> None:
        """Replace the entered arrangement of ``year``."""
        self.ctx.require_admin("录入节假日安排")
        problems = []
        if not 1990 <= year <= 2200:
            problems.append(FieldProblem("year", "年份不正确"))
        seen: set[date] = set()
        for k, d in enumerate(days):
            if d.day.year != year:
                problems.append(FieldProblem(f"days[{k}]", f"{d.day.isoformat()}不在{year}年内"))
            if d.day in seen:
                problems.append(FieldProblem(f"days[{k}]", f"{d.day.isoformat()}重复录入"))
            seen.add(d.day)
            if d.working and d.day.weekday() < 5:
                problems.append(FieldProblem(f"days[{k}]", f"{d.day.isoformat()}是工作日，不需要录入为调休上班",
                                             warning=True))
        if complete and not any(not d.working for d in days) and year not in BUILTIN_YEARS:
            problems.append(FieldProblem("days", f"尚未录入{year}年的放假日期，不能标记为已完整录入"))
        if any(not p.warning for p in problems):
            raise ValidationError(problems)
        with self.ctx.db.write() as s:
            s.execute(delete(HolidayDay).where(HolidayDay.day >= date(year, 1, 1),
                                               HolidayDay.day <= date(year, 12, 31)))
            s.add_all(HolidayDay(day=d.day, working=d.working, name=d.name.strip()[:60]) for d in days)
            row = s.get(HolidayYear, year)
            if row is None:
                row = HolidayYear(year=year, entered_at=self.ctx.now())
                s.add(row)
            row.complete, row.source = complete, source.strip()
            row.entered_by, row.entered_at = self.ctx.actor.name, self.ctx.now()
            rest = sum(1 for d in days if not d.working)
            touch_year(s, year)   # the deadlines counted over that year are recomputed at the commit
            self.ctx.audit(s, "save", "holiday_year", year,
                           text=f"录入{year}年节假日安排：放假{rest}天，调休上班{len(days) - rest}天"
                                + ("（已完整）" if complete else "（未完整）"))
        self.ctx.forget_calendar()

    def delete_year(self, year: int) -> None:
        self.ctx.require_admin("录入节假日安排")
        with self.ctx.db.write() as s:
            s.execute(delete(HolidayDay).where(HolidayDay.day >= date(year, 1, 1),
                                               HolidayDay.day <= date(year, 12, 31)))
            s.execute(delete(HolidayYear).where(HolidayYear.year == year))
            touch_year(s, year)
            self.ctx.audit(s, "delete", "holiday_year", year, text=f"删除手工录入的{year}年节假日安排")
        self.ctx.forget_calendar()


__all__ = ["CACHE_SECONDS", "CalendarService", "EnteredDay", "YearInfo", "load_calendar"]
