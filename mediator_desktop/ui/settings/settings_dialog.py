"""Settings (设置): organisation, mediators, dispute types, display, follow-up visits and
reminders (回访与提醒), documents, database."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop import settings as opts
from mediator_desktop.domain import codes
from mediator_desktop.domain.enums import OrgKind
from mediator_desktop.services.errors import FieldProblem, ServiceError, ValidationError
from mediator_desktop.services.organization import MediatorDraft, OrganizationDraft
from mediator_desktop.ui.common.widgets import (
    DONE_STYLE,
    ERROR_STYLE,
    FieldErrors,
    add_row,
    ask_yes_no,
    button_row,
    enum_combo,
    file_dialog,
    fit_to_screen,
    height_in_lines,
    leave_on_tab,
    line_edit,
    ok_cancel,
    push_button,
    scrolling_body,
    set_combo_value,
    tab_moves_on,
)
from mediator_desktop.ui.settings.audit_page import AuditPage
from mediator_desktop.ui.settings.users_page import UsersPage

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


#: The last choice of 案号格式: the raw pattern, for those who know its placeholders.
CUSTOM_PATTERN = "自定义（高级）…"
#: The pages that change what the whole room shares (the organisation, mediators, code tables,
#: where the data is, the audit trail): an administrator's (issue 16). For another role they are
#: greyed, their tooltip saying why; this PC's own pages (显示, 文书, 回访与提醒…) and 用户 (one's
#: own password) stay open.
ADMIN_PAGES: dict[str, str] = {"调解组织": "修改调解组织信息", "调解员": "管理调解员", "纠纷类型": "修改纠纷类型",
                               "数据库": "更改数据库和自动备份", "审计": "查看审计记录"}


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    return label


def _widget_value(widget: QWidget) -> object:
    """The value of an option's field: a tick, a number or a text."""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value()
    assert isinstance(widget, QLineEdit)
    return widget.text().strip()


def _set_widget_value(widget: QWidget, value: object) -> None:
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))  # type: ignore[call-overload]
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))


#: Font size steps closer together than this are applied together (see SettingsDialog).
FONT_STEP_MS = 250

