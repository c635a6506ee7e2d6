"""联席会议: joint case conferences on difficult cases (STATISTICS.md §4). A window lists them
(all, or those of one case); a dialog records one — participants with their units, the cases by
code, the plan, and the tasks (who does what by when), each a deadline in 今日提醒 until done."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.conferences import (
    ConferenceDraft,
    ConferenceRow,
    ConferenceView,
    Participant,
    TaskDraft,
)
from mediator_desktop.ui.common.record_list import RecordDialog, RecordListWindow, RowFocusSelects, input_table
from mediator_desktop.ui.common.widgets import (
    FieldErrors,
    RowTableModel,
    add_row,
    attempt,
    button_row,
    close_on_escape,
    date_edit,
    error_label,
    fit_to_screen,
    form_footer,
    height_in_lines,
    line_edit,
    picked_date,
    push_button,
    qdate,
    scrolling_body,
    section_label,
    tab_chain,
    tab_moves_on,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


def split_codes(text: str) -> list[str]:
    """Case codes typed one after another, separated by 、，, ; or a new line."""
    return [c.strip() for c in re.split(r"[、，,;；\n]+", text) if c.strip()]


class ConferenceModel(RowTableModel):
    HEADERS = ("会议日期", "议题", "地点", "涉及案件", "任务")

    def cell(self, r: ConferenceRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            tasks = f"{r.open_tasks}项未完成 / 共{r.tasks}项" if r.tasks else "—"
            return (chinese_date(r.held_on), r.topic, r.place, r.case_codes, tasks)[column]
        return None


class ConferenceWindow(RecordListWindow):
    """The conferences, newest first (those of ``case_id`` when given)."""

    DELETE_TITLE = "删除联席会议记录"

    def __init__(self, services: Services, parent: QWidget | None = None, *, case_id: int | None = None) -> None:
        super().__init__(services, parent)
        self.services = services
        self.case_id = case_id
        close_on_escape(self)
        lay = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        lay.addWidget(self.heading)
        self._add_list(lay, ConferenceModel(self), "conferenceTable",
                       "双击一行（或选中后按回车）打开该次会议；任务完成后在会议中标记“已完成”。", "新的会议(&N)…")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.dialog: ConferenceDialog | None = None
        self.show_case(case_id)
        fit_to_screen(self, (960, 560))

    def show_case(self, case_id: int | None) -> None:
        """Show the conferences of ``case_id`` (None: all)."""
        self.case_id = case_id
        code = ""
        if case_id is not None:
            try:
                code = self.services.cases.get(case_id).code
            except Exception:  # noqa: BLE001 — the case was deleted meanwhile: show them all
                self.case_id = None
        self.setWindowTitle(f"联席会议 — {code}" if code else "联席会议")
        self.heading.setText(f"讨论过案件{code}的联席会议（会诊）" if code else "全部联席会议（会诊）")
        self.refresh()

    def refresh(self) -> None:
        self._show_rows(lambda: self.services.conferences.conferences(case_id=self.case_id), "联席会议记录")

    def new_conference(self) -> ConferenceDialog:
        return self._open(None)

    def _dialog(self, record_id: int | None) -> ConferenceDialog:
        return ConferenceDialog(self.services, record_id, self, case_id=self.case_id)

    def _delete(self, record_id: int) -> object:
        return self.services.conferences.delete(record_id)

    def _delete_question(self, row: ConferenceRow) -> str:
        return f"删除{chinese_date(row.held_on)}“{row.topic}”的会议记录及其任务？"


class ConferenceDialog(RecordDialog):
    """One conference: when, where, what about, who took part, the cases, the plan, the tasks."""

    DISCARD_QUESTION = "会议记录还没有保存，确定要关闭吗？"
    TABLES = ("participants", "tasks")

    def __init__(self, services: Services, conference_id: int | None, parent: QWidget | None = None, *,
                 case_id: int | None = None) -> None:
        super().__init__(services, parent)
        self.services = services
        self.conference_id = conference_id
        self.view: ConferenceView | None = None
        self._task_ids: list[int | None] = []
        self._task_done: list[date | None] = []
        self.setWindowTitle("新的联席会议" if conference_id is None else "联席会议")
        dialog_lay = QVBoxLayout(self)
        body = QWidget()
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)
        dialog_lay.addWidget(scrolling_body(body), 1)   # the footer below always stays on the screen
        form = QFormLayout()
        outer.addLayout(form)
        self.errors = FieldErrors()
        self.held_on = date_edit(services.today(), maximum=services.today())
        self.place = line_edit("如：镇综治中心会议室")
        self.topic = line_edit("如：张某与李某相邻通行纠纷会诊")
        self.cases = line_edit("案号，多件用顿号（、）分开")
        add_row(form, self.errors, "held_on", "会议日期(&D)：", self.held_on)
        add_row(form, self.errors, "place", "地点(&L)：", self.place)
        add_row(form, self.errors, "topic", "议题(&G)：", self.topic)
        add_row(form, self.errors, "case_codes", "涉及案件(&C)：", self.cases)
        outer.addWidget(section_label("参加人员"))
        self.people = self._table(("姓名", "单位"), "conferencePeople")
        people_errors = error_label()
        self.errors.bind("participants", self.people, people_errors)
        outer.addWidget(self.people)
        outer.addWidget(people_errors)
        self.add_person_button = push_button("添加参加人员(&A)", lambda: self.add_person(focus=True))
        self.remove_person_button = push_button("删去所选人员", lambda: self._remove(self.people))
        button_row(outer, (self.add_person_button, self.remove_person_button))
        plan_form = QFormLayout()
        outer.addLayout(plan_form)
        self.plan = QPlainTextEdit()
        tab_moves_on(self.plan)
        height_in_lines(self.plan, 2, extra=12)
        add_row(plan_form, self.errors, "plan", "商定的方案(&P)：", self.plan)
        outer.addWidget(section_label("任务分工（谁、做什么、何时完成）"))
        self.tasks = self._table(("由谁负责", "做什么", "完成期限", "完成情况"), "conferenceTasks")
        self.tasks.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        task_errors = error_label()
        self.errors.bind("tasks", self.tasks, task_errors)
        outer.addWidget(self.tasks)
        outer.addWidget(task_errors)
        self.add_task_button = push_button("添加任务(&T)", lambda: self.add_task(focus=True))
        self.remove_task_button = push_button("删去所选任务", self.remove_task)
        self.done_button = push_button("标记已完成(&F)", self.mark_done, "所选任务已完成：不再提醒")
        self.undone_button = push_button("改为未完成", self.mark_undone)
        button_row(outer, (self.add_task_button, self.remove_task_button), (self.done_button, self.undone_button))
        self.people_focus, self.tasks_focus = RowFocusSelects(self.people), RowFocusSelects(self.tasks)
        self.message, self.buttons = form_footer(self, dialog_lay, "保存(&S)", self.save_and_close, (1100, 720))
        if conference_id is not None:
            self._show(services.conferences.get(conference_id))
        else:
            if case_id is not None:
                self.cases.setText(services.cases.get(case_id).code)
            self.add_person()
            self.add_task()
            self._dirty = False
        self._connect()

    def _connect(self) -> None:
        for edit in (self.place, self.topic, self.cases):
            edit.textEdited.connect(self._mark_dirty)
        self.plan.textChanged.connect(self._mark_dirty)
        self.held_on.dateChanged.connect(self._mark_dirty)

    @staticmethod
    def _table(headers: tuple[str, ...], name: str) -> QTableWidget:
        # Tab walks the inputs of each row (_rows_changed).
        table = input_table(headers, name)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # The header and three rows of inputs stay in view (the dialog's body scrolls when the
        # screen is too short for it all).
        line = QLineEdit().sizeHint().height() + 6
        table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + 3 * line + 4)
        return table

    def _row_of(self, table: QTableWidget, widgets: list[QWidget]) -> int:
        row = table.rowCount()
        table.insertRow(row)
        for col, w in enumerate(widgets):
            table.setCellWidget(row, col, w)
            w.installEventFilter(self.people_focus if table is self.people else self.tasks_focus)
            if isinstance(w, QLineEdit):
                w.textEdited.connect(self._mark_dirty)
        table.setRowHeight(row, max(w.sizeHint().height() for w in widgets) + 6)
        self._rows_changed()
        return row

    def _rows_changed(self) -> None:
        """Tab in reading order: each participant's inputs, then the buttons under them, the
        plan, each task's inputs, the task buttons."""
        def cells(table: QTableWidget, columns: int) -> list[QWidget]:
            return [table.cellWidget(r, c) for r in range(table.rowCount()) for c in range(columns)]

        tab_chain([self.cases, *cells(self.people, 2), self.add_person_button, self.remove_person_button, self.plan,
                   *cells(self.tasks, 3), self.add_task_button])

    def add_person(self, p: Participant | None = None, *, focus: bool = False) -> int:
        p = p or Participant()
        name, unit = QLineEdit(p.name), QLineEdit(p.unit)
        unit.setPlaceholderText("如：镇派出所")
        row = self._row_of(self.people, [name, unit])
        if focus:
            self._dirty = True
            name.setFocus()
        return row

    def add_task(self, t: TaskDraft | None = None, *, focus: bool = False) -> int:
        t = t or TaskDraft()
        who, what = QLineEdit(t.who), QLineEdit(t.what)
        due = date_edit(t.due_on or self.services.today())
        due.dateChanged.connect(self._mark_dirty)
        state = QLabel(f"已于{chinese_date(t.done_on)}完成" if t.done_on else "未完成")
        row = self._row_of(self.tasks, [who, what, due, state])
        self._task_ids.append(t.id)
        self._task_done.append(t.done_on)
        if focus:
            self._dirty = True
            who.setFocus()
        return row

    def _remove(self, table: QTableWidget) -> int:
        row = table.currentRow()
        if row >= 0:
            table.removeRow(row)
            self._dirty = True
            self._rows_changed()
        return row

    def remove_task(self) -> None:
        row = self._remove(self.tasks)
        if row >= 0:
            del self._task_ids[row]
            del self._task_done[row]

    def _show(self, view: ConferenceView) -> None:
        self.view, self.conference_id = view, view.id
        self.held_on.setDate(qdate(view.held_on))
        self.place.setText(view.place)
        self.topic.setText(view.topic)
        self.cases.setText("、".join(c.code for c in view.cases))
        self.plan.setPlainText(view.plan)
        self.people.setRowCount(0)
        for p in view.participants:
            self.add_person(p)
        self.tasks.setRowCount(0)
        self._task_ids.clear()
        self._task_done.clear()
        for t in view.tasks:
            self.add_task(TaskDraft(t.who, t.what, t.due_on, t.done_on, t.id))
        self.setWindowTitle(f"联席会议 — {chinese_date(view.held_on)} {view.topic}")
        self._dirty = False

    def draft(self) -> ConferenceDraft:
        people = [Participant(self.people.cellWidget(r, 0).text(), self.people.cellWidget(r, 1).text())  # type: ignore[attr-defined]
                  for r in range(self.people.rowCount())]
        tasks = [TaskDraft(self.tasks.cellWidget(r, 0).text(), self.tasks.cellWidget(r, 1).text(),  # type: ignore[attr-defined]
                           picked_date(self.tasks.cellWidget(r, 2)), self._task_done[r], self._task_ids[r])
                 for r in range(self.tasks.rowCount())]
        return ConferenceDraft(picked_date(self.held_on), self.place.text(), self.topic.text(), people,
                               split_codes(self.cases.text()), self.plan.toPlainText(), tasks,
                               self.view.version if self.view else None)

    def _write(self) -> ConferenceView:
        return self.services.conferences.save(self.conference_id, self.draft())

    def _set_done(self, done: bool) -> None:
        row = self.tasks.currentRow()
        if row < 0:
            self.message.say("请先在任务表中选中一项任务")
            return
        if (self._dirty or self.conference_id is None) and not self.save():
            return
        assert self.view is not None
        task = self.view.tasks[row]
        when = self.services.today() if done else None
        if attempt(lambda: self.services.conferences.set_task_done(task.id, when, version=task.version),
                   self.message) is not None:
            self._show(self.services.conferences.get(self.view.id))
            self.tasks.selectRow(row)
            self.changed.emit()

    def mark_done(self) -> None:
        self._set_done(True)

    def mark_undone(self) -> None:
        self._set_done(False)
