"""Issue 17: a second PC's stale save of a follow-up visit, a performance record or a rights
notice is refused with the same conflict message cases and records give, on SQLite and
PostgreSQL. Two Services (two PCs) open one database; both load the same row; one saves; the
other's save, made on what it loaded, raises ConflictError instead of silently winning."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import make_services
from test_followups import _agreed

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
