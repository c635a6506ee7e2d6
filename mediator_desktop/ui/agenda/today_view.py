"""The morning view (今日提醒): what is overdue and what falls due within seven working days,
coloured by urgency, with the counts for the status bar, the tray message and the export of
the schedule as an .ics file for a phone calendar (导出到手机日历)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QMouseEvent,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.deadlines import Urgency
from mediator_desktop.domain.text import WEEKDAY_NAMES, chinese_date, shorten
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.services.reminders import ICS_DAYS, Reminder
from mediator_desktop.ui.common.background import (
    BackgroundTask,
    counted,
    file_error_text,
    message,
    run_task,
    stop_tasks,
)
from mediator_desktop.ui.common.widgets import (
    DONE_STYLE,
    RED,
    RowTableModel,
    button_row,
    close_on_escape,
    error_label,
    on_click,
    scale_font,
    table_view,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

WEEKDAYS = tuple("周" + c for c in WEEKDAY_NAMES)   # 周一 … 周日
#: How many rows beyond those on screen set the columns' widths.
RESIZE_PRECISION = 200

#: Pale backgrounds with dark text (readable for old eyes, and in print): urgency → (bg, fg).
URGENCY_COLOURS: dict[str, tuple[str, str]] = {
    Urgency.OVERDUE.value: ("#ffd6d6", "#7f0000"),   # pale red
    Urgency.URGENT.value: ("#ffe0b2", "#6b3000"),    # pale orange
    Urgency.SOON.value: ("#fff3a6", "#4a3b00"),      # pale yellow
}
#: Short words of each urgency (the text marker beside the colour).
URGENCY_WORDS = {
    Urgency.OVERDUE.value: "已逾期",
    Urgency.URGENT.value: "3个工作日内",
    Urgency.SOON.value: "7个工作日内",
    Urgency.LATER.value: "以后",
}
#: The status-bar colours of a non-zero count.
COUNT_STYLE = {Urgency.OVERDUE.value: RED, Urgency.URGENT.value: "#a35200"}

ICS_FILE_NAME = "调解日程.ics"
PROVISIONAL_EXPLANATION = "“暂定”：该年度放假安排尚未公布，日期按周末和法定节日推算；" \
                          "公布后请在“节假日安排”中录入，日期会自动更正。"
EMPTY_TEXT = "今天没有到期或逾期的事项"

#: Role of the case id of a row.
CASE_ID_ROLE = Qt.ItemDataRole.UserRole
#: Role of the urgency value of a row (overdue / urgent / soon / later).
URGENCY_ROLE = Qt.ItemDataRole.UserRole + 1


class BoundaryElideDelegate(QStyledItemDelegate):
    """Shows a text too long for its cell cut where :func:`~mediator_desktop.domain.text.shorten`
    cuts — never inside a number or a Latin word — instead of Qt's eliding at whatever pixel
    ends the cell (``……前支付20…`` would read as an amount of 20). The full text is the tooltip."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        text, width = option.text, option.rect.width()
        if not text or width <= 0:
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        margin = (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1) * 2 + 2
        room = width - margin
        metrics = option.fontMetrics
        if metrics.horizontalAdvance(text) <= room:
            return
        low, high, best = 1, len(text) - 1, shorten(text, 1)
        while low <= high:                    # the longest cut that fits
            mid = (low + high) // 2
            candidate = shorten(text, mid)
            if metrics.horizontalAdvance(candidate) <= room:
                best, low = candidate, mid + 1
            else:
                high = mid - 1
        option.text = best


@cache
def urgency_brushes(value: str) -> tuple[QBrush, QBrush] | None:
    """(background, foreground) of an urgency; None for one that is not coloured. Made once
    per urgency: a view asks for them for every cell it paints."""
    colours = URGENCY_COLOURS.get(value)
    if colours is None:
        return None
    return QBrush(QColor(colours[0])), QBrush(QColor(colours[1]))


@lru_cache(maxsize=1)
def _bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def due_text(due: date, provisional: bool, today: date) -> str:
    """``11月23日 周一`` (with the year when it is not this year) and ``（暂定）``."""
    text = f"{due.month}月{due.day}日" if due.year == today.year else f"{due.year}年{due.month}月{due.day}日"
    return f"{text} {WEEKDAYS[due.weekday()]}" + ("（暂定）" if provisional else "")


def reminder_tooltip(r: Reminder) -> str:
    lines = [f"{r.kind_label}：{r.detail}"] + ([f"案件：{r.code} {r.title}"] if r.code else [])
    if r.party:
        lines.append(f"当事人：{r.party}")
    lines.append(f"到期：{chinese_date(r.due)}（{r.left}）")
    if r.provisional:
        lines.append(PROVISIONAL_EXPLANATION)
    if r.code:
        lines.append("双击打开该案件")
    return "\n".join(lines)


def count_text(counts: Mapping[str, int]) -> str:
    """The status-bar line: ``逾期 2 · 3日内 1 · 7日内 4``."""
    return (f"逾期 {counts.get('overdue', 0)} · 3日内 {counts.get('urgent', 0)} · "
            f"7日内 {counts.get('soon', 0)}")


