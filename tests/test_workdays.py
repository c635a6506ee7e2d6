"""Working days (工作日), legal periods and follow-up visits (回访), LEGAL.md §1, §6: the
built-in State Council arrangements, a year not published yet (provisional, never a crash),
arrangements entered by hand, urgency colours, mediation time limits and the visit plan."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from mediator_desktop.domain.deadlines import (
    SOON_DAYS,
    URGENT_DAYS,
    Urgency,
    add_months,
    days_left_text,
    mediation_time_limit,
    month_period_end,
    urgency,
)
from mediator_desktop.domain.enums import TermStatus, VisitKind
from mediator_desktop.domain.followups import (
    NextStep,
    PlannedVisit,
    TermDues,
    next_steps,
    plan_visits,
    satisfaction_visit_day,
)
from mediator_desktop.domain.workdays import (
    BUILTIN,
    BUILTIN_YEARS,
    PROVISIONAL_NOTE,
    Deadline,
    WorkCalendar,
    as_calendar,
    is_working_day,
    period_end,
)

#: The make-up working days (调休上班) of 2026 as the State Council published them.
MAKEUP_2026 = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
               date(2026, 9, 20), date(2026, 10, 10)]


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=k) for k in range((end - start).days + 1)]


#: A 2027 Spring Festival arrangement as an office would enter it by hand (not yet published
#: when chinese-calendar was released): rest 02-05..02-13, make-up Saturday 02-20.
SPRING_2027 = days(date(2027, 2, 5), date(2027, 2, 13))
MAKEUP_2027 = date(2027, 2, 20)


def entered_2027(complete: bool) -> WorkCalendar:
    entered = {d: False for d in SPRING_2027} | {MAKEUP_2027: True}
    return WorkCalendar(days=entered, complete_years=frozenset({2027}) if complete else frozenset())


# -- the built-in calendar ------------------------------------------------------------------------


def test_2026_is_built_in_and_2027_is_not() -> None:
    assert 2026 in BUILTIN_YEARS and 2027 not in BUILTIN_YEARS
    assert BUILTIN.known(2026) and not BUILTIN.known(2027)


@pytest.mark.parametrize("day", days(date(2026, 10, 1), date(2026, 10, 7)))
def test_national_day_2026_is_rest_and_certain(day: date) -> None:
    assert BUILTIN.is_working_day(day) == (False, False)


def test_the_day_after_national_day_is_a_working_day() -> None:
    assert BUILTIN.is_working_day(date(2026, 10, 8)) == (True, False)
    assert BUILTIN.is_working_day(date(2026, 9, 30)) == (True, False)


def test_legal_example_period_over_national_day() -> None:
    """LEGAL.md §6: effective 2026-09-01, day 30 is 2026-10-01 (holiday) → 2026-10-08."""
    end = BUILTIN.period_end(date(2026, 9, 1), 30)
    assert end == Deadline(date(2026, 10, 8), False)
    assert period_end(date(2026, 9, 1), 30) == end          # the module-level helper agrees
    assert end.text() == "2026年10月8日"                    # certain: no 暂定 note


def test_2026_make_up_days_match_chinese_calendar() -> None:
    """Every weekend day chinese-calendar marks as working in 2026 is one we know of, and each
    is a working day here (调休上班, e.g. Saturday 2026-10-10)."""
    weekend_workdays = [d for d in chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31))
                        if d.weekday() >= 5]
    assert weekend_workdays == MAKEUP_2026
    for day in MAKEUP_2026:
        assert day.weekday() >= 5
        assert BUILTIN.is_working_day(day) == (True, False), day


def test_a_period_ending_on_a_make_up_saturday_stays_there() -> None:
    # 2026-09-10 + 30 days = Saturday 2026-10-10, a make-up working day: not moved.
    assert BUILTIN.period_end(date(2026, 9, 10), 30) == Deadline(date(2026, 10, 10), False)


def test_a_deadline_on_a_weekend_moves_to_monday() -> None:
    # 2026-11-20 + 15 days = Saturday 2026-12-05 → Monday 2026-12-07.
    assert date(2026, 12, 5).weekday() == 5
    assert BUILTIN.period_end(date(2026, 11, 20), 15) == Deadline(date(2026, 12, 7), False)
    # And a Sunday: 2026-11-20 + 30 = Sunday 2026-12-20 → Monday 2026-12-21.
    assert BUILTIN.period_end(date(2026, 11, 20), 30) == Deadline(date(2026, 12, 21), False)


def test_the_start_day_is_not_counted() -> None:
    # Monday 2026-11-23 + 1 day is Tuesday 2026-11-24, a working day.
    assert BUILTIN.period_end(date(2026, 11, 23), 1).due == date(2026, 11, 24)


# -- a year not published yet: provisional, never a crash -----------------------------------------


def test_new_year_2027_is_rest_but_provisional() -> None:
    assert BUILTIN.is_working_day(date(2027, 1, 1)) == (False, True)
    # A plain weekday of 2027 is a working day, but only provisionally.
    assert BUILTIN.is_working_day(date(2027, 3, 3)) == (True, True)
    # A weekend of 2027 is rest, provisionally.
    assert BUILTIN.is_working_day(date(2027, 3, 6)) == (False, True)


def test_a_period_ending_in_2027_is_provisional_and_says_so() -> None:
    # 2026-12-20 + 30 = Tuesday 2027-01-19: a weekday, but the year's arrangement is unknown.
    end = BUILTIN.period_end(date(2026, 12, 20), 30)
    assert end == Deadline(date(2027, 1, 19), True)
    assert "暂定" in end.text()
    assert end.text() == "2027年1月19日" + PROVISIONAL_NOTE


def test_a_period_ending_on_new_year_2027_moves_past_it_provisionally() -> None:
    # 2026-12-02 + 30 = Friday 2027-01-01 (New Year, fixed) → Monday 2027-01-04, provisional.
    assert BUILTIN.period_end(date(2026, 12, 2), 30) == Deadline(date(2027, 1, 4), True)


def test_a_period_ending_in_2026_but_scanning_no_2027_day_is_certain() -> None:
    assert BUILTIN.period_end(date(2026, 12, 1), 30) == Deadline(date(2026, 12, 31), False)


@pytest.mark.parametrize("day", [date(2031, 1, 1), date(2031, 2, 1), date(2031, 5, 5),
                                 date(2031, 10, 2), date(2031, 12, 31), date(2099, 6, 15)])
def test_dates_far_past_the_known_years_never_crash(day: date) -> None:
    working, provisional = BUILTIN.is_working_day(day)
    assert provisional is True
    assert working == (day.weekday() < 5 and (day.month, day.day) not in {(1, 1), (5, 1), (5, 2), (10, 1),
                                                                           (10, 2), (10, 3)})
    nxt = BUILTIN.next_working_day(day)
    prev = BUILTIN.previous_working_day(day)
    assert nxt.provisional and prev.provisional
    assert prev.due <= day <= nxt.due
    assert BUILTIN.is_working_day(nxt.due)[0] and BUILTIN.is_working_day(prev.due)[0]
    end = BUILTIN.period_end(day, 30)
    assert end.provisional and "暂定" in end.text()
    assert BUILTIN.working_days_until(day, day + timedelta(days=14)) == 10 - sum(
        1 for d in days(day + timedelta(days=1), day + timedelta(days=14))
        if d.weekday() < 5 and (d.month, d.day) in {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


def test_national_day_2031_fixed_days_are_rest() -> None:
    # 2031-10-01 is a Wednesday: the fixed statutory days 10-01..10-03 rest, 10-06 works.
    assert BUILTIN.next_working_day(date(2031, 10, 1)) == Deadline(date(2031, 10, 6), True)


# -- arrangements entered by hand -----------------------------------------------------------------


def test_entered_spring_festival_2027_is_rest_and_not_provisional() -> None:
    cal = entered_2027(complete=False)
    for day in SPRING_2027:
        assert cal.is_working_day(day) == (False, False), day
    assert cal.is_working_day(MAKEUP_2027) == (True, False)
    # Without the year marked complete, other days of 2027 stay provisional.
    assert cal.is_working_day(date(2027, 3, 3)) == (True, True)
    assert not cal.known(2027)


def test_a_complete_year_makes_plain_weekdays_certain() -> None:
    cal = entered_2027(complete=True)
    assert cal.known(2027)
    assert cal.is_working_day(date(2027, 3, 3)) == (True, False)     # a plain Wednesday
    assert cal.is_working_day(date(2027, 3, 6)) == (False, False)    # a plain Saturday
    assert cal.is_working_day(SPRING_2027[2]) == (False, False)
    assert cal.is_working_day(MAKEUP_2027) == (True, False)          # a Saturday, made a working day
    # 2027-01-25 + 15 days = 2027-02-09 (Spring Festival) → 2027-02-14 is Sunday → Monday 02-15.
    assert cal.period_end(date(2027, 1, 25), 15) == Deadline(date(2027, 2, 15), False)
    assert "暂定" not in cal.period_end(date(2027, 1, 25), 15).text()


def test_a_period_ending_on_the_entered_holiday_uses_it() -> None:
    # With nothing entered, 2027-02-08 (Monday) would be a (provisional) working day.
    assert BUILTIN.period_end(date(2027, 1, 9), 30) == Deadline(date(2027, 2, 8), True)
    cal = entered_2027(complete=True)
    assert cal.period_end(date(2027, 1, 9), 30) == Deadline(date(2027, 2, 15), False)


def test_an_entered_day_corrects_a_built_in_year() -> None:
    cal = WorkCalendar(days={date(2026, 10, 8): False})
    assert cal.is_working_day(date(2026, 10, 8)) == (False, False)
    assert cal.period_end(date(2026, 9, 1), 30) == Deadline(date(2026, 10, 9), False)
    # A mapping is taken as entered days by the helpers.
    assert is_working_day(date(2026, 10, 8), {date(2026, 10, 8): False}) == (False, False)
    assert as_calendar({date(2026, 10, 8): False}).days == {date(2026, 10, 8): False}
    assert as_calendar(None) is BUILTIN and as_calendar(cal) is cal


# -- next / previous working day, counting working days -------------------------------------------


def test_next_and_previous_working_day() -> None:
    assert BUILTIN.next_working_day(date(2026, 10, 1)) == Deadline(date(2026, 10, 8), False)
    assert BUILTIN.previous_working_day(date(2026, 10, 7)) == Deadline(date(2026, 9, 30), False)
    # A working day is its own next and previous working day.
    assert BUILTIN.next_working_day(date(2026, 11, 23)) == Deadline(date(2026, 11, 23), False)
    assert BUILTIN.previous_working_day(date(2026, 11, 23)) == Deadline(date(2026, 11, 23), False)
    # Saturday 2026-11-21 → Monday 11-23 / Friday 11-20.
    assert BUILTIN.next_working_day(date(2026, 11, 21)).due == date(2026, 11, 23)
    assert BUILTIN.previous_working_day(date(2026, 11, 21)).due == date(2026, 11, 20)
    # Into 2027: provisional; back from 2027 into 2026 over New Year: provisional (it looked at
    # a 2027 day).
    assert BUILTIN.next_working_day(date(2027, 1, 1)) == Deadline(date(2027, 1, 4), True)
    assert BUILTIN.previous_working_day(date(2027, 1, 1)) == Deadline(date(2026, 12, 31), True)


def test_working_days_until_across_national_day() -> None:
    # After 2026-09-30: 10-01..07 rest, 10-08 Thu and 10-09 Fri work.
    assert BUILTIN.working_days_until(date(2026, 9, 30), date(2026, 10, 9)) == 2
    # Up to Monday 10-12: the make-up Saturday 10-10 counts, Sunday 10-11 does not.
    assert BUILTIN.working_days_until(date(2026, 9, 30), date(2026, 10, 12)) == 4
    assert BUILTIN.working_days_until(date(2026, 9, 30), date(2026, 9, 30)) == 0
    assert BUILTIN.working_days_until(date(2026, 9, 30), date(2026, 9, 25)) == -5


# -- urgency and the days-left text ---------------------------------------------------------------


def test_urgency_thresholds() -> None:
    assert (URGENT_DAYS, SOON_DAYS) == (3, 7)
    today = date(2026, 11, 23)                       # Monday
    assert urgency(date(2026, 11, 20), today) is Urgency.OVERDUE
    assert urgency(today, today) is Urgency.URGENT                      # 0 working days left
    assert urgency(date(2026, 11, 26), today) is Urgency.URGENT        # Thursday: 3
    assert urgency(date(2026, 11, 27), today) is Urgency.SOON          # Friday: 4
    assert urgency(date(2026, 11, 29), today) is Urgency.SOON          # Sunday: still 5
    assert urgency(date(2026, 12, 2), today) is Urgency.SOON           # Wednesday: 7
    assert urgency(date(2026, 12, 3), today) is Urgency.LATER          # Thursday: 8
    assert urgency(date(2026, 12, 3), today, urgent_days=1, soon_days=10) is Urgency.SOON
    assert {u.label for u in Urgency} == {"已逾期", "3个工作日内", "7个工作日内", "以后"}


def test_urgency_counts_working_days_over_a_holiday() -> None:
    # Nine calendar days, but only two working days: urgent, not "later".
    assert urgency(date(2026, 10, 9), date(2026, 9, 30)) is Urgency.URGENT
    # An entered rest day makes a deadline more urgent.
    cal = WorkCalendar(days={date(2026, 12, 1): False, date(2026, 12, 2): False})
    assert urgency(date(2026, 12, 3), date(2026, 11, 26)) is Urgency.SOON      # Fri, Mon, Tue, Wed, Thu
    assert urgency(date(2026, 12, 3), date(2026, 11, 26), cal) is Urgency.URGENT


def test_days_left_text() -> None:
    today = date(2026, 9, 30)
    # Overdue counts working days too (Mon 9-28, Tue 9-29, Wed 9-30), like the days still left.
    assert days_left_text(date(2026, 9, 25), today) == "已逾期3个工作日"
    assert days_left_text(date(2026, 11, 20), date(2026, 11, 22)) == "已逾期（不足1个工作日）"   # Fri → Sun
    assert days_left_text(today, today) == "今天到期"
    assert days_left_text(date(2026, 10, 9), today) == "还剩2个工作日"
    assert days_left_text(date(2027, 1, 5), date(2027, 1, 1)) == "还剩2个工作日"   # never crashes in 2027


# -- the mediation time limit (调解期限) ------------------------------------------------------------


def test_party_application_one_month() -> None:
    assert mediation_time_limit(date(2026, 11, 20), "party_application") == Deadline(date(2026, 12, 21), False)
    # 12-20 is Sunday → 12-21.
    assert mediation_time_limit(date(2026, 3, 10), "party_application") == Deadline(date(2026, 4, 10), False)


def test_one_month_clamps_to_the_month_end() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)            # leap year
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)           # over the year end
    assert add_months(date(2026, 3, 31), 13) == date(2027, 4, 30)
    # 2025-02-28 is a Friday.
    assert mediation_time_limit(date(2025, 1, 31), "party_application") == Deadline(date(2025, 2, 28), False)
    # 2026-02-28 is a Saturday but a make-up working day (调休上班): it stays.
    assert mediation_time_limit(date(2026, 1, 31), "party_application") == Deadline(date(2026, 2, 28), False)
    # 2026-04-30 → a Thursday; 2026-03-31 + 1 month.
    assert month_period_end(date(2026, 3, 31)) == Deadline(date(2026, 4, 30), False)


def test_court_delegated_30_days() -> None:
    assert mediation_time_limit(date(2026, 9, 1), "court_delegated") == Deadline(date(2026, 10, 8), False)


def test_court_entrusted_15_days_or_7_under_simple_procedure() -> None:
    received = date(2026, 11, 20)
    assert mediation_time_limit(received, "court_entrusted") == Deadline(date(2026, 12, 7), False)
    assert mediation_time_limit(received, "court_entrusted", simple_procedure=True) == \
        Deadline(date(2026, 11, 27), False)
    # 2026-09-24 + 7 = 2026-10-01 → 2026-10-08.
    assert mediation_time_limit(date(2026, 9, 24), "court_entrusted", simple_procedure=True).due == \
        date(2026, 10, 8)
    # Simple procedure means nothing for a party's application.
    assert mediation_time_limit(received, "party_application", simple_procedure=True).due == date(2026, 12, 21)


def test_an_extension_wins() -> None:
    received = date(2026, 11, 20)
    for source in ("party_application", "court_delegated", "court_entrusted"):
        assert mediation_time_limit(received, source, date(2026, 12, 30)) == Deadline(date(2026, 12, 30), False)
    # Extended into 2027: provisional.
    assert mediation_time_limit(received, "court_entrusted", date(2027, 1, 15), simple_procedure=True) == \
        Deadline(date(2027, 1, 15), True)
    # An entered complete 2027 makes it certain.
    assert mediation_time_limit(received, "party_application", date(2027, 1, 15), entered_2027(True)) == \
        Deadline(date(2027, 1, 15), False)


def test_time_limit_ending_in_2027_is_provisional() -> None:
    limit = mediation_time_limit(date(2026, 12, 15), "party_application")
    assert limit == Deadline(date(2027, 1, 15), True)
    assert "暂定" in limit.text()
    assert mediation_time_limit(date(2026, 12, 15), "party_application", cal=entered_2027(True)) == \
        Deadline(date(2027, 1, 15), False)


# -- follow-up visits (回访) ---------------------------------------------------------------------------


def test_satisfaction_visit_day_stays_within_the_month_on_a_working_day() -> None:
    # 2026-09-05 + 1 month = 2026-10-05 (National Day) → the last working day before: 09-30.
    assert satisfaction_visit_day(date(2026, 9, 5), 1, BUILTIN) == Deadline(date(2026, 9, 30), False)
    # A plain case: 2026-11-10 + 1 month = Thursday 2026-12-10.
    assert satisfaction_visit_day(date(2026, 11, 10), 1, BUILTIN) == Deadline(date(2026, 12, 10), False)
    # Saturday 2026-12-12 → Friday 12-11.
    assert satisfaction_visit_day(date(2026, 11, 12), 1, BUILTIN).due == date(2026, 12, 11)
    # Into 2027: provisional.
    assert satisfaction_visit_day(date(2026, 12, 10), 1, BUILTIN) == Deadline(date(2027, 1, 8), True)
    # Two months (a setting).
    assert satisfaction_visit_day(date(2026, 8, 5), 2, BUILTIN) == Deadline(date(2026, 9, 30), False)


def test_satisfaction_visit_day_is_never_on_or_before_the_effective_day() -> None:
    # A calendar where every day of the month after 2026-11-10 is entered as rest but the
    # effective day works: going back would reach the effective day, so it goes forward.
    rest = {d: False for d in days(date(2026, 11, 11), date(2026, 12, 11))}
    cal = WorkCalendar(days=rest)
    visit = satisfaction_visit_day(date(2026, 11, 10), 1, cal)
    assert visit.due > date(2026, 11, 10)
    assert visit == Deadline(date(2026, 12, 14), False)


def test_plan_visits_one_satisfaction_visit_per_party_and_one_per_due_date() -> None:
    names = ["张三", "李四"]
    terms = [
        # 李四 (1) pays 张三 (0) in two instalments; the first due on a holiday.
        TermDues(term_id=11, position=0, obligor=1, obligee=0,
                 dues=(date(2026, 10, 3), date(2026, 11, 30))),
        # A term with nobody owed (清除堆放物): the visit goes to the obligor.
        TermDues(term_id=12, position=1, obligor=1, obligee=None, dues=(date(2026, 10, 20),)),
        # A term whose parties are unknown: no visit planned, no crash.
        TermDues(term_id=13, position=2, obligor=None, obligee=None, dues=(date(2026, 10, 21),)),
    ]
    visits = plan_visits(date(2026, 9, 5), names, terms, BUILTIN)
    satisfaction = [v for v in visits if v.kind is VisitKind.SATISFACTION]
    performance = [v for v in visits if v.kind is VisitKind.PERFORMANCE]
    assert [v.party for v in satisfaction] == [0, 1]
    assert all(v.due == Deadline(date(2026, 9, 30), False) for v in satisfaction)
    assert all("1个月内" in v.reason and v.term_id is None for v in satisfaction)
    assert [(v.party, v.term_id, v.due.due) for v in performance] == [
        (0, 11, date(2026, 10, 8)),     # 10-03 is National Day → the next working day
        (0, 11, date(2026, 11, 30)),
        (1, 12, date(2026, 10, 20)),
    ]
    assert performance[0].reason == "协议第一条约定李四于2026年10月3日前履行，核实履行情况"
    assert performance[2].reason.startswith("协议第二条约定李四于2026年10月20日前履行")
    assert len(visits) == 5


def test_planned_visit_keys() -> None:
    sat = PlannedVisit(VisitKind.SATISFACTION, 1, Deadline(date(2026, 9, 30), False), "r")
    moved = PlannedVisit(VisitKind.SATISFACTION, 1, Deadline(date(2026, 10, 9), False), "r")
    assert sat.key == moved.key == ("satisfaction", 1, None, None)
    perf = PlannedVisit(VisitKind.PERFORMANCE, 0, Deadline(date(2026, 10, 8), False), "r", 11)
    assert perf.key == ("performance", 0, 11, date(2026, 10, 8))


def test_plan_visits_with_no_terms_and_a_two_month_setting() -> None:
    visits = plan_visits(date(2026, 11, 10), ["张三", "李四", "王五"], [], BUILTIN, months=2)
    assert [(v.kind, v.party) for v in visits] == [(VisitKind.SATISFACTION, k) for k in range(3)]
    assert visits[0].due == Deadline(date(2027, 1, 8), True)      # 2027-01-10 is Sunday, provisional
    assert "2个月内" in visits[0].reason


def steps(offers) -> list[NextStep]:  # type: ignore[no-untyped-def]
    return [o.step for o in offers]


P, N, PART, PEND = (TermStatus.PERFORMED.value, TermStatus.NOT_PERFORMED.value,
                    TermStatus.PARTLY_PERFORMED.value, TermStatus.PENDING.value)


def test_next_steps_performed_closes() -> None:
    assert steps(next_steps([P, P], new_risk=False, window_open=True, confirmed=False)) == [NextStep.CLOSE]
    assert steps(next_steps([P], new_risk=False, window_open=False, confirmed=False, case_open=False)) == []
    # No obligations at all: can be closed.
    assert steps(next_steps([], new_risk=False, window_open=False, confirmed=False)) == [NextStep.CLOSE]


def test_next_steps_not_performed() -> None:
    open_window = next_steps([P, N], new_risk=False, window_open=True, confirmed=False)
    assert steps(open_window) == [NextStep.URGE, NextStep.JUDICIAL, NextStep.LAWSUIT]
    assert all(o.why for o in open_window)
    assert steps(next_steps([PART], new_risk=False, window_open=False, confirmed=False)) == \
        [NextStep.URGE, NextStep.LAWSUIT]
    confirmed = next_steps([N], new_risk=False, window_open=True, confirmed=True)
    assert steps(confirmed) == [NextStep.URGE, NextStep.ENFORCE, NextStep.LAWSUIT]
    assert "强制执行" in confirmed[1].why
    assert "第32条" in confirmed[-1].why


def test_next_steps_new_risk_comes_first() -> None:
    assert steps(next_steps([N], new_risk=True, window_open=True, confirmed=False)) == \
        [NextStep.RAISE_RISK, NextStep.URGE, NextStep.JUDICIAL, NextStep.LAWSUIT]
    assert steps(next_steps([P], new_risk=True, window_open=False, confirmed=False)) == \
        [NextStep.RAISE_RISK, NextStep.CLOSE]


def test_next_steps_not_yet_due_visits_again() -> None:
    assert steps(next_steps([P, PEND], new_risk=False, window_open=True, confirmed=False)) == \
        [NextStep.VISIT_AGAIN]
    assert NextStep.VISIT_AGAIN.label == "到期后再回访"


def test_add_working_days_skips_holidays_and_flags_unknown_years() -> None:
    from mediator_desktop.domain.workdays import BUILTIN

    # 2026-09-30 (Wed) + 1 working day: National Day runs 10-01..10-07 → 10-08.
    assert BUILTIN.add_working_days(date(2026, 9, 30), 1).due == date(2026, 10, 8)
    # 2026-10-08 (Thu) + 2: Friday 10-09, then the make-up Saturday 10-10.
    assert BUILTIN.add_working_days(date(2026, 10, 8), 2).due == date(2026, 10, 10)
    late = BUILTIN.add_working_days(date(2026, 12, 30), 3)
    assert late.due == date(2027, 1, 5) and late.provisional


def test_working_days_until_counts_as_a_day_by_day_walk_across_years() -> None:
    """The running counts per year give the same number as walking the days one by one, across
    year ends, built-in, entered and provisional years alike (the count serves overdue items
    years old, so it must not walk)."""
    import random
    from datetime import timedelta

    from mediator_desktop.domain.workdays import WorkCalendar

    entered = {date(2027, 2, 8): False, date(2027, 2, 9): False, date(2027, 2, 20): True}
    cal = WorkCalendar(days=entered)

    def walk(today: date, due: date) -> int:
        count, day = 0, today
        while day < due:
            day += timedelta(days=1)
            count += cal.is_working_day(day)[0]
        return count

    rng = random.Random(11)
    pairs = [(date(2025, 12, 31), date(2026, 1, 5)), (date(2026, 9, 30), date(2026, 10, 9)),
             (date(2026, 12, 25), date(2027, 2, 22)), (date(2023, 3, 1), date(2026, 11, 23))]
    for _ in range(200):
        a = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 2200))
        pairs.append((a, a + timedelta(days=rng.randrange(0, 900))))
    for today, due in pairs:
        assert cal.working_days_until(today, due) == walk(today, due), (today, due)
    assert cal.working_days_until(date(2026, 11, 23), date(2026, 11, 20)) == -3   # past: calendar days
