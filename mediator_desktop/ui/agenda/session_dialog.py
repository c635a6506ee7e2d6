"""Schedule or move a session (安排调查/调解): kind, date and time, place, mediators, parties,
participants (参加人), 事由 and 被调查人. A room or mediator booked twice shows in orange under
the time as soon as it happens; saving anyway needs the box "仍然安排" ticked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.enums import SessionKind
from mediator_desktop.services.errors import ServiceError, ValidationError
from mediator_desktop.services.sessions import SessionDraft, SessionView
from mediator_desktop.ui.common.widgets import (
    FieldErrors,
    TimeEdit,
    add_check_item,
    add_row,
    checked_data,
    click_text_to_check,
    date_edit,
    enum_combo,
    error_label,
    fit_list,
    fit_to_screen,
    height_in_lines,
    line_edit,
    ok_cancel,
    qdate,
    scrolling_body,
    tab_moves_on,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

#: How a clash is shown: orange, boxed, impossible to overlook.
CLASH_STYLE = ("color: #8a3b00; background: #fff0dc; border: 2px solid #e65100; border-radius: 4px;"
               " padding: 6px; font-weight: bold;")


class SessionDialog(QDialog):
    """Schedule a new session (``session=None``) or change one; ``saved(SessionView)`` after saving.

    Building it reads the case and the mediators: it raises :class:`ServiceError` (such as
    NotFoundError when the case was deleted on another PC) for the caller to show."""

    saved = Signal(object)

    def __init__(self, services: Services, case_id: int, session: SessionView | None = None,
                 rooms: Sequence[str] = (), parent: QWidget | None = None, kind: str = "mediation") -> None:
        super().__init__(parent)
        self.services, self.case_id, self.session = services, case_id, session
        self.detail = services.cases.get(case_id)
        self._clash_key: tuple[str, ...] = ()
        kind = session.kind if session else kind
        self.setWindowTitle(("修改" if session else "安排") + SessionKind(kind).label + f" — {self.detail.code}")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.errors = FieldErrors()

        self.kind = enum_combo(SessionKind, value=kind)
        add_row(form, self.errors, "kind", "类型(&K)：", self.kind)

        self.date = date_edit()   # 星期一, not Monday, whatever the PC's language; 20261123 typed
        add_row(form, self.errors, "starts_at", "日期(&D)：", self.date)

        times = QWidget()
        row = QHBoxLayout(times)
        row.setContentsMargins(0, 0, 0, 0)
        self.start = TimeEdit()
        self.end = TimeEdit()
        row.addWidget(QLabel("从"))
        row.addWidget(self.start)
        row.addWidget(QLabel("到"))
        row.addWidget(self.end)
        row.addStretch()
        add_row(form, self.errors, "ends_at", "时间(&T)：", times)

        self.place = QComboBox()
        self.place.setEditable(True)
        self.place.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.place.lineEdit().setPlaceholderText("选择或填写调解场所")
        for room in rooms:
            if room.strip():
                self.place.addItem(room.strip())
        add_row(form, self.errors, "place", "地点(&P)：", self.place)

        clash_box = QWidget()
        clash_lay = QVBoxLayout(clash_box)
        clash_lay.setContentsMargins(0, 0, 0, 0)
        self.clash_label = QLabel()
        self.clash_label.setWordWrap(True)
        self.clash_label.setStyleSheet(CLASH_STYLE)
        self.clash_label.hide()
        self.confirm_clash = QCheckBox("仍然安排（已知道上面的时间冲突）")
        self.confirm_clash.hide()
        clash_lay.addWidget(self.clash_label)
        clash_lay.addWidget(self.confirm_clash)
        form.addRow("", clash_box)

        self.mediators = QListWidget()
        on_case = {m.mediator_id for m in self.detail.mediators}
        mediators = services.mediators.list()
        if not on_case:     # none on the case yet: the user of this PC, when a mediator
            on_case = {m.id for m in mediators if m.active and m.name == services.user_name}
        chosen = set(session.mediator_ids) if session else on_case
        for m in mediators:
            if m.active or m.id in chosen:
                add_check_item(self.mediators, m.name + ("" if m.active else "（已停用）"), m.id, m.id in chosen)
        fit_list(self.mediators, 5)
        click_text_to_check(self.mediators)
        add_row(form, self.errors, "mediator_ids", "调解员(&M)：", self.mediators)

        self.present = QListWidget()
        present = set(session.present) if session else {p.position for p in self.detail.parties}
        for p in self.detail.parties:
            add_check_item(self.present, p.name, p.position, p.position in present)
        fit_list(self.present, 5)
        click_text_to_check(self.present)
        add_row(form, self.errors, "present", "当事人(&Y)：", self.present)

        self.participants = QPlainTextEdit()
        self.participants.setPlaceholderText("每行一位，如：村委会主任 陈刚")
        tab_moves_on(self.participants)
        height_in_lines(self.participants, 3, extra=16)
        add_row(form, self.errors, "participants", "参加人(&J)：", self.participants)

        self.subject = line_edit("如：张三与李四相邻通行纠纷")
        add_row(form, self.errors, "subject", "事由(&S)：", self.subject)
        self.interviewee = line_edit("接受调查的人，如：邻居王五")
        add_row(form, self.errors, "interviewee", "被调查人(&I)：", self.interviewee)
        self._interviewee_row = form.rowCount() - 1
        self.recorder = QLineEdit()
        add_row(form, self.errors, "recorder", "记录人(&R)：", self.recorder)
        self.form = form
        body = QWidget()
        body.setLayout(form)
        lay.addWidget(scrolling_body(body))  # scrolls on a small screen; the buttons stay below

        self.message = error_label()
        lay.addWidget(self.message)
        self.buttons = ok_cancel("保存", on_ok=self.save, on_cancel=self.reject)
        lay.addWidget(self.buttons)

        self._fill()
        self._kind_changed()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.start.timeChanged.connect(self._start_changed)
        # Whatever moves the session or changes who and where: look for clashes again.
        for changed in (self.date.dateChanged, self.end.timeChanged, self.place.editTextChanged,
                        self.mediators.itemChanged):
            changed.connect(self.update_clashes)
        self.update_clashes()
        fit_to_screen(self, (680, 0))

    # -- values -------------------------------------------------------------------------------

    def _fill(self) -> None:
        s = self.session
        if s is not None:
            start, end = s.starts_at, s.ends_at or s.starts_at + timedelta(hours=1)
            self.place.setEditText(s.place)
            self.participants.setPlainText("\n".join(s.participants))
            self.subject.setText(s.subject)
            self.interviewee.setText(s.interviewee)
            self.recorder.setText(s.recorder)
        else:
            now = self.services.sessions.now()
            day = self.services.today()
            hour = min(max(now.hour + 1, 8), 17) if now.date() == day else 9
            start = datetime.combine(day, time(hour, 0))
            end = start + timedelta(hours=1)
            self.place.setEditText(self.place.itemText(0) if self.place.count() else "")
            self.subject.setText(self.detail.title)
            self.recorder.setText(self.detail.recorder or self.services.user_name)
        self.date.setDate(qdate(start.date()))
        self.start.setTime(QTime(start.hour, start.minute))
        self.end.setTime(QTime(end.hour, end.minute))

    def draft(self) -> SessionDraft:
        day = self.date.date().toPython()
        start, end = self.start.time().toPython(), self.end.time().toPython()
        return SessionDraft(
            kind=str(self.kind.currentData()),
            starts_at=datetime.combine(day, start),  # type: ignore[arg-type]
            ends_at=datetime.combine(day, end),  # type: ignore[arg-type]
            place=self.place.currentText().strip(),
            mediator_ids=checked_data(self.mediators),
            present=checked_data(self.present),
            participants=self.participants.toPlainText().splitlines(),
            subject=self.subject.text(),
            interviewee=self.interviewee.text(),
            recorder=self.recorder.text(),
        )

    # -- live behaviour -----------------------------------------------------------------------

    def _kind_changed(self, *_args: object) -> None:
        investigation = self.kind.currentData() == SessionKind.INVESTIGATION.value
        self.form.setRowVisible(self._interviewee_row, investigation)
        label = SessionKind(str(self.kind.currentData())).label
        self.setWindowTitle(("修改" if self.session else "安排") + label + f" — {self.detail.code}")

    def _start_changed(self, new: QTime) -> None:
        # Keep the end after the start, as a paper diary would.
        if self.end.time() <= new:
            self.end.setTime(new.addSecs(3600) if new.hour() < 23 else QTime(23, 59))
        self.update_clashes()

    def update_clashes(self, *_args: object) -> list[str]:
        """Ask the services which bookings the current values clash with; show them in orange."""
        try:
            found = self.services.sessions.clashes(self.draft(), self.session.id if self.session else None)
        except ServiceError as exc:
            self.message.say(str(exc))
            return []
        messages = [c.message for c in found]
        self.show_clashes(messages)
        return messages

    def show_clashes(self, messages: list[str]) -> None:
        key = tuple(messages)
        if key != self._clash_key:
            self.confirm_clash.setChecked(False)   # a new clash needs its own confirmation
            self._clash_key = key
        if messages:
            self.clash_label.setText("时间冲突：\n" + "\n".join(f"· {m}" for m in messages))
        self.clash_label.setVisible(bool(messages))
        self.confirm_clash.setVisible(bool(messages))
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow the dialog when a message appears, so no line of it is cut off (as far as the
        screen allows: beyond that the form scrolls)."""
        self.layout().activate()
        if self.height() < self.sizeHint().height():
            fit_to_screen(self, centre=False)

    # -- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        draft = self.draft()
        self.message.hide()
        confirmed = self.confirm_clash.isVisible() and self.confirm_clash.isChecked()
        try:
            if self.session is None:
                view = self.services.sessions.schedule(self.case_id, draft, confirmed_clash=confirmed)
            else:
                view = self.services.sessions.update(self.session.id, self.session.version, draft,
                                                     confirmed_clash=confirmed)
        except ValidationError as exc:
            self.errors.show(exc.errors)
            if exc.warnings and not exc.errors:
                self.show_clashes([w.message for w in exc.warnings])
                self.message.say("时间冲突：如确需这样安排，请勾选“仍然安排”，再点“保存”。")
                self.confirm_clash.setFocus()
            elif exc.errors:
                placed = {p.field for p in exc.errors}
                loose = [p.message for p in exc.errors if p.field not in
                         ("kind", "starts_at", "ends_at", "place", "mediator_ids", "present", "participants",
                          "subject", "interviewee", "recorder")]
                if loose or not placed:
                    self.message.say("\n".join(loose) or str(exc))
            return
        except ServiceError as exc:
            self.message.say(str(exc))
            return
        self.session = view
        self.errors.clear()
        self.saved.emit(view)
        self.accept()
