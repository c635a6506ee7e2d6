"""The main window: search box, filters, the case list and the case view beside it; the
reminder counts in the status bar, the today view (今日提醒) at start and the tray message."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QSystemTrayIcon,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop import APP_TITLE
from mediator_desktop import settings as opts
from mediator_desktop.domain.enums import CaseStatus, RiskLevel
from mediator_desktop.domain.permissions import Permission
from mediator_desktop.services.dto import CaseQuery, CaseRow
from mediator_desktop.support import write_diagnostics
from mediator_desktop.ui.agenda.today_view import (
    ReminderCountLabel,
    app_icon,
    ask_ics_path,
    bring_to_front,
    export_ics_to,
    tray_message,
)
from mediator_desktop.ui.case.case_table_model import PAGE, CaseTableModel
from mediator_desktop.ui.case.case_view import CaseView
from mediator_desktop.ui.common.background import (
    BackgroundTask,
    Reporter,
    busy,
    counted,
    file_error_text,
    run_task,
    stop_tasks,
)
from mediator_desktop.ui.common.bus import ChangeBus
from mediator_desktop.ui.common.widgets import (
    FRAME_ALLOWANCE,
    FlowLayout,
    date_edit,
    file_dialog,
    fill_enum_combo,
    fit_to_screen,
    hold_back,
    make_action,
    on_trigger,
    qdate,
    refit,
    remember_sizes_in,
    screen_area,
    table_view,
)

if TYPE_CHECKING:
    # The dialogs a user opens later: imported when first opened, not before the window paints.
    from mediator_desktop.services.app import Services
    from mediator_desktop.ui.help.help_dialogs import AboutDialog, GuideDialog
    from mediator_desktop.ui.intake.intake_dialog import IntakeDialog
    from mediator_desktop.ui.settings.backup_dialog import BackupDialog, RestoreDialog
    from mediator_desktop.ui.settings.settings_dialog import SettingsDialog

SEARCH_DELAY_MS = 150
#: While typing in the search box the first match is shown in the case view only once the
#: typing has paused this long (loading a case takes 10–80 ms that a keystroke must not wait for).
PREVIEW_DELAY_MS = 300
#: Above this many matches of a search word the status bar says "1,000 多件" instead of counting.
COUNT_CAP = 1000
#: When the start-up work begins if the window is shown but never painted (ms).
START_FALLBACK_MS = 1000
#: How often the reminder counts are read again (a new day, or another PC's changes).
REMINDER_POLL_MS = 5 * 60 * 1000


#: What the window's own actions need of the signed-in user's role (issue 16; attribute paths of
#: the window), with what each does in the words of the tooltip that says why it is greyed. The
#: case actions follow the shown case's rights in the case view (``ACTION_WRITES``); reading,
#: printing, the agenda and 设置's own pages (显示 for everyone) stay open to every role.
ROLE_NEEDS: dict[str, tuple[Permission, str]] = {
    "new_action": (Permission.INTAKE, "登记新案件"),
    "import_action": (Permission.IMPORT, "导入案件"),
    "ledger_actions.import_action": (Permission.IMPORT, "导入台账"),
    "export_action": (Permission.EXPORT, "导出案件"),
    "ledger_actions.export_action": (Permission.EXPORT, "导出台账"),
    "backup_action": (Permission.ADMINISTER, "备份数据"),
    "restore_action": (Permission.ADMINISTER, "恢复数据"),
}


def import_progress_text(done: int, total: int) -> str:
    """The progress dialog's line during an import: the service checks every case (the first
    half of ``total``), then writes them (the second half)."""
    if total <= 0:
        return "正在读取和检查文件……"
    n = total // 2
    if done >= total:
        return "正在保存……"
    if done < n:
        return f"正在检查第{done + 1}件，共{n}件……"
    return f"正在写入第{done - n + 1}件，共{n}件……"


def backup_progress_text(done: int, total: int) -> str:
    """The progress line of a backup: copying the database (pages), then writing the file."""
    if total <= 0:
        return "正在写入备份文件……"
    return f"正在复制数据库……{done * 100 // total}%"


export_progress_text = counted("正在读取案件……", "正在整理第{n}件，共{total}件……", "正在写入文件……")


class WaitRelay(QObject):
    """Carries the storage's "waiting for another writer" note to the GUI thread: a write may
    wait inside a background task (an import), whose thread must not touch widgets."""

    waiting = Signal(str)


class _FirstPaint(QObject):
    """Calls ``then`` once, from the event loop, after ``widget`` has first painted."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self.then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.then)
        return False


