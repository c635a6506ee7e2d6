"""Case intake (受理登记) and editing: the Designer form ``forms/intake_dialog.ui`` plus its
behaviour. Nothing typed is lost on an error: problems show next to their fields."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.enums import CaseSource, PartyKind, PartyRole, RiskLevel
from mediator_desktop.domain.identity import mask_id_number, mask_phone
from mediator_desktop.services.dto import CaseDraft, MediatorAssignment, PartyDraft
from mediator_desktop.services.errors import ConflictError, FieldProblem, ServiceError, ValidationError
from mediator_desktop.ui.common.widgets import (
    ERROR_STYLE,
    FieldErrors,
    GuardedDialog,
    ask_yes_no,
    click_text_to_check,
    fill_enum_combo,
    fit_to_screen,
    leave_on_tab,
    line_edit,
    ok_cancel,
    qdate,
    set_combo_value,
    tab_moves_on,
)
from mediator_desktop.ui.forms.ui_intake_dialog import Ui_IntakeDialog
from mediator_desktop.ui.intake.party_dialog import PartyDialog

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

RISK_COLOURS = {"none": "", "yellow": "#b26a00", "orange": "#e65100", "red": "#c62828"}


class KnownPartyPicker(QDialog):
    """Search parties of earlier cases as the user types; pick one to copy it."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("从以往案件选取当事人")
        lay = QVBoxLayout(self)
        self.search = line_edit("输入姓名、拼音首字母、身份证号或电话")
        self.list = QListWidget()
        lay.addWidget(self.search)
        lay.addWidget(self.list)
        buttons = ok_cancel("选取", on_ok=self._accept, on_cancel=self.reject)
        lay.addWidget(buttons)
        self.search.textChanged.connect(self._refresh)
        self.list.itemActivated.connect(self._accept)
        self.party_id: int | None = None
        fit_to_screen(self, (560, 420))

    def _refresh(self, text: str) -> None:
        self.list.clear()
        for k in self.services.cases.find_known_parties(text):
            item = QListWidgetItem(f"{k.name}　{mask_id_number(k.id_number)}　{mask_phone(k.phone)}　{k.address}"
                                   f"（{k.case_code}）")
            item.setData(Qt.ItemDataRole.UserRole, k.party_id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.party_id = item.data(Qt.ItemDataRole.UserRole)
        self.accept()


class IntakeDialog(GuardedDialog):
    """Register a new case (``case_id=None``) or edit one; ``saved(case_id)`` after saving."""

    saved = Signal(int)

    DISCARD_QUESTION = "填写的内容还没有保存，确定要关闭吗？"

    def __init__(self, services: Services, parent: QWidget | None = None, case_id: int | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.case_id = case_id
        self.version: int | None = None
        self.opened: CaseDraft | None = None
        self.parties: list[PartyDraft] = []
        self.confirmed: set[str] = set()
        self._dirty = False
        self.ui = Ui_IntakeDialog()
        self.ui.setupUi(self)
        self.setWindowTitle("受理登记 — 新案件" if case_id is None else "修改案件")
        self.errors = FieldErrors()
        u = self.ui
        for field, widget, label in [
            ("received_on", u.receivedOn, u.receivedOnError), ("source", u.source, u.sourceError),
            ("dispute_type", u.disputeType, u.disputeTypeError), ("title", u.title, u.titleError),
            ("summary", u.summary, u.summaryError), ("requests", u.requests, u.requestsError),
            ("risk_level", u.riskLevel, u.riskLevelError), ("mediators", u.mediatorList, u.mediatorListError),
            ("recorder", u.recorder, u.recorderError), ("parties", u.partiesTable, u.partiesError),
        ]:
            self.errors.bind(field, widget, label)
        u.generalMessage.hide()
        tab_moves_on(u.summary, u.requests)
        click_text_to_check(u.mediatorList)
        leave_on_tab(u.partiesTable)
        u.generalMessage.setStyleSheet(ERROR_STYLE)
        self._fill_choices()
        self._setup_parties_table()
        u.buttonBox.button(QDialogButtonBox.StandardButton.Save).setText("保存(&S)")
        u.buttonBox.accepted.connect(self.save)
        u.buttonBox.rejected.connect(self.reject)
        u.addPersonButton.clicked.connect(lambda: self.add_party("person"))
        u.addOrgButton.clicked.connect(lambda: self.add_party("organization"))
        u.pickKnownButton.clicked.connect(self.pick_known)
        u.editPartyButton.clicked.connect(self.edit_party)
        u.removePartyButton.clicked.connect(self.remove_party)
        u.moveUpButton.clicked.connect(lambda: self.move_party(-1))
        u.moveDownButton.clicked.connect(lambda: self.move_party(1))
        u.partiesTable.doubleClicked.connect(self.edit_party)
        u.riskLevel.currentIndexChanged.connect(self._risk_changed)
        # 一案一策: a red case is saved only with its plan (services/risk.py).
        self.risk_plan: object = None
        self.plan_button = QPushButton("一案一策…")
        self.plan_button.setToolTip("红色风险案件须制定一案一策（化解措施、包案领导、完成期限）")
        u.riskLayout.addWidget(self.plan_button)
        QWidget.setTabOrder(u.riskReportedTo, self.plan_button)
        self.plan_button.clicked.connect(self.edit_plan)
        # Who was told and the plan's problems show under the risk level.
        self.errors.bind("risk_reported_to", u.riskReportedTo, u.riskLevelError)
        self.errors.bind("risk_plan", self.plan_button, u.riskLevelError)
        u.source.currentIndexChanged.connect(self._source_changed)
        u.simpleProcedure.toggled.connect(self._mark_dirty)
        if case_id is None:
            u.receivedOn.setDate(qdate(self.services.today()))
            u.recorder.setText(self.services.user_name)    # 记录人: the user of this PC
            self._tick_user_as_mediator()
        else:
            self._load(case_id)
        self._risk_changed()
        self._source_changed()
        for w in (u.title, u.recorder, u.riskReportedTo):
            w.textEdited.connect(self._mark_dirty)
        u.summary.textChanged.connect(self._mark_dirty)
        u.requests.textChanged.connect(self._mark_dirty)
        self._dirty = False
        fit_to_screen(self, (920, 760))

    # -- set-up -------------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        u = self.ui
        fill_enum_combo(u.source, CaseSource)
        fill_enum_combo(u.riskLevel, RiskLevel)
        u.disputeType.addItem("（请选择）", None)
        for t in self.services.dispute_types.list(active_only=True):
            u.disputeType.addItem(("　　" if t.parent_id else "") + t.name, t.name)
        u.receivedOn.setMaximumDate(qdate(self.services.today()))
        for m in self.services.mediators.list(active_only=True):
            item = QListWidgetItem(m.name)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            u.mediatorList.addItem(item)

    def _tick_user_as_mediator(self) -> None:
        """A new case is usually mediated by the one who takes it in: the PC's user, when they
        are one of the committee's mediators, is ticked (one click to untick)."""
        mediators = self.ui.mediatorList
        for row in range(mediators.count()):
            item = mediators.item(row)
            if item.text() == self.services.user_name:
                item.setCheckState(Qt.CheckState.Checked)

    def _setup_parties_table(self) -> None:
        t = self.ui.partiesTable
        t.setColumnCount(5)
        t.setHorizontalHeaderLabels(["身份", "姓名或名称", "类型", "证件号码", "联系电话"])
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        t.verticalHeader().setVisible(False)

    def _load(self, case_id: int) -> None:
        detail = self.services.cases.get(case_id)
        self.version = detail.version
        draft = detail.to_draft()
        self.opened = detail.to_draft()   # what the form was opened on (to say what another PC changed)
        u = self.ui
        u.receivedOn.setDate(QDate(draft.received_on.year, draft.received_on.month, draft.received_on.day))  # type: ignore[union-attr]
        set_combo_value(u.source, draft.source)
        u.simpleProcedure.setChecked(draft.simple_procedure)
        index = u.disputeType.findData(draft.dispute_type)
        if index < 0:  # a type deactivated since: still show it for this case
            u.disputeType.addItem(draft.dispute_type, draft.dispute_type)
            index = u.disputeType.count() - 1
        u.disputeType.setCurrentIndex(index)
        u.title.setText(draft.title)
        u.summary.setPlainText(draft.summary)
        u.requests.setPlainText("\n".join(draft.requests))
        set_combo_value(u.riskLevel, draft.risk_level)
        u.riskReportedTo.setText(draft.risk_reported_to)
        u.recorder.setText(draft.recorder)
        chosen = {m.mediator_id: m.role for m in draft.mediators}
        for i in range(u.mediatorList.count()):
            item = u.mediatorList.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in chosen:
                item.setCheckState(Qt.CheckState.Checked)
        self.parties = draft.parties
        self._refresh_parties()

    def prefill(self, draft: CaseDraft) -> None:
        """A new case started elsewhere (转为案件 from the screening log): its known facts filled
        in, the parties and the rest left for the mediator to complete before saving."""
        u = self.ui
        if draft.received_on is not None:
            u.receivedOn.setDate(qdate(draft.received_on))
        set_combo_value(u.source, draft.source)
        index = u.disputeType.findData(draft.dispute_type)
        if index >= 0:
            u.disputeType.setCurrentIndex(index)
        u.title.setText(draft.title)
        u.summary.setPlainText(draft.summary)
        u.requests.setPlainText("\n".join(draft.requests))
        set_combo_value(u.riskLevel, draft.risk_level)
        self.parties = list(draft.parties)
        self._refresh_parties()
        self._dirty = True

    # -- parties ------------------------------------------------------------------------------

    def _refresh_parties(self, select: int | None = None) -> None:
        t = self.ui.partiesTable
        t.setRowCount(len(self.parties))
        for row, p in enumerate(self.parties):
            values = [PartyRole(p.role).label, p.name, PartyKind(p.kind).label,
                      mask_id_number(p.id_number or p.credit_code) if p.kind == "person" else p.credit_code,
                      mask_phone(p.phone)]
            for col, value in enumerate(values):
                t.setItem(row, col, QTableWidgetItem(value))
        t.resizeColumnsToContents()
        t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if select is not None and 0 <= select < len(self.parties):
            t.selectRow(select)

    def _open_party(self, draft: PartyDraft | None, kind: str, row: int | None,
                    problems: list[FieldProblem] | None = None) -> PartyDialog:
        dialog = PartyDialog(self.services, draft, self, kind=kind, exclude_case_id=self.case_id)
        if draft is None:
            set_combo_value(dialog.role, "applicant" if not self.parties else "respondent")
        if problems:
            dialog.show_problems(problems)

        def done() -> None:
            new = dialog.result_draft()
            if row is None:
                self.parties.append(new)
                select = len(self.parties) - 1
            else:
                self.parties[row] = new
                select = row
            self._dirty = True
            self._refresh_parties(select)

        dialog.accepted.connect(done)
        dialog.open()
        self.party_dialog = dialog
        return dialog

    def add_party(self, kind: str) -> PartyDialog:
        return self._open_party(None, kind, None)

    def _selected_row(self) -> int | None:
        rows = self.ui.partiesTable.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def edit_party(self) -> PartyDialog | None:
        row = self._selected_row()
        if row is None:
            return None
        prefix = f"parties[{row}]."
        problems = [FieldProblem(p.field[len(prefix):], p.message, p.warning)
                    for p in getattr(self, "_last_problems", []) if p.field.startswith(prefix)]
        return self._open_party(self.parties[row], self.parties[row].kind, row, problems)

    def remove_party(self) -> None:
        row = self._selected_row()
        if row is not None:
            del self.parties[row]
            self._dirty = True
            self._refresh_parties(min(row, len(self.parties) - 1))

    def move_party(self, step: int) -> None:
        row = self._selected_row()
        if row is None or not 0 <= row + step < len(self.parties):
            return
        self.parties[row], self.parties[row + step] = self.parties[row + step], self.parties[row]
        self._dirty = True
        self._refresh_parties(row + step)

    def pick_known(self) -> KnownPartyPicker:
        picker = KnownPartyPicker(self.services, self)

        def done() -> None:
            if picker.party_id is not None:
                role = "applicant" if not self.parties else "respondent"
                self.parties.append(self.services.cases.known_party_draft(picker.party_id, role=role))
                self._dirty = True
                self._refresh_parties(len(self.parties) - 1)

        picker.accepted.connect(done)
        picker.open()
        self.picker = picker
        return picker

    # -- saving -------------------------------------------------------------------------------

    def draft(self) -> CaseDraft:
        u = self.ui
        mediators = []
        for i in range(u.mediatorList.count()):
            item = u.mediatorList.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                role = "presiding" if not mediators else "assisting"
                mediators.append(MediatorAssignment(item.data(Qt.ItemDataRole.UserRole), role))
        qd = u.receivedOn.date()
        return CaseDraft(
            received_on=date(qd.year(), qd.month(), qd.day()),
            source=u.source.currentData(),
            simple_procedure=self._simple_procedure_applies() and u.simpleProcedure.isChecked(),
            dispute_type=u.disputeType.currentData() or "",
            title=u.title.text(),
            summary=u.summary.toPlainText(),
            requests=u.requests.toPlainText().splitlines(),
            risk_level=u.riskLevel.currentData(),
            risk_reported_to=u.riskReportedTo.text() if u.riskLevel.currentData() != "none" else "",
            risk_plan=self.risk_plan if u.riskLevel.currentData() == "red" else None,
            mediators=mediators,
            recorder=u.recorder.text(),
            parties=[PartyDraft(**{**vars(p), "agents": list(p.agents)}) for p in self.parties],
            confirmed_warnings=set(self.confirmed),
        )

    def save(self) -> None:
        draft = self.draft()
        self.ui.generalMessage.hide()
        try:
            if self.case_id is None:
                detail = self.services.cases.register(draft)
            else:
                assert self.version is not None
                detail = self.services.cases.update(self.case_id, self.version, draft)
        except ValidationError as exc:
            self._show_problems(exc.problems)
            return
        except ConflictError:
            assert self.case_id is not None and self.opened is not None
            self.ui.generalMessage.setText(self.services.cases.conflict_text(self.case_id, self.opened))
            self.ui.generalMessage.show()
            return
        except ServiceError as exc:
            self.ui.generalMessage.setText(str(exc))
            self.ui.generalMessage.show()
            return
        self.case_id, self.version = detail.id, detail.version
        self._dirty = False
        self.errors.clear()
        self.saved.emit(detail.id)
        self.accept()

    def _show_problems(self, problems: list[FieldProblem]) -> None:
        self._last_problems = problems
        errors = [p for p in problems if not p.warning]
        warnings = [p for p in problems if p.warning]
        party_rows = sorted({int(p.field.split("]")[0].split("[")[1]) for p in errors
                             if p.field.startswith("parties[")})
        shown = [p if not p.field.startswith("parties[") else
                 FieldProblem("parties", f"第{int(p.field.split(']')[0].split('[')[1]) + 1}位当事人"
                              f"（{self.parties[int(p.field.split(']')[0].split('[')[1])].name or '未填姓名'}）："
                              f"{p.message}（双击该行修改）", p.warning)
                 for p in errors]
        unplaced = self.errors.show(shown)
        for row in party_rows:
            for col in range(self.ui.partiesTable.columnCount()):
                cell = self.ui.partiesTable.item(row, col)
                if cell is not None:
                    cell.setForeground(Qt.GlobalColor.red)
        if unplaced:
            self.ui.generalMessage.setText("\n".join(p.message for p in unplaced))
            self.ui.generalMessage.show()
        if not errors and warnings:
            self._ask_to_confirm(warnings)

    def _ask_to_confirm(self, warnings: list[FieldProblem]) -> QMessageBox:
        def confirmed() -> None:
            self.confirmed |= {w.field for w in warnings}
            self.save()

        box = ask_yes_no(self, "请确认", "\n".join(w.message for w in warnings) + "\n\n确认无误，继续保存吗？",
                         "确认无误，保存", "返回修改", confirmed)
        self.confirm_box = box
        return box

    # -- closing ------------------------------------------------------------------------------

    def _mark_dirty(self, *_args: object) -> None:
        self._dirty = True

    def _simple_procedure_applies(self) -> bool:
        """Simple procedure (简易程序, 7 days instead of 15) exists only for court-entrusted
        (法院委托) cases (LEGAL.md §1)."""
        return self.ui.source.currentData() == CaseSource.COURT_ENTRUSTED.value

    def _source_changed(self) -> None:
        applies = self._simple_procedure_applies()
        self.ui.simpleProcedure.setVisible(applies)
        self.ui.simpleProcedure.setEnabled(applies)

    def edit_plan(self) -> QDialog:
        """一案一策… of a red case being registered or edited: kept with the form and saved with it."""
        from mediator_desktop.ui.case.risk_panel import PlanDialog

        plan = self.risk_plan
        if plan is None and self.case_id is not None:
            existing = self.services.risk.view(self.case_id).plan
            plan = existing.to_draft() if existing is not None else None
        dialog = PlanDialog(self.services, None, plan, self)  # type: ignore[arg-type]

        def taken(draft: object) -> None:
            self.risk_plan = draft
            self._mark_dirty()
            self._risk_changed()

        dialog.saved.connect(taken)
        dialog.open()
        self.plan_dialog = dialog
        return dialog

    def _risk_changed(self) -> None:
        level = self.ui.riskLevel.currentData() or "none"
        visible = level != "none"
        self.ui.riskReportedTo.setVisible(visible)
        self.ui.riskReportedToLabel.setVisible(visible)
        self.plan_button.setVisible(level == "red")
        self.plan_button.setText("一案一策（已填）…" if self.risk_plan is not None else "一案一策…")
        colour = RISK_COLOURS[level]
        self.ui.riskLevel.setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")

    def has_unsaved(self) -> bool:
        return self._dirty or (self.case_id is None and bool(self.parties))

    def discarded(self) -> None:
        self._dirty = False
        self.parties = []


