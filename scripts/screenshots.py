"""Grab the current screenshots for docs/ (offscreen, on a temporary demo database).

    .venv/bin/python scripts/screenshots.py            # all of them
    .venv/bin/python scripts/screenshots.py read-only  # only read-only-case.png
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from room_screen import plausible_paths, saver, settle, start_app, use_room_screen  # noqa: E402

use_room_screen()  # 1366×768, as at the mediation room's PC
REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"


def main() -> int:
    app, settings, home = start_app()
    if sys.argv[1:] == ["read-only"]:
        read_only_screen(app, settings, home, saver(app, OUT))
        return 0
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    from mediator_desktop.services.app import Services
    from mediator_desktop.services.demo import load_demo
    from mediator_desktop.ui.app import create_main_window
    from mediator_desktop.ui.intake.intake_dialog import IntakeDialog
    from mediator_desktop.ui.settings.first_run import FirstRunDialog

    save = saver(app, OUT)

    fresh = Services.open(f"sqlite:///{home}/fresh.sqlite3")
    save(FirstRunDialog(fresh), "first-run.png")

    services = Services.open(f"sqlite:///{home}/demo.sqlite3")
    load_demo(services, 200)
    # The PC's user, as the first run sets it: 记录人, 告知人 and the title show this name.
    from mediator_desktop import settings as opts

    opts.set_current_user(services, settings, services.mediators.list()[0].name)
    window = create_main_window(services, settings)  # maximised on the 1366×768 screen
    # Show a case that has several parties, a rare-character name if there is one.
    rows = window.case_model.rows
    pick = next((r for r in rows if any(ord(c) > 0xFFFF or 0x3400 <= ord(c) <= 0x4DBF for c in r.party_names)), rows[0])
    window.select_case(pick.id)
    save(window, "main-window.png")
    window.case_view.resize(620, 900)
    save(window.case_view, "case-view.png")

    dialog = IntakeDialog(services, window)
    u = dialog.ui
    u.source.setCurrentIndex(u.source.findData("party_application"))
    u.disputeType.setCurrentIndex(u.disputeType.findData("邻里纠纷"))
    u.summary.setPlainText("李四在两家之间的通道堆放建材约三个月，张三家农用车无法通行，双方多次争吵。")
    u.requests.setPlainText("清除通道堆放物，恢复通行")
    u.mediatorList.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.parties = [services.cases.known_party_draft(services.cases.get(pick.id).parties[0].id)]
    from mediator_desktop.services.dto import PartyDraft

    dialog.parties.append(PartyDraft(role="respondent", kind="organization", name="某某物业服务有限公司",
                                     credit_code="91512081MA62K0260E", rep_name="刘强", rep_title="总经理",
                                     phone="0883-2100099"))
    dialog._refresh_parties()
    save(dialog, "intake-dialog.png")
    errors = IntakeDialog(services, window)
    event = QInputMethodEvent()
    event.setCommitString("未写完的案件")
    QApplication.sendEvent(errors.ui.title, event)
    errors.save()
    save(errors, "intake-dialog-errors.png")
    party = dialog.add_party("person")
    party.name.setText("王秀英")
    party.id_number.setText("11010519491231002X")
    party._check_id()
    party.phone.setText("13800001234")
    save(party, "party-dialog.png")
    settings_dialog = window.open_settings()
    save(settings_dialog, "settings.png")
    settings_dialog.tabs.setCurrentIndex(next(i for i in range(settings_dialog.tabs.count())
                                              if settings_dialog.tabs.tabText(i) == "文书"))
    save(settings_dialog, "settings-documents.png")
    # 用户 and 角色: scripts/screens_roles.py, on a centre's database with users.
    settings_dialog.tabs.setCurrentIndex(next(i for i in range(settings_dialog.tabs.count())
                                              if settings_dialog.tabs.tabText(i) == "审计"))
    settings_dialog.audit_page.search()
    settings_dialog.audit_page.verify()
    settle(app, lambda: "审计记录" in settings_dialog.audit_page.message.text(), 20)
    save(settings_dialog, "settings-audit.png")
    settings_dialog.close()
    sample = REPO.parent / "shared" / "samples" / "sample-cases.json"
    code = services.exchange.import_text(sample.read_bytes()).created[0]
    documents = window.open_documents(code)  # sized to fit the screen, as the user sees it
    documents.show()
    settle(app, lambda: False, 3)  # QPdfView renders its pages in a worker thread
    save(documents, "documents.png")
    print_dialog_screen(app, documents)
    documents.close()
    error_dialog_screen(app, window)
    guide = window.show_guide()
    guide.contents.setCurrentRow(3)  # 打印文书
    save(guide, "guide.png")
    guide.close()
    about = window.show_about()
    save(about, "about.png")
    about.close()
    issue3_screens(app, services, window, save)
    reports_screens(app, services, window, save)
    largest_font_screen(app, settings, window, pick.id, save)
    window.close()
    read_only_screen(app, settings, home, save)
    # Issue 5's screens build their own cases at a fixed "today": each in its own process (one
    # QApplication per process).
    import subprocess

    for extra in ("screens_followups.py", "screens_reminders.py", "screens_screening.py", "screens_ledger.py",
                  "screens_risk.py", "screens_roles.py"):
        subprocess.run([sys.executable, str(REPO / "scripts" / extra)], check=True)
    subprocess.run([sys.executable, str(REPO / "tests" / "test_gui_calendar.py")], check=True)
    return 0


def reports_screens(app, services, window, save) -> None:  # type: ignore[no-untyped-def]
    """统计报表 of the demo year: the table, a figure's cases, the charts."""
    reports = window.open_reports()

    def wait() -> None:
        task = reports.task
        settle(app, lambda: task.outcome is not None, 120)

    wait()
    reports.set_period("year", services.today().year)
    reports.compute()
    wait()
    save(reports, "reports.png")
    details = reports.show_details()
    save(details, "reports-cases.png")
    details.reject()
    reports.tabs.setCurrentIndex(1)
    save(reports, "reports-charts.png")
    reports.close()


