"""The agenda (日程): every session of every case, a week or a day at a time. A room or mediator
booked twice is orange, with the reason as tooltip; double-clicking an entry opens its case.

Under each day's sessions come the reminders (提醒) due that day — time limits, judicial
confirmation windows, performance due dates and follow-up visits (回访) — coloured by urgency
as in the today view (red overdue, orange within 3 working days, yellow within 7)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.services.reminders import Reminder
from mediator_desktop.services.sessions import SessionView
from mediator_desktop.ui.agenda.today_view import WEEKDAYS, BoundaryElideDelegate, reminder_tooltip, urgency_brushes
from mediator_desktop.ui.common.widgets import ERROR_STYLE, close_on_escape, leave_on_tab, on_click, scale_font

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

CLASH_BACKGROUND = QColor("#ffcf99")
CLASH_FOREGROUND = QColor("#7a2e00")
TODAY_BACKGROUND = QColor("#e3f0ff")
#: A reminder not yet urgent: a pale grey-blue, so it stands apart from the sessions.
LATER_BACKGROUND = QColor("#eceff4")
#: Role of the case id of an entry (for opening the case).
CASE_ID_ROLE = Qt.ItemDataRole.UserRole
#: Role of the session id of an entry.
SESSION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role of the reminder kind of an entry (None for a session).
REMINDER_KIND_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
Entry = SessionView | Reminder


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def time_span(v: SessionView) -> str:
    return f"{v.starts_at:%H:%M}—{v.ends_at:%H:%M}" if v.ends_at else f"{v.starts_at:%H:%M}"


def entry_text(v: SessionView) -> str:
    """One agenda entry: time and kind, place, case code, parties."""
    lines = [f"{time_span(v)}　{v.kind_label}", v.place or "（未定地点）", v.case_code, v.party_names]
    if v.clash_messages:
        lines.insert(0, "⚠ 时间冲突")
    return "\n".join(lines)


def entry_tooltip(v: SessionView) -> str:
    lines = [f"{v.time_text()}　{v.kind_label}", f"地点：{v.place or '未定'}", f"案件：{v.case_code}",
             f"当事人：{v.party_names}"]
    if v.mediator_names:
        lines.append("调解员：" + "、".join(v.mediator_names))
    if v.clash_messages:
        lines.append("时间冲突：")
        lines.extend(f"· {m}" for m in v.clash_messages)
    return "\n".join(lines)


def reminder_text(r: Reminder) -> str:
    """One reminder in the week view: how long is left (in brackets, where a session has its
    time), what and who, the detail, the case."""
    what = f"{r.kind_label} · {r.party}" if r.party else r.kind_label
    return "\n".join([f"【{r.left}{'，暂定' if r.provisional else ''}】", what, r.detail, r.code])


def _reminder_role(r: Reminder, role: int) -> Any:
    if role == Qt.ItemDataRole.ToolTipRole:
        return reminder_tooltip(r)
    brushes = urgency_brushes(r.urgency)
    if role == Qt.ItemDataRole.BackgroundRole:
        return brushes[0] if brushes else QBrush(LATER_BACKGROUND)
    if role == Qt.ItemDataRole.ForegroundRole and brushes:
        return brushes[1]
    # The roles the views ask for what an entry is (to open its case, to filter by kind).
    return {CASE_ID_ROLE: r.case_id, REMINDER_KIND_ROLE: r.kind}.get(role)


def _entry_role(v: Entry, role: int) -> Any:
    if isinstance(v, Reminder):
        return _reminder_role(v, role)
    if role == Qt.ItemDataRole.ToolTipRole:
        return entry_tooltip(v)
    if role == Qt.ItemDataRole.BackgroundRole and v.clash_messages:
        return QBrush(CLASH_BACKGROUND)
    if role == Qt.ItemDataRole.ForegroundRole and v.clash_messages:
        return QBrush(CLASH_FOREGROUND)
    return {CASE_ID_ROLE: v.case_id, SESSION_ID_ROLE: v.id}.get(role)


class AgendaDayModel(QAbstractTableModel):
    """The sessions of one day, one row each, then the reminders due that day."""

    HEADERS = ("时间", "类型", "地点／说明", "案号", "当事人", "调解员／剩余")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions: list[SessionView] = []
        self.reminders: list[Reminder] = []

    def set_sessions(self, sessions: list[SessionView], reminders: list[Reminder] | None = None) -> None:
        self.beginResetModel()
        self.sessions = list(sessions)
        self.reminders = list(reminders or [])
        self.endResetModel()

    @property
    def entries(self) -> list[Entry]:
        return [*self.sessions, *self.reminders]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.sessions) + len(self.reminders)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entries = self.entries
        if not index.isValid() or not 0 <= index.row() < len(entries) or not 0 <= index.column() < len(self.HEADERS):
            return None
        v = entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(v, Reminder):
                return ("到期", v.kind_label, v.detail, v.code, v.party,
                        v.left + ("（暂定）" if v.provisional else ""))[index.column()]
            return (("⚠ " if v.clash_messages else "") + time_span(v), v.kind_label, v.place, v.case_code, v.party_names,
                    "、".join(v.mediator_names))[index.column()]
        return _entry_role(v, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class AgendaWeekModel(QAbstractTableModel):
    """A week: seven columns (Monday to Sunday); each column lists that day's sessions in order,
    then the reminders due that day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start = monday(date.today())
        self.today: date | None = None
        self.days: list[list[Entry]] = [[] for _ in range(7)]

    def set_week(self, start: date, sessions: list[SessionView], today: date | None = None,
                 reminders: list[Reminder] | None = None) -> None:
        self.beginResetModel()
        self.start, self.today = start, today
        self.days = [[] for _ in range(7)]
        for v in sessions:
            offset = (v.starts_at.date() - start).days
            if 0 <= offset < 7:
                self.days[offset].append(v)
        for r in reminders or []:
            offset = (r.due - start).days
            if 0 <= offset < 7:
                self.days[offset].append(r)
        self.endResetModel()

    def day(self, column: int) -> date:
        return self.start + timedelta(days=column)

    def entry(self, index: Index) -> Entry | None:
        if not index.isValid() or not 0 <= index.column() < 7:
            return None
        entries = self.days[index.column()]
        return entries[index.row()] if 0 <= index.row() < len(entries) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else max(len(d) for d in self.days)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        v = self.entry(index)
        if v is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return reminder_text(v) if isinstance(v, Reminder) else entry_text(v)
        return _entry_role(v, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < 7:
            return None
        day = self.day(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{WEEKDAYS[section]}\n{day.month}月{day.day}日" + ("（今天）" if day == self.today else "")
        if role == Qt.ItemDataRole.BackgroundRole and day == self.today:
            return QBrush(TODAY_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and day == self.today:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if self.entry(index) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class AgendaView(QWidget):
    """Week and day views of all sessions; ``open_case(case_id)`` on double-click."""

    open_case = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        close_on_escape(self)
        self.mode = "week"
        self.current = services.today()
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.week_button = QPushButton("周(&W)")
        self.day_button = QPushButton("日(&D)")
        self.modes = QButtonGroup(self)
        for b in (self.week_button, self.day_button):
            b.setCheckable(True)
            self.modes.addButton(b)
            bar.addWidget(b)
        self.week_button.setChecked(True)
        bar.addSpacing(16)
        self.prev_button = QPushButton("◀ 上一周")
        self.today_button = QPushButton("今天(&T)")
        self.next_button = QPushButton("下一周 ▶")
        for b in (self.prev_button, self.today_button, self.next_button):
            bar.addWidget(b)
        bar.addSpacing(16)
        self.title = QLabel()
        self.title.setWordWrap(True)  # wraps rather than widen the window at a large font
        scale_font(self.title, 1.2, bold=True)
        bar.addWidget(self.title, 1)
        self.refresh_button = QPushButton("刷新")
        bar.addWidget(self.refresh_button)
        lay.addLayout(bar)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        lay.addWidget(self.message)

        self.week_model = AgendaWeekModel(self)
        self.week_view = QTableView()
        leave_on_tab(self.week_view)
        self.week_view.setModel(self.week_model)
        self.week_view.setWordWrap(True)
        self.week_view.verticalHeader().hide()
        self.week_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.day_model = AgendaDayModel(self)
        self.day_view = QTableView()
        leave_on_tab(self.day_view)
        self.day_view.setModel(self.day_model)
        self.day_view.verticalHeader().hide()
        self.day_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.day_view.horizontalHeader().setStretchLastSection(True)
        self.day_detail_delegate = BoundaryElideDelegate(self.day_view)   # never cut inside a number
        self.day_view.setItemDelegateForColumn(2, self.day_detail_delegate)
        for view in (self.week_view, self.day_view):
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.week_view)
        self.stack.addWidget(self.day_view)
        # A day's entries wrap within its column: when the columns get wider or narrower (the
        # window fitted to the screen, a new font size) the rows are measured again, or a row
        # too short for its text shows none of it.
        self._rows_timer = QTimer(self, singleShot=True, interval=0)
        lay.addWidget(self.stack, 1)
        hint = QLabel("双击一项打开该案件。标有“⚠ 时间冲突”的安排表示同一场所或同一调解员时间冲突（鼠标停在上面可看原因）。"
                      "到期提醒列在当天的安排之后：红色已逾期，橙色3个工作日内到期，黄色7个工作日内到期，灰色以后到期。")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self._connect()
        self.show_week(self.current)

    def _connect(self) -> None:
        for view in (self.week_view, self.day_view):
            view.doubleClicked.connect(self._activated)
        self._rows_timer.timeout.connect(self.week_view.resizeRowsToContents)
        self.week_view.horizontalHeader().sectionResized.connect(lambda *_: self._rows_timer.start())
        on_click({self.week_button: lambda: self.show_week(self.current),
                  self.day_button: lambda: self.show_day(self.current), self.prev_button: lambda: self.step(-1),
                  self.next_button: lambda: self.step(1), self.today_button: self.go_today,
                  self.refresh_button: self.refresh})

    # -- navigation ---------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FontChange:
            self._rows_timer.start()
        super().changeEvent(event)

    def show_week(self, day: date) -> None:
        self.mode, self.current = "week", day
        self.refresh()

    def show_day(self, day: date) -> None:
        self.mode, self.current = "day", day
        self.refresh()

    def step(self, direction: int) -> None:
        days = 7 if self.mode == "week" else 1
        self.current += timedelta(days=days * direction)
        self.refresh()

    def go_today(self) -> None:
        self.current = self.services.today()
        self.refresh()

    def refresh(self) -> None:
        """Read the shown week or day again from the database."""
        week = self.mode == "week"
        self.week_button.setChecked(week)
        self.day_button.setChecked(not week)
        self.prev_button.setText("◀ 上一周" if week else "◀ 前一天")
        self.next_button.setText("下一周 ▶" if week else "后一天 ▶")
        start = monday(self.current) if week else self.current
        end = start + timedelta(days=6) if week else start
        today = self.services.today()
        try:
            sessions = self.services.sessions.agenda(start, end)
            reminders = self.services.reminders.items(start, end)
        except ServiceError as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.show()
            sessions, reminders = [], []
            failed = True
        else:
            self.message.hide()
            failed = False
        if week:
            self.week_model.set_week(start, sessions, today, reminders)
            self.week_view.resizeRowsToContents()
            self.stack.setCurrentWidget(self.week_view)
            last = end
            self.title.setText(f"{chinese_date(start)}（周一）至{last.month}月{last.day}日（周日）")
        else:
            self.day_model.set_sessions(sessions, reminders)
            self.day_view.resizeColumnsToContents()
            self.day_view.horizontalHeader().setStretchLastSection(True)
            self.stack.setCurrentWidget(self.day_view)
            self.title.setText(f"{chinese_date(start)}（{WEEKDAYS[start.weekday()]}）"
                               + ("　今天" if start == today else ""))
        if not sessions and not failed:
            self.message.setStyleSheet("")
            text = "本周没有安排调查或调解" if week else "这一天没有安排调查或调解"
            self.message.setText(f"{text}；有{len(reminders)}项到期提醒。" if reminders else text + "。")
            self.message.show()

    def _activated(self, index: QModelIndex) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id:   # 0: a reminder of no case (本期尚未排查)
            self.open_case.emit(int(case_id))
