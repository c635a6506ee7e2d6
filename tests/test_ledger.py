"""The ledger (台账, STATISTICS.md §2) on real SQLite and PostgreSQL: 销号 only once the dispute
is resolved and confirmed, 再挂号 keeping the history; the Excel export reopened with openpyxl;
the import of a messy room ledger refused by row and column with nothing written, and of a clean
one whose cases exist with their fields."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import sample_draft
from sqlalchemy import func, select
from test_agreements import _ready_for_agreed
from test_followups import _agreed, _record

from mediator_desktop.cli import main
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.errors import ConflictError, TransitionError, ValidationError
from mediator_desktop.services.ledger_import import LedgerImportError
from mediator_desktop.services.ledger_xlsx import HEADERS
from mediator_desktop.services.risk import RiskChangeDraft, RiskPlanDraft
from mediator_desktop.storage.models import Case, LedgerEvent

# -- 销号 / 再挂号 ------------------------------------------------------------------------------


def _agreed_case(s):  # type: ignore[no-untyped-def]
    d, view = _agreed(s)
    _ready_for_agreed(s, d.id)
    s.cases.transition(d.id, s.cases.get(d.id).version, "agreed")
    return d, view


def test_cross_off_waits_for_performance_and_reopen_keeps_the_history(org_services, clock) -> None:
    s = org_services
    d, view = _agreed_case(s)
    status = s.ledger.status(d.id)
    assert status.open and status.state_label == "在册" and status.cross_off_problem
    with pytest.raises(TransitionError, match="还有条款未履行，不能销号：第一条（待履行）"):
        s.ledger.cross_off(d.id, date(2026, 11, 22), "")
    money = next(t for t in view.terms if t.kind == "obligation")
    s.agreements.record_performance(money.id, date(2026, 11, 22), "performed", Decimal("12000"))
    with pytest.raises(ValidationError) as err:
        s.ledger.cross_off(d.id, date(2026, 11, 23), "")
    assert err.value.problems[0].field == "on" and "晚于今天" in err.value.problems[0].message
    with pytest.raises(ValidationError, match="不能早于2026年11月21日"):
        s.ledger.cross_off(d.id, date(2026, 11, 19), "")
    status = s.ledger.status(d.id)
    crossed = s.ledger.cross_off(d.id, date(2026, 11, 22), "履行完毕", version=status.version)
    assert crossed.closed_on == date(2026, 11, 22) and crossed.state_label == "已销号"
    assert crossed.text == "台账：已销号（2026年11月22日，测试员）"
    with pytest.raises(TransitionError, match="已于2026年11月22日销号"):
        s.ledger.cross_off(d.id, date(2026, 11, 22), "")

    with pytest.raises(ConflictError):     # a second PC's stale screen (the case moved on)
        s.ledger.reopen(d.id, date(2026, 11, 22), "x", version=status.version)
    with pytest.raises(ValidationError, match="再挂号的原因"):
        s.ledger.reopen(d.id, date(2026, 11, 22), " ")
    again = s.ledger.reopen(d.id, date(2026, 11, 22), "李四又在通道堆放建材")
    assert again.open and again.text == "台账：在册（2026年11月22日再挂号）"
    assert [(e.action, e.actor, e.note) for e in again.events] == [
        ("cross_off", "测试员", "履行完毕"), ("reopen", "测试员", "李四又在通道堆放建材")]
    with pytest.raises(TransitionError, match="不需要再挂号"):
        s.ledger.reopen(d.id, date(2026, 11, 22), "x")
    history = [h.text for h in s.cases.get(d.id).history]
    assert "台账销号（2026年11月22日）：履行完毕" in history
    assert "台账再挂号（2026年11月22日）：李四又在通道堆放建材" in history
    # Crossed off once more: the whole history stays, in order.
    figures = s.ledger.figures(date(2026, 11, 1), date(2026, 11, 30))
    assert (figures.new, figures.crossed_off, figures.reopened, figures.on_books) == (1, 1, 1, 1)
    final = s.ledger.cross_off(d.id, date(2026, 11, 22), "再次调处后无反复")
    figures = s.ledger.figures(date(2026, 11, 1), date(2026, 11, 30))
    assert (figures.crossed_off, figures.on_books) == (1, 0)
    assert figures.text == "本期新增1件，本期销号1件，再挂号1件，期末在册0件"
    assert s.ledger.figures(date(2026, 10, 1), date(2026, 10, 31)).on_books == 0
    assert [e.action for e in final.events] == ["cross_off", "reopen", "cross_off"]
    with s.db.read() as db:
        assert db.scalar(select(Case.ledger_closed_on).where(Case.id == d.id)) == date(2026, 11, 22)
        assert db.scalar(select(func.count()).select_from(LedgerEvent)) == 3


def test_a_visit_with_new_risk_or_a_running_case_is_not_crossed_off(org_services, clock) -> None:
    s = org_services
    d, view = _agreed_case(s)
    visit = next(v for v in s.followups.visits(d.id) if v.kind == "performance")
    _record(s, visit, new_risk=True, risk_note="双方又因停车争吵")
    with pytest.raises(TransitionError, match="回访发现新的纠纷或风险苗头，不能销号"):
        s.ledger.cross_off(d.id, date(2026, 11, 22), "")
    running = s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])]))
    with pytest.raises(TransitionError, match="纠纷还在办理中（登记）"):
        s.ledger.cross_off(running.id, date(2026, 11, 22), "")


def test_a_dispute_ended_without_agreement_is_crossed_off_with_where_it_went(org_services, clock) -> None:
    s = org_services
    plan = RiskPlanDraft(measures="每日上门稳控", lead="赵建国", lead_title="街道党工委副书记",
                         starts_on=date(2026, 11, 20), due_on=date(2026, 12, 4))
    d = s.cases.register(sample_draft(risk_level="red", risk_reported_to="龙门派出所",
                                      risk_reported_on=date(2026, 11, 20), risk_plan=plan))
    d = s.cases.transition(d.id, d.version, "accepted")
    d = s.cases.transition(d.id, d.version, "terminated", reason="李四拒绝继续调解", routes_explained=True,
                           reason_kind="refused")
    with pytest.raises(TransitionError, match="风险等级为“红”，不能销号"):
        s.ledger.cross_off(d.id, date(2026, 11, 22), "已引导起诉")
    # The risk dealt with: lowered on the 风险与移交 tab (a reason is required).
    s.risk.change_level(d.id, s.cases.get(d.id).version, RiskChangeDraft(level="none", note="双方情绪平稳，风险已化解"))
    assert s.ledger.status(d.id).note_required
    with pytest.raises(ValidationError) as err:
        s.ledger.cross_off(d.id, date(2026, 11, 22), "")
    assert err.value.problems[0].field == "note" and "去向" in err.value.problems[0].message
    done = s.ledger.cross_off(d.id, date(2026, 11, 22), "已告知向龙门区人民法院起诉")
    assert done.closed_on == date(2026, 11, 22)
    refused = s.cases.register(sample_draft(summary="另一件纠纷"))
    refused = s.cases.transition(refused.id, refused.version, "not_accepted", reason="已由法院受理")
    assert s.ledger.cross_off(refused.id, date(2026, 11, 22), "已在法院诉讼").closed_on == date(2026, 11, 22)


# -- export ------------------------------------------------------------------------------------


def test_cli_ledger_writes_the_columns_in_order_masked_frozen_and_printable(sqlite_url, clock, tmp_path) -> None:
    from conftest import make_services, setup_org

    s = make_services(sqlite_url, clock)
    s.mediator_ids = setup_org(s)
    d, view = _agreed_case(s)
    money = next(t for t in view.terms if t.kind == "obligation")
    s.agreements.record_performance(money.id, date(2026, 11, 22), "performed", Decimal("12000"))
    s.ledger.cross_off(d.id, date(2026, 11, 22), "履行完毕，电话13800001234回访")
    other = s.cases.register(sample_draft(summary="王五身份证11010519491231002X，借款未还。",
                                          received_on=date(2026, 11, 21)))
    s.cases.register(sample_draft(summary="期外的纠纷", received_on=date(2026, 10, 1)))
    s.close()
    out = tmp_path / "台账.xlsx"
    assert main(["--db", sqlite_url, "ledger", "--from", "2026-11-01", "--to", "2026-11-30", "--xlsx", str(out)]) == 0
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    assert ws["A1"].value == "龙门街道人民调解委员会矛盾纠纷排查化解台账"
    assert "2026年11月1日至2026年11月30日" in ws["A2"].value
    assert "共2件（本期新增2件，本期销号1件，期末在册2件）" in ws["A2"].value   # with the October case
    assert [c.value for c in ws[3]] == list(HEADERS)
    assert ws.freeze_panes == "C4" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:R1", "A2:R2"}
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert len(rows) == 2
    first = dict(zip(HEADERS, rows[0], strict=True))
    assert first["序号"] == 1 and first["案号"] == d.code and first["受理日期"] == datetime(2026, 11, 20)
    assert ws["C4"].number_format == "yyyy-mm-dd" and ws["M4"].number_format == "#,##0.00"
    assert first["来源"] == "当事人申请" and first["纠纷类型"] == "邻里纠纷" and first["当事人"] == "张三、李四"
    assert first["风险等级"] == "无" and first["调解员"] == "杨志强" and first["化解措施"] == "组织调解1次"
    assert first["化解结果"] == "调解成功（2026年11月21日）" and first["协议形式"] == "书面协议"
    assert first["协议金额"] == 12000 and first["履行情况"] == "已履行"
    # The CLI counts with the real date: the visits planned from 2026-11 are late by now or not.
    late = re.fullmatch(r"(?:逾期未回访(\d)次)?；?(?:待回访(\d)次)?", first["回访情况"])
    assert late and sum(int(n or 0) for n in late.groups()) == 3 and first["司法确认"] is None
    assert first["销号日期"] == datetime(2026, 11, 22)
    assert first["备注"] == "2026年11月22日销号（测试员）：履行完毕，电话138****1234回访"
    second = dict(zip(HEADERS, rows[1], strict=True))
    assert second["案号"] == other.code and second["化解结果"] == "登记"
    assert second["纠纷简要情况"] == "王五身份证11**************2X，借款未还。"
    assert ws["G5"].alignment.wrap_text and ws.column_dimensions["G"].width > 25
    # Asked for in full, the numbers stay (the user's choice, audited).
    full = tmp_path / "full.xlsx"
    assert main(["--db", sqlite_url, "ledger", "--from", "2026-11-01", "--to", "2026-11-30", "--xlsx", str(full),
                 "--full-ids"]) == 0
    assert load_workbook(full).active["G5"].value == "王五身份证11010519491231002X，借款未还。"


# -- import ------------------------------------------------------------------------------------


def _ledger_file(path: Path, rows: list[list[object]], *, title_year: int = 2026) -> Path:
    """A room's ledger as it is kept: merged title rows, the header, a blank row or two."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "2026台账"
    ws.append([f"{title_year}年龙门街道矛盾纠纷排查化解台账"])
    ws.merge_cells("A1:L1")
    ws.append(["填报单位：龙门街道人民调解委员会", None, None, None, None, None, "填报人：王芳"])
    ws.merge_cells("A2:F2")
    ws.append(["序号", "受理时间", "来源", "纠纷类型", "当事人姓名", "身份证号码", "简要情况", "风险等级",
               "承办人", "调处结果", "协议金额", "履行情况", "回访情况", "司法确认", "销号日期", "备注"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


MESSY = [
    [1, date(2026, 3, 2), "当事人申请", "邻里纠纷", "张三、李四", "11010519491231002X", "通道堆放建材", "无", "杨志强",
     "调解成功 2026.3.5", "1,200元", "已履行", "3月20日电话回访，满意", "", "2026/3/25", "已结"],
    [],
    [2, "2026.3.6", "网格上报", "婚姻家庭", "王五、赵六", "440524188001010015", "离婚后子女抚养", "黄", "王芳",
     "调解中", None, None, None, None, None, None],
    [3, "3月9日", "来访", "宠物纠纷", "钱七、孙八", None, "狗咬伤人", "无", "王芳", "成功（3月12日）", 800, "部分履行",
     None, None, None, None],
    [None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None],
    [4, "2026年3月40日", "公安机关移送", "道路交通事故纠纷", "周九", None, "电动车相撞", "红色", "杨志强",
     "终止", None, None, None, None, "2026-03-31", None],
]


def test_a_messy_ledger_is_refused_by_row_and_column_and_nothing_is_written(org_services, clock, tmp_path) -> None:
    s = org_services
    path = _ledger_file(tmp_path / "台账.xlsx", MESSY)
    sheet = s.ledger.read_sheet(path)
    assert sheet.header_row == 3 and sheet.title_year == 2026
    assert [r for r, _v in sheet.rows] == [4, 6, 7, 9]          # blank rows skipped
    mapping = sheet.proposed
    assert sheet.column_name(mapping["received_on"]) == "受理时间"
    assert sheet.column_name(mapping["parties"]) == "当事人姓名"
    assert sheet.column_name(mapping["id_numbers"]) == "身份证号码"
    assert sheet.column_name(mapping["summary"]) == "简要情况"
    assert sheet.column_name(mapping["result"]) == "调处结果" and mapping["code"] is None
    with pytest.raises(LedgerImportError) as err:
        s.ledger.import_sheet(sheet, mapping)
    assert err.value.problems == [
        "第6行 身份证号码：王五的身份证号码校验位不正确，请逐位核对",
        "第7行 纠纷类型：纠纷类型“宠物纠纷”不在纠纷类型表中（可先在 设置 → 纠纷类型 中添加）",
        "第9行 受理时间：“2026年3月40日”不是有效的日期",
    ]
    with s.db.read() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 0
        assert db.scalar(select(func.count()).select_from(LedgerEvent)) == 0


def test_a_clean_ledger_imports_every_row_with_its_fields_and_cross_off(org_services, clock, tmp_path) -> None:
    s = org_services
    clean = [list(r) for r in MESSY if r and any(v is not None for v in r)]
    clean[1][5] = "440524188001010014"
    clean[2][3] = "邻里"
    clean[3][1] = "2026-03-10"
    clean[3][9] = "调解不成 2026.3.20"
    clean[3][14] = None
    path = _ledger_file(tmp_path / "台账.xlsx", clean)
    sheet = s.ledger.read_sheet(path)
    checked = s.ledger.import_sheet(sheet, sheet.proposed, dry_run=True)
    assert checked.dry_run and len(checked.created) == 4
    with s.db.read() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 0
    result = s.ledger.import_sheet(sheet, sheet.proposed)
    assert len(result.created) == 4 and result.crossed_off == 1
    first = s.cases.get_by_code(result.created[0])
    assert first.received_on == date(2026, 3, 2) and first.dispute_type == "邻里纠纷"
    assert first.source == "party_application" and first.status == "agreed"
    assert [p.name for p in first.parties] == ["张三", "李四"] and first.parties[0].id_number == "11010519491231002X"
    assert [m.name for m in first.mediators] == ["杨志强"]
    agreement = s.agreements.get(first.id)
    assert agreement is not None and agreement.signed_on == date(2026, 3, 5)
    assert agreement.terms[0].amount == Decimal("1200.00") and agreement.terms[0].status == "performed"
    ledger = s.ledger.status(first.id)
    assert ledger.closed_on == date(2026, 3, 25) and "由台账导入" in ledger.events[0].note
    visits = s.followups.visits(first.id)
    assert [(v.done_on, v.satisfaction) for v in visits] == [(date(2026, 3, 20), "满意")]
    assert any("由台账第4行导入：备注：已结" in h.text for h in first.history)
    second = s.cases.get_by_code(result.created[1])
    assert second.received_on == date(2026, 3, 6) and second.source == "grid_reported"
    assert second.risk_level == "yellow" and second.status == "in_mediation"
    third = s.cases.get_by_code(result.created[2])
    assert third.received_on == date(2026, 3, 9) and third.dispute_type == "邻里纠纷"
    assert s.agreements.get(third.id).signed_on == date(2026, 3, 12)   # 3月12日, the year from the title
    assert s.agreements.get(third.id).terms[0].status == "partly_performed"
    assert s.ledger.status(third.id).open
    fourth = s.cases.get_by_code(result.created[3])
    assert fourth.status == "terminated" and fourth.termination is not None
    assert fourth.termination.on == date(2026, 3, 20) and fourth.risk_level == "red"
    assert fourth.source == "police_referred"


def test_cli_import_ledger_with_a_mapping_file(sqlite_url, clock, tmp_path, capsys) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "谁", "什么纠纷", "经过", "结果"])
    ws.append([46086, "甲某、乙某", "合同纠纷", "货款未付", "调解中"])   # an Excel date serial typed as a number
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"columns": {"受理日期": "A", "当事人": "谁", "纠纷类型": 3,
                                               "纠纷简要情况": "经过", "化解结果": "E"}}, ensure_ascii=False))
    args = ["--db", sqlite_url, "import-ledger", str(path), "--mapping", str(mapping)]
    assert main([*args, "--dry-run"]) == 0
    assert "检查通过：1行都可以导入" in capsys.readouterr().out
    assert main(args) == 0
    assert "已导入1件案件" in capsys.readouterr().out
    from conftest import make_services

    s = make_services(sqlite_url, clock)
    try:
        row = s.cases.page(__import__("mediator_desktop.services.dto", fromlist=["CaseQuery"]).CaseQuery())[0]
        assert row.received_on == date(2026, 3, 5) and row.party_names == "甲某、乙某"
    finally:
        s.close()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"columns": {"年龄": "B"}}, ensure_ascii=False))
    assert main(["--db", sqlite_url, "import-ledger", str(path), "--mapping", str(bad)]) == 1
    assert "“年龄”不是台账的列" in capsys.readouterr().err