def print_dialog_screen(app, documents) -> None:  # type: ignore[no-untyped-def]
    """文书 → 打印: Qt's print dialog as the 打印 button opens it (A4, the agreement's copies;
    打印到文件(PDF) on a PC without a printer): docs/screenshots/print-dialog.png."""
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QApplication, QPushButton

    def grab() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QPrintDialog):
            QTimer.singleShot(50, grab)
            return
        more = next(b for b in dialog.findChildren(QPushButton) if b.text().startswith("选项"))
        more.click()  # 选项 >>: pages, 份数 (the agreement's 3 copies)
        for _ in range(3):
            app.processEvents()
        plausible_paths(dialog)  # no temporary folder in the picture
        dialog.grab().save(str(OUT / "print-dialog.png"))
        print("wrote", OUT / "print-dialog.png")
        dialog.reject()

    QTimer.singleShot(50, grab)
    documents.ask_print()


def error_dialog_screen(app, window) -> None:  # type: ignore[no-untyped-def]
    """An error nobody caught, as the user meets it (ui.excepthook):
    docs/screenshots/error-dialog.png."""
    from mediator_desktop.logfile import setup_logging
    from mediator_desktop.ui.common.excepthook import install_error_reporter

    reporter = install_error_reporter(app, setup_logging())
    window.activateWindow()

    def save_agreement() -> None:  # a programming error in a slot
        totals = {"本金": 12000}
        totals["利息"] += 1

    try:
        save_agreement()
    except KeyError as exc:  # what Qt's event loop does with it: sys.excepthook
        sys.excepthook(type(exc), exc, exc.__traceback__)
    box = reporter.box
    for _ in range(3):
        app.processEvents()
    plausible_paths(box)  # no temporary folder in the picture
    box.grab().save(str(OUT / "error-dialog.png"))
    print("wrote", OUT / "error-dialog.png")
    box.close()
    reporter.uninstall()


