"""Deadlines (期限, LEGAL.md §1, §5, §6) and how urgent one is.

- The mediation time limit (调解期限): one month from acceptance (MOJ-2002 33); court-delegated
  (委派) cases 30 days, court-entrusted (委托) cases 15 days or 7 under simple procedure
  (特邀调解规定 27); extended with both parties' consent to a recorded new date.
- The joint judicial-confirmation window: :func:`mediator_desktop.domain.judicial.application_deadline`.
- Performance due dates: :mod:`mediator_desktop.domain.terms`; follow-up visits:
  :mod:`mediator_desktop.domain.followups`.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date

from mediator_desktop.domain.enums import LabelledEnum
from mediator_desktop.domain.workdays import Deadline, WorkCalendar, as_calendar

#: Days left (working days) at which a deadline turns orange and yellow.
URGENT_DAYS = 3
SOON_DAYS = 7


class Urgency(LabelledEnum):
    """How near a deadline is, as the reminders colour it."""

    OVERDUE = "overdue", "已逾期"        # red
    URGENT = "urgent", "3个工作日内"      # orange
    SOON = "soon", "7个工作日内"          # yellow
    LATER = "later", "以后"


def urgency(due: date, today: date, cal: WorkCalendar | None = None, *,
            urgent_days: int = URGENT_DAYS, soon_days: int = SOON_DAYS) -> Urgency:
    """Overdue when ``due`` is past; urgent within ``urgent_days`` working days (today counts
    as 0), soon within ``soon_days``."""
    if due < today:
        return Urgency.OVERDUE
    left = as_calendar(cal).working_days_until(today, due)
    if left <= urgent_days:
        return Urgency.URGENT
    if left <= soon_days:
        return Urgency.SOON
    return Urgency.LATER


def days_left_text(due: date, today: date, cal: WorkCalendar | None = None) -> str:
    """``今天到期`` / ``还剩3个工作日`` / ``已逾期3个工作日`` — both ways in working days, so
    the numbers before and after a deadline mean the same kind of day."""
    if due < today:
        passed = as_calendar(cal).working_days_until(due, today)
        return f"已逾期{passed}个工作日" if passed > 0 else "已逾期（不足1个工作日）"
    if due == today:
        return "今天到期"
    return f"还剩{as_calendar(cal).working_days_until(today, due)}个工作日"


def add_months(start: date, months: int) -> date:
    """The corresponding day ``months`` later (the month's last day when there is none)."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def month_period_end(start: date, months: int = 1,
                     cal: WorkCalendar | Mapping[date, bool] | None = None) -> Deadline:
    """A period of months (民法典 201-203): it ends on the corresponding day of the last month (or
    that month's last day when there is none), moved to the next working day from a rest day."""
    return as_calendar(cal).next_working_day(add_months(start, months))


def mediation_time_limit(received_on: date, source: str, extended_to: date | None = None,
                         cal: WorkCalendar | Mapping[date, bool] | None = None, *,
                         simple_procedure: bool = False) -> Deadline:
    """When mediation should be concluded; an extension's date wins."""
    work = as_calendar(cal)
    if extended_to is not None:
        return Deadline(extended_to, work.is_working_day(extended_to)[1])
    if source == "court_delegated":
        return work.period_end(received_on, 30)
    if source == "court_entrusted":
        return work.period_end(received_on, 7 if simple_procedure else 15)
    return month_period_end(received_on, 1, work)
