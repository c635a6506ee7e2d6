"""Chinese working days (工作日) and legal periods (LEGAL.md §6).

Statutory holidays and make-up working days (调休上班) come from chinese-calendar for the years
the State Council had published when it was released (2004-2026 today). A later year can be
entered by hand (the arrangement is published late in the year before) into a
:class:`WorkCalendar`. A year known neither way falls back to weekends plus the fixed-date
statutory days, and every date computed from it is flagged provisional so the UI and documents
can say so — never a crash and never a silent guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as _cc

from mediator_desktop.domain.text import weekday_text

#: Statutory days on fixed dates (全国年节及纪念日放假办法, 2025 revision); the lunar ones move
#: every year, so a year without its arrangement is only a guess.
FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
#: The years chinese-calendar knows.
BUILTIN_YEARS = range(min(_cc.holidays).year, max(_cc.holidays).year + 1)
#: No run of rest days is longer than this (Spring Festival with weekends is about 9 days).
_LONGEST_REST = 60


@dataclass(frozen=True)
class Deadline:
    due: date
    provisional: bool   # computed with a year whose holiday arrangement is not known yet

    def text(self) -> str:
        from mediator_desktop.domain.text import chinese_date

        return chinese_date(self.due) + (PROVISIONAL_NOTE if self.provisional else "")


PROVISIONAL_NOTE = "（暂定：该年度放假安排尚未公布）"


@dataclass(frozen=True)
class WorkCalendar:
    """The working-day calendar: chinese-calendar, corrected and extended by arrangements
    entered by hand. ``days`` maps an entered day to whether it is a working day;
    ``complete_years`` are the years whose whole arrangement has been entered."""

    days: Mapping[date, bool] = field(default_factory=dict)
    complete_years: frozenset[int] = frozenset()
    #: year → running count of its working days (index i: among its first i days), built once
    #: per calendar on first use, so counting the working days of a long span costs no walk.
    _running: dict[int, list[int]] = field(default_factory=dict, init=False, repr=False, compare=False,
                                           hash=False)

    def known(self, year: int) -> bool:
        """Whether the holiday arrangement of ``year`` is known (built in or entered)."""
        return year in BUILTIN_YEARS or year in self.complete_years

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """(working?, provisional?) for ``day``."""
        if day in self.days:
            return self.days[day], False
        if day.year in BUILTIN_YEARS:
            known = _builtin_workday(day)
            if known is not None:
                return known, False
        if day.year in self.complete_years:
            return day.weekday() < 5, False
        rest = day.weekday() >= 5 or (day.month, day.day) in FIXED_HOLIDAYS
        return not rest, True

    def next_working_day(self, day: date) -> Deadline:
        """``day`` itself when it is a working day, else the first working day after it."""
        return self._nearest_working_day(day, 1)

    def previous_working_day(self, day: date) -> Deadline:
        """``day`` itself when it is a working day, else the last working day before it."""
        return self._nearest_working_day(day, -1)

    def _nearest_working_day(self, day: date, direction: int) -> Deadline:
        provisional = False
        for _ in range(_LONGEST_REST):
            working, unsure = self.is_working_day(day)
            provisional = provisional or unsure
            if working:
                return Deadline(day, provisional)
            day += timedelta(days=direction)
        return Deadline(day, True)

    def add_working_days(self, start: date, count: int) -> Deadline:
        """The ``count``-th working day after ``start``."""
        day, provisional = start, False
        for _ in range(count):
            step = self.next_working_day(day + timedelta(days=1))
            day, provisional = step.due, provisional or step.provisional
        return Deadline(day, provisional)

    def period_end(self, start: date, days: int) -> Deadline:
        """The last day of a period of ``days`` days from ``start`` (民事诉讼法 85; 民法典 201,
        203): the start day is not counted, and a last day on a rest day moves to the next
        working day. 2026-09-01 + 30 days → 2026-10-01 is National Day → 2026-10-08."""
        return self.next_working_day(start + timedelta(days=days))

    def working_days_until(self, today: date, due: date) -> int:
        """Working days after ``today`` up to and including ``due`` (0 when due today or
        before; negative: the calendar days ``due`` is past)."""
        if due <= today:
            return (due - today).days
        running = self._year_running
        if today.year == due.year:
            return running(due.year)[_day_of_year(due)] - running(today.year)[_day_of_year(today)]
        count = running(today.year)[-1] - running(today.year)[_day_of_year(today)]
        count += sum(running(year)[-1] for year in range(today.year + 1, due.year))
        return count + running(due.year)[_day_of_year(due)]

    def _year_running(self, year: int) -> list[int]:
        running = self._running.get(year)
        if running is None:
            first = date(year, 1, 1)
            length = (date(year + 1, 1, 1) - first).days
            running = [0]
            for offset in range(length):
                running.append(running[-1] + self.is_working_day(first + timedelta(days=offset))[0])
            self._running[year] = running
        return running


def _day_of_year(day: date) -> int:
    return day.timetuple().tm_yday


@lru_cache(maxsize=8192)
def _builtin_workday(day: date) -> bool | None:
    """chinese-calendar's answer (cached: it validates every date it is asked, slowly); None
    where its data has a gap."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