def test_an_exported_ledger_imports_into_another_database(org_services, clock, tmp_path) -> None:
    """The room moves its ledger: what the export writes, the import reads back — codes, dates,
    states with their dates, amounts, performance and 销号."""
    from conftest import make_services, setup_org

    s = org_services
    d, view = _agreed_case(s)
    money = next(t for t in view.terms if t.kind == "obligation")
    s.agreements.record_performance(money.id, date(2026, 11, 22), "performed", Decimal("12000"))
    s.ledger.cross_off(d.id, date(2026, 11, 22), "履行完毕")
    ended = s.cases.register(sample_draft(summary="另一件纠纷", received_on=date(2026, 11, 21)))
    ended = s.cases.transition(ended.id, ended.version, "accepted")
    s.cases.transition(ended.id, ended.version, "terminated", reason="李四拒绝继续调解", routes_explained=True,
                       reason_kind="refused")
    path = tmp_path / "台账.xlsx"
    assert s.ledger.export_xlsx(path, date(2026, 11, 1), date(2026, 11, 30)) == 2

    other = make_services(f"sqlite:///{tmp_path / 'other.sqlite3'}", clock)
    try:
        setup_org(other)
        sheet = other.ledger.read_sheet(path)
        assert sheet.header_row == 3 and len(sheet.rows) == 2
        assert all(index is not None for key, index in sheet.proposed.items() if key != "id_numbers")
        result = other.ledger.import_sheet(sheet, sheet.proposed)
        assert result.created == [d.code, ended.code] and result.crossed_off == 1
        first = other.cases.get_by_code(d.code)
        assert (first.received_on, first.status, first.dispute_type) == (date(2026, 11, 20), "agreed", "邻里纠纷")
        assert [p.name for p in first.parties] == ["张三", "李四"] and [m.name for m in first.mediators] == ["杨志强"]
        agreement = other.agreements.get(first.id)
        assert agreement.signed_on == date(2026, 11, 21) and agreement.terms[0].amount == Decimal("12000.00")
        assert agreement.terms[0].status == "performed"
        assert other.ledger.status(first.id).closed_on == date(2026, 11, 22)
        second = other.cases.get_by_code(ended.code)
        assert second.status == "terminated" and second.termination.on == date(2026, 11, 22)
        assert other.ledger.status(second.id).open
    finally:
        other.close()


