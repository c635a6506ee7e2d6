"""设置 → 角色: what each role may do, edited by an administrator (issue 16).

The roles on the left; for the chosen one its name and one tick per permission on the right.
A user signed in elsewhere gets the change at their next sign-in (the page says so).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.domain.permissions import Permission, RoleCode
from mediator_desktop.services.roles import RoleView
from mediator_desktop.ui.common.widgets import (
    DONE_STYLE,
    ERROR_STYLE,
    FieldErrors,
    add_check_item,
    add_row,
    ask_yes_no,
    attempt,
    button_row,
    checked_data,
    click_text_to_check,
    confirm_discard,
    error_label,
    form_footer,
    height_in_lines,
    leave_on_tab,
    push_button,
    section_label,
    set_checked,
    text_label,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from mediator_desktop.services.app import Services


class AddRoleDialog(QDialog):
    """新增角色: its name and the role whose permissions it starts with."""

    def __init__(self, services: Services, roles: list[RoleView], current: str | None,
                 on_added: Callable[[RoleView], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.on_added = services, on_added
        self.setWindowTitle("新增角色")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.errors = FieldErrors()
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.copy_from = QComboBox()
        for role in roles:
            self.copy_from.addItem(role.name, role.code)
        index = self.copy_from.findData(current)
        self.copy_from.setCurrentIndex(max(index, 0))
        add_row(form, self.errors, "name", "角色名称(&N)：", self.name)
        add_row(form, self.errors, "copy_from", "权限照(&F)：", self.copy_from)
        form.addRow("", text_label("新角色先和所选角色的权限一样，新增后再勾选修改。"))
        lay.addLayout(form)
        self.message, self.buttons = form_footer(self, lay, "新增", self.add, (480, 300))

    def add(self) -> None:
        role = attempt(lambda: self.services.roles.add(self.name.text(), copy_from=str(self.copy_from.currentData())),
                       self.message, self.errors)
        if role is not None:
            self.accept()
            self.on_added(role)


class RolesPage(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.roles: list[RoleView] = []
        lay = QVBoxLayout(self)
        self.note = text_label("每个角色能做什么。改动在用户下次登录时生效（正在使用的电脑要重新登录）。")
        lay.addWidget(self.note)
        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(section_label("角色"))
        self.list = QListWidget()
        self.list.setObjectName("roles_list")
        leave_on_tab(self.list)
        left.addWidget(self.list, 1)
        body.addLayout(left, 1)   # the names are short; the permissions get the room
        right = QVBoxLayout()
        form = QFormLayout()
        self.errors = FieldErrors()
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        add_row(form, self.errors, "name", "角色名称(&N)：", self.name)
        right.addLayout(form)
        self.users = text_label()
        right.addWidget(self.users)
        right.addWidget(section_label("可以做的事（打勾）"))
        self.permissions = QListWidget()
        self.permissions.setObjectName("role_permissions")
        for permission in Permission:
            add_check_item(self.permissions, permission.label, permission.value, False)
        height_in_lines(self.permissions, 4, extra=12, kind="min")   # scrolls inside at a large font
        self.permissions.setWordWrap(True)
        click_text_to_check(self.permissions)
        leave_on_tab(self.permissions)
        self.errors.bind("permissions", self.permissions, self._problem_label(right))
        right.addWidget(self.permissions, 1)
        body.addLayout(right, 3)
        lay.addLayout(body, 1)
        self.add_button = push_button("新增角色(&A)…", self.add_role)
        self.save_button = push_button("保存(&S)", self.save)
        self.delete_button = push_button("删除角色(&D)", self.delete)
        self.defaults_button = push_button("恢复默认(&R)…", self.restore_defaults,
                                           "管理员、调解员、记录员、只读恢复原来的名称和权限；新增的角色不变")
        button_row(lay, (self.add_button, self.save_button, self.delete_button), (self.defaults_button,))
        self.message = error_label()
        lay.addWidget(self.message)
        self.dialog: QDialog | None = None
        self.question: QMessageBox | None = None
        self.discard_box: QMessageBox | None = None
        self._shown_row = -1
        self.list.currentRowChanged.connect(self._row_chosen)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Read the roles again each time the page is shown (users added on 用户 change the
        counts), unless the shown role has unsaved changes."""
        super().showEvent(event)
        role = self.current()
        if role is None or not self._differs(role):
            self.refresh()

    def _problem_label(self, lay: QVBoxLayout) -> QWidget:
        label = error_label()
        lay.addWidget(label)
        return label

    # -- showing -------------------------------------------------------------------------------

    def refresh(self, code: str | None = None) -> None:
        """Read the roles again and choose ``code`` (else the one chosen, else the first)."""
        current = code or self.current_code()
        self.roles = self.services.roles.list()
        self.list.blockSignals(True)
        self.list.clear()
        for role in self.roles:
            self.list.addItem(role.name)
        codes = [r.code for r in self.roles]
        self.list.setCurrentRow(codes.index(current) if current in codes else 0)
        self.list.blockSignals(False)
        may = self.services.can_administer
        for widget in (self.name, self.permissions, self.add_button, self.save_button, self.delete_button,
                       self.defaults_button):
            widget.setEnabled(may)
        if not may:
            self.note.setText("只有管理员可以修改角色；这里只能查看每个角色能做什么。")
        self._show()

    def current(self) -> RoleView | None:
        row = self.list.currentRow()
        return self.roles[row] if 0 <= row < len(self.roles) else None

    def _row_chosen(self, row: int) -> None:
        if row == self._shown_row:
            return
        previous = self._shown_row
        if not (0 <= previous < len(self.roles)) or not self._differs(self.roles[previous]):
            self._show()
            return
        # Unsaved changes: stay on the role until the user agrees to drop them.
        self._select(previous)
        name = self.roles[previous].name

        def discard() -> None:
            self._select(row)
            self._show()

        self.discard_box = confirm_discard(self, f"对角色“{name}”的修改还没有保存，确定要换到别的角色吗？", discard)

    def _differs(self, role: RoleView) -> bool:
        return self.name.text().strip() != role.name or set(self.ticked()) != set(role.permissions)

    def _select(self, row: int) -> None:
        self.list.blockSignals(True)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)

    def current_code(self) -> str | None:
        role = self.current()
        return role.code if role else None

    def _show(self) -> None:
        role = self.current()
        self._shown_row = self.list.currentRow()
        self.errors.clear()
        self.name.setText(role.name if role else "")
        self.users.setText(f"有{role.users}位用户是这个角色。" if role and role.users else "还没有用户是这个角色。")
        # 删除角色 only where it can be done: asking 删除？ and then refusing is no use to anyone.
        why = self._undeletable(role)
        self.delete_button.setEnabled(self.services.can_administer and role is not None and not why)
        self.delete_button.setToolTip(why if self.services.can_administer else "")
        if why and self.services.can_administer:
            self.users.setText(f"{self.users.text()}{why}。")
        set_checked(self.permissions, role.permissions if role else ())

    @staticmethod
    def _undeletable(role: RoleView | None) -> str:
        """Why ``role`` cannot be deleted (the service's own rules), or ""."""
        if role is None:
            return ""
        if role.code == RoleCode.ADMIN.value:
            return f"“{role.name}”不能删除（管理用户要靠它）"
        if role.users:
            return f"要删除“{role.name}”，请先在“用户”页把这些用户改成别的角色"
        return ""

    def ticked(self) -> list[str]:
        return checked_data(self.permissions)

    def _say(self, text: str, *, ok: bool) -> None:
        self.message.setStyleSheet(DONE_STYLE if ok else ERROR_STYLE)
        self.message.say(text)

    # -- changing ------------------------------------------------------------------------------

    def save(self) -> None:
        role = self.current()
        if role is None:
            return
        self.message.setStyleSheet(ERROR_STYLE)
        saved = attempt(lambda: self.services.roles.save(role.code, name=self.name.text(), permissions=self.ticked()),
                        self.message, self.errors)
        if saved is not None:
            self.refresh(saved.code)
            self._say(f"已保存角色“{saved.name}”。已登录的用户下次登录时按新的权限。", ok=True)

    def add_role(self) -> AddRoleDialog:
        def added(role: RoleView) -> None:
            self.refresh(role.code)
            self._say(f"已新增角色“{role.name}”，请勾选它能做的事后保存。", ok=True)
            self.name.setFocus()

        self.dialog = AddRoleDialog(self.services, self.roles, self.current_code(), added, self)
        self.dialog.open()
        return self.dialog

    def delete(self) -> QMessageBox | None:
        role = self.current()
        if role is None:
            return None

        def delete() -> None:
            self.message.setStyleSheet(ERROR_STYLE)
            if attempt(lambda: (self.services.roles.delete(role.code), True)[1], self.message) is not None:
                self.refresh()
                self._say(f"已删除角色“{role.name}”。", ok=True)

        self.question = ask_yes_no(self, "删除角色", f"删除角色“{role.name}”？", "删除", "不删除", delete,
                                   default="no", warning=True)
        return self.question

    def restore_defaults(self) -> QMessageBox:
        def restore() -> None:
            self.message.setStyleSheet(ERROR_STYLE)
            changed = attempt(self.services.roles.restore_defaults, self.message)
            if changed is not None:
                self.refresh()
                self._say("已恢复默认：" + "、".join(changed) + "。" if changed else "四个默认角色本来就是默认的设置。",
                          ok=True)

        self.question = ask_yes_no(
            self, "恢复默认角色", "把管理员、调解员、记录员、只读这四个角色恢复为原来的名称和权限？\n\n"
            "在这里改过的勾选会丢失；新增的角色不变。", "恢复默认", "取消", restore, default="no")
        return self.question
