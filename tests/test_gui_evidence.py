"""The “证据与材料” and “卷宗” tabs as a mediator uses them (offscreen): add files, look at them,
refile and delete them, watch the checklist fill, and try to archive."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from conftest import sample_draft
from gui_helpers import click, click_ok, start_gui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from mediator_desktop import settings as opts
from mediator_desktop.documents.model import Document, para
from mediator_desktop.documents.render_pdf import render_pdf
from mediator_desktop.documents.style import style_from_settings
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.storage.models import AuditEntry, CaseParty
from mediator_desktop.ui.case.checklist_panel import ChecklistModel, ChecklistPanel
from mediator_desktop.ui.case.evidence_panel import AttachmentTableModel, EvidencePanel

pytestmark = pytest.mark.gui


@pytest.fixture
def gui(qapp, sqlite_services):  # type: ignore[no-untyped-def]
    start_gui(qapp, sqlite_services)
    mediator = MediatorAssignment(sqlite_services.mediator_ids[0])
    case_id = sqlite_services.cases.register(sample_draft(mediators=[mediator])).id
    return sqlite_services, case_id


def png(color: str = "white", size: tuple[int, int] = (800, 500)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    ImageDraw.Draw(image).rectangle((40, 40, size[0] - 40, size[1] - 40), outline="black", width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def files(tmp_path: Path) -> dict[str, Path]:
    import docx

    style = style_from_settings(opts.Settings())
    made = {
        "id": ("张三身份证.png", png()),
        "pdf": ("授权委托书.pdf", render_pdf(Document("x", "授权委托书", [para("委托张小明为代理人。")]), style)),
        "empty": ("空白.jpg", b""),
        "notice": ("告知书签字页.png", png("lightyellow")),
        "record": ("调解记录签字页.png", png("lightblue")),
    }
    out = {}
    for key, (name, data) in made.items():
        out[key] = tmp_path / name
        out[key].write_bytes(data)
    document = docx.Document()
    document.add_paragraph("情况说明")
    out["docx"] = tmp_path / "情况说明.docx"
    document.save(str(out["docx"]))
    return out


def row_of(panel: EvidencePanel, name: str) -> int:
    return next(i for i, v in enumerate(panel.model.rows) if v.name == name)


def test_models_pass_qtmodeltester(qtmodeltester, gui, tmp_path: Path) -> None:
    services, case_id = gui
    model = AttachmentTableModel()
    qtmodeltester.check(model)                                      # empty
    f = files(tmp_path)
    services.evidence.add_file(case_id, 6, f["notice"])
    services.evidence.add_file(case_id, 3, f["id"])
    model.set_rows(services.evidence.attachments(case_id))
    qtmodeltester.check(model)
    assert [model.data(model.index(r, 0)) for r in range(2)] == ["第3项　当事人身份证明材料", "第6项　证据材料"]
    sha = services.evidence.attachments(case_id)[0].sha256
    assert model.data(model.index(0, 6)) == sha[:12]
    assert sha in model.data(model.index(0, 6), Qt.ItemDataRole.ToolTipRole)

    checklist = ChecklistModel()
    qtmodeltester.check(checklist)
    checklist.set_rows(services.evidence.checklist(case_id))
    qtmodeltester.check(checklist)
    assert checklist.rowCount() == 13
    assert checklist.data(checklist.index(2, 3)) == "✔ 已有"
    assert checklist.data(checklist.index(6, 3)) == "✘ 缺少"
    assert checklist.data(checklist.index(6, 2)) == "必须"
    assert checklist.data(checklist.index(5, 3)) == "✔ 已有"
    assert checklist.data(checklist.index(8, 3)) == "— 无"
    red = checklist.data(checklist.index(6, 3), Qt.ItemDataRole.ForegroundRole)
    assert red.color().name() == "#b00020"


def test_add_files_preview_open_save_move_and_delete(qtbot, gui, tmp_path: Path) -> None:
    services, case_id = gui
    opened: list[Path] = []
    panel = EvidencePanel(services, opener=lambda p: opened.append(p) or True)
    qtbot.addWidget(panel)
    panel.show_case(case_id)
    assert panel.empty.isVisibleTo(panel) and not panel.open_button.isEnabled()
    f = files(tmp_path)

    with qtbot.waitSignal(panel.changed) as changed:
        added = panel.add_paths([f["id"], f["pdf"], f["empty"], f["docx"]], 3)
    assert changed.args == [case_id]
    assert [v.name for v in added] == ["张三身份证.png", "授权委托书.pdf", "情况说明.docx"]
    assert panel.model.rowCount() == 3 and not panel.empty.isVisibleTo(panel)
    assert "已添加3个文件到第3项" in panel.info.text()
    assert "空白.jpg" in panel.message.text() and "是空的" in panel.message.text()
    assert panel.message.isVisibleTo(panel) and panel.info.isVisibleTo(panel)

    # The same file again: asked first (non-blocking), added only when confirmed.
    assert panel.add_paths([f["id"]], 6) == []
    box = panel.confirm_box
    assert box is not None and box.isVisible() and "已经添加过" in box.text()
    with qtbot.waitSignal(panel.changed):
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    assert panel.model.rowCount() == 4
    assert [v.item for v in panel.model.rows] == [3, 3, 3, 6]

    # Preview an image and a PDF inside the application; a Word file says to use 打开.
    panel.table.selectRow(row_of(panel, "张三身份证.png"))
    assert panel.preview_button.isEnabled()
    click(qtbot, panel.preview_button)
    preview = panel.preview
    assert preview is not None and preview.isVisible() and preview.kind == "image"
    assert preview.image.width() == 800 and not preview.label.pixmap().isNull()
    preview.close()
    panel.table.selectRow(row_of(panel, "授权委托书.pdf"))
    pdf_preview = panel.preview_selected()
    assert pdf_preview is not None and pdf_preview.kind == "pdf" and pdf_preview.pdf.pageCount() == 1
    page = pdf_preview.pdf.render(0, pdf_preview.pdf.pagePointSize(0).toSize())
    inked = [page.pixelColor(x, y).alpha() for x in range(0, page.width(), 4) for y in range(0, page.height(), 4)]
    assert not page.isNull() and any(inked)                 # the page really renders
    pdf_preview.close()
    panel.table.selectRow(row_of(panel, "情况说明.docx"))
    word = panel.preview_selected()
    assert word is not None and word.kind == "none" and "不能在这里预览" in word.message.text()
    word.close()
    with services.db.read() as s:   # previewing the ID copy (item 3) is in the audit trail
        views = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "view_attachment")))
    assert [v.detail["purpose"] for v in views] == ["预览", "预览", "预览"]

    # 打开: a temporary copy handed to the computer's program.
    click(qtbot, panel.open_button)
    assert len(opened) == 1 and opened[0].name == "情况说明.docx"
    assert opened[0].read_bytes() == f["docx"].read_bytes()
    failing = EvidencePanel(services, opener=lambda p: False)
    qtbot.addWidget(failing)
    failing.show_case(case_id)
    failing.table.selectRow(0)
    assert failing.open_selected() is None and "没有能打开" in failing.message.text()

    # 另存为 (dialog opened, the copy written).
    dialog = panel.ask_save_copy()
    assert dialog is not None and dialog.isVisible()
    dialog.close()
    assert panel.save_copy_to(tmp_path / "out" / "x.docx") is False
    assert "无法保存" in panel.message.text()
    assert panel.save_copy_to(tmp_path / "copy.docx")
    assert (tmp_path / "copy.docx").read_bytes() == f["docx"].read_bytes()

    # 移到其他项: the Word file belongs under 12 卷宗情况说明.
    move = panel.ask_move()
    assert move is not None and move.isVisible() and move.chosen() == 3
    move.item.setCurrentIndex(move.item.findData(12))
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, move.buttons)
    moved = next(v for v in panel.model.rows if v.name == "情况说明.docx")
    assert moved.item == 12 and panel.selected() == moved
    assert "已移到第12项" in panel.info.text() and not panel.message.isVisibleTo(panel)

    # 删除 asks first; 不删除 keeps it.
    panel.table.selectRow(row_of(panel, "授权委托书.pdf"))
    box = panel.ask_delete()
    assert box is not None and "授权委托书.pdf" in box.text()
    click(qtbot, box.button(QMessageBox.StandardButton.No))
    assert panel.model.rowCount() == 4
    box = panel.ask_delete()
    assert box is not None
    with qtbot.waitSignal(panel.changed):
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    assert [v.name for v in panel.model.rows] == ["张三身份证.png", "张三身份证.png", "情况说明.docx"]
    assert "已删除“授权委托书.pdf”" in panel.info.text()


def test_checklist_fills_and_archive_is_refused_then_done(qtbot, gui, tmp_path: Path) -> None:
    services, case_id = gui
    detail = services.cases.transition(case_id, services.cases.get(case_id).version, "accepted")
    services.cases.transition(case_id, detail.version, "terminated", reason="李四拒绝继续调解",
                              routes_explained=True, reason_kind="refused")
    evidence = EvidencePanel(services, opener=lambda p: True)
    checklist = ChecklistPanel(services)
    qtbot.addWidget(evidence)
    qtbot.addWidget(checklist)
    evidence.changed.connect(lambda _id: checklist.refresh())
    checklist.add_requested.connect(evidence.request_add)
    evidence.show_case(case_id)
    checklist.show_case(case_id)
    checklist.resize(1000, 700)
    checklist.show()

    # Terminated before any mediation session: no mediation record is required (item 7).
    assert checklist.summary.text() == "还缺2项必备材料：当事人权利义务告知书、当事人身份证明材料"
    lines = {x.number: x for x in checklist.lines()}
    assert lines[3].missing and checklist.model.data(checklist.model.index(2, 3)) == "✘ 缺少"

    # 归档 is refused by the case service, its message (naming the items) shown inline.
    click(qtbot, checklist.archive_button)
    assert checklist.message.isVisible()
    text = checklist.message.text()
    assert "卷宗缺少必备材料，不能归档" in text and "当事人身份证明材料" in text and "人民调解记录" not in text
    assert services.cases.get(case_id).status == "terminated"

    # Select item 3 and ask to add a file there: the evidence panel's file dialog opens for it.
    assert not checklist.add_button.isEnabled()
    checklist.select_item(3)
    with qtbot.waitSignal(checklist.add_requested) as requested:
        click(qtbot, checklist.add_button)
    assert requested.args == [3]
    assert evidence.file_dialog is not None and evidence.file_dialog.isVisible()
    assert evidence.item_combo.currentData() == 3
    evidence.file_dialog.close()

    f = files(tmp_path)
    evidence.add_paths([f["id"]], 3)
    assert checklist.model.data(checklist.model.index(2, 3)) == "✔ 已有"
    assert checklist.summary.text() == "还缺1项必备材料：当事人权利义务告知书"
    with services.db.write() as s:            # the rights notice recorded for both parties
        for party in s.scalars(select(CaseParty).where(CaseParty.case_id == case_id)):
            party.notice_on, party.notice_method = date(2026, 11, 20), "oral"
    evidence.add_paths([f["record"]], 7)
    assert checklist.summary.text() == "卷宗齐全，可以归档"

    # Complete: 归档 asks first (it cannot be undone), then archives.
    box = checklist.ask_archive()
    assert box is not None and "确定归档吗" in box.text()
    click(qtbot, box.button(QMessageBox.StandardButton.No))
    assert services.cases.get(case_id).status == "terminated"
    box = checklist.ask_archive()
    assert box is not None
    with qtbot.waitSignal(checklist.changed) as done:
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    assert done.args == [case_id]
    assert services.cases.get(case_id).status == "closed"
    assert checklist.summary.text() == "本案已归档" and not checklist.archive_button.isEnabled()
    evidence.show_case(case_id)
    assert not evidence.add_button.isEnabled()
    evidence.table.selectRow(0)
    assert evidence.preview_button.isEnabled() and not evidence.delete_button.isEnabled()


def test_archive_refused_when_case_changed_since_shown(qtbot, gui, sqlite_url, clock, tmp_path: Path) -> None:
    """归档 archives the case as the panel showed it: when someone on another computer changed
    the case since, archiving is refused with a Chinese message and the panel reloads."""
    from conftest import make_services

    from mediator_desktop.ui.case.checklist_panel import ARCHIVE_CONFLICT

    services, case_id = gui
    detail = services.cases.transition(case_id, services.cases.get(case_id).version, "accepted")
    services.cases.transition(case_id, detail.version, "terminated", reason="李四拒绝继续调解",
                              routes_explained=True, reason_kind="refused")
    f = files(tmp_path)
    services.evidence.add_file(case_id, 3, f["id"])
    services.evidence.add_file(case_id, 7, f["record"])
    with services.db.write() as s:
        for party in s.scalars(select(CaseParty).where(CaseParty.case_id == case_id)):
            party.notice_on, party.notice_method = date(2026, 11, 20), "oral"
    checklist = ChecklistPanel(services)
    qtbot.addWidget(checklist)
    checklist.show_case(case_id)
    checklist.show()
    assert checklist.summary.text() == "卷宗齐全，可以归档"
    shown = checklist.version

    other = make_services(sqlite_url, clock, actor_name="另一人")
    try:
        current = other.cases.get(case_id)
        draft = current.to_draft()
        draft.summary += "另：李四已口头同意清理一半建材。"
        other.cases.update(case_id, current.version, draft)
    finally:
        other.close()

    box = checklist.ask_archive()
    assert box is not None
    click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    assert services.cases.get(case_id).status == "terminated"
    assert checklist.message.isVisible() and checklist.message.text() == ARCHIVE_CONFLICT
    assert checklist.version == services.cases.get(case_id).version != shown   # reloaded
    assert checklist.archive_button.isEnabled()

    # Having seen the current case, the user archives it.
    box = checklist.ask_archive()
    assert box is not None
    with qtbot.waitSignal(checklist.changed):
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    assert services.cases.get(case_id).status == "closed"
