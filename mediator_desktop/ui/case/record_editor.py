"""The record editor: writing the 人民调解记录 / 人民调解调查记录 of one session, and beside it —
visibly apart — the caucus notes (背对背记录) and the mediator's private notes.

Nothing typed is lost. A few seconds after a change the editor hands its unsaved text to the
autosave journal (services/journals.py: one file per session, written whole or not at all);
saving to the database deletes it.
When the editor opens and finds a journal that differs from the database — the PC crashed or
lost power — it puts the journal's text back and says so in a banner. Closing with unsaved
changes saves them; when that fails the journal stays.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.enums import CaseStatus, NoteKind, SessionKind
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.errors import ServiceError, ValidationError
from mediator_desktop.services.sessions import NoteView, RecordDraft, SessionView
from mediator_desktop.ui.common.widgets import (
    OK_STYLE,
    FieldErrors,
    PreserveGeometry,
    add_check_item,
    add_row,
    ask_yes_no,
    attempt,
    button_row,
    checked_data,
    click_text_to_check,
    error_label,
    fit_list,
    fit_to_screen,
    height_in_lines,
    line_edit,
    notice_label,
    ok_cancel,
    on_click,
    scale_font,
    scrolling_body,
    tab_moves_on,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How each kind of writing looks: the record is plain white paper; notes never look like it.
RECORD_STYLE = "QFrame#recordPage { background: #ffffff; border: 2px solid #5b7fa6; border-radius: 6px; }"
#: A signed (locked) record: its fields turn grey so nobody tries to type into them.
LOCKED_STYLE = RECORD_STYLE + (" QFrame#recordPage QLineEdit, QFrame#recordPage QPlainTextEdit"
                               " { background: #f2f2f2; color: #333333; }")
NOTE_COLOURS = {
    NoteKind.CAUCUS.value: ("#fff4c2", "#fffbe3", "#b38f00"),     # pale yellow
    NoteKind.PRIVATE.value: ("#e6e6e6", "#f3f3f3", "#8a8a8a"),    # pale grey
}
NOTE_CAPTIONS = {
    NoteKind.CAUCUS.value: "背对背记录：仅供调解员参考，不入卷宗、不打印、不导出",
    NoteKind.PRIVATE.value: "个人笔记，仅本人可见：不入卷宗、不打印、不导出",
}
RECORD_CAPTION = "此记录向当事人宣读并签字后将入卷宗"
DELETE_NOTE_QUESTION = "确定删除这条笔记吗？删除后不能恢复。"
BANNER_STYLE = ("background: #e3f0ff; color: #123d6b; border: 2px solid #4a86c5; border-radius: 4px;"
                " padding: 8px; font-weight: bold;")
UNSIGNED_STYLE = "color: #6b6b6b;"


def note_style(kind: str, name: str) -> str:
    frame, field, border = NOTE_COLOURS[kind]
    return (f"QFrame#{name} {{ background: {frame}; border: 2px solid {border}; border-radius: 6px; }}"
            f" QFrame#{name} QPlainTextEdit, QFrame#{name} QListWidget {{ background: {field}; }}")


def note_paper(frame: QFrame, kind: str, name: str) -> tuple[QVBoxLayout, QLabel]:
    """Make ``frame`` the coloured "paper" of a caucus or private note, with its bold warning
    caption on top; returns the frame's layout and the caption."""
    frame.setObjectName(name)
    frame.setStyleSheet(note_style(kind, name))
    lay = QVBoxLayout(frame)
    caption = QLabel(NOTE_CAPTIONS[kind])
    caption.setWordWrap(True)
    font = caption.font()
    font.setBold(True)
    caption.setFont(font)
    lay.addWidget(caption)
    return lay, caption


def plain_editor(placeholder: str = "", lines: int | None = None) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    tab_moves_on(edit)    # Ctrl+Tab types a tab
    if lines:
        height_in_lines(edit, lines, extra=16)
    return edit


