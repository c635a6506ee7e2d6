"""Reminders in the window, driven as a mediator uses them (offscreen, on real SQLite and
PostgreSQL): the follow-up visits (回访) of a new agreement in the agenda, the morning view
(今日提醒) with its colours, the status-bar counts, the tray message, the .ics export and the
new settings of the 回访与提醒 tab."""

from __future__ import annotations

from datetime import date

import pytest
from gui_helpers import click, start_gui, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from test_followups import _agreed
from test_reminders import _mediating

from mediator_desktop import settings as opts
from mediator_desktop.ui.agenda.agenda import CASE_ID_ROLE, REMINDER_KIND_ROLE, AgendaView
from mediator_desktop.ui.agenda.today_view import (
    EMPTY_TEXT,
    ICS_FILE_NAME,
    URGENCY_ROLE,
    TodayView,
    app_icon,
    count_html,
    count_text,
    tray_message,
)
from mediator_desktop.ui.app import create_main_window
from mediator_desktop.ui.settings.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui

RED, ORANGE, YELLOW = "#ffd6d6", "#ffe0b2", "#fff3a6"


@pytest.fixture
def gui(qapp, services):  # type: ignore[no-untyped-def]
    """Real services (SQLite and PostgreSQL) set up as at start-up; returns (services, settings)."""
    settings = start_gui(qapp, services)
    return services, settings


def three_deadlines(s):  # type: ignore[no-untyped-def]
    """Today is Sunday 2026-11-22: one time limit overdue, one within 3 and one within 7
    working days."""
    late = _mediating(s, date(2026, 10, 1))                 # due 11-02: 已逾期14个工作日
    urgent = _mediating(s, date(2026, 10, 23))              # due 11-23 (Monday): 1 working day
    soon = _mediating(s, date(2026, 11, 20), source="court_entrusted", simple_procedure=True)   # 11-27
    return late, urgent, soon


def background(model, row: int, column: int = 0) -> str:  # type: ignore[no-untyped-def]
    return model.data(model.index(row, column), Qt.ItemDataRole.BackgroundRole).color().name()


# -- the "done means": a new agreement's visits are in the agenda ------------------------


