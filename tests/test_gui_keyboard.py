"""Only the keyboard: a case from intake to the printed agreement with keys alone (Ctrl+N, Tab,
typing, Space, Enter, Alt+letter, the 案件 menu's shortcuts); Tab never stays on one widget;
every mnemonic label reaches its field; the cursor goes to the first problem after a refused
save; the safe choice is the default in a discard box; typed dates; the wheel; clicks on names."""

from __future__ import annotations

import re

import pytest
from gui_helpers import answer_yes, type_text, when_modal
from pypdf import PdfReader
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
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
    press(qtbot, Qt.Key.Key_F7)               # 开始调解 by its function key
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

    # 调解成功 with F8 (also in the menu); the confirmation says what follows; Enter confirms.
    back_to(qtbot, window)
    press(qtbot, Qt.Key.Key_F8)
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


# -- every dialog: Tab goes round, mnemonics reach their fields -------------------------------


def tab_stops(window: QWidget) -> list[QWidget]:
    """The widgets of ``window`` that Tab should visit: visible, enabled and taking focus by
    Tab (the inner parts of a spin box or combo, and the unchecked radio buttons of a group
    — Tab enters a group at its checked button — left out)."""
    stops = []
    for w in window.findChildren(QWidget):
        if not (w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus) \
                or w.window() is not window or w.focusProxy() is not None:
            continue
        parent, inner = w.parentWidget(), False
        while parent is not None and parent is not window:
            if isinstance(parent, (QAbstractSpinBox, QComboBox)):
                inner = True
            parent = parent.parentWidget()
        if inner:
            continue
        if isinstance(w, QAbstractButton) and w.autoExclusive() and not w.isChecked() \
                and any(b.isChecked() for b in w.parentWidget().findChildren(QAbstractButton)
                        if b.autoExclusive() and b.parentWidget() is w.parentWidget()):
            continue
        if w.metaObject().className() in ("QScrollArea", "QTabBar"):
            continue   # reached with Ctrl+Tab / not an input; Qt decides by style
        stops.append(w)
    return stops


def tab_round(qtbot, window: QWidget) -> list[str]:  # type: ignore[no-untyped-def]
    """Press Tab (stops + 2) times in ``window``; returns what went wrong (empty: all well)."""
    back_to(qtbot, window)
    stops = tab_stops(window)
    problems: list[str] = []
    seen: list[QWidget] = [focused()]
    for _ in range(len(stops) + 2):
        press(qtbot, Qt.Key.Key_Tab)
        now = focused()
        if now.window() is not window:
            problems.append(f"Tab left the window for {now!r}")
            break
        if now is seen[-1]:
            problems.append(f"Tab stays on {describe(now)}")
            break
        seen.append(now)
    missed = [describe(w) for w in stops if w not in seen
              and not any(b in seen for b in radio_group(w))]   # a radio group is one stop
    if missed:
        problems.append("never reached by Tab: " + ", ".join(missed))
    return problems


def radio_group(w: QWidget) -> list[QWidget]:
    """The other radio buttons of ``w``'s group (arrows move between them, Tab enters once)."""
    if not isinstance(w, QRadioButton):
        return []
    group = w.group()
    if group is not None:
        return [b for b in group.buttons() if b is not w]
    return [b for b in w.parentWidget().findChildren(QRadioButton)
            if b is not w and b.parentWidget() is w.parentWidget() and b.autoExclusive()]


def describe(w: QWidget) -> str:
    text = getattr(w, "text", lambda: "")() if isinstance(w, (QAbstractButton, QLineEdit)) else ""
    return f"{w.metaObject().className()}({w.objectName() or text or w.toolTip()[:10]})"


MNEMONIC = re.compile(r"&([^&])")


