"""The agreement editor (调解协议): facts, responsibilities and numbered terms, each term built
from who owes whom what, how much, by when, how and where, with the clause text shown live.

The dialog only shows and asks: the clause text and the "unclear" check come from
``services.agreements``; saving goes through ``services.agreements.save``. A refused save keeps
everything typed and shows the Chinese message next to the field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.enums import AgreementForm, TermKind
from mediator_desktop.domain.terms import Instalment, parse_amount
from mediator_desktop.domain.text import amount_text, clause_number
from mediator_desktop.services.agreements import (
    AgreementDraft,
    AgreementView,
    TermDraft,
)
from mediator_desktop.services.errors import FieldProblem, ServiceError, ValidationError
from mediator_desktop.ui.common.widgets import (
    DONE_STYLE,
    ERROR_STYLE,
    INVALID_STYLE,
    WARNING_STYLE,
    FieldErrors,
    GuardedDialog,
    NumberedColumn,
    PreserveGeometry,
    ScrollingBody,
    add_row,
    button_row,
    enum_combo,
    error_label,
    focus_first_problem,
    height_in_lines,
    line_edit,
    on_click,
    parse_date,
    scale_font,
    set_combo_value,
    tab_chain,
    tab_moves_on,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

AMOUNT_FORMAT = "金额请只写数字，如 12000 或 12000.50"
UNCLEAR_HINT = "（法院不予确认内容不明确的协议，请补全）"


def _bold(label: QLabel, scale: float = 1.0) -> QLabel:
    scale_font(label, scale, bold=True)
    return label


def _amount_hint(text: str) -> tuple[str, str]:
    """What an amount field shows under it: the upper-case amount, or why it is not one."""
    try:
        value = parse_amount(text)
    except ValueError:
        return AMOUNT_FORMAT, ERROR_STYLE
    return (amount_text(value), DONE_STYLE) if value is not None else ("", "")


class InstalmentRow(QWidget):
    """One instalment (分期): amount and date, with a button to remove it."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, instalment: Instalment | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        lay.addWidget(self.label)
        self.amount = line_edit("金额（元）")
        lay.addWidget(self.amount, 2)
        lay.addWidget(QLabel("元，于"))
        self.due_on = line_edit("如 2026-11-30")
        lay.addWidget(self.due_on, 2)
        lay.addWidget(QLabel("前付清"))
        self.remove_button = QPushButton("删除这一期")
        lay.addWidget(self.remove_button)
        if instalment is not None:
            self.amount.setText("" if instalment.amount is None else f"{instalment.amount:f}")
            self.due_on.setText(instalment.due_on.isoformat() if instalment.due_on else "")
        self.amount.textChanged.connect(self.changed)
        self.due_on.textChanged.connect(self.changed)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))

    def set_number(self, n: int, _count: int) -> None:
        self.label.setText(f"第{n}期：")

    def tab_stops(self) -> list[QWidget]:
        return [self.amount, self.due_on, self.remove_button]


