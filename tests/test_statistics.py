"""The statistics table (STATISTICS.md §1) on real SQLite and PostgreSQL: a hand-built set of cases
whose every figure is known, the cases behind a figure, the per-organisation columns, the
monthly trend, and the prevention figures recorded on a case."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from mediator_desktop.services.errors import ValidationError
from mediator_desktop.services.prevention import PreventionDraft
from mediator_desktop.services.statistics import Period, rate
from mediator_desktop.storage import models as orm

Q3 = Period.quarter(2026, 3)


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 10, 0)


class Book:
    """Builds cases row by row (what the forms and the import would have stored)."""

    def __init__(self, s: Any, org_a: int, org_b: int, mediators: list[int]) -> None:
        self.s, self.orgs, self.m = s, {"A": org_a, "B": org_b}, mediators
        self.types = {t.name: t.id for t in s.scalars(select(orm.DisputeType))}
        self.n = 0

    def case(self, org: str, received: date, status: str, type_name: str = "邻里纠纷",
             source: str = "party_application", *, mediator: int | None = None, parties: int = 0,
             **kw: Any) -> orm.Case:
        self.n += 1
        c = orm.Case(organization_id=self.orgs[org], code=f"T-{self.n}", code_year=2026, code_n=self.n,
                     received_on=received, source=source, dispute_type_id=self.types[type_name], status=status,
                     created_at=_at(received), updated_at=_at(received), **kw)
        for i in range(parties):
            c.parties.append(orm.CaseParty(position=i, role="applicant", kind="organization" if i else "person",
                                           name=f"当事人{self.n}-{i}"))
        if mediator is not None:
            c.mediators.append(orm.CaseMediator(mediator_id=self.m[mediator], position=0))
        self.s.add(c)
        self.s.flush()
        return c

    def agreement(self, c: orm.Case, form: str, signed: date, *terms: tuple[str, str, date | None]) -> None:
        a = orm.Agreement(form=form, signed_on=signed)
        for i, (amount, status, due) in enumerate(terms):
            a.terms.append(orm.AgreementTerm(position=i, text=f"第{i + 1}条", amount=Decimal(amount),
                                             status=status, due_on=due))
        a.terms.append(orm.AgreementTerm(position=len(terms), text="双方再无其他争议", kind="statement"))
        c.agreement = a

    def change(self, c: orm.Case, to: str, on: date) -> None:
        self.s.add(orm.StatusChange(case_id=c.id, at=_at(on), actor="t", from_status="registered", to_status=to))


@pytest.fixture
def book(org_services):  # type: ignore[no-untyped-def]
    return build_book(org_services)


def build_book(s):  # type: ignore[no-untyped-def]
    """The cases of the third quarter of 2026 (comments: what each counts for in Q3), in the
    services ``s`` set up with the organisation and two mediators (``s.mediator_ids``)."""
    ids: dict[str, int] = {}
    with s.db.write() as ses:
        org_a = ses.scalar(select(orm.Organization.id))
        b_org = orm.Organization(name="幸福村人民调解委员会", short_name="幸福", code_pattern="（{year}）幸调字第{n}号")
        ses.add(b_org)
        ses.flush()
        b = Book(ses, org_a, b_org.id, s.mediator_ids)
        # 1: accepted, written success 07-20 (15 days), 15,000.50 performed, 2 parties, 司法确认 filed
        # and confirmed, two visits (one on time, one late), prevention 刑事 3人, 销号 09-20.
        c1 = b.case("A", date(2026, 7, 5), "closed", mediator=0, parties=2)
        b.agreement(c1, "written", date(2026, 7, 20), ("12000.00", "performed", date(2026, 8, 1)),
                    ("3000.50", "performed", date(2026, 8, 1)))
        c1.judicial_confirmation = orm.JudicialConfirmation(filed_on=date(2026, 7, 25), result="confirmed",
                                                            ruled_on=date(2026, 8, 10))
        c1.follow_ups.extend([
            orm.FollowUp(position=0, due_on=date(2026, 8, 20), done_on=date(2026, 8, 18), satisfaction="satisfied"),
            orm.FollowUp(position=1, due_on=date(2026, 9, 10), done_on=date(2026, 9, 15),
                         satisfaction="basically_satisfied")])
        c1.preventions.append(orm.CasePrevention(kind="criminal", persons=3))
        c1.ledger_events.append(orm.LedgerEvent(action="cross_off", on=date(2026, 9, 20), at=_at(date(2026, 9, 20))))
        # 2: a child type (拖欠农民工工资) from the grid, oral success 08-01 (22 days), 5,000 not due
        # till December; a visit due 09-01 not made.
        c2 = b.case("A", date(2026, 7, 10), "closed", "拖欠农民工工资纠纷", "grid_reported", mediator=1)
        b.agreement(c2, "oral", date(2026, 8, 1), ("5000", "pending", date(2026, 12, 1)))
        c2.follow_ups.append(orm.FollowUp(position=0, due_on=date(2026, 9, 1)))
        # 3: committee initiative, terminated 08-30 (28 days, 无法达成), prevention 自杀 1人, 销号 by
        # date only (an imported ledger: no events).
        c3 = b.case("A", date(2026, 8, 2), "terminated", source="committee_initiative", mediator=0,
                    ledger_closed_on=date(2026, 9, 5))
        c3.termination = orm.Termination(on=date(2026, 8, 30), reason="分歧过大", reason_kind="impossible")
        c3.preventions.append(orm.CasePrevention(kind="suicide", persons=1))
        # 4, 5: 不予受理 and 一方拒绝: counted apart, never accepted, never in the rate.
        c4 = b.case("A", date(2026, 8, 3), "not_accepted", "合同纠纷")
        b.change(c4, "not_accepted", date(2026, 8, 4))
        c5 = b.case("A", date(2026, 8, 5), "refused", "合同纠纷")
        b.change(c5, "refused", date(2026, 8, 6))
        # 6: received in June (not accepted in Q3) but succeeded 07-02 (12 days): 1,000 not performed;
        # its 司法确认 was filed in June and rejected in July; 销号 then 再挂号 in Q3.
        c6 = b.case("A", date(2026, 6, 20), "agreed", mediator=1)
        b.agreement(c6, "written", date(2026, 7, 2), ("1000", "not_performed", date(2026, 7, 30)))
        c6.judicial_confirmation = orm.JudicialConfirmation(filed_on=date(2026, 6, 30), result="rejected",
                                                            ruled_on=date(2026, 7, 15))
        c6.ledger_events.extend([
            orm.LedgerEvent(action="cross_off", on=date(2026, 7, 25), at=_at(date(2026, 7, 25))),
            orm.LedgerEvent(action="reopen", on=date(2026, 8, 15), at=_at(date(2026, 8, 15)))])
        # 7: still in mediation; 8: only registered (not accepted).
        c7 = b.case("A", date(2026, 9, 25), "in_mediation")
        c8 = b.case("A", date(2026, 9, 28), "registered")
        # 9 (B): accepted in Q3, success only in October; 1 party; prevention 刑事 2人.
        c9 = b.case("B", date(2026, 7, 15), "agreed", parties=1)
        b.agreement(c9, "written", date(2026, 10, 5), ("800", "pending", date(2026, 11, 1)))
        c9.preventions.append(orm.CasePrevention(kind="criminal", persons=2))
        # 10 (B): 旅游消费, archived after a termination without a recorded reason (09-01).
        c10 = b.case("B", date(2026, 8, 15), "closed", "旅游消费纠纷")
        c10.termination = orm.Termination(on=date(2026, 9, 1), reason="撤回")
        # 11: archived with no agreement, termination or history: outcome unknown, still accepted.
        c11 = b.case("A", date(2026, 7, 7), "closed")
        # Screening: one round in Q3 (two items: one prevented, one became case 7), one in October.
        r = orm.ScreeningRound(organization_id=org_a, held_on=date(2026, 8, 10), area="幸福村3组", screeners="王芳",
                               created_at=_at(date(2026, 8, 10)))
        r.items.extend([orm.ScreeningItem(position=0, parties="张某等三户", outcome="prevented",
                                          outcome_on=date(2026, 8, 11)),
                        orm.ScreeningItem(position=1, parties="李某", outcome="case", case_id=c7.id)])
        ses.add(r)
        ses.add(orm.ScreeningRound(organization_id=org_a, held_on=date(2026, 10, 1), created_at=_at(date(2026, 10, 1))))
        ses.flush()
        for i, c in enumerate((c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11), start=1):
            ids[str(i)] = c.id
        ids["A"], ids["B"] = org_a, b_org.id
        ids["labour"] = b.types["劳动争议纠纷"]
        ids["wages"] = b.types["拖欠农民工工资纠纷"]
        ids["consumer"] = b.types["消费纠纷"]
        ids["travel"] = b.types["旅游消费纠纷"]
        ids["neighbour"] = b.types["邻里纠纷"]
        ids["contract"] = b.types["合同纠纷"]
        ids["round"] = r.id
    s.ids = ids
    return s


def test_every_figure_of_the_quarter(book) -> None:
    s, ids, m = book, book.ids, book.mediator_ids
    r = s.statistics.report(Q3)
    assert [sc.name for sc in r.scopes] == ["龙门街道人民调解委员会", "幸福村人民调解委员会", "合计"]
    expected = {
        "accepted.total": 7,
        f"accepted.by_type.{ids['neighbour']}": 5, f"accepted.by_type.{ids['labour']}": 1,
        f"accepted.by_type.{ids['wages']}": 1, f"accepted.by_type.{ids['consumer']}": 1,
        f"accepted.by_type.{ids['travel']}": 1, f"accepted.by_type.{ids['contract']}": 0,
        "accepted.by_source.party_application": 5, "accepted.by_source.grid_reported": 1,
        "accepted.by_source.committee_initiative": 1, "accepted.by_source.court_delegated": 0,
        "persons": 3,
        "success.total": 3, "success.written": 2, "success.oral": 1, "success.form_unknown": 0,
        "failed.total": 2, "failed.by_reason.impossible": 1, "failed.by_reason.unknown": 1,
        "failed.by_reason.refused": 0, "concluded": 5, "success.rate": 60.0,
        "not_accepted": 1, "one_party_refused": 1,
        "amount.yuan": 21000.5, "amount.wan": 2.1,
        "judicial.applied": 1, "judicial.confirmed": 1, "judicial.rejected": 1,
        "performance.performed": 1, "performance.partly_performed": 0, "performance.not_performed": 1,
        "performance.not_due": 1,
        "visits.due": 3, "visits.on_time": 1, "visits.done": 2, "visits.on_time_rate": 33.3,
        "visits.satisfaction.satisfied": 1, "visits.satisfaction.basically_satisfied": 1,
        "visits.satisfaction.dissatisfied": 0,
        "prevention.criminal.cases": 2, "prevention.criminal.persons": 5,
        "prevention.suicide.cases": 1, "prevention.suicide.persons": 1,
        "prevention.group_fight.cases": 0,
        "screening.rounds": 1, "screening.found": 2, "screening.prevented": 1,
        f"per_mediator.{m[0]}.cases": 2, f"per_mediator.{m[0]}.successful": 1, f"per_mediator.{m[0]}.avg_days": 21.5,
        f"per_mediator.{m[1]}.cases": 1, f"per_mediator.{m[1]}.successful": 2, f"per_mediator.{m[1]}.avg_days": 17,
        "ledger.new": 10, "ledger.reopened": 1, "ledger.crossed_off": 3, "ledger.on_register": 9,
        "data.outcome_unknown": 1, "data.outcome_undated": 0,
    }
    got = {k: r.value(k) for k in expected}
    assert got == expected
    # The neighbour row is accepted cases 1, 3, 7 and 11 of A; case 9 (B) makes the fifth.
    assert r.value(f"accepted.by_type.{ids['neighbour']}", ids["A"]) == 4
    assert r.value("accepted.total", ids["A"]) == 5 and r.value("accepted.total", ids["B"]) == 2
    assert r.value("success.rate", ids["A"]) == 75.0 and r.value("success.rate", ids["B"]) == 0.0
    assert r.figure(f"accepted.by_type.{ids['wages']}").level == 2
    assert r.notes and "data.outcome_unknown" in r.notes[0]


def test_the_cases_behind_each_figure(book) -> None:
    s, ids = book, book.ids

    def cases(key: str, org: int | None = None) -> list[int]:
        m = s.statistics.members(key, Q3, org)
        assert m.kind == "case"
        return list(m.ids)

    def want(*names: str) -> list[int]:
        return sorted(ids[n] for n in names)

    assert cases("accepted.total") == want("1", "2", "3", "7", "9", "10", "11")
    assert cases("accepted.total", ids["B"]) == want("9", "10")
    assert cases(f"accepted.by_type.{ids['labour']}") == want("2")
    assert cases("success.written") == want("1", "6")
    assert cases("success.rate") == want("1", "2", "3", "6", "10")
    assert cases("failed.by_reason.unknown") == want("10")
    assert cases("not_accepted") == want("4") and cases("one_party_refused") == want("5")
    assert cases("amount.yuan") == want("1", "2", "6")
    assert cases("performance.not_due") == want("2")
    assert cases("visits.due") == want("1", "2")
    assert cases("prevention.criminal.persons") == want("1", "9")
    assert cases("ledger.on_register") == want("2", "4", "5", "6", "7", "8", "9", "10", "11")
    assert cases("ledger.crossed_off") == want("1", "3", "6")
    assert cases(f"per_mediator.{s.mediator_ids[0]}.avg_days") == want("1", "3")
    rounds = s.statistics.members("screening.rounds", Q3)
    assert rounds.kind == "round" and rounds.ids == (ids["round"],)
    items = s.statistics.members("screening.found", Q3)
    assert items.kind == "item" and len(items.ids) == 2
    assert s.statistics.screening_rows("round", rounds.ids)[0][1:] == ("幸福村3组", "王芳", "2")
    rows = s.statistics.case_rows(cases("accepted.total", ids["B"]))
    assert [r.code for r in rows] == ["T-9", "T-10"] and rows[1].dispute_type == "旅游消费纠纷"


def test_one_organisation_is_one_column_and_periods_count_by_their_dates(book) -> None:
    s, ids = book, book.ids
    r = s.statistics.report(Q3, [ids["B"]])
    assert [sc.name for sc in r.scopes] == ["幸福村人民调解委员会"]
    assert r.value("accepted.total", r.total_scope) == 2 and r.committee == "幸福村人民调解委员会"
    october = s.statistics.report(Period.month(2026, 10))
    total = october.total_scope  # (the total column is keyed None when there are several)
    assert total is None
    assert october.value("success.total", total) == 1 and october.value("accepted.total", total) == 0
    assert october.value("screening.rounds", total) == 1
    assert october.value("success.rate", total) == 100.0
    # Nothing concluded: no rate at all rather than 0 %.
    assert s.statistics.report(Period.month(2026, 11)).value("success.rate", total) is None
    data = r.as_dict()
    assert data["figures"]["accepted.total"] == 2 and data["period"]["from"] == "2026-07-01"


def test_periods() -> None:
    assert Period.quarter(2026, 4).end == date(2026, 12, 31) and Period.quarter(2026, 1).text == "2026年第一季度"
    assert Period.month(2028, 2).end == date(2028, 2, 29)
    assert Period.year(2026).months()[-1] == (2026, 12) and len(Period.year(2026).months()) == 12
    with pytest.raises(ValidationError) as e:
        Period.between(date(2026, 5, 1), date(2026, 4, 1))
    assert e.value.problems[0].field == "end" and "结束日期" in str(e.value)
    assert rate(2, 3) == 66.7 and rate(1, 0) is None


def test_monthly_trend(book) -> None:
    t = book.statistics.trend(Q3)
    assert [(m.year, m.month) for m in t.months] == [(2026, 7), (2026, 8), (2026, 9)]
    july, august, september = t.months
    assert july.by_type == {"邻里纠纷": 3, "劳动争议纠纷": 1}
    assert august.by_type == {"邻里纠纷": 1, "消费纠纷": 1}
    assert (july.success, july.concluded, july.rate) == (2, 2, 100.0)
    assert (august.success, august.concluded) == (1, 2)
    assert (september.visits_due, september.visits_done) == (2, 0)
    assert t.types[0] == "婚姻家庭纠纷" and "拖欠农民工工资纠纷" not in t.types


def test_prevention_figures_recorded_on_a_case(book) -> None:
    s, ids = book, book.ids
    case_id = ids["7"]
    assert s.prevention.get(case_id) == []
    with pytest.raises(ValidationError) as e:
        s.prevention.save(case_id, [PreventionDraft("group_fight", 0)])
    assert e.value.problems[0].field == "group_fight" and "人数" in str(e.value)
    s.prevention.save(case_id, [PreventionDraft("group_fight", 12, "两村争水"), PreventionDraft("suicide", 1)])
    got = s.prevention.get(case_id)
    assert [(p.kind, p.persons, p.note) for p in got] == [("suicide", 1, ""), ("group_fight", 12, "两村争水")]
    r = s.statistics.report(Q3)
    assert r.value("prevention.group_fight.persons", r.total_scope) == 12
    s.prevention.save(case_id, [PreventionDraft("suicide", 2)])
    assert [(p.kind, p.persons) for p in s.prevention.get(case_id)] == [("suicide", 2)]
    with s.db.read() as ses:
        texts = [a.detail.get("text", "") for a in ses.scalars(
            select(orm.AuditEntry).where(orm.AuditEntry.case_id == case_id, orm.AuditEntry.entity == "prevention"))]
    assert len(texts) == 2 and "防止群体性械斗12人" in texts[0]


def test_a_single_committee_counts_rows_entered_without_an_organisation(org_services) -> None:
    s = org_services
    with s.db.write() as ses:
        ses.add(orm.ScreeningRound(organization_id=None, held_on=date(2026, 8, 1), area="二组", nil_report=True,
                                   created_at=_at(date(2026, 8, 1))))
    r = s.statistics.report(Q3)
    assert len(r.scopes) == 1 and r.total_scope is not None
    assert r.value("screening.rounds", r.total_scope) == 1
    assert len(s.statistics.members("screening.rounds", Q3).ids) == 1


def test_the_ledger_and_the_screening_window_show_the_tables_own_figures(book) -> None:
    """One copy of each fact: the exported ledger's period line and the 排查记录 window read the
    statistics table's rows, so their numbers are the table's."""
    r = book.statistics.report(Q3)
    ledger = book.ledger.figures(Q3.start, Q3.end)
    assert (ledger.new, ledger.reopened, ledger.crossed_off, ledger.on_books) == tuple(
        r.value(k) for k in ("ledger.new", "ledger.reopened", "ledger.crossed_off", "ledger.on_register"))
    screening = book.screening.figures(Q3.start, Q3.end)
    assert (screening.rounds, screening.found, screening.prevented) == tuple(
        r.value(k) for k in ("screening.rounds", "screening.found", "screening.prevented"))
    assert screening.rounds > 0 and ledger.crossed_off > 0


def test_an_imported_status_is_dated_by_intake_not_by_the_import(org_services) -> None:
    """不予受理/一方拒绝 (and a success without its agreement) that came with an import carry the
    import's moment on their StatusChange (no from_status, reason 导入): they count by 受理日期, as
    data.outcome_undated, and not in the month of the import; a decision made in the app keeps its day."""
    s = org_services
    with s.db.write() as ses:
        org = ses.scalar(select(orm.Organization.id))
        b = Book(ses, org, org, s.mediator_ids)
        imported = [b.case("A", date(2025, 3, 10), st) for st in ("not_accepted", "refused", "agreed")]
        for c in imported:
            ses.add(orm.StatusChange(case_id=c.id, at=_at(date(2026, 12, 1)), actor="t", from_status=None,
                                     to_status=c.status, reason="导入"))
        decided = b.case("A", date(2025, 3, 12), "not_accepted")
        b.change(decided, "not_accepted", date(2025, 4, 2))
        ids = [c.id for c in imported]
    def figures(period: Period, *keys: str) -> tuple[Any, ...]:
        r = s.statistics.report(period)
        return tuple(r.value(k, r.total_scope) for k in keys)

    outcomes = ("not_accepted", "one_party_refused", "success.total")
    assert figures(Period.month(2026, 12), *outcomes) == (0, 0, 0)
    assert figures(Period.month(2025, 3), *outcomes, "data.outcome_undated") == (1, 1, 1, 3)
    march = s.statistics.report(Period.month(2025, 3))
    assert s.statistics.members("data.outcome_undated", Period.month(2025, 3)).ids == tuple(sorted(ids))
    assert any("data.outcome_undated" in n and "受理日期" in n for n in march.notes)
    assert figures(Period.month(2025, 4), "not_accepted") == (1,)


def test_visits_due_made_and_on_time_on_one_basis(org_services, clock) -> None:
    """应回访 = due in the period by today (a visit not yet due is not owed); 已回访 and 按期回访
    are of those same visits, so 按期 ≤ 已回访 ≤ 应回访 and the rate is 按期/应回访."""
    s = org_services
    with s.db.write() as ses:
        org = ses.scalar(select(orm.Organization.id))
        c = Book(ses, org, org, s.mediator_ids).case("A", date(2026, 9, 1), "agreed")
        c.follow_ups.extend([
            # due in Q3, made in Q4: counts in Q3 (its due period), not in Q4's 已回访
            orm.FollowUp(position=0, due_on=date(2026, 9, 28), done_on=date(2026, 10, 2), satisfaction="satisfied"),
            orm.FollowUp(position=1, due_on=date(2026, 10, 5), done_on=date(2026, 10, 5)),  # on time
            orm.FollowUp(position=2, due_on=date(2026, 10, 20), done_on=date(2026, 11, 1)),  # late
            orm.FollowUp(position=3, due_on=date(2026, 11, 10)),  # due, not made
            orm.FollowUp(position=4, due_on=date(2026, 12, 1)),  # not yet due (today is 11-22)
        ])
    assert clock.value.date() == date(2026, 11, 22)
    r = s.statistics.report(Period.quarter(2026, 4))
    got = {k: r.value(k, r.total_scope) for k in ("visits.due", "visits.done", "visits.on_time", "visits.on_time_rate")}
    assert got == {"visits.due": 3, "visits.done": 2, "visits.on_time": 1, "visits.on_time_rate": 33.3}
    assert "截至今日" in r.figure("visits.due").label
    q3 = s.statistics.report(Period.quarter(2026, 3))
    assert (q3.value("visits.due", q3.total_scope), q3.value("visits.done", q3.total_scope),
            q3.value("visits.on_time", q3.total_scope)) == (1, 1, 0)
    november = next(m for m in s.statistics.trend(Period.quarter(2026, 4)).months if m.month == 11)
    december = next(m for m in s.statistics.trend(Period.quarter(2026, 4)).months if m.month == 12)
    assert (november.visits_due, december.visits_due) == (1, 0)


def test_mediators_in_pinyin_order_and_the_notes_explain_the_counts(book) -> None:
    """Per mediator: in the order of the names' pinyin (王芳 wang before 杨志强 yang, though 杨 sorts
    first by code point), a case with two mediators counted for each (the notes say so); and the
    notes say why the ledger's 本期新增 exceeds 受理."""
    s, m = book, book.mediator_ids
    with s.db.write() as ses:
        c = ses.get(orm.Case, s.ids["7"])
        c.mediators.extend([orm.CaseMediator(mediator_id=m[0], position=0), orm.CaseMediator(mediator_id=m[1], position=1)])
    r = s.statistics.report(Q3)
    order = [f.key for f in r.figures if f.key.startswith("per_mediator.") and f.key.endswith(".cases")]
    assert order == [f"per_mediator.{m[1]}.cases", f"per_mediator.{m[0]}.cases"]
    assert (r.value(f"per_mediator.{m[0]}.cases", r.total_scope), r.value(f"per_mediator.{m[1]}.cases", r.total_scope)) \
        == (3, 2)
    assert any("多名调解员" in n and "各计一次" in n for n in r.notes)
    assert any("台账" in n and "不予受理" in n and "受理调解纠纷数" in n for n in r.notes)
    assert r.value("ledger.new", r.total_scope) > r.value("accepted.total", r.total_scope)