def mnemonic_problems(window: QWidget) -> list[str]:
    """Every visible label with a mnemonic has a visible buddy that takes the focus; no two
    visible mnemonics (labels and buttons) of one window use the same letter."""
    problems: list[str] = []
    letters: dict[str, str] = {}
    for w in window.findChildren(QWidget):
        if not w.isVisible() or w.window() is not window or not isinstance(w, (QLabel, QAbstractButton)):
            continue
        m = MNEMONIC.search(w.text().replace("&&", ""))
        if m is None:
            continue
        letter = m.group(1).upper()
        if letter in letters:
            problems.append(f"“{w.text()}” and “{letters[letter]}” both use Alt+{letter}")
        letters[letter] = w.text()
        if isinstance(w, QLabel):
            buddy = w.buddy()
            if buddy is None or not buddy.isVisible() or buddy.focusPolicy() == Qt.FocusPolicy.NoFocus:
                problems.append(f"“{w.text()}” has no visible input as its buddy ({buddy!r})")
    return problems


def dialog_openers(window, services, agreed_id: int, mediating_id: int):  # type: ignore[no-untyped-def]
    """(name, open) for every dialog and window of the daily work: ``open()`` returns it shown."""
    from mediator_desktop.domain.enums import CaseStatus
    from mediator_desktop.ui.settings.first_run import FirstRunDialog

    view = window.case_view
    s, a, f = view.sessions_panel, view.agreement_panel, view.followup_panel

    def on(case_id: int, panel=None):  # type: ignore[no-untyped-def]
        window.select_case(case_id)
        if panel is not None:
            view.tabs.setCurrentWidget(panel)

    def first_session():  # type: ignore[no-untyped-def]
        on(agreed_id, s)
        s.sessions.selectRow(0)
        return s.edit_record()

    def visit(opener):  # type: ignore[no-untyped-def]
        def run():  # type: ignore[no-untyped-def]
            on(agreed_id, f)
            pending = [v for v in services.followups.visits(agreed_id) if not v.done]
            f.select_visit(pending[0].id)
            return opener()
        return run

    def intake_child(kind: str):  # type: ignore[no-untyped-def]
        def run():  # type: ignore[no-untyped-def]
            intake = window.new_case()
            return intake.add_party(kind) if kind != "known" else intake.pick_known()
        return run

    first_run = []

    def first_run_dialog():  # type: ignore[no-untyped-def]
        dialog = FirstRunDialog(services)
        first_run.append(dialog)
        dialog.show()
        return dialog

    return [
        ("受理登记", window.new_case),
        ("当事人（个人）", intake_child("person")),
        ("当事人（单位）", intake_child("organization")),
        ("从以往案件选取当事人", intake_child("known")),
        ("修改案件", lambda: (on(agreed_id), window.edit_case(agreed_id))[1]),
        ("安排调解", lambda: (on(mediating_id, s), s.schedule("mediation"))[1]),
        ("调解记录", first_session),
        ("权利义务告知", lambda: (on(mediating_id, s), s.record_notice())[1]),
        ("背对背记录", lambda: (on(mediating_id, s), s.add_note("caucus"))[1]),
        ("个人笔记", lambda: (on(mediating_id, s), s.add_note("private"))[1]),
        ("调解协议", lambda: (on(agreed_id, a), a.open_editor())[1]),
        ("履行情况", lambda: (on(agreed_id, a), a.record_performance())[1]),
        ("终止调解", lambda: (on(mediating_id), view.request_transition(CaseStatus.TERMINATED))[1]),
        ("延长调解期限", lambda: (on(mediating_id), view.request_extension())[1]),
        ("记录回访", visit(f.record_visit)),
        ("改期", visit(f.reschedule)),
        ("未联系上", visit(f.not_reached)),
        ("新增回访", visit(f.add_visit)),
        ("取消回访", visit(f.cancel_visit)),
        ("文书", lambda: (on(agreed_id), window.open_documents(services.cases.get(agreed_id).code))[1]),
        ("设置", window.open_settings),
        ("节假日安排", window.open_calendar),
        ("放假安排", lambda: window.open_calendar().add_holiday()),
        ("调休上班", lambda: window.open_calendar().add_makeup_day()),
        ("第一次使用", first_run_dialog),
        ("今日提醒", window.open_today),
        ("日程安排", window.open_agenda),
        ("台账销号", lambda: (on(agreed_id), view.ledger_line.cross_off_dialog())[1]),
        ("导出台账", window.ledger_actions.export_ledger),
    ]


