"""Follow-up visits (回访) and judicial-confirmation tracking on real SQLite and PostgreSQL:
planning when the agreement takes effect, re-planning, rescheduling with history, a party not
reached, recording a visit and the next step it offers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from conftest import sample_draft
from test_agreements import _draft, _ready_for_agreed, money_term, statement_term

from mediator_desktop.domain.enums import NextStep
from mediator_desktop.domain.terms import Instalment
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.errors import TransitionError, ValidationError
from mediator_desktop.services.followups import ConfirmationDraft, VisitDraft


def _agreed(s, terms=None, signed_on=date(2026, 11, 21), **kw):  # type: ignore[no-untyped-def]
    d = s.cases.register(sample_draft(received_on=min(signed_on, date(2026, 11, 20)),
                                      mediators=[MediatorAssignment(s.mediator_ids[0])]))
    d = s.cases.transition(d.id, d.version, "accepted")
    d = s.cases.transition(d.id, d.version, "in_mediation")
    view = s.agreements.save(d.id, _draft(s, d.id, terms or [money_term(), statement_term()],
                                          signed_on=signed_on, **kw))
    return d, view


def _problems(err: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.field: p.message for p in err.value.problems}


def test_an_agreement_taking_effect_plans_one_visit_per_party_and_one_per_due_date(org_services) -> None:
    s = org_services
    d, _ = _agreed(s)
    visits = s.followups.visits(d.id)
    satisfaction = [v for v in visits if v.kind == "satisfaction"]
    assert sorted(v.party_name for v in satisfaction) == ["张三", "李四"]
    # Effective 2026-11-21 → one month is 2026-12-21, a Monday and a working day.
    assert {v.due.due for v in satisfaction} == {date(2026, 12, 21)}
    performance = [v for v in visits if v.kind == "performance"]
    # The money is owed to 张三 (party 0) by 2026-11-30: the visit goes to the party owed.
    assert [(v.party_name, v.due.due) for v in performance] == [("张三", date(2026, 11, 30))]
    assert "第一条" in performance[0].reason and "李四" in performance[0].reason
    assert all(v.auto and not v.done for v in visits)
    assert visits[0].events[0].action == "planned"
    history = [h.text for h in s.cases.get(d.id).history]
    assert any("安排回访3次" in h for h in history)


def test_a_satisfaction_visit_stays_within_the_month_on_a_working_day(org_services) -> None:
    s = org_services
    d, _ = _agreed(s, terms=[statement_term()], signed_on=date(2026, 9, 5))
    # 2026-10-05 is National Day: the last working day before it is 2026-09-30.
    assert {v.due.due for v in s.followups.visits(d.id)} == {date(2026, 9, 30)}
    s.ctx.follow_up_months = 2
    d2, _ = _agreed(s, terms=[statement_term()], signed_on=date(2026, 9, 5))
    assert {v.due.due for v in s.followups.visits(d2.id)} == {date(2026, 11, 5)}


def test_instalments_each_get_a_visit_and_a_correction_replans_untouched_visits(org_services) -> None:
    s = org_services
    term = money_term(amount=None, due_on=None, instalments=[
        Instalment(Decimal("5000"), date(2026, 11, 30)), Instalment(Decimal("7000"), date(2026, 12, 31))])
    d, view = _agreed(s, terms=[term])
    perf = sorted(v.due.due for v in s.followups.visits(d.id) if v.kind == "performance")
    assert perf == [date(2026, 11, 30), date(2026, 12, 31)]
    # Move one visit by hand; then correct the effective date: the moved one stays, the others follow.
    sat = next(v for v in s.followups.visits(d.id) if v.kind == "satisfaction" and v.party == 0)
    moved = s.followups.reschedule(sat.id, date(2026, 12, 15), "当事人外出")
    assert not moved.auto and moved.events[-1].action == "rescheduled"
    assert "当事人外出" in moved.events[-1].text
    draft = view.to_draft()
    draft.signed_on = date(2026, 11, 20)
    s.agreements.save(d.id, draft)
    visits = {(v.kind, v.party): v for v in s.followups.visits(d.id) if v.kind == "satisfaction"}
    assert visits[("satisfaction", 0)].due.due == date(2026, 12, 15)
    assert visits[("satisfaction", 1)].due.due == date(2026, 12, 18)   # 12-20 is a Sunday
    assert visits[("satisfaction", 1)].events[-1].action == "replanned"
    # Deleting the agreement cancels what has not happened yet and was not set by hand.
    agreement = s.agreements.get(d.id)
    s.agreements.delete(d.id, agreement.version)
    left = s.followups.visits(d.id)
    assert [(v.kind, v.party) for v in left] == [("satisfaction", 0)]


def test_not_reached_and_reschedule_keep_history_and_refuse_bad_dates(org_services, clock) -> None:
    s = org_services
    d, _ = _agreed(s)
    visit = next(v for v in s.followups.visits(d.id) if v.kind == "satisfaction")
    with pytest.raises(ValidationError) as err:
        s.followups.reschedule(visit.id, date(2026, 1, 1))
    assert "不能早于今天" in _problems(err)["new_due"]
    with pytest.raises(ValidationError) as err:
        s.followups.not_reached(visit.id, date(2026, 11, 22), None, "phone")
    assert "retry_on" in _problems(err)
    after = s.followups.not_reached(visit.id, date(2026, 11, 22), date(2026, 11, 25), "phone", "电话无人接听")
    assert after.due.due == date(2026, 11, 25) and after.attempts == 1
    assert "电话未联系上" in after.events[-1].text and "电话无人接听" in after.events[-1].text
    assert any("另约2026年11月25日再回访" in h.text for h in s.cases.get(d.id).history)


def _record(s, visit, **kw):  # type: ignore[no-untyped-def]
    values = dict(done_on=date(2026, 11, 22), method="phone", satisfaction="满意", visitor="杨志强",
                  term_statuses={t.term_id: "performed" for t in visit.terms})
    values.update(kw)
    return s.followups.record(visit.id, VisitDraft(**values))


def test_recording_a_visit_updates_performance_and_offers_the_next_step(org_services, clock) -> None:
    s = org_services
    d, _ = _agreed(s)
    _ready_for_agreed(s, d.id)
    case = s.cases.get(d.id)
    s.cases.transition(d.id, case.version, "agreed")
    visit = next(v for v in s.followups.visits(d.id) if v.kind == "performance")
    assert [t.label for t in visit.terms] == ["第一条"]   # the statement owes nothing
    with pytest.raises(ValidationError) as err:
        s.followups.record(visit.id, VisitDraft(done_on=date(2026, 11, 23)))
    problems = _problems(err)
    assert "晚于今天" in problems["done_on"] and "回访方式" in problems["method"]
    assert "第一" in problems["terms"] and "visitor" in problems and "satisfaction" in problems

    outcome = _record(s, visit, term_statuses={visit.terms[0].term_id: "not_performed"},
                      new_risk=True, risk_note="双方又因停车发生争吵", measures="电话提醒李四")
    steps = [o.step for o in outcome.offers]
    assert steps[0] == NextStep.RAISE_RISK
    assert NextStep.URGE in steps and NextStep.JUDICIAL in steps and NextStep.LAWSUIT in steps
    assert outcome.visit.done and outcome.visit.terms[0].found == "not_performed"
    assert s.agreements.get(d.id).terms[0].status == "not_performed"
    assert outcome.visit.satisfaction == "满意"

    urged = s.followups.follow(visit.id, "urge", next_on=date(2026, 11, 27))
    assert "督促义务人按协议履行" in urged.measures
    again = [v for v in s.followups.visits(d.id) if v.kind == "urge"]
    assert [v.due.due for v in again] == [date(2026, 11, 27)]
    with pytest.raises(ValidationError):     # raising says who was told, and when (Law 25)
        s.followups.raise_risk(d.id, "orange", "双方又起争执")
    assert s.followups.raise_risk(d.id, "orange", "双方又起争执", reported_to="村委会",
                                  reported_at=datetime(2026, 11, 22, 9, 0)) == "orange"
    with pytest.raises(ValidationError):
        s.followups.raise_risk(d.id, "yellow")
    assert s.cases.get(d.id).risk_level == "orange"

    # Performed at the next visit → the case may be closed.
    outcome = _record(s, again[0])
    assert [o.step for o in outcome.offers] == [NextStep.CLOSE]
    assert s.agreements.get(d.id).terms[0].status == "performed"
    with pytest.raises(TransitionError):
        s.followups.reschedule(again[0].id, date(2026, 12, 1))


def test_an_office_scale_of_its_own_is_kept_as_typed(org_services, clock) -> None:
    s = org_services
    s.ctx.satisfaction_scale = ("非常满意", "满意", "不满意")
    d, _ = _agreed(s, terms=[statement_term()])
    visit = s.followups.visits(d.id)[0]
    outcome = _record(s, visit, satisfaction="非常满意")
    assert outcome.visit.satisfaction == "非常满意"
    assert [o.step for o in outcome.offers] == [NextStep.CLOSE]
    with pytest.raises(ValidationError):
        _record(s, s.followups.visits(d.id)[0], satisfaction="一般")


def test_judicial_confirmation_window_and_tracking(org_services, clock) -> None:
    s = org_services
    d, _ = _agreed(s, signed_on=date(2026, 11, 2))
    view = s.followups.confirmation(d.id)
    assert view.window.due == date(2026, 12, 2) and view.window_open(date(2026, 11, 22))
    with pytest.raises(ValidationError) as err:
        s.followups.save_confirmation(d.id, ConfirmationDraft(filed_on=date(2026, 11, 1), enforcement_applied=True))
    problems = _problems(err)
    assert "court" in problems and "早于协议生效日期" in problems["filed_on"]
    assert "裁定协议有效后" in problems["enforcement_applied"]
    saved = s.followups.save_confirmation(d.id, ConfirmationDraft(
        court="临沧市临翔区人民法院", filed_on=date(2026, 11, 10), court_case_number="（2026）云0902民特12号",
        result="confirmed", ruled_on=date(2026, 11, 18), enforcement_applied=True, enforcement_on=date(2026, 11, 20)))
    assert saved.recorded.enforcement_applied and not saved.window_open(date(2026, 11, 22))
    assert any("司法确认" in h.text for h in s.cases.get(d.id).history)


def test_filing_after_the_window_is_a_warning_to_confirm(org_services, clock) -> None:
    s = org_services
    d, _ = _agreed(s, signed_on=date(2026, 9, 1))
    late = ConfirmationDraft(court="某某县人民法院", filed_on=date(2026, 10, 9))
    with pytest.raises(ValidationError) as err:
        s.followups.save_confirmation(d.id, late)
    assert err.value.warnings and "2026年10月8日" in err.value.warnings[0].message
    assert s.followups.save_confirmation(d.id, late, confirmed_warnings=True).recorded.filed_on == date(2026, 10, 9)
    oral, _ = _agreed(s, form="oral")
    with pytest.raises(TransitionError):
        s.followups.save_confirmation(oral.id, late)