def test_an_agreement_taking_effect_puts_one_visit_per_party_in_the_agenda(qtbot, qtmodeltester, gui) -> None:
    services, _settings = gui
    case, _view = _agreed(services)        # effective 2026-11-21 → visits on Monday 2026-12-21
    agenda = AgendaView(services)
    qtbot.addWidget(agenda)
    agenda.resize(1300, 760)
    agenda.show()
    agenda.show_week(date(2026, 12, 21))
    week = agenda.week_model
    qtmodeltester.check(week)
    monday = [week.data(week.index(r, 0)) for r in range(week.rowCount()) if week.data(week.index(r, 0))]
    visits = [text for text in monday if "回访 · " in text]
    assert any("回访 · 张三" in text for text in visits) and any("回访 · 李四" in text for text in visits)
    assert len(visits) == 2 and all(case.code in text and "满意度回访" in text for text in visits)
    # The case is still in mediation: its time limit (12-20 is a Sunday → 12-21) is there too.
    assert any(text.startswith("【还剩") and "调解期限" in text for text in monday)
    assert agenda.message.text() == "本周没有安排调查或调解；有3项到期提醒。"
    row = next(r for r in range(week.rowCount()) if "回访 · 张三" in (week.data(week.index(r, 0)) or ""))
    index = week.index(row, 0)
    assert week.data(index, REMINDER_KIND_ROLE) == "visit" and week.data(index, CASE_ID_ROLE) == case.id
    assert week.data(index, Qt.ItemDataRole.BackgroundRole).color().name() == "#eceff4"   # later: grey
    assert "双击打开该案件" in week.data(index, Qt.ItemDataRole.ToolTipRole)
    rect = agenda.week_view.visualRect(index)
    qtbot.mouseClick(agenda.week_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(agenda.open_case) as opened:
        qtbot.mouseDClick(agenda.week_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [case.id]

    # The day view lists them under the day's sessions, one row each.
    agenda.show_day(date(2026, 12, 21))
    day = agenda.day_model
    qtmodeltester.check(day)
    rows = [[day.data(day.index(r, c)) for c in range(day.columnCount())] for r in range(day.rowCount())]
    assert ["到期", "回访", "满意度回访", case.code, "张三", "还剩21个工作日"] in rows
    assert any(r[1] == "回访" and r[4] == "李四" for r in rows)

    # The visit at the due date of the money (张三 is owed it on 11-30): six working days → yellow.
    agenda.show_week(date(2026, 11, 30))
    week = agenda.week_model
    entry = next(week.index(r, 0) for r in range(week.rowCount())
                 if "回访 · 张三" in (week.data(week.index(r, 0)) or ""))
    assert "履行期限回访" in week.data(entry) and week.data(entry).startswith("【还剩6个工作日】")
    assert week.data(entry, Qt.ItemDataRole.BackgroundRole).color().name() == YELLOW


# -- the today view ------------------------------------------------------------------------------


def test_today_view_colours_counts_and_opens_the_case(qtbot, qtmodeltester, gui) -> None:
    services, _settings = gui
    late, urgent, soon = three_deadlines(services)
    later = _mediating(services, date(2026, 11, 20))       # 12-21: not in the today view
    view = TodayView(services)
    qtbot.addWidget(view)
    view.resize(1150, 600)
    view.show()
    assert view.title.text() == "今日提醒 · 2026年11月22日"
    model = view.model
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and view.stack.currentWidget() is view.table
    codes = [model.data(model.index(r, 3)) for r in range(3)]
    assert codes == [late.code, urgent.code, soon.code] and later.code not in codes
    # Colour and a word for each urgency (colour is not the only signal).
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["已逾期", "3个工作日内", "7个工作日内"]
    assert [model.data(model.index(r, 0), URGENCY_ROLE) for r in range(3)] == ["overdue", "urgent", "soon"]
    assert [background(model, r, c) for r in range(3) for c in (0, 6)] == [RED, RED, ORANGE, ORANGE, YELLOW, YELLOW]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole).color().name() == "#7f0000"
    assert model.data(model.index(0, 6), Qt.ItemDataRole.FontRole).bold()
    assert [model.data(model.index(0, c)) for c in range(1, 7)] == [
        "11月2日 周一", "调解期限", late.code, "张三、李四", "调解期限届满", "已逾期14个工作日"]
    assert model.data(model.index(1, 6)) == "还剩1个工作日"
    assert late.title in model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert [view.chips[k].text() for k in ("overdue", "urgent", "soon")] == [
        "已逾期 1 项", "3个工作日内 1 项", "7个工作日内 1 项"]
    assert view.counts == {"overdue": 1, "urgent": 1, "soon": 1, "later": 0}
    assert "暂定" in view.provisional_note.text() and view.provisional_note.isVisible()

    # Double-click and Enter open the case.
    rect = view.table.visualRect(model.index(1, 3))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.open_case) as opened:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [urgent.id]
    view.table.setCurrentIndex(model.index(2, 0))
    with qtbot.waitSignal(view.open_case) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [soon.id]

    # The overdue case is closed: refresh drops it.
    d = services.cases.get(late.id)
    services.cases.transition(d.id, d.version, "terminated", reason="一方撤回申请",
                                routes_explained=True, reason_kind="withdrawn")
    click(qtbot, view.refresh_button)
    assert model.rowCount() == 2 and view.chips["overdue"].text() == "已逾期 0 项"
    qtmodeltester.check(model)


def test_today_view_says_so_when_nothing_is_due(qtbot, gui) -> None:
    services, _settings = gui
    _mediating(services, date(2026, 11, 20))               # due 12-21: later, not today's business
    view = TodayView(services)
    qtbot.addWidget(view)
    view.show()
    assert view.model.rowCount() == 0
    assert view.stack.currentWidget() is view.empty and view.empty.text() == EMPTY_TEXT == "今天没有到期或逾期的事项"
    assert view.empty.isVisible() and not view.table.isVisible()


def test_pure_texts_of_counts_and_the_tray_message() -> None:
    counts = {"overdue": 2, "urgent": 1, "soon": 3, "later": 9}
    assert count_text(counts) == "逾期 2 · 3日内 1 · 7日内 3"
    html = count_html(counts)
    assert "color:#b00020" in html and "color:#a35200" in html and "7日内 3" in html
    assert "color" not in count_html({"overdue": 0, "urgent": 0, "soon": 4})
    assert tray_message(counts) == "逾期2项，3个工作日内到期1项，7个工作日内到期3项。点击查看今日提醒。"
    assert tray_message({"overdue": 0, "urgent": 1, "soon": 0}) == "3个工作日内到期1项。点击查看今日提醒。"
    assert tray_message({"overdue": 1}) == "逾期1项。点击查看今日提醒。"
    assert tray_message({"overdue": 0, "urgent": 0, "soon": 5, "later": 2}) is None
    assert tray_message({}) is None


