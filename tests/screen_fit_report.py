"""Open every window and dialog of the app on a screen of a given size at given font sizes and
report, as JSON on stdout, which of them do not fit: a window whose frame leaves the screen's
available area, or a button (outside a scrolling form) that lies off the screen or outside its
window. Run by tests/test_gui_screen_fit.py, one process per screen size (the offscreen
platform fixes the screen when the QApplication starts):

    .venv/bin/python tests/screen_fit_report.py 1366 768 12 28
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def screen_config(width: int, height: int) -> str:
    """An offscreen-platform config file describing one screen of ``width``×``height``."""
    path = Path(tempfile.mkdtemp()) / "screen.json"
    path.write_text(json.dumps({"screens": [{"name": "s1", "x": 0, "y": 0, "width": width, "height": height,
                                             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    return str(path)


def build_data(services) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A case walked to a signed agreement with sessions, a record and planned visits."""
    sys.path.insert(0, str(REPO / "scripts"))
    from screens_followups import demo_case  # the follow-up screenshots' case

    from mediator_desktop.services.sessions import RecordDraft, SessionDraft

    case_id = demo_case(services)
    mediator = services.mediators.list()[0].id
    at = datetime(2026, 11, 5, 9, 0)
    first = services.sessions.schedule(case_id, SessionDraft(
        kind="investigation", starts_at=at, ends_at=at + timedelta(hours=1), place="调解室",
        mediator_ids=[mediator], present=[1], interviewee="李建国", recorder="王芳"), confirmed_clash=True)
    services.sessions.save_record(first.id, first.version, RecordDraft(
        record="问：通道里的建材是谁的？\n答：是我家的。", interviewee="李建国", recorder="王芳", present=[1]))
    services.sessions.schedule(case_id, SessionDraft(
        kind="mediation", starts_at=at + timedelta(days=3), ends_at=at + timedelta(days=3, hours=2),
        place="调解室", mediator_ids=[mediator], present=[0, 1], subject="相邻通行纠纷", recorder="王芳"),
        confirmed_clash=True)
    return case_id, services.cases.get(case_id).code


