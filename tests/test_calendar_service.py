"""The office's holiday arrangements (节假日安排) kept in the database, on SQLite and PostgreSQL:
entering a year the State Council published after chinese-calendar was released, marking it
complete, the checks, who may do it, and the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import make_services
from sqlalchemy import select

from mediator_desktop.domain.workdays import Deadline
from mediator_desktop.services.calendar import EnteredDay
from mediator_desktop.services.context import Actor
from mediator_desktop.services.errors import PermissionDenied, ValidationError
from mediator_desktop.storage.models import AuditEntry, HolidayDay, HolidayYear

SOURCE = "国务院办公厅关于2027年部分节假日安排的通知"


def spring_festival_2027() -> list[EnteredDay]:
    """春节 2027-02-05..02-13 (rest) and two make-up days: Sunday 02-14 is a weekend already
    taken, so Saturday 02-20 and Sunday 01-31 work."""
    rest = [EnteredDay(date(2027, 2, 5) + timedelta(days=k), False, "春节") for k in range(9)]
    return [*rest, EnteredDay(date(2027, 1, 31), True, "调休上班"), EnteredDay(date(2027, 2, 20), True, "调休上班")]


def national_day_2027() -> list[EnteredDay]:
    return [EnteredDay(date(2027, 10, 1) + timedelta(days=k), False, "国庆节") for k in range(7)]


def audit_rows(services) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with services.ctx.db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "holiday_year").order_by(AuditEntry.id)))


def test_years_lists_built_in_2026_and_unpublished_2027(services) -> None:  # type: ignore[no-untyped-def]
    years = {y.year: y for y in services.calendar.years()}
    assert {2025, 2026, 2027} <= set(years)            # the clock says 2026-11-22
    assert years[2026].builtin and years[2026].complete and not years[2026].entered
    assert years[2026].state == "已内置（国务院公布）"
    y27 = years[2027]
    assert (y27.builtin, y27.entered, y27.complete) == (False, False, False)
    assert y27.state == "未公布（按周末和固定节日暂定）"
    assert [y.year for y in services.calendar.years()] == sorted(years)
    assert services.calendar.days(2027) == []


def test_save_a_complete_2027_makes_its_days_certain(services) -> None:  # type: ignore[no-untyped-def]
    before = services.ctx.calendar()                                  # cached before the save
    assert before.is_working_day(date(2027, 2, 8)) == (True, True)

    entered = spring_festival_2027() + national_day_2027() + [EnteredDay(date(2027, 1, 1), False, "元旦")]
    services.calendar.save_year(2027, entered, complete=True, source="  " + SOURCE + " ")

    cal = services.ctx.calendar()                                     # the cache was dropped
    assert cal is not before
    assert services.calendar.calendar() is cal
    assert cal.known(2027)
    for day in spring_festival_2027():
        assert cal.is_working_day(day.day) == (day.working, False), day
    assert cal.is_working_day(date(2027, 3, 3)) == (True, False)      # a plain weekday: certain now
    assert cal.is_working_day(date(2027, 3, 6)) == (False, False)     # a plain Saturday
    assert cal.is_working_day(date(2027, 2, 20)) == (True, False)     # the make-up Saturday
    # 2027-01-25 + 15 days = 02-09 (Spring Festival) → 02-14 is Sunday → Monday 02-15, certain.
    assert cal.period_end(date(2027, 1, 25), 15) == Deadline(date(2027, 2, 15), False)

    stored = services.calendar.days(2027)
    assert [d.day for d in stored] == sorted(d.day for d in entered)
    assert next(d for d in stored if d.day == date(2027, 2, 5)) == EnteredDay(date(2027, 2, 5), False, "春节")
    info = {y.year: y for y in services.calendar.years()}[2027]
    assert (info.builtin, info.entered, info.complete, info.source) == (False, True, True, SOURCE)
    assert info.state == "已录入"
    with services.ctx.db.read() as s:
        row = s.get(HolidayYear, 2027)
        assert row is not None and row.entered_by == "测试员"
        assert row.entered_at == services.ctx.now()


def test_an_incomplete_year_stays_provisional_for_days_not_entered(services) -> None:  # type: ignore[no-untyped-def]
    services.calendar.save_year(2027, spring_festival_2027(), complete=False)
    cal = services.ctx.calendar()
    assert not cal.known(2027)
    assert cal.is_working_day(date(2027, 2, 8)) == (False, False)     # entered: certain
    assert cal.is_working_day(date(2027, 3, 3)) == (True, True)       # not entered: provisional
    assert cal.is_working_day(date(2027, 10, 1)) == (False, True)     # fixed National Day, a guess
    assert "暂定" in cal.period_end(date(2027, 2, 20), 10).text()
    info = {y.year: y for y in services.calendar.years()}[2027]
    assert (info.entered, info.complete) == (True, False)
    assert info.state == "录入未完成（日期暂定）"


def test_saving_again_replaces_the_year(services) -> None:  # type: ignore[no-untyped-def]
    services.calendar.save_year(2027, spring_festival_2027(), complete=False)
    services.calendar.save_year(2027, national_day_2027(), complete=True, source=SOURCE)
    assert [d.day for d in services.calendar.days(2027)] == [d.day for d in national_day_2027()]
    assert services.ctx.calendar().is_working_day(date(2027, 2, 8)) == (True, False)
    # Another year is untouched.
    services.calendar.save_year(2028, [EnteredDay(date(2028, 1, 1), False, "元旦")], complete=False)
    assert len(services.calendar.days(2027)) == 7 and len(services.calendar.days(2028)) == 1


def test_a_correction_to_a_built_in_year(services) -> None:  # type: ignore[no-untyped-def]
    """Corrections can still be entered for a built-in year; marking it complete needs no holidays."""
    services.calendar.save_year(2026, [EnteredDay(date(2026, 10, 8), False, "更正")], complete=False)
    cal = services.ctx.calendar()
    assert cal.period_end(date(2026, 9, 1), 30) == Deadline(date(2026, 10, 9), False)
    info = {y.year: y for y in services.calendar.years()}[2026]
    assert info.builtin and info.entered and info.state == "已内置（国务院公布），另有手工更正"
    services.calendar.save_year(2026, [], complete=True)              # no ValidationError
    assert services.calendar.days(2026) == []


@pytest.mark.parametrize("entered, complete, field, words", [
    ([EnteredDay(date(2028, 1, 1), False, "元旦")], False, "days[0]", "不在2027年内"),
    ([EnteredDay(date(2027, 1, 1), False, "元旦"), EnteredDay(date(2027, 1, 1), False, "元旦")], False,
     "days[1]", "重复录入"),
    ([EnteredDay(date(2027, 2, 20), True, "调休上班")], True, "days", "尚未录入2027年的放假日期"),
    ([], True, "days", "不能标记为已完整录入"),
])
def test_validation_names_the_field(services, entered, complete, field, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        services.calendar.save_year(2027, entered, complete=complete)
    problems = [p for p in info.value.errors if p.field == field]
    assert problems and words in problems[0].message
    assert words in str(info.value)
    # Nothing was written, nothing audited.
    assert services.calendar.days(2027) == []
    assert audit_rows(services) == []
    assert not {y.year: y for y in services.calendar.years()}[2027].entered


def test_a_year_out_of_range_is_refused(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        services.calendar.save_year(1900, [], complete=False)
    assert info.value.errors[0].field == "year" and "年份" in info.value.errors[0].message


def test_a_weekday_entered_as_make_up_day_is_only_a_warning(services) -> None:  # type: ignore[no-untyped-def]
    # 2027-03-03 is a Wednesday: entering it as 调休上班 is pointless but harmless.
    services.calendar.save_year(2027, [*spring_festival_2027(), EnteredDay(date(2027, 3, 3), True, "")],
                                complete=False)
    assert date(2027, 3, 3) in [d.day for d in services.calendar.days(2027)]


def test_only_an_administrator_enters_arrangements(db_url, clock) -> None:  # type: ignore[no-untyped-def]
    from mediator_desktop.services.app import Services

    admin = make_services(db_url, clock)
    clerk = Services.open(db_url, Actor(name="王芳", can_administer=False))
    try:
        with pytest.raises(PermissionDenied) as info:
            clerk.calendar.save_year(2027, spring_festival_2027(), complete=True, source=SOURCE)
        assert "王芳" in str(info.value) and "节假日安排" in str(info.value)
        assert clerk.calendar.days(2027) == []
        # A clerk still reads the arrangement the administrator entered.
        admin.calendar.save_year(2027, spring_festival_2027(), complete=True, source=SOURCE)
        assert len(clerk.calendar.days(2027)) == len(spring_festival_2027())
        with pytest.raises(PermissionDenied):
            clerk.calendar.delete_year(2027)
        assert len(admin.calendar.days(2027)) == len(spring_festival_2027())
    finally:
        clerk.close()
        admin.close()


def test_delete_year(services) -> None:  # type: ignore[no-untyped-def]
    services.calendar.save_year(2027, spring_festival_2027(), complete=True, source=SOURCE)
    services.calendar.save_year(2028, [EnteredDay(date(2028, 1, 1), False, "元旦")], complete=False)
    assert services.ctx.calendar().known(2027)
    services.calendar.delete_year(2027)
    cal = services.ctx.calendar()
    assert not cal.known(2027)
    assert cal.is_working_day(date(2027, 2, 8)) == (True, True)       # back to the guess
    assert services.calendar.days(2027) == []
    info = {y.year: y for y in services.calendar.years()}
    assert not info[2027].entered and not info[2027].complete and info[2027].source == ""
    assert len(services.calendar.days(2028)) == 1                     # another year untouched
    with services.ctx.db.read() as s:
        assert s.get(HolidayYear, 2027) is None
        assert s.scalars(select(HolidayDay).where(HolidayDay.day < date(2028, 1, 1))).first() is None
    services.calendar.delete_year(2030)                                # nothing there: no error


def test_every_write_is_audited(services) -> None:  # type: ignore[no-untyped-def]
    services.calendar.save_year(2027, spring_festival_2027(), complete=True, source=SOURCE)
    services.calendar.save_year(2028, [EnteredDay(date(2028, 1, 1), False, "元旦")], complete=False)
    services.calendar.delete_year(2028)
    rows = audit_rows(services)
    assert [(r.action, r.entity_id, r.actor) for r in rows] == [
        ("save", 2027, "测试员"), ("save", 2028, "测试员"), ("delete", 2028, "测试员")]
    assert rows[0].detail["text"] == "录入2027年节假日安排：放假9天，调休上班2天（已完整）"
    assert rows[1].detail["text"] == "录入2028年节假日安排：放假1天，调休上班0天（未完整）"
    assert rows[2].detail["text"] == "删除手工录入的2028年节假日安排"
    assert all(r.at == services.ctx.now() and r.case_id is None for r in rows)


def test_a_court_entrusted_deadline_uses_the_entered_year(org_services, clock) -> None:  # type: ignore[no-untyped-def]
    """A case's time limit is computed with the arrangement entered in the database."""
    from conftest import sample_draft

    services = org_services
    services.calendar.save_year(2027, spring_festival_2027(), complete=True, source=SOURCE)
    clock.value = clock.value.replace(year=2027, month=2, day=1)
    detail = services.cases.register(sample_draft(received_on=date(2027, 2, 1), source="court_entrusted",
                                                  simple_procedure=True))
    # 2027-02-01 + 7 days = 02-08 (Spring Festival, entered) → 02-14 Sunday → Monday 02-15.
    assert detail.simple_procedure
    assert detail.time_limit == Deadline(date(2027, 2, 15), False)
