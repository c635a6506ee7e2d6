"""Roles enforced where every write and read passes (issue 16; services/guard.py), per role, on
SQLite and PostgreSQL: a mediator changes the cases assigned to them and only reads the others,
a clerk keeps any case's sessions and records but writes no private note and edits no case, a
read-only user writes nothing, and a user of one committee sees only its cases."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import sample_draft
from sqlalchemy import text
from test_sessions import draft as session_draft

from mediator_desktop.services.dto import CaseQuery, MediatorAssignment
from mediator_desktop.services.errors import NotFoundError, PermissionDenied
from mediator_desktop.services.screening import ItemDraft, RoundDraft
from mediator_desktop.services.statistics import Period

PW = "role-test-2026"


@pytest.fixture
def room(org_services):  # type: ignore[no-untyped-def]
    """Cases A (杨志强's) and B (王芳's), both accepted, and one user per role."""
    s = org_services
    a = s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])], summary="甲案：排水沟纠纷。"))
    b = s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[1])], summary="乙案：借款纠纷。"))
    s.a = s.cases.transition(a.id, a.version, "accepted")
    s.b = s.cases.transition(b.id, b.version, "accepted")
    s.accounts.add_user("admin", "张主任", "admin", PW)
    s.accounts.sign_in("admin", PW)
    for login, name, role in (("yang", "杨志强", "mediator"), ("li", "李记录", "clerk"), ("zhou", "周科员", "viewer")):
        s.accounts.add_user(login, name, role, PW)
    return s


def _as(s, login: str):  # type: ignore[no-untyped-def]
    s.accounts.sign_in(login, PW)
    return s


def test_a_mediator_changes_their_own_cases_and_only_reads_the_others(room) -> None:  # type: ignore[no-untyped-def]
    s = _as(room, "yang")
    mine = s.cases.get(s.a.id)
    s.cases.update(mine.id, mine.version, sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])],
                                                        summary="甲案：排水沟纠纷（补充）。"))
    s.sessions.schedule(s.a.id, session_draft("2026-11-25T09:00"))
    s.sessions.add_note(s.a.id, "private", "张三情绪激动，下次先单独谈。")
    theirs = s.cases.get(s.b.id)                                     # reading is allowed
    with pytest.raises(PermissionDenied, match="只能办理分配给自己的案件"):
        s.cases.update(theirs.id, theirs.version, sample_draft(summary="改别人的案件"))
    with pytest.raises(PermissionDenied, match="杨志强"):
        s.sessions.schedule(s.b.id, session_draft("2026-11-26T09:00"))
    with pytest.raises(PermissionDenied):
        s.sessions.add_note(s.b.id, "private", "不该写在别人的案件上")
    new = s.cases.register(sample_draft(summary="杨志强新受理的纠纷。"))  # intake is allowed
    assert s.cases.get(s.b.id).summary == "乙案：借款纠纷。" and new.id


def test_a_clerk_keeps_any_cases_records_but_edits_no_case_and_writes_no_private_note(room) -> None:  # type: ignore[no-untyped-def]
    s = _as(room, "li")
    for case in (s.a, s.b):
        session = s.sessions.schedule(case.id, session_draft("2026-11-25T14:00"))
        assert session.id
    s.sessions.add_note(s.b.id, "caucus", "与李四背对背谈话。", party=1)
    with pytest.raises(PermissionDenied, match="写个人笔记"):
        s.sessions.add_note(s.b.id, "private", "记录员不写个人笔记")
    b = s.cases.get(s.b.id)
    changed = b.to_draft()
    changed.summary = "记录员改案情"
    with pytest.raises(PermissionDenied, match="修改这个案件"):
        s.cases.update(b.id, b.version, changed)
    with pytest.raises(PermissionDenied):
        s.cases.transition(b.id, b.version, "in_mediation")


def test_a_read_only_user_reads_and_writes_nothing(room) -> None:  # type: ignore[no-untyped-def]
    s = _as(room, "zhou")
    assert s.cases.count(CaseQuery()) == 2 and s.cases.get(s.a.id).summary
    with pytest.raises(PermissionDenied, match="登记新案件"):
        s.cases.register(sample_draft())
    with pytest.raises(PermissionDenied):
        s.sessions.schedule(s.a.id, session_draft("2026-11-25T09:00"))
    with pytest.raises(PermissionDenied, match="只读"):
        s.screening.save(None, RoundDraft(held_on=date(2026, 11, 20), area="三组", screeners="周科员",
                                          items=[ItemDraft(parties="张某", summary="排水")]))
    with pytest.raises(PermissionDenied):
        s.exchange.import_document({"version": 1, "cases": []})


def test_a_user_of_one_committee_sees_only_its_cases_everywhere(room) -> None:  # type: ignore[no-untyped-def]
    s = room
    with s.db.write() as db:   # a second committee of the centre, and case B moved to it
        db.execute(text("INSERT INTO organization (name, short_name, kind, address, phone, seal_text, code_pattern, "
                        "version) VALUES ('幸福村人民调解委员会', '幸福', 'committee', '', '', '', '', 1)"))
        other = db.execute(text("SELECT max(id) FROM organization")).scalar()
        db.execute(text("UPDATE mediation_case SET organization_id = :o WHERE id = :b"), {"o": other, "b": s.b.id})
        first = db.execute(text("SELECT min(id) FROM organization")).scalar()
        db.execute(text("INSERT INTO user_organization (user_id, organization_id) "
                        "SELECT id, :o FROM user_account WHERE login = 'yang'"), {"o": first})
    admin_total = s.cases.count(CaseQuery())
    s = _as(room, "yang")
    assert admin_total == 2 and s.cases.count(CaseQuery()) == 1
    assert [r.id for r in s.cases.page(CaseQuery())] == [s.a.id]
    assert s.cases.page(CaseQuery(text="借款")) == []
    with pytest.raises(NotFoundError):
        s.cases.get(s.b.id)
    report = s.statistics.report(Period(date(2026, 1, 1), date(2026, 12, 31)))
    assert report.value("accepted.total") == 1
    assert [c["code"] for c in s.exchange.export_document()["cases"]] == [s.a.code]
    assert {r.code for r in s.reminders.items()} == {s.a.code}       # the agenda too


@pytest.mark.parametrize("login", ["admin", "yang", "li", "zhou"])
def test_the_rights_the_window_is_shown_are_what_the_guard_lets_through(room, login: str) -> None:  # type: ignore[no-untyped-def]
    """cases.rights (what the window greys) and the guard (what is refused) never disagree: for
    every role, on an assigned case, a colleague's and one just registered, each kind of write
    is refused exactly when the rights say it is not allowed."""
    s = room
    c = s.cases.register(sample_draft(summary="丙案：刚登记。"))
    s = _as(room, login)

    def edit(case_id: int) -> object:
        case = s.cases.get(case_id)
        draft = case.to_draft()
        draft.summary += "（补充）"
        return s.cases.update(case_id, case.version, draft)

    writes = {"edit": edit,
              "records": lambda case_id: s.sessions.add_note(case_id, "caucus", "背对背谈话。", party=1),
              "notes": lambda case_id: s.sessions.add_note(case_id, "private", "个人笔记。")}
    for case_id in (s.a.id, s.b.id, c.id):
        rights = s.cases.rights(case_id)
        for kind, write in writes.items():
            if rights.may(kind):
                write(case_id)
            else:
                with pytest.raises(PermissionDenied):
                    write(case_id)
                assert rights.why(kind).startswith("您的角色（")
    assert bool(s.cases.rights(s.b.id).note) == (login in ("yang", "li", "zhou"))