def main(argv: list[str]) -> int:
    width, height = int(argv[1]), int(argv[2])
    fonts = [int(a) for a in argv[3:]] or [12]
    home = tempfile.mkdtemp()
    os.environ["MEDIATOR_DESKTOP_HOME"] = home
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen_config(width, height)}"
    sys.path.insert(0, str(REPO))
    from PySide6.QtCore import QRect, Qt, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractScrollArea,
        QApplication,
        QDialog,
        QLabel,
        QTabBar,
        QWidget,
    )

    from mediator_desktop import settings as opts
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.services.organization import MediatorDraft, OrganizationDraft
    from mediator_desktop.ui.app import apply_font_size, create_main_window, init_application

    warnings: list[str] = []

    def on_message(kind, _context, text):  # type: ignore[no-untyped-def]
        if kind != QtMsgType.QtDebugMsg and "propagateSizeHints" not in text:
            warnings.append(text)

    qInstallMessageHandler(on_message)
    app = QApplication(sys.argv[:1])
    settings = opts.Settings()
    init_application(app, settings)
    services = Services.open(f"sqlite:///{home}/fit.sqlite3", Actor(name="杨志强"))
    services.ctx._clock = lambda: datetime(2026, 12, 1, 9, 30)
    services.organization.save(OrganizationDraft(
        name="临沧市临翔区龙门街道人民调解委员会", short_name="龙门", address="临沧市临翔区龙门街道综治中心",
        phone="0883-2100000", seal_text="龙门街道人民调解委员会"))
    services.mediators.save(MediatorDraft(name="杨志强", phone="13800001111", certificate_no="YN-001"))
    services.mediators.save(MediatorDraft(name="王芳", phone="13800002222"))
    case_id, code = build_data(services)
    report: list[dict[str, object]] = []

    def settle() -> None:
        for _ in range(4):
            app.processEvents()

    def settle_task(window: QWidget) -> None:
        """Wait for the window's background work (the statistics are counted off the GUI thread)."""
        import time

        task = getattr(window, "task", None)
        deadline = time.monotonic() + 60
        while task is not None and task.outcome is None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        settle()

    def in_scroll_area(widget: QWidget, window: QWidget) -> bool:
        w = widget.parentWidget()
        while w is not None and w is not window:
            if isinstance(w, (QAbstractScrollArea, QTabBar)):
                return True
            w = w.parentWidget()
        return False

    def check(name: str, window: QWidget, font: int) -> None:
        settle()
        area = window.screen().availableGeometry()
        frame = window.frameGeometry()
        inner = QRect(window.mapToGlobal(window.rect().topLeft()), window.size())
        problems = []
        if not area.contains(frame):
            problems.append(f"窗口 {frame.getRect()} 超出屏幕可用区域 {area.getRect()}")
        for button in window.findChildren(QAbstractButton):
            if not button.isVisibleTo(window) or in_scroll_area(button, window) or button.window() is not window:
                continue
            rect = QRect(button.mapToGlobal(button.rect().topLeft()), button.size())
            if not area.contains(rect) or not inner.contains(rect):
                problems.append(f"按钮“{button.text() or button.objectName()}” {rect.getRect()} 不在屏幕/窗口内")
        for label in window.findChildren(QLabel):  # no text cut off at the window's edge
            if not label.isVisibleTo(window) or in_scroll_area(label, window) or not label.text() \
                    or label.window() is not window:
                continue
            rect = QRect(label.mapToGlobal(label.rect().topLeft()), label.size())
            if not inner.contains(rect):
                problems.append(f"文字“{label.text()[:12]}” {rect.getRect()} 超出窗口")
        report.append({"window": name, "font": font, "size": [window.width(), window.height()],
                       "problems": problems})
        if problems and os.environ.get("FIT_DEBUG"):
            dump(window)
        shots = os.environ.get("FIT_SCREENSHOTS")  # a folder: look at what was checked
        if shots:
            window.grab().save(str(Path(shots) / f"{width}x{height}-{font}-{name}.png"))

    def dump(widget: QWidget, depth: int = 0) -> None:  # which part asks for the room (FIT_DEBUG=1)
        if depth > 12 or not (widget.isVisible() or widget.parentWidget().inherits("QStackedWidget")):
            return
        hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
        print("  " * depth + f"{type(widget).__name__} {widget.objectName()} min={hint.width()}x{hint.height()}",
              file=sys.stderr)
        for child in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            dump(child, depth + 1)

    def close(window: QWidget) -> None:
        if isinstance(window, QDialog):
            QDialog.reject(window)  # no "discard changes?" question
        else:
            window.hide()
        settle()

    def each(font: int) -> None:
        settings.set(opts.UI_FONT_SIZE, font)  # as chosen in 设置 → 显示
        window = create_main_window(services, settings)
        window.show()
        settle()
        check("主窗口", window, font)
        window.select_case(case_id)
        view = window.case_view
        for i in range(view.tabs.count()):
            view.tabs.setCurrentIndex(i)
            check(f"主窗口·{view.tabs.tabText(i)}", window, font)
        intake = window.new_case()
        check("受理登记", intake, font)
        party = intake.add_party("person")
        check("当事人", party, font)
        close(party)
        picker = intake.pick_known()
        check("从以往案件选取", picker, font)
        close(picker)
        close(intake)
        edit = window.edit_case(case_id)
        check("受理登记（修改）", edit, font)
        close(edit)
        panel = view.sessions_panel
        view.tabs.setCurrentWidget(panel)
        for kind in ("investigation", "mediation"):
            session = panel.schedule(kind)
            if session is not None:
                check(f"安排{kind}", session, font)
                close(session)
        for row in range(panel.sessions.rowCount()):
            panel.sessions.selectRow(row)
            editor = panel.edit_record()
            assert editor is not None, "record editor did not open"
            check(f"调解记录（第{row + 1}次）", editor, font)
            editor.tabs.setCurrentIndex(1)
            check(f"调解记录·背对背（第{row + 1}次）", editor, font)
            close(editor)
        note = panel.add_note("caucus")
        if note is not None:
            check("背对背笔记", note, font)
            close(note)
        notice = panel.record_notice()
        assert notice is not None, "rights notice dialog did not open"
        check("权利义务告知", notice, font)
        close(notice)
        from mediator_desktop.domain.enums import CaseStatus
        from mediator_desktop.ui.case.case_view import ReasonDialog

        success = view.request_transition(CaseStatus.AGREED)  # a question with a long explanation
        if success is not None:
            check("调解成功（确认）", success, font)
            close(success)
        reason = ReasonDialog(CaseStatus.TERMINATED, view)
        reason.show()
        check("终止调解（原因）", reason, font)
        close(reason)
        extension = view.request_extension()
        if extension is not None:
            check("延长期限", extension, font)
            close(extension)
        view.tabs.setCurrentWidget(view.agreement_panel)
        performance = view.agreement_panel.record_performance()
        assert performance is not None, "performance dialog did not open"
        check("履行情况", performance, font)
        close(performance)
        from mediator_desktop.ui.case.agreement_editor import AgreementEditor

        agreement = AgreementEditor(services, case_id, window)
        agreement.show()
        check("调解协议", agreement, font)
        close(agreement)
        documents = window.open_documents(code)
        check("文书", documents, font)
        close(documents)
        followups = view.followup_panel
        view.tabs.setCurrentWidget(followups)
        followups.show_case(case_id)
        pending = next(r for r, v in enumerate(followups.model.rows) if not v.done)
        followups.table.selectRow(pending)
        visit = followups.record_visit()
        assert visit is not None, "visit dialog did not open"
        check("回访记录", visit, font)
        visit.save()
        check("回访记录·下一步", visit, font)
        close(visit)
        followups.show_case(case_id)
        followups.table.selectRow(next(r for r, v in enumerate(followups.model.rows) if not v.done))
        for label, opener in (("改期", followups.reschedule), ("未联系上", followups.not_reached),
                              ("增加回访", followups.add_visit), ("取消回访", followups.cancel_visit)):
            small = opener()
            assert small is not None, label
            check(label, small, font)
            close(small)
        risk = view.risk_panel                  # 风险与移交 (STATISTICS.md §4)
        view.tabs.setCurrentWidget(risk)
        risk.show_case(case_id)
        for label, opener in (("调整风险等级", risk.adjust), ("一案一策", risk.edit_plan),
                              ("处理层级", risk.set_handling), ("移交", lambda: risk.refer("transfer"))):
            small = opener()
            assert small is not None, label
            if label == "调整风险等级":
                small.level.setCurrentIndex(small.level.findData("red"))   # with the plan's fields
            check(label, small, font)
            close(small)
        today = window.open_today()
        check("今日提醒", today, font)
        today.hide()
        agenda = window.open_agenda()
        check("日程安排", agenda, font)
        agenda.hide()
        reports = window.open_reports()
        settle_task(reports)
        check("统计报表", reports, font)
        details = reports.show_details()
        assert details is not None
        check("统计明细", details, font)
        close(details)
        reports.set_period("custom")
        check("统计报表（自定义期间）", reports, font)
        reports.set_period("month")
        reports.hide()
        calendar = window.open_calendar()
        check("节假日安排", calendar, font)
        for label, opener in (("添加放假日期", calendar.add_holiday), ("添加调休上班日", calendar.add_makeup_day)):
            small = opener()
            check(label, small, font)
            close(small)
        close(calendar)
        # Screening log and joint conferences (排查记录, 联席会议).
        from mediator_desktop.services.screening import ItemDraft, RoundDraft

        found = [ItemDraft("张某等三户", None, "排水沟堵塞积水，雨天流入邻家院内", "yellow"),
                 ItemDraft("", None, "工地拖欠两名工人工资", "orange"), ItemDraft("王某、赵某", None, "夫妻争吵", "none")]
        rnd = services.screening.save(None, RoundDraft(services.today(), "幸福村3组（第二网格）", "王芳、网格员李明", False,
                                                       "", found))
        screening = window.open_screening()
        check("排查记录", screening, font)
        round_dialog = screening._open(rnd.id)
        round_dialog.items.selectRow(0)
        for label, opener in (("预防纠纷", round_dialog.prevent), ("移交处理", round_dialog.refer)):
            small = opener()
            assert small is not None, label
            check(label, small, font)
            close(small)
        round_dialog.add_item()
        check("排查（发现的纠纷）", round_dialog, font)
        round_dialog._dirty = False
        close(round_dialog)
        screening.hide()
        conferences = window.open_conferences()
        check("联席会议", conferences, font)
        conference = conferences.new_conference()
        for _ in range(2):
            conference.add_person()
            conference.add_task()
        check("联席会议（记录）", conference, font)
        conference._dirty = False
        close(conference)
        conferences.hide()
        dialog = window.open_settings()
        for i in range(dialog.tabs.count()):
            dialog.tabs.setCurrentIndex(i)
            check(f"设置·{dialog.tabs.tabText(i)}", dialog, font)
        mediator = dialog.edit_mediator(new=True)
        assert mediator is not None
        check("调解员", mediator, font)
        close(mediator)
        for title, opener in (("添加用户", dialog.users_page.add_user), ("新增角色", dialog.roles_page.add_role)):
            small = opener()
            check(title, small, font)
            close(small)
        close(dialog)
        backup = window.backup_data()
        backup.encrypt.setChecked(True)
        check("备份数据", backup, font)
        close(backup)
        info = services.backups.create(Path(home) / f"fit{font}.mdbackup", passphrase="longmen2026")
        restore = window.confirm_restore(info)
        check("恢复数据（已加密）", restore, font)
        close(restore)
        guide = window.show_guide()
        guide.contents.setCurrentRow(3)
        check("使用说明", guide, font)
        close(guide)
        about = window.show_about()
        check("关于", about, font)
        close(about)
        window.select_case(case_id)
        cross_off = window.case_view.ledger_line.cross_off_dialog()
        check("销号", cross_off, font)
        close(cross_off)
        period = window.ledger_actions.export_ledger()
        check("导出台账", period, font)
        close(period)
        ledger_file = Path(home) / f"fit{font}.xlsx"
        services.ledger.export_xlsx(ledger_file, date(2000, 1, 1), services.today())
        mapping = window.ledger_actions.show_mapping(services.ledger.read_sheet(ledger_file))
        check("导入台账", mapping, font)
        close(mapping)
        from mediator_desktop.ui.settings.first_run import FirstRunDialog

        fresh = Services.open(f"sqlite:///{home}/fresh{font}.sqlite3")
        first = FirstRunDialog(fresh)
        first.show()
        check("第一次使用", first, font)
        close(first)
        fresh.close()
        window._reminder_timer.stop()
        window.hide()
        window.deleteLater()
        settle()

    for font in fonts:
        each(font)
    # The font changed while windows are open: they grow to fit and shrink back.
    if len(fonts) > 1:
        settings.set(opts.UI_FONT_SIZE, min(fonts))
        window = create_main_window(services, settings)
        window.show()
        dialog = window.open_settings()
        settle()
        small = dialog.size()
        apply_font_size(max(fonts), app)
        check("设置（字号调大后）", dialog, max(fonts))
        large = dialog.size()
        apply_font_size(min(fonts), app)
        check("设置（字号调小后）", dialog, min(fonts))
        grew = large.height() > small.height() and large.width() > small.width()
        shrank = dialog.height() <= small.height() + 2 and dialog.width() <= small.width() + 2
        report.append({"window": "设置（字号调大后变大、调小后缩回）", "font": min(fonts),
                       "size": [dialog.width(), dialog.height()],
                       "problems": [] if grew and shrank else
                       [f"字号{min(fonts)}时 {small.width()}×{small.height()}，调大后 {large.width()}×{large.height()}，"
                        f"调小后 {dialog.width()}×{dialog.height()}"]})
        window._reminder_timer.stop()
    services.close()
    print(json.dumps({"screen": [width, height], "report": report, "qt_warnings": warnings}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