class NotesPane(QFrame):
    """The caucus or private notes of a case, on their own coloured paper with their warning."""

    changed = Signal()          # a note was written to the database
    edited = Signal()           # the text on screen changed

    def __init__(self, services: Services, case_id: int, kind: str, parties: list[tuple[int, str]],
                 session_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.case_id, self.kind, self.session_id = services, case_id, kind, session_id
        self.note: NoteView | None = None
        self.notes: list[NoteView] = []
        self._saved_body = ""
        self._saved_party: int | None = None
        lay, self.caption = note_paper(self, kind, f"notes_{kind}")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        height_in_lines(self.list, 6, extra=12, kind="max")
        lay.addWidget(self.list)
        top = QHBoxLayout()
        self.party = QComboBox()
        self.party.setMinimumContentsLength(10)
        if kind == NoteKind.CAUCUS.value:
            top.addWidget(QLabel("谈话对象："))
            self.party.addItem("请选择当事人", None)
            for position, party_name in parties:
                self.party.addItem(party_name, position)
            top.addWidget(self.party)
            self.party.currentIndexChanged.connect(lambda _i: self.edited.emit())
        else:
            self.party.hide()
        self.new_button = QPushButton("新建笔记")
        self.save_button = QPushButton("保存笔记")
        self.delete_button = QPushButton("删除笔记")
        button_row(lay, (), (self.new_button, self.save_button, self.delete_button), row=top)
        self.editor = plain_editor("在这里写" + ("与一方当事人单独谈话的内容" if kind == NoteKind.CAUCUS.value
                                               else "只给自己看的笔记"))
        lay.addWidget(self.editor, 1)
        self.message = error_label()
        lay.addWidget(self.message)
        self._connect()
        self.reload()

    def _connect(self) -> None:
        self.list.currentRowChanged.connect(self._pick)
        self.editor.textChanged.connect(self.edited.emit)
        on_click({self.new_button: self.new_note, self.save_button: self.save, self.delete_button: self.delete})

    # -- state --------------------------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        """Read the notes again (the current one stays selected)."""
        try:
            self.notes = [n for n in self.services.sessions.notes(self.case_id) if n.kind == self.kind]
        except ServiceError as exc:
            self._error(str(exc))
            return
        self.list.blockSignals(True)
        self.list.clear()
        for n in self.notes:
            who = f"与{n.party_name}谈话　" if n.party_name else ""
            first = n.body.splitlines()[0] if n.body else ""
            item = QListWidgetItem(f"{n.created_at:%m月%d日 %H:%M}　{who}（{n.author}）　{first[:40]}")
            item.setData(Qt.ItemDataRole.UserRole, n.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if keep is not None:
            self._select(keep)
        self.delete_button.setEnabled(self.note is not None)

    def has_unsaved(self) -> bool:
        return (self.editor.toPlainText().strip() != self._saved_body.strip()
                or (self.kind == NoteKind.CAUCUS.value and self.party.currentData() != self._saved_party))

    def state(self) -> dict[str, Any] | None:
        """What the journal keeps of this pane (None: nothing unsaved)."""
        if not self.has_unsaved():
            return None
        return {"note_id": self.note.id if self.note else None, "party": self.party.currentData(),
                "body": self.editor.toPlainText()}

    def restore(self, state: dict[str, Any]) -> bool:
        """Put a journal's unsaved note back on screen; True when it differs from the database."""
        note_id = state.get("note_id")
        note = next((n for n in self.notes if n.id == note_id), None)
        if note_id is not None and note is None:
            note_id = None        # deleted meanwhile: keep the text as a new note
        self._show_note(note)
        body = str(state.get("body") or "")
        if self.kind == NoteKind.CAUCUS.value:
            index = self.party.findData(state.get("party"))
            self.party.setCurrentIndex(max(index, 0))
        self.editor.setPlainText(body)
        return self.has_unsaved()

    def _show_note(self, note: NoteView | None) -> None:
        self.note = note
        self._saved_body = note.body if note else ""
        self._saved_party = note.party if note else None
        self.editor.blockSignals(True)
        self.editor.setPlainText(self._saved_body)
        self.editor.blockSignals(False)
        if self.kind == NoteKind.CAUCUS.value:
            index = self.party.findData(note.party if note else None)
            self.party.blockSignals(True)
            self.party.setCurrentIndex(max(index, 0))
            self.party.blockSignals(False)
        self.delete_button.setEnabled(note is not None)
        self.message.hide()

    def _pick(self, row: int) -> None:
        if self.has_unsaved() and not self.save():
            self._select(self.note.id if self.note else None)   # stay on the note being written
            return
        self._show_note(self.notes[row] if 0 <= row < len(self.notes) else None)

    def _select(self, note_id: int | None) -> None:
        row = next((i for i, n in enumerate(self.notes) if n.id == note_id), -1)
        self.list.blockSignals(True)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)

    def new_note(self) -> None:
        if self.has_unsaved() and not self.save():
            return
        self._select(None)
        self._show_note(None)
        self.editor.setFocus()

    # -- writing ------------------------------------------------------------------------------

    def save(self) -> bool:
        """Write the note on screen; False (message shown, text kept) when refused."""
        if not self.has_unsaved():
            return True
        body = self.editor.toPlainText()
        party = self.party.currentData() if self.kind == NoteKind.CAUCUS.value else None
        sessions = self.services.sessions
        note = attempt(lambda: sessions.add_note(self.case_id, self.kind, body, party=party,
                                                 session_id=self.session_id) if self.note is None
                       else sessions.update_note(self.note.id, self.note.version, body, party=party),
                       self.message)
        if note is None:
            return False
        self._show_note(note)
        self.reload(keep=note.id)
        self.changed.emit()
        return True

    def delete(self) -> None:
        if self.note is None:
            return
        def delete_it() -> None:
            if self.note is None:
                return
            try:
                self.services.sessions.delete_note(self.note.id, self.note.version)
            except ServiceError as exc:
                self._error(str(exc))
                return
            self._show_note(None)
            self.reload()
            self.changed.emit()
            self.edited.emit()

        self.delete_box = ask_yes_no(self, "删除笔记", DELETE_NOTE_QUESTION, "删除", "不删除", delete_it)

    def _error(self, text: str) -> None:
        self.message.say(text)


class UnsignDialog(QDialog):
    """Asks why a signed record is to be opened again (it must be read back and signed anew)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("撤销签字标记")
        lay = QVBoxLayout(self)
        text = QLabel("撤销后记录可以修改，但改好后须重新向当事人宣读并签字。\n请写明原因：")
        text.setWordWrap(True)
        lay.addWidget(text)
        self.reason = line_edit("如：李四的陈述记错了，需要更正")
        lay.addWidget(self.reason)
        self.error = error_label()
        lay.addWidget(self.error)
        self.buttons = ok_cancel("撤销签字标记")
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        fit_to_screen(self, (520, 200))


class RecordEditor(PreserveGeometry):
    """Write the record of one session; ``changed(case_id)`` after every write, ``saved(SessionView)``
    after the record itself was saved, signed or un-signed."""

    changed = Signal(int)
    saved = Signal(object)

    def __init__(self, services: Services, session_id: int, autosave_seconds: int = 2,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.services = services
        self.view: SessionView = services.sessions.get(session_id)
        self.detail = services.cases.get(self.view.case_id)
        self._dirty = False
        self._close_anyway = False
        self._loading = False
        self._kept_aside = False
        self.journals = services.journals()
        self.journal = self.journals.path(session_id)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, int(autosave_seconds)) * 1000)

        record_name = "调查记录" if self.investigation else "调解记录"
        self.setWindowTitle(f"{record_name} — {self.detail.code}")
        lay = QVBoxLayout(self)
        self.heading = QLabel(f"{record_name}　{self.detail.code}")
        scale_font(self.heading, 1.25, bold=True)
        lay.addWidget(self.heading)
        self.banner = notice_label(BANNER_STYLE)
        lay.addWidget(self.banner)
        self.message = error_label()
        lay.addWidget(self.message)

        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        # Each page scrolls on a small screen; the button row stays below the tabs.
        self.tabs.addTab(scrolling_body(self._record_page(record_name)), f"{record_name}（将入卷宗）")
        parties = [(p.position, p.name) for p in self.detail.parties]
        self.caucus = NotesPane(services, self.view.case_id, NoteKind.CAUCUS.value, parties, session_id)
        self.private = NotesPane(services, self.view.case_id, NoteKind.PRIVATE.value, parties, session_id)
        self.tabs.addTab(scrolling_body(self.caucus), "背对背记录（不入卷宗）")
        self.tabs.addTab(scrolling_body(self.private), "个人笔记（仅本人可见）")
        self.tabs.tabBar().setTabTextColor(1, Qt.GlobalColor.darkYellow)
        self.tabs.tabBar().setTabTextColor(2, Qt.GlobalColor.darkGray)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存(&S)")
        self.sign_button = QPushButton("宣读并签字(&G)…")
        self.sign_button.setToolTip("记录已向在场的当事人宣读，当事人、调解员和记录人已签字")
        self.unsign_button = QPushButton("撤销签字标记（需重新宣读）…")
        self.close_button = QPushButton("关闭")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.unsign_button)
        buttons.addStretch()
        buttons.addWidget(self.close_button)
        lay.addLayout(buttons)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        shortcut.activated.connect(self.save)

        self._fill(self.view)
        self._restore_journal()
        self._connect()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_quit)
        self.keep_geometry("record_editor", (980, 900))

    def _connect(self) -> None:
        self.timer.timeout.connect(self.write_journal)
        on_click({self.save_button: self.save, self.sign_button: self.ask_sign, self.unsign_button: self.ask_unsign,
                  self.close_button: self.close})
        for pane in (self.caucus, self.private):
            pane.edited.connect(self._changed)
            pane.changed.connect(self._note_written)
        for w in (self.place, self.subject, self.interviewee, self.recorder):
            w.textChanged.connect(self._changed)
        for e in (self.participants, self.body, self.outcome):
            e.textChanged.connect(self._changed)
        self.present.itemChanged.connect(self._changed)

    @property
    def investigation(self) -> bool:
        return self.view.kind == SessionKind.INVESTIGATION.value

    # -- layout -------------------------------------------------------------------------------

    def _record_page(self, record_name: str) -> QWidget:
        page = self.record_page = QFrame()
        page.setObjectName("recordPage")
        page.setStyleSheet(RECORD_STYLE)
        lay = QVBoxLayout(page)
        self.record_caption = QLabel(RECORD_CAPTION)
        font = self.record_caption.font()
        font.setBold(True)
        self.record_caption.setFont(font)
        lay.addWidget(self.record_caption)
        self.errors = FieldErrors()
        form = QFormLayout()
        self.when = QLabel()
        self.when.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("时间：", self.when)
        self.place = QLineEdit()
        add_row(form, self.errors, "place", "地点(&D)：", self.place)
        self.subject = QLineEdit()
        add_row(form, self.errors, "subject", "事由(&Y)：", self.subject)
        self.interviewee = QLineEdit()
        add_row(form, self.errors, "interviewee", "被调查人(&I)：", self.interviewee)
        form.setRowVisible(form.rowCount() - 1, self.investigation)
        self.participants = plain_editor("每行一位，如：村委会主任 陈刚", lines=2)
        add_row(form, self.errors, "participants", "参加人(&J)：", self.participants)
        self.present = QListWidget()
        self.present.setFlow(QListWidget.Flow.LeftToRight)
        self.present.setWrapping(True)
        for p in self.detail.parties:
            add_check_item(self.present, p.name, p.position, False)
        fit_list(self.present, 1)
        click_text_to_check(self.present)
        add_row(form, self.errors, "present", "当事人(&P)：", self.present)
        self.recorder = QLineEdit()
        add_row(form, self.errors, "recorder", "记录人(&R)：", self.recorder)
        lay.addLayout(form)
        lay.addWidget(QLabel("记录正文（告知权利义务、各方陈述、查明的事实、调解经过）：" if not self.investigation
                             else "记录正文（问：…… 答：……）："))
        self.body = plain_editor("问：……\n答：……" if self.investigation else
                                 "调解员告知双方当事人的权利义务……\n申请人陈述：……\n被申请人陈述：……")
        height_in_lines(self.body, 10, kind="min")
        lay.addWidget(self.body, 1)
        self.errors.bind("record", self.body, self._message_under(lay))
        lay.addWidget(QLabel("调查结果：" if self.investigation else "调解结果（达成的协议，或未达成的原因）："))
        self.outcome = plain_editor(lines=3)
        lay.addWidget(self.outcome)
        self.errors.bind("outcome", self.outcome, self._message_under(lay))
        self.signed_label = QLabel()
        lay.addWidget(self.signed_label)
        self.errors.bind("signed_at", self.signed_label, self._message_under(lay))
        return page

    @staticmethod
    def _message_under(lay: QVBoxLayout) -> QLabel:
        label = QLabel()
        lay.addWidget(label)
        return label

    # -- showing ------------------------------------------------------------------------------

    def _fill(self, v: SessionView) -> None:
        self._loading = True
        self.when.setText(v.time_text())
        self.place.setText(v.place)
        self.subject.setText(v.subject)
        self.interviewee.setText(v.interviewee)
        self.participants.setPlainText("\n".join(v.participants))
        present = set(v.present)
        for i in range(self.present.count()):
            item = self.present.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in present
                               else Qt.CheckState.Unchecked)
        self.recorder.setText(self._recorder_shown(v))
        self.body.setPlainText(v.record)
        self.body.moveCursor(QTextCursor.MoveOperation.End)     # ready to go on writing
        self.outcome.setPlainText(v.outcome)
        self._loading = False
        self._show_signed(v)

    def _show_signed(self, v: SessionView) -> None:
        signed = v.signed_at is not None
        if signed:
            assert v.signed_at is not None
            self.signed_label.setText(f"✔ 已于{chinese_date(v.signed_at.date())} {v.signed_at:%H:%M}宣读签字"
                                      "（记录已锁定，不能修改）")
            self.signed_label.setStyleSheet(OK_STYLE)
        else:
            self.signed_label.setText("尚未宣读签字")
            self.signed_label.setStyleSheet(UNSIGNED_STYLE)
        read_only = self.locked(v)
        for w in (self.place, self.subject, self.interviewee, self.recorder):
            w.setReadOnly(read_only)
        for e in (self.participants, self.body, self.outcome):
            e.setReadOnly(read_only)
        self.present.setEnabled(not read_only)
        self.record_page.setStyleSheet(LOCKED_STYLE if read_only else RECORD_STYLE)
        self.save_button.setEnabled(not read_only)
        self.sign_button.setVisible(not signed and not v.cancelled)
        self.unsign_button.setVisible(signed)
        if v.cancelled:
            self.record_caption.setText("这次活动已取消，记录不能填写")
        elif self.detail.status == CaseStatus.CLOSED.value:
            self.record_caption.setText("案件已归档，记录不能再修改")
            self.save_button.setEnabled(False)
            self.sign_button.hide()
            self.unsign_button.hide()

    def locked(self, v: SessionView | None = None) -> bool:
        """Whether the record cannot be changed (signed, cancelled, or the case archived)."""
        v = v or self.view
        return v.signed_at is not None or v.cancelled or self.detail.status == CaseStatus.CLOSED.value

    def record_draft(self) -> RecordDraft:
        return RecordDraft(
            subject=self.subject.text(), interviewee=self.interviewee.text(), recorder=self.recorder.text(),
            present=checked_data(self.present), participants=self.participants.toPlainText().splitlines(),
            record=self.body.toPlainText(), outcome=self.outcome.toPlainText(), place=self.place.text())

    def _record_state(self) -> dict[str, Any]:
        d = self.record_draft()
        return {"place": d.place, "subject": d.subject, "interviewee": d.interviewee, "recorder": d.recorder,
                "participants": self.participants.toPlainText(), "present": d.present,
                "record": d.record, "outcome": d.outcome}

    def _recorder_shown(self, v: SessionView) -> str:
        """记录人 as the form shows it: the session's, or when none was entered (a session
        scheduled elsewhere) the case's recorder, else the user of this PC — saved with the record."""
        if v.recorder or self.locked(v):
            return v.recorder
        return self.detail.recorder or self.services.user_name

    def _database_state(self) -> dict[str, Any]:
        v = self.view
        return {"place": v.place, "subject": v.subject, "interviewee": v.interviewee,
                "recorder": self._recorder_shown(v),
                "participants": "\n".join(v.participants), "present": list(v.present),
                "record": v.record, "outcome": v.outcome}

    def record_unsaved(self) -> bool:
        if self.locked():
            return False
        return _normal(self._record_state()) != _normal(self._database_state())

    def has_unsaved(self) -> bool:
        return self.record_unsaved() or self.caucus.has_unsaved() or self.private.has_unsaved()

    # -- autosave journal ---------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        self._dirty = True
        if not self.timer.isActive():
            # Not restarted on every key: the journal is at most ``autosave_seconds`` behind.
            self.timer.start()

    @property
    def author(self) -> str:
        """The acting user: the owner of the private notes on screen."""
        return str(self.services.user_name)

    def write_journal(self) -> bool:
        """Write what is unsaved to the journal now (delete it when nothing is)."""
        self.timer.stop()
        if not self.has_unsaved():
            self.delete_journal()
            return True
        record = self._record_state() if self.record_unsaved() else None
        try:
            self.journals.write(self.view.id, author=self.author, case_code=self.view.case_code,
                                base_version=self.view.version, record=record,
                                caucus=self.caucus.state(), private=self.private.state())
        except OSError as exc:
            self._error(f"无法自动保存到本机（{exc}），请尽快点“保存”")
            return False
        return True

    def delete_journal(self) -> None:
        """Forget this user's unsaved text; another user's unsaved private note stays in the file."""
        try:
            self.journals.forget(self.view.id, self.author, self.view.case_code, self.view.version)
        except OSError as exc:
            self._error(f"无法自动保存到本机（{exc}），请尽快点“保存”")

    def _restore_journal(self) -> None:
        data = self.journals.load(self.view.id)
        if data is None:
            return          # none, or a journal of another database: leave it alone
        restored = False
        record = data.get("record")
        notes = data.get("notes") if isinstance(data.get("notes"), dict) else {}
        kept_aside = False
        if isinstance(record, dict):
            if self.locked():
                kept_aside = True
            else:
                self._loading = True
                self.place.setText(str(record.get("place", self.view.place)))
                self.subject.setText(str(record.get("subject", "")))
                self.interviewee.setText(str(record.get("interviewee", "")))
                self.recorder.setText(str(record.get("recorder", "")))
                self.participants.setPlainText(str(record.get("participants", "")))
                present = set(record.get("present") or [])
                for i in range(self.present.count()):
                    item = self.present.item(i)
                    item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in present
                                       else Qt.CheckState.Unchecked)
                self.body.setPlainText(str(record.get("record", "")))
                self.body.moveCursor(QTextCursor.MoveOperation.End)
                self.outcome.setPlainText(str(record.get("outcome", "")))
                self._loading = False
                restored = self.record_unsaved()
        caucus = notes.get(NoteKind.CAUCUS.value)
        if isinstance(caucus, dict) and self.caucus.restore(caucus):
            restored = True
        # Only the author's own private draft; another user's is neither shown nor touched.
        private = self.journals.own_private(data, self.author)
        if private is not None and self.private.restore(private):
            restored = True
        when = self.journals.written_at(data)
        if kept_aside:
            self._kept_aside = True
            self.banner.setText(f"本机有{when}自动保存的内容，但这份记录已宣读签字或已取消，未恢复到记录中。"
                                f"自动保存的文件仍保留在：{self.journal}")
            self.banner.show()
            return
        if not restored:
            self.delete_journal()
            return
        self._dirty = True
        text = f"已恢复{when}自动保存的内容（上次没有保存就关闭了）。请核对，然后点“保存”。"
        if data.get("base_version") != self.view.version and isinstance(record, dict):
            text += "\n注意：在此期间这份记录在其他电脑上也被修改过，保存将以屏幕上的内容为准，请仔细核对。"
        self.banner.say(text)

    def _on_quit(self) -> None:
        if self.has_unsaved():
            self.write_journal()

    # -- writing ------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the record and any note being written; False (text kept, message shown) when
        something was refused."""
        self.message.hide()
        ok = True
        if self.record_unsaved():
            ok = self._save_record()
        for pane in (self.caucus, self.private):
            if pane.has_unsaved() and not pane.save():
                ok = False
                self.tabs.setCurrentIndex(2 if pane is self.private else 1)
        if ok:
            self._dirty = False
            self.timer.stop()
            self.delete_journal()
        else:
            self.write_journal()
        return ok

    def _save_record(self) -> bool:
        try:
            view = self.services.sessions.save_record(self.view.id, self.view.version, self.record_draft())
        except ValidationError as exc:
            self.tabs.setCurrentIndex(0)
            self.errors.show(exc.problems)
            return False
        except ServiceError as exc:
            self.tabs.setCurrentIndex(0)
            self._error(str(exc))
            return False
        self.errors.clear()
        self.view = view
        self.banner.hide()
        self._after_write(view)
        return True

    def _after_write(self, view: SessionView) -> None:
        self.view = view
        self._show_signed(view)
        # Saved, signed (宣读并签字 saves first) or un-signed: once nothing on screen is unsaved
        # the journal goes, or every start would report a record left unsaved. A journal kept
        # aside for a locked record (see _restore_journal) stays: the banner named its file.
        if not self._kept_aside and not self.has_unsaved():
            self.timer.stop()
            self._dirty = False
            self.delete_journal()
        self.saved.emit(view)
        self.changed.emit(view.case_id)

    def _note_written(self) -> None:
        self.changed.emit(self.view.case_id)
        if not self.has_unsaved():
            self.delete_journal()

    def ask_sign(self) -> QMessageBox | None:
        """宣读并签字: save, then ask the user to confirm the read-back and signatures."""
        if self.record_unsaved() and not self._save_record():
            self.write_journal()
            return None
        if not self.view.record.strip():
            self.errors.show([])
            self._error("记录正文是空的：请先写好记录、保存，并向当事人宣读后再标记签字")
            return None
        box = ask_yes_no(self, "宣读并签字", "请确认：记录已向在场的当事人宣读，当事人、调解员和记录人都已签字。\n\n"
                         "标记后记录将锁定，不能再修改。", "已宣读并签字", "还没有", self.mark_signed)
        self.sign_box = box
        return box

    def mark_signed(self) -> bool:
        try:
            view = self.services.sessions.mark_signed(self.view.id, self.view.version)
        except ValidationError as exc:
            self.errors.show(exc.problems)
            return False
        except ServiceError as exc:
            self._error(str(exc))
            return False
        self.errors.clear()
        self.message.hide()
        self._after_write(view)
        return True

    def ask_unsign(self) -> UnsignDialog:
        dialog = UnsignDialog(self)

        def confirm() -> None:
            try:
                view = self.services.sessions.unmark_signed(self.view.id, self.view.version, dialog.reason.text())
            except ServiceError as exc:
                dialog.error.setText(str(exc))
                dialog.error.show()
                return
            dialog.accept()
            self.message.hide()
            self._after_write(view)

        dialog.buttons.accepted.connect(confirm)
        dialog.open()
        self.unsign_dialog = dialog
        return dialog

    def _error(self, text: str) -> None:
        self.message.say(text)

    # -- closing ------------------------------------------------------------------------------

    def reject(self) -> None:
        """Closing (button, Esc or the window's ×) saves what is unsaved; if that is refused the
        editor stays open with the message, and a second close keeps the journal and closes."""
        if self.has_unsaved() and not self._close_anyway:
            if not self.save():
                self._close_anyway = True
                self.write_journal()
                before = self.message.text() if not self.message.isHidden() else ""
                self._error((before + "\n" if before else "")
                            + "未能保存到数据库，内容已自动保存在本机。再点一次“关闭”将关闭窗口，下次打开这份记录时会恢复。")
                return
        elif self.has_unsaved():
            self.write_journal()
        self.timer.stop()
        super().reject()


def _normal(state: dict[str, Any]) -> dict[str, Any]:
    """Compare as the service stores: trimmed lines, trimmed fields, sorted positions."""
    return {
        **{k: str(state.get(k) or "").strip() for k in ("place", "subject", "interviewee", "recorder", "outcome")},
        "record": str(state.get("record") or "").rstrip(),
        "participants": [p.strip() for p in str(state.get("participants") or "").splitlines() if p.strip()],
        "present": sorted(set(state.get("present") or [])),
    }