def test_a_cancelled_export_leaves_no_file_and_a_cancelled_import_writes_nothing(org_services, clock, tmp_path) -> None:
    from mediator_desktop.services.errors import Cancelled

    s = org_services
    s.cases.register(sample_draft())
    target = tmp_path / "台账.xlsx"
    with pytest.raises(Cancelled):
        s.ledger.export_xlsx(target, date(2026, 11, 1), date(2026, 11, 30), cancelled=lambda: True)
    assert not target.exists() and not list(tmp_path.glob("*.xlsx*"))
    clean = [list(r) for r in MESSY if r and any(v is not None for v in r)][:1]
    sheet = s.ledger.read_sheet(_ledger_file(tmp_path / "旧台账.xlsx", clean))
    steps = []
    with pytest.raises(Cancelled):
        s.ledger.import_sheet(sheet, sheet.proposed, progress=lambda done, total: steps.append(done),
                              cancelled=lambda: len(steps) > 2)
    with s.db.read() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 1
        assert db.scalar(select(func.count()).select_from(LedgerEvent)) == 0


def test_a_case_agreed_without_a_recorded_agreement_needs_a_visit(org_services, clock) -> None:
    """Imported as 调解成功 with no agreement on record (old data): nothing to perform is known,
    so a visit must have found no new risk; the case view's line reads cheaply all the same."""
    s = org_services
    d = s.cases.register(sample_draft())
    with s.db.write() as db:
        db.get(Case, d.id).status = "agreed"  # type: ignore[union-attr]
    assert s.ledger.status(d.id).cross_off_problem == \
        "本案没有登记协议内容，须经回访确认没有新的纠纷或风险苗头后才能销号"
    line = s.ledger.line(d.id)
    assert line.open and line.last is None and line.text == "台账：在册"


