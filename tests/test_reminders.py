"""Reminders on real SQLite and PostgreSQL: every kind of deadline, the colours of urgency in
working days, the provisional flag past the known years, the agenda command and the .ics file."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from conftest import sample_draft
from test_agreements import _ready_for_agreed, money_term
from test_followups import _agreed, _record

from mediator_desktop import cli
from mediator_desktop.domain.terms import Instalment
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.followups import ConfirmationDraft
from mediator_desktop.services.reminders import to_ics


def _mediating(s, received_on: date, **kw):  # type: ignore[no-untyped-def]
    d = s.cases.register(sample_draft(received_on=received_on, mediators=[MediatorAssignment(s.mediator_ids[0])], **kw))
    d = s.cases.transition(d.id, d.version, "accepted")
    return s.cases.transition(d.id, d.version, "in_mediation")


def _agreed_case(s, **kw):  # type: ignore[no-untyped-def]
    d, view = _agreed(s, **kw)
    _ready_for_agreed(s, d.id)
    s.cases.transition(d.id, s.cases.get(d.id).version, "agreed")
    return d


def test_every_kind_of_deadline_is_listed_with_its_urgency(org_services) -> None:
    s = org_services                                  # today: Sunday 2026-11-22
    late = _mediating(s, date(2026, 10, 1))           # one month → 11-01 Sunday → 11-02: overdue
    fresh = _mediating(s, date(2026, 11, 20))         # → 12-20 Sunday → 12-21
    entrusted = _mediating(s, date(2026, 11, 20), source="court_entrusted", simple_procedure=True)
    agreed = _agreed_case(s, signed_on=date(2026, 11, 2))   # window 12-02; money due 11-30
    items = s.reminders.items()
    by = {(r.kind, r.code): r for r in items}
    assert by[("time_limit", late.code)].due == date(2026, 11, 2)
    assert by[("time_limit", late.code)].urgency == "overdue" and by[("time_limit", late.code)].left == "已逾期14个工作日"
    assert by[("time_limit", fresh.code)].due == date(2026, 12, 21)
    assert by[("time_limit", fresh.code)].urgency == "later"
    # Court-entrusted, simple procedure: 7 days → 11-27 (Friday), 5 working days away.
    assert by[("time_limit", entrusted.code)].due == date(2026, 11, 27)
    assert by[("time_limit", entrusted.code)].urgency == "soon"
    assert by[("judicial_window", agreed.code)].due == date(2026, 12, 2)
    perf = by[("performance", agreed.code)]
    assert perf.due == date(2026, 11, 30) and perf.party == "李四" and "第一条" in perf.detail
    assert perf.urgency == "soon"                     # six working days
    visits = [r for r in items if r.kind == "visit" and r.code == agreed.code]
    assert len(visits) == 3                           # two parties + the due date
    assert [r.due for r in items] == sorted(r.due for r in items)
    # An agreed case has no time limit any more; the one in mediation has no window.
    assert ("time_limit", agreed.code) not in by and ("judicial_window", late.code) not in by

    today = s.reminders.today_list()
    assert {r.urgency for r in today} <= {"overdue", "urgent", "soon"}
    assert ("time_limit", fresh.code) not in {(r.kind, r.code) for r in today}
    counts = s.reminders.counts(today)
    assert counts["overdue"] == 1 and counts["soon"] >= 2


def test_a_window_leaves_the_list_once_filed_and_a_visit_once_made(org_services) -> None:
    s = org_services
    agreed = _agreed_case(s, signed_on=date(2026, 11, 2))
    s.followups.save_confirmation(agreed.id, ConfirmationDraft(court="某某县人民法院", filed_on=date(2026, 11, 20)))
    kinds = [r.kind for r in s.reminders.items() if r.code == agreed.code]
    assert "judicial_window" not in kinds
    visit = next(v for v in s.followups.visits(agreed.id) if v.kind == "performance")
    _record(s, visit)
    left = [r for r in s.reminders.items() if r.code == agreed.code]
    assert all(r.ref_id != visit.id for r in left if r.kind == "visit")
    assert not [r for r in left if r.kind == "performance"]   # performed: nothing more is due


def test_unpaid_instalments_each_remind_and_a_payment_clears_the_first(org_services) -> None:
    s = org_services
    term = money_term(amount=None, due_on=None, instalments=[
        Instalment(Decimal("5000"), date(2026, 11, 30)), Instalment(Decimal("7000"), date(2026, 12, 31))])
    agreed = _agreed_case(s, terms=[term])
    dues = [r.due for r in s.reminders.items() if r.kind == "performance"]
    assert dues == [date(2026, 11, 30), date(2026, 12, 31)]
    term_id = s.agreements.get(agreed.id).terms[0].id
    s.agreements.record_performance(term_id, date(2026, 11, 22), "partly_performed", Decimal("5000"))
    assert [r.due for r in s.reminders.items() if r.kind == "performance"] == [date(2026, 12, 31)]


def test_dates_past_the_known_years_are_provisional_everywhere(org_services, clock) -> None:
    s = org_services
    clock.value = clock.value.replace(month=12, day=21)
    d = _mediating(s, date(2026, 12, 20))             # one month → 2027-01-20, a year not published
    item = next(r for r in s.reminders.items() if r.code == d.code)
    assert item.due == date(2027, 1, 20) and item.provisional and item.due_text.endswith("（暂定）")
    assert s.cases.get(d.id).time_limit.provisional
    # Once the office enters 2027 as complete, the flag goes.
    from mediator_desktop.services.calendar import EnteredDay

    s.calendar.save_year(2027, [EnteredDay(date(2027, 1, 1), False, "元旦")], complete=True)
    item = next(r for r in s.reminders.items() if r.code == d.code)
    assert not item.provisional


def test_the_range_filters_and_the_ics_file_carries_every_item(org_services, clock) -> None:
    s = org_services
    clock.value = clock.value.replace(month=12, day=16)
    _agreed_case(s, signed_on=date(2026, 12, 15),      # satisfaction visits on 2027-01-15 (provisional)
                 terms=[money_term(due_on=date(2027, 1, 29))])
    items = s.reminders.items(date(2027, 1, 1), date(2027, 1, 31))
    assert items and all(date(2027, 1, 1) <= r.due <= date(2027, 1, 31) for r in items)
    from icalendar import Calendar

    cal = Calendar.from_ical(to_ics(items, "龙门街道人民调解委员会"))
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(items)
    summaries = [str(e["summary"]) for e in events]
    assert any("回访 · 张三" in x and "（暂定）" in x for x in summaries)
    assert {e.decoded("dtstart") for e in events} == {r.due for r in items}
    assert len({str(e["uid"]) for e in events}) == len(events)
    assert "调解日程" in str(cal["x-wr-calname"])


def test_agenda_command_lists_json_text_and_writes_ics(org_services, db_url, tmp_path, capsys) -> None:
    s = org_services
    agreed = _agreed_case(s, signed_on=date(2026, 11, 2))
    out = tmp_path / "日程.ics"
    rc = cli.main(["agenda", "--db", db_url, "--from", "2026-11-01", "--to", "2026-12-31", "--json",
                   "--ics", str(out)])
    assert rc == 0
    rows = json.loads(capsys.readouterr().out)
    kinds = {r["kind"] for r in rows}
    assert {"judicial_window", "performance", "visit"} <= kinds
    assert all(set(r) >= {"kind", "case_code", "party", "due", "provisional"} for r in rows)
    assert any(r["case_code"] == agreed.code and r["party"] == "李四" for r in rows)
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert cli.main(["agenda", "--db", db_url, "--to", "2026-12-31"]) == 0
    text = capsys.readouterr().out
    assert "司法确认申请期限" in text and agreed.code in text
    with pytest.raises(SystemExit) as exit_:
        cli.main(["agenda", "--db", db_url, "--from", "2026-13-01"])
    assert exit_.value.code == cli.EXIT_USAGE
    assert "格式不对" in capsys.readouterr().err
