"""Issue 17: a second PC's stale save of a follow-up visit, a performance record or a rights
notice is refused with the same conflict message cases and records give, on SQLite and
PostgreSQL. Two Services (two PCs) open one database; both load the same row; one saves; the
other's save, made on what it loaded, raises ConflictError instead of silently winning."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import make_services
from test_followups import _agreed
from test_sessions import accepted_case

from mediator_desktop.services.errors import ConflictError
from mediator_desktop.services.followups import VisitDraft
from mediator_desktop.services.organization import STALE_MESSAGE


@pytest.fixture
def two_pcs(org_services, db_url, clock):  # type: ignore[no-untyped-def]
    other = make_services(db_url, clock, actor_name="王芳")
    yield org_services, other
    other.close()


def _visit_draft(visit, **kw) -> VisitDraft:  # type: ignore[no-untyped-def]
    values = dict(done_on=date(2026, 11, 22), method="phone", satisfaction="满意", visitor="杨志强",
                  term_statuses={t.term_id: "performed" for t in visit.terms}, version=visit.version)
    values.update(kw)
    return VisitDraft(**values)


def test_a_stale_visit_save_is_refused_and_the_first_stays(two_pcs) -> None:  # type: ignore[no-untyped-def]
    first, second = two_pcs
    d, _ = _agreed(first)
    visit_id = next(v.id for v in first.followups.visits(d.id) if v.kind == "satisfaction")
    seen_here = first.followups.get(visit_id)
    seen_there = second.followups.get(visit_id)
    assert seen_here.version == seen_there.version
    first.followups.record(visit_id, _visit_draft(seen_here, notes="第一台电脑：已付清"))
    with pytest.raises(ConflictError) as err:
        second.followups.record(visit_id, _visit_draft(seen_there, notes="第二台电脑：未付", visitor="王芳",
                                                       satisfaction="不满意"))
    assert str(err.value) == STALE_MESSAGE
    kept = first.followups.get(visit_id)
    assert kept.notes == "第一台电脑：已付清" and kept.visitor == "杨志强" and kept.satisfaction == "满意"
    # Reopened on the newest version, the second PC can save.
    fresh = second.followups.get(visit_id)
    assert fresh.version > seen_there.version
    second.followups.record(visit_id, _visit_draft(fresh, notes="第二台电脑：补充"))
    assert first.followups.get(visit_id).notes == "第二台电脑：补充"


def test_a_stale_performance_record_is_refused_and_the_first_stays(two_pcs) -> None:  # type: ignore[no-untyped-def]
    first, second = two_pcs
    d, _ = _agreed(first)
    term_here = first.agreements.get(d.id).terms[0]
    term_there = second.agreements.get(d.id).terms[0]
    assert term_here.version == term_there.version
    first.agreements.record_performance(term_here.id, date(2026, 11, 22), "performed", Decimal("12000"),
                                        "银行转账，已付清", version=term_here.version)
    with pytest.raises(ConflictError) as err:
        second.agreements.record_performance(term_there.id, date(2026, 11, 22), "not_performed", None,
                                             "未付", version=term_there.version)
    assert str(err.value) == STALE_MESSAGE
    kept = first.agreements.get(d.id).terms[0]
    assert kept.status == "performed" and [p.note for p in kept.performances] == ["银行转账，已付清"]
    fresh = second.agreements.get(d.id).terms[0]
    assert fresh.version > term_there.version
    second.agreements.record_performance(fresh.id, date(2026, 11, 22), "performed", None, "补记收条",
                                         version=fresh.version)


def test_a_stale_rights_notice_is_refused_and_the_first_stays(two_pcs) -> None:  # type: ignore[no-untyped-def]
    first, second = two_pcs
    case = accepted_case(first)
    here = first.sessions.notices(case.id)[0]
    there = second.sessions.notices(case.id)[0]
    assert here.version == there.version
    first.sessions.record_notice(here.party_id, date(2026, 11, 21), "written", "杨志强", version=here.version)
    with pytest.raises(ConflictError) as err:
        second.sessions.record_notice(there.party_id, date(2026, 11, 22), "oral", "王芳", version=there.version)
    assert str(err.value) == STALE_MESSAGE
    with pytest.raises(ConflictError):
        second.sessions.clear_notice(there.party_id, version=there.version)
    kept = first.sessions.notices(case.id)[0]
    assert (kept.on, kept.method, kept.by) == (date(2026, 11, 21), "written", "杨志强")
    fresh = second.sessions.notices(case.id)[0]
    second.sessions.record_notice(fresh.party_id, date(2026, 11, 22), "oral", "王芳", version=fresh.version)
    assert first.sessions.notices(case.id)[0].by == "王芳"


def test_a_stale_reschedule_or_cancel_of_a_visit_is_refused(two_pcs) -> None:  # type: ignore[no-untyped-def]
    first, second = two_pcs
    d, _ = _agreed(first)
    visit_id = next(v.id for v in first.followups.visits(d.id) if v.kind == "performance")
    here, there = first.followups.get(visit_id), second.followups.get(visit_id)
    first.followups.reschedule(visit_id, date(2026, 12, 3), "当事人外出", version=here.version)
    with pytest.raises(ConflictError):
        second.followups.reschedule(visit_id, date(2026, 12, 10), "另约", version=there.version)
    with pytest.raises(ConflictError):
        second.followups.not_reached(visit_id, date(2026, 11, 22), date(2026, 11, 26), "phone",
                                     version=there.version)
    with pytest.raises(ConflictError):
        second.followups.delete(visit_id, "重复安排", version=there.version)
    assert first.followups.get(visit_id).due.due == date(2026, 12, 3)
