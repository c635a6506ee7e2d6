"""Materialised deadlines (issue 15) on real SQLite and PostgreSQL: after every kind of write that
can move a deadline, the stored ``case_deadline`` rows equal what the rules compute from the case
as it now stands; entering a holiday year recomputes what it moves; the migration fills the table
of an existing database."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from conftest import make_services, sample_draft
from test_agreements import money_term
from test_reminders import _agreed_case, _mediating

from mediator_desktop import cli
from mediator_desktop.domain.terms import Instalment
from mediator_desktop.services.calendar import EnteredDay, load_calendar
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.due_dates import compute, stored
from mediator_desktop.services.followups import ConfirmationDraft
from mediator_desktop.storage.models import Case


def _key(row: dict) -> tuple:  # type: ignore[type-arg]
    return (row["case_id"], row["kind"], row["ref_id"] or 0, row["due_on"], row["provisional"], row["party"],
            row["detail"])


def assert_in_step(s) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    """The stored rows equal the computed ones, for every case; returns them."""
    with s.ctx.db.read() as session:
        ids = list(session.scalars(Case.__table__.select().with_only_columns(Case.id)))
        expected = sorted(map(_key, compute(session, ids, load_calendar(session))))
        found = sorted(map(_key, stored(session)))
    assert found == expected
    return stored_rows(s)


def stored_rows(s) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    with s.ctx.db.read() as session:
        return stored(session)


def _kinds(s, case_id: int) -> list[tuple[str, date]]:  # type: ignore[no-untyped-def]
    return sorted((r["kind"], r["due_on"]) for r in stored_rows(s) if r["case_id"] == case_id)


def test_every_write_that_moves_a_deadline_keeps_the_table_in_step(org_services) -> None:
    s = org_services                                                  # today: 2026-11-22
    # Intake, and the status changes up to mediation: a time limit appears once accepted.
    d = s.cases.register(sample_draft(received_on=date(2026, 11, 2), mediators=[MediatorAssignment(s.mediator_ids[0])]))
    assert _kinds(s, d.id) == [] and not assert_in_step(s)
    d = s.cases.transition(d.id, d.version, "accepted")
    assert _kinds(s, d.id) == [("time_limit", date(2026, 12, 2))]
    assert_in_step(s)
    d = s.cases.transition(d.id, d.version, "in_mediation")
    # An edit of the received date moves it.
    draft = s.cases.get(d.id).to_draft()
    draft.received_on = date(2026, 11, 3)
    d = s.cases.update(d.id, s.cases.get(d.id).version, draft)
    assert _kinds(s, d.id) == [("time_limit", date(2026, 12, 3))]
    assert_in_step(s)
    # An extension.
    d = s.cases.extend_time_limit(d.id, s.cases.get(d.id).version, date(2026, 12, 31), "双方签字同意",
                                  parties_agreed=True)
    assert _kinds(s, d.id) == [("time_limit", date(2026, 12, 31))]
    assert [r["detail"] for r in assert_in_step(s) if r["case_id"] == d.id] == ["延长后的调解期限"]
    # A status change that ends mediation takes the time limit away.
    d = s.cases.transition(d.id, s.cases.get(d.id).version, "terminated", reason="无法达成协议",
                           reason_kind="impossible", routes_explained=True)
    assert _kinds(s, d.id) == []
    assert_in_step(s)

    # An agreement taking effect, with instalments: the window and each unpaid instalment.
    term = money_term(amount=None, due_on=None, instalments=[
        Instalment(Decimal("5000"), date(2026, 11, 30)), Instalment(Decimal("7000"), date(2026, 12, 31))])
    agreed = _agreed_case(s, terms=[term], signed_on=date(2026, 11, 2))
    assert _kinds(s, agreed.id) == [("judicial_window", date(2026, 12, 2)), ("performance", date(2026, 11, 30)),
                                    ("performance", date(2026, 12, 31))]
    assert_in_step(s)
    # Performance: the first instalment paid.
    term_id = s.agreements.get(agreed.id).terms[0].id
    s.agreements.record_performance(term_id, date(2026, 11, 22), "partly_performed", Decimal("5000"))
    assert _kinds(s, agreed.id) == [("judicial_window", date(2026, 12, 2)), ("performance", date(2026, 12, 31))]
    assert_in_step(s)
    # A judicial filing closes the window.
    s.followups.save_confirmation(agreed.id, ConfirmationDraft(court="临翔区人民法院", filed_on=date(2026, 11, 20)))
    assert _kinds(s, agreed.id) == [("performance", date(2026, 12, 31))]
    assert_in_step(s)
    # Performed in full: nothing left.
    s.agreements.record_performance(term_id, date(2026, 11, 22), "performed", Decimal("7000"))
    assert _kinds(s, agreed.id) == []
    assert_in_step(s)
    # And what the reminders list is read from the table.
    late = _mediating(s, date(2026, 10, 1))
    assert [(r.kind, r.due) for r in s.reminders.today_list() if r.case_id == late.id] == [
        ("time_limit", date(2026, 11, 2))]


def test_import_and_update_keep_the_table_in_step(org_services, tmp_path) -> None:
    s = org_services
    _mediating(s, date(2026, 11, 2))
    _agreed_case(s, signed_on=date(2026, 11, 2))
    doc = s.exchange.export_document()
    assert_in_step(s)
    # Imported as new cases (bulk inserts, no ORM events): their rows are there too.
    import copy
    again = copy.deepcopy(doc)
    for case in again["cases"]:
        case.pop("code")
    before = len(stored_rows(s))
    result = s.exchange.import_document(again, allow_duplicates=True)
    assert len(result.created) == 2
    rows = assert_in_step(s)
    assert len(rows) == 2 * before
    new_ids = {s.cases.get_by_code(code).id for code in result.created}
    assert sorted(r["kind"] for r in rows if r["case_id"] in new_ids) == [
        "judicial_window", "performance", "time_limit"]
    # --update (through the command line): a changed received date moves the time limit.
    running = next(c for c in doc["cases"] if c["status"] == "in_mediation")
    running["received_on"] = "2026-11-04"
    path = tmp_path / "update.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    db_arg = s.ctx.db.url.render_as_string(hide_password=False)
    assert cli.main(["--db", db_arg, "import", str(path), "--update"]) == 0
    code = running["code"]
    case_id = s.cases.get_by_code(code).id
    assert _kinds(s, case_id) == [("time_limit", date(2026, 12, 4))]
    assert_in_step(s)


def test_entering_a_holiday_year_recomputes_what_it_moves(org_services, clock) -> None:
    s = org_services
    clock.value = clock.value.replace(month=12, day=21)
    d = _mediating(s, date(2026, 12, 20))             # one month → 2027-01-20, provisional
    assert [(r["due_on"], r["provisional"]) for r in stored_rows(s) if r["case_id"] == d.id] == [
        (date(2027, 1, 20), True)]
    # 2027-01-20 made a rest day, and the year complete: the limit moves to the 21st, not provisional.
    s.calendar.save_year(2027, [EnteredDay(date(2027, 1, 1), False, "元旦"), EnteredDay(date(2027, 1, 20), False, "测试")],
                         complete=True)
    assert [(r["due_on"], r["provisional"]) for r in stored_rows(s) if r["case_id"] == d.id] == [
        (date(2027, 1, 21), False)]
    assert_in_step(s)
    item = next(r for r in s.reminders.items() if r.case_id == d.id)
    assert item.due == date(2027, 1, 21) and not item.provisional
    s.calendar.delete_year(2027)
    assert [(r["due_on"], r["provisional"]) for r in stored_rows(s) if r["case_id"] == d.id] == [
        (date(2027, 1, 20), True)]
    assert_in_step(s)


def test_the_migration_fills_the_table_of_an_existing_database(sqlite_url, clock) -> None:
    s = make_services(sqlite_url, clock)
    try:
        from conftest import setup_org
        s.mediator_ids = setup_org(s)
        _mediating(s, date(2026, 10, 1))
        _agreed_case(s, signed_on=date(2026, 11, 2))
        before = sorted(map(_key, stored_rows(s)))
        assert len(before) == 3
    finally:
        s.close()
    # Back to 0006 (the table dropped), then up again: the rows come back, computed.
    from sqlalchemy import create_engine, inspect

    from mediator_desktop.storage import migrations

    engine = create_engine(sqlite_url)
    try:
        migrations.downgrade(engine, "0015_statistics_index")
        assert "case_deadline" not in inspect(engine).get_table_names()
        migrations.upgrade(engine)
    finally:
        engine.dispose()
    s = make_services(sqlite_url, clock)
    try:
        assert sorted(map(_key, stored_rows(s))) == before
        assert_in_step(s)
    finally:
        s.close()


def test_a_version_with_another_calendar_computes_the_rows_again(org_services) -> None:
    """The rows depend on the holidays built into this version: a database whose rows were
    computed by another (older chinese-calendar, other rules) has them computed again, once."""
    from sqlalchemy import select, update

    from mediator_desktop.services.due_dates import CALENDAR_KEY, ensure_current, fingerprint
    from mediator_desktop.storage.models import CaseDeadline, SchemaInfo

    s = org_services
    d = _mediating(s, date(2026, 11, 2))
    ensure_current(s.ctx.db)    # (the PostgreSQL tests empty app_meta between tests; a new file is stamped)
    with s.ctx.db.read() as session:
        assert session.scalar(select(SchemaInfo.value).where(SchemaInfo.key == CALENDAR_KEY)) == fingerprint()
    assert not ensure_current(s.ctx.db)
    with s.ctx.db.write() as session:           # as an older version left them
        session.execute(update(CaseDeadline).values(due_on=date(2026, 12, 1), provisional=True))
        session.execute(update(SchemaInfo).where(SchemaInfo.key == CALENDAR_KEY).values(value="older"))
    assert [(r.due, r.provisional) for r in s.reminders.items() if r.case_id == d.id] == [(date(2026, 12, 2), False)]
    assert_in_step(s)
    assert not ensure_current(s.ctx.db)
