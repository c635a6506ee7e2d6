"""Grab the current screenshots for docs/ (offscreen, on a temporary demo database).

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"


def main() -> int:
    home = tempfile.mkdtemp()
    os.environ["MEDIATOR_DESKTOP_HOME"] = home
    sys.path.insert(0, str(REPO))
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    from mediator_desktop.services.app import Services
    from mediator_desktop.services.demo import load_demo
    from mediator_desktop.settings import Settings
    from mediator_desktop.ui.app import create_main_window, init_application
    from mediator_desktop.ui.first_run import FirstRunDialog
    from mediator_desktop.ui.intake_dialog import IntakeDialog

    app = QApplication(sys.argv[:1])
    settings = Settings()
    init_application(app, settings)
    OUT.mkdir(parents=True, exist_ok=True)

    def save(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        widget.show()
        for _ in range(3):
            app.processEvents()
        widget.grab().save(str(OUT / name))
        print("wrote", OUT / name)

    fresh = Services.open(f"sqlite:///{home}/fresh.sqlite3")
    save(FirstRunDialog(fresh), "first-run.png")

    services = Services.open(f"sqlite:///{home}/demo.sqlite3")
    load_demo(services, 200)
    window = create_main_window(services, settings)
    window.resize(1366, 768)
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
    settings_dialog.close()
    sample = REPO.parent / "shared" / "samples" / "sample-cases.json"
    code = services.exchange.import_text(sample.read_bytes()).created[0]
    documents = window.open_documents(code)
    documents.resize(900, 1000)
    documents.show()
    import time

    deadline = time.monotonic() + 3  # QPdfView renders its pages in a worker thread
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    save(documents, "documents.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
