"""Chinese working days (工作日) and legal periods (LEGAL.md §6).

Statutory holidays and make-up working days (调休上班) come from chinese-calendar for the years
the State Council has published (up to 2026 today). For a later year the answer is provisional:
weekends plus the fixed-date statutory days, flagged so the UI and documents can say so — never
a crash and never a silent guess. An office can add a year's arrangement as ``overrides``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

#: Statutory days on fixed dates (全国年节及纪念日放假办法); the lunar ones move every year.
FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


@dataclass(frozen=True)
class Deadline:
    due: date
    provisional: bool   # computed with a year whose holiday arrangement is not known yet

    def text(self) -> str:
        from mediator_desktop.domain.text import chinese_date

        return chinese_date(self.due) + ("（暂定：该年度放假安排尚未公布）" if self.provisional else "")


def is_working_day(day: date, overrides: Mapping[date, bool] | None = None) -> tuple[bool, bool]:
    """(working?, provisional?) for ``day``; ``overrides`` (date → working) win over everything."""
    if overrides and day in overrides:
        return overrides[day], False
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        rest = day.weekday() >= 5 or (day.month, day.day) in FIXED_HOLIDAYS
        return not rest, True


def period_end(start: date, days: int, overrides: Mapping[date, bool] | None = None) -> Deadline:
    """The last day of a period of ``days`` days from ``start`` (民事诉讼法 85; 民法典 201, 203):
    the start day is not counted, and a last day on a rest day moves to the next working day.
    2026-09-01 + 30 days → 2026-10-01 is National Day → 2026-10-08."""
    due = start + timedelta(days=days)
    provisional = False
    for _ in range(60):  # no holiday run is longer than this
        working, unsure = is_working_day(due, overrides)
        provisional = provisional or unsure
        if working:
            return Deadline(due, provisional)
        due += timedelta(days=1)
    return Deadline(due, True)