def count_html(counts: Mapping[str, int]) -> str:
    """:func:`count_text` with a non-zero overdue count in red and urgent in orange."""
    parts = []
    for key, word in (("overdue", "逾期"), ("urgent", "3日内"), ("soon", "7日内")):
        n = counts.get(key, 0)
        text = f"{word} {n}"
        colour = COUNT_STYLE.get(key)
        if n and colour:
            text = f'<span style="color:{colour}; font-weight:bold;">{text}</span>'
        parts.append(text)
    return " · ".join(parts)


def tray_message(counts: Mapping[str, int]) -> str | None:
    """The tray notification at start-up; None when nothing is overdue or due within three
    working days (then nobody is disturbed)."""
    overdue, urgent, soon = counts.get("overdue", 0), counts.get("urgent", 0), counts.get("soon", 0)
    if not overdue and not urgent:
        return None
    parts = []
    if overdue:
        parts.append(f"逾期{overdue}项")
    if urgent:
        parts.append(f"3个工作日内到期{urgent}项")
    if soon:
        parts.append(f"7个工作日内到期{soon}项")
    return "，".join(parts) + "。点击查看今日提醒。"


def bring_to_front(window: QWidget) -> None:
    """Raise and activate a window (platforms without window stacking, such as the offscreen
    one of the tests, only warn about raise(), so it is skipped there)."""
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        window.raise_()
    window.activateWindow()


def app_icon() -> QIcon:
    """The application's icon; a drawn one (调 on red) when none is set."""
    app = QApplication.instance()
    icon = app.windowIcon() if isinstance(app, QApplication) else QIcon()
    if not icon.isNull():
        return icon
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#b22222"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(2, 2, 60, 60), 12, 12)
    font = QFont()
    font.setPixelSize(42)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, 64, 64), Qt.AlignmentFlag.AlignCenter, "调")
    painter.end()
    return QIcon(pixmap)


# -- .ics export ------------------------------------------------------------------------------


def ask_ics_path(parent: QWidget, on_selected: Callable[[str], Any]) -> QFileDialog:
    """The save dialog of the .ics export (opened with ``open()``), default name 调解日程.ics."""
    dialog = QFileDialog(parent, "导出日程到手机日历", str(Path.home() / ICS_FILE_NAME), "日历文件 (*.ics)")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("ics")
    dialog.fileSelected.connect(on_selected)
    dialog.open()
    return dialog


ics_progress_text = counted("正在查找到期事项……", "正在写入第{n}项，共{total}项……", "正在写入日历文件……")


def export_ics_to(services: Services, parent: QWidget, path: str) -> BackgroundTask:
    """Write the export to ``path`` in the background (a progress dialog; 取消 leaves no file)
    and say how it went in a box kept on ``parent.message_box``; returns the task."""
    def done(n: int) -> None:
        text = (f"已把今天起{ICS_DAYS}天内的{n}项到期事项导出到\n{path}\n\n"
                "把这个文件发到手机上（微信、数据线均可）并打开，即可加入手机日历，"
                "每项在前一天上午9点提醒。") if n else \
            f"今天起{ICS_DAYS}天内没有到期事项；已写出一个空的日历文件：\n{path}"
        message(parent, QMessageBox.Icon.Information, "导出完成", text)

    def failed(exc: Exception) -> None:
        reason = file_error_text(exc) if isinstance(exc, OSError) else str(exc)
        message(parent, QMessageBox.Icon.Warning, "导出失败", f"无法写入日历文件：{reason}")

    org = services.organization.get()
    return run_task(parent, lambda r: services.reminders.write_ics(
                        path, org.name if org else "", progress=r.progress, cancelled=r.cancelled),
                    title="导出日程", text="正在查找到期事项……", describe=ics_progress_text,
                    on_done=done, on_failed=failed,
                    on_cancelled=lambda: message(parent, QMessageBox.Icon.Information, "导出已取消",
                                                 "已取消导出，没有写出日历文件。"))


# -- the view ---------------------------------------------------------------------------------


