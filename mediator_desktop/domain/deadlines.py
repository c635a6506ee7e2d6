"""The mediation time limit (调解期限, LEGAL.md §1): one month from acceptance (MOJ-2002 33);
court-delegated (委派) cases 30 days, court-entrusted (委托) cases 15 days (特邀调解规定 27);
extended with both parties' consent to a recorded new date."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date

from mediator_desktop.domain.workdays import Deadline, is_working_day, period_end


def month_period_end(start: date, months: int = 1,
                     overrides: Mapping[date, bool] | None = None) -> Deadline:
    """A period of months (民法典 201-203): it ends on the corresponding day of the last month (or
    that month's last day when there is none), moved to the next working day from a rest day."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    end = date(year, month, day)
    working, unsure = is_working_day(end, overrides)
    if working:
        return Deadline(end, unsure)
    moved = period_end(end, 1, overrides)   # the first working day after ``end``
    return Deadline(moved.due, moved.provisional or unsure)


def mediation_time_limit(received_on: date, source: str, extended_to: date | None = None,
                         overrides: Mapping[date, bool] | None = None) -> Deadline:
    """When mediation should be concluded; an extension's date wins."""
    if extended_to is not None:
        working, unsure = is_working_day(extended_to, overrides)
        return Deadline(extended_to, unsure)
    if source == "court_delegated":
        return period_end(received_on, 30, overrides)
    if source == "court_entrusted":
        return period_end(received_on, 15, overrides)
    return month_period_end(received_on, 1, overrides)
