"""Risk levels, the red case's 一案一策, the escalation clocks and referrals, on real SQLite and
PostgreSQL (services/risk.py, services/referrals.py; STATISTICS.md §4, Law 25)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from conftest import sample_draft

from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.errors import ValidationError
from mediator_desktop.services.referrals import ReferralDraft
from mediator_desktop.services.risk import (
    MISSING_PLAN,
    ClockFacts,
    RiskChangeDraft,
    RiskPlanDraft,
    RiskPolicy,
    clocks,
)
from mediator_desktop.settings import parse_petition_days

TOLD = datetime(2026, 11, 22, 9, 0)   # today is Sunday 2026-11-22 (conftest clock)


def _plan(**kw) -> RiskPlanDraft:  # type: ignore[no-untyped-def]
    values = {"measures": "每日上门稳控，联合派出所调处", "lead": "赵建国", "lead_title": "街道党工委副书记",
              "members": "杨志强、王芳、派出所李警官", "starts_on": date(2026, 11, 22), "due_on": date(2026, 12, 4)}
    values.update(kw)
    return RiskPlanDraft(**values)


def _case(s, **kw):  # type: ignore[no-untyped-def]
    return s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])], **kw))


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.field: p.message for p in exc.value.problems}


def test_raising_needs_who_was_told_and_when_red_needs_its_plan_and_history_is_kept(org_services) -> None:
    s = org_services
    d = _case(s)
    assert d.first_receiver == "杨志强"          # 首问负责: the presiding mediator who registered it
    view = s.risk.view(d.id)
    with pytest.raises(ValidationError) as exc:
        s.risk.change_level(d.id, view.version, RiskChangeDraft(level="orange"))
    problems = _fields(exc)
    assert "向谁报告" in problems["reported_to"] and "时间" in problems["reported_at"]
    assert s.risk.view(d.id).level == "none" and s.risk.view(d.id).history == ()

    view = s.risk.change_level(d.id, view.version, RiskChangeDraft(
        level="orange", reported_to="龙门街道综治中心王主任", reported_at=TOLD, note="双方在通道处推搡"))
    assert view.level == "orange" and view.reported_to == "龙门街道综治中心王主任"
    assert view.reported_on == date(2026, 11, 22) and "24小时内处置" in view.response

    # Red without a plan is refused, the plan's fields named; with it, saved.
    with pytest.raises(ValidationError) as exc:
        s.risk.change_level(d.id, view.version, RiskChangeDraft(level="red", reported_to="派出所李警官",
                                                                reported_at=TOLD, plan=_plan(lead="", due_on=None)))
    problems = _fields(exc)
    assert "包案领导" in problems["plan.lead"] and "完成期限" in problems["plan.due_on"]
    with pytest.raises(ValidationError) as exc:
        s.risk.change_level(d.id, view.version, RiskChangeDraft(level="red", reported_to="派出所李警官",
                                                                reported_at=TOLD))
    assert "一案一策" in _fields(exc)["plan.measures"]
    assert s.risk.view(d.id).level == "orange"
    view = s.risk.change_level(d.id, view.version, RiskChangeDraft(level="red", reported_to="派出所李警官",
                                                                   reported_at=TOLD, plan=_plan()))
    assert view.level == "red" and view.plan is not None and view.plan.lead == "赵建国"
    assert view.plan.due_on == date(2026, 12, 4) and view.flags == ()

    # Lowering needs a reason, not a report.
    with pytest.raises(ValidationError) as exc:
        s.risk.change_level(d.id, view.version, RiskChangeDraft(level="yellow"))
    assert "理由" in _fields(exc)["note"]
    view = s.risk.change_level(d.id, view.version, RiskChangeDraft(level="yellow", note="双方已达成初步谅解"))
    assert [(h.from_level, h.to_level, h.reported_to) for h in view.history] == [
        ("none", "orange", "龙门街道综治中心王主任"), ("orange", "red", "派出所李警官"), ("red", "yellow", "")]
    assert view.history[0].reported_at == TOLD and view.history[0].actor == "测试员"
    texts = [h.text for h in s.cases.get(d.id).history]
    assert any("风险等级：无 → 橙，已报告龙门街道综治中心王主任" in t for t in texts)
    assert s.cases.get(d.id).first_receiver == "杨志强"


def test_intake_and_editing_follow_the_same_rules(org_services) -> None:
    s = org_services
    with pytest.raises(ValidationError) as exc:
        _case(s, risk_level="yellow")
    assert "risk_reported_to" in _fields(exc)
    with pytest.raises(ValidationError) as exc:
        _case(s, risk_level="red", risk_reported_to="街道综治中心")
    assert any(f.startswith("risk_plan.") for f in _fields(exc))
    d = _case(s, risk_level="red", risk_reported_to="街道综治中心", risk_plan=_plan())
    view = s.risk.view(d.id)
    assert view.level == "red" and view.plan is not None and len(view.history) == 1
    assert view.history[0].reported_to == "街道综治中心"
    # 修改案件信息 cannot lower a level (a reason is asked on the risk tab) …
    draft = s.cases.get(d.id).to_draft()
    draft.risk_level = "yellow"
    with pytest.raises(ValidationError) as exc:
        s.cases.update(d.id, s.cases.get(d.id).version, draft)
    assert "风险与移交" in _fields(exc)["risk_level"]
    # … and an edit that leaves the level alone records no change.
    draft = s.cases.get(d.id).to_draft()
    draft.title = "改了名称"
    s.cases.update(d.id, s.cases.get(d.id).version, draft)
    assert len(s.risk.view(d.id).history) == 1
    # The recorder is the first receiver when no mediator is named.
    e = s.cases.register(sample_draft())
    assert e.first_receiver == "王芳"


def test_a_visit_raises_the_level_by_the_same_rules(org_services) -> None:
    s = org_services
    d = _case(s)
    with pytest.raises(ValidationError) as exc:
        s.followups.raise_risk(d.id, "orange", "双方又起争执")
    assert "reported_to" in _fields(exc)
    assert s.followups.raise_risk(d.id, "orange", "双方又起争执", reported_to="村委会", reported_at=TOLD) == "orange"
    with pytest.raises(ValidationError) as exc:
        s.followups.raise_risk(d.id, "red", reported_to="派出所", reported_at=TOLD)
    assert "一案一策" in _fields(exc)["level"]
    assert s.risk.view(d.id).history[-1].note == "双方又起争执"


def test_clock_rules_in_working_and_calendar_days() -> None:
    from mediator_desktop.domain.workdays import WorkCalendar

    cal, policy = WorkCalendar(), RiskPolicy()
    base = {"status": "in_mediation", "source": "party_application", "received_on": date(2026, 11, 20),
            "level": "none", "level_since": date(2026, 11, 20), "reported": True, "has_plan": False,
            "plan_due": None, "handling_level": "", "handling_since": None}

    def due(**kw) -> list[tuple[str, date, str]]:  # type: ignore[no-untyped-def]
        return [(c.kind, c.due.due, c.detail) for c in clocks(ClockFacts(**{**base, **kw}), policy, cal)]

    # Yellow: 3 working days from Friday 11-20 → Wednesday 11-25; met by a session on or after.
    assert due(level="yellow")[0][:2] == ("risk_response", date(2026, 11, 25))
    assert due(level="yellow", sessions=(("investigation", date(2026, 11, 21)),)) == []
    assert due(level="yellow", sessions=(("investigation", date(2026, 11, 19)),)) != []
    # Orange: 24 hours (calendar) → Saturday 11-21, weekend or not.
    assert due(level="orange")[0][:2] == ("risk_response", date(2026, 11, 21))
    # Red: without a plan flagged; not reported → due the same day; with a plan, its due date.
    assert due(level="red", reported=False) == [
        ("risk_plan", date(2026, 11, 20), MISSING_PLAN),
        ("risk_response", date(2026, 11, 20), "红色风险须报告乡镇（街道），尚未记录向谁报告")]
    assert due(level="red", has_plan=True, plan_due=date(2026, 12, 4))[0][:2] == ("risk_plan", date(2026, 12, 4))
    # Escalation (Wushan): grid 3 working days, village 24 hours, township answers in 10 working days.
    assert due(handling_level="grid", handling_since=date(2026, 11, 20))[0][:2] == ("escalation", date(2026, 11, 25))
    assert due(handling_level="village", handling_since=date(2026, 11, 20))[0][:2] == ("escalation", date(2026, 11, 21))
    assert due(handling_level="township", handling_since=date(2026, 11, 20))[0][:2] == ("escalation", date(2026, 12, 4))
    assert due(handling_level="county", handling_since=date(2026, 11, 20)) == []
    # Petition-type (source 信访部门移送): 3 见面 → 5 调查 → 7 反馈 → 30 办结, working days.
    petition = {"source": "petition_referred"}
    assert due(**petition) == [("petition", date(2026, 11, 25), "信访事项：3个工作日内见面")]
    assert due(**petition, sessions=(("mediation", date(2026, 11, 21)),))[0][1:] == (
        date(2026, 11, 27), "信访事项：5个工作日内调查")
    both = (("mediation", date(2026, 11, 21)), ("investigation", date(2026, 11, 22)))
    assert due(**petition, sessions=both)[0][1:] == (date(2027, 1, 4), "信访事项：30个工作日内办结")  # 元旦 counted as rest
    # A concluded case has no clock; 3-5-7-30 is a setting.
    assert due(level="red", status="agreed") == []
    assert parse_petition_days("3，5，7，30") == (3, 5, 7, 30) and parse_petition_days("5,3,7,30") is None


def test_today_list_shows_the_clocks_and_flags_an_imported_red_case_without_plan(org_services) -> None:
    s = org_services
    yellow = _case(s, risk_level="yellow", risk_reported_to="村委会")
    grid = _case(s)
    s.risk.set_handling(grid.id, "grid", date(2026, 11, 20))
    petition = _case(s, source="petition_referred")
    quiet = _case(s)
    # An exchange file of a red case (no plan in the format): imported, then flagged.
    doc = s.exchange.export_document([quiet.code])
    doc["cases"][0]["code"] = "（2026）外来人调字第7号"
    doc["cases"][0]["risk_level"] = "red"
    doc["cases"][0]["summary"] = "另一起纠纷：外来案件"
    s.exchange.import_document(doc, allow_duplicates=True)
    items = {(r.kind, r.code): r for r in s.reminders.today_list()}
    assert items[("risk_response", yellow.code)].due == date(2026, 11, 25)
    assert items[("escalation", grid.code)].due == date(2026, 11, 25)
    assert "移交村（社区）" in items[("escalation", grid.code)].detail
    assert items[("petition", petition.code)].due == date(2026, 11, 25)
    flagged = items[("risk_plan", "（2026）外来人调字第7号")]
    assert flagged.detail == MISSING_PLAN and flagged.urgency == "overdue"
    assert not any(code == quiet.code for _kind, code in items)
    assert s.risk.view(s.cases.get_by_code("（2026）外来人调字第7号").id).flags == (MISSING_PLAN,)


def test_referral_letter_and_exchange_file(org_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document as Docx
    from pypdf import PdfReader

    from mediator_desktop import settings as opts
    from mediator_desktop.documents.style import style_from_settings

    style = style_from_settings(opts.Settings(tmp_path / "settings.json"))
    s = org_services
    d = _case(s)
    with pytest.raises(ValidationError) as exc:
        s.referrals.record(d.id, ReferralDraft(kind="transfer", sent_on=date(2026, 11, 22)))
    assert {"to_unit", "reason", "contact"} <= set(_fields(exc))
    r = s.referrals.record(d.id, ReferralDraft(
        kind="report", to_unit="龙门街道矛盾纠纷调处化解中心", reason="村调委会24小时内未能化解，双方情绪激动",
        actions_taken="组织双方调解两次，已报告村委会", contact="杨志强 13800001111", sent_on=date(2026, 11, 22),
        handling_level="township"))
    assert r.from_unit == "龙门街道人民调解委员会" and r.kind_label == "上报"
    view = s.risk.view(d.id)
    assert view.handling_level == "township" and view.handling_since == date(2026, 11, 22)
    assert view.first_receiver == "杨志强"           # 首问负责 stays with the case
    pdf = s.documents.render(d.code, "referral-letter", "pdf", style)
    (tmp_path / "letter.pdf").write_bytes(pdf.data)
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "letter.pdf").pages).replace("\n", "")
    for words in ("移送函", "龙门街道矛盾纠纷调处化解中心", "龙门街道人民调解委员会", "村调委会24小时内未能化解",
                  "组织双方调解两次", "杨志强", d.code):
        assert words in text, words
    docx = s.documents.render(d.code, "referral-letter", "docx", style)
    (tmp_path / "letter.docx").write_bytes(docx.data)
    body = "\n".join(p.text for p in Docx(str(tmp_path / "letter.docx")).paragraphs)
    assert "龙门街道矛盾纠纷调处化解中心" in body and "双方情绪激动" in body and pdf.file_name == f"移送函-{d.code}.pdf"
    assert s.referrals.export_case(d.id, tmp_path / "case.json") == 1
    exported = json.loads((tmp_path / "case.json").read_text(encoding="utf-8"))
    assert [c["code"] for c in exported["cases"]] == [d.code]
    # The answer, later.
    with pytest.raises(ValidationError) as exc:
        s.referrals.record_answer(r.id, r.version, date(2026, 11, 21), "")
    assert {"answered_on", "answer"} <= set(_fields(exc))
    answered = s.referrals.record_answer(r.id, r.version, date(2026, 11, 22), "已受理，由综治中心张主任负责")
    assert answered.answer.startswith("已受理") and s.referrals.of_case(d.id)[0].answered_on == date(2026, 11, 22)


def test_no_letter_without_a_referral(org_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mediator_desktop import settings as opts
    from mediator_desktop.documents.style import style_from_settings
    from mediator_desktop.services.documents import DocumentError

    s = org_services
    d = _case(s)
    with pytest.raises(DocumentError, match="还没有移交或上报记录"):
        s.documents.render(d.code, "referral-letter", "pdf", style_from_settings(opts.Settings(tmp_path / "s.json")))


def test_a_referral_letter_of_a_full_page_keeps_its_seal_and_date_on_it(org_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A letter whose text fills page 1 to three lines from the foot used to push the seal and the
    date alone onto page 2 (the seal's whole line of space above it did not fit)."""
    import io

    from pypdf import PdfReader

    from mediator_desktop import settings as opts
    from mediator_desktop.documents.style import style_from_settings

    s = org_services
    d = _case(s)
    s.referrals.record(d.id, ReferralDraft(
        kind="transfer", to_unit="龙门派出所", reason="涉嫌违反治安管理，" * 3 + "需公安机关处理",
        actions_taken="调解一次，" * 3, contact="段丽 13800001234", sent_on=date(2026, 11, 22)))
    pdf = s.documents.render(d.code, "referral-letter", "pdf", style_from_settings(opts.Settings(tmp_path / "s.json")))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages]
    first = "".join(pages[0].split())
    assert "（龙门街道人民调解委员会印）" in first and "2026年11月22日" in first
    assert first.index("附件") < first.index("（龙门街道人民调解委员会印）") < first.index("2026年11月22日")
    # What does not fit under it is the tear-off receipt alone, kept whole.
    assert len(pages) <= 2 and all("沿此线剪下" in p and "移送原因" not in p and "委员会印" not in p for p in pages[1:])