def read_only_screen(app, settings, home: str, save) -> None:  # type: ignore[no-untyped-def]
    """The main window as a 只读 user signed in sees a case (issue 16): the case actions greyed
    but 文书, and the line under the heading saying why: docs/screenshots/read-only-case.png."""
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.demo import load_demo
    from mediator_desktop.ui.app import create_main_window

    services = Services.open(f"sqlite:///{home}/read-only.sqlite3")
    load_demo(services, 60)
    password = "zhou-2026!"
    services.accounts.add_user("zhangzr", "张主任", "admin", password)
    services.accounts.sign_in("zhangzr", password)
    services.accounts.add_user("zhouky", "周科员", "viewer", password)
    services.accounts.sign_in("zhouky", password)
    window = create_main_window(services, settings)  # maximised on the 1366×768 screen
    running = next((r for r in window.case_model.rows if r.status == "in_mediation"), window.case_model.rows[0])
    window.select_case(running.id)
    window.case_view.tabs.setCurrentIndex(0)
    save(window, "read-only-case.png")
    window.close()
    services.close()


def largest_font_screen(app, settings, window, case_id: int, save) -> None:  # type: ignore[no-untyped-def]
    """The main window at the largest font (设置 → 显示 → 界面字号) on the 1366×768 screen:
    docs/screenshots/largest-font.png."""
    from mediator_desktop import settings as opts
    from mediator_desktop.ui.app import apply_font_size

    window.select_case(case_id)
    window.case_view.tabs.setCurrentIndex(0)
    apply_font_size(opts.UI_FONT_SIZE.maximum or 28)
    save(window, "largest-font.png")
    apply_font_size(settings.get(opts.UI_FONT_SIZE))