class MainWindow(QMainWindow):
    def __init__(self, services: Services, settings: opts.Settings) -> None:
        super().__init__()
        self.services = services
        self.settings = settings
        # The first paint waits only for the list and the first case: the reminders, the tray
        # and the services neither needs come after (see _after_first_paint).
        self._painted = False
        self.update_title()
        self._build_actions()
        central = QWidget()
        self.setCentralWidget(central)
        lay = QVBoxLayout(central)
        # Search and filters.
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("输入案号、姓名、拼音首字母、电话或纠纷内容查找（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        lay.addWidget(self.search)
        filters = FlowLayout()  # wraps onto a second line at a large font
        self.status_filter = QComboBox()
        fill_enum_combo(self.status_filter, CaseStatus, blank="全部状态")
        self.type_filter = QComboBox()
        self.type_filter.addItem("全部类型", None)
        for t in services.dispute_types.list():
            self.type_filter.addItem(("　" if t.parent_id else "") + t.name, t.id)
        self.mediator_filter = QComboBox()
        self.mediator_filter.addItem("全部调解员", None)
        for m in services.mediators.list():
            self.mediator_filter.addItem(m.name, m.id)
        self.risk_filter = QComboBox()
        fill_enum_combo(self.risk_filter, RiskLevel, blank="全部风险")
        self.date_filter = QCheckBox("受理日期")
        self.date_from = date_edit(qdate(services.today()).addMonths(-1).toPython())
        self.date_to = date_edit(services.today())
        for d in (self.date_from, self.date_to):
            d.setDisplayFormat("yyyy年M月d日")
            d.setEnabled(False)
        self.clear_filters = QPushButton("清除条件")
        for w in (QLabel("筛选："), self.status_filter, self.type_filter, self.mediator_filter, self.risk_filter,
                  self.date_filter, self.date_from, QLabel("至"), self.date_to, self.clear_filters):
            filters.addWidget(w)
        lay.addLayout(filters)
        # List and case view.
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("caseSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.case_model = CaseTableModel(services, self)
        self.table = table_view(self.case_model, wrap=False, name="caseTable")
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setAlternatingRowColors(True)
        self._size_columns()
        self.case_view = CaseView(services, rooms=self.rooms(),
                                  autosave_seconds=settings.get(opts.AUTOSAVE_SECONDS))
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.case_view)
        self._build_case_menu()
        self._apply_role()
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        lay.addWidget(self.splitter)
        # The case count and the unsaved-record notice have widgets of their own: the count is
        # permanent (a passing showMessage never covers it), the notice sits left of it.
        self.unsaved_label = QLabel()
        self.unsaved_label.setObjectName("unsavedRecordsNotice")
        self.unsaved_label.setStyleSheet("color: #a35200;")
        self.unsaved_label.hide()
        self.statusBar().addWidget(self.unsaved_label, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("caseCount")
        self.statusBar().addPermanentWidget(self.count_label)
        self.reminder_label = ReminderCountLabel()
        self.statusBar().addPermanentWidget(self.reminder_label)
        self.wait_relay = WaitRelay(self)
        services.notify_waits(self.wait_relay.waiting.emit)
        # Where the data is: a long path must not widen the window past a 1366-pixel screen at
        # a large font (cut short there; the whole text is in the tooltip).
        self.db_label = QLabel(services.describe_database())
        self.db_label.setObjectName("databaseLabel")
        self.db_label.setToolTip(services.describe_database())
        self.db_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.db_label.setMinimumWidth(self.db_label.fontMetrics().horizontalAdvance("本机数据库："))
        self.statusBar().addPermanentWidget(self.db_label, 1)
        self.reminder_counts: dict[str, int] = {}
        self._reminders_at = float("-inf")
        self.reminder_day = services.today()
        self.today_view = None
        self.tray: QSystemTrayIcon | None = None
        self._started = False
        self._starting = False
        self._recount: BackgroundTask | None = None
        self._recount_again = False
        self._recount_views = False
        self._start_timer = QTimer(self, singleShot=True, interval=0)
        self._reminder_timer = QTimer(self, interval=REMINDER_POLL_MS)
        self._reminder_timer.start()
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._typing = False
        self._search_generation = 0
        self.bus = ChangeBus(self)
        self._connect()
        self._restore_geometry()
        remember_sizes_in(settings)  # 文书, 调解记录, 调解协议 open at the size they were left at
        self.refresh()
        self._mention_unsaved_records()
        self._first_paint = _FirstPaint(self.table.viewport(), self._after_first_paint)

    def _connect(self) -> None:
        """Wire the window (qutebrowser's _connect_signals): what the user does, and the bus
        every change goes through — the list, the shown case and the reminders follow it."""
        self.reminder_label.clicked.connect(self.open_today)
        self.wait_relay.waiting.connect(self.show_waiting)   # queued when emitted from a worker
        self._start_timer.timeout.connect(self.on_started)
        self._reminder_timer.timeout.connect(self._poll_reminders)
        self._search_timer.timeout.connect(self._search_typed)
        self._preview_timer.timeout.connect(self._show_current)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        for combo in (self.status_filter, self.type_filter, self.mediator_filter, self.risk_filter):
            combo.currentIndexChanged.connect(self.refresh)
        self.date_filter.toggled.connect(self._dates_toggled)
        self.date_from.dateChanged.connect(self.refresh)
        self.date_to.dateChanged.connect(self.refresh)
        self.clear_filters.clicked.connect(self.reset_filters)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_row(cur.row()))
        self.table.activated.connect(lambda index: self._show_row(index.row(), focus=True))
        self.case_view.changed.connect(self.bus.case_changed)
        self.case_view.edit_requested.connect(self.edit_case)
        self.case_view.documents_requested.connect(self.open_documents)
        self.case_view.conferences_requested.connect(self.open_conferences)
        self.bus.case_changed.connect(self._case_changed)
        self.bus.calendar_changed.connect(self._calendar_changed)
        self.bus.calendar_changed.connect(self.case_view.reload)
        self.bus.settings_changed.connect(self._settings_changed)
        app = QApplication.instance()
        if app is not None:    # quitting without closing the window (log-off): no worker outlives it
            app.aboutToQuit.connect(self._stop_work)

    def _stop_work(self) -> None:
        stop_tasks(self)

    def _build_actions(self) -> None:
        bar = QToolBar("常用")
        bar.setObjectName("mainToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setMovable(False)
        self.addToolBar(bar)
        self.new_action = make_action(self, "新案件（受理登记）", self.new_case, shortcut="Ctrl+N")
        self.open_action = make_action(self, "打开所选案件",
                                       lambda: self._show_row(self.table.currentIndex().row(), focus=True),
                                       shortcut="Ctrl+O")
        self.settings_action = make_action(self, "设置", self.open_settings, shortcut="Ctrl+,")
        self.import_action = make_action(self, "导入", self.import_file)
        self.export_action = make_action(self, "导出", self.export_file)
        self.backup_action = make_action(self, "备份(&B)…", self.backup_data,
                                         tip="把全部数据（含附件）备份成一个文件，可存到U盘")
        self.restore_action = make_action(self, "恢复(&S)…", self.restore_data,
                                          tip="用备份文件恢复全部数据（先检查备份，现在的数据先另存一份）")
        self.agenda_action = make_action(self, "日程安排", self.open_agenda,
                                         shortcut="Ctrl+R", tip="按周、按日查看所有案件的调查、调解安排")
        self.today_action = make_action(self, "今日提醒", lambda: self.open_today(), shortcut="F2",
                                        tip="已逾期和7个工作日内到期的事项（F2）")
        self.calendar_action = make_action(self, "节假日安排…", self.open_calendar,
                                           tip="查看或录入各年度的放假和调休上班安排（期限按工作日计算）")
        self.ics_action = make_action(self, "导出日程（.ics）…", self.export_schedule,
                                      tip="把今天起90天内的到期事项导出为手机日历文件")
        self.find_action = make_action(self, "查找", lambda: (self.search.setFocus(), self.search.selectAll()),
                                       shortcut="Ctrl+F")
        for action in (self.new_action, self.open_action, self.today_action, self.agenda_action,
                       self.settings_action, self.import_action, self.export_action):
            bar.addAction(action)
        self.addAction(self.find_action)
        menu = self.file_menu = self.menuBar().addMenu("文件(&F)")
        for action in (self.new_action, self.import_action, self.export_action):
            menu.addAction(action)
        from mediator_desktop.ui.ledger.actions import LedgerActions

        self.ledger_actions = LedgerActions(self)    # 导出台账… / 导入台账…
        menu.addActions(self.ledger_actions.actions())
        menu.addSeparator()
        for action in (self.backup_action, self.restore_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.settings_action)
        menu.addSeparator()
        quit_action = QAction("退出", self, shortcut=QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)
        schedule = self.schedule_menu = self.menuBar().addMenu("日程(&R)")
        for action in (self.today_action, self.agenda_action):
            schedule.addAction(action)
        schedule.addSeparator()
        for action in (self.ics_action, self.calendar_action):
            schedule.addAction(action)
        self.reports_action = make_action(self, "统计报表(&S)…", self.open_reports,
                                          tip="按月、季、年统计受理、调解成功等数字，看走势图，导出 Excel 或 PDF")
        self.statistics_menu = self.reports_menu = self.menuBar().addMenu("统计(&T)")
        self.reports_menu.addAction(self.reports_action)
        self._build_screening_actions()
        self._build_help_menu()

    def _build_screening_actions(self) -> None:
        """Screening and joint conferences (STATISTICS.md §3, §4): 统计(&T) → 排查记录…, and
        日程(&R) → 联席会议…. (The statistics work adds its own entries to the same 统计 menu.)"""
        self.conference_action = make_action(self, "联席会议(&L)…", lambda: self.open_conferences(),
                                             tip="疑难案件的联席会议（会诊）：参加人员、商定方案和任务分工")
        self.schedule_menu.addSeparator()
        self.schedule_menu.addAction(self.conference_action)
        self.screening_action = make_action(self, "排查记录(&P)…", self.open_screening,
                                            tip="矛盾纠纷排查：每次排查的区域、排查人和发现的纠纷（零报告）")
        stats = getattr(self, "statistics_menu", None) or self.menuBar().addMenu("统计(&T)")
        self.statistics_menu = stats
        stats.addAction(self.screening_action)

    def _build_help_menu(self) -> None:
        """帮助(&H): the user guide (F1), the diagnostics file for support, 关于."""
        menu = self.help_menu = self.menuBar().addMenu("帮助(&H)")
        self.guide_action = QAction("使用说明(&U)", self, shortcut=QKeySequence("F1"))
        self.diagnostics_action = QAction("导出诊断信息(&D)…", self)
        self.diagnostics_action.setToolTip("把版本和日志存成一个文件，发给维护人员；不含案件内容")
        self.about_action = QAction("关于调解工作台(&A)", self)
        on_trigger({self.guide_action: self.show_guide, self.diagnostics_action: self.export_diagnostics,
                    self.about_action: self.show_about})
        for action in (self.guide_action, self.diagnostics_action, self.about_action):
            menu.addAction(action)
        self.addAction(self.guide_action)

    def _build_case_menu(self) -> None:
        """案件(&C): every action the case view offers, the view's own QActions (the same ones
        its buttons trigger), enabled as the view allows; F5 reads list and case again."""
        menu = self.case_menu = QMenu("案件(&C)", self)
        self.menuBar().insertMenu(self.schedule_menu.menuAction(), menu)
        menu.addAction(self.new_action)
        menu.addAction(self.open_action)
        self.reload_action = QAction("刷新(&H)", self, shortcut=QKeySequence("F5"))
        self.reload_action.setToolTip("重新读取案件列表和所选案件（其他电脑的修改）")
        self.reload_action.triggered.connect(self.reload)
        menu.addAction(self.reload_action)
        self.addAction(self.reload_action)
        menu.addSeparator()
        for action in self.case_view.action_items():
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.aboutToShow.connect(self.case_view.load_actions)

    def _apply_role(self) -> None:
        """Grey the actions the signed-in user's role does not allow (``ROLE_NEEDS``), each
        saying why in its tooltip; nothing changes while sign-in is off."""
        for path, (permission, what) in ROLE_NEEDS.items():
            hold_back(attrgetter(path)(self), "" if self.services.may(permission) else self.services.refusal(what))

    def reload(self) -> None:
        """F5: the list and the shown case as they are now in the database."""
        detail = self.case_view.detail
        self.case_model.reload()
        if detail is not None:
            self.select_case(detail.id)

    # -- list ---------------------------------------------------------------------------------

    #: Sample texts that set each column's width (follows the font size).
    COLUMN_SAMPLES = ["（2026）龙门人调字第999号", "一方拒绝调解", "张三丰、李四光、王五", "2026年12月22日",
                      "拖欠农民工工资纠纷", "风险 橙", "杨志强、王芳"]

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(self.COLUMN_SAMPLES):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)

    def changeEvent(self, event) -> None:
        from PySide6.QtCore import QEvent

        if event.type() in (QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange):
            self._size_columns()
        super().changeEvent(event)

    def current_query(self) -> CaseQuery:
        q = CaseQuery(text=self.search.text(), status=self.status_filter.currentData(),
                      dispute_type_id=self.type_filter.currentData(), mediator_id=self.mediator_filter.currentData(),
                      risk_level=self.risk_filter.currentData(),
                      sort=self.case_model.query.sort, descending=self.case_model.query.descending)
        if self.date_filter.isChecked():
            q.received_from = self.date_from.date().toPython()
            q.received_to = self.date_to.date().toPython()
        return q

    def refresh(self) -> None:
        self._search_generation += 1     # a typed search still under way is overtaken
        query = self.current_query()
        self.case_model.set_query(query)
        self._show_count(query)
        self._select_first()

    def _select_first(self) -> None:
        if self.case_model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.case_model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _show_count(self, query: CaseQuery, total: int | None = None) -> None:
        """共 N 件 / 找到 N 件 for the rows the model now holds (after every reload); ``total``:
        counted already (by the typed search's worker)."""
        filtered = bool(query.text.strip() or query.status or query.dispute_type_id or query.mediator_id
                        or query.risk_level or query.received_from)
        if not self.case_model.canFetchMore():
            total = self.case_model.rowCount()  # the first page held them all: nothing to count
        elif total is None:
            total = self.services.cases.count(query, cap=COUNT_CAP if query.text.strip() else None)
        if total > COUNT_CAP and query.text.strip():
            self.count_label.setText(f"找到 {COUNT_CAP:,} 多件案件")
        else:
            self.count_label.setText(f"找到 {total:,} 件案件" if filtered else f"共 {total:,} 件案件")

    def reset_filters(self) -> None:
        for combo in (self.status_filter, self.type_filter, self.mediator_filter, self.risk_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.date_filter.setChecked(False)
        self.search.clear()
        self.refresh()

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.refresh()

    def _search_typed(self) -> None:
        """The typing paused for SEARCH_DELAY_MS: the first page and the count are read in a
        worker thread (a common word over 100,000 cases can take longer than a keystroke, and
        the window must never stop while someone types); the list follows when they arrive —
        unless the text changed meanwhile — and the case view a little later (PREVIEW_DELAY_MS)."""
        query = self.current_query()
        self._search_generation += 1
        generation = self._search_generation
        cases = self.services.cases

        def work(_reporter: object) -> tuple[list[CaseRow], int | None]:
            rows = cases.page(query, limit=PAGE)
            total = cases.count(query, cap=COUNT_CAP if query.text.strip() else None) if len(rows) >= PAGE else None
            return rows, total

        def arrived(result: tuple[list[CaseRow], int | None]) -> None:
            if generation != self._search_generation:
                return   # typed on: a newer search is under way
            rows, total = result
            self._typing = True
            try:
                self.case_model.show_rows(query, rows)
                self._show_count(query, total)
                self._select_first()
            finally:
                self._typing = False

        def failed(exc: Exception) -> None:
            if generation == self._search_generation:
                self.statusBar().showMessage(f"查找没有完成：{exc}", 15_000)

        BackgroundTask(self, work, title="查找", text="", quiet=True, cancellable=False,
                       on_done=arrived, on_failed=failed).start()

    def _show_current(self) -> None:
        self._show_row(self.table.currentIndex().row())

    def _show_row(self, row: int, focus: bool = False) -> None:
        if self._typing and not focus:
            self._preview_timer.start()
            return
        self._preview_timer.stop()
        case_id = self.case_model.case_id(row)
        if case_id is not None:
            self.case_view.show_case(case_id)
            if focus:
                self.case_view.setFocus()

    def select_case(self, case_id: int) -> None:
        row = self.case_model.row_for_case(case_id)
        if row is None:
            self.reset_filters()
            row = self.case_model.row_for_case(case_id)
        if row is not None:
            self.table.selectRow(row)
        self.case_view.show_case(case_id)

    def _case_changed(self, case_id: int) -> None:
        self.case_model.reload()
        # A new case (or one changed out of the filter) changes the count too.
        self._show_count(self.case_model.query)
        self.select_case(case_id)
        self._mention_unsaved_records()
        self.refresh_reminders(views=True)

    # -- reminders ----------------------------------------------------------------------------

    def refresh_reminders(self, views: bool = False, max_age: float | None = None) -> BackgroundTask | None:
        """Count what is overdue and due within 3 / 7 working days for the status bar, in a
        worker thread (at 100,000 cases the reading takes seconds: typing and painting go on);
        ``views``: show the open today view and agenda the new list too; ``max_age``: keep a
        count made less than that many seconds ago. A request while a count runs is served by
        one more count after it."""
        if max_age is not None and time.monotonic() - self._reminders_at < max_age:
            return None
        self._recount_views = self._recount_views or views
        if self._recount is not None and self._recount.is_running():
            self._recount_again = True
            return self._recount
        reminders = self.services.reminders
        today = self.services.today()

        def work(_reporter: Reporter) -> tuple[list, dict[str, int]]:  # type: ignore[type-arg]
            items = reminders.today_list(today)
            return items, reminders.counts(items)

        self._recount = BackgroundTask(self, work, title="今日提醒", text="正在统计提醒……", quiet=True,
                                       on_done=self._reminders_read, on_failed=self._reminders_failed)
        return self._recount.start()

    def _reminders_read(self, result: tuple[list, dict[str, int]]) -> None:  # type: ignore[type-arg]
        items, counts = result
        views, self._recount_views = self._recount_views, False
        self._show_counts(counts)
        if views:
            if self.today_view is not None and self.today_view.isVisible():
                self.today_view.refresh(items)
            agenda = getattr(self, "agenda", None)
            if agenda is not None and agenda.isVisible():
                agenda.refresh()
        if self._starting:
            # The first count after start: the today view (when the setting asks for it and
            # something is due) and the tray notification.
            self._starting = False
            # Not over a dialog the user has opened meanwhile (受理登记 straight after start):
            # the counts in the status bar and F2 bring the view when that is done.
            if items and self.settings.get(opts.SHOW_TODAY_ON_START) and QApplication.activeModalWidget() is None:
                self.open_today(items)
            self._show_tray(counts)
        self._recount_done()

    def _reminders_failed(self, _exc: Exception) -> None:
        self._starting = False
        self._show_counts({})
        self._recount_done()

    def _recount_done(self) -> None:
        self._recount = None
        if self._recount_again:
            self._recount_again = False
            self.refresh_reminders()

    def _show_counts(self, counts: dict[str, int]) -> None:
        self._reminders_at = time.monotonic()
        self.reminder_counts = counts
        self.reminder_day = self.services.today()
        self.reminder_label.set_counts(counts)
        if self.tray is not None:
            self.tray.setToolTip("今日提醒：" + self.reminder_label.plain_text())

    def _poll_reminders(self) -> None:
        """Every few minutes: the counts again; on a new day the open views follow it."""
        new_day = self.services.today() != self.reminder_day
        self.refresh_reminders(views=new_day)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            # Once the list has painted (_after_first_paint); this long only if it never paints.
            self._start_timer.start(START_FALLBACK_MS)

    def _after_first_paint(self) -> None:
        """What the first paint did not wait for: the reminders and the tray (:meth:`on_started`),
        then the services the window has not used yet, made here on the GUI thread one per turn
        of the event loop (see Services)."""
        if self._painted:
            return
        self._painted = True
        if self._start_timer.isActive():
            self._start_timer.start(0)
        self._warm_services()

    def _warm_services(self) -> None:
        names = self.services.unmade()
        if names:
            getattr(self.services, names[0])
            QTimer.singleShot(0, self._warm_services)

    def on_started(self) -> None:
        """Right after the window first shows: the reminders are counted in the background;
        when they arrive come the today view (see :meth:`_reminders_read`) and the tray."""
        self._starting = True
        self.refresh_reminders()
        self.daily_backup()

    def daily_backup(self) -> BackgroundTask:
        """The first start of a day: a backup of the whole database, quietly in the background
        (the status bar says so only when it could not be made)."""
        backups = self.services.backups

        def failed(exc: Exception) -> None:
            reason = file_error_text(exc) if isinstance(exc, OSError) else str(exc)
            self.statusBar().showMessage(f"今天的自动备份没有完成：{reason}", 60_000)

        task = BackgroundTask(self, lambda _reporter: backups.daily(), title="自动备份", text="", quiet=True,
                              on_failed=failed)
        self.daily_backup_task = task
        return task.start()

    def _show_tray(self, counts: dict[str, int]) -> None:
        """The tray icon (where the desktop has a tray) and, when anything is overdue or
        urgent, one message."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            tray = QSystemTrayIcon(app_icon(), self)
            menu = QMenu(self)
            menu.addAction(self.today_action)
            tray.setContextMenu(menu)
            tray.activated.connect(self._tray_activated)
            tray.messageClicked.connect(lambda: self.open_today())
            tray.setToolTip("今日提醒：" + self.reminder_label.plain_text())
            tray.show()
            self.tray = tray
        message = tray_message(counts)
        if message and QSystemTrayIcon.supportsMessages():
            icon = QSystemTrayIcon.MessageIcon.Warning if counts.get("overdue") else \
                QSystemTrayIcon.MessageIcon.Information
            self.tray.showMessage("今日提醒", message, icon, 20000)

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_today()

    def open_today(self, items=None):
        """The today view (今日提醒): overdue and soon-due items; double-click opens a case.
        ``items``: the today list just read, so it is not read again."""
        from mediator_desktop.ui.agenda.today_view import TodayView

        def make():
            view = TodayView(self.services, items=items)
            view.open_case.connect(self.show_case_from_reminder)
            return view

        return self._own_window("today_view", make, (1150, 620), lambda view: view.refresh(items))

    def _own_window(self, attr: str, make, size: tuple[int, int], again):
        """A window of its own beside this one, made (and wired) by ``make`` once and kept in
        ``attr``; opened again later, ``again(window)`` brings it up to date. Shown, in front."""
        window = getattr(self, attr, None)
        if window is None:
            window = make()
            window.setParent(self, Qt.WindowType.Window)
            fit_to_screen(window, size)
            setattr(self, attr, window)
        else:
            again(window)
        window.show()
        bring_to_front(window)
        return window

    def show_case_from_reminder(self, case_id: int) -> None:
        """A case opened from the today view or the agenda: shown here, this window in front."""
        self.select_case(case_id)
        bring_to_front(self)

    def open_calendar(self):
        """节假日安排: the holiday arrangements; deadlines are counted again after a save."""
        from mediator_desktop.ui.agenda.calendar_dialog import CalendarDialog

        dialog = CalendarDialog(self.services, self)
        dialog.saved.connect(lambda _year: self.bus.calendar_changed.emit())
        dialog.open()
        self.calendar_dialog = dialog
        return dialog

    def _calendar_changed(self) -> None:
        """Deadlines move with a new arrangement: the counts and the open views again (the
        shown case follows the bus itself)."""
        self.refresh_reminders(views=True)

    def export_schedule(self) -> QFileDialog:
        """导出日程（.ics）: today's and the next 90 days' reminders for a phone calendar."""
        dialog = ask_ics_path(self, self.export_schedule_to)
        self.file_dialog = dialog
        return dialog

    def export_schedule_to(self, path: str) -> BackgroundTask | None:
        """Write the .ics file in the background; the result is said in ``self.message_box``."""
        if self._busy():
            return None
        return export_ics_to(self.services, self, path)

    # -- actions ------------------------------------------------------------------------------

    def new_case(self) -> IntakeDialog:
        from mediator_desktop.ui.intake.intake_dialog import IntakeDialog

        dialog = IntakeDialog(self.services, self)
        dialog.saved.connect(self.bus.case_changed)
        dialog.open()
        self.intake_dialog = dialog
        return dialog

    def edit_case(self, case_id: int) -> IntakeDialog:
        from mediator_desktop.ui.intake.intake_dialog import IntakeDialog

        dialog = IntakeDialog(self.services, self, case_id=case_id)
        dialog.saved.connect(self.bus.case_changed)
        dialog.open()
        self.intake_dialog = dialog
        return dialog

    def _mention_unsaved_records(self) -> None:
        """After a crash or power cut: say which records have autosaved text waiting."""
        ids = self.services.pending_journals()
        # Short enough to stand whole beside the counts; how to restore is in the tooltip.
        self.unsaved_label.setText(f"有{len(ids)}份调解记录在上次关闭前未保存，已自动保留" if ids else "")
        self.unsaved_label.setToolTip("内容已自动保留在本机：打开该案件的“调解活动”，选中那次活动，点“编辑记录”即可恢复。"
                                      if ids else "")
        self.unsaved_label.setVisible(bool(ids))

    def rooms(self) -> list[str]:
        """调解场所 from the settings, one per line."""
        return [r.strip() for r in self.settings.get(opts.ROOMS).splitlines() if r.strip()]

    def open_reports(self):
        """统计报表: the statistics table and charts; a figure's cases open here."""
        from mediator_desktop.ui.reports.window import ReportsWindow

        reports = getattr(self, "reports", None)
        if reports is None:
            reports = self.reports = ReportsWindow(self.services)
            reports.setParent(self, Qt.WindowType.Window)
            reports.open_case.connect(self.show_case_from_reminder)
            fit_to_screen(reports, (1100, 700))
            reports.show()
            reports.compute()
        reports.show()
        bring_to_front(reports)
        return reports

    def open_agenda(self):
        """The agenda (日程安排): every case's sessions by week or day; double-click opens a case."""
        from mediator_desktop.ui.agenda.agenda import AgendaView

        agenda = getattr(self, "agenda", None)
        if agenda is None:
            agenda = AgendaView(self.services)
            agenda.setParent(self, Qt.WindowType.Window)
            agenda.setWindowTitle("日程安排")
            agenda.open_case.connect(self.show_case_from_reminder)
            fit_to_screen(agenda, (1100, 700))
            self.agenda = agenda
        agenda.show_week(self.services.today())
        agenda.show()
        bring_to_front(agenda)
        return agenda

    def open_screening(self):
        """排查记录: the screening log; a dispute turned into a case shows in the list at once."""
        from mediator_desktop.ui.screening.screening_window import ScreeningWindow

        def make():
            window = ScreeningWindow(self.services)
            window.case_changed.connect(self.bus.case_changed)
            window.changed.connect(lambda: self.refresh_reminders(views=True))
            return window

        return self._own_window("screening_window", make, (960, 600), lambda window: window.refresh())

    def open_conferences(self, case_id: int | None = None):
        """联席会议: all conferences (menu) or those of one case (the case view's button); a
        task saved or done changes the reminders."""
        from mediator_desktop.ui.conferences.conference_window import ConferenceWindow

        def make():
            window = ConferenceWindow(self.services, case_id=case_id)
            window.changed.connect(lambda: self.refresh_reminders(views=True))
            return window

        return self._own_window("conference_window", make, (960, 560), lambda window: window.show_case(case_id))

    def open_documents(self, code: str):
        """The documents of a case: preview, print, save (the dialog renders on demand)."""
        from mediator_desktop.documents.style import style_from_settings
        from mediator_desktop.ui.documents.document_dialog import DocumentDialog

        previous = getattr(self, "document_dialog", None)
        if previous is not None and not previous.isVisible():
            previous.deleteLater()       # a closed one holds a whole PDF: keep no more than one
        dialog = DocumentDialog(self.services, style_from_settings(self.settings), code, self)
        dialog.open()
        self.document_dialog = dialog
        return dialog

    def open_settings(self) -> SettingsDialog:
        from mediator_desktop.ui.app import apply_font_size
        from mediator_desktop.ui.settings.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.services, self.settings, self)
        dialog.font_size_changed.connect(lambda size: apply_font_size(size))
        dialog.finished.connect(lambda _result: self.bus.settings_changed.emit())
        dialog.user_changed.connect(self.update_title)
        dialog.organization_saved.connect(self.update_title)
        dialog.open()
        self.settings_dialog = dialog
        return dialog

    def show_waiting(self, message: str) -> None:
        """A write waits behind another writer (a long import elsewhere): say so in the status
        bar, painted at once (the wait holds up the event loop)."""
        bar = self.statusBar()
        bar.showMessage(message, 15_000)
        bar.repaint()   # on the GUI thread the wait holds up the event loop: paint now

    def update_title(self) -> None:
        """The title bar names the organisation and who uses this PC; it ends with the
        application's name, so Qt does not append it a second time."""
        org = self.services.organization.get()
        parts = [org.name] if org else []
        user = self.services.user_name.strip()
        if user:
            parts.append(user)
        self.setWindowTitle(" — ".join([*parts, APP_TITLE]))

    def _settings_changed(self) -> None:
        opts.configure_services(self.services, self.settings)
        self.refresh()
        self.refresh_reminders()

    def import_file(self) -> QFileDialog:
        self.file_dialog = file_dialog(self, "选择要导入的案件交换文件", Path.home(), "案件交换文件 (*.json)",
                                       self.import_path, save=False)
        return self.file_dialog

    def import_path(self, path: str, allow_duplicates: bool = False) -> BackgroundTask | None:
        """Import the file in the background with a progress dialog; all or nothing, so 取消
        rolls the whole import back. The result is said in a box (``self.message_box``); a file
        refused only for cases already entered offers 仍然导入 (import them again anyway)."""
        if self._busy():
            return None
        exchange = self.services.exchange

        def work(reporter: Reporter):
            # In the worker thread: the service opens its own database session.
            return exchange.import_text(Path(path).read_bytes(), allow_duplicates=allow_duplicates,
                                        progress=reporter.progress, cancelled=reporter.cancelled)

        def done(result) -> None:
            self.refresh()
            self.refresh_reminders(views=True)
            self._message(QMessageBox.Icon.Information, "导入完成",
                          "\n".join([result.counts_text, *result.report_lines(limit=10)]))

        def failed(exc: Exception) -> None:
            from mediator_desktop.services.exchange import ExchangeError

            if isinstance(exc, ExchangeError):
                lines = "\n".join(f"{p.path}：{p.message}" for p in exc.problems[:50])
                more = f"\n……另有{len(exc.problems) - 50}处" if len(exc.problems) > 50 else ""
                box = self._message(QMessageBox.Icon.Warning, "导入失败", f"{exc.message}。\n\n{lines}{more}")
                if exc.only_duplicates:
                    box.setInformativeText("这些案件已经导入过。如确需再导入一份，请按“仍然导入”。")
                    again = box.addButton("仍然导入", QMessageBox.ButtonRole.AcceptRole)
                    box.button(QMessageBox.StandardButton.Ok).setText("不导入")
                    again.clicked.connect(lambda: self.import_path(path, allow_duplicates=True))
            else:
                reason = file_error_text(exc) if isinstance(exc, OSError) else str(exc)
                self._message(QMessageBox.Icon.Warning, "导入失败", f"无法导入：{reason}")

        return run_task(self, work, title="导入", text="正在读取文件……", describe=import_progress_text,
                        on_done=done, on_failed=failed,
                        on_cancelled=lambda: self._message(QMessageBox.Icon.Information, "导入已取消",
                                                           "已取消导入，没有导入任何案件。"))

    def export_file(self) -> QFileDialog:
        self.file_dialog = file_dialog(self, "导出为案件交换文件", Path.home() / "案件导出.json", "案件交换文件 (*.json)",
                                       self.export_path, save=True)
        return self.file_dialog

    def export_path(self, path: str) -> BackgroundTask | None:
        """Export every case in the background with a progress dialog; 取消 leaves no file
        (the file appears only when complete)."""
        if self._busy():
            return None
        exchange = self.services.exchange
        return self._file_task(
            lambda r: exchange.export_to_file(path, progress=r.progress, cancelled=r.cancelled), "导出",
            "正在读取案件……", export_progress_text, lambda n: f"已导出{n}件案件到\n{path}", "无法导出",
            "已取消导出，没有写出文件。")

    def _file_task(self, work: Callable[[Reporter], Any], what: str, text: str, describe: Callable[[int, int], str],
                   done_text: Callable[[Any], str], failed_lead: str, cancelled_text: str) -> BackgroundTask:
        """Run ``work`` (writing a file) in the background with its progress dialog, then say how
        it went: “{what}完成” with ``done_text(result)``, “{what}失败” with ``failed_lead`` and the
        reason, or “{what}已取消” with ``cancelled_text``."""

        def failed(exc: Exception) -> None:
            reason = file_error_text(exc) if isinstance(exc, OSError) else str(exc)
            self._message(QMessageBox.Icon.Warning, f"{what}失败", f"{failed_lead}：{reason}")

        return run_task(
            self, work, title=what, text=text, describe=describe,
            on_done=lambda result: self._message(QMessageBox.Icon.Information, f"{what}完成", done_text(result)),
            on_failed=failed,
            on_cancelled=lambda: self._message(QMessageBox.Icon.Information, f"{what}已取消", cancelled_text))

    # -- backup and restore ---------------------------------------------------------------------

    def backup_data(self) -> BackupDialog:
        """文件 → 备份…: where to (and an optional passphrase); the backup runs in the background."""
        from mediator_desktop.ui.settings.backup_dialog import BackupDialog

        self.backup_dialog = BackupDialog(self.services, self)
        self.backup_dialog.chosen.connect(self.backup_to)
        self.backup_dialog.open()
        return self.backup_dialog

    def backup_to(self, path: str, passphrase: str = "") -> BackgroundTask | None:
        if self._busy():
            return None
        backups = self.services.backups
        return self._file_task(
            lambda r: backups.create(path, passphrase=passphrase or None, progress=r.progress, cancelled=r.cancelled),
            "备份", "正在备份……", backup_progress_text, lambda info: f"已备份到\n{path}\n{info.describe()}",
            "没有备份", "已取消备份，没有写出文件。")

    def restore_data(self) -> QFileDialog:
        """文件 → 恢复…: choose a backup file; it is checked, then what it holds is shown."""
        from mediator_desktop.ui.settings.backup_dialog import FILTER as BACKUP_FILTER

        self.file_dialog = file_dialog(self, "选择要恢复的备份文件", self.services.backups.folder, BACKUP_FILTER,
                                       self.check_backup)
        return self.file_dialog

    def check_backup(self, path: str) -> BackgroundTask | None:
        """Check the whole file (in the background: a large one takes a while), then ask."""
        if self._busy():
            return None
        backups = self.services.backups
        return run_task(self, lambda _r: backups.inspect(path), title="恢复", text="正在检查备份文件……",
                        cancellable=False, on_done=self.confirm_restore,
                        on_failed=lambda exc: self._restore_failed(exc))

    def confirm_restore(self, info) -> RestoreDialog:
        from mediator_desktop.ui.settings.backup_dialog import RestoreDialog

        self.restore_dialog = RestoreDialog(info, self.services.backups.folder, self)
        self.restore_dialog.confirmed.connect(lambda passphrase: self.restore_from(str(info.path), passphrase))
        self.restore_dialog.open()
        return self.restore_dialog

    def restore_from(self, path: str, passphrase: str = "") -> BackgroundTask | None:
        if self._busy():
            return None
        editor = self.open_record_editor()
        if editor is not None:
            editor.write_journal()
            editor.reject()
        backups = self.services.backups

        def done(result) -> None:
            self.reset_filters()
            if self.case_model.rowCount():
                self._show_row(0)
            self.update_title()
            self.refresh_reminders(views=True)
            kept = f"\n\n恢复前的数据已另存为：\n{result.previous}" if result.previous else ""
            self._message(QMessageBox.Icon.Information, "恢复完成", f"已恢复：{result.info.describe()}。{kept}")

        return run_task(
            self, lambda r: backups.restore(path, passphrase=passphrase or None, progress=r.progress,
                                            cancelled=r.cancelled),
            title="恢复", text="正在检查并恢复备份……", on_done=done, on_failed=self._restore_failed,
            on_cancelled=lambda: self._message(QMessageBox.Icon.Information, "恢复已取消",
                                               "已取消恢复，现在的数据没有改动。"))

    def _restore_failed(self, exc: Exception) -> None:
        reason = file_error_text(exc) if isinstance(exc, OSError) else str(exc)
        self._message(QMessageBox.Icon.Warning, "不能恢复", reason)

    def _busy(self) -> bool:
        """One long operation at a time: a second one waits until the first has ended."""
        if busy(self):
            self.statusBar().showMessage("上一项操作还没有完成，请等它完成后再试。", 5000)
            return True
        return False

    # -- help -------------------------------------------------------------------------------

    def show_guide(self) -> GuideDialog:
        from mediator_desktop.ui.help.help_dialogs import GuideDialog

        dialog = GuideDialog(self)
        dialog.show()
        self.guide = dialog
        return dialog

    def show_about(self) -> AboutDialog:
        from mediator_desktop.ui.help.help_dialogs import AboutDialog

        dialog = AboutDialog(self.services.describe_database(), self)
        dialog.open()
        self.about = dialog
        return dialog

    def export_diagnostics(self) -> QFileDialog:
        name = f"调解工作台诊断信息-{date.today():%Y%m%d}.zip"
        self.file_dialog = file_dialog(self, "导出诊断信息", Path.home() / name, "压缩文件 (*.zip)", self.diagnostics_to,
                                       save=True)
        return self.file_dialog

    def diagnostics_to(self, path: str) -> Path | None:
        """Write the diagnostics file (versions and the log without case data) and say where."""
        try:
            written = write_diagnostics(Path(path), self.services.describe_database())
        except OSError as exc:
            self._message(QMessageBox.Icon.Warning, "导出诊断信息", f"没有写成：{exc.strerror or exc}。"
                          "请换一个位置（例如桌面或U盘）再试。")
            return None
        self._message(QMessageBox.Icon.Information, "导出诊断信息",
                      f"已存到：{written}\n其中只有软件版本和运行日志（身份证号、电话已遮盖，不含案件内容），"
                      "可以发给维护人员。")
        return written

    def _message(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.button(QMessageBox.StandardButton.Ok).setText("知道了")
        box.open()
        self.message_box = box
        return box

    def _restore_geometry(self) -> None:
        """As the user left it (size, place, splitters), kept on the screen; the first time,
        maximised to the screen's available area."""
        geometry = self.settings.get(opts.WINDOW_GEOMETRY)
        restored = bool(geometry) and self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        if restored:
            if not (self.windowState() & Qt.WindowState.WindowMaximized):
                refit(self)
        else:
            area = screen_area(self)
            self.resize(area.size() - FRAME_ALLOWANCE)  # the size it has when un-maximised
            self.move(area.topLeft())
            self.setWindowState(Qt.WindowState.WindowMaximized)
        try:
            states = json.loads(self.settings.get(opts.WINDOW_SPLITTERS) or "{}")
        except ValueError:
            states = {}
        for splitter in self.findChildren(QSplitter):
            state = states.get(splitter.objectName()) if isinstance(states, dict) else None
            if isinstance(state, str):
                splitter.restoreState(QByteArray.fromBase64(state.encode()))

    def _save_geometry(self) -> None:
        self.settings.set(opts.WINDOW_GEOMETRY, bytes(self.saveGeometry().toBase64()).decode())
        self.settings.set(opts.WINDOW_SPLITTERS, json.dumps({
            s.objectName(): bytes(s.saveState().toBase64()).decode()
            for s in self.findChildren(QSplitter) if s.objectName()}))

    def open_record_editor(self):  # type: ignore[no-untyped-def]
        """The 调解记录 editor if one is open (its panel made and the editor showing), else None."""
        sessions = self.case_view.made_panel("sessions")
        editor = getattr(sessions, "record_editor", None)
        return editor if editor is not None and editor.isVisible() else None

    def closeEvent(self, event) -> None:
        # Long work still running (an import, an export…) is cancelled where it can stop and
        # waited for: no worker thread outlives the window.
        stop_tasks(self)
        # An open record editor saves what is unsaved (or keeps its autosave journal).
        editor = self.open_record_editor()
        if editor is not None:
            editor.write_journal()
            editor.reject()
        self._save_geometry()
        self.settings.save()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)