class OrganizationForm(QWidget):
    """The organisation profile with a live preview of the case code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors = FieldErrors()
        form = QFormLayout(self)
        self.name = line_edit("如：龙门街道人民调解委员会")
        self.short_name = line_edit("用于案号，如：龙门")
        self.kind = enum_combo(OrgKind)
        self.address = QLineEdit()
        self.phone = QLineEdit()
        self.seal_text = line_edit("印章上的文字，默认同组织名称")
        self.code_pattern = QLineEdit()
        self.preview = QLabel()
        for field, label, widget in [("name", "组织名称(&N)：", self.name), ("short_name", "简称(&J)：", self.short_name),
                                     ("kind", "组织类型：", self.kind), ("address", "地址：", self.address),
                                     ("phone", "联系电话：", self.phone), ("seal_text", "印章文字：", self.seal_text)]:
            add_row(form, self.errors, field, label, widget)
        # 案号格式: a plain choice with its example; the raw pattern only behind 自定义.
        self.code_choice = QComboBox()
        for label, pattern in codes.PRESETS:
            self.code_choice.addItem(label, pattern)
        self.code_choice.addItem(CUSTOM_PATTERN, None)
        self.code_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.code_choice.setMinimumContentsLength(16)
        form.addRow("案号格式(&H)：", self.code_choice)
        add_row(form, self.errors, "code_pattern", "自定义格式：", self.code_pattern)
        self._custom_rows = [form.rowCount() - 1]
        hint = QLabel("{year} 为年份，{short_name} 为简称，{N} 为序号（{N:03d} 表示补足3位），"
                      "其余文字原样照印。如：（{year}）{short_name}人调字第{N}号")
        hint.setWordWrap(True)
        form.addRow("", hint)
        self._custom_rows.append(form.rowCount() - 1)
        self._form = form
        form.addRow("案号示例：", self.preview)
        self.logo = b""
        self.logo_preview = QLabel()
        self.logo_preview.setFixedHeight(52)
        choose = QPushButton("选择图片(&L)…")
        choose.clicked.connect(self.ask_logo)
        clear = QPushButton("不用徽标")
        clear.clicked.connect(lambda: self.set_logo(b""))
        logo_row = QWidget()
        row = QHBoxLayout(logo_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.logo_preview)
        row.addWidget(choose)
        row.addWidget(clear)
        row.addStretch()
        add_row(form, self.errors, "logo", "徽标（个人品牌调解室，印在文书上）：", logo_row)
        self.code_pattern.textChanged.connect(self._preview)
        self.short_name.textChanged.connect(self._preview)
        self.code_choice.currentIndexChanged.connect(self._code_chosen)
        self.set_draft(OrganizationDraft())

    def set_draft(self, d: OrganizationDraft) -> None:
        self.name.setText(d.name)
        self.short_name.setText(d.short_name)
        set_combo_value(self.kind, d.kind)
        self.address.setText(d.address)
        self.phone.setText(d.phone)
        self.seal_text.setText(d.seal_text)
        self.code_pattern.setText(d.code_pattern)
        self.code_choice.blockSignals(True)
        index = self.code_choice.findData(d.code_pattern)
        self.code_choice.setCurrentIndex(index if index >= 0 else self.code_choice.count() - 1)
        self.code_choice.blockSignals(False)
        self._show_custom()
        self.set_logo(d.logo)
        self._preview()

    def custom_pattern(self) -> bool:
        """Whether 自定义 is chosen (the raw pattern field shows)."""
        return self.code_choice.currentData() is None

    def _code_chosen(self, _index: int) -> None:
        pattern = self.code_choice.currentData()
        if pattern is not None:
            self.code_pattern.setText(pattern)
        self._show_custom()
        if pattern is None:
            self.code_pattern.setFocus()

    def _show_custom(self) -> None:
        for row in self._custom_rows:
            self._form.setRowVisible(row, self.custom_pattern())

    def set_logo(self, data: bytes) -> None:
        self.logo = data
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo_preview.setPixmap(pixmap.scaledToHeight(48, Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("（无）")

    def ask_logo(self) -> QFileDialog:
        dialog = QFileDialog(self, "选择徽标图片", str(Path.home()), "图片 (*.png *.jpg *.jpeg)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda path: self.set_logo_file(Path(path)))
        dialog.open()
        self.logo_dialog = dialog
        return dialog

    def set_logo_file(self, path: Path) -> bool:
        """Take the logo from ``path``; whether it is a usable image is checked on save."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.errors.show([FieldProblem("logo", f"无法读取“{path}”：{exc.strerror or exc}")])
            return False
        self.errors.clear()
        self.set_logo(data)
        return True

    def draft(self) -> OrganizationDraft:
        return OrganizationDraft(
            name=self.name.text(), short_name=self.short_name.text(), kind=self.kind.currentData(),
            address=self.address.text(), phone=self.phone.text(),
            seal_text=self.seal_text.text().strip() or self.name.text().strip(),
            code_pattern=self.code_pattern.text().strip(), logo=self.logo)

    def _preview(self) -> None:
        short_name = self.short_name.text().strip() or "简称"
        year = date.today().year
        for index, (label, preset) in enumerate(codes.PRESETS):
            example = codes.format_code(preset, year=year, short_name=short_name, n=1)
            self.code_choice.setItemText(index, f"{label}　　例：{example}")
        pattern = self.code_pattern.text().strip()
        problem = codes.pattern_problem(pattern)
        if problem:
            self.preview.setText(problem)
            self.preview.setStyleSheet(ERROR_STYLE)
            return
        try:
            text = codes.format_code(pattern, year=year, short_name=short_name, n=1)
        except (ValueError, KeyError, IndexError):
            self.preview.setText("案号格式有误")
            self.preview.setStyleSheet(ERROR_STYLE)
            return
        self.preview.setText(text)
        self.preview.setStyleSheet("font-weight: bold;")


