"""设置 → 用户: accounts, sign-in on/off and the screen lock's idle time (issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop import settings as opts
from mediator_desktop.services.accounts import UserView
from mediator_desktop.services.errors import FieldProblem
from mediator_desktop.ui.common.widgets import (
    DONE_STYLE,
    ERROR_STYLE,
    WARNING_STYLE,
    FieldErrors,
    RowTableModel,
    add_check_item,
    add_row,
    attempt,
    button_row,
    checked_data,
    click_text_to_check,
    error_label,
    fit_list,
    form_footer,
    hold_back,
    leave_on_tab,
    push_button,
    scrolling_body,
    set_combo_value,
    table_view,
    text_label,
)

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


class UsersModel(RowTableModel):
    HEADERS = ("用户名", "姓名", "角色", "状态", "调委会")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: The committees' short names by id (set with the rows).
        self.committees: dict[int, str] = {}

    def cell(self, row: UserView, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        state = "启用" if row.active else "停用"
        if row.locked_until is not None:
            state += f"（锁定到{row.locked_until:%H:%M}）"
        scope = "、".join(self.committees.get(o, str(o)) for o in row.organization_ids) or "全部"
        return (row.login, row.name, row.role_label, state, scope)[column]


class _PasswordTwice(QDialog):
    """What adding a user and changing a password share: a password typed twice in the form, and
    the check that both are the same (said beside 再输一次 otherwise)."""

    errors: FieldErrors

    def _password_rows(self, form: QFormLayout, label: str) -> None:
        self.password, self.repeat = QLineEdit(), QLineEdit()
        for field in (self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        add_row(form, self.errors, "password", label, self.password)
        add_row(form, self.errors, "repeat", "再输一次(&A)：", self.repeat)

    def _typed_alike(self) -> bool:
        if self.password.text() != self.repeat.text():
            self.errors.show([FieldProblem("repeat", "两次输入的密码不一样")])
            return False
        return True


class UserDialog(_PasswordTwice):
    """添加用户 (login, name, role, committees, mediator and the first password typed twice) or,
    given ``user``, 修改 that user (the same fields but the login and the password)."""

    def __init__(self, services: Services, on_done: Callable[[UserView], object], parent: QWidget | None = None,
                 user: UserView | None = None) -> None:
        super().__init__(parent)
        self.services, self.on_done, self.user = services, on_done, user
        self.setWindowTitle(f"修改用户 {user.login}" if user else "添加用户")
        lay = QVBoxLayout(self)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        column.addLayout(form)
        column.addStretch(1)
        self.errors = FieldErrors()
        self.login, self.name = QLineEdit(), QLineEdit()
        self.role = QComboBox()
        for code, name in services.accounts.roles():
            self.role.addItem(name, code)
        add_row(form, self.errors, "login", "用户名(&U)：", self.login)
        add_row(form, self.errors, "name", "姓名(&N)：", self.name)
        add_row(form, self.errors, "role", "角色(&R)：", self.role)
        self.committees = QListWidget()
        self.committees.setObjectName("committees")
        for org_id, org_name in services.accounts.committees():
            add_check_item(self.committees, org_name, org_id, user is not None and org_id in user.organization_ids)
        fit_list(self.committees, 4)
        click_text_to_check(self.committees)
        leave_on_tab(self.committees)
        add_row(form, self.errors, "committees", "所属调委会(&C)：", self.committees)
        form.addRow("", QLabel("都不勾：可以查看全部调委会的案件。"))   # short: unwrapped, no gap under it
        self.mediator = QComboBox()
        self.mediator.addItem("无", None)
        for m in services.mediators.list():
            if m.active or (user is not None and m.id == user.mediator_id):
                self.mediator.addItem(m.name if m.active else f"{m.name}（已停用）", m.id)
        add_row(form, self.errors, "mediator", "对应调解员(&M)：", self.mediator)
        form.addRow("", QLabel("调解员角色只能办理分配给这位调解员的案件。"))
        if user is None:
            self._password_rows(form, "初始密码(&W)：")
        else:
            self.login.setText(user.login)
            self.login.setReadOnly(True)
            self.name.setText(user.name)
            set_combo_value(self.role, user.role)
            set_combo_value(self.mediator, user.mediator_id)
            form.addRow("", QLabel("改动在这位用户下次登录时生效。"))
        # At the largest font, with a message under each field, the form is taller than the
        # screen: it scrolls (the messages were squeezed to a cut-off line), the buttons stay below.
        lay.addWidget(scrolling_body(body), 1)
        self.message, self.buttons = form_footer(self, lay, "保存" if user else "添加", self.save,
                                                 (560, 420 if user else 520))
        (self.name if user else self.login).setFocus()   # the login of a user stays

    def chosen_committees(self) -> list[int]:
        return checked_data(self.committees)

    def save(self) -> None:
        accounts, role, mediator = self.services.accounts, str(self.role.currentData()), self.mediator.currentData()
        if self.user is not None:
            login = self.user.login
            user = attempt(lambda: accounts.update_user(login, name=self.name.text(), role=role,
                                                        organization_ids=self.chosen_committees(),
                                                        mediator_id=mediator), self.message, self.errors)
        else:
            if not self._typed_alike():
                return
            user = attempt(lambda: accounts.add_user(self.login.text(), self.name.text(), role, self.password.text(),
                                                     mediator_id=mediator, organization_ids=self.chosen_committees()),
                           self.message, self.errors)
            if user is not None and not self.services.signed_in:
                # The first administrator was just made here: this session goes on as them.
                accounts.sign_in(user.login, self.password.text())
        if user is not None:
            self.accept()
            self.on_done(user)


class PasswordDialog(_PasswordTwice):
    """修改密码 of one user (an administrator's reset also unlocks the account)."""

    def __init__(self, services: Services, user: UserView, on_changed: Callable[[], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user, self.on_changed = services, user, on_changed
        self.setWindowTitle(f"修改{user.name}的密码")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.errors = FieldErrors()
        self._password_rows(form, "新密码(&W)：")
        lay.addLayout(form)
        self.message, self.buttons = form_footer(self, lay, "修改密码", self.change, (480, 260))

    def change(self) -> None:
        if not self._typed_alike():
            return
        if attempt(lambda: (self.services.accounts.change_password(self.user.login, self.password.text()), True)[1],
                   self.message, self.errors):
            self.accept()
            self.on_changed()


class UsersPage(QWidget):
    def __init__(self, services: Services, settings: opts.Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.settings = services, settings
        lay = QVBoxLayout(self)
        lay.addWidget(text_label("没有用户时不需要登录。添加第一个用户（必须是管理员）后，每次打开工作台都要登录，"
                                 "谁做了什么都记入审计记录。"))
        #: For a user who is not an administrator: what this page still does for them.
        self.note = text_label("只有管理员可以添加、修改和停用用户；您可以在这里修改自己的密码。", WARNING_STYLE)
        lay.addWidget(self.note)
        self.model = UsersModel(self)
        self.table = table_view(self.model, 120, name="users_table")
        leave_on_tab(self.table)
        lay.addWidget(self.table, 1)
        self.add_button = push_button("添加用户(&A)…", self.add_user)
        self.edit_button = push_button("修改(&E)…", self.edit_user)
        self.password_button = push_button("修改密码(&P)…", self.change_password)
        self.disable_button = push_button("停用/启用(&D)", self.toggle_selected)
        self.sign_in_button = push_button("", self.toggle_sign_in)
        button_row(lay, (self.add_button, self.edit_button, self.password_button, self.disable_button),
                   (self.sign_in_button,))
        lock = QFormLayout()
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(opts.LOCK_MINUTES.minimum or 0, opts.LOCK_MINUTES.maximum or 240)
        self.lock_minutes.setSuffix(" 分钟")
        self.lock_minutes.setValue(settings.get(opts.LOCK_MINUTES))
        self.lock_minutes.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.lock_minutes.setMinimumWidth(self.lock_minutes.fontMetrics().horizontalAdvance("240 分钟") + 60)
        lock.addRow("无操作后锁屏(&L)：", self.lock_minutes)
        lay.addLayout(lock)
        self.message = error_label()
        lay.addWidget(self.message)
        self.dialog: QDialog | None = None
        self._connect()
        self.refresh()

    def _connect(self) -> None:
        self.lock_minutes.valueChanged.connect(self._lock_minutes)
        self.table.doubleClicked.connect(lambda _index: self.edit_user())

    def refresh(self) -> None:
        self.model.committees = dict(self.services.accounts.committees())
        self.model.set_rows(self.services.accounts.users())
        self.table.resizeColumnsToContents()
        on = self.services.accounts.sign_in_required()
        self.sign_in_button.setText("关闭登录（单机使用）" if on else "开启登录")
        self.sign_in_button.setEnabled(bool(self.model.rows))
        # Another role: what the service would refuse is greyed (saying why), not offered and
        # refused after the form is filled in; 修改密码 is their own password.
        admin = self.services.can_administer
        for button, what in ((self.add_button, "添加用户"), (self.edit_button, "修改用户"),
                             (self.disable_button, "停用用户"), (self.sign_in_button, "开关登录")):
            if admin:
                button.setEnabled(button is not self.sign_in_button or bool(self.model.rows))
            hold_back(button, "" if admin else self.services.refusal(what))
        self.note.setVisible(not admin)
        self.password_button.setText("修改密码(&P)…" if admin else "修改我的密码(&P)…")

    def _selected(self) -> UserView | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return self.model.rows[rows[0].row()] if rows else None

    def _selected_or_say(self) -> UserView | None:
        """The selected user; None, and the red line asking for one, when there is none."""
        user = self._selected()
        if user is None:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.say("请先在上面的列表里选中一位用户")
        return user

    def _open(self, dialog: QDialog) -> Any:
        dialog.open()
        self.dialog = dialog
        return dialog

    def _done(self, text: str) -> None:
        self.message.setStyleSheet(DONE_STYLE)
        self.message.say(text)
        self.refresh()

    def _try(self, call: Callable[[], object]) -> bool:
        """Run a service write; True when it was done (a refusal is shown)."""
        self.message.clear()
        self.message.setStyleSheet(ERROR_STYLE)
        return attempt(lambda: (call(), True)[1], self.message) is not None

    def add_user(self) -> UserDialog:
        return self._open(UserDialog(self.services,
                                     lambda u: self._done(f"已添加用户 {u.login}（{u.name}，{u.role_label}）。"), self))

    def edit_user(self) -> UserDialog | None:
        if not self.edit_button.isEnabled():    # a double-click by a user who may not edit
            return None
        user = self._selected_or_say()
        if user is None:
            return None
        return self._open(UserDialog(self.services, lambda u: self._done(
            f"已修改用户 {u.login}（{u.name}，{u.role_label}），下次登录时生效。"), self, user))

    def change_password(self) -> PasswordDialog | None:
        if not self.services.can_administer:     # one's own, whichever row is selected
            user = next((u for u in self.model.rows if u.login == self.services.user_login), None)
            if user is None:
                return None
            return self._open(PasswordDialog(self.services, user, lambda: self._done("已修改您的密码。"), self))
        user = self._selected_or_say()
        if user is None:
            return None
        return self._open(PasswordDialog(self.services, user, lambda: self._done(f"已修改 {user.login} 的密码。"), self))

    def toggle_selected(self) -> None:
        user = self._selected_or_say()
        if user is not None and self._try(lambda: self.services.accounts.set_active(user.login, not user.active)):
            self._done(f"已{'停用' if user.active else '启用'}用户 {user.login}。")

    def toggle_sign_in(self) -> None:
        on = self.services.accounts.sign_in_required()
        if self._try(lambda: self.services.accounts.set_sign_in(not on)):
            self._done("已关闭登录：本机的使用者不再需要登录。" if on else "已开启登录：下次打开工作台时要登录。")

    def _lock_minutes(self, value: int) -> None:
        self.settings.set(opts.LOCK_MINUTES, value)
        self.settings.save()