def test_the_referral_letter_has_its_own_number_contact_lines_an_attachment_for_any_unit_and_a_receipt(  # type: ignore[no-untyped-def]
        org_services, tmp_path) -> None:
    import io

    from pypdf import PdfReader

    from mediator_desktop import settings as opts
    from mediator_desktop.documents.style import style_from_settings

    s = org_services
    style = style_from_settings(opts.Settings(tmp_path / "s.json"))
    d = _case(s)
    for n, unit in enumerate(("龙门派出所", "龙门街道矛盾纠纷调处化解中心"), 1):
        s.referrals.record(d.id, ReferralDraft(
            kind="transfer", to_unit=unit, reason="涉嫌违反治安管理", contact="段丽 13800001234",
            sent_on=date(2026, 11, 22)))
        pdf = s.documents.render(d.code, "referral-letter", "pdf", style)
        lines = [x.strip() for p in PdfReader(io.BytesIO(pdf.data)).pages for x in p.extract_text().splitlines()]
        text = "".join("".join(lines).split())
        assert f"编号：{d.code}移字第{n}号" in text and f"案号：{d.code}" in text     # the letter's own number
        assert "联系人及电话：段丽 13800001234" in lines and "首问负责人：杨志强" in lines   # a line each
        assert "即可接收" not in text and "JSON格式" in text and "书面材料为准" in text
        assert f"你单位移送函（{d.code}移字第{n}号）及所附材料已于" in text
        assert "接收人（签名）" in text and f"{unit}（盖章）" in text
    docx = s.documents.render(d.code, "referral-letter", "docx", style)
    assert docx.document.furniture.number == f"{d.code}移字第2号"