def test_a_file_that_is_not_an_xlsx_ledger_is_refused_in_chinese(org_services, tmp_path) -> None:
    from mediator_desktop.services.errors import ServiceError

    s = org_services
    old = tmp_path / "台账.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0not really")
    with pytest.raises(ServiceError, match="不是 .xlsx 文件：请先用 Excel 或 WPS 打开它"):
        s.ledger.read_sheet(old)
    broken = tmp_path / "台账.xlsx"
    broken.write_text("这不是表格", encoding="utf-8")
    with pytest.raises(ServiceError, match="它不是完好的 Excel 工作簿"):
        s.ledger.read_sheet(broken)
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "年龄"])
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(ServiceError, match="找不到表头"):
        s.ledger.read_sheet(tmp_path / "other.xlsx")


def test_a_day_without_its_year_after_new_year_belongs_to_the_next_year(org_services, clock, tmp_path) -> None:
    from openpyxl import Workbook

    s = org_services
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年矛盾纠纷台账"])
    ws.append(["受理日期", "当事人", "纠纷类型", "纠纷简要情况", "化解结果", "协议金额", "履行情况", "销号日期"])
    ws.append(["12月28日", "甲某、乙某", "邻里纠纷", "屋檐滴水", "调解成功（1月5日）", 500, "已履行", "1月20日"])
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    sheet = s.ledger.read_sheet(path)
    assert sheet.title_year == 2025
    result = s.ledger.import_sheet(sheet, sheet.proposed)
    case = s.cases.get_by_code(result.created[0])
    assert case.received_on == date(2025, 12, 28)
    assert s.agreements.get(case.id).signed_on == date(2026, 1, 5)
    assert s.ledger.status(case.id).closed_on == date(2026, 1, 20)