# -- the main window -----------------------------------------------------------------------------


def test_status_bar_counts_start_up_view_and_shortcuts(qtbot, gui) -> None:
    services, settings = gui
    three_deadlines(services)
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    label = window.reminder_label
    # Shown: the reminders are read once the window is on screen (not while it is being built),
    # and the today view opens by itself (the setting is on and there is something due).
    window.show()
    qtbot.waitUntil(lambda: window.today_view is not None and window.today_view.isVisible(), timeout=3000)
    assert label.plain_text() == "逾期 1 · 3日内 1 · 7日内 1"
    assert "#b00020" in label.text() and "#a35200" in label.text()
    assert window.tray is None          # offscreen there is no tray, and nothing fails
    assert not app_icon().isNull()      # the tray's icon where there is one
    assert window.today_view.model.rowCount() == 3
    window.today_view.close()
    # Clicking the counts opens it again; so does F2.
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    assert window.today_view.isVisible()
    window.today_view.close()
    assert window.today_action.shortcut().toString() == "F2"
    window.today_action.trigger()
    assert window.today_view.isVisible()
    # A case change (here: a new case in mediation, overdue already) updates the counts and the view.
    other = _mediating(services, date(2026, 9, 1))
    window._case_changed(other.id)       # counted again in the background
    qtbot.waitUntil(lambda: label.plain_text() == "逾期 2 · 3日内 1 · 7日内 1", timeout=5000)
    assert window.today_view.model.rowCount() == 4
    # Opening a case from the view shows it in the main window.
    with qtbot.waitSignal(window.today_view.open_case):
        window.today_view._activated(window.today_view.model.index(0, 0))
    assert window.case_view.detail.id == other.id
    # The periodic check follows the date.
    services.ctx._clock.value = services.ctx._clock.value.replace(day=23)
    window._poll_reminders()
    qtbot.waitUntil(lambda: window.today_view.title.text() == "今日提醒 · 2026年11月23日", timeout=5000)
    assert label.plain_text().startswith("逾期 2 · 3日内")


