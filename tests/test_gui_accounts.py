"""Sign-in, the users page and the screen lock, through the real widgets (issue 16)."""

from __future__ import annotations

import pytest
from gui_helpers import click, click_ok, shown_window, type_text
from PySide6.QtCore import Qt

from mediator_desktop.ui.settings.sign_in import ScreenLock, SignInDialog

pytestmark = pytest.mark.gui
ADMIN_PW = "zhang-2026!"


def _users_page(qtbot, window):  # type: ignore[no-untyped-def]
    window.settings_action.trigger()
    dialog = window.settings_dialog
    qtbot.waitExposed(dialog)
    index = next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "用户")
    dialog.tabs.setCurrentIndex(index)
    return dialog, dialog.users_page


def test_the_first_admin_is_added_in_settings_and_sign_in_asks_for_the_password(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    window = shown_window(qtbot, qapp, sqlite_services)
    dialog, page = _users_page(qtbot, window)
    assert page.model.rowCount() == 0 and not page.sign_in_button.isEnabled()

    # A clerk first is refused beside the role; what was typed stays.
    click(qtbot, page.add_button)
    form = page.dialog
    qtbot.waitExposed(form)
    type_text(qtbot, form.login, "lisi")
    type_text(qtbot, form.name, "李四")
    form.role.setCurrentIndex(form.role.findData("clerk"))
    type_text(qtbot, form.password, "12345678")
    type_text(qtbot, form.repeat, "12345678")
    click_ok(qtbot, form.buttons)
    assert "管理员" in form.errors.message("role") and form.login.text() == "lisi" and form.isVisible()

    form.role.setCurrentIndex(form.role.findData("admin"))
    for field, value in ((form.login, "zhangsan"), (form.name, "张三"), (form.password, ADMIN_PW),
                         (form.repeat, ADMIN_PW + "x")):
        field.clear()
        type_text(qtbot, field, value)
    click_ok(qtbot, form.buttons)
    assert "不一样" in form.errors.message("repeat")
    form.repeat.clear()
    type_text(qtbot, form.repeat, ADMIN_PW)
    click_ok(qtbot, form.buttons)
    assert not form.isVisible()
    assert page.model.rowCount() == 1 and "已添加用户 zhangsan" in page.message.text()
    assert sqlite_services.accounts.sign_in_required()
    assert page.sign_in_button.text() == "关闭登录（单机使用）"

    # 修改密码: the selected user's, typed twice.
    page.table.selectRow(0)
    click(qtbot, page.password_button)
    change = page.dialog
    qtbot.waitExposed(change)
    type_text(qtbot, change.password, ADMIN_PW + "2")
    type_text(qtbot, change.repeat, ADMIN_PW + "2")
    click_ok(qtbot, change.buttons)
    assert not change.isVisible() and "已修改 zhangsan 的密码" in page.message.text()
    sqlite_services.accounts.authenticate("zhangsan", ADMIN_PW + "2")
    sqlite_services.accounts.change_password("zhangsan", ADMIN_PW)
    dialog.close()

    # The next start asks: a wrong password is refused under the field, the login stays.
    sign_in = SignInDialog(sqlite_services, login="zhangsan")
    qtbot.addWidget(sign_in)
    sign_in.show()
    qtbot.waitExposed(sign_in)
    type_text(qtbot, sign_in.password, "wrong-one")
    click_ok(qtbot, sign_in.buttons)
    assert "用户名或密码不对" in sign_in.errors.message("password") and sign_in.login.text() == "zhangsan"
    assert sign_in.password.text() == "" and sign_in.isVisible()
    type_text(qtbot, sign_in.password, ADMIN_PW)
    with qtbot.waitSignal(sign_in.accepted):
        click_ok(qtbot, sign_in.buttons)
    assert sqlite_services.signed_in and sqlite_services.user_name == "张三"


def test_the_screen_locks_when_idle_and_opens_with_the_password_keeping_what_was_typed(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    sqlite_services.accounts.add_user("zhangsan", "张三", "admin", ADMIN_PW)
    sqlite_services.accounts.sign_in("zhangsan", ADMIN_PW)
    window = shown_window(qtbot, qapp, sqlite_services)
    type_text(qtbot, window.search, "邻里")
    lock = ScreenLock(sqlite_services, minutes=10)
    lock.check()
    assert lock.dialog is None                     # not idle yet
    lock.last_input -= 11 * 60
    lock.check()
    shade = lock.dialog
    assert shade is not None and shade.isVisible() and shade.isModal()
    shade.reject()                                  # Esc does not open it
    assert shade.isVisible()
    type_text(qtbot, shade.password, "wrong-one")
    qtbot.keyClick(shade.password, Qt.Key.Key_Return)
    # Only the password is asked: the message does not send the user looking for a login field.
    said = shade.errors.message("password")
    assert said.startswith("密码不对") and "用户名" not in said and "再输错4次" in said and shade.isVisible()
    type_text(qtbot, shade.password, ADMIN_PW)
    qtbot.keyClick(shade.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lock.dialog is None)
    assert window.search.text() == "邻里" and window.isVisible()


def test_the_screen_lock_fits_at_the_largest_font_and_opens_with_its_button(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """At the largest font every line of the lock (heading, explanation, a wrong password's
    message) shows whole, on the screen; a mouse user clicks 解锁."""
    from PySide6.QtWidgets import QApplication, QLabel

    from mediator_desktop import settings as opts
    from mediator_desktop.ui.app import apply_font_size

    sqlite_services.accounts.add_user("zhangsan", "张三", "admin", ADMIN_PW)
    sqlite_services.accounts.sign_in("zhangsan", ADMIN_PW)
    before = QApplication.font().pointSize()
    apply_font_size(opts.UI_FONT_SIZE.maximum or 28)
    try:
        lock = ScreenLock(sqlite_services, minutes=10)
        shade = lock.lock()
        qtbot.waitExposed(shade)
        type_text(qtbot, shade.password, "wrong-one")
        click(qtbot, shade.unlock_button)
        assert shade.errors.message("password").startswith("密码不对")
        qtbot.wait(50)
        screen = shade.screen().availableGeometry()
        labels = [w for w in shade.findChildren(QLabel) if w.isVisible() and w.text()]
        assert len(labels) >= 4                     # heading, explanation, 密码, the message
        for label in labels:
            assert label.height() >= label.heightForWidth(label.width()), f"cut off: {label.text()}"
            top_left = label.mapToGlobal(label.rect().topLeft())
            assert screen.contains(top_left) and screen.contains(label.mapToGlobal(label.rect().bottomRight()))
        type_text(qtbot, shade.password, ADMIN_PW)
        click(qtbot, shade.unlock_button)
        qtbot.waitUntil(lambda: lock.dialog is None)
    finally:
        apply_font_size(before)


def test_the_add_user_form_shows_each_message_whole_at_the_largest_font(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """添加 on an empty form at the largest font: a message under the login, the name and the
    password; each shows all its lines (the form scrolls), 添加 stays on the screen."""
    from PySide6.QtWidgets import QApplication, QLabel

    from mediator_desktop import settings as opts
    from mediator_desktop.ui.app import apply_font_size

    window = shown_window(qtbot, qapp, sqlite_services)
    before = QApplication.font().pointSize()
    apply_font_size(opts.UI_FONT_SIZE.maximum or 28)
    try:
        dialog, page = _users_page(qtbot, window)
        click(qtbot, page.add_button)
        form = page.dialog
        qtbot.waitExposed(form)
        type_text(qtbot, form.repeat, "1234")
        click_ok(qtbot, form.buttons)
        assert "两次输入的密码不一样" in form.errors.message("repeat")
        form.repeat.clear()
        click_ok(qtbot, form.buttons)
        said = [form.errors.message(f) for f in ("login", "name", "password")]
        assert "用户名要2到60个字符" in said[0] and said[1] == "请填写姓名" and "至少要8位" in said[2]
        qtbot.wait(50)
        labels = [w for w in form.findChildren(QLabel) if w.isVisible() and w.text() in said]
        assert len(labels) == 3
        for label in labels:
            assert label.height() >= label.heightForWidth(label.width()), f"cut off: {label.text()}"
        ok = form.buttons.buttons()[0]
        screen = form.screen().availableGeometry()
        assert screen.contains(ok.mapToGlobal(ok.rect().bottomRight())) and form.isVisible()
        form.reject()
        dialog.reject()
    finally:
        apply_font_size(before)


def test_a_user_is_added_with_the_keyboard_only_and_tab_goes_round_the_form(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """Alt+A on 设置 → 用户, then type and Tab: every Tab stop is a field or a button (none on the
    form's scrolling frame), Tab comes back round to 用户名, Enter adds the user."""
    from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit, QListWidget

    sqlite_services.accounts.add_user("zhangsan", "张三", "admin", ADMIN_PW)
    sqlite_services.accounts.sign_in("zhangsan", ADMIN_PW)
    window = shown_window(qtbot, qapp, sqlite_services)
    dialog, page = _users_page(qtbot, window)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.dialog is not None)      # a mnemonic clicks after a short flash
    form = page.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.login)
    stops = []
    for _ in range(12):
        widget = QApplication.focusWidget()
        stops.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert all(isinstance(w, (QLineEdit, QComboBox, QListWidget, QAbstractButton)) for w in stops), stops
    assert stops[:7] == [form.login, form.name, form.role, form.committees, form.mediator, form.password, form.repeat]
    assert form.login in stops[7:]                           # round again, no trap
    form.login.setFocus()
    for field, text in ((form.login, "lisi"), (form.name, "李四"), (form.role, None), (form.committees, None),
                        (form.mediator, None), (form.password, "lisi-2026"), (form.repeat, "lisi-2026")):
        assert QApplication.focusWidget() is field
        if text:
            type_text(qtbot, field, text)
        qtbot.keyClick(field, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.isVisible())
    added = next(u for u in sqlite_services.accounts.users() if u.login == "lisi")
    assert added.name == "李四" and added.role == "admin" and "已添加用户 lisi" in page.message.text()


def test_a_mediator_on_the_users_page_changes_only_their_own_password(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """Not an administrator: 添加用户, 修改, 停用/启用 and 关闭登录 are greyed saying why (not
    offered, then refused once the form is filled in); 修改我的密码 changes one's own, whichever
    row is selected."""
    s = sqlite_services

    def people(services) -> None:  # type: ignore[no-untyped-def]
        services.accounts.add_user("zhangsan", "张三", "admin", ADMIN_PW)
        services.accounts.sign_in("zhangsan", ADMIN_PW)
        services.accounts.add_user("yang", "杨志强", "mediator", "yang-2026!")
        services.accounts.sign_in("yang", "yang-2026!")

    window = shown_window(qtbot, qapp, s, before=people)
    dialog, page = _users_page(qtbot, window)
    for button, what in ((page.add_button, "添加用户"), (page.edit_button, "修改用户"),
                         (page.disable_button, "停用用户"), (page.sign_in_button, "开关登录")):
        assert not button.isEnabled() and button.toolTip() == f"您的角色（调解员）不能{what}", what
    assert page.note.isVisible() and "修改自己的密码" in page.note.text()
    page.table.selectRow(0)                                  # 张三, the administrator
    page.table.doubleClicked.emit(page.model.index(0, 0))    # no 修改 form for a double-click either
    assert page.dialog is None
    assert page.password_button.isEnabled() and page.password_button.text() == "修改我的密码(&P)…"
    click(qtbot, page.password_button)
    form = page.dialog
    qtbot.waitExposed(form)
    assert form.windowTitle() == "修改杨志强的密码"
    type_text(qtbot, form.password, "yang-2027!")
    type_text(qtbot, form.repeat, "yang-2027!")
    click_ok(qtbot, form.buttons)
    assert not form.isVisible() and page.message.text() == "已修改您的密码。"
    assert s.accounts.authenticate("yang", "yang-2027!").login == "yang"
    assert s.accounts.authenticate("zhangsan", ADMIN_PW).login == "zhangsan"
    dialog.reject()


def test_sign_in_with_the_keyboard_only_and_the_lockout_says_until_when(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """Type the login, Tab, the password, Enter. Each wrong password says how many tries are
    left; the fifth locks the account and says from what time to try again; the words and fields
    sit together at the top of the dialog."""
    from PySide6.QtWidgets import QApplication, QLabel

    sqlite_services.accounts.add_user("zhangsan", "张三", "admin", ADMIN_PW)
    sqlite_services.accounts.sign_in("zhangsan", ADMIN_PW)
    sqlite_services.accounts.add_user("lisi", "李四", "clerk", "lisi-2026!")
    sqlite_services.accounts.add_user("wangwu", "王五", "viewer", "wangwu-2026!")
    sign_in = SignInDialog(sqlite_services)
    qtbot.addWidget(sign_in)
    with qtbot.waitActive(sign_in):
        sign_in.show()
        sign_in.activateWindow()
    intro = next(w for w in sign_in.findChildren(QLabel) if w.text().startswith("请输入您的用户名和密码"))
    qtbot.wait(50)
    # Not stretched over the dialog with its line floating in the middle.
    assert intro.y() < 2 * intro.fontMetrics().lineSpacing()
    assert intro.height() < intro.heightForWidth(intro.width()) + intro.fontMetrics().lineSpacing()
    assert QApplication.focusWidget() is sign_in.login
    qtbot.keyClicks(sign_in.login, "lisi")
    qtbot.keyClick(sign_in.login, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is sign_in.password
    for left in (4, 3, 2, 1):
        qtbot.keyClicks(sign_in.password, "wrong-one")
        qtbot.keyClick(sign_in.password, Qt.Key.Key_Return)
        assert sign_in.errors.message("password").endswith(f"再输错{left}次，账户将锁定5分钟")
        assert QApplication.focusWidget() is sign_in.password and sign_in.login.text() == "lisi"
    qtbot.keyClicks(sign_in.password, "wrong-one")
    qtbot.keyClick(sign_in.password, Qt.Key.Key_Return)
    until = sqlite_services.accounts.users()[1].locked_until
    assert until is not None
    assert sign_in.errors.message("password") == \
        f"已连续输错5次密码。账户已锁定，请在{until:%H:%M}以后再试，或请管理员重设密码"
    qtbot.keyClicks(sign_in.password, "lisi-2026!")           # right, but locked until then
    qtbot.keyClick(sign_in.password, Qt.Key.Key_Return)
    assert sign_in.isVisible() and f"请在{until:%H:%M}以后再试" in sign_in.errors.message("password")
    sign_in.login.selectAll()
    qtbot.keyClicks(sign_in.login, "wangwu")                  # another account is not locked
    qtbot.keyClick(sign_in.login, Qt.Key.Key_Tab)
    qtbot.keyClicks(sign_in.password, "wangwu-2026!")
    with qtbot.waitSignal(sign_in.accepted):
        qtbot.keyClick(sign_in.password, Qt.Key.Key_Return)
    assert sqlite_services.user_name == "王五"