class MediatorEditor(QDialog):
    def __init__(self, parent: QWidget | None = None, draft: MediatorDraft | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("调解员")
        self.errors = FieldErrors()
        form = QFormLayout(self)
        self.name, self.phone, self.certificate_no = QLineEdit(), QLineEdit(), QLineEdit()
        self.active = QCheckBox("在职（可被指定办案）")
        for field, label, widget in [("name", "姓名(&N)：", self.name), ("phone", "电话：", self.phone),
                                     ("certificate_no", "证书编号：", self.certificate_no)]:
            add_row(form, self.errors, field, label, widget)
        form.addRow("", self.active)
        buttons = ok_cancel("保存", on_ok=self.accept, on_cancel=self.reject)
        form.addRow(buttons)
        d = draft or MediatorDraft()
        self.name.setText(d.name)
        self.phone.setText(d.phone)
        self.certificate_no.setText(d.certificate_no)
        self.active.setChecked(d.active)

    def draft(self) -> MediatorDraft:
        return MediatorDraft(self.name.text(), self.phone.text(), self.certificate_no.text(), self.active.isChecked())


class SettingsDialog(QDialog):
    """Changes are saved per tab with its own button; ``font_size_changed`` fires live."""

    font_size_changed = Signal(int)
    organization_saved = Signal()
    #: The user of this PC changed (the services act as the new name already).
    user_changed = Signal(str)

    def __init__(self, services: Services, settings: opts.Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.settings = settings
        self.setWindowTitle("设置")
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs)
        self._org_tab()
        self._mediator_tab()
        self._types_tab()
        self._display_tab()
        self._followups_tab()
        from mediator_desktop.ui.settings.risk_settings import RiskSettingsPage  # STATISTICS.md §4
        self.risk_page = RiskSettingsPage(services, settings)
        self.tabs.addTab(self.risk_page, "风险与移交")
        self._documents_tab()
        self._database_tab()
        self.users_page = UsersPage(services, settings)
        self.tabs.addTab(self.users_page, "用户")
        from mediator_desktop.ui.settings.roles_page import RolesPage
        self.roles_page = RolesPage(services)
        self.tabs.addTab(self.roles_page, "角色")
        self.audit_page = AuditPage(services)
        self.tabs.addTab(self.audit_page, "审计")
        for index in range(self.tabs.count()):  # each page scrolls on a small screen
            page, title = self.tabs.widget(index), self.tabs.tabText(index)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, scrolling_body(page), title)
        self._grey_admin_pages()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay.addWidget(close)
        fit_to_screen(self, (860, 640))

    def _grey_admin_pages(self) -> None:
        """The administrator's pages greyed for another role (``ADMIN_PAGES``); the first page
        open to the user is shown."""
        from mediator_desktop.domain.permissions import Permission

        admin = self.services.may(Permission.ADMINISTER)
        for index in range(self.tabs.count()):
            what = ADMIN_PAGES.get(self.tabs.tabText(index))
            if what is not None and not admin:
                self.tabs.setTabEnabled(index, False)
                self.tabs.setTabToolTip(index, self.services.refusal(what))
        self.tabs.setCurrentIndex(next(i for i in range(self.tabs.count()) if self.tabs.isTabEnabled(i)))

    # -- organisation -------------------------------------------------------------------------

    def _org_tab(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.org_form = OrganizationForm()
        lay.addWidget(self.org_form)
        self.org_message = error_label()
        lay.addWidget(self.org_message)
        self.org_save = QPushButton("保存组织信息(&S)")
        self.org_save.clicked.connect(self.save_organization)
        lay.addWidget(self.org_save, alignment=Qt.AlignmentFlag.AlignRight)
        lay.addStretch()
        self.org = self.services.organization.get()
        if self.org:
            self.org_form.set_draft(self.org.to_draft())
        self.tabs.addTab(page, "调解组织")

    def save_organization(self) -> None:
        self.org_message.clear()
        try:
            self.org = self.services.organization.save(self.org_form.draft(), self.org.version if self.org else None)
        except ValidationError as exc:
            self.org_form.errors.show(exc.problems)
            return
        except ServiceError as exc:
            self.org_message.setStyleSheet(ERROR_STYLE)
            self.org_message.setText(str(exc))
            return
        self.org_form.errors.clear()
        self.org_message.setStyleSheet(DONE_STYLE)
        self.org_message.setText("已保存。")
        self.organization_saved.emit()

    # -- mediators ----------------------------------------------------------------------------

    def _mediator_tab(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(self._user_box())
        self.mediator_table = QTableWidget(0, 4)
        leave_on_tab(self.mediator_table)
        self.mediator_table.setHorizontalHeaderLabels(["姓名", "电话", "证书编号", "状态"])
        self.mediator_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mediator_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mediator_table.horizontalHeader().setStretchLastSection(True)
        self.mediator_table.doubleClicked.connect(lambda _i: self.edit_mediator())
        lay.addWidget(self.mediator_table)
        button_row(lay, (push_button("添加调解员(&A)", lambda: self.edit_mediator(new=True)),
                         push_button("修改(&X)", self.edit_mediator)))
        self.mediator_message = error_label()
        lay.addWidget(self.mediator_message)
        self.tabs.addTab(page, "调解员")
        self._load_mediators()

    def _user_box(self) -> QGroupBox:
        """本机使用者: who uses this PC (timeline, audit, 告知人, 回访人, 记录人)."""
        from mediator_desktop.ui.settings.first_run import USER_HINT, user_combo

        box = QGroupBox("在这台电脑上使用工作台的是")
        lay = QVBoxLayout(box)
        row = QHBoxLayout()
        label = QLabel("使用者(&U)：")
        self.user = user_combo(self.services)
        self.user.setEditText(self.services.user_name)
        label.setBuddy(self.user)
        self.user_save = QPushButton("更换使用者")
        self.user_save.clicked.connect(self.save_user)
        row.addWidget(label)
        row.addWidget(self.user, 1)
        row.addWidget(self.user_save)
        lay.addLayout(row)
        self.user_message = error_label()
        lay.addWidget(self.user_message)
        hint = QLabel(USER_HINT)
        hint.setWordWrap(True)
        lay.addWidget(hint)
        return box

    def save_user(self) -> bool:
        """Take the chosen or typed name as this PC's user at once (a new name becomes a
        mediator of the organisation)."""
        from mediator_desktop.ui.settings.first_run import ensure_mediator, user_problems

        name = self.user.currentText().strip()
        problems = user_problems(self.services, name)
        if problems:
            self._user_result(problems[0].message, ok=False)
            return False
        try:
            added = ensure_mediator(self.services, name)
        except ServiceError as exc:
            self._user_result(str(exc), ok=False)
            return False
        opts.set_current_user(self.services, self.settings, name)
        if added:
            self._load_mediators()
        self.user.setEditText(name)
        self._user_result(f"现在的使用者是“{name}”" + ("（已添加为调解员）" if added else "") + "。", ok=True)
        self.user_changed.emit(name)
        return True

    def done(self, result: int) -> None:
        """Closing with a user chosen but not yet taken (更换使用者 not pressed) asks first, so a
        change the user meant is not silently dropped."""
        name = self.user.currentText().strip()
        # Signed in with an account, the account says who uses the PC (no question on closing).
        if name and name != self.services.user_name and not self.services.signed_in:
            box = QMessageBox(QMessageBox.Icon.Question, "更换使用者",
                              f"使用者改成了“{name}”，但还没有按“更换使用者”。\n\n要更换为“{name}”吗？",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                              | QMessageBox.StandardButton.Cancel, self)
            box.button(QMessageBox.StandardButton.Yes).setText("更换")
            box.button(QMessageBox.StandardButton.No).setText("不更换")
            box.button(QMessageBox.StandardButton.Cancel).setText("返回设置")
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            answer = box.exec()
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Yes and not self.save_user():
                return
            if answer == QMessageBox.StandardButton.No:
                self.user.setEditText(self.services.user_name)
        super().done(result)

    def _user_result(self, text: str, ok: bool) -> None:
        self.user_message.setStyleSheet(DONE_STYLE if ok else ERROR_STYLE)
        self.user_message.setText(text)

    def _load_mediators(self) -> None:
        self.mediators = self.services.mediators.list()
        t = self.mediator_table
        t.setRowCount(len(self.mediators))
        for r, m in enumerate(self.mediators):
            for c, v in enumerate([m.name, m.phone, m.certificate_no, "在职" if m.active else "已停用"]):
                t.setItem(r, c, QTableWidgetItem(v))
        t.resizeColumnsToContents()

    def edit_mediator(self, new: bool = False) -> MediatorEditor | None:
        current = None
        if not new:
            row = self.mediator_table.currentRow()
            if row < 0:
                return None
            current = self.mediators[row]
        draft = MediatorDraft(current.name, current.phone, current.certificate_no, current.active) if current else None
        editor = MediatorEditor(self, draft)

        def save() -> None:
            try:
                self.services.mediators.save(editor.draft(), current.id if current else None,
                                             current.version if current else None)
            except ValidationError as exc:
                editor.errors.show(exc.problems)
                editor.open()
                return
            except ServiceError as exc:
                self.mediator_message.setStyleSheet(ERROR_STYLE)
                self.mediator_message.setText(str(exc))
                return
            self._load_mediators()

        editor.accepted.connect(save)
        editor.open()
        self.mediator_editor = editor
        return editor

    # -- dispute types ------------------------------------------------------------------------

    def _types_tab(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.type_tree = QTreeWidget()
        leave_on_tab(self.type_tree)
        self.type_tree.setHeaderLabels(["纠纷类型", "状态"])
        lay.addWidget(self.type_tree)
        form = QHBoxLayout()
        self.type_name = line_edit("类型名称，如：婚约财产纠纷")
        form.addWidget(self.type_name)
        for text, slot in [("添加一级类型", lambda: self.add_type(child=False)),
                           ("添加为所选类型的子类", lambda: self.add_type(child=True)),
                           ("改名为输入的名称", self.rename_type), ("停用/启用", self.toggle_type)]:
            form.addWidget(push_button(text, slot))
        lay.addLayout(form)
        self.type_message = error_label()
        lay.addWidget(self.type_message)
        self.tabs.addTab(page, "纠纷类型")
        self._load_types()

    def _load_types(self) -> None:
        self.type_tree.clear()
        items: dict[int, QTreeWidgetItem] = {}
        self.types = {t.id: t for t in self.services.dispute_types.list()}
        for t in self.types.values():
            parent = items.get(t.parent_id) if t.parent_id else None
            item = QTreeWidgetItem([t.name, "启用" if t.active else "已停用"])
            item.setData(0, Qt.ItemDataRole.UserRole, t.id)
            if parent is not None:
                parent.addChild(item)
            else:
                self.type_tree.addTopLevelItem(item)
            items[t.id] = item
        self.type_tree.expandAll()
        self.type_tree.resizeColumnToContents(0)

    def _selected_type(self):
        item = self.type_tree.currentItem()
        return self.types.get(item.data(0, Qt.ItemDataRole.UserRole)) if item else None

    def _type_call(self, call) -> None:
        try:
            call()
        except ValidationError as exc:
            self.type_message.setStyleSheet(ERROR_STYLE)
            self.type_message.setText("\n".join(p.message for p in exc.problems))
            return
        except ServiceError as exc:
            self.type_message.setStyleSheet(ERROR_STYLE)
            self.type_message.setText(str(exc))
            return
        self.type_message.clear()
        self.type_name.clear()
        self._load_types()

    def add_type(self, child: bool) -> None:
        parent = self._selected_type() if child else None
        if child and (parent is None or parent.parent_id is not None):
            self.type_message.setStyleSheet(ERROR_STYLE)
            self.type_message.setText("请先在列表中选中一个一级类型")
            return
        self._type_call(lambda: self.services.dispute_types.add(self.type_name.text(), parent.id if parent else None))

    def rename_type(self) -> None:
        t = self._selected_type()
        if t is None:
            return
        self._type_call(lambda: self.services.dispute_types.update(t.id, t.version, name=self.type_name.text(),
                                                                   active=t.active))

    def toggle_type(self) -> None:
        t = self._selected_type()
        if t is None:
            return
        self._type_call(lambda: self.services.dispute_types.update(t.id, t.version, name=t.name, active=not t.active))

    # -- display and database -----------------------------------------------------------------

    def _display_tab(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.font_size = QSpinBox()
        self.font_size.setRange(opts.UI_FONT_SIZE.minimum or 9, opts.UI_FONT_SIZE.maximum or 28)
        self.font_size.setValue(self.settings.get(opts.UI_FONT_SIZE))
        self.font_size.setSuffix(" 磅")
        self.font_size.valueChanged.connect(self._font_size)
        # The first step applies at once; while the arrow key is held, the steps in between are
        # skipped (each re-lays out every open window) and the last one applied.
        self._font_timer = QTimer(self, singleShot=True, interval=FONT_STEP_MS)
        self._font_timer.timeout.connect(self._apply_pending_font_size)
        self._font_applied = self.settings.get(opts.UI_FONT_SIZE)
        form.addRow("界面字号(&F)：", self.font_size)
        form.addRow("", QLabel("字号越大越清楚；改动立即生效。"))
        self.tabs.addTab(page, "显示")

    def _font_size(self, value: int) -> None:
        self.settings.set(opts.UI_FONT_SIZE, value)
        self.settings.save()
        if not self._font_timer.isActive():
            self._emit_font_size(value)

    def _emit_font_size(self, value: int) -> None:
        self._font_applied = value
        self.font_size_changed.emit(value)
        self._font_timer.start()

    def _apply_pending_font_size(self) -> None:
        value = self.font_size.value()
        if value != self._font_applied:
            self._emit_font_size(value)

    # -- follow-up visits and reminders -------------------------------------------------------

    def _followups_tab(self) -> None:
        """回访与提醒: the months of the satisfaction visit, the satisfaction scale, and whether
        the today view opens at start (LEGAL.md §6: local practice, so settings)."""
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch()
        self.followup_errors = FieldErrors()
        self.follow_up_months = QSpinBox()
        self.follow_up_months.setMinimumWidth(self.follow_up_months.fontMetrics().horizontalAdvance("12 个月") + 60)
        self.follow_up_months.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.follow_up_months.setRange(opts.FOLLOW_UP_MONTHS.minimum or 1, opts.FOLLOW_UP_MONTHS.maximum or 12)
        self.follow_up_months.setValue(self.settings.get(opts.FOLLOW_UP_MONTHS))
        self.follow_up_months.setSuffix(" 个月")
        add_row(form, self.followup_errors, opts.FOLLOW_UP_MONTHS.key, "回访月数(&M)：", self.follow_up_months)
        months_hint = QLabel("协议生效后多少个月内对每位当事人做满意度回访（通常为1个月）。"
                             "只影响以后生效的协议；已安排的回访不变。")
        months_hint.setWordWrap(True)
        form.addRow("", months_hint)
        self.satisfaction_scale = QPlainTextEdit()
        tab_moves_on(self.satisfaction_scale)
        self.satisfaction_scale.setPlainText("\n".join(opts.satisfaction_scale(self.settings)))
        height_in_lines(self.satisfaction_scale, 5, extra=16)
        add_row(form, self.followup_errors, opts.SATISFACTION_SCALE.key, "满意度选项(&Y)：", self.satisfaction_scale)
        default = "、".join(opts.SATISFACTION_SCALE.default.splitlines())
        scale_hint = QLabel(f"每行一个，最好的写在最前面。留空则使用默认：{default}。")
        scale_hint.setWordWrap(True)
        form.addRow("", scale_hint)
        self.show_today = QCheckBox("启动时显示今日提醒(&T)")
        self.show_today.setChecked(self.settings.get(opts.SHOW_TODAY_ON_START))
        form.addRow("", self.show_today)
        form.addRow("", QLabel("有逾期或7个工作日内到期的事项时，打开工作台后自动显示“今日提醒”。"))
        # Screening frequency (STATISTICS.md §3, LOCAL): the 本期尚未排查 reminder.
        self.screening_per_month = QSpinBox()
        self.screening_per_month.setRange(opts.SCREENING_PER_MONTH.minimum or 0, opts.SCREENING_PER_MONTH.maximum or 31)
        self.screening_per_month.setValue(self.settings.get(opts.SCREENING_PER_MONTH))
        self.screening_per_month.setSuffix(" 次")
        self.screening_per_month.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        add_row(form, self.followup_errors, opts.SCREENING_PER_MONTH.key, "每月排查(&P)：", self.screening_per_month)
        screening_hint = QLabel("每月排查几次（通常2次；敏感时期每天排查填31）。本期还没有排查记录时，"
                                "“今日提醒”会提示“本期尚未排查”；填0不提醒。")
        screening_hint.setWordWrap(True)
        form.addRow("", screening_hint)
        self.followup_save = push_button("保存回访与提醒设置", self.save_followups)
        button_row(form, (self.followup_save,))
        self.followup_message = error_label()
        form.addRow("", self.followup_message)
        self.tabs.addTab(page, "回访与提醒")

    def save_followups(self) -> bool:
        """Save the three options and hand them to the services at once."""
        lines = [x.strip() for x in self.satisfaction_scale.toPlainText().splitlines() if x.strip()]
        repeated = [x for i, x in enumerate(lines) if x in lines[:i]]
        problems = []
        if repeated:
            problems.append(FieldProblem(opts.SATISFACTION_SCALE.key,
                                         f"满意度选项有重复：{'、'.join(dict.fromkeys(repeated))}，请删去重复的一行"))
        too_long = [x for x in lines if len(x) > 20]
        if too_long:
            problems.append(FieldProblem(opts.SATISFACTION_SCALE.key,
                                         f"满意度选项太长（每项最多20个字）：{too_long[0]}"))
        self.followup_errors.show(problems)
        if problems:
            self.followup_message.clear()
            return False
        self.settings.set(opts.FOLLOW_UP_MONTHS, self.follow_up_months.value())
        self.settings.set(opts.SATISFACTION_SCALE, "\n".join(lines))
        self.settings.set(opts.SHOW_TODAY_ON_START, self.show_today.isChecked())
        self.settings.set(opts.SCREENING_PER_MONTH, self.screening_per_month.value())
        self.settings.save()
        opts.configure_services(self.services, self.settings)
        self.satisfaction_scale.setPlainText("\n".join(opts.satisfaction_scale(self.settings)))
        self.followup_message.setStyleSheet(DONE_STYLE)
        self.followup_message.setText("已保存。" if lines else "已保存；满意度选项为空，使用默认选项。")
        return True

    # -- documents ----------------------------------------------------------------------------

    DOCUMENT_OPTIONS = [opts.DOC_FONT_TITLE, opts.DOC_FONT_BODY, opts.DOC_WORD_FONT_TITLE, opts.DOC_WORD_FONT_BODY,
                        opts.DOC_SIZE_TITLE, opts.DOC_SIZE_BODY, opts.DOC_SIZE_TABLE, opts.DOC_MARGIN_TOP,
                        opts.DOC_MARGIN_BOTTOM, opts.DOC_MARGIN_LEFT, opts.DOC_MARGIN_RIGHT,
                        opts.DOC_SIGN_AND_FINGERPRINT]
    FONT_FILE_OPTIONS = (opts.DOC_FONT_TITLE, opts.DOC_FONT_BODY)

    def _documents_tab(self) -> None:
        """Fonts, sizes and margins of printed documents (defaults: GB/T 9704), one field per
        option of the registry."""
        page = QWidget()
        form = QFormLayout(page)
        self.doc_errors = FieldErrors()
        self.doc_fields: dict[str, QWidget] = {}
        for option in self.DOCUMENT_OPTIONS:
            value = self.settings.get(option)
            widget: QWidget
            if isinstance(value, bool):
                widget = QCheckBox(option.label)
                widget.setChecked(value)
                form.addRow("", widget)
                self.doc_fields[option.key] = widget
                continue
            if isinstance(value, int):
                widget = QSpinBox()
                widget.setRange(option.minimum or 0, option.maximum or 999)
                widget.setValue(value)
            else:
                widget = QLineEdit(value)
                if option in self.FONT_FILE_OPTIONS:
                    widget.setPlaceholderText("留空使用内置字体；可选 .ttf 或 .ttc 文件")
            self.doc_fields[option.key] = widget
            add_row(form, self.doc_errors, option.key, f"{option.label}：", widget)
        button_row(form, (push_button("保存文书设置", self.save_documents),
                          push_button("恢复国家标准格式", self.reset_documents,
                                      "GB/T 9704：A4，上37、下35、左28、右26毫米，正文3号，标题2号")))
        self.doc_message = error_label()
        form.addRow("", self.doc_message)
        # A Word file names its fonts: a rare name character (𠮷) is set in the shipped Hanazono
        # font, which a PC opening the file needs installed to show it.
        self.fonts_status = QLabel()
        self.fonts_status.setWordWrap(True)
        self.fonts_button = QPushButton("为本机安装生僻字字体(&Z)")
        self.fonts_button.setToolTip("Word 文件中的生僻字（如𠮷）使用程序自带的花园明朝字体；"
                                     "打开这些文件的电脑需要安装它（只为当前用户安装，不需要管理员）")
        self.fonts_button.clicked.connect(self.install_fonts)
        form.addRow("生僻字字体：", self.fonts_status)   # its own row: a wrapped label beside a
        form.addRow("", self.fonts_button)              # button was cut off at the bottom
        self._show_fonts_status()
        self.tabs.addTab(page, "文书")

    def _show_fonts_status(self, done: str = "") -> None:
        missing = self.services.word_fonts_missing()
        self.fonts_status.setText(done or ("本机尚未安装，Word 文件中的生僻字可能显示为方框。" if missing
                                          else "本机已安装。"))
        self.fonts_button.setEnabled(bool(missing))

    def install_fonts(self) -> None:
        try:
            done = self.services.install_word_fonts()
        except ServiceError as exc:
            self.fonts_status.setText(str(exc))
            return
        self._show_fonts_status(done)

    def save_documents(self) -> bool:
        from mediator_desktop.documents.style import font_file_problem

        problems = []
        for option in self.FONT_FILE_OPTIONS:
            widget = self.doc_fields[option.key]
            assert isinstance(widget, QLineEdit)
            problem = font_file_problem(widget.text())
            if problem:
                problems.append(FieldProblem(option.key, problem))
        self.doc_errors.show(problems)
        if problems:
            return False
        for option in self.DOCUMENT_OPTIONS:
            self.settings.set(option, _widget_value(self.doc_fields[option.key]))
        self.settings.save()
        self.doc_message.setStyleSheet(DONE_STYLE)
        self.doc_message.setText("已保存，下次生成文书时使用。")
        return True

    def reset_documents(self) -> None:
        for option in self.DOCUMENT_OPTIONS:
            _set_widget_value(self.doc_fields[option.key], option.default)

    def _database_tab(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        form.addRow("当前数据：", QLabel(self.services.describe_database()))
        self.db_url = QLineEdit(self.settings.get(opts.DATABASE_URL))
        self.db_url.setPlaceholderText("多台电脑共用时填写，如 postgresql://mediator@192.168.1.10/mediation")
        form.addRow("共用数据库地址：", self.db_url)
        self.move_button = push_button("迁移到服务器(&M)…", self.move_to_server,
                                       "把本机的全部数据复制到上面填写的空服务器数据库，逐表核对后改用服务器")
        button_row(form, (push_button("测试连接", self.test_connection),
                          push_button("保存（重新打开后生效）", self.save_database)), (self.move_button,))
        self.db_message = error_label()
        form.addRow("", self.db_message)
        form.addRow("", QLabel("留空表示使用本机数据库。本机数据库文件不能放在网络共享盘上。"))
        form.addRow(self._backup_box())
        self.tabs.addTab(page, "数据库")

    def _backup_box(self) -> QGroupBox:
        """自动备份: the folder (a USB stick or a network share may be chosen) and how many of the
        automatic backups are kept."""
        box = QGroupBox("自动备份")
        form = QFormLayout(box)
        self.backup_errors = FieldErrors()
        row = QWidget()
        row_lay = QHBoxLayout(row)
        row_lay.setContentsMargins(0, 0, 0, 0)
        self.backup_folder = QLineEdit(self.settings.get(opts.BACKUP_FOLDER))
        self.backup_folder.setPlaceholderText(f"留空：{self.services.backups.default_folder}")
        row_lay.addWidget(self.backup_folder, 1)
        row_lay.addWidget(push_button("浏览…", self.choose_backup_folder))
        add_row(form, self.backup_errors, opts.BACKUP_FOLDER.key, "备份文件夹(&K)：", row, target=self.backup_folder)
        self.backup_daily, self.backup_monthly = QSpinBox(), QSpinBox()
        for spin, option, suffix in ((self.backup_daily, opts.BACKUP_DAILY, " 天"),
                                     (self.backup_monthly, opts.BACKUP_MONTHLY, " 个月")):
            spin.setRange(option.minimum or 0, option.maximum or 999)
            spin.setValue(self.settings.get(option))
            spin.setSuffix(suffix)
            spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("365 个月") + 60)
        add_row(form, self.backup_errors, opts.BACKUP_DAILY.key, "保留最近(&Y)：", self.backup_daily)
        add_row(form, self.backup_errors, opts.BACKUP_MONTHLY.key, "另外保留(&O)：", self.backup_monthly)
        hint = QLabel("每天第一次打开工作台时、每次导入和恢复之前，自动把整个数据库备份到这个文件夹；"
                      "最近几天每天留一份，更早的每月留一份，其余的自动删除（只删自动备份，不动别的文件）。"
                      "文件夹可以在U盘或网络盘上；不可用时改存到数据文件夹。")
        hint.setWordWrap(True)
        form.addRow("", hint)
        button_row(form, (push_button("保存备份设置", self.save_backup),))
        self.backup_message = error_label()
        form.addRow("", self.backup_message)
        return box

    def choose_backup_folder(self) -> QFileDialog:
        self.file_dialog = file_dialog(self, "选择自动备份文件夹", self.backup_folder.text() or Path.home(), "",
                                       self.backup_folder.setText, folder=True)
        return self.file_dialog

    def save_backup(self) -> bool:
        folder = self.backup_folder.text().strip()
        problems = []
        if folder:
            path = Path(folder).expanduser()
            try:
                path.mkdir(parents=True, exist_ok=True)
                if not path.is_dir():
                    raise NotADirectoryError(folder)
            except OSError as exc:
                why = exc.strerror or "不是文件夹"
                problems.append(FieldProblem(opts.BACKUP_FOLDER.key, f"备份文件夹“{folder}”不能使用（{why}）："
                                             "请检查U盘或网络盘是否连着，或换一个文件夹"))
        self.backup_errors.show(problems)
        if problems:
            self.backup_message.clear()
            return False
        self.settings.set(opts.BACKUP_FOLDER, folder)
        self.settings.set(opts.BACKUP_DAILY, self.backup_daily.value())
        self.settings.set(opts.BACKUP_MONTHLY, self.backup_monthly.value())
        self.settings.save()
        opts.configure_services(self.services, self.settings)
        self.backup_message.setStyleSheet(DONE_STYLE)
        self.backup_message.setText("已保存。")
        return True

    def test_connection(self) -> None:
        problem = self.services.check_connection(self.db_url.text().strip() or None)
        self._db_result(problem or "连接成功。", ok=problem is None)

    def move_to_server(self) -> QMessageBox | None:
        """迁移到服务器: after a question, copy this PC's database to the server typed above (in
        the background), verified table by table; then this PC uses the server from its next start."""
        url = self.db_url.text().strip()
        if not url.startswith("postgresql"):
            self._db_result("请先在“共用数据库地址”里填写服务器的地址（postgresql://用户@主机/库名），"
                            "并测试连接。", ok=False)
            return None

        def move() -> None:
            from mediator_desktop.ui.common.background import run_task

            def done(result: object) -> None:
                self.settings.set(opts.DATABASE_URL, url)
                self.settings.save()
                self._db_result(f"{result.describe()}下次打开工作台时改用服务器；本机的数据文件原样保留。",  # type: ignore[attr-defined]
                                ok=True)

            run_task(self, lambda reporter: self.services.transfer.copy_to_server(
                url, progress=reporter.progress, cancelled=reporter.cancelled),
                title="迁移到服务器", text="正在把本机的数据复制到服务器并逐表核对……", on_done=done,
                on_failed=lambda exc: self._db_result(str(exc), ok=False))

        self.move_question = ask_yes_no(
            self, "迁移到服务器", f"把本机的全部案件和记录复制到服务器数据库“{url}”？\n\n"
            "服务器上的这个数据库必须是空的。复制后逐表核对，全部一致才保留；本机的数据文件不会改动。",
            "复制并核对", "取消", move, default="no")
        return self.move_question

    def save_database(self) -> None:
        self.settings.set(opts.DATABASE_URL, self.db_url.text().strip())
        self.settings.save()
        self._db_result("已保存，下次打开工作台时使用。", ok=True)

    def _db_result(self, text: str, ok: bool) -> None:
        self.db_message.setStyleSheet(DONE_STYLE if ok else ERROR_STYLE)
        self.db_message.setText(text)


