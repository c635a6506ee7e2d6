"""设置 → 角色 and 设置 → 用户 → 修改… through the real widgets (issue 16): what the administrator
ticks reaches the database, the next sign-in and the guard; refusals keep what was typed."""

from __future__ import annotations

import pytest
from conftest import sample_draft
from gui_helpers import answer_yes, choose, click, click_ok, shown_window, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from mediator_desktop.domain.permissions import Permission
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.errors import PermissionDenied

pytestmark = pytest.mark.gui
PW = "role-gui-2026"


def _people(services) -> None:  # type: ignore[no-untyped-def]
    services.accounts.add_user("admin", "张主任", "admin", PW)
    services.accounts.sign_in("admin", PW)
    services.accounts.add_user("yang", "杨志强", "mediator", PW, mediator_id=services.mediator_ids[0])


def _page(qtbot, window, title: str):  # type: ignore[no-untyped-def]
    window.settings_action.trigger()
    dialog = window.settings_dialog
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == title))
    return dialog


def _click_item(qtbot, view, row: int) -> None:  # type: ignore[no-untyped-def]
    """Click a list's row on its text, as a user does (a tick list ticks on the text too)."""
    item = view.item(row)
    view.scrollToItem(item)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(item).center())


def _permission_row(page, permission: Permission) -> int:  # type: ignore[no-untyped-def]
    return next(i for i in range(page.permissions.count())
                if page.permissions.item(i).data(Qt.ItemDataRole.UserRole) == permission.value)


def test_unticking_a_permission_takes_it_from_the_roles_users_at_their_next_sign_in(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    s = sqlite_services
    window = shown_window(qtbot, qapp, s, before=_people)
    dialog = _page(qtbot, window, "角色")
    page = dialog.roles_page
    assert [page.list.item(i).text() for i in range(page.list.count())] == ["管理员", "调解员", "记录员", "只读"]
    assert page.save_button.isEnabled()

    # 管理员 keeps 管理用户: refused beside the ticks, the unticked box stays as the user left it.
    _click_item(qtbot, page.list, 0)
    _click_item(qtbot, page.permissions, _permission_row(page, Permission.ADMINISTER))
    click(qtbot, page.save_button)
    assert "必须保留" in page.errors.message("permissions")
    assert Permission.ADMINISTER.value not in page.ticked()
    assert s.roles.get("admin").has(Permission.ADMINISTER)

    # Choosing another role asks first: 继续填写 keeps the untick, 不保存 drops it.
    _click_item(qtbot, page.list, 1)
    assert page.current_code() == "admin" and page.discard_box.isVisible()
    click(qtbot, page.discard_box.button(QMessageBox.StandardButton.Cancel))
    assert page.current_code() == "admin" and Permission.ADMINISTER.value not in page.ticked()
    _click_item(qtbot, page.list, 1)
    click(qtbot, page.discard_box.button(QMessageBox.StandardButton.Discard))

    # 调解员 loses 受理登记 and is renamed.
    assert page.current_code() == "mediator" and page.name.text() == "调解员"
    assert Permission.INTAKE.value in page.ticked()
    _click_item(qtbot, page.permissions, _permission_row(page, Permission.INTAKE))
    page.name.clear()
    type_text(qtbot, page.name, "专职调解员")
    click(qtbot, page.save_button)
    assert "已保存角色“专职调解员”" in page.message.text() and page.list.currentItem().text() == "专职调解员"
    assert not s.roles.get("mediator").has(Permission.INTAKE)
    dialog.close()

    actor = s.accounts.sign_in("yang", PW)
    assert not actor.may(Permission.INTAKE) and actor.may(Permission.EDIT_ASSIGNED)
    with pytest.raises(PermissionDenied, match="登记新案件"):
        s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])]))


