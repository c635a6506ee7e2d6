"""Issue 3 rules in the core: terms, checklist, time limits, clash check, the state guards,
the timeline and what the exchange export may carry."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from conftest import sample_draft
from sqlalchemy import select

from mediator_desktop.domain.agenda import Booking, clashes
from mediator_desktop.domain.checklist import CaseFileFacts, checklist, missing
from mediator_desktop.domain.deadlines import mediation_time_limit, month_period_end
from mediator_desktop.domain.terms import Instalment, TermFields, clause_text, parse_amount, term_problems
from mediator_desktop.services.dto import MediatorAssignment, PartyDraft
from mediator_desktop.services.errors import TransitionError, ValidationError
from mediator_desktop.storage.models import (
    Agreement,
    AgreementTerm,
    Attachment,
    CaseNote,
    CaseParty,
    MediationSession,
)

NAMES = ["张三", "李四"]


# -- domain ---------------------------------------------------------------------------------


def test_clause_text_from_structured_fields() -> None:
    money = TermFields(obligor=1, obligee=0, subject="补偿款", amount=Decimal("12000"),
                       due_on=date(2026, 11, 30), method="银行转账")
    assert clause_text(money, NAMES) == (
        "李四于2026年11月30日前以银行转账方式向张三支付补偿款人民币壹万贰仟元整（¥12,000.00）。")
    act = TermFields(obligor=1, obligee=0, subject="清除通道堆放的建材", due_on=date(2026, 11, 25))
    assert clause_text(act, NAMES) == "李四于2026年11月25日前向张三履行：清除通道堆放的建材。"
    split = TermFields(obligor=1, obligee=0, subject="补偿款", amount=Decimal("12000"),
                       instalments=[Instalment(Decimal("5000"), date(2026, 11, 30)),
                                    Instalment(Decimal("7000"), date(2026, 12, 31))])
    text = clause_text(split, NAMES)
    assert text.startswith("李四分两期向张三支付补偿款人民币壹万贰仟元整")
    assert "第一期于2026年11月30日前支付人民币伍仟元整（¥5,000.00）" in text
    statement = TermFields(kind="statement", subject="双方就本纠纷再无其他争议。")
    assert clause_text(statement, NAMES) == "双方就本纠纷再无其他争议。"


def test_unclear_terms_are_named() -> None:
    assert term_problems(TermFields(obligor=1, obligee=0, subject="补偿款", amount=Decimal(1),
                                    due_on=date(2026, 12, 1)), 2) == []
    problems = term_problems(TermFields(obligor=1, subject="补偿款"), 2)
    assert "未写明向谁履行（权利人）" in problems and "未写明履行期限" in problems
    assert "未写明由谁履行（义务人）" in term_problems(TermFields(obligee=0, amount=Decimal(1), due_on=date(2026, 1, 1)), 2)
    bad_split = TermFields(obligor=1, obligee=0, amount=Decimal("100"),
                           instalments=[Instalment(Decimal("30"), date(2026, 1, 1))])
    assert "各期金额之和与总金额不符" in term_problems(bad_split, 2)
    assert term_problems(TermFields(kind="statement"), 2) == []
    assert parse_amount("12,000") == Decimal("12000.00")
    with pytest.raises(ValueError):
        parse_amount("一万")


def test_time_limits() -> None:
    # One month from acceptance; a last day on a rest day moves on (2026-10-01 is National Day).
    assert mediation_time_limit(date(2026, 9, 1), "party_application").due == date(2026, 10, 8)
    # 2026-02-28 is a Saturday but a make-up working day (调休上班).
    assert month_period_end(date(2026, 1, 31)).due == date(2026, 2, 28)
    assert mediation_time_limit(date(2026, 11, 2), "court_entrusted").due == date(2026, 11, 17)
    assert mediation_time_limit(date(2026, 11, 2), "court_delegated").due == date(2026, 12, 2)
    assert mediation_time_limit(date(2026, 11, 2), "x", extended_to=date(2026, 12, 20)).due == date(2026, 12, 20)
    later = mediation_time_limit(date(2026, 12, 15), "party_application")
    assert later.due == date(2027, 1, 15) and later.provisional


def test_clash_check() -> None:
    a = Booking(1, "（2026）龙门人调字第1号", datetime(2026, 11, 24, 9, 30), None, "调解室", {1: "杨志强"})
    same_room = Booking(None, "（2026）龙门人调字第2号", datetime(2026, 11, 24, 10, 0), None, "调解室", {2: "王芳"})
    same_mediator = Booking(None, "x", datetime(2026, 11, 24, 9, 0), datetime(2026, 11, 24, 9, 45), "接待室", {1: "杨志强"})
    later = Booking(None, "x", datetime(2026, 11, 24, 10, 30), None, "调解室", {1: "杨志强"})
    assert "调解室" in clashes(same_room, [a])[0].message
    assert "杨志强" in clashes(same_mediator, [a])[0].message
    assert clashes(later, [a]) == []
    assert clashes(a, [a]) == []   # a session never clashes with itself


def test_checklist_required_items() -> None:
    facts = CaseFileFacts(parties=["张三", "李四"], parties_not_notified=["李四"])
    lines = checklist(facts)
    assert [x.number for x in lines] == list(range(1, 14))
    assert {x.number for x in missing(lines)} == {2, 3, 7}
    assert "李四" in lines[1].detail
    facts = CaseFileFacts(parties=["张三", "李四"], has_entrusted_agent=True, signed_mediations=1,
                          agreement_form="written", attachments={3: 2})
    assert {x.number for x in missing(checklist(facts))} == {4, 8}


# -- services -------------------------------------------------------------------------------


def _case_in_mediation(s):  # type: ignore[no-untyped-def]
    d = s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])]))
    d = s.cases.transition(d.id, d.version, "accepted")
    return s.cases.transition(d.id, d.version, "in_mediation")


def _add_agreement(s, case_id: int, *, due: date | None) -> None:  # type: ignore[no-untyped-def]
    with s.db.write() as db:
        db.add(Agreement(case_id=case_id, form="written", number="N1", facts="事实", signed_on=date(2026, 11, 21),
                         terms=[AgreementTerm(position=0, text="李四支付补偿款", obligor=1, obligee=0,
                                              subject="补偿款", amount=Decimal("12000"), due_on=due)]))


def test_agreed_needs_a_clear_agreement_notice_and_signed_record(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    with pytest.raises(TransitionError, match="请先在“协议与履行”中填写调解协议"):
        s.cases.transition(d.id, d.version, "agreed")
    _add_agreement(s, d.id, due=None)
    with pytest.raises(TransitionError) as err:
        s.cases.transition(d.id, d.version, "agreed")
    text = str(err.value)
    assert "第一条内容不明确：未写明履行期限" in text
    assert "尚未记录对张三、李四的权利义务告知" in text
    assert "尚无经宣读并签字的调解记录" in text
    with s.db.write() as db:
        db.execute(AgreementTerm.__table__.update().values(due_on=date(2026, 11, 30)))
        for p in db.scalars(select(CaseParty).where(CaseParty.case_id == d.id)):
            p.notice_on, p.notice_method = date(2026, 11, 20), "written"
        db.add(MediationSession(case_id=d.id, kind="mediation", starts_at=datetime(2026, 11, 21, 9, 30),
                                record="双方陈述……", signed_at=datetime(2026, 11, 21, 11, 0)))
    d = s.cases.transition(d.id, d.version, "agreed")
    assert d.status == "agreed"
    # 归档 needs the required items: identity papers are still missing.
    with pytest.raises(TransitionError) as err:
        s.cases.transition(d.id, d.version, "closed")
    assert "3. 当事人身份证明材料" in str(err.value)
    with s.db.write() as db:
        db.add(Attachment(case_id=d.id, item=3, name="身份证.jpg", media_type="image/jpeg", size=3,
                          sha256="0" * 64, data=b"abc", added_at=datetime(2026, 11, 22, 9, 0)))
    assert s.cases.transition(d.id, d.version, "closed").status == "closed"


def test_termination_records_reason_kind_and_routes(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    with pytest.raises(ValidationError) as err:
        s.cases.transition(d.id, d.version, "terminated", reason="", reason_kind="refused")
    assert {p.field for p in err.value.problems} == {"reason", "routes_explained"}
    d = s.cases.transition(d.id, d.version, "terminated", reason="李四拒绝继续调解", reason_kind="refused",
                           routes_explained=True)
    assert d.termination is not None and d.termination.reason_kind == "refused"
    assert d.termination.on == date(2026, 11, 22) and d.termination.routes_explained


def test_extension_needs_consent_and_a_later_date(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    assert d.time_limit is not None and d.time_limit.due == date(2026, 12, 21)  # 12-20 is a Sunday
    with pytest.raises(ValidationError) as err:
        s.cases.extend_time_limit(d.id, d.version, date(2026, 12, 1), "", parties_agreed=False)
    assert {p.field for p in err.value.problems} == {"new_due_on", "parties_agreed", "consent"}
    d = s.cases.extend_time_limit(d.id, d.version, date(2027, 1, 15), "双方在调解记录上签字同意",
                                  parties_agreed=True)
    assert d.time_limit.due == date(2027, 1, 15) and d.extensions[0].consent == "双方在调解记录上签字同意"
    assert "延长调解期限至2027年1月15日" in d.history[-1].text


def test_timeline_and_export_never_carry_notes_or_unsigned_records(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    with s.db.write() as db:
        db.add(MediationSession(case_id=d.id, position=0, kind="investigation", place="调解室",
                                starts_at=datetime(2026, 11, 20, 14, 0), present=[1],
                                record="问：通道里的建材是谁的？答：我的。", signed_at=datetime(2026, 11, 20, 15, 0)))
        db.add(MediationSession(case_id=d.id, position=1, kind="mediation", place="调解室",
                                starts_at=datetime(2026, 11, 21, 9, 30), present=[0, 1],
                                record="尚未宣读的草稿", subject="通行纠纷"))
        db.add(CaseNote(case_id=d.id, kind="caucus", party=1, body="李四私下说愿意赔五千",
                        author="测试员", created_at=datetime(2026, 11, 21, 10, 0),
                        updated_at=datetime(2026, 11, 21, 10, 0)))
        db.add(CaseNote(case_id=d.id, kind="private", body="下次请村主任参加", author="测试员",
                        created_at=datetime(2026, 11, 21, 10, 0), updated_at=datetime(2026, 11, 21, 10, 0)))
    doc = s.exchange.export_document([d.code])
    text = json.dumps(doc, ensure_ascii=False)
    assert "李四私下说" not in text and "村主任" not in text
    assert "尚未宣读的草稿" not in text                 # only signed records are exported
    sessions = doc["cases"][0]["sessions"]
    assert sessions[0]["record"].startswith("问：") and "record" not in sessions[1]
    # The documents see the unsigned record (it is printed to be read back), never the notes.
    for_docs = json.dumps(s.exchange.export_document([d.code], for_documents=True), ensure_ascii=False)
    assert "尚未宣读的草稿" in for_docs and "李四私下说" not in for_docs
    timeline = s.cases.timeline(d.id)
    texts = [e.text for e in timeline]
    assert any(t.startswith("调查（调解室），到场：李四；记录已宣读签字") for t in texts)
    assert ("操作", "登记案件 " + d.code) in [(e.kind, e.text) for e in timeline]
    assert [e.at for e in timeline] == sorted(e.at for e in timeline)


def test_imported_records_are_signed(org_services, shared_samples) -> None:
    s = org_services
    doc = json.loads(shared_samples.read_text(encoding="utf-8"))
    s.exchange.import_document(doc)
    with s.db.read() as db:
        rows = list(db.scalars(select(MediationSession)))
    assert rows and all((r.signed_at is not None) == bool(r.record) for r in rows)


def test_parties_keep_their_positions_once_referenced(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    _add_agreement(s, d.id, due=date(2026, 11, 30))
    draft = d.to_draft()
    draft.parties.reverse()   # would make 张三 the one who pays
    with pytest.raises(ValidationError) as err:
        s.cases.update(d.id, d.version, draft)
    assert err.value.problems[0].field == "parties"
    draft = d.to_draft()
    draft.parties.append(PartyDraft(role="third_party", kind="person", name="王五", phone="13700001111"))
    assert [p.name for p in s.cases.update(d.id, d.version, draft).parties] == ["张三", "李四", "王五"]
    d = s.cases.get(d.id)
    with pytest.raises(TransitionError, match="删除协议"):
        s.cases.transition(d.id, d.version, "terminated", reason="x", routes_explained=True, reason_kind="other")


def test_cases_refused_at_the_start_archive_with_register_and_reason_only(org_services) -> None:
    s = org_services
    d = s.cases.register(sample_draft())
    d = s.cases.transition(d.id, d.version, "not_accepted", reason="已由派出所受理处理")
    facts = CaseFileFacts(parties=["张三", "李四"], parties_not_notified=["张三", "李四"], status="not_accepted")
    assert {x.number for x in checklist(facts) if x.required} == {1, 13}
    assert s.cases.transition(d.id, d.version, "closed").status == "closed"
    # Terminated before any session (the applicant withdrew): no mediation record to require.
    facts = CaseFileFacts(parties=["张三"], parties_not_notified=["张三"], status="terminated", attachments={3: 1})
    assert {x.number for x in missing(checklist(facts))} == {2}


def test_statements_and_hand_written_clauses_must_still_be_clear() -> None:
    from mediator_desktop.domain.terms import clause_problems

    sneaky = TermFields(kind="statement", subject="李四适当补偿张三")
    assert "请改为“履行义务”" in clause_problems(sneaky, "李四适当补偿张三", False, NAMES)[0]
    assert clause_problems(TermFields(kind="statement", subject="双方就本纠纷再无其他争议。"),
                           "双方就本纠纷再无其他争议。", False, NAMES) == []
    money = TermFields(obligor=1, obligee=0, subject="补偿款", amount=Decimal("1000"), due_on=date(2026, 12, 1))
    assert clause_problems(money, clause_text(money, NAMES), False, NAMES) == []
    vague = clause_problems(money, "李四看情况给张三一些钱。", True, NAMES)
    assert vague and "金额（人民币壹仟元整（¥1,000.00））" in vague[0] and "履行期限（2026年12月1日）" in vague[0]
    kept = "李四于2026年12月1日前将补偿款1000元当面交给张三。"
    assert clause_problems(money, kept, True, NAMES) == []


def test_what_made_a_case_agreed_cannot_be_undone(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    _add_agreement(s, d.id, due=date(2026, 11, 30))
    for p in s.cases.get(d.id).parties:
        s.sessions.record_notice(p.id, date(2026, 11, 21), "written")
    from mediator_desktop.services.sessions import RecordDraft, SessionDraft

    session = s.sessions.schedule(d.id, SessionDraft(starts_at=datetime(2026, 11, 21, 9, 30), present=[0, 1]))
    session = s.sessions.save_record(session.id, session.version, RecordDraft(record="双方同意", present=[0, 1]))
    session = s.sessions.mark_signed(session.id, session.version)
    d = s.cases.transition(d.id, s.cases.get(d.id).version, "agreed")
    with pytest.raises(TransitionError, match="调解已经结束"):
        s.sessions.unmark_signed(session.id, session.version, "想改一下")
    with pytest.raises(TransitionError, match="调解已经结束"):
        s.sessions.clear_notice(d.parties[0].id)
    with pytest.raises(TransitionError, match="调解已经结束"):
        s.sessions.cancel(session.id, session.version)


def test_a_late_notice_shows_in_the_checklist(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    with s.db.write() as db:
        db.add(MediationSession(case_id=d.id, kind="mediation", starts_at=datetime(2026, 11, 20, 9, 30)))
    s.sessions.record_notice(d.parties[1].id, date(2026, 11, 21), "oral")
    line = next(x for x in s.evidence.checklist(d.id) if x.number == 2)
    assert "告知日期晚于第一次调解：李四" in line.detail


def test_a_caucus_note_keeps_its_party(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    s.sessions.add_note(d.id, "caucus", "张三愿意让步", party=0)
    draft = d.to_draft()
    draft.parties.reverse()
    with pytest.raises(ValidationError):
        s.cases.update(d.id, d.version, draft)


def test_notes_never_reach_a_document_or_the_case_file(org_services, tmp_path) -> None:
    from pypdf import PdfReader

    from mediator_desktop import settings as opts
    from mediator_desktop.documents.style import style_from_settings
    from mediator_desktop.services.sessions import RecordDraft, SessionDraft

    s = org_services
    d = _case_in_mediation(s)
    session = s.sessions.schedule(d.id, SessionDraft(starts_at=datetime(2026, 11, 21, 9, 30), present=[0, 1]))
    session = s.sessions.save_record(session.id, session.version, RecordDraft(record="双方陈述了意见。", present=[0, 1]))
    s.sessions.mark_signed(session.id, session.version)
    s.sessions.add_note(d.id, "caucus", "李四私下说愿意赔五千", party=1, session_id=session.id)
    s.sessions.add_note(d.id, "private", "张三情绪激动需注意", session_id=session.id)
    style = style_from_settings(opts.Settings(tmp_path / "settings.json"))
    for kind, fmt in (("mediation-record", "pdf"), ("case-file", "pdf"), ("mediation-record", "docx")):
        data = s.documents.render(d.code, kind, fmt, style).data
        if fmt == "pdf":
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        else:
            import docx

            text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
            text += "".join(c.text for t in docx.Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells)
        assert "双方陈述了意见" in text, kind
        assert "愿意赔五千" not in text and "情绪激动" not in text, kind
    exported = json.dumps(s.exchange.export_document([d.code]), ensure_ascii=False)
    assert "双方陈述了意见" in exported and "愿意赔五千" not in exported and "情绪激动" not in exported
