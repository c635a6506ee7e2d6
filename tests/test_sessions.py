"""Sessions (调查/调解), their records, notes and the rights notice — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from conftest import make_services, sample_draft

from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.errors import (
    ConflictError,
    NotFoundError,
    TransitionError,
    ValidationError,
)
from mediator_desktop.services.sessions import RecordDraft, SessionDraft
from mediator_desktop.storage.models import AuditEntry


def accepted_case(s, *, mediating: bool = False, **overrides):  # type: ignore[no-untyped-def]
    """A registered and accepted case (optionally moved on to 调解中)."""
    detail = s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])], **overrides))
    detail = s.cases.transition(detail.id, detail.version, "accepted")
    if mediating:
        detail = s.cases.transition(detail.id, detail.version, "in_mediation")
    return detail


def draft(start: str, end: str | None = None, **kw):  # type: ignore[no-untyped-def]
    return SessionDraft(starts_at=datetime.fromisoformat(start),
                        ends_at=datetime.fromisoformat(end) if end else None, **kw)


def history(s, case_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.text for h in s.cases.get(case_id).history]


def test_schedule_lists_sessions_in_time_order_with_positions(org_services) -> None:
    s = org_services
    case = accepted_case(s)
    late = s.sessions.schedule(case.id, draft("2026-11-25T14:00", "2026-11-25T15:30", place="调解室",
                                              mediator_ids=[s.mediator_ids[0]], present=[1, 0, 1],
                                              participants=[" 村委会主任 陈刚 ", ""], subject="通道堆放建材"))
    early = s.sessions.schedule(case.id, draft("2026-11-23T09:00", kind="investigation",
                                               interviewee="邻居王五", place="接待室"))
    assert (late.position, early.position) == (0, 1)
    assert late.present == (0, 1) and late.present_names == ("张三", "李四")
    assert late.participants == ("村委会主任 陈刚",)
    assert late.mediator_names == ("杨志强",) and late.case_code == case.code
    assert late.party_names == "张三、李四"
    assert early.interviewee == "邻居王五" and early.kind_label == "调查"
    assert [v.id for v in s.sessions.sessions(case.id)] == [early.id, late.id]
    assert late.time_text() == "2026年11月25日 14:00—15:30"
    # A mediation session never keeps an interviewee.
    moved = s.sessions.update(late.id, late.version, draft("2026-11-25T15:00", "2026-11-25T16:00",
                                                          place="调解室", interviewee="不该保存"))
    assert moved.interviewee == "" and moved.version == late.version + 1
    assert "安排调解：2026年11月25日 14:00—15:30，调解室" in history(s, case.id)
    assert "修改调解安排：2026年11月25日 15:00—16:00，调解室" in history(s, case.id)


def test_schedule_validation_names_the_fields_in_chinese(org_services) -> None:
    s = org_services
    case = accepted_case(s)
    with pytest.raises(ValidationError) as err:
        s.sessions.schedule(case.id, SessionDraft(kind="meeting", starts_at=None, present=[5],
                                                  mediator_ids=[9999]))
    fields = {p.field: p.message for p in err.value.problems}
    assert fields["kind"] == "请选择活动类型（调查或调解）"
    assert fields["starts_at"] == "请填写活动的日期和开始时间"
    assert "不是本案的当事人" in fields["present"]
    assert "调解员不存在" in fields["mediator_ids"]
    with pytest.raises(ValidationError) as err:
        s.sessions.schedule(case.id, draft("2026-11-25T10:00", "2026-11-25T09:00"))
    assert err.value.problems[0].field == "ends_at"
    assert err.value.problems[0].message == "“结束时间”须晚于开始时间"
    with pytest.raises(ValidationError) as err:
        s.sessions.schedule(case.id, draft("2026-11-01T10:00"))
    assert err.value.problems[0].message == "活动日期不能早于受理日期（2026年11月20日）"
    assert s.sessions.sessions(case.id) == []


def test_only_accepted_or_mediating_cases_get_sessions(org_services) -> None:
    s = org_services
    registered = s.cases.register(sample_draft())
    with pytest.raises(TransitionError, match="须先受理才能安排调查或调解"):
        s.sessions.schedule(registered.id, draft("2026-11-25T09:00"))
    mediating = accepted_case(s, mediating=True)
    assert s.sessions.schedule(mediating.id, draft("2026-11-25T09:00")).id
    refused = s.cases.transition(registered.id, registered.version, "refused", reason="李四明确拒绝调解")
    with pytest.raises(TransitionError, match="一方拒绝调解"):
        s.sessions.schedule(refused.id, draft("2026-11-25T09:00"))
    with pytest.raises(NotFoundError):
        s.sessions.schedule(987654, draft("2026-11-25T09:00"))


def test_clash_same_room_different_case_warns_until_confirmed(org_services) -> None:
    s = org_services
    a, b = accepted_case(s), accepted_case(s)
    first = s.sessions.schedule(a.id, draft("2026-11-25T09:00", "2026-11-25T10:30", place="调解室"))
    clash_draft = draft("2026-11-25T10:00", "2026-11-25T11:00", place="调解室")
    live = s.sessions.clashes(clash_draft)
    assert [c.other.session_id for c in live] == [first.id]
    assert live[0].message == f"“调解室”在11月25日 09:00–10:30已安排了案件{a.code}的活动"
    with pytest.raises(ValidationError) as err:
        s.sessions.schedule(b.id, clash_draft)
    assert err.value.warnings and not err.value.errors
    assert err.value.problems[0].field == "starts_at"
    assert err.value.problems[0].message == live[0].message
    assert s.sessions.sessions(b.id) == []
    second = s.sessions.schedule(b.id, clash_draft, confirmed_clash=True)
    assert second.place == "调解室"
    # Another room at the same time, or the same room right after, is no clash.
    assert s.sessions.clashes(draft("2026-11-25T10:00", "2026-11-25T11:00", place="接待室")) == []
    assert s.sessions.clashes(draft("2026-11-25T11:00", place="调解室")) == []
    # Moving a session does not clash with itself.
    assert [c.other.session_id for c in s.sessions.clashes(
        draft("2026-11-25T09:30", place="调解室"), session_id=first.id)] == [second.id]


def test_clash_same_mediator_and_open_ended_sessions(org_services) -> None:
    s = org_services
    yang, wang = s.mediator_ids
    a, b = accepted_case(s), accepted_case(s)
    # No end time: taken as one hour.
    s.sessions.schedule(a.id, draft("2026-11-26T14:00", place="调解室", mediator_ids=[yang]))
    found = s.sessions.clashes(draft("2026-11-26T14:30", place="村委会", mediator_ids=[wang, yang]))
    assert [c.message for c in found] == [f"调解员杨志强在11月26日 14:00–15:00已参加案件{a.code}的活动"]
    assert s.sessions.clashes(draft("2026-11-26T15:00", place="村委会", mediator_ids=[yang])) == []
    with pytest.raises(ValidationError, match="调解员杨志强"):
        s.sessions.schedule(b.id, draft("2026-11-26T14:30", place="村委会", mediator_ids=[yang]))
    # A cancelled session frees the room and the mediator.
    booked = s.sessions.sessions(a.id)[0]
    cancelled = s.sessions.cancel(booked.id, booked.version)
    assert cancelled.cancelled
    assert s.sessions.clashes(draft("2026-11-26T14:30", place="调解室", mediator_ids=[yang])) == []
    assert s.sessions.sessions(a.id)[0].cancelled  # still listed, marked
    with pytest.raises(TransitionError, match="已经取消"):
        s.sessions.cancel(cancelled.id, cancelled.version)


def test_stale_version_is_a_conflict(org_services) -> None:
    s = org_services
    case = accepted_case(s)
    v = s.sessions.schedule(case.id, draft("2026-11-25T09:00"))
    s.sessions.save_record(v.id, v.version, RecordDraft(record="第一稿"))
    with pytest.raises(ConflictError, match="已被其他电脑修改"):
        s.sessions.save_record(v.id, v.version, RecordDraft(record="另一台电脑的稿子"))
    with pytest.raises(ConflictError):
        s.sessions.update(v.id, v.version, draft("2026-11-25T10:00"))
    assert s.sessions.get(v.id).record == "第一稿"


def test_record_save_sign_read_only_and_unsign(org_services, clock) -> None:
    s = org_services
    case = accepted_case(s, mediating=True)
    v = s.sessions.schedule(case.id, draft("2026-11-22T08:30", "2026-11-22T09:20", place="调解室",
                                           present=[0, 1]))
    with pytest.raises(ValidationError) as err:
        s.sessions.mark_signed(v.id, v.version)
    assert [p.field for p in err.value.problems] == ["record"]     # present was scheduled
    bare = s.sessions.schedule(case.id, draft("2026-11-22T07:00", kind="investigation"))
    bare = s.sessions.save_record(bare.id, bare.version, RecordDraft(record="问：……答：……"))
    with pytest.raises(ValidationError) as err:
        s.sessions.mark_signed(bare.id, bare.version)
    assert err.value.problems[0].field == "interviewee"
    assert err.value.problems[0].message == "请填写“被调查人”并保存：调查记录须由被调查人签字"
    saved = s.sessions.save_record(v.id, v.version, RecordDraft(
        subject="相邻通行纠纷", recorder="王芳", present=[0, 1], participants=["村委会主任 陈刚"],
        record="调解员告知双方权利义务。\n张三称：……\n李四称：……\n", outcome="双方同意三日内清除建材。"))
    assert saved.record == "调解员告知双方权利义务。\n张三称：……\n李四称：……"
    assert saved.present_names == ("张三", "李四") and saved.participants == ("村委会主任 陈刚",)
    with pytest.raises(ValidationError) as err:
        s.sessions.mark_signed(saved.id, saved.version, at=datetime(2026, 11, 22, 11, 0))
    assert err.value.problems[0].message == "签字时间不能晚于现在"
    signed = s.sessions.mark_signed(saved.id, saved.version)
    assert signed.signed_at == clock.value
    # Signed: frozen, with a message saying how to change it.
    with pytest.raises(TransitionError, match="撤销签字标记"):
        s.sessions.save_record(signed.id, signed.version, RecordDraft(record="改动"))
    with pytest.raises(TransitionError, match="撤销签字标记"):
        s.sessions.update(signed.id, signed.version, draft("2026-11-22T08:00"))
    with pytest.raises(TransitionError, match="不能取消"):
        s.sessions.cancel(signed.id, signed.version)
    with pytest.raises(TransitionError, match="已宣读并签字"):
        s.sessions.mark_signed(signed.id, signed.version)
    with pytest.raises(ValidationError) as err:
        s.sessions.unmark_signed(signed.id, signed.version, "  ")
    assert err.value.problems[0].field == "reason"
    open_again = s.sessions.unmark_signed(signed.id, signed.version, "李四的陈述记错了")
    assert open_again.signed_at is None
    fixed = s.sessions.save_record(open_again.id, open_again.version, RecordDraft(
        record="更正后的记录", present=[0, 1]))
    assert fixed.record == "更正后的记录"
    with pytest.raises(TransitionError, match="还没有标记"):
        s.sessions.unmark_signed(fixed.id, fixed.version, "再撤一次")
    texts = history(s, case.id)
    assert "调解记录（2026年11月22日 08:30—09:20）已宣读并签字" in texts
    assert ("撤销调解记录（2026年11月22日 08:30—09:20）的签字标记：李四的陈述记错了，需重新宣读签字"
            in texts)


def test_record_validation_keeps_the_fields(org_services) -> None:
    s = org_services
    case = accepted_case(s)
    v = s.sessions.schedule(case.id, draft("2026-11-22T08:30"))
    with pytest.raises(ValidationError) as err:
        s.sessions.save_record(v.id, v.version, RecordDraft(present=[2], recorder="王" * 101, record="x"))
    assert {p.field for p in err.value.problems} == {"present", "recorder"}
    assert "记录人" in err.value.problems[1].message
    assert s.sessions.get(v.id).record == ""
    # A mediation record is signed by the parties present: at least one must be ticked.
    v = s.sessions.save_record(v.id, v.version, RecordDraft(record="调解经过……", present=[]))
    with pytest.raises(ValidationError) as err:
        s.sessions.mark_signed(v.id, v.version)
    assert [p.field for p in err.value.problems] == ["present"]


def test_notes_are_kept_apart_and_private_notes_stay_private(org_services, db_url, clock) -> None:
    s = org_services
    case = accepted_case(s)
    v = s.sessions.schedule(case.id, draft("2026-11-22T08:30"))
    with pytest.raises(ValidationError) as err:
        s.sessions.add_note(case.id, "caucus", "李四私下表示愿意让步")
    assert err.value.problems[0].field == "party"
    with pytest.raises(ValidationError) as err:
        s.sessions.add_note(case.id, "private", "   ")
    assert err.value.problems[0].message == "笔记内容是空的"
    caucus = s.sessions.add_note(case.id, "caucus", "李四私下表示愿意让步", party=1, session_id=v.id)
    mine = s.sessions.add_note(case.id, "private", "下次先找村主任沟通", party=0)
    assert caucus.party_name == "李四" and caucus.kind_label == "背对背记录"
    assert mine.party is None and mine.author == "测试员"
    assert [n.id for n in s.sessions.notes(case.id)] == [caucus.id, mine.id]
    assert [n.id for n in s.sessions.notes(case.id, session_id=v.id)] == [caucus.id]
    # The record never holds a note.
    assert s.sessions.get(v.id).record == ""

    other = make_services(db_url, clock, actor_name="另一人")
    try:
        seen = other.sessions.notes(case.id)
        assert [n.id for n in seen] == [caucus.id]
        with pytest.raises(NotFoundError):
            other.sessions.update_note(mine.id, mine.version, "偷看")
        with pytest.raises(NotFoundError):
            other.sessions.delete_note(mine.id, mine.version)
        edited = other.sessions.update_note(caucus.id, caucus.version, "李四愿意让出通道一半", party=1)
        assert edited.body == "李四愿意让出通道一半"
    finally:
        other.close()
    with pytest.raises(ConflictError):
        s.sessions.update_note(caucus.id, caucus.version, "旧版本上的修改")
    updated = s.sessions.update_note(mine.id, mine.version, "先找村主任")
    s.sessions.delete_note(updated.id, updated.version)
    assert [n.id for n in s.sessions.notes(case.id)] == [caucus.id]
    # The history says that notes changed, never what they say.
    texts = history(s, case.id)
    assert "添加背对背记录（李四）" in texts and "删除调解员个人笔记" in texts
    assert not any("让步" in t or "村主任" in t for t in texts)


def test_rights_notice_per_party(org_services, clock) -> None:
    s = org_services
    case = accepted_case(s)
    zhang, li = case.parties
    assert [(n.position, n.name, n.on) for n in s.sessions.notices(case.id)] == [(0, "张三", None), (1, "李四", None)]
    with pytest.raises(ValidationError) as err:
        s.sessions.record_notice(zhang.id, date(2026, 11, 23), "written")
    assert err.value.problems[0].field == "on" and err.value.problems[0].message == "“告知日期”不能晚于今天"
    with pytest.raises(ValidationError) as err:
        s.sessions.record_notice(zhang.id, None, "by_post")
    assert {p.field for p in err.value.problems} == {"on", "method"}
    with pytest.raises(ValidationError) as err:
        s.sessions.record_notice(zhang.id, date(2026, 11, 22), "written", by="  ")
    assert [(p.field, p.message) for p in err.value.problems] == [("by", "请填写“告知人”")]
    told = s.sessions.record_notice(zhang.id, date(2026, 11, 22), "written")
    assert (told.on, told.method, told.by, told.method_label) == (date(2026, 11, 22), "written", "测试员", "书面告知")
    s.sessions.record_notice(li.id, date(2026, 11, 21), "oral", by="王芳")
    notices = s.sessions.notices(case.id)
    assert [(n.name, n.on, n.method, n.by) for n in notices] == [
        ("张三", date(2026, 11, 22), "written", "测试员"), ("李四", date(2026, 11, 21), "oral", "王芳")]
    assert "已于2026年11月21日口头告知李四权利义务" in history(s, case.id)
    cleared = s.sessions.clear_notice(li.id)
    assert cleared.on is None and cleared.method is None
    assert s.sessions.notices(case.id)[1].on is None


def test_agenda_range_has_every_case_with_codes_parties_and_clashes(org_services) -> None:
    s = org_services
    a, b = accepted_case(s), accepted_case(s)
    s.sessions.schedule(a.id, draft("2026-11-23T09:00", "2026-11-23T10:00", place="调解室"))
    s.sessions.schedule(b.id, draft("2026-11-23T09:30", place="调解室"), confirmed_clash=True)
    s.sessions.schedule(b.id, draft("2026-11-29T23:30", place="接待室"))
    s.sessions.schedule(a.id, draft("2026-11-30T09:00", place="接待室"))
    gone = s.sessions.schedule(a.id, draft("2026-11-24T09:00", place="接待室"))
    s.sessions.cancel(gone.id, gone.version)
    week = s.sessions.agenda(date(2026, 11, 23), date(2026, 11, 29))
    assert [(v.case_code, f"{v.starts_at:%d %H:%M}") for v in week] == [
        (a.code, "23 09:00"), (b.code, "23 09:30"), (b.code, "29 23:30")]
    assert week[0].party_names == "张三、李四"
    assert week[0].clash_messages == (f"“调解室”在11月23日 09:30–10:30已安排了案件{b.code}的活动",)
    assert week[1].clash_messages and not week[2].clash_messages
    with_cancelled = s.sessions.agenda(date(2026, 11, 24), date(2026, 11, 24), include_cancelled=True)
    assert [v.cancelled for v in with_cancelled] == [True]
    assert s.sessions.agenda(date(2026, 12, 1), date(2026, 12, 31)) == []


def test_every_write_is_audited(org_services) -> None:
    s = org_services
    case = accepted_case(s)
    v = s.sessions.schedule(case.id, draft("2026-11-22T08:30"))
    v = s.sessions.save_record(v.id, v.version, RecordDraft(record="记录", present=[0, 1]))
    v = s.sessions.mark_signed(v.id, v.version)
    v = s.sessions.unmark_signed(v.id, v.version, "更正")
    v = s.sessions.update(v.id, v.version, draft("2026-11-22T08:00"))
    n = s.sessions.add_note(case.id, "private", "笔记")
    n = s.sessions.update_note(n.id, n.version, "笔记2")
    s.sessions.delete_note(n.id, n.version)
    s.sessions.record_notice(case.parties[0].id, date(2026, 11, 22), "oral")
    s.sessions.clear_notice(case.parties[0].id)
    s.sessions.cancel(v.id, v.version)
    with s.db.read() as db:
        actions = [a for (a,) in db.execute(
            AuditEntry.__table__.select().with_only_columns(AuditEntry.action)
            .where(AuditEntry.case_id == case.id).order_by(AuditEntry.id))]
    assert actions[-11:] == ["schedule", "save_record", "sign_record", "unsign_record", "update", "add_note",
                             "update_note", "delete_note", "record_notice", "clear_notice", "cancel"]