def test_the_ledger_says_visits_months_overdue_are_overdue_not_to_do(org_services, clock, tmp_path) -> None:
    """回访情况: a planned visit whose day has passed is 逾期未回访, not 待回访."""
    from openpyxl import load_workbook

    s = org_services
    d, _view = _agreed_case(s)
    with s.db.read() as db:
        from mediator_desktop.storage.models import FollowUp

        dues = sorted(db.scalars(select(FollowUp.due_on).where(FollowUp.case_id == d.id, FollowUp.done_on.is_(None))))
    assert len(dues) == 3 and dues[0] > clock.value.date()

    def visits_cell() -> str:
        out = tmp_path / "台账.xlsx"
        s.ledger.export_xlsx(out, date(2026, 11, 1), date(2026, 11, 30))
        ws = load_workbook(out).active
        first = dict(zip(HEADERS, [c.value for c in ws[4]], strict=True))
        return str(first["回访情况"])

    assert visits_cell() == "待回访3次"
    clock.value = datetime.combine(dues[0], datetime.min.time()) + (datetime(2026, 1, 2) - datetime(2026, 1, 1))
    late = sum(1 for due in dues if due < clock.value.date())
    assert visits_cell() == f"逾期未回访{late}次" + (f"；待回访{3 - late}次" if late < 3 else "")
    clock.value = datetime(2027, 12, 1, 9, 0)
    assert visits_cell() == "逾期未回访3次"
