"""The agreement service on real SQLite and PostgreSQL: drafts, clause text, unclear terms,
copies, stable term ids, performance, exact amounts, locking."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from conftest import make_services, sample_draft
from sqlalchemy import select

from mediator_desktop.domain.terms import Instalment
from mediator_desktop.services.agreements import AgreementDraft, TermDraft
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.errors import (
    ConflictError,
    TransitionError,
    ValidationError,
)
from mediator_desktop.storage.models import (
    AgreementTerm,
    Attachment,
    CaseParty,
    MediationSession,
    TermPerformance,
)

CLAUSE = "李四于2026年11月30日前以银行转账方式向张三支付补偿款人民币壹万贰仟元整（¥12,000.00）。"


def _case_in_mediation(s):  # type: ignore[no-untyped-def]
    d = s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])]))
    d = s.cases.transition(d.id, d.version, "accepted")
    return s.cases.transition(d.id, d.version, "in_mediation")


def _ready_for_agreed(s, case_id: int) -> None:  # type: ignore[no-untyped-def]
    """Every party told their rights and a signed mediation record (the session service's
    work, set directly here)."""
    with s.db.write() as db:
        for p in db.scalars(select(CaseParty).where(CaseParty.case_id == case_id)):
            p.notice_on, p.notice_method = date(2026, 11, 20), "written"
        db.add(MediationSession(case_id=case_id, kind="mediation", starts_at=datetime(2026, 11, 21, 9, 30),
                                record="双方陈述……", signed_at=datetime(2026, 11, 21, 11, 0)))


def money_term(**kw) -> TermDraft:  # type: ignore[no-untyped-def]
    values = dict(obligor=1, obligee=0, subject="补偿款", amount=Decimal("12000"),
                  due_on=date(2026, 11, 30), method="银行转账")
    values.update(kw)
    return TermDraft(**values)  # type: ignore[arg-type]


def statement_term(text: str = "双方就本纠纷再无其他争议。") -> TermDraft:
    return TermDraft(kind="statement", subject=text)


def _draft(s, case_id: int, terms: list[TermDraft], **kw) -> AgreementDraft:  # type: ignore[no-untyped-def]
    draft = s.agreements.blank(case_id)
    draft.terms = terms
    draft.signed_on = date(2026, 11, 21)
    for k, v in kw.items():
        setattr(draft, k, v)
    return draft


def _fields(err: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.field: p.message for p in err.value.problems}


def test_blank_draft_is_prefilled_from_the_case(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    assert s.agreements.get(d.id) is None
    blank = s.agreements.blank(d.id)
    assert blank.form == "written" and blank.version is None
    assert blank.number == d.code == "（2026）龙门人调字第1号"
    assert blank.copies == 3  # two parties + the committee
    assert blank.facts == d.summary
    assert blank.terms == [] and blank.signed_on is None
    ctx = s.agreements.context(d.id)
    assert ctx.parties == ("张三", "李四") and ctx.refusal == ""


def test_save_generates_the_clause_and_regenerates_it_from_the_fields(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    assert s.agreements.clause_preview(d.id, money_term()) == CLAUSE
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term(), statement_term()]))
    assert [t.text for t in view.terms] == [CLAUSE, "双方就本纠纷再无其他争议。"]
    assert [t.number for t in view.terms] == [1, 2]
    assert view.problems == () and all(t.problems == () for t in view.terms)
    assert view.terms[0].status == "pending" and not view.terms[0].text_edited
    assert view.copies == 3 and view.number == d.code
    # The stale text in the draft is replaced by the clause the new fields make.
    draft = view.to_draft()
    draft.terms[0].amount = Decimal("8000")
    draft.terms[0].instalments = [Instalment(Decimal("5000"), date(2026, 11, 30)),
                                  Instalment(Decimal("3000"), date(2026, 12, 31))]
    view2 = s.agreements.save(d.id, draft)
    text = view2.terms[0].text
    assert text == ("李四分两期以银行转账方式向张三支付补偿款人民币捌仟元整（¥8,000.00）：第一期于2026年11月30日前"
                    "支付人民币伍仟元整（¥5,000.00）；第二期于2026年12月31日前支付人民币叁仟元整（¥3,000.00）。")
    assert view2.version > view.version
    # Saving again unchanged still takes a new version (a second PC's old copy is refused).
    view3 = s.agreements.save(d.id, view2.to_draft())
    assert view3.version == view2.version + 1 and [t.id for t in view3.terms] == [t.id for t in view2.terms]
    history = [h.text for h in s.cases.get(d.id).history]
    assert "修改书面协议（内容未变）" in history
    assert "填写书面协议（2条）" in history
    assert "修改书面协议：修改第一条" in history


def test_an_edited_clause_is_kept_until_regenerated(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    own = "李四于2026年11月30日前向张三支付补偿款12000元，并当面赔礼道歉。"
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term(text=own, text_edited=True)]))
    assert view.terms[0].text == own and view.terms[0].text_edited
    assert view.terms[0].preview == CLAUSE and not view.terms[0].stale
    draft = view.to_draft()
    draft.terms[0].amount = Decimal("9000")
    view = s.agreements.save(d.id, draft)
    assert view.terms[0].text == own
    assert "玖仟元整" in view.terms[0].preview
    # "按上面各项重新生成": the editor clears text_edited, the service regenerates.
    draft = view.to_draft()
    draft.terms[0].text_edited = False
    view = s.agreements.save(d.id, draft)
    assert view.terms[0].text.startswith("李四于2026年11月30日前") and "玖仟元整" in view.terms[0].text
    assert not view.terms[0].text_edited
    # An edited text left empty is refused, naming the clause.
    draft = view.to_draft()
    draft.terms[0].text, draft.terms[0].text_edited = "  ", True
    with pytest.raises(ValidationError) as err:
        s.agreements.save(d.id, draft)
    assert "第一条的条款文字是空的" in _fields(err)["terms[0].text"]


def test_unclear_terms_are_saved_reported_and_block_agreed(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    _ready_for_agreed(s, d.id)
    terms = [
        money_term(obligor=None),                                   # nobody owes it
        money_term(due_on=None),                                    # by when?
        money_term(due_on=None, instalments=[Instalment(Decimal("5000"), date(2026, 11, 30)),
                                             Instalment(Decimal("5000"), date(2026, 12, 31))]),  # 10000 ≠ 12000
        statement_term(),
    ]
    view = s.agreements.save(d.id, _draft(s, d.id, terms))
    assert "未写明由谁履行（义务人）" in view.terms[0].problems
    assert view.terms[1].problems == ("未写明履行期限",)
    assert view.terms[2].problems == ("各期金额之和与总金额不符",)
    assert view.terms[3].problems == ()
    assert view.problems[1] == "第二条内容不明确：未写明履行期限"
    assert len(view.problems) == 3
    assert any("内容不明确" in p for p in view.success_problems)
    # The case service refuses 调解成功 while any term is unclear.
    detail = s.cases.get(d.id)
    with pytest.raises(TransitionError) as err:
        s.cases.transition(d.id, detail.version, "agreed")
    assert "第一条内容不明确" in str(err.value) and "第三条内容不明确" in str(err.value)
    # Made clear, the case may be marked agreed.
    draft = view.to_draft()
    draft.terms[0].obligor = 1
    draft.terms[1].due_on = date(2026, 12, 15)
    draft.terms[2].amount = Decimal("10000")
    view = s.agreements.save(d.id, draft)
    assert view.problems == () and view.success_problems == ()
    detail = s.cases.transition(d.id, detail.version, "agreed")
    assert detail.status == "agreed"
    # After 调解成功 the signed substance is frozen (a change is a 补充协议); the number, the
    # copies and the effective date may still be corrected, audited.
    draft = s.agreements.get(d.id).to_draft()  # type: ignore[union-attr]
    draft.terms[1].due_on = date(2026, 12, 20)
    with pytest.raises(TransitionError, match="第二条不能再改"):
        s.agreements.save(d.id, draft)
    draft = s.agreements.get(d.id).to_draft()  # type: ignore[union-attr]
    draft.copies = 4
    s.agreements.save(d.id, draft)
    assert any(h.text.startswith("调解成功后更正调解协议") for h in s.cases.get(d.id).history)


def test_copies_below_parties_plus_one_are_refused(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    with pytest.raises(ValidationError) as err:
        s.agreements.save(d.id, _draft(s, d.id, [money_term()], copies=2))
    assert _fields(err) == {"copies": "协议书至少一式3份：2位当事人各一份，人民调解委员会留存一份"}
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term()], copies=None))
    assert view.copies == 3
    assert s.agreements.save(d.id, _draft(s, d.id, [money_term()], copies=5, version=view.version)).copies == 5


def test_every_field_is_checked_and_named(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    with pytest.raises(ValidationError) as err:
        s.agreements.save(d.id, _draft(s, d.id, [], facts=" ", signed_on=date(2026, 11, 23)))
    fields = _fields(err)
    assert fields["facts"] == "书面协议须写明“纠纷主要事实、争议事项”"
    assert fields["terms"].startswith("请至少填写一条协议内容")
    assert fields["signed_on"].startswith("“生效日期”不能晚于今天")
    bad = [
        money_term(obligor=5, amount=Decimal("-1")),
        money_term(due_on=None, instalments=[Instalment(Decimal("100"), date(2026, 12, 31)),
                                             Instalment(Decimal("-5"), date(2026, 11, 30))]),
        money_term(amount=Decimal("1.005")),
        TermDraft(),
        statement_term(""),
    ]
    with pytest.raises(ValidationError) as err:
        s.agreements.save(d.id, _draft(s, d.id, bad, signed_on=date(2026, 11, 19)))
    fields = _fields(err)
    assert fields["terms[0].obligor"] == "第一条：义务人不是本案当事人，请重新选择"
    assert fields["terms[0].amount"] == "第一条：金额不能是负数"
    assert fields["terms[1].instalments[1].amount"] == "第二条第2期：金额不能是负数"
    assert fields["terms[1].instalments[1].due_on"] == "第二条第2期的期限不能早于上一期"
    assert fields["terms[2].amount"] == "第三条：金额最多精确到分（小数点后两位）"
    assert fields["terms[3]"] == "第四条是空的：请填写内容，或删除这一条"
    assert fields["terms[4].subject"] == "第五条：请填写约定的内容"
    assert fields["signed_on"] == "“生效日期”不能早于受理日期（2026年11月20日）"
    # A due date before the agreement took effect is a slip of the pen.
    with pytest.raises(ValidationError) as err:
        s.agreements.save(d.id, _draft(s, d.id, [money_term(due_on=date(2026, 11, 20))]))
    assert _fields(err) == {"terms[0].due_on": "第一条：履行期限早于协议生效日期，请核对"}
    # An oral agreement (口头协议) needs no written facts and its date is the day it was reached.
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term()], form="oral", facts=""))
    assert view.form == "oral" and view.signed_on == date(2026, 11, 21)
    assert "填写口头协议（1条）" in [h.text for h in s.cases.get(d.id).history]


def test_only_a_case_in_mediation_or_agreed_takes_an_agreement(org_services) -> None:
    s = org_services
    d = s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])]))
    with pytest.raises(TransitionError, match="开始调解后才能填写调解协议"):
        s.agreements.save(d.id, _draft(s, d.id, [money_term()]))
    assert s.agreements.context(d.id).refusal
    d = s.cases.transition(d.id, d.version, "accepted")
    d = s.cases.transition(d.id, d.version, "terminated", reason="李四拒绝调解", reason_kind="refused",
                           routes_explained=True)
    with pytest.raises(TransitionError, match="终止调解的案件没有调解协议"):
        s.agreements.save(d.id, _draft(s, d.id, [money_term()]))
    assert s.agreements.get(d.id) is None


def test_term_ids_stay_stable_and_removal_is_in_place(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term(), money_term(subject="修缮费", amount=Decimal("800")),
                                                      statement_term()]))
    first, second, third = (t.id for t in view.terms)
    with s.db.write() as db:
        db.add(Attachment(case_id=d.id, item=9, name="收条.jpg", media_type="image/jpeg", size=3,
                          sha256="0" * 64, data=b"abc", added_at=datetime(2026, 11, 22, 9, 0), term_id=second))
    draft = view.to_draft()
    draft.terms = [draft.terms[2], draft.terms[0], money_term(subject="清理费", amount=Decimal("200"))]
    draft.terms[1].method = "现金"
    view2 = s.agreements.save(d.id, draft)
    assert [t.id for t in view2.terms][:2] == [third, first]
    assert view2.terms[2].id not in (first, second, third)
    assert "以现金方式" in view2.terms[1].text
    with s.db.read() as db:
        assert db.get(AgreementTerm, second) is None
        assert db.scalar(select(Attachment.term_id)) is None  # the receipt stays, unlinked
    history = [h.text for h in s.cases.get(d.id).history]
    assert "修改书面协议：修改第一条；修改第二条；新增第三条；删除原第二条" in history
    # A term with recorded performance cannot be removed.
    s.agreements.record_performance(first, date(2026, 11, 22), "performed", Decimal("12000"))
    draft = s.agreements.get(d.id).to_draft()  # type: ignore[union-attr]
    draft.terms = [t for t in draft.terms if t.id != first]
    with pytest.raises(ValidationError) as err:
        s.agreements.save(d.id, draft)
    assert "原第二条" in _fields(err)["terms"] and "已记录履行情况，不能删除" in _fields(err)["terms"]


def test_performance_is_recorded_and_sets_the_status(org_services, clock) -> None:
    s = org_services
    d = _case_in_mediation(s)
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term(), statement_term()]))
    term = view.terms[0].id
    view = s.agreements.record_performance(term, date(2026, 11, 21), "partly_performed", Decimal("5000"),
                                           note=" 现金支付，有收条 ")
    assert view.terms[0].status == "partly_performed" and view.terms[0].paid == Decimal("5000.00")
    clock.value = datetime(2026, 11, 30, 16, 0)
    view = s.agreements.record_performance(term, date(2026, 11, 30), "performed", Decimal("7000"))
    assert view.terms[0].status == "performed" and view.terms[0].paid == Decimal("12000.00")
    rows = s.agreements.performance(term)
    assert [(r.on, r.status, r.amount, r.note) for r in rows] == [
        (date(2026, 11, 21), "partly_performed", Decimal("5000.00"), "现金支付，有收条"),
        (date(2026, 11, 30), "performed", Decimal("7000.00"), ""),
    ]
    assert rows[0].actor == "测试员" and rows[1].recorded_at == datetime(2026, 11, 30, 16, 0)
    history = [h.text for h in s.cases.get(d.id).history]
    assert ("第一条履行情况：待履行 → 部分履行（2026年11月21日，履行金额人民币伍仟元整（¥5,000.00））："
            "现金支付，有收条") in history
    assert "第一条履行情况：部分履行 → 已履行（2026年11月30日，履行金额人民币柒仟元整（¥7,000.00））" in history
    with pytest.raises(ValidationError) as err:
        s.agreements.record_performance(term, date(2026, 12, 1), "performed")
    assert _fields(err) == {"on": "履行日期不能晚于今天"}
    with pytest.raises(ValidationError) as err:
        s.agreements.record_performance(term, date(2026, 11, 20), "bogus", Decimal("-3"))
    assert _fields(err) == {"on": "履行日期不能早于协议生效日期（2026年11月21日）",
                            "status": "请选择履行情况", "amount": "金额不能是负数"}
    assert view.terms[0].overdue_since(date(2026, 12, 1)) is None  # performed
    with pytest.raises(TransitionError, match="其他约定"):
        s.agreements.record_performance(view.terms[1].id, date(2026, 11, 30), "performed")
    assert len(s.agreements.performance(term)) == 2


def test_performance_needs_an_effective_date(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term()], signed_on=None))
    with pytest.raises(TransitionError, match="还没有生效日期"):
        s.agreements.record_performance(view.terms[0].id, date(2026, 11, 22), "performed")


def test_amounts_round_trip_as_exact_decimals(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    big = Decimal("123456789012.34") - Decimal("23456789012.33")  # 100000000000.01
    parts = [Instalment(Decimal("0.01"), date(2026, 11, 30)), Instalment(Decimal("100000000000"), date(2027, 1, 31))]
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term(amount=big, due_on=None, instalments=parts)]))
    again = s.agreements.get(d.id)
    assert again is not None
    t = again.terms[0]
    assert t.amount == Decimal("100000000000.01") and str(t.amount) == "100000000000.01"
    assert [i.amount for i in t.instalments] == [Decimal("0.01"), Decimal("100000000000.00")]
    assert t.problems == ()  # 0.01 + 100000000000 is exactly the total
    assert "（¥100,000,000,000.01）" in t.text
    s.agreements.record_performance(view.terms[0].id, date(2026, 11, 22), "partly_performed", Decimal("0.10"))
    with s.db.read() as db:
        assert db.scalar(select(TermPerformance.amount)) == Decimal("0.10")
        assert db.scalar(select(AgreementTerm.instalments)) == [
            {"amount": "0.01", "due_on": "2026-11-30"}, {"amount": "100000000000.00", "due_on": "2027-01-31"}]
    draft = again.to_draft()
    draft.terms[0].amount = Decimal("1e12")
    with pytest.raises(ValidationError) as err:
        s.agreements.save(d.id, draft)
    assert _fields(err) == {"terms[0].amount": "第一条：金额过大，请核对"}


def test_a_stale_copy_is_refused_not_saved_over(org_services, db_url, clock) -> None:
    s = org_services
    d = _case_in_mediation(s)
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term()]))
    other = make_services(db_url, clock, actor_name="另一台电脑")
    try:
        mine, theirs = view.to_draft(), other.agreements.get(d.id).to_draft()  # type: ignore[union-attr]
        theirs.terms[0].amount = Decimal("11000")
        other.agreements.save(d.id, theirs)
        mine.terms[0].amount = Decimal("13000")
        with pytest.raises(ConflictError, match="已被其他电脑修改"):
            s.agreements.save(d.id, mine)
        # Creating a second agreement from a blank draft is refused as well.
        with pytest.raises(ConflictError):
            s.agreements.save(d.id, _draft(s, d.id, [money_term()]))
    finally:
        other.close()
    assert s.agreements.get(d.id).terms[0].amount == Decimal("11000.00")  # type: ignore[union-attr]


def test_a_draft_agreement_can_be_deleted_while_mediating(org_services) -> None:
    s = org_services
    d = _case_in_mediation(s)
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term()]))
    s.agreements.delete(d.id, view.version)
    assert s.agreements.get(d.id) is None
    assert "删除书面协议" in [h.text for h in s.cases.get(d.id).history]
    # The case may then be terminated: agreement and termination exclude each other.
    detail = s.cases.get(d.id)
    s.cases.transition(d.id, detail.version, "terminated", reason="无法达成协议", reason_kind="impossible",
                       routes_explained=True)
    assert s.agreements.context(d.id).refusal == "本案已于2026年11月22日终止调解（无法达成协议），终止调解的案件没有调解协议"
    # Not accepted, or refused by a party: how and when, not "no agreement yet" (issue 12).
    r = s.cases.register(sample_draft())
    r = s.cases.transition(r.id, r.version, "refused", reason="李四拒绝调解")
    assert s.agreements.context(r.id).refusal == "本案一方当事人已于2026年11月22日拒绝调解（李四拒绝调解），没有调解协议"
    n = s.cases.register(sample_draft())
    n = s.cases.transition(n.id, n.version, "not_accepted", reason="已由派出所受理")
    assert s.agreements.context(n.id).refusal == "本案已于2026年11月22日决定不予受理（已由派出所受理），没有调解协议"


def test_overdue_counts_each_instalment_against_the_payments(org_services, clock) -> None:
    s = org_services
    d = _case_in_mediation(s)
    parts = [Instalment(Decimal("5000"), date(2026, 11, 30)), Instalment(Decimal("7000"), date(2026, 12, 31))]
    view = s.agreements.save(d.id, _draft(s, d.id, [money_term(due_on=None, instalments=parts),
                                                      money_term(subject="修缮费", amount=Decimal("300"))]))
    first, single = view.terms
    assert first.last_due == date(2026, 12, 31)
    assert first.overdue_since(date(2026, 11, 30)) is None
    assert first.overdue_since(date(2026, 12, 1)) == date(2026, 11, 30)
    assert single.overdue_since(date(2026, 12, 1)) == date(2026, 11, 30)
    clock.value = datetime(2026, 12, 2, 10, 0)
    view = s.agreements.record_performance(first.id, date(2026, 11, 29), "partly_performed", Decimal("5000"))
    assert view.terms[0].overdue_since(date(2026, 12, 2)) is None  # the first instalment is paid
    assert view.terms[0].overdue_since(date(2027, 1, 1)) == date(2026, 12, 31)