class TodayModel(RowTableModel):
    """The reminders of the today view, one row each, coloured by urgency."""

    HEADERS = ("紧急程度", "到期日", "事项", "案号", "当事人", "说明", "剩余")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = date.today()

    def set_reminders(self, reminders: Sequence[Reminder], today: date) -> None:
        self.today = today
        self.set_rows(reminders)

    def reminder(self, row: int) -> Reminder | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def cell(self, r: Reminder, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (URGENCY_WORDS.get(r.urgency, ""), due_text(r.due, r.provisional, self.today), r.kind_label,
                    r.code, r.party, r.detail, r.left)[column]
        brushes = urgency_brushes(r.urgency)
        if role == Qt.ItemDataRole.BackgroundRole and brushes:
            return brushes[0]
        if role == Qt.ItemDataRole.ForegroundRole and brushes:
            return brushes[1]
        if role == Qt.ItemDataRole.FontRole and (column in (0, 6) and r.urgency == Urgency.OVERDUE.value):
            return _bold_font()
        if role == Qt.ItemDataRole.ToolTipRole:
            return reminder_tooltip(r)
        return {CASE_ID_ROLE: r.case_id, URGENCY_ROLE: r.urgency}.get(role)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:  # type: ignore[override]
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class TodayView(QWidget):
    """今日提醒: overdue (red), within 3 working days (orange), within 7 (yellow).

    ``open_case(case_id)`` on double-click or Enter. :meth:`refresh` reads the list again."""

    open_case = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None, *, items=None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("今日提醒")
        close_on_escape(self)
        self.items: list[Reminder] = []
        self.counts: dict[str, int] = {}
        lay = QVBoxLayout(self)
        self.title = QLabel()
        scale_font(self.title, 1.4, bold=True)
        lay.addWidget(self.title)

        chips = QHBoxLayout()
        self.chips: dict[str, QLabel] = {}
        for key in (Urgency.OVERDUE.value, Urgency.URGENT.value, Urgency.SOON.value):
            chip = QLabel()
            bg, fg = URGENCY_COLOURS[key]
            chip.setStyleSheet(f"background: {bg}; color: {fg}; border: 1px solid {fg}; border-radius: 4px;"
                               " padding: 4px 10px; font-weight: bold;")
            chips.addWidget(chip)
            self.chips[key] = chip
        chips.addStretch()
        lay.addLayout(chips)
        self.message = error_label()
        lay.addWidget(self.message)

        self.model = TodayModel(self)
        self.table = table_view(self.model, wrap=False, name="todayTable")
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 14)
        header = self.table.horizontalHeader()
        # Widths measured once per reading (refresh), from the first rows and not from every
        # row: a list of tens of thousands would otherwise be measured whole on every change
        # and every show (ResizeToContents). The detail column takes the rest.
        header.setResizeContentsPrecision(RESIZE_PRECISION)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.detail_delegate = BoundaryElideDelegate(self.table)
        self.table.setItemDelegateForColumn(5, self.detail_delegate)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scale_font(self.empty, 1.5)
        self.empty.setStyleSheet(DONE_STYLE)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        lay.addWidget(self.stack, 1)

        hint = QLabel("双击一行（或选中后按回车）打开该案件。")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.provisional_note = QLabel(PROVISIONAL_EXPLANATION)
        self.provisional_note.setWordWrap(True)
        lay.addWidget(self.provisional_note)

        self.refresh_button = QPushButton("刷新(&R)")
        self.export_button = QPushButton("导出到手机日历（.ics）…")
        self.export_button.setToolTip(f"把今天起{ICS_DAYS}天内的所有到期事项导出为日历文件，手机日历可直接打开")
        self.close_button = QPushButton("关闭")
        button_row(lay, (self.refresh_button, self.export_button), (self.close_button,))
        self.file_dialog: QFileDialog | None = None
        self.message_box: QMessageBox | None = None
        self._connect()
        self.refresh(items)

    def _connect(self) -> None:
        self.table.activated.connect(self._activated)
        on_click({self.refresh_button: lambda: self.refresh(), self.export_button: self.export_ics,
                  self.close_button: self.close})

    def refresh(self, items: list[Reminder] | None = None) -> None:
        """Read the list again (today by the services' clock), or show ``items`` just read."""
        today = self.services.today()
        self.title.setText(f"今日提醒 · {chinese_date(today)}")
        self.message.hide()
        if items is None:
            try:
                items = self.services.reminders.today_list(today)
            except ServiceError as exc:
                self.message.say(f"无法读取提醒：{exc}")
                items = []
        self.items = items
        self.counts = self.services.reminders.counts(items)
        for key, chip in self.chips.items():
            chip.setText(f"{URGENCY_WORDS[key]} {self.counts.get(key, 0)} 项")
        self.model.set_reminders(items, today)
        self.stack.setCurrentWidget(self.table if items else self.empty)
        if items:
            self.table.resizeColumnsToContents()
            self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)

    def _activated(self, index: QModelIndex) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id:   # 0: a reminder of no case (本期尚未排查)
            self.open_case.emit(int(case_id))

    def export_ics(self) -> QFileDialog:
        """Ask where to save, then write today's and the next 90 days' reminders as .ics."""
        self.file_dialog = ask_ics_path(self, self.export_to)
        return self.file_dialog

    def export_to(self, path: str) -> BackgroundTask:
        """Write the .ics file in the background; the result is said in ``self.message_box``."""
        return export_ics_to(self.services, self, path)

    def closeEvent(self, event) -> None:
        stop_tasks(self)
        super().closeEvent(event)


class ReminderCountLabel(QLabel):
    """The status-bar counts (逾期 N · 3日内 N · 7日内 N); ``clicked`` opens the today view."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminderCounts")
        self.counts: dict[str, int] = {}
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("到期提醒：点击打开今日提醒（F2）")
        self.setStyleSheet("QLabel#reminderCounts { padding: 1px 10px; margin-right: 8px;"
                           " border: 1px solid #9e9e9e; border-radius: 3px; }")
        self.set_counts({})

    def set_counts(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)
        self.setText(count_html(counts))
        self.setAccessibleName(count_text(counts))

    def plain_text(self) -> str:
        return count_text(self.counts)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)
