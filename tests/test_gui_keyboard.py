"""Only the keyboard: a case from intake to the printed agreement with keys alone (Ctrl+N, Tab,
typing, Space, Enter, Alt+letter, the 案件 menu's shortcuts); Tab never stays on one widget;
every mnemonic label reaches its field; the cursor goes to the first problem after a refused
save; the safe choice is the default in a discard box; typed dates; the wheel; clicks on names."""

from __future__ import annotations

import pytest
from gui_helpers import type_text, when_modal
from pypdf import PdfReader
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from test_gui import gui  # noqa: F401  (gui is a fixture)

from mediator_desktop.ui.app import create_main_window

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """One key on whatever has the focus, as the user presses it."""
    qtbot.keyClick(focused(), key, modifier)


def tab_to(qtbot, widget: QWidget, limit: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until ``widget`` has the focus (fails if it never comes)."""
    for _ in range(limit):
        if focused() is widget:
            return
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is widget, f"Tab never reached {widget!r}; stuck at {focused()!r}"


def type_here(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the widget that has the focus (asserting it is the expected one)."""
    assert focused() is widget, f"focus is on {focused()!r}, not {widget!r}"
    type_text(qtbot, widget, text)


def choose_by_keys(qtbot, combo: QComboBox, data: object) -> None:  # type: ignore[no-untyped-def]
    """Arrow down a focused combo until it shows ``data``."""
    assert focused() is combo
    for _ in range(combo.count() + 1):
        if combo.currentData() == data:
            return
        press(qtbot, Qt.Key.Key_Down)
    assert combo.currentData() == data, data


def back_to(qtbot, window: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    """The window the user is back in once a dialog closed: a desktop activates it again (the
    offscreen test platform does not, so the test does what the window manager would)."""
    if not window.isActiveWindow():
        window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget().window() is window)
    return window


def active_modal(qtbot, kind: type) -> QWidget:  # type: ignore[no-untyped-def]
    """The modal window of ``kind`` that is open now (waits for it)."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    return back_to(qtbot, QApplication.activeModalWidget())


def menu_pick(qtbot, window, letter: str, menu: str = "C") -> None:  # type: ignore[no-untyped-def]
    """Alt+<menu letter> opens a menu of the menu bar; the item's letter runs it."""
    press(qtbot, getattr(Qt.Key, f"Key_{menu}"), ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    popup = QApplication.activePopupWidget()
    qtbot.keyClick(popup, getattr(Qt.Key, f"Key_{letter}"))
    qtbot.waitUntil(lambda: not popup.isVisible())


def show_window(qtbot, services, settings):  # type: ignore[no-untyped-def]
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


# The menus grab the keyboard and raise themselves: the offscreen test platform cannot.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")
def test_the_daily_path_by_keyboard_alone(qtbot, gui, clock, tmp_path) -> None:  # noqa: F811
    services, settings = gui
    window = show_window(qtbot, services, settings)
    window.table.setFocus()

    # 受理登记 with Ctrl+N; every field reached with Tab, typed, chosen with arrows and Space.
    press(qtbot, Qt.Key.Key_N, CTRL)
    dialog = active_modal(qtbot, QDialog)
    u = dialog.ui
    tab_to(qtbot, u.source)
    choose_by_keys(qtbot, u.source, "party_application")
    tab_to(qtbot, u.disputeType)
    choose_by_keys(qtbot, u.disputeType, "邻里纠纷")
    tab_to(qtbot, u.summary)
    type_here(qtbot, u.summary, "李四在两家之间的通道堆放建材，张三出入不便。")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, u.requests, "清除通道堆放物并赔偿损失")
    tab_to(qtbot, u.mediatorList)
    press(qtbot, Qt.Key.Key_Space)
    assert u.mediatorList.item(0).checkState() == Qt.CheckState.Checked
    for name, phone in (("张三", "13800001234"), ("李四", "13900005678")):
        tab_to(qtbot, u.addPersonButton)
        press(qtbot, Qt.Key.Key_Space)
        party = active_modal(qtbot, QDialog)
        assert party is not dialog
        tab_to(qtbot, party.name)
        type_here(qtbot, party.name, name)
        tab_to(qtbot, party.phone)
        type_here(qtbot, party.phone, phone)
        press(qtbot, Qt.Key.Key_Return)          # Enter: the dialog's default button, 确定
        qtbot.waitUntil(lambda p=party: not p.isVisible())
        back_to(qtbot, dialog)
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        press(qtbot, Qt.Key.Key_S, ALT)          # 保存(&S)
        box = None
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox) or not dialog.isVisible())
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):         # 请确认: no ID numbers — confirmed with Enter
            press(qtbot, Qt.Key.Key_Return)
    case_id = saved.args[0]
    view = window.case_view
    assert view.detail.id == case_id and view.fields["status"].text() == "登记"

    # 受理 and 开始调解 from the 案件 menu (Alt+C, then the item's letter); Enter confirms.
    back_to(qtbot, window)
    menu_pick(qtbot, window, "A")
    box = active_modal(qtbot, QMessageBox)
    assert "开始计算调解期限" in box.text()
    press(qtbot, Qt.Key.Key_Return)
    back_to(qtbot, window)
    assert view.fields["status"].text() == "受理"
    menu_pick(qtbot, window, "B")
    assert view.fields["status"].text() == "调解中", view.message.text()

    # 安排调解 with Ctrl+T: the date typed as 20261125, the time as 1400.
    clock.value = clock.value.replace(day=26, hour=17)
    press(qtbot, Qt.Key.Key_T, CTRL)
    session = active_modal(qtbot, QDialog)
    tab_to(qtbot, session.date)
    qtbot.keyClicks(focused(), "20261125")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is session.start and session.date.date().toPython().isoformat() == "2026-11-25"
    qtbot.keyClicks(focused(), "1400")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is session.end and session.start.time().toString("HH:mm") == "14:00"
    qtbot.keyClicks(focused(), "1530")
    with qtbot.waitSignal(session.saved, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)
    panel = view.sessions_panel
    assert view.tabs.currentWidget() is panel and panel.sessions.rowCount() == 1

    # Its record with Ctrl+E; Tab leaves the text, Ctrl+Tab types a tab; Ctrl+S saves, Alt+G
    # 宣读并签字, Enter confirms, Esc closes.
    back_to(qtbot, window)
    press(qtbot, Qt.Key.Key_F5)               # F5 reads the case again; the session stays chosen
    assert panel.selected_session() is not None
    press(qtbot, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: panel.record_editor is not None and panel.record_editor.isVisible())
    editor = back_to(qtbot, panel.record_editor)
    tab_to(qtbot, editor.body)
    type_here(qtbot, editor.body, "调解员告知双方权利义务。\n张三称：通道被堵三个月。\n李四称：愿意清除。")
    press(qtbot, Qt.Key.Key_Tab, CTRL)
    assert editor.body.toPlainText().endswith("愿意清除。\t") and focused() is editor.body
    press(qtbot, Qt.Key.Key_Backspace)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is not editor.body
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert not editor.record_unsaved()
    press(qtbot, Qt.Key.Key_G, ALT)
    sign = active_modal(qtbot, QMessageBox)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not sign.isVisible())
    assert editor.signed_label.text().startswith("✔ 已于")
    back_to(qtbot, editor)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())

    # The rights notice of each party: Ctrl+L picks the next party not yet told; Enter saves.
    for _party in range(2):
        back_to(qtbot, window)
        press(qtbot, Qt.Key.Key_L, CTRL)
        notice = active_modal(qtbot, QDialog)
        with qtbot.waitSignal(notice.saved, timeout=5000):
            press(qtbot, Qt.Key.Key_Return)
    assert [panel.notices.item(r, 2).text() for r in range(2)] == ["书面告知", "书面告知"]

    # The agreement with Ctrl+G: Tab goes through the clause as it reads — who, to whom, what,
    # how much, instalments, by when, how.
    back_to(qtbot, window)
    press(qtbot, Qt.Key.Key_G, CTRL)
    agreement = active_modal(qtbot, QDialog)
    term = agreement.cards[0]
    tab_to(qtbot, term.obligor)
    choose_by_keys(qtbot, term.obligor, 1)
    press(qtbot, Qt.Key.Key_Tab)
    choose_by_keys(qtbot, term.obligee, 0)
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, term.subject, "补偿款")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, term.amount, "12000")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is term.add_instalment_button
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, term.due_on, "20261231")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, term.method, "银行转账")
    assert term.flag.text().startswith("内容明确"), term.flag.text()
    tab_to(qtbot, agreement.signed_on)
    type_here(qtbot, agreement.signed_on, "2026-11-25")
    with qtbot.waitSignal(agreement.saved, timeout=5000):
        press(qtbot, Qt.Key.Key_S, ALT)           # 保存(&S)

    # 调解成功 from the menu; the confirmation says what follows; Enter confirms.
    back_to(qtbot, window)
    menu_pick(qtbot, window, "S")
    box = active_modal(qtbot, QMessageBox)
    assert "协议内容不能再修改" in box.text() and "回访" in box.text()
    press(qtbot, Qt.Key.Key_Return)
    back_to(qtbot, window)
    assert view.fields["status"].text() == "调解成功", view.message.text()

    # 文书 with Ctrl+P, the agreement shown first; Alt+P opens the print dialog, where the file
    # name is typed (no printer here: 打印到文件) and Enter prints.
    press(qtbot, Qt.Key.Key_P, CTRL)
    documents = active_modal(qtbot, QDialog)
    qtbot.waitUntil(documents.print_button.isEnabled, timeout=10000)
    target = tmp_path / "协议书.pdf"

    def print_by_keys(print_dialog) -> None:  # type: ignore[no-untyped-def]
        back_to(qtbot, print_dialog)
        name = print_dialog.findChild(QLineEdit, "filename")
        tab_to(qtbot, name)
        press(qtbot, Qt.Key.Key_A, CTRL)
        type_here(qtbot, name, str(target))
        press(qtbot, Qt.Key.Key_Return)

    seen = when_modal(QPrintDialog, print_by_keys)
    press(qtbot, Qt.Key.Key_P, ALT)              # 打印(&P)… (a mnemonic clicks after a short flash)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    qtbot.waitUntil(target.exists, timeout=10000)
    assert documents.rendered.document.title == "人民调解协议书"
    # Three copies (one per party, one for the file) of every page of the agreement.
    assert len(PdfReader(str(target)).pages) == 3 * documents.pdf.pageCount()