class TermCard(QFrame):
    """One numbered term (第一条…) of the agreement, editable."""

    changed = Signal(object)
    #: Instalments were added or removed: the dialog puts the Tab order right again.
    stops_changed = Signal()
    move_requested = Signal(object, int)
    remove_requested = Signal(object)

    def __init__(self, parties: tuple[str, ...], draft: TermDraft | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        draft = draft or TermDraft()
        self.term_id = draft.id
        self.status = draft.status
        self.text_edited = draft.text_edited
        self._filling = True
        self.errors = FieldErrors()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        header = QHBoxLayout()
        self.title_label = _bold(QLabel(), 1.15)
        header.addWidget(self.title_label)
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.remove_button = QPushButton("删除这一条")
        button_row(outer, (), (self.up_button, self.down_button, self.remove_button), row=header)
        self.form = QFormLayout()
        outer.addLayout(self.form)

        self.kind = enum_combo(TermKind)
        self.kind.setToolTip("履行义务：有人要给付、做或不做某事；其他约定：如“双方再无其他争议”")
        add_row(self.form, self.errors, "kind", "类型：", self.kind)
        self.obligor = QComboBox()
        self.obligee = QComboBox()
        for combo in (self.obligor, self.obligee):
            combo.addItem("（请选择当事人）", None)
            for position, name in enumerate(parties):
                combo.addItem(name, position)
        add_row(self.form, self.errors, "obligor", "义务人（由谁履行）：", self.obligor)
        add_row(self.form, self.errors, "obligee", "权利人（向谁履行）：", self.obligee)
        self.subject = line_edit("如：补偿款、修复院墙、赔礼道歉")
        add_row(self.form, self.errors, "subject", "给付内容：", self.subject)
        self.subject_label = self.form.labelForField(self.subject.parentWidget())

        amount_box = QWidget()
        al = QVBoxLayout(amount_box)
        al.setContentsMargins(0, 0, 0, 0)
        al.setSpacing(2)
        self.amount = line_edit("元，如 12000（不是钱款可不填）")
        al.addWidget(self.amount)
        self.amount_hint = QLabel()
        self.amount_hint.setWordWrap(True)
        al.addWidget(self.amount_hint)
        add_row(self.form, self.errors, "amount", "金额：", amount_box, self.amount)
        self.amount_box = amount_box

        self.instalment_box = QWidget()
        il = QVBoxLayout(self.instalment_box)
        il.setContentsMargins(0, 0, 0, 0)
        il.setSpacing(4)
        self.instalment_list = QVBoxLayout()
        il.addLayout(self.instalment_list)
        row = QHBoxLayout()
        self.add_instalment_button = QPushButton("添加一期")
        self.add_instalment_button.setToolTip("分期付款：每一期写明金额和期限")
        row.addWidget(self.add_instalment_button)
        self.instalment_sum = QLabel()
        row.addWidget(self.instalment_sum, 1)
        il.addLayout(row)
        self.instalment_rows: NumberedColumn[InstalmentRow] = NumberedColumn(self.instalment_list)
        add_row(self.form, self.errors, "instalments", "分期：", self.instalment_box,
                self.add_instalment_button)

        self.due_on = line_edit("如 2026-11-30 或 2026年11月30日（分期付款时不用填）")
        add_row(self.form, self.errors, "due_on", "履行期限（于此日前）：", self.due_on)
        self.method = line_edit("如：银行转账、现金、微信转账")
        add_row(self.form, self.errors, "method", "履行方式：", self.method)
        self.place = line_edit("如：龙门街道人民调解委员会（可不填）")
        add_row(self.form, self.errors, "place", "履行地点：", self.place)

        text_box = QWidget()
        tl = QVBoxLayout(text_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(2)
        self.text = QPlainTextEdit()
        tab_moves_on(self.text)
        self.text.setToolTip("按上面各项自动写出；也可以直接修改这里的文字")
        height_in_lines(self.text, 4, extra=12)
        tl.addWidget(self.text)
        text_row = QHBoxLayout()
        self.edited_note = QLabel("这段文字已手工修改：上面各项再改动，它不会自动跟着变。")
        self.edited_note.setWordWrap(True)
        self.edited_note.setStyleSheet(WARNING_STYLE)
        text_row.addWidget(self.edited_note, 1)
        self.regenerate_button = QPushButton("按上面各项重新生成")
        text_row.addWidget(self.regenerate_button)
        tl.addLayout(text_row)
        add_row(self.form, self.errors, "text", "条款文字：", text_box, self.text)

        self.flag = QLabel()
        self.flag.setWordWrap(True)
        self.flag.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.flag)
        self.general = error_label()
        outer.addWidget(self.general)

        self._fill(draft)
        self._connect()
        self._kind_changed()
        self._show_amount_hint()
        self._filling = False

    def _connect(self) -> None:
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for combo in (self.kind, self.obligor, self.obligee):
            combo.currentIndexChanged.connect(self._changed)
        for edit in (self.subject, self.amount, self.due_on, self.method, self.place):
            edit.textChanged.connect(self._changed)
        self.amount.textChanged.connect(self._show_amount_hint)
        self.text.textChanged.connect(self._text_typed)
        on_click({self.add_instalment_button: lambda: self.add_instalment(), self.regenerate_button: self.regenerate,
                  self.up_button: lambda: self.move_requested.emit(self, -1),
                  self.down_button: lambda: self.move_requested.emit(self, 1),
                  self.remove_button: lambda: self.remove_requested.emit(self)})

    # -- filling ------------------------------------------------------------------------------

    def _fill(self, d: TermDraft) -> None:
        set_combo_value(self.kind, d.kind)
        set_combo_value(self.obligor, d.obligor)
        set_combo_value(self.obligee, d.obligee)
        self.subject.setText(d.subject)
        self.amount.setText("" if d.amount is None else f"{d.amount:f}")
        for i in d.instalments:
            self.add_instalment(i)
        self.due_on.setText(d.due_on.isoformat() if d.due_on else "")
        self.method.setText(d.method)
        self.place.setText(d.place)
        self.text.setPlainText(d.text)
        self._show_edited()

    def tab_stops(self) -> list[QWidget]:
        """The inputs in reading order: who, to whom, what, how much, the instalments, by
        when, how, where, the clause text; then the buttons that move or remove the term."""
        stops: list[QWidget] = [self.kind, self.obligor, self.obligee, self.subject, self.amount]
        for row in self.instalment_rows:
            stops += row.tab_stops()
        return stops + [self.add_instalment_button, self.due_on, self.method, self.place, self.text,
                        self.regenerate_button, self.up_button, self.down_button, self.remove_button]

    def set_number(self, n: int, count: int) -> None:
        self.title_label.setText(f"第{clause_number(n)}条")
        self.up_button.setEnabled(n > 1)
        self.down_button.setEnabled(n < count)

    def is_statement(self) -> bool:
        return self.kind.currentData() == TermKind.STATEMENT.value

    def _kind_changed(self) -> None:
        obligation = not self.is_statement()
        for w in (self.obligor, self.obligee, self.amount_box, self.instalment_box, self.due_on,
                  self.method, self.place):
            self.form.setRowVisible(w.parentWidget(), obligation)
        self.subject_label.setText("给付内容：" if obligation else "约定内容：")  # type: ignore[union-attr]
        self.subject.setPlaceholderText("如：补偿款、修复院墙、赔礼道歉" if obligation
                                        else "如：双方就本纠纷再无其他争议")

    # -- instalments --------------------------------------------------------------------------

    def add_instalment(self, instalment: Instalment | None = None) -> InstalmentRow:
        row = InstalmentRow(instalment)
        row.changed.connect(self._changed)
        row.remove_requested.connect(self.remove_instalment)
        self.instalment_rows.append(row)
        if not self._filling:
            self._changed()
            self.stops_changed.emit()
        return row

    def remove_instalment(self, row: InstalmentRow) -> None:
        self.instalment_rows.remove(row)
        self._changed()
        self.stops_changed.emit()

    # -- reading ------------------------------------------------------------------------------

    def read(self, prefix: str = "") -> tuple[TermDraft, list[FieldProblem]]:
        """The term as typed, and what could not be read (an amount or date that is not one).
        Unreadable values are left out of the draft, never guessed."""
        problems: list[FieldProblem] = []

        def amount(edit: QLineEdit, field: str, label: str) -> Decimal | None:
            try:
                return parse_amount(edit.text())
            except ValueError:
                problems.append(FieldProblem(prefix + field, f"{label}：{AMOUNT_FORMAT}"))
                return None

        def day(edit: QLineEdit, field: str, label: str):
            try:
                return parse_date(edit.text())
            except ValueError as exc:
                problems.append(FieldProblem(prefix + field, f"{label}：{exc}"))
                return None

        title = self.title_label.text() or "这一条"
        statement = self.is_statement()
        instalments = []
        if not statement:
            for j, row in enumerate(self.instalment_rows):
                instalments.append(Instalment(
                    amount(row.amount, f"instalments[{j}].amount", f"{title}第{j + 1}期金额"),
                    day(row.due_on, f"instalments[{j}].due_on", f"{title}第{j + 1}期期限")))
        draft = TermDraft(
            id=self.term_id, kind=self.kind.currentData(),
            obligor=None if statement else self.obligor.currentData(),
            obligee=None if statement else self.obligee.currentData(),
            subject=self.subject.text(),
            amount=None if statement else amount(self.amount, "amount", f"{title}金额"),
            instalments=instalments,
            due_on=None if statement else day(self.due_on, "due_on", f"{title}履行期限"),
            method="" if statement else self.method.text(),
            place="" if statement else self.place.text(),
            text=self.text.toPlainText(), text_edited=self.text_edited, status=self.status)
        return draft, problems

    # -- live preview -------------------------------------------------------------------------

    def show_preview(self, text: str, problems: tuple[str, ...]) -> None:
        """Put the generated clause in the text box (unless edited by hand) and flag the term."""
        if not self.text_edited and self.text.toPlainText() != text:
            self._filling = True
            self.text.setPlainText(text)
            self._filling = False
        if self.is_statement():
            self.flag.hide()
        elif problems:
            self.flag.setText("内容不明确：" + "；".join(problems) + UNCLEAR_HINT)
            self.flag.setStyleSheet(ERROR_STYLE)
            self.flag.show()
        else:
            self.flag.setText("内容明确：写明了由谁、向谁、履行什么、何时履行")
            self.flag.setStyleSheet(DONE_STYLE)
            self.flag.show()
        sums = [r.amount.text() for r in self.instalment_rows]
        try:
            values = [parse_amount(x) for x in sums]
        except ValueError:
            values = []
        if values and all(v is not None for v in values):
            self.instalment_sum.setText(f"各期合计：{amount_text(sum(values, Decimal(0)))}")  # type: ignore[arg-type]
        else:
            self.instalment_sum.setText("")

    def regenerate(self) -> None:
        """按上面各项重新生成: drop the hand-edited text and write it from the fields again."""
        self.text_edited = False
        self._show_edited()
        self.changed.emit(self)

    def _text_typed(self) -> None:
        if self._filling:
            return
        if not self.text_edited:
            self.text_edited = True
            self._show_edited()
        self.changed.emit(self)

    def _show_edited(self) -> None:
        self.edited_note.setVisible(self.text_edited)
        self.regenerate_button.setVisible(self.text_edited)

    def _show_amount_hint(self) -> None:
        text, style = _amount_hint(self.amount.text())
        self.amount_hint.setText(text)
        self.amount_hint.setStyleSheet(style)
        self.amount_hint.setVisible(bool(text))

    def _changed(self, *_args: object) -> None:
        if not self._filling:
            self.changed.emit(self)

    # -- problems -----------------------------------------------------------------------------

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Problems whose field is relative to this term (``amount``, ``instalments[1].due_on``,
        or "" for the term as a whole)."""
        whole = [p for p in problems if not p.field]
        unplaced = self.errors.show([p for p in problems if p.field])
        # The red frame goes on the very instalment field, not on the whole list.
        self.add_instalment_button.setStyleSheet("")
        for j, row in enumerate(self.instalment_rows):
            for name in ("amount", "due_on"):
                bad = any(p.field == f"instalments[{j}].{name}" and not p.warning for p in problems)
                getattr(row, name).setStyleSheet(INVALID_STYLE if bad else "")
        # The message under the amount says it all: the live hint would repeat it.
        if any(p.field == "amount" for p in problems):
            self.amount_hint.hide()
        lines = [p.message for p in whole + unplaced]
        self.general.setText("\n".join(lines))
        self.general.setVisible(bool(lines))


class AgreementEditor(GuardedDialog, PreserveGeometry):
    """Write or correct the agreement of one case. ``saved(AgreementView)`` after saving."""

    saved = Signal(object)

    DISCARD_QUESTION = "协议的内容还没有保存，确定要关闭吗？"

    def __init__(self, services: Services, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.case_id = case_id
        self.context = services.agreements.context(case_id)
        self.view: AgreementView | None = services.agreements.get(case_id)
        draft = self.view.to_draft() if self.view is not None else services.agreements.blank(case_id)
        self.version = draft.version
        self._dirty = False
        self._loading = True
        self.setWindowTitle(("修改调解协议" if self.view is not None else "填写调解协议")
                            + f" — {self.context.case_code}")
        self.errors = FieldErrors()

        outer = QVBoxLayout(self)
        self.scroll = ScrollingBody()  # the form scrolls; the buttons stay below it
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self.scroll, 1)
        body = QWidget()
        self.scroll.setWidget(body)
        lay = QVBoxLayout(body)

        self.refusal = QLabel(self.context.refusal)
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(ERROR_STYLE)
        self.refusal.setVisible(bool(self.context.refusal))
        lay.addWidget(self.refusal)

        head = QFormLayout()
        lay.addLayout(head)
        form_box = QWidget()
        fl = QHBoxLayout(form_box)
        fl.setContentsMargins(0, 0, 0, 0)
        self.written = QRadioButton(AgreementForm.WRITTEN.label)
        self.oral = QRadioButton(AgreementForm.ORAL.label + "（当场达成、由调解员记录）")
        self.form_group = QButtonGroup(self)
        self.form_group.addButton(self.written)
        self.form_group.addButton(self.oral)
        fl.addWidget(self.written)
        fl.addWidget(self.oral)
        fl.addStretch()
        add_row(head, self.errors, "form", "协议形式：", form_box, self.written)
        self.number = QLineEdit()
        add_row(head, self.errors, "number", "编号：", self.number)
        self.facts = QPlainTextEdit()
        tab_moves_on(self.facts)
        self.facts.setPlaceholderText("纠纷是怎么发生的，双方争的是什么")
        height_in_lines(self.facts, 7, kind="max")
        add_row(head, self.errors, "facts", "纠纷主要事实、争议事项：", self.facts)
        self.facts_label = head.labelForField(self.facts.parentWidget())
        self.responsibilities = QPlainTextEdit()
        tab_moves_on(self.responsibilities)
        self.responsibilities.setPlaceholderText("各方应承担的责任（可不填）")
        height_in_lines(self.responsibilities, 5, kind="max")
        add_row(head, self.errors, "responsibilities", "各方责任：", self.responsibilities)

        lay.addWidget(_bold(QLabel("经调解，自愿达成如下协议："), 1.1))
        self.terms_hint = QLabel("每一条都要写明：由谁、向谁、履行什么（多少钱）、什么时候前履行。")
        self.terms_hint.setWordWrap(True)
        lay.addWidget(self.terms_hint)
        self.terms_error = QLabel()
        lay.addWidget(self.terms_error)
        self.terms_box = QVBoxLayout()
        lay.addLayout(self.terms_box)
        self.cards: NumberedColumn[TermCard] = NumberedColumn(self.terms_box)
        add = QHBoxLayout()
        self.add_term_button = QPushButton("添加一条（履行义务）")
        self.errors.bind("terms", self.add_term_button, self.terms_error)
        self.add_statement_button = QPushButton("添加一条（其他约定）")
        add.addWidget(self.add_term_button)
        add.addWidget(self.add_statement_button)
        add.addStretch()
        lay.addLayout(add)

        tail = QFormLayout()
        lay.addLayout(tail)
        date_box = QWidget()
        dl = QHBoxLayout(date_box)
        dl.setContentsMargins(0, 0, 0, 0)
        self.signed_on = line_edit("各方签字、盖章后填写，如 2026-11-22")
        dl.addWidget(self.signed_on, 1)
        self.today_button = QPushButton("今天")
        dl.addWidget(self.today_button)
        add_row(tail, self.errors, "signed_on", "生效日期：", date_box, self.signed_on)
        self.signed_on_label = tail.labelForField(date_box.parentWidget())
        copies_box = QWidget()
        cl = QHBoxLayout(copies_box)
        cl.setContentsMargins(0, 0, 0, 0)
        self.copies = QSpinBox()
        self.copies.setRange(1, 99)
        self.copies.setSuffix(" 份")
        cl.addWidget(self.copies)
        self.copies_note = QLabel(f"当事人各一份、调解委员会留存一份，至少 {len(self.context.parties) + 1} 份")
        self.copies_note.setWordWrap(True)
        cl.addWidget(self.copies_note, 1)
        add_row(tail, self.errors, "copies", "份数：", copies_box, self.copies)
        self.copies_row = copies_box
        self.tail = tail
        lay.addStretch()

        self.general = error_label(selectable=True)
        outer.addWidget(self.general)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存(&S)")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not self.context.refusal)
        outer.addWidget(self.buttons)

        self._fill(draft)
        self._order_tabs()
        self._connect()
        self._form_changed()
        self._loading = False
        self._dirty = False
        self.keep_geometry("agreement_editor", (1000, 900))

    def _connect(self) -> None:
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        on_click({self.add_term_button: lambda: self.add_term(TermKind.OBLIGATION.value),
                  self.add_statement_button: lambda: self.add_term(TermKind.STATEMENT.value),
                  self.today_button: lambda: self.signed_on.setText(self.services.today().isoformat())})
        self.written.toggled.connect(self._form_changed)
        for edit in (self.number, self.signed_on):
            edit.textChanged.connect(self._mark_dirty)
        for text in (self.facts, self.responsibilities):
            text.textChanged.connect(self._mark_dirty)
        self.copies.valueChanged.connect(self._mark_dirty)

    # -- filling ------------------------------------------------------------------------------

    def _fill(self, d: AgreementDraft) -> None:
        (self.oral if d.form == AgreementForm.ORAL.value else self.written).setChecked(True)
        self.number.setText(d.number)
        self.facts.setPlainText(d.facts)
        self.responsibilities.setPlainText(d.responsibilities)
        self.signed_on.setText(d.signed_on.isoformat() if d.signed_on else "")
        self.copies.setValue(d.copies or len(self.context.parties) + 1)
        for t in d.terms:
            self.add_term(draft=t)
        if not d.terms:
            self.add_term(TermKind.OBLIGATION.value)

    def _form_changed(self) -> None:
        written = self.written.isChecked()
        self.signed_on_label.setText("生效日期：" if written else "达成日期：")  # type: ignore[union-attr]
        self.signed_on.setPlaceholderText("各方签字、盖章后填写，如 2026-11-22" if written
                                          else "口头协议达成的那一天，如 2026-11-22")
        self.facts_label.setText("纠纷主要事实、争议事项：" if written  # type: ignore[union-attr]
                                 else "纠纷主要事实、争议事项（可不填）：")
        self.tail.setRowVisible(self.copies_row.parentWidget(), written)
        self._mark_dirty()

    # -- terms --------------------------------------------------------------------------------

    def add_term(self, kind: str = TermKind.OBLIGATION.value, draft: TermDraft | None = None) -> TermCard:
        card = TermCard(self.context.parties, draft or TermDraft(kind=kind))
        card.changed.connect(self.refresh_preview)
        card.move_requested.connect(self.move_term)
        card.remove_requested.connect(self.remove_term)
        card.stops_changed.connect(self._order_tabs)
        self.cards.append(card)
        if not self._loading:
            self._order_tabs()
        self.refresh_preview(card)
        self._mark_dirty()
        return card

    def move_term(self, card: TermCard, step: int) -> None:
        if not self.cards.move(card, step):
            return
        self._order_tabs()
        for c in self.cards:
            self.refresh_preview(c)
        self._mark_dirty()
        card.setFocus()
        self.scroll.ensureWidgetVisible(card)

    def remove_term(self, card: TermCard) -> None:
        self.cards.remove(card)
        self._order_tabs()
        for c in self.cards:
            self.refresh_preview(c)
        self._mark_dirty()

    def _order_tabs(self) -> None:
        """Tab goes through the agreement as it reads: the head, each term's fields in order,
        the buttons that add a term, the date, the copies, then 保存 and 取消."""
        stops: list[QWidget] = [self.written, self.oral, self.number, self.facts, self.responsibilities]
        for card in self.cards:
            stops += card.tab_stops()
        stops += [self.add_term_button, self.add_statement_button, self.signed_on, self.today_button,
                  self.copies, self.buttons.button(QDialogButtonBox.StandardButton.Save),
                  self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        tab_chain(stops)

    def refresh_preview(self, card: TermCard) -> None:
        """Ask the service for the clause the fields make and whether the term is clear."""
        draft, _problems = card.read()
        try:
            preview = self.services.agreements.preview(self.case_id, draft)
        except ServiceError as exc:
            self.general.say(str(exc))
            return
        card.show_preview(preview.text, preview.problems)
        self._mark_dirty()

    # -- saving -------------------------------------------------------------------------------

    def draft(self) -> tuple[AgreementDraft, list[FieldProblem]]:
        """The agreement as typed, and the values that could not be read."""
        problems: list[FieldProblem] = []
        terms = []
        for k, card in enumerate(self.cards):
            term, term_problems = card.read(f"terms[{k}].")
            terms.append(term)
            problems.extend(term_problems)
        signed_on = None
        try:
            signed_on = parse_date(self.signed_on.text())
        except ValueError as exc:
            problems.append(FieldProblem("signed_on", f"{self.signed_on_label.text().rstrip('：')}：{exc}"))  # type: ignore[union-attr]
        written = self.written.isChecked()
        draft = AgreementDraft(
            form=AgreementForm.WRITTEN.value if written else AgreementForm.ORAL.value,
            number=self.number.text(), facts=self.facts.toPlainText(),
            responsibilities=self.responsibilities.toPlainText(), terms=terms,
            signed_on=signed_on, copies=self.copies.value() if written else None, version=self.version)
        return draft, problems

    def save(self) -> None:
        self.general.hide()
        draft, problems = self.draft()
        if problems:
            self.show_problems(problems)
            return
        try:
            view = self.services.agreements.save(self.case_id, draft)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        except ServiceError as exc:
            self.show_problems([])
            self.general.say(str(exc))
            return
        self.view, self.version = view, view.version
        self._dirty = False
        self.show_problems([])
        self.saved.emit(view)
        self.accept()

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Each message next to its field: the agreement's own fields here, a term's in its
        card; anything else below the form."""
        per_card: dict[int, list[FieldProblem]] = {k: [] for k in range(len(self.cards))}
        own: list[FieldProblem] = []
        for p in problems:
            if p.field.startswith("terms["):
                k = int(p.field[len("terms["):p.field.index("]")])
                rest = p.field[p.field.index("]") + 1:].lstrip(".")
                if k in per_card:
                    per_card[k].append(FieldProblem(rest, p.message, p.warning))
                    continue
            own.append(p)
        unplaced = self.errors.show(own)
        for k, card in enumerate(self.cards):
            card.show_problems(per_card[k])
        errors = [p for p in problems if not p.warning]
        lines = [p.message for p in unplaced]
        if errors:
            lines.append(f"有 {len(errors)} 处需要修改，已在相应位置用红字标出。")
        self.general.setText("\n".join(lines))
        self.general.setVisible(bool(lines))
        first = next((k for k in range(len(self.cards)) if per_card[k]), None)
        # The cursor to the first problem as the agreement reads: its own fields, then the terms.
        focus_first_problem(self.errors, *(card.errors for card in self.cards))
        if not own and first is not None:
            self.scroll.ensureWidgetVisible(self.cards[first])

    # -- closing ------------------------------------------------------------------------------

    def _mark_dirty(self, *_args: object) -> None:
        if not self._loading:
            self._dirty = True

    def has_unsaved(self) -> bool:
        return self._dirty

    def discarded(self) -> None:
        self._dirty = False