#: The calendar without anything entered by hand.
BUILTIN = WorkCalendar()


def is_working_day(day: date, cal: WorkCalendar | Mapping[date, bool] | None = None) -> tuple[bool, bool]:
    """(working?, provisional?) for ``day``; a mapping is taken as entered days (date → working)."""
    return as_calendar(cal).is_working_day(day)


def period_end(start: date, days: int, cal: WorkCalendar | Mapping[date, bool] | None = None) -> Deadline:
    """See :meth:`WorkCalendar.period_end`."""
    return as_calendar(cal).period_end(start, days)


def as_calendar(cal: WorkCalendar | Mapping[date, bool] | None) -> WorkCalendar:
    if cal is None:
        return BUILTIN
    if isinstance(cal, WorkCalendar):
        return cal
    return WorkCalendar(days=dict(cal))


# -- the arrangement the library knows, as the calendar dialog shows it -------------------------

#: chinese-calendar's names (English) in full Chinese (the library says 清明, 端午, 中秋).
HOLIDAY_LABELS = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def _library_label(name: str) -> str:
    try:
        return str(chinese_calendar.Holiday(name).chinese)
    except ValueError:
        return str(name)


def _short(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _runs(days: list[date]) -> list[list[date]]:
    runs: list[list[date]] = []
    for d in sorted(days):
        if runs and d - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


def builtin_arrangement(year: int) -> list[tuple[str, str, str]]:
    """The arrangement chinese-calendar holds for ``year``: (holiday, rest days, make-up days),
    e.g. ``("国庆节", "10月1日至10月7日（7天）", "9月20日（星期日）、10月10日（星期六）")``."""
    by_name: dict[str, tuple[list[date], list[date]]] = {}
    day = date(year, 1, 1)
    while day.year == year:
        try:
            rest, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return []
        if name:
            label = HOLIDAY_LABELS.get(name) or _library_label(name)
            entry = by_name.setdefault(label, ([], []))
            entry[0 if rest else 1].append(day)
        day += timedelta(days=1)
    rows = []
    # In calendar order of the holidays themselves (a make-up day may come weeks before).
    ordered = sorted(by_name.items(), key=lambda item: min(item[1][0] or item[1][1]))
    for label, (rest_days, work_days) in ordered:
        rest_text = "、".join(_short(r[0]) if len(r) == 1 else f"{_short(r[0])}至{_short(r[-1])}（{len(r)}天）"
                             for r in _runs(rest_days))
        work_text = "、".join(f"{_short(d)}（{weekday_text(d)}）" for d in work_days) or "—"
        rows.append((label, rest_text, work_text))
    return rows