def test_start_up_view_stays_closed_when_the_setting_is_off_or_nothing_is_due(qtbot, gui) -> None:
    services, settings = gui
    late = _mediating(services, date(2026, 10, 1))
    settings.set(opts.SHOW_TODAY_ON_START, False)
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.reminder_label.plain_text() == "逾期 1 · 3日内 0 · 7日内 0", timeout=5000)
    qtbot.wait(50)
    assert window.today_view is None and window.reminder_label.plain_text() == "逾期 1 · 3日内 0 · 7日内 0"
    window.close()
    # Setting on, nothing due: the view does not open either.
    d = services.cases.get(late.id)
    services.cases.transition(d.id, d.version, "terminated", reason="一方撤回申请",
                                routes_explained=True, reason_kind="withdrawn")
    settings.set(opts.SHOW_TODAY_ON_START, True)
    second = create_main_window(services, settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitUntil(lambda: second.reminder_label.plain_text() == "逾期 0 · 3日内 0 · 7日内 0", timeout=5000)
    qtbot.wait(50)
    assert second.today_view is None and second.reminder_label.plain_text() == "逾期 0 · 3日内 0 · 7日内 0"


# -- .ics export ---------------------------------------------------------------------------------


def test_ics_export_from_the_today_view_and_the_menu(qtbot, gui, tmp_path) -> None:
    from icalendar import Calendar

    services, settings = gui
    late, _urgent, _soon = three_deadlines(services)
    case, _ = _agreed(services)                             # visits on 11-30 and 12-21
    view = TodayView(services)
    qtbot.addWidget(view)
    view.show()
    dialog = view.export_ics()
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert dialog.selectedFiles()[0].endswith(ICS_FILE_NAME)
    dialog.reject()
    target = tmp_path / "调解日程.ics"
    task = view.export_to(str(target))               # written in the background
    qtbot.waitUntil(lambda: task.outcome is not None)
    box = view.message_box
    items = services.reminders.ics_items()
    assert "已把今天起90天内的" in box.text() and f"{len(items)}项" in box.text()
    box.close()
    cal = Calendar.from_ical(target.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(items) >= 6
    summaries = [str(e["summary"]) for e in events]
    assert any(s.startswith("回访 · 张三") and case.code in s for s in summaries)
    assert any(s.startswith("回访 · 李四") for s in summaries)
    assert not any(late.code in s for s in summaries)       # overdue: not put into the past of a phone
    assert {e.decoded("dtstart") for e in events} >= {date(2026, 11, 23), date(2026, 11, 27), date(2026, 12, 21)}
    assert "龙门街道人民调解委员会" in str(cal["x-wr-calname"])
    # A folder that does not exist: a message, no crash.
    task = view.export_to(str(tmp_path / "没有这个文件夹" / "调解日程.ics"))
    qtbot.waitUntil(lambda: task.outcome is not None)
    failed = view.message_box
    assert failed.icon() == QMessageBox.Icon.Warning and "无法写入" in failed.text()
    failed.close()
    # The same export from the main window's menu.
    settings.set(opts.SHOW_TODAY_ON_START, False)
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.ics_action.trigger()
    assert window.file_dialog.isVisible() and window.file_dialog.selectedFiles()[0].endswith(ICS_FILE_NAME)
    window.file_dialog.reject()
    other = tmp_path / "手机.ics"
    task = window.export_schedule_to(str(other))
    qtbot.waitUntil(lambda: task.outcome == "done")
    window.message_box.close()
    assert len(list(Calendar.from_ical(other.read_bytes()).walk("VEVENT"))) == len(items)


def test_holiday_arrangements_open_from_the_menu(qtbot, gui) -> None:
    services, settings = gui
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.calendar_action.trigger()
    dialog = window.calendar_dialog
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "节假日安排" and dialog.parent() is window
    assert window.calendar_action.text() == "节假日安排…"
    dialog.saved.emit(2027)              # a saved year: the counts are read again, nothing fails
    qtbot.waitUntil(lambda: window.reminder_label.plain_text() == "逾期 0 · 3日内 0 · 7日内 0", timeout=5000)
    dialog.reject()


# -- settings ------------------------------------------------------------------------------------


def test_settings_tab_saves_the_follow_up_options_and_applies_them(qtbot, gui) -> None:
    services, settings = gui
    dialog = SettingsDialog(services, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    tab = next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "回访与提醒")
    dialog.tabs.setCurrentIndex(tab)
    assert dialog.follow_up_months.value() == 1 and dialog.follow_up_months.maximum() == 12
    assert dialog.satisfaction_scale.toPlainText() == "满意\n基本满意\n不满意"
    assert dialog.show_today.isChecked()
    # A repeated option is refused, with the message beside the field, and the text is kept.
    dialog.satisfaction_scale.clear()
    type_text(qtbot, dialog.satisfaction_scale, "非常满意\n满意\n满意")
    dialog.follow_up_months.setValue(2)
    click(qtbot, dialog.followup_save)
    assert "满意度选项有重复：满意" in dialog.followup_errors.message(opts.SATISFACTION_SCALE.key)
    assert dialog.satisfaction_scale.toPlainText() == "非常满意\n满意\n满意"
    assert settings.get(opts.FOLLOW_UP_MONTHS) == 1 and services.ctx.follow_up_months == 1
    # Corrected: saved to the settings file and handed to the services at once.
    dialog.satisfaction_scale.clear()
    type_text(qtbot, dialog.satisfaction_scale, "非常满意\n满意\n 不满意 \n\n")
    dialog.show_today.setChecked(False)
    click(qtbot, dialog.followup_save)
    assert dialog.followup_message.text() == "已保存。"
    assert not dialog.followup_errors.message(opts.SATISFACTION_SCALE.key)
    reread = opts.Settings(settings.path)
    assert reread.get(opts.FOLLOW_UP_MONTHS) == 2
    assert reread.get(opts.SATISFACTION_SCALE) == "非常满意\n满意\n不满意"
    assert reread.get(opts.SHOW_TODAY_ON_START) is False
    assert services.ctx.follow_up_months == 2
    assert services.ctx.satisfaction_scale == ("非常满意", "满意", "不满意")
    # The new month count plans the next agreement's visits: effective 11-21 → 2027-01-21.
    case, _ = _agreed(services)
    assert {v.due.due for v in services.followups.visits(case.id) if v.kind == "satisfaction"} == {date(2027, 1, 21)}
    # An empty list falls back to the default scale.
    dialog.satisfaction_scale.clear()
    click(qtbot, dialog.followup_save)
    assert dialog.satisfaction_scale.toPlainText() == "满意\n基本满意\n不满意"
    assert "使用默认选项" in dialog.followup_message.text()
    assert services.ctx.satisfaction_scale == ("满意", "基本满意", "不满意")


def test_closing_the_settings_dialog_configures_the_services(qtbot, gui) -> None:
    services, settings = gui
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    dialog = window.open_settings()
    settings.set(opts.FOLLOW_UP_MONTHS, 3)
    settings.set(opts.SATISFACTION_SCALE, "好\n不好")
    assert services.ctx.follow_up_months == 1
    dialog.reject()
    assert services.ctx.follow_up_months == 3 and services.ctx.satisfaction_scale == ("好", "不好")


def test_a_lapsed_window_is_shown_as_lapsed_in_the_today_view_and_the_agenda(qtbot, gui) -> None:
    """Issue 12: an agreement effective 2026-10-16 had until Monday 2026-11-16 to apply; on
    Sunday 2026-11-22 the window is still listed, red, as 已届满 — not silently gone."""
    from test_reminders import _agreed_case

    services, _settings = gui
    lapsed = _agreed_case(services, signed_on=date(2026, 10, 16))
    view = TodayView(services)
    qtbot.addWidget(view)
    view.resize(1150, 600)
    view.show()
    model = view.model
    row = next(r for r in range(model.rowCount())
               if model.data(model.index(r, 2)) == "司法确认申请期限" and model.data(model.index(r, 3)) == lapsed.code)
    assert model.data(model.index(row, 1)) == "11月16日 周一"
    assert model.data(model.index(row, 6)) == "已届满"
    assert "2026年11月16日届满" in model.data(model.index(row, 5))
    assert background(model, row, 6) == RED
    assert "已届满" in model.data(model.index(row, 2), Qt.ItemDataRole.ToolTipRole)

    agenda = AgendaView(services)
    qtbot.addWidget(agenda)
    agenda.resize(1300, 760)
    agenda.show()
    agenda.show_week(date(2026, 11, 16))
    week = agenda.week_model
    monday = [week.data(week.index(r, 0)) or "" for r in range(week.rowCount())]
    entry = next(text for text in monday if "司法确认" in text and lapsed.code in text)
    assert entry.startswith("【已届满】") and "人民法院不再受理" in entry


def test_a_detail_too_long_for_its_cell_is_cut_before_a_number(qtbot, gui) -> None:
    """Issue 12: the detail column is shortened at a boundary (domain.text.shorten), not at the
    pixel where the cell ends: never “……已于2026…” or “……前支付20…”."""
    import re

    from PySide6.QtWidgets import QStyleOptionViewItem
    from test_reminders import _agreed_case

    services, _settings = gui
    lapsed = _agreed_case(services, signed_on=date(2026, 10, 16))
    view = TodayView(services)
    qtbot.addWidget(view)
    view.show()
    model = view.model
    row = next(r for r in range(model.rowCount())
               if model.data(model.index(r, 3)) == lapsed.code and model.data(model.index(r, 6)) == "已届满")
    index = model.index(row, 5)
    full = model.data(index)
    assert full == "申请期限已于2026年11月16日届满，人民法院不再受理司法确认申请"
    shown = []
    for width in range(60, 700, 7):                      # every width the column might have
        option = QStyleOptionViewItem()
        view.table.initViewItemOption(option)
        option.rect = view.table.visualRect(index).adjusted(0, 0, 0, 0)
        option.rect.setWidth(width)
        view.detail_delegate.initStyleOption(option, index)
        shown.append(option.text)
        if option.text != full:
            assert option.text.endswith("…")
            assert not re.search(r"[0-9]…$", option.text), option.text
            assert full.startswith(option.text[:-1].rstrip("，"))
            assert option.fontMetrics.horizontalAdvance(option.text) <= width
    assert full in shown and "申请期限已于…" in shown and "申请期限已于2026年11月16日届满…" in shown