def test_a_role_is_added_deleted_and_the_defaults_restored(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    s = sqlite_services
    window = shown_window(qtbot, qapp, s, before=_people)
    page = _page(qtbot, window, "角色").roles_page
    _click_item(qtbot, page.list, 3)                       # 只读
    click(qtbot, page.add_button)
    form = page.dialog
    qtbot.waitExposed(form)
    assert form.copy_from.currentData() == "viewer"
    type_text(qtbot, form.name, "只读")                    # a name in use: refused beside it, kept
    click_ok(qtbot, form.buttons)
    assert "已经有叫“只读”" in form.errors.message("name") and form.isVisible() and form.name.text() == "只读"
    type_text(qtbot, form.name, "（村）")
    click_ok(qtbot, form.buttons)
    assert not form.isVisible() and page.current().name == "只读（村）"
    _click_item(qtbot, page.permissions, _permission_row(page, Permission.EXPORT))
    click(qtbot, page.save_button)
    assert s.roles.get(page.current_code()).permissions == ("read", "print", "export")

    # 调解员 has a user and 管理员 is never deleted: 删除角色 is greyed (not asked, then refused),
    # the line under the name says why.
    _click_item(qtbot, page.list, 1)
    assert not page.delete_button.isEnabled() and page.users.text() == \
        "有1位用户是这个角色。要删除“调解员”，请先在“用户”页把这些用户改成别的角色。"
    assert page.delete_button.toolTip() in page.users.text()
    _click_item(qtbot, page.list, 0)
    assert not page.delete_button.isEnabled() and "“管理员”不能删除" in page.users.text()
    _click_item(qtbot, page.list, 4)
    click(qtbot, page.delete_button)
    answer_yes(qtbot, page.question)
    assert "已删除角色“只读（村）”" in page.message.text() and [r.name for r in s.roles.list()] == \
        ["管理员", "调解员", "记录员", "只读"]

    s.roles.save("clerk", name="书记员", permissions=["read"])
    page.refresh()
    click(qtbot, page.defaults_button)
    answer_yes(qtbot, page.question)
    assert "已恢复默认：记录员" in page.message.text() and page.list.item(2).text() == "记录员"
    assert s.roles.get("clerk").has(Permission.RECORDS_ANY)


def test_a_user_s_role_committees_and_mediator_are_changed_in_the_users_page(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    s = sqlite_services

    def before(services) -> None:  # type: ignore[no-untyped-def]
        _people(services)
        with services.db.write() as db:
            db.execute(text("INSERT INTO organization (name, short_name, kind, address, phone, seal_text, "
                            "code_pattern, version) "
                            "VALUES ('幸福村人民调解委员会', '幸福', 'committee', '', '', '', '', 1)"))

    window = shown_window(qtbot, qapp, s, before=before)
    dialog = _page(qtbot, window, "用户")
    page = dialog.users_page
    assert page.edit_button.text() == "修改(&E)…"
    rect = page.table.visualRect(page.model.index(1, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    form = page.dialog
    qtbot.waitExposed(form)
    assert form.login.text() == "yang" and form.login.isReadOnly() and form.mediator.currentData() == s.mediator_ids[0]
    assert not hasattr(form, "password")
    form.name.clear()                                      # a blank name: refused, the rest kept
    choose(form.role, "clerk")
    click_ok(qtbot, form.buttons)
    assert "请填写姓名" in form.errors.message("name") and form.isVisible()
    assert form.role.currentData() == "clerk"
    type_text(qtbot, form.name, "杨志强")
    _click_item(qtbot, form.committees, 1)
    choose(form.mediator, s.mediator_ids[1])
    click_ok(qtbot, form.buttons)
    assert not form.isVisible() and "已修改用户 yang（杨志强，记录员）" in page.message.text()
    yang = next(u for u in s.accounts.users() if u.login == "yang")
    second = s.accounts.committees()[1][0]
    assert (yang.role, yang.organization_ids, yang.mediator_id) == ("clerk", (second,), s.mediator_ids[1])
    assert page.model.rows[1].role_label == "记录员"
    assert page.model.index(1, 4).data() == "幸福村人民调解委员会" and page.model.index(0, 4).data() == "全部"

    # The last administrator cannot be made a viewer: said beside the role.
    page.table.selectRow(0)
    click(qtbot, page.edit_button)
    form = page.dialog
    qtbot.waitExposed(form)
    choose(form.role, "viewer")
    click_ok(qtbot, form.buttons)
    assert "最后一个管理员" in form.errors.message("role") and form.isVisible()
    form.reject()

    # 添加用户 has the same committees and mediator.
    click(qtbot, page.add_button)
    form = page.dialog
    qtbot.waitExposed(form)
    for field, value in ((form.login, "wangfang"), (form.name, "王芳"), (form.password, PW), (form.repeat, PW)):
        type_text(qtbot, field, value)
    choose(form.role, "mediator")
    _click_item(qtbot, form.committees, 0)
    choose(form.mediator, s.mediator_ids[1])
    click_ok(qtbot, form.buttons)
    assert not form.isVisible()
    wang = next(u for u in s.accounts.users() if u.login == "wangfang")
    assert (wang.organization_ids, wang.mediator_id) == ((s.accounts.committees()[0][0],), s.mediator_ids[1])

    # 角色 counts the users as they are now.
    dialog.tabs.setCurrentIndex(next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "角色"))
    roles = dialog.roles_page
    _click_item(qtbot, roles.list, 2)
    assert roles.name.text() == "记录员" and roles.users.text() == \
        "有1位用户是这个角色。要删除“记录员”，请先在“用户”页把这些用户改成别的角色。"


def test_a_user_who_is_not_an_administrator_only_reads_the_roles(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    s = sqlite_services

    def before(services) -> None:  # type: ignore[no-untyped-def]
        _people(services)
        services.accounts.sign_in("yang", PW)

    window = shown_window(qtbot, qapp, s, before=before)
    page = _page(qtbot, window, "角色").roles_page
    assert "只有管理员可以修改角色" in page.note.text()
    assert not any(w.isEnabled() for w in (page.name, page.permissions, page.save_button, page.add_button,
                                           page.delete_button, page.defaults_button))
    _click_item(qtbot, page.list, 2)
    assert page.name.text() == "记录员" and page.discard_box is None


def test_tab_goes_round_the_roles_page_through_its_inputs_only(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """Keyboard only on 设置 → 角色: Tab walks the role list, the name, the ticks and the buttons,
    the tab bar and 关闭, and comes back to the list; no stop on a page's scrolling frame."""
    from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QListWidget, QTabBar

    window = shown_window(qtbot, qapp, sqlite_services, before=_people)
    dialog = _page(qtbot, window, "角色")
    page = dialog.roles_page
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    page.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.list)
    stops = []
    for _ in range(20):
        widget = QApplication.focusWidget()
        stops.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert all(isinstance(w, (QLineEdit, QListWidget, QAbstractButton, QTabBar)) for w in stops), stops
    assert stops[:3] == [page.list, page.name, page.permissions] and stops.count(page.list) >= 2
    assert page.add_button in stops and page.save_button in stops and page.defaults_button in stops