def issue3_screens(app, services, window, save) -> None:  # type: ignore[no-untyped-def]
    """The agenda, the record editor, the agreement editor and the case-file checklist, on a
    case walked to an agreement the way a mediator would."""
    from datetime import datetime, timedelta
    from decimal import Decimal

    from mediator_desktop.domain.terms import Instalment
    from mediator_desktop.services.agreements import TermDraft
    from mediator_desktop.services.dto import CaseDraft, MediatorAssignment, PartyDraft
    from mediator_desktop.services.sessions import RecordDraft, SessionDraft

    today = services.today()
    monday = today - timedelta(days=today.weekday())
    mediators = services.mediators.list()
    draft = CaseDraft(
        received_on=monday, source="party_application", dispute_type="邻里纠纷",
        title="张秀兰与李建国相邻通行纠纷",
        summary="李建国在两家之间的通道堆放建材约三个月，张秀兰家农用车无法通行，双方多次争吵。",
        requests=["清除通道堆放物", "赔偿误工损失"], recorder="王芳",
        mediators=[MediatorAssignment(mediators[0].id)],
        parties=[PartyDraft(role="applicant", name="张秀兰", gender="female", phone="13800001234",
                            address="龙门街道幸福村3组"),
                 PartyDraft(role="respondent", name="李建国", gender="male", phone="13900005678",
                            address="龙门街道幸福村3组")])
    case = services.cases.register(draft)
    case = services.cases.transition(case.id, case.version, "accepted")
    case = services.cases.transition(case.id, case.version, "in_mediation")
    at = datetime.combine(monday, datetime.min.time())
    first = services.sessions.schedule(case.id, SessionDraft(
        kind="investigation", starts_at=at.replace(hour=9), ends_at=at.replace(hour=10), place="调解室",
        mediator_ids=[mediators[0].id], present=[1], interviewee="李建国、邻居王五", recorder="王芳"))
    services.sessions.schedule(case.id, SessionDraft(
        kind="mediation", starts_at=at.replace(hour=14) + timedelta(days=2), ends_at=at.replace(hour=16) + timedelta(days=2),
        place="调解室", mediator_ids=[mediators[0].id], present=[0, 1], participants=["村委会主任 陈刚"],
        subject="相邻通行纠纷", recorder="王芳"), confirmed_clash=True)
    services.sessions.save_record(first.id, first.version, RecordDraft(
        record="问：通道里的建材是谁的？\n答（李建国）：是我家的，准备翻修房子用。\n问：堆放多久了？\n答：大约三个月。",
        interviewee="李建国、邻居王五", recorder="王芳", present=[1]))
    signed = services.sessions.get(first.id)
    services.sessions.mark_signed(signed.id, signed.version)
    for p in services.cases.get(case.id).parties:
        services.sessions.record_notice(p.id, monday, "written")
    # Other sessions of the week fill the agenda (and one clash shows in orange).
    other = services.cases.page(__import__("mediator_desktop.services.dto", fromlist=["CaseQuery"]).CaseQuery())
    for k, row in enumerate(r for r in other if r.status in ("accepted", "in_mediation") and r.id != case.id):
        if k >= 5:
            break
        try:
            services.sessions.schedule(row.id, SessionDraft(
                kind="mediation", starts_at=at.replace(hour=9 + 2 * (k % 3)) + timedelta(days=k % 5),
                place="接待室" if k % 2 else "调解室", mediator_ids=[mediators[k % len(mediators)].id],
                present=[0]), confirmed_clash=True)
        except Exception as exc:  # noqa: BLE001 - a demo case that cannot take a session is skipped
            print("skipped", row.code, exc)
    agenda = window.open_agenda()
    agenda.show_week(monday)
    save(agenda, "agenda.png")
    agenda.close()

    window.select_case(case.id)
    view = window.case_view
    view.tabs.setCurrentWidget(view.sessions_panel)
    save(window, "case-sessions.png")
    panel = view.sessions_panel
    panel.sessions.selectRow(1)
    panel.edit_record()
    editor = panel.record_editor
    editor.body.setPlainText("调解员向双方告知了人民调解的性质、原则和当事人的权利义务。\n"
                             "张秀兰称：通道被堵三个月，农用车出不去，误了秋收。\n"
                             "李建国称：建材是翻修房子用的，愿意十日内清走，可以适当补偿。\n"
                             "经调解员释法说理，双方同意：……")
    editor.outcome.setPlainText("双方达成协议，另行签订人民调解协议书。")
    save(editor, "record-editor.png")
    editor.save()
    editor.tabs.setCurrentIndex(1)
    save(editor, "record-editor-caucus.png")
    editor.close()

    from mediator_desktop.ui.case.agreement_editor import AgreementEditor

    blank = services.agreements.blank(case.id)
    blank.facts = draft.summary
    blank.responsibilities = "李建国长期占用公共通道，应负主要责任。"
    blank.terms = [
        TermDraft(obligor=1, obligee=0, subject="清除堆放在通道内的全部建材，恢复通行",
                  due_on=monday + timedelta(days=10)),
        TermDraft(obligor=1, obligee=0, subject="误工补偿款", amount=Decimal("3000"),
                  instalments=[Instalment(Decimal("1000"), monday + timedelta(days=10)),
                               Instalment(Decimal("2000"), monday + timedelta(days=40))], method="银行转账"),
        TermDraft(obligor=1, obligee=0, subject="赔礼道歉"),
        TermDraft(kind="statement", subject="本协议履行完毕后，双方就本纠纷再无其他争议。"),
    ]
    services.agreements.save(case.id, blank)
    editor = AgreementEditor(services, case.id, window)
    save(editor, "agreement-editor.png")
    editor.close()
    view.tabs.setCurrentWidget(view.agreement_panel)
    view.agreement_panel.show_case(case.id)
    save(window, "case-agreement.png")
    view.tabs.setCurrentWidget(view.checklist_panel)
    view.checklist_panel.show_case(case.id)
    save(window, "checklist.png")
    view.tabs.setCurrentWidget(view.history)
    save(window, "timeline.png")


if __name__ == "__main__":
    raise SystemExit(main())
