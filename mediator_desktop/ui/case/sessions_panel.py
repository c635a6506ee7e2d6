"""The case view's "调解活动" tab: the sessions of a case (调查/调解) with their records, the
rights notice (权利义务告知) of each party, and the caucus and private notes — which never go
into the case file and look different from the record everywhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor

from mediator_desktop.domain.enums import (
    RUNNING_STATUSES,
    CaseStatus,
    NoteKind,
    NoticeMethod,
    SessionKind,
)
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.dto import CaseDetail
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.services.sessions import (
    NoteView,
    NoticeView,
    SessionView,
)
from mediator_desktop.ui.agenda.session_dialog import SessionDialog
from mediator_desktop.ui.case.panel_base import CasePanel
from mediator_desktop.ui.case.record_editor import (
    DELETE_NOTE_QUESTION,
    NOTE_CAPTIONS,
    NOTE_COLOURS,
    RecordEditor,
    note_paper,
)
from mediator_desktop.ui.common.widgets import (
    GREEN,
    RED,
    FieldErrors,
    FlowLayout,
    GuardedDialog,
    add_row,
    ask_yes_no,
    attempt,
    button_row,
    date_edit,
    error_label,
    form_footer,
    hold_back,
    on_click,
    read_only_table,
    section_label,
    tab_moves_on,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

CANCELLED_COLOUR = QColor("#8a8a8a")
SIGNED_COLOUR = QColor(GREEN)
MISSING_COLOUR = QColor(RED)


class NoticeDialog(QtWidgets.QDialog):
    """记录权利义务告知 for one party: the date and whether in writing or orally."""

    saved = Signal(object)

    def __init__(self, services: Services, notice: NoticeView, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.notice = services, notice
        self.setWindowTitle(f"记录权利义务告知 — {notice.name}")
        lay = QtWidgets.QVBoxLayout(self)
        intro = QtWidgets.QLabel(f"已向“{notice.name}”告知人民调解的性质、原则，"
                       "以及当事人的权利和义务（人民调解法第二十三、二十四条）。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QtWidgets.QFormLayout()
        self.errors = FieldErrors()
        today = services.today()
        self.on = date_edit(notice.on or today, maximum=today)
        add_row(form, self.errors, "on", "告知日期(&D)：", self.on)
        methods = QtWidgets.QWidget()
        row = FlowLayout(methods)  # the two choices wrap onto two lines at a large font
        self.method_group = QtWidgets.QButtonGroup(self)
        self.written = QtWidgets.QRadioButton(NoticeMethod.WRITTEN.label + "（当事人签收告知书）")
        self.oral = QtWidgets.QRadioButton(NoticeMethod.ORAL.label + "（记入调解记录）")
        for button in (self.written, self.oral):
            self.method_group.addButton(button)
            row.addWidget(button)
        row.addStretch()
        (self.oral if notice.method == NoticeMethod.ORAL.value else self.written).setChecked(True)
        add_row(form, self.errors, "method", "方式：", methods)
        # 告知人: who told the party — the user of this PC unless another name is written.
        self.by = QtWidgets.QLineEdit(notice.by if notice.on is not None and notice.by else services.user_name)
        self.by.setPlaceholderText("告知人姓名")
        add_row(form, self.errors, "by", "告知人(&R)：", self.by)
        lay.addLayout(form)
        self.message, self.buttons = form_footer(self, lay, "保存", self.save, (560, 260))

    def method(self) -> str:
        return NoticeMethod.ORAL.value if self.oral.isChecked() else NoticeMethod.WRITTEN.value

    def save(self) -> None:
        view = attempt(lambda: self.services.sessions.record_notice(
            self.notice.party_id, self.on.date().toPython(), self.method(), self.by.text(),
            version=self.notice.version),
            self.message, self.errors)
        if view is None:
            return
        self.saved.emit(view)
        self.accept()


class NoteDialog(GuardedDialog):
    """Write or change one caucus note (pale yellow) or private note (pale grey)."""

    saved = Signal(object)

    def __init__(self, services: Services, case_id: int, kind: str, parties: list[tuple[int, str]],
                 note: NoteView | None = None, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.case_id, self.kind, self.note = services, case_id, kind, note
        self.setWindowTitle(("修改" if note else "添加") + NoteKind(kind).label)
        self.discard_box: QtWidgets.QMessageBox | None = None
        outer = QtWidgets.QVBoxLayout(self)
        self.paper = QtWidgets.QFrame()
        outer.addWidget(self.paper)
        lay, self.caption = note_paper(self.paper, kind, f"noteDialog_{kind}")
        self.party = QtWidgets.QComboBox()
        self.party.setMinimumContentsLength(10)
        if kind == NoteKind.CAUCUS.value:
            row = QtWidgets.QHBoxLayout()
            row.addWidget(QtWidgets.QLabel("谈话对象(&P)："))
            self.party.addItem("请选择当事人", None)
            for position, party_name in parties:
                self.party.addItem(party_name, position)
            if note is not None:
                self.party.setCurrentIndex(max(self.party.findData(note.party), 0))
            row.itemAt(0).widget().setBuddy(self.party)  # type: ignore[union-attr]
            row.addWidget(self.party)
            row.addStretch()
            lay.addLayout(row)
        self.body = QtWidgets.QPlainTextEdit()
        tab_moves_on(self.body)
        self.body.setPlainText(note.body if note else "")
        lay.addWidget(self.body, 1)
        self.message, self.buttons = form_footer(self, outer, "保存", self.save, (640, 480))

    def _party(self) -> int | None:
        return self.party.currentData() if self.kind == NoteKind.CAUCUS.value else None

    def has_unsaved(self) -> bool:
        """Whether the text (or the party talked to) differs from what is stored."""
        saved_body = self.note.body if self.note else ""
        saved_party = self.note.party if self.note else None
        return (self.body.toPlainText().strip() != saved_body.strip()
                or (self.kind == NoteKind.CAUCUS.value and self._party() != saved_party))

    def save(self) -> None:
        body, party, sessions = self.body.toPlainText(), self._party(), self.services.sessions
        view = attempt(lambda: sessions.add_note(self.case_id, self.kind, body, party=party) if self.note is None
                       else sessions.update_note(self.note.id, self.note.version, body, party=party),
                       self.message)
        if view is None:
            return
        self.note = view
        self.saved.emit(view)
        self.accept()



class SessionsPanel(CasePanel):
    """Sessions, rights notice and notes of one case; ``changed(case_id)`` after every write."""

    WRITES = {name: "records" for name in (
        "investigate_button", "mediate_button", "change_button", "record_button", "cancel_button",
        "notice_button", "clear_notice_button", "caucus_button")} | {"private_button": "notes"}

    def __init__(self, services: Services, rooms: Sequence[str], parent: QtWidgets.QWidget | None = None,
                 autosave_seconds: int = 2) -> None:
        super().__init__(services, parent)
        self.rooms, self.autosave_seconds = list(rooms), autosave_seconds
        self.detail: CaseDetail | None = None
        self.session_views: list[SessionView] = []
        self.notice_views: list[NoticeView] = []
        self.note_views: list[NoteView] = []
        self.record_editor: RecordEditor | None = None
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        body = QtWidgets.QWidget()
        scroll.setWidget(body)
        lay = QtWidgets.QVBoxLayout(body)

        self.message = error_label()
        lay.addWidget(self.message)

        lay.addWidget(section_label("调查与调解", 1.1))
        self.hint = QtWidgets.QLabel()
        self.hint.setWordWrap(True)
        self.hint.hide()
        lay.addWidget(self.hint)
        self.sessions = QtWidgets.QTableWidget(0, 6)
        self.sessions.setHorizontalHeaderLabels(["时间", "类型", "地点", "调解员", "到场当事人", "记录"])
        self.sessions.setToolTip("双击打开记录")
        read_only_table(self.sessions, 130)
        lay.addWidget(self.sessions)
        self.investigate_button = QtWidgets.QPushButton("安排调查…")
        self.mediate_button = QtWidgets.QPushButton("安排调解…")
        self.change_button = QtWidgets.QPushButton("修改安排…")
        self.record_button = QtWidgets.QPushButton("编辑记录…")
        self.cancel_button = QtWidgets.QPushButton("取消活动")
        button_row(lay, (self.investigate_button, self.mediate_button, self.change_button, self.record_button,
                         self.cancel_button))

        lay.addWidget(section_label("权利义务告知", 1.1))
        self.notices = QtWidgets.QTableWidget(0, 4)
        self.notices.setHorizontalHeaderLabels(["当事人", "告知日期", "方式", "告知人"])
        read_only_table(self.notices, 130)
        lay.addWidget(self.notices)
        self.notice_button = QtWidgets.QPushButton("记录告知…")
        self.clear_notice_button = QtWidgets.QPushButton("撤销告知记录")
        button_row(lay, (self.notice_button, self.clear_notice_button))

        lay.addWidget(section_label("背对背记录与个人笔记（不入卷宗、不打印、不导出）", 1.1))
        self.notes = QtWidgets.QListWidget()
        self.notes.setWordWrap(True)
        self.notes.setMinimumHeight(120)
        self.notes.setToolTip("黄色：背对背记录（调解员之间可见）；灰色：个人笔记（仅本人可见）。双击修改")
        lay.addWidget(self.notes)
        self.caucus_button = QtWidgets.QPushButton("添加背对背记录…")
        self.private_button = QtWidgets.QPushButton("添加个人笔记…")
        self.edit_note_button = QtWidgets.QPushButton("修改笔记…")
        self.delete_note_button = QtWidgets.QPushButton("删除笔记")
        button_row(lay, (self.caucus_button, self.private_button, self.edit_note_button, self.delete_note_button))
        self._connect()
        lay.addStretch()
        self._update_buttons()

    def _connect(self) -> None:
        self.sessions.doubleClicked.connect(self.edit_record)
        self.sessions.itemSelectionChanged.connect(self._update_buttons)
        on_click({self.investigate_button: lambda: self.schedule(SessionKind.INVESTIGATION.value),
                  self.mediate_button: lambda: self.schedule(SessionKind.MEDIATION.value),
                  self.change_button: self.change_session, self.record_button: self.edit_record,
                  self.cancel_button: self.ask_cancel})
        self.notices.doubleClicked.connect(self.record_notice)
        self.notices.itemSelectionChanged.connect(self._update_buttons)
        self.notice_button.clicked.connect(self.record_notice)
        self.clear_notice_button.clicked.connect(self.clear_notice)
        self.notes.itemDoubleClicked.connect(self.edit_note)
        self.notes.itemSelectionChanged.connect(self._update_buttons)
        on_click({self.caucus_button: lambda: self.add_note(NoteKind.CAUCUS.value),
                  self.private_button: lambda: self.add_note(NoteKind.PRIVATE.value),
                  self.edit_note_button: self.edit_note, self.delete_note_button: self.ask_delete_note})

    # -- showing ------------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        self.message.hide()
        try:
            self.detail = self.services.cases.get(case_id)
            self.session_views = self.services.sessions.sessions(case_id)
            self.notice_views = self.services.sessions.notices(case_id)
            self.note_views = self.services.sessions.notes(case_id)
        except ServiceError as exc:
            self.detail = None
            self._error(str(exc))
            self.session_views, self.notice_views, self.note_views = [], [], []
        self._render()

    def refresh(self) -> None:
        if self.detail is not None:
            self.show_case(self.detail.id)

    def _render(self) -> None:
        d = self.detail
        if d is not None and d.status not in RUNNING_STATUSES:
            status = CaseStatus(d.status)
            self.hint.setText("案件受理后才能安排调查、调解。" if status is CaseStatus.REGISTERED
                              else f"案件已“{status.label}”，不能再安排新的调查、调解。")
            self.hint.show()
        else:
            self.hint.hide()
        self.sessions.setRowCount(len(self.session_views))
        for row, v in enumerate(self.session_views):
            if v.cancelled:
                state, colour = "已取消", CANCELLED_COLOUR
            elif v.signed_at:
                state, colour = f"✔ 已宣读签字（{v.signed_at.month}月{v.signed_at.day}日）", SIGNED_COLOUR
            elif v.record.strip():
                state, colour = "已写，未签字", MISSING_COLOUR
            else:
                state, colour = "未写", None
            values = [v.time_text(), v.kind_label, v.place, "、".join(v.mediator_names),
                      "、".join(v.present_names), state]
            for col, value in enumerate(values):
                item = QtWidgets.QTableWidgetItem(value)
                if v.cancelled:
                    item.setForeground(QBrush(CANCELLED_COLOUR))
                    font = item.font()
                    font.setStrikeOut(col < 5)
                    item.setFont(font)
                elif col == 5 and colour is not None:
                    item.setForeground(QBrush(colour))
                self.sessions.setItem(row, col, item)
        self.sessions.resizeColumnsToContents()
        self.sessions.horizontalHeader().setStretchLastSection(True)

        self.notices.setRowCount(len(self.notice_views))
        for row, n in enumerate(self.notice_views):
            values = [n.name, chinese_date(n.on) if n.on else "尚未告知", n.method_label, n.by]
            for col, value in enumerate(values):
                item = QtWidgets.QTableWidgetItem(value)
                if n.on is None and col == 1:
                    item.setForeground(QBrush(MISSING_COLOUR))
                self.notices.setItem(row, col, item)
        self.notices.resizeColumnsToContents()
        self.notices.horizontalHeader().setSectionResizeMode(3, QtWidgets.QHeaderView.ResizeMode.Stretch)

        self.notes.clear()
        for n in self.note_views:
            label = f"背对背·{n.party_name}" if n.kind == NoteKind.CAUCUS.value else "个人笔记"
            item = QtWidgets.QListWidgetItem(f"【{label}】{n.created_at.month}月{n.created_at.day}日 {n.created_at:%H:%M}"
                                   f"（{n.author}）\n{n.body}")
            item.setData(Qt.ItemDataRole.UserRole, n.id)
            item.setBackground(QBrush(QColor(NOTE_COLOURS[n.kind][0])))
            item.setToolTip(NOTE_CAPTIONS[n.kind])
            self.notes.addItem(item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        d = self.detail
        open_case = d is not None and d.status in RUNNING_STATUSES
        writable = d is not None and d.status != CaseStatus.CLOSED.value
        self.investigate_button.setEnabled(open_case)
        self.mediate_button.setEnabled(open_case)
        v = self.selected_session()
        self.change_button.setEnabled(open_case and v is not None and not v.cancelled and v.signed_at is None)
        self.record_button.setEnabled(v is not None)
        self.cancel_button.setEnabled(writable and v is not None and not v.cancelled and v.signed_at is None)
        self.notice_button.setEnabled(writable and bool(self.notice_views))
        n = self.selected_notice()
        self.clear_notice_button.setEnabled(writable and n is not None and n.on is not None)
        self.caucus_button.setEnabled(d is not None)
        self.private_button.setEnabled(d is not None)
        has_note = self.selected_note() is not None
        self.edit_note_button.setEnabled(has_note)
        self.delete_note_button.setEnabled(has_note)
        self.hold_back()

    def hold_back(self) -> None:
        """As the role allows; changing a note is writing a private note or a caucus record."""
        super().hold_back()
        note = self.selected_note()
        kind = "notes" if note is not None and note.kind == NoteKind.PRIVATE.value else "records"
        for button in (self.edit_note_button, self.delete_note_button):
            hold_back(button, self.rights.why(kind))

    def selected_session(self) -> SessionView | None:
        rows = self.sessions.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        return self.session_views[row] if 0 <= row < len(self.session_views) else None

    def selected_notice(self) -> NoticeView | None:
        rows = self.notices.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        return self.notice_views[row] if 0 <= row < len(self.notice_views) else None

    def selected_note(self) -> NoteView | None:
        row = self.notes.currentRow()
        return self.note_views[row] if 0 <= row < len(self.note_views) and self.notes.selectedItems() else None

    def select_session(self, session_id: int) -> None:
        for row, v in enumerate(self.session_views):
            if v.id == session_id:
                self.sessions.selectRow(row)

    # -- actions ------------------------------------------------------------------------------

    def _parties(self) -> list[tuple[int, str]]:
        return [(p.position, p.name) for p in self.detail.parties] if self.detail else []

    def _after_write(self, select_session: int | None = None, case_id: int | None = None) -> None:
        """Show the write and tell the case view (``case_id``: the case written to, when it may
        no longer be the case shown — a record editor stays open while the user moves on)."""
        shown = self.detail.id if self.detail is not None else None
        case_id = case_id if case_id is not None else shown
        if case_id is None:
            return
        if case_id == shown:
            self.refresh()
            if select_session is not None:
                self.select_session(select_session)
        self.changed.emit(case_id)

    def schedule(self, kind: str) -> SessionDialog | None:
        if self.detail is None:
            return None
        case_id = self.detail.id
        return self._open_session_dialog(lambda: SessionDialog(self.services, case_id, None, self.rooms, self, kind=kind))

    def change_session(self) -> SessionDialog | None:
        v = self.selected_session()
        if self.detail is None or v is None:
            return None
        case_id, session_id = self.detail.id, v.id
        # As it is now: it may have been changed, cancelled or deleted on another PC.
        return self._open_session_dialog(lambda: SessionDialog(
            self.services, case_id, self.services.sessions.get(session_id), self.rooms, self))

    def _open_session_dialog(self, make: Callable[[], SessionDialog]) -> SessionDialog | None:
        """Open the scheduling dialog ``make`` builds; a refusal while building it (the case or
        session changed on another PC) is said instead."""
        try:
            dialog = make()
        except ServiceError as exc:
            self._refused(str(exc))
            return None
        dialog.saved.connect(lambda view: self._after_write(view.id))
        dialog.open()
        self.session_dialog = dialog
        return dialog

    def edit_record(self) -> RecordEditor | None:
        v = self.selected_session()
        if v is None:
            return None
        existing = self.record_editor
        if existing is not None and existing.isVisible() and existing.view.id == v.id:
            existing.raise_()
            existing.activateWindow()
            return existing
        try:
            editor = RecordEditor(self.services, v.id, self.autosave_seconds, self)
        except ServiceError as exc:
            self._error(str(exc))
            return None
        editor.changed.connect(lambda case_id: self._after_write(v.id, case_id))
        editor.finished.connect(lambda _result: self._editor_closed(editor))
        editor.show()
        self.record_editor = editor
        return editor

    def _editor_closed(self, editor: RecordEditor) -> None:
        if self.record_editor is editor:
            self.record_editor = None
        editor.deleteLater()

    def ask_cancel(self) -> QtWidgets.QMessageBox | None:
        v = self.selected_session()
        if v is None:
            return None
        box = ask_yes_no(self, "取消活动",
                         f"确定取消{v.time_text()}的{v.kind_label}吗？\n取消后仍会在列表中显示为“已取消”。",
                         "取消这次活动", "不取消",
                         lambda: self._write(lambda: self.services.sessions.cancel(v.id, v.version), v.id))
        self.cancel_box = box
        return box

    def record_notice(self) -> NoticeDialog | None:
        n = self.selected_notice() or next((x for x in self.notice_views if x.on is None), None)
        if n is None and self.notice_views:
            n = self.notice_views[0]
        if n is None:
            return None
        dialog = NoticeDialog(self.services, n, self)
        dialog.saved.connect(lambda _v: self._after_write())
        dialog.open()
        self.notice_dialog = dialog
        return dialog

    def clear_notice(self) -> None:
        n = self.selected_notice()
        if n is None:
            return
        self._write(lambda: self.services.sessions.clear_notice(n.party_id, version=n.version))

    def add_note(self, kind: str) -> NoteDialog | None:
        return self._open_note(kind, None)

    def edit_note(self) -> NoteDialog | None:
        n = self.selected_note()
        return None if n is None else self._open_note(n.kind, n)

    def _open_note(self, kind: str, note: NoteView | None) -> NoteDialog | None:
        if self.detail is None:
            return None
        dialog = NoteDialog(self.services, self.detail.id, kind, self._parties(), note, self)
        dialog.saved.connect(lambda _v: self._after_write())
        dialog.open()
        self.note_dialog = dialog
        return dialog

    def ask_delete_note(self) -> QtWidgets.QMessageBox | None:
        n = self.selected_note()
        if n is None:
            return None
        box = ask_yes_no(self, "删除笔记", DELETE_NOTE_QUESTION, "删除", "不删除",
                         lambda: self._write(lambda: self.services.sessions.delete_note(n.id, n.version)))
        self.delete_box = box
        return box

    def _error(self, text: str) -> None:
        self.message.say(text)

    def _write(self, call: Callable[[], object], select_session: int | None = None) -> bool:
        """Run a service write; done, the line of refusals clears and the lists show it; refused,
        the line says why."""
        try:
            call()
        except ServiceError as exc:
            self._error(str(exc))
            return False
        self.message.hide()
        self._after_write(select_session)
        return True

    def _refused(self, text: str) -> None:
        """Something changed on another PC: show the case as it is now, and say why."""
        self.refresh()
        self._error(text)
