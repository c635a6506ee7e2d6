"""The screening log (排查) and joint case conferences (联席会议) on real SQLite and PostgreSQL:
rounds with their items and each outcome, nil reports, the period figures, the 本期尚未排查
reminder, and conference tasks as deadlines in the today list and the agenda."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from conftest import sample_draft

from mediator_desktop.domain.enums import ReminderKind
from mediator_desktop.services.conferences import ConferenceDraft, Participant, TaskDraft
from mediator_desktop.services.errors import TransitionError, ValidationError
from mediator_desktop.services.reminders import to_ics
from mediator_desktop.services.screening import ItemDraft, RoundDraft, screening_period


def _problems(err: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.field: p.message for p in err.value.problems}


def _type_id(s, name: str) -> int:  # type: ignore[no-untyped-def]
    return next(t.id for t in s.dispute_types.list() if t.name == name)


def _round(s, held_on=date(2026, 11, 18), items=None):  # type: ignore[no-untyped-def]
    items = items if items is not None else [
        ItemDraft("张某等三户", _type_id(s, "邻里纠纷"), "排水沟堵塞，雨天积水流入邻家", "yellow"),
        ItemDraft("", None, "村民反映工地拖欠两名工人工资", "orange"),
        ItemDraft("王某、赵某", _type_id(s, "婚姻家庭纠纷"), "夫妻争吵，邻居劝过多次", "none"),
    ]
    return s.screening.save(None, RoundDraft(held_on, "幸福村3组", "王芳、网格员李明", False, "", items))


def test_a_round_with_items_and_each_outcome(org_services) -> None:
    s = org_services
    rnd = _round(s)
    assert [i.outcome for i in rnd.items] == ["open"] * 3
    assert rnd.items[0].dispute_type == "邻里纠纷" and rnd.items[1].parties == ""
    first, second, third = rnd.items

    # 预防: date and note required, the date not before the round nor after today.
    with pytest.raises(ValidationError) as err:
        s.screening.prevent(first.id, date(2026, 11, 17), "")
    assert set(_problems(err)) == {"on", "note"}
    assert "排查日期" in _problems(err)["on"]
    prevented = s.screening.prevent(first.id, date(2026, 11, 19), "组织疏通排水沟，三户签字认可")
    assert prevented.outcome == "prevented" and "疏通" in prevented.outcome_text
    with pytest.raises(TransitionError):
        s.screening.refer(first.id, date(2026, 11, 19), "镇劳动保障所")

    # 移交: to whom is required.
    with pytest.raises(ValidationError) as err:
        s.screening.refer(second.id, date(2026, 11, 19), " ")
    assert "referred_to" in _problems(err)
    referred = s.screening.refer(second.id, date(2026, 11, 19), "镇劳动保障所", "涉及欠薪")
    assert referred.referred_to == "镇劳动保障所" and "移交镇劳动保障所" in referred.outcome_text

    # 转为案件: the intake is prefilled from the item; saving links the case.
    draft = s.screening.case_draft(third.id)
    assert draft.dispute_type == "婚姻家庭纠纷" and "夫妻争吵" in draft.summary
    assert "幸福村3组" in draft.summary and "王某、赵某" in draft.summary
    assert draft.source == "committee_initiative" and draft.received_on == date(2026, 11, 22)
    draft.parties = sample_draft().parties
    draft.requests = ["调解夫妻矛盾"]
    case = s.cases.register(draft)
    linked = s.screening.link_case(third.id, case.id)
    assert linked.outcome == "case" and linked.case_code == case.code and linked.case_id == case.id
    with pytest.raises(TransitionError):
        s.screening.link_case(second.id, case.id)

    row = s.screening.rounds()[0]
    assert (row.found, row.prevented, row.referred, row.to_case, row.open) == (3, 1, 1, 1, 0)
    assert "转案件1" in row.result_text
    # An item that became a case, or was prevented, cannot be removed; nor the round with a case.
    view = s.screening.get(rnd.id)
    d = view.to_draft()
    d.items = d.items[1:]
    with pytest.raises(ValidationError):
        s.screening.save(rnd.id, d)
    with pytest.raises(TransitionError):
        s.screening.delete(rnd.id)
    # 撤销 a referral made by mistake: it is open again.
    assert s.screening.reopen(second.id).outcome == "open"
    history = [h.text for h in s.cases.get(case.id).history]
    assert any("由排查发现的纠纷转为案件" in h for h in history)


def test_nil_report_and_its_guards(org_services) -> None:
    s = org_services
    with pytest.raises(ValidationError) as err:
        s.screening.save(None, RoundDraft(date(2026, 11, 20), "幸福村", "王芳", False, "", []))
    assert "零报告" in _problems(err)["items"]
    with pytest.raises(ValidationError) as err:
        s.screening.save(None, RoundDraft(date(2026, 11, 20), "幸福村", "王芳", True, "",
                                          [ItemDraft("", None, "有纠纷", "none")]))
    assert "nil_report" in _problems(err)
    with pytest.raises(ValidationError) as err:
        s.screening.save(None, RoundDraft(date(2026, 11, 23), "", "", True))
    assert set(_problems(err)) == {"held_on", "area", "screeners"}
    nil = s.screening.save(None, RoundDraft(date(2026, 11, 20), "幸福村", "王芳", True, "未发现矛盾纠纷"))
    assert nil.nil_report and nil.items == ()
    assert s.screening.rounds()[0].result_text == "零报告"


def test_counts_for_a_period(org_services) -> None:
    s = org_services
    october = _round(s, held_on=date(2026, 10, 28))
    s.screening.save(None, RoundDraft(date(2026, 11, 3), "幸福村", "王芳", True))
    november = _round(s, held_on=date(2026, 11, 18))
    # Prevented in November, though found in October: counted in November's 预防纠纷数.
    s.screening.prevent(october.items[0].id, date(2026, 11, 2), "当场调解")
    s.screening.prevent(november.items[0].id, date(2026, 11, 20), "当场调解")
    s.screening.refer(november.items[1].id, date(2026, 11, 20), "派出所")
    f = s.screening.figures(date(2026, 11, 1), date(2026, 11, 30))
    assert (f.rounds, f.found, f.prevented, f.referred, f.to_case) == (2, 3, 2, 1, 0)
    assert set(f.found_ids) == {i.id for i in november.items}
    assert set(f.prevented_ids) == {october.items[0].id, november.items[0].id}
    assert s.screening.round_count(date(2026, 10, 1), date(2026, 10, 31)) == 1
    assert s.screening.found_count(date(2026, 10, 1), date(2026, 10, 31)) == 3
    assert s.screening.prevented_count(date(2026, 10, 1), date(2026, 10, 31)) == 0
    assert [r.held_on for r in s.screening.rounds(date(2026, 11, 1), date(2026, 11, 30))] == [
        date(2026, 11, 18), date(2026, 11, 3)]


def test_screening_periods() -> None:
    assert screening_period(date(2026, 11, 22), 2) == (date(2026, 11, 16), date(2026, 11, 30))
    assert screening_period(date(2026, 11, 15), 2) == (date(2026, 11, 1), date(2026, 11, 15))
    assert screening_period(date(2026, 12, 16), 2) == (date(2026, 12, 1), date(2026, 12, 16))
    assert screening_period(date(2026, 12, 17), 2) == (date(2026, 12, 17), date(2026, 12, 31))
    assert screening_period(date(2026, 2, 10), 31) == (date(2026, 2, 10), date(2026, 2, 10))
    assert screening_period(date(2026, 2, 10), 1) == (date(2026, 2, 1), date(2026, 2, 28))


def test_not_yet_screened_this_period_is_a_reminder(org_services, clock) -> None:
    s = org_services
    kinds = {r.kind for r in s.reminders.today_list()}
    assert ReminderKind.SCREENING.value not in kinds            # no screening log kept: no nagging
    _round(s, held_on=date(2026, 11, 10))                      # last period (1st–15th)
    clock.value = datetime(2026, 11, 25, 9, 0)                 # 16th–30th: nothing yet
    screening = [r for r in s.reminders.today_list() if r.kind == ReminderKind.SCREENING.value]
    assert len(screening) == 1 and screening[0].due == date(2026, 11, 30)
    assert "本期尚未排查" in screening[0].detail and screening[0].case_id == 0
    s.ctx.screening_per_month = 0
    assert not [r for r in s.reminders.today_list() if r.kind == ReminderKind.SCREENING.value]
    s.ctx.screening_per_month = 2
    s.screening.save(None, RoundDraft(date(2026, 11, 24), "幸福村", "王芳", True))
    assert not [r for r in s.reminders.today_list() if r.kind == ReminderKind.SCREENING.value]


def test_conference_tasks_are_deadlines_until_done(org_services) -> None:
    s = org_services
    case = s.cases.register(sample_draft())
    with pytest.raises(ValidationError) as err:
        s.conferences.save(None, ConferenceDraft(date(2026, 11, 21), "", "", [], ["（2026）不存在第9号"], "",
                                                 [TaskDraft("", "", None)]))
    problems = _problems(err)
    assert {"topic", "participants", "case_codes", "tasks[0].who", "tasks[0].what", "tasks[0].due_on"} <= set(problems)
    assert "不存在" in problems["case_codes"]
    view = s.conferences.save(None, ConferenceDraft(
        date(2026, 11, 21), "镇综治中心", "张某与李某相邻通行纠纷会诊",
        [Participant("刘军", "镇派出所"), Participant("陈静", "司法所")], [case.code],
        "先由村委会清除堆放物，再组织双方调解",
        [TaskDraft("幸福村委会", "清除通道上的建材", date(2026, 11, 25)),
         TaskDraft("刘军", "向李四宣讲相关法律", date(2026, 12, 31))]))
    assert view.cases[0].code == case.code and "刘军（镇派出所）" in view.participants_text
    today = s.reminders.today_list()
    tasks = [r for r in today if r.kind == ReminderKind.CONFERENCE_TASK.value]
    assert [(r.party, r.due, r.code) for r in tasks] == [("幸福村委会", date(2026, 11, 25), case.code)]
    assert "清除通道" in tasks[0].detail and tasks[0].kind_label == "会商任务"
    assert tasks[0].urgency in ("urgent", "soon")
    agenda = [r for r in s.reminders.items(date(2026, 11, 1), date(2027, 1, 31))
              if r.kind == ReminderKind.CONFERENCE_TASK.value]
    assert [r.due for r in agenda] == [date(2026, 11, 25), date(2026, 12, 31)]
    assert "会商任务 · 幸福村委会".encode() in to_ics(agenda)
    assert [c.id for c in s.conferences.conferences(case_id=case.id)] == [view.id]
    s.conferences.set_task_done(view.tasks[0].id, date(2026, 11, 22))
    assert not [r for r in s.reminders.items() if r.kind == ReminderKind.CONFERENCE_TASK.value
                and r.ref_id == view.tasks[0].id]
    row = s.conferences.conferences()[0]
    assert (row.tasks, row.open_tasks, row.case_codes) == (2, 1, case.code)
    assert any("联席会议" in h.text for h in s.cases.get(case.id).history)


def test_conference_tasks_in_the_agenda_command_and_its_ics(sqlite_url, clock, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from conftest import make_services, setup_org

    from mediator_desktop import cli

    s = make_services(sqlite_url, clock)
    setup_org(s)
    case = s.cases.register(sample_draft())
    task = TaskDraft("幸福村委会", "清除通道上的建材", date(2026, 11, 25))
    s.conferences.save(None, ConferenceDraft(date(2026, 11, 21), "", "会诊", [Participant("刘军", "镇派出所")],
                                             [case.code], "", [task]))
    s.close()
    ics = tmp_path / "agenda.ics"
    assert cli.main(["agenda", "--db", sqlite_url, "--ics", str(ics)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "会商任务" in x)
    assert "2026-11-25" in line and case.code in line and "幸福村委会" in line and "清除通道" in line
    assert "会商任务 · 幸福村委会".encode() in ics.read_bytes()


def test_the_conference_record_prints_in_pdf_and_word(org_services, tmp_path) -> None:
    import io

    import docx
    from pypdf import PdfReader

    from mediator_desktop import settings as opts
    from mediator_desktop.documents.style import style_from_settings
    from mediator_desktop.services.documents import DocumentError

    s = org_services
    case = s.cases.register(sample_draft())
    style = style_from_settings(opts.Settings(tmp_path / "settings.json"))
    with pytest.raises(DocumentError, match="本案还没有联席会议记录"):
        s.documents.render(case.code, "conference-record", "pdf", style)
    s.conferences.save(None, ConferenceDraft(
        date(2026, 11, 21), "镇综治中心会议室", "相邻通行纠纷会诊",
        [Participant("刘军", "镇派出所"), Participant("陈静", "镇司法所")], [case.code], "先清除堆放物，再组织调解",
        [TaskDraft("幸福村委会", "清除通道上的建材", date(2026, 11, 25), date(2026, 11, 22)),
         TaskDraft("刘军", "向李四宣讲相关法律", date(2026, 12, 31))]))
    pdf = s.documents.render(case.code, "conference-record", "pdf", style)
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in ("联席会议记录", "2026年11月21日", "镇综治中心会议室", "相邻通行纠纷会诊", "刘军（镇派出所）",
                     "陈静（镇司法所）", case.code, "先清除堆放物，再组织调解", "幸福村委会：清除通道上的建材",
                     "已于2026年11月22日完成", "2026年12月31日前完成", "参加人员签名"):
        assert expected in text, expected
    (tmp_path / "conference.pdf").write_bytes(pdf.data)
    word = s.documents.render(case.code, "conference-record", "docx", style)
    opened = docx.Document(io.BytesIO(word.data))
    cells = "".join(c.text for t in opened.tables for r in t.rows for c in r.cells)
    assert "相邻通行纠纷会诊" in cells and "向李四宣讲相关法律" in cells
    assert any("生成联席会议记录" in h.text for h in s.cases.get(case.id).history)


def test_the_conference_record_keeps_its_signatures_seal_and_date_on_page_one(org_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Three participants used to move the whole signature table, the seal and the date to page 2,
    leaving a third of page 1 empty; only the last row now stays with the seal and the date."""
    import io

    from pypdf import PdfReader

    from mediator_desktop import settings as opts
    from mediator_desktop.documents.style import style_from_settings

    s = org_services
    case, other = s.cases.register(sample_draft()), s.cases.register(sample_draft())
    s.conferences.save(None, ConferenceDraft(
        date(2026, 11, 21), "镇综治中心会议室", "相邻通行纠纷会诊",
        [Participant("刘军", "镇派出所"), Participant("陈静", "镇司法所"),
         Participant("欧阳明华", "龙门街道人民调解委员会")],
        [case.code, other.code], "先清除堆放物，再组织调解",
        [TaskDraft("幸福村委会", "清除通道上的建材", date(2026, 11, 25), date(2026, 11, 22)),
         TaskDraft("刘军", "向李四宣讲相关法律", date(2026, 12, 31))]))
    pdf = s.documents.render(case.code, "conference-record", "pdf", style_from_settings(opts.Settings(tmp_path / "s.json")))
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    assert len(pages) == 1, ["".join(p.extract_text().split())[:40] for p in pages]
    lines = pages[0].extract_text().splitlines()
    assert "（龙门街道人民调解委员会印）" in lines[-4] + lines[-3] and "2026年11月21日" in "".join(lines[-4:])
    assert any(line.strip() == "龙门街道人民调解委员会" for line in lines), lines   # the unit on one line



def test_the_conference_record_names_the_parties_in_full_and_numbers_every_case(org_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """涉及案件 showed the cases' masked titles (张某与李某…) beside a 议题 in full names, and the 编号
    named the printed case alone although the meeting discussed two."""
    import io

    from pypdf import PdfReader

    from mediator_desktop import settings as opts
    from mediator_desktop.documents.style import style_from_settings

    s = org_services
    case, other = s.cases.register(sample_draft()), s.cases.register(sample_draft())
    s.conferences.save(None, ConferenceDraft(date(2026, 11, 21), "镇综治中心", "张三与李四相邻通行纠纷会诊",
                                             [Participant("刘军", "镇派出所")], [case.code, other.code], "先清除堆放物", []))
    pdf = s.documents.render(other.code, "conference-record", "pdf", style_from_settings(opts.Settings(tmp_path / "s.json")))
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert f"{case.code}张三、李四之间的邻里纠纷" in text and f"{other.code}张三、李四之间的邻里纠纷" in text
    assert "张某与李某" not in text
    assert f"编号：{other.code}、{case.code}" in text