def close_all(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Close every dialog and extra window (unsaved forms without asking)."""
    for _ in range(5):
        open_windows = [w for w in QApplication.topLevelWidgets()
                        if w.isVisible() and (isinstance(w, QDialog) or w.windowTitle() in ("今日提醒", "日程安排"))]
        if not open_windows:
            return
        for w in open_windows:
            if isinstance(w, QDialog):
                QDialog.done(w, 0)
            else:
                w.close()
        qtbot.wait(10)


@pytest.fixture
def two_cases(gui, shared_samples):  # type: ignore[no-untyped-def]  # noqa: F811
    """A case that reached 调解成功 (the first shared sample, with its sessions, agreement and
    visits) and one still being mediated."""
    import json

    from conftest import sample_draft

    from mediator_desktop.services.dto import MediatorAssignment

    services, settings = gui
    sample = json.loads(shared_samples.read_text(encoding="utf-8"))
    code = services.exchange.import_document({**sample, "cases": sample["cases"][:1]}).created[0]
    agreed = services.cases.get_by_code(code)
    assert agreed.status == "agreed"
    services.followups.add(agreed.id, 0, services.today(), "了解履行情况")    # a visit still to make
    d = services.cases.register(sample_draft(mediators=[MediatorAssignment(services.mediator_ids[0])]))
    d = services.cases.transition(d.id, d.version, "accepted")
    d = services.cases.transition(d.id, d.version, "in_mediation")
    return services, settings, agreed.id, d.id


@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")
def test_tab_goes_round_every_dialog_and_every_mnemonic_reaches_its_field(qtbot, two_cases) -> None:
    services, settings, agreed_id, mediating_id = two_cases
    window = show_window(qtbot, services, settings)
    failures: list[str] = []
    for name, open_dialog in dialog_openers(window, services, agreed_id, mediating_id):
        dialog = open_dialog()
        assert dialog is not None, name
        qtbot.waitExposed(dialog)
        failures += [f"{name}: {p}" for p in tab_round(qtbot, dialog)]
        assert len(tab_stops(dialog)) >= 3, name
        failures += [f"{name}: {p}" for p in mnemonic_problems(dialog)]
        close_all(qtbot)
        back_to(qtbot, window)
    assert not failures, "\n".join(failures)


# -- single behaviours -----------------------------------------------------------------------


def test_a_refused_save_puts_the_cursor_on_the_first_problem(qtbot, gui) -> None:  # noqa: F811
    services, settings = gui
    show_window(qtbot, services, settings)
    press(qtbot, Qt.Key.Key_N, CTRL)
    dialog = active_modal(qtbot, QDialog)
    u = dialog.ui
    tab_to(qtbot, u.recorder)                # the cursor somewhere further down the form
    press(qtbot, Qt.Key.Key_S, ALT)          # 保存(&S) with nothing filled in
    order = [("received_on", u.receivedOn), ("source", u.source), ("dispute_type", u.disputeType),
             ("title", u.title), ("summary", u.summary), ("requests", u.requests), ("risk_level", u.riskLevel),
             ("mediators", u.mediatorList), ("recorder", u.recorder), ("parties", u.partiesTable)]
    qtbot.waitUntil(lambda: any(dialog.errors.message(field) for field, _w in order))
    shown = [field for field, _w in order if dialog.errors.message(field)]
    assert len(shown) >= 2 and shown[0] != "recorder", shown   # several problems: the cursor to the first
    assert focused() is dict(order)[shown[0]] and dialog.isVisible()


def test_enter_in_the_discard_box_keeps_the_form(qtbot, gui) -> None:  # noqa: F811
    services, settings = gui
    window = show_window(qtbot, services, settings)
    press(qtbot, Qt.Key.Key_N, CTRL)
    dialog = active_modal(qtbot, QDialog)
    tab_to(qtbot, dialog.ui.summary)
    type_here(qtbot, dialog.ui.summary, "通道被堵")
    press(qtbot, Qt.Key.Key_Escape)
    box = active_modal(qtbot, QMessageBox)
    assert box.windowTitle() == "放弃修改？" and box.defaultButton().text() == "继续填写"
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert dialog.isVisible() and dialog.ui.summary.toPlainText() == "通道被堵"
    assert window is not None


def test_dates_are_typed_as_digits_or_with_dashes(qtbot, gui) -> None:  # noqa: F811
    services, settings = gui
    window = show_window(qtbot, services, settings)
    tab_to(qtbot, window.date_filter)
    press(qtbot, Qt.Key.Key_Space)           # 受理日期 from … to …
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is window.date_from
    qtbot.keyClicks(focused(), "20261101")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is window.date_to and window.date_from.date().toPython().isoformat() == "2026-11-01"
    qtbot.keyClicks(focused(), "2026-11-23")
    press(qtbot, Qt.Key.Key_Tab)
    assert window.date_to.date().toPython().isoformat() == "2026-11-23"
    assert window.current_query().received_from.isoformat() == "2026-11-01"


def wheel(widget: QWidget) -> None:
    event = QWheelEvent(QPointF(5, 5), QPointF(widget.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_changes_only_the_field_that_has_the_cursor(qtbot, gui) -> None:  # noqa: F811
    services, settings = gui
    window = show_window(qtbot, services, settings)
    window.table.setFocus()
    combo = window.status_filter
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus
    wheel(combo)                             # the pointer passes over it while scrolling
    assert combo.currentIndex() == 0
    tab_to(qtbot, combo)
    wheel(combo)
    assert combo.currentIndex() == 1


def test_escape_closes_the_today_view_and_the_agenda(qtbot, gui) -> None:  # noqa: F811
    services, settings = gui
    window = show_window(qtbot, services, settings)
    for key, name in ((Qt.Key.Key_F2, "today_view"), (Qt.Key.Key_R, "agenda")):
        window.table.setFocus()
        press(qtbot, key, CTRL if key == Qt.Key.Key_R else Qt.KeyboardModifier.NoModifier)
        other = back_to(qtbot, getattr(window, name))
        press(qtbot, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda o=other: not o.isVisible())
        back_to(qtbot, window)


def test_a_click_on_a_mediators_name_ticks_it(qtbot, gui) -> None:  # noqa: F811
    services, settings = gui
    window = show_window(qtbot, services, settings)
    dialog = window.new_case()
    qtbot.waitExposed(dialog)
    mediators = dialog.ui.mediatorList
    item = mediators.item(0)
    rect = mediators.visualItemRect(item)
    on_name = QPoint(rect.left() + rect.height() + mediators.fontMetrics().horizontalAdvance(item.text()) // 2,
                     rect.center().y())
    qtbot.mouseClick(mediators.viewport(), Qt.MouseButton.LeftButton, pos=on_name)
    assert item.checkState() == Qt.CheckState.Checked
    qtbot.mouseClick(mediators.viewport(), Qt.MouseButton.LeftButton, pos=on_name)
    assert item.checkState() == Qt.CheckState.Unchecked
    # A click on the small box itself ticks it once (not twice).
    box = QPoint(rect.left() + rect.height() // 2, rect.center().y())
    qtbot.mouseClick(mediators.viewport(), Qt.MouseButton.LeftButton, pos=box)
    assert item.checkState() == Qt.CheckState.Checked


@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")
def test_the_case_menu_offers_the_case_views_own_actions_as_it_allows_them(qtbot, gui) -> None:  # noqa: F811
    from conftest import sample_draft

    from mediator_desktop.services.dto import MediatorAssignment

    services, settings = gui
    detail = services.cases.register(sample_draft(mediators=[MediatorAssignment(services.mediator_ids[0])]))
    window = show_window(qtbot, services, settings)
    view = window.case_view
    window.select_case(detail.id)
    menu_actions = [a for a in window.case_menu.actions() if not a.isSeparator()]
    assert all(a in menu_actions for a in view.case_actions.values())
    window.case_menu.aboutToShow.emit()      # what opening the menu does: the tabs are read
    enabled = {k for k, a in view.case_actions.items() if a.isEnabled()}
    # (权利义务告知 can be recorded from the start, as its button says.)
    assert enabled == {"accepted", "not_accepted", "refused", "edit", "notice", "documents"}, enabled
    assert view.sessions_panel.mediate_button.isEnabled() is False
    # Each shortcut belongs to one action only; none takes a key a text field needs.
    shortcuts = [a.shortcut().toString() for a in window.findChildren(type(view.case_actions["edit"]))
                 if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts)), shortcuts
    assert not {"Ctrl+A", "Ctrl+C", "Ctrl+V", "Ctrl+X", "Ctrl+Z", "Ctrl+Y"} & set(shortcuts)
    # 受理 from its button runs the action; then 开始调解 and 安排调解 become possible.
    qtbot.mouseClick(view.action_buttons["accepted"], Qt.MouseButton.LeftButton)
    answer_yes(qtbot, view.transition_box)
    assert view.case_actions["in_mediation"].isEnabled() and not view.case_actions["accepted"].isEnabled()
    window.case_menu.aboutToShow.emit()
    assert view.case_actions["mediate"].isEnabled() == view.sessions_panel.mediate_button.isEnabled() is True


def test_settings_audit_and_risk_pages_reach_their_fields_by_alt_key(qtbot, gui) -> None:  # noqa: F811
    """设置 → 审计: “日期(&D)” labels two date fields (a layout), so Alt+D goes to the first; 设置 →
    风险与移交: every time has its Alt-key, as on the other pages."""
    services, settings = gui
    window = show_window(qtbot, services, settings)
    dialog = window.open_settings()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    show_tab(dialog, "审计")
    assert dialog.audit_page.isVisible() and not mnemonic_problems(dialog)
    dialog.audit_page.actor.setFocus()
    qtbot.waitUntil(lambda: focused() is dialog.audit_page.actor)
    press(qtbot, Qt.Key.Key_D, ALT)
    assert focused() is not dialog.audit_page.actor and dialog.audit_page.start.isAncestorOf(focused()), focused()
    show_tab(dialog, "风险与移交")
    assert dialog.risk_page.isVisible() and not mnemonic_problems(dialog)
    page = dialog.risk_page
    page.petition.setFocus()
    qtbot.waitUntil(lambda: focused() is page.petition)
    press(qtbot, Qt.Key.Key_H, ALT)
    assert focused() is page.numbers[page_key(page, "红色报告时限")]
    press(qtbot, Qt.Key.Key_X, ALT)
    assert focused() is page.petition
    close_all(qtbot)


def show_tab(dialog, title: str) -> None:  # type: ignore[no-untyped-def]
    """Click the settings tab called ``title`` (each page sits in its scroll area)."""
    tabs = dialog.tabs
    index = next(k for k in range(tabs.count()) if tabs.tabText(k) == title)
    bar = tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def page_key(page, caption: str) -> str:  # type: ignore[no-untyped-def]
    from mediator_desktop.ui.settings.risk_settings import NUMBERS

    return next(option.key for option, label, _suffix in NUMBERS if label.startswith(caption))
