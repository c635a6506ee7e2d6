"""The party's own form (当事人): the only place ID numbers and phones are shown in full."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.enums import (
    AgentKind,
    CaseStatus,
    Gender,
    IdType,
    PartyKind,
    PartyRole,
)
from mediator_desktop.domain.identity import check_credit_code, check_id_number
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.dto import AgentDraft, PartyDraft
from mediator_desktop.services.errors import FieldProblem
from mediator_desktop.services.validation import validate_party
from mediator_desktop.ui.common.widgets import (
    DONE_STYLE,
    ERROR_STYLE,
    WARNING_STYLE,
    FieldErrors,
    add_row,
    enum_combo,
    fit_to_screen,
    leave_on_tab,
    line_edit,
    ok_cancel,
    parse_date,
    scrolling_body,
    set_combo_value,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族",
    "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族"
]


class PartyDialog(QDialog):
    """Edit one party. ``draft()`` gives the result after ``accepted``."""

    def __init__(self, services: Services, draft: PartyDraft | None = None, parent: QWidget | None = None, *,
                 kind: str = "person", exclude_case_id: int | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.exclude_case_id = exclude_case_id
        self._draft = draft or PartyDraft(kind=kind, role="applicant")
        self.setWindowTitle("当事人信息")
        self.errors = FieldErrors()
        self._match_timer = QTimer(self, singleShot=True, interval=300)
        self._match_timer.timeout.connect(self._look_for_matches)
        self._build()
        self._load(self._draft)

    # -- layout -------------------------------------------------------------------------------

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        return label

    def _row(self, form: QFormLayout, text: str, widget: QWidget, field: str) -> None:
        add_row(form, self.errors, field, text, widget)

    def _build(self) -> None:
        dialog_layout = QVBoxLayout(self)
        body = QWidget()
        outer = QVBoxLayout(body)  # the form scrolls on a small screen; the buttons stay below it
        outer.setContentsMargins(0, 0, 0, 0)
        dialog_layout.addWidget(scrolling_body(body))
        top = QFormLayout()
        self.role = enum_combo(PartyRole)
        self.kind = enum_combo(PartyKind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._row(top, "身份(&S)：", self.role, "role")
        self._row(top, "类型(&K)：", self.kind, "kind")
        outer.addLayout(top)

        self.pages = QStackedWidget()
        # Person page
        person = QWidget()
        pf = QFormLayout(person)
        self.name = QLineEdit()
        self.name.textEdited.connect(self._schedule_matches)
        self._row(pf, "姓名(&N)：", self.name, "name")
        self.id_type = enum_combo(IdType)
        self._row(pf, "证件类型：", self.id_type, "id_type")
        self.id_number = line_edit("18位身份证号码")
        self.id_number.textEdited.connect(self._check_id)
        self.id_number.textEdited.connect(self._schedule_matches)
        self._row(pf, "证件号码(&I)：", self.id_number, "id_number")
        self.id_hint = QLabel()
        self.id_hint.setWordWrap(True)
        pf.addRow("", self.id_hint)
        self.gender = enum_combo(Gender, blank="（未填）")
        self._row(pf, "性别(&G)：", self.gender, "gender")
        self.ethnicity = QComboBox()
        self.ethnicity.setEditable(True)
        self.ethnicity.addItems(["", *ETHNIC_GROUPS])
        self._row(pf, "民族：", self.ethnicity, "ethnicity")
        self.birth_date = line_edit("如 1968-03-02 或 1968年3月2日，可不填")
        self._row(pf, "出生日期(&B)：", self.birth_date, "birth_date")
        self.occupation = QLineEdit()
        self._row(pf, "职业或职务：", self.occupation, "occupation")
        self.pages.addWidget(person)
        # Organisation page
        org = QWidget()
        of = QFormLayout(org)
        self.org_name = QLineEdit()
        self.org_name.textEdited.connect(self._schedule_matches)
        self._row(of, "单位名称(&N)：", self.org_name, "org_name")
        self.credit_code = line_edit("18位统一社会信用代码")
        self.credit_code.textEdited.connect(self._check_credit)
        self._row(of, "统一社会信用代码(&C)：", self.credit_code, "credit_code")
        self.rep_name = QLineEdit()
        self._row(of, "法定代表人/负责人：", self.rep_name, "rep_name")
        self.rep_title = QLineEdit()
        self._row(of, "职务：", self.rep_title, "rep_title")
        self.pages.addWidget(org)
        outer.addWidget(self.pages)

        common = QFormLayout()
        self.phone = line_edit("手机11位，座机带区号如 0883-2100000")
        self.phone.textEdited.connect(self._schedule_matches)
        self._row(common, "联系电话(&P)：", self.phone, "phone")
        self.address = QLineEdit()
        self._row(common, "住址/住所(&A)：", self.address, "address")
        outer.addLayout(common)

        agents_box = QGroupBox("代理人（法定代理人或委托代理人）")
        al = QVBoxLayout(agents_box)
        self.agents = QTableWidget(0, 4)
        leave_on_tab(self.agents)
        self.agents.setHorizontalHeaderLabels(["类型", "姓名", "电话", "身份证号"])
        self.agents.horizontalHeader().setStretchLastSection(True)
        self.agents.setMinimumHeight(90)
        al.addWidget(self.agents)
        buttons = QHBoxLayout()
        add = QPushButton("添加代理人")
        add.clicked.connect(lambda: self._add_agent(AgentDraft()))
        remove = QPushButton("删除代理人")
        remove.clicked.connect(self._remove_agent)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        al.addLayout(buttons)
        self.agents_error = self._error_label()
        al.addWidget(self.agents_error)
        self.errors.bind("agents", self.agents, self.agents_error)
        outer.addWidget(agents_box)

        self.matches = QLabel()
        self.matches.setWordWrap(True)
        self.matches.setObjectName("partyMatches")
        self.matches.setStyleSheet(WARNING_STYLE)
        self.matches.hide()
        dialog_layout.addWidget(self.matches)

        self.buttons = ok_cancel("确定", on_ok=self._accept, on_cancel=self.reject)
        dialog_layout.addWidget(self.buttons)
        fit_to_screen(self, (620, 720))

    # -- values -------------------------------------------------------------------------------

    def _load(self, d: PartyDraft) -> None:
        set_combo_value(self.role, d.role)
        set_combo_value(self.kind, d.kind)
        self.pages.setCurrentIndex(0 if d.kind == "person" else 1)
        if d.kind == "person":
            self.name.setText(d.name)
        else:
            self.org_name.setText(d.name)
        set_combo_value(self.id_type, d.id_type or "resident_id")
        self.id_number.setText(d.id_number)
        set_combo_value(self.gender, d.gender)
        self.ethnicity.setCurrentText(d.ethnicity)
        self.birth_date.setText(d.birth_date.isoformat() if d.birth_date else "")
        self.occupation.setText(d.occupation)
        self.credit_code.setText(d.credit_code)
        self.rep_name.setText(d.rep_name)
        self.rep_title.setText(d.rep_title)
        self.phone.setText(d.phone)
        self.address.setText(d.address)
        for a in d.agents:
            self._add_agent(a)
        self._check_id()
        self._check_credit()

    def _add_agent(self, agent: AgentDraft) -> None:
        row = self.agents.rowCount()
        self.agents.insertRow(row)
        kind = enum_combo(AgentKind, value=agent.kind)
        self.agents.setCellWidget(row, 0, kind)
        for col, value in enumerate((agent.name, agent.phone, agent.id_number), start=1):
            self.agents.setItem(row, col, QTableWidgetItem(value))

    def _remove_agent(self) -> None:
        row = self.agents.currentRow()
        if row >= 0:
            self.agents.removeRow(row)

    def current_kind(self) -> str:
        return self.kind.currentData()

    def draft(self) -> PartyDraft:
        """The party as typed (birth date left unparsed text raises ValueError)."""
        person = self.current_kind() == "person"
        agents = []
        for row in range(self.agents.rowCount()):
            combo = self.agents.cellWidget(row, 0)
            cells = [self.agents.item(row, c).text() if self.agents.item(row, c) else "" for c in (1, 2, 3)]
            agents.append(AgentDraft(combo.currentData(), *cells))  # type: ignore[union-attr]
        return PartyDraft(
            role=self.role.currentData(), kind=self.current_kind(),
            name=(self.name.text() if person else self.org_name.text()).strip(),
            gender=self.gender.currentData() if person else None,
            ethnicity=self.ethnicity.currentText().strip() if person else "",
            birth_date=parse_date(self.birth_date.text()) if person else None,
            id_type=self.id_type.currentData() if person else None,
            id_number=self.id_number.text().strip() if person else "",
            occupation=self.occupation.text().strip() if person else "",
            phone=self.phone.text().strip(), address=self.address.text().strip(),
            credit_code=self.credit_code.text().strip() if not person else "",
            rep_name=self.rep_name.text().strip() if not person else "",
            rep_title=self.rep_title.text().strip() if not person else "",
            agents=agents, id=self._draft.id,
        )

    # -- live checks --------------------------------------------------------------------------

    def _kind_changed(self) -> None:
        self.pages.setCurrentIndex(0 if self.current_kind() == "person" else 1)

    def _check_id(self) -> None:
        text = self.id_number.text().strip()
        if not text:
            self.id_hint.clear()
            return
        check = check_id_number(self.id_type.currentData() or "resident_id", text)
        if check.error:
            if len(text) >= 15:
                self.id_hint.setText(f"证件号码{check.error}")
                self.id_hint.setStyleSheet(ERROR_STYLE)
            else:
                self.id_hint.clear()
            return
        if check.birth_date:
            shown = Gender(check.gender).label if check.gender else ""
            self.id_hint.setText(f"出生日期：{chinese_date(check.birth_date)}　性别：{shown} — 请与证件核对"
                                 + (f"（{check.warning}）" if check.warning else ""))
            self.id_hint.setStyleSheet(WARNING_STYLE if check.warning else DONE_STYLE)
            if self.gender.currentData() is None and check.gender:
                set_combo_value(self.gender, check.gender)
            if not self.birth_date.text().strip():
                self.birth_date.setText(check.birth_date.isoformat())

    def _check_credit(self) -> None:
        text = self.credit_code.text().strip()
        if len(text) < 18:
            self.errors.show([])
            return
        check = check_credit_code(text)
        if not check.ok:
            self.errors.show([FieldProblem("credit_code", f"统一社会信用代码：{check.warning} 如确认无误，可以保存。",
                                           warning=True)])
        else:
            self.errors.show([])

    def _schedule_matches(self) -> None:
        self._match_timer.start()

    def _look_for_matches(self) -> None:
        person = self.current_kind() == "person"
        name = (self.name.text() if person else self.org_name.text()).strip()
        id_number = self.id_number.text().strip() if person else ""
        if id_number and not check_id_number(self.id_type.currentData() or "resident_id", id_number).ok:
            id_number = ""
        phone = self.phone.text().strip()
        if len(phone) < 7:
            phone = ""
        matches = self.services.cases.find_party_matches(
            name=name, id_number=id_number, phone=phone, exclude_case_id=self.exclude_case_id, limit=5)
        if not matches:
            self.matches.hide()
            self.matches.clear()
            return
        lines = [f"{m.case_code}　{CaseStatus(m.case_status).label}　{m.party_name} — {'、'.join(m.reasons)}"
                 for m in matches]
        self.matches.setText("此当事人在以往案件中出现过（请留意重复纠纷或需要回避的情况）：\n" + "\n".join(lines))
        self.matches.show()

    def set_read_only(self) -> None:
        """Look, don't touch: changes to a party go through 修改案件信息."""
        self.setWindowTitle("当事人信息（查看）")
        for line in self.findChildren(QLineEdit):
            line.setReadOnly(True)  # still selectable, so a number can be copied
        for widget in [*self.findChildren(QComboBox), *self.findChildren(QTableWidget),
                       *self.findChildren(QPushButton)]:
            widget.setEnabled(False)
        self.buttons.button(self.buttons.StandardButton.Cancel).hide()
        self.buttons.button(self.buttons.StandardButton.Ok).setText("关闭")
        self.buttons.accepted.disconnect()
        self.buttons.accepted.connect(self.accept)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Show problems from the case service for this party (fields without the prefix)."""
        mapped = []
        for p in problems:
            field = p.field
            if field == "name" and self.current_kind() == "organization":
                field = "org_name"
            if field.startswith("agents["):
                field = "agents"
            mapped.append(FieldProblem(field, p.message, p.warning))
        self.errors.show(mapped)

    def _accept(self) -> None:
        try:
            draft = self.draft()
        except ValueError as exc:
            self.errors.show([FieldProblem("birth_date", f"“出生日期”{exc}")])
            return
        problems = [p for p in validate_party(draft, "p", self.services.today()) if not p.warning]
        if problems:
            self.show_problems([FieldProblem(p.field.removeprefix("p."), p.message) for p in problems])
            return
        self._draft = draft
        self.accept()

    def result_draft(self) -> PartyDraft:
        return self._draft


