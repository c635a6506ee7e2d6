"""The window as a mediator uses it: typing, clicking, reading what appears (offscreen)."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import make_services, sample_draft
from gui_helpers import answer_yes, click_ok, start_gui, type_text
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from mediator_desktop import settings as opts
from mediator_desktop.services.dto import CaseQuery
from mediator_desktop.ui.app import apply_font_size, create_main_window, init_application
from mediator_desktop.ui.case.case_table_model import CaseTableModel
from mediator_desktop.ui.intake.intake_dialog import IntakeDialog
from mediator_desktop.ui.settings.first_run import FirstRunDialog
from mediator_desktop.ui.settings.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def gui(qapp, sqlite_services):  # type: ignore[no-untyped-def]
    return sqlite_services, start_gui(qapp, sqlite_services)


def fill_person(qtbot, dialog, *, name: str, id_number: str = "", phone: str = "", role: str | None = None) -> None:  # type: ignore[no-untyped-def]
    if role:
        dialog.role.setCurrentIndex(dialog.role.findData(role))
    type_text(qtbot, dialog.name, name)
    if id_number:
        qtbot.keyClicks(dialog.id_number, id_number)
    if phone:
        qtbot.keyClicks(dialog.phone, phone)
    type_text(qtbot, dialog.address, "龙门街道幸福村3组")


def test_case_list_model_passes_qtmodeltester(qtmodeltester, gui) -> None:
    services, _settings = gui
    model = CaseTableModel(services)
    model.set_query(CaseQuery())
    qtmodeltester.check(model)  # empty
    from mediator_desktop.services.demo import load_demo

    load_demo(services, 450)
    model = CaseTableModel(services)
    model.set_query(CaseQuery())
    assert model.rowCount() == 200 and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 450
    codes = [model.data(model.index(r, 0)) for r in range(450)]
    assert len(set(codes)) == 450
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, 0)).endswith("第1号")
    qtmodeltester.check(model)


def test_register_a_case_as_a_user_then_find_it_by_pinyin(qtbot, gui) -> None:
    services, settings = gui
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.show()
    dialog = window.new_case()
    qtbot.waitExposed(dialog)
    u = dialog.ui
    u.source.setCurrentIndex(u.source.findData("grid_reported"))
    u.disputeType.setCurrentIndex(u.disputeType.findData("邻里纠纷"))
    type_text(qtbot, u.summary, "李四在通道堆放建材，张三出入不便。")
    type_text(qtbot, u.requests, "清除通道堆放物")
    u.mediatorList.item(0).setCheckState(Qt.CheckState.Checked)
    # First party: a person, ID typed with a lower-case x.
    party = dialog.add_party("person")
    fill_person(qtbot, party, name="张三", id_number="11010519491231002x", phone="13800001234")
    assert "1949年12月31日" in party.id_hint.text() and "女" in party.id_hint.text()
    click_ok(qtbot, party.buttons)
    # Second party: an organisation with a valid credit code.
    org = dialog.add_party("organization")
    type_text(qtbot, org.org_name, "某某物业服务有限公司")
    qtbot.keyClicks(org.credit_code, "91512081MA62K0260E")
    type_text(qtbot, org.rep_name, "刘强")
    click_ok(qtbot, org.buttons)
    assert u.partiesTable.rowCount() == 2
    assert u.partiesTable.item(0, 3).text() == "110105********002X"
    with qtbot.waitSignal(dialog.saved) as saved:
        click_ok(qtbot, u.buttonBox)
    detail = services.cases.get(saved.args[0])
    assert detail.code == "（2026）龙门人调字第1号"
    assert [p.name for p in detail.parties] == ["张三", "某某物业服务有限公司"]
    assert detail.parties[0].id_number == "11010519491231002X"
    assert detail.mediators[0].name == "杨志强"
    # Find it by pinyin initials in the search box, as the user types.
    qtbot.keyClicks(window.search, "zs")
    qtbot.waitUntil(lambda: window.case_model.query.text == "zs", timeout=2000)
    assert window.case_model.rowCount() == 1
    assert window.case_model.data(window.case_model.index(0, 0)) == detail.code
    assert window.count_label.text() == "找到 1 件案件"


def test_intake_proposes_today_by_the_services_clock_not_the_system(qtbot, gui, clock) -> None:
    # A PC whose clock the services do not share (here: the test clock, a day in March) must not
    # get a received date the service then refuses as "in the future".
    services, _settings = gui
    from datetime import datetime

    clock.value = datetime(2026, 3, 2, 8, 0)
    dialog = IntakeDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.ui.receivedOn.date() == QDate(2026, 3, 2)
    assert dialog.ui.receivedOn.maximumDate() == QDate(2026, 3, 2)


def test_bad_input_shows_messages_next_to_fields_and_keeps_the_text(qtbot, gui) -> None:
    services, _settings = gui
    dialog = IntakeDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    u = dialog.ui
    type_text(qtbot, u.title, "未写完的案件")
    party = dialog.add_party("person")
    fill_person(qtbot, party, name="王五", id_number="110105194912310021", phone="123")
    assert "校验位" in party.id_hint.text()
    click_ok(qtbot, party.buttons)  # the party form refuses: messages beside the fields
    assert party.isVisible()
    assert "校验位" in party.errors.message("id_number")
    assert "联系电话" in party.errors.message("phone")
    assert party.name.text() == "王五"
    party.id_number.clear()
    party.phone.clear()
    click_ok(qtbot, party.buttons)
    click_ok(qtbot, u.buttonBox)
    assert dialog.isVisible()
    assert "纠纷简要情况" in u.summaryError.text() and u.summaryError.isVisible()
    assert "纠纷类型" in u.disputeTypeError.text()
    assert u.title.text() == "未写完的案件"
    assert u.partiesTable.rowCount() == 1
    assert services.cases.count(CaseQuery()) == 0


def test_credit_code_warning_is_confirmed_in_a_message_box(qtbot, gui) -> None:
    services, _settings = gui
    dialog = IntakeDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    u = dialog.ui
    u.disputeType.setCurrentIndex(u.disputeType.findData("物业纠纷"))
    type_text(qtbot, u.summary, "物业费争议")
    person = dialog.add_party("person")
    fill_person(qtbot, person, name="赵六")
    click_ok(qtbot, person.buttons)
    org = dialog.add_party("organization")
    type_text(qtbot, org.org_name, "某物业公司")
    qtbot.keyClicks(org.credit_code, "91350100M000100Y4Z")
    assert "确认无误" in org.errors.message("credit_code")  # a warning, not a block
    click_ok(qtbot, org.buttons)
    click_ok(qtbot, u.buttonBox)
    box = dialog.confirm_box
    assert box.isVisible() and "统一社会信用代码" in box.text()
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert services.cases.get(saved.args[0]).parties[1].credit_code == "91350100M000100Y4Z"


def test_earlier_cases_of_a_party_are_shown(qtbot, gui) -> None:
    services, _settings = gui
    first = services.cases.register(sample_draft())
    dialog = IntakeDialog(services)
    qtbot.addWidget(dialog)
    party = dialog.add_party("person")
    qtbot.keyClicks(party.id_number, "11010519491231002X")
    qtbot.waitUntil(lambda: party.matches.isVisibleTo(party), timeout=3000)
    assert first.code in party.matches.text() and "身份证号相同" in party.matches.text()


def test_edit_and_conflict_keep_the_users_edits(qtbot, gui, sqlite_url, clock) -> None:
    services, _settings = gui
    detail = services.cases.register(sample_draft())
    dialog = IntakeDialog(services, case_id=detail.id)
    qtbot.addWidget(dialog)
    dialog.show()
    other = make_services(sqlite_url, clock)
    try:
        theirs = detail.to_draft()
        theirs.summary = "另一台电脑先保存了"
        other.cases.update(detail.id, detail.version, theirs)
    finally:
        other.close()
    dialog.ui.summary.setPlainText("我的修改")
    click_ok(qtbot, dialog.ui.buttonBox)
    assert dialog.isVisible()
    assert "其他电脑" in dialog.ui.generalMessage.text()
    assert dialog.ui.summary.toPlainText() == "我的修改"
    # Reopened, the edit goes through.
    again = IntakeDialog(services, case_id=detail.id)
    qtbot.addWidget(again)
    again.ui.summary.setPlainText("我的修改")
    with qtbot.waitSignal(again.saved):
        click_ok(qtbot, again.ui.buttonBox)
    assert services.cases.get(detail.id).version == detail.version + 2


def test_state_changes_from_the_case_view(qtbot, gui) -> None:
    services, settings = gui
    detail = services.cases.register(sample_draft())
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.show()
    view = window.case_view
    assert view.heading.text() == detail.code
    assert view.parties.item(0, 3).text() == "110105********002X"  # masked in the view
    assert view.parties.item(0, 4).text() == "138****1234"
    qtbot.mouseClick(view.action_buttons["accepted"], Qt.MouseButton.LeftButton)
    assert "开始计算调解期限" in view.transition_box.text()   # says what follows, then asks
    answer_yes(qtbot, view.transition_box)
    assert view.fields["status"].text() == "受理"
    qtbot.mouseClick(view.action_buttons["in_mediation"], Qt.MouseButton.LeftButton)
    assert "指定调解员" in view.message.text()  # the guard: no mediator yet
    assert view.fields["status"].text() == "受理"
    qtbot.mouseClick(view.action_buttons["terminated"], Qt.MouseButton.LeftButton)
    reason = view.reason_dialog
    type_text(qtbot, reason.reason, "申请人撤回调解申请")
    reason.accept()  # without the reason kind and the "routes explained" tick: refused, text kept
    assert "仲裁" in reason.error.text() and "请选择终止调解的原因" in reason.error.text()
    assert reason.reason.toPlainText() == "申请人撤回调解申请"
    reason.reason_kind.setCurrentIndex(reason.reason_kind.findData("withdrawn"))
    reason.routes.setChecked(True)
    reason.accept()
    assert view.fields["status"].text() == "终止调解"
    view.tabs.setCurrentWidget(view.history)   # the timeline loads when it is looked at
    assert view.history.item(0, 2).text() == "状态：受理 → 终止调解（申请人撤回调解申请）"
    assert window.case_model.data(window.case_model.index(0, 1)) == "终止调解"


def test_filters_and_font_size(qtbot, gui) -> None:
    services, settings = gui
    for i in range(3):
        services.cases.register(sample_draft(received_on=date(2026, 11, 1 + i)))
    first = services.cases.page(CaseQuery())[0]
    services.cases.transition(first.id, 1, "accepted")
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.status_filter.setCurrentIndex(window.status_filter.findData("accepted"))
    assert window.case_model.rowCount() == 1
    assert window.count_label.text() == "找到 1 件案件"
    window.date_filter.setChecked(True)
    window.date_from.setDate(QDate(2026, 11, 2))
    window.clear_filters.click()
    assert window.case_model.rowCount() == 3
    dialog = window.open_settings()
    dialog.font_size.setValue(20)
    assert QApplication.font().pointSize() == 20
    qtbot.waitUntil(lambda: window.search.font().pointSize() == 20, timeout=2000)
    assert window.table.verticalHeader().defaultSectionSize() > 30
    assert opts.Settings().get(opts.UI_FONT_SIZE) == 20
    apply_font_size(12)


def test_settings_show_a_pattern_error_inline(qtbot, gui) -> None:
    services, settings = gui
    dialog = SettingsDialog(services, settings)
    qtbot.addWidget(dialog)
    dialog.org_form.code_pattern.setText("（{year}）{short_name}第号")
    assert "{N}" in dialog.org_form.preview.text()
    dialog.save_organization()
    assert "{N}" in dialog.org_form.errors.message("code_pattern")
    assert dialog.org_form.code_pattern.text() == "（{year}）{short_name}第号"
    dialog.org_form.code_pattern.setText("（{year}）{short_name}调字第{N:03d}号")
    assert dialog.org_form.preview.text().endswith("龙门调字第001号")
    dialog.save_organization()
    assert services.organization.get().code_pattern == "（{year}）{short_name}调字第{N:03d}号"


def test_first_run_sets_up_organisation_and_mediator(qtbot, qapp, sqlite_services) -> None:
    init_application(qapp, opts.Settings())
    dialog = FirstRunDialog(sqlite_services)
    qtbot.addWidget(dialog)
    dialog.save()
    assert "组织名称" in dialog.org_form.errors.message("name")
    type_text(qtbot, dialog.org_form.name, "幸福街道人民调解委员会")
    type_text(qtbot, dialog.org_form.short_name, "幸福")
    type_text(qtbot, dialog.mediator_name, "周红梅")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert sqlite_services.organization.is_set_up()
    assert sqlite_services.mediators.list()[0].name == "周红梅"


def test_rare_characters_render_with_the_shipped_fonts(qapp) -> None:
    from PySide6.QtGui import QFontMetrics

    family = init_application(qapp, opts.Settings())
    assert family == "WenQuanYi Micro Hei"
    font = QApplication.font()
    assert font.families()[1:] == ["HanaMinA", "HanaMinB"]
    from PySide6.QtGui import QFont

    for ch, fam in [("调", "WenQuanYi Micro Hei"), ("𠮷", "HanaMinB"), ("𫖮", "HanaMinB"), ("㛃", "HanaMinA")]:
        assert QFontMetrics(QFont(fam)).inFontUcs4(ord(ch)), (ch, fam)


def test_keyboard_only_use(qtbot, gui) -> None:
    """Ctrl+N opens intake, Ctrl+F goes to the search box, Tab walks the intake form in order."""
    services, settings = gui
    services.cases.register(sample_draft())
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    window.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table, timeout=2000)
    # Keys go to the widget with the focus, as a real key press does.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.intake_dialog
    qtbot.waitExposed(dialog)
    u = dialog.ui
    order = [u.receivedOn, u.source, u.disputeType, u.title, u.summary, u.requests, u.riskLevel]
    u.receivedOn.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is u.receivedOn, timeout=2000)
    for _section in range(3):  # Tab first walks the date's year, month and day sections
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is not u.receivedOn:
            break
    assert QApplication.focusWidget() is u.source
    for following in order[2:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is following, following.objectName()
    # Escape on an untouched dialog closes it without questions.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_full_id_only_in_the_partys_own_form_and_viewing_is_audited(qtbot, gui) -> None:
    services, settings = gui
    detail = services.cases.register(sample_draft())
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    view = window.case_view
    assert view.parties.item(0, 3).text() == "110105********002X"
    dialog = view.open_party(0)
    assert dialog.id_number.text() == "11010519491231002X" and dialog.id_number.isReadOnly()
    assert dialog.phone.text() == "13800001234"
    dialog.accept()
    history = [h.text for h in services.cases.get(detail.id).history]
    assert "查看当事人“张三”的完整信息" in history


def test_document_settings_are_checked_saved_and_used(qtbot, gui, tmp_path) -> None:
    from mediator_desktop.documents.style import style_from_settings

    services, settings = gui
    dialog = SettingsDialog(services, settings)
    qtbot.addWidget(dialog)
    fields = dialog.doc_fields
    body_font = fields[opts.DOC_FONT_BODY.key]
    not_a_font = tmp_path / "fangsong.ttf"
    not_a_font.write_text("not a font")
    body_font.setText(str(not_a_font))
    fields[opts.DOC_SIZE_BODY.key].setValue(14)
    assert not dialog.save_documents()
    assert "不能用于生成 PDF" in dialog.doc_errors.message(opts.DOC_FONT_BODY.key)
    assert body_font.text() == str(not_a_font)                      # kept for correction
    assert settings.get(opts.DOC_SIZE_BODY) == 16                     # nothing saved
    body_font.setText("")
    fields[opts.DOC_SIGN_AND_FINGERPRINT.key].setChecked(False)
    assert dialog.save_documents()
    style = style_from_settings(opts.Settings())                       # read back from the file
    assert style.size_body == 14 and not style.sign_and_fingerprint
    dialog.reset_documents()
    assert fields[opts.DOC_SIZE_BODY.key].value() == 16 and fields[opts.DOC_SIGN_AND_FINGERPRINT.key].isChecked()


def test_settings_install_the_rare_character_fonts_for_this_user(qtbot, gui, tmp_path, monkeypatch) -> None:
    """文书 → 为本机安装生僻字字体: the shipped Hanazono fonts a Word file names for 𠮷 land in the
    user's own font folder (here XDG_DATA_HOME/fonts), and the button says it is done."""
    from PySide6.QtCore import Qt

    from mediator_desktop.paths import fonts_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    services, settings = gui
    dialog = SettingsDialog(services, settings)
    qtbot.addWidget(dialog)
    assert "尚未安装" in dialog.fonts_status.text() and dialog.fonts_button.isEnabled()
    qtbot.mouseClick(dialog.fonts_button, Qt.MouseButton.LeftButton)
    folder = tmp_path / "share" / "fonts"
    for name in ("HanaMinA.ttf", "HanaMinB.ttf"):
        assert (folder / name).read_bytes() == (fonts_dir() / name).read_bytes()
    assert "已为当前用户安装字体" in dialog.fonts_status.text()
    assert not dialog.fonts_button.isEnabled()
    again = SettingsDialog(services, settings)
    qtbot.addWidget(again)
    assert again.fonts_status.text() == "本机已安装。"


def test_a_studio_logo_is_chosen_checked_and_printed(qtbot, gui, tmp_path) -> None:
    import io as _io

    from PIL import Image as PILImage

    services, settings = gui
    dialog = SettingsDialog(services, settings)
    qtbot.addWidget(dialog)
    form = dialog.org_form
    not_image = tmp_path / "logo.png"
    not_image.write_bytes(b"GIF89a not a png")
    assert form.set_logo_file(not_image)
    dialog.save_organization()
    assert "PNG 或 JPEG" in form.errors.message("logo")
    assert not form.set_logo_file(tmp_path / "missing.png")
    assert "无法读取" in form.errors.message("logo")
    png = _io.BytesIO()
    PILImage.new("RGB", (120, 60), "navy").save(png, format="PNG")
    (tmp_path / "studio.png").write_bytes(png.getvalue())
    form.kind.setCurrentIndex(form.kind.findData("studio"))
    assert form.set_logo_file(tmp_path / "studio.png")
    dialog.save_organization()
    assert dialog.org_message.text() == "已保存。"
    saved = services.organization.get()
    assert saved.logo == png.getvalue() and saved.kind == "studio"
    header = services.documents.org_header()
    assert header.logo == png.getvalue()
    # The studio's name and logo head its documents.
    from mediator_desktop.documents import forms

    furniture = forms._furniture(header, "（2026）测试第1号")
    assert furniture.logo == png.getvalue() and furniture.header_left == header.name


def test_settings_test_connection_button_reports_and_never_creates_a_file(qtbot, gui, tmp_path) -> None:
    """设置 → 数据库 → 测试连接: a mistyped path is reported (and no file or folder appears), a
    malformed server address too, and the database in use answers 连接成功."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    services, settings = gui
    dialog = SettingsDialog(services, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    button = next(b for b in dialog.findChildren(QPushButton) if b.text() == "测试连接")
    mistyped = tmp_path / "新文件夹" / "调解.sqlite3"
    for typed, expected in ((str(mistyped), "找不到数据库文件"),
                            ("postgresql://u@host:0/db", "数据库地址格式不正确"),
                            ("", "连接成功")):
        dialog.db_url.setText(typed)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert expected in dialog.db_message.text(), (typed, dialog.db_message.text())
        assert dialog.db_url.text() == typed             # what was typed stays
    assert not mistyped.parent.exists()


def test_every_view_follows_the_change_bus(qtbot, gui) -> None:
    """A change said once on the bus reaches the list, its count and the shown case; a saved
    holiday arrangement shows the case again (its deadlines may have moved)."""
    services, settings = gui
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    assert window.count_label.text() == "共 0 件案件"
    case = services.cases.register(sample_draft())          # written elsewhere: the window is not told
    assert window.case_model.rowCount() == 0
    window.bus.case_changed.emit(case.id)
    assert window.case_model.rowCount() == 1 and window.count_label.text() == "共 1 件案件"
    assert window.case_view.detail is not None and window.case_view.detail.id == case.id
    before = window.case_view.detail
    services.cases.update(case.id, case.version, sample_draft(title="改过的案件名称"))
    window.bus.calendar_changed.emit()
    assert window.case_view.detail is not before and window.case_view.detail.title == "改过的案件名称"


def test_typing_shows_the_first_match_once_the_typing_pauses(qtbot, gui) -> None:
    """The list follows every pause in the typing at once; the case view loads the first match
    a moment later, so a keystroke never waits for a case to load."""
    from mediator_desktop.services.dto import PartyDraft
    from mediator_desktop.ui.main_window import PREVIEW_DELAY_MS

    services, settings = gui
    first = services.cases.register(sample_draft())
    other = services.cases.register(sample_draft(parties=[
        PartyDraft(role="applicant", kind="person", name="欧阳秀英", phone="13900001111", address="龙门街道"),
        PartyDraft(role="respondent", kind="person", name="李四", phone="13900005678", address="龙门街道")]))
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.show()
    window.select_case(first.id)
    qtbot.keyClicks(window.search, "oyxy")
    qtbot.waitUntil(lambda: window.case_model.query.text == "oyxy", timeout=2000)
    assert window.case_model.rowCount() == 1 and window.case_model.case_id(0) == other.id
    assert window.case_view.detail.id == first.id            # not yet: the typing may go on
    qtbot.waitUntil(lambda: window.case_view.detail.id == other.id, timeout=PREVIEW_DELAY_MS + 2000)
    # Chosen by hand (Enter on the row), a case shows at once.
    window.select_case(first.id)
    assert window.case_view.detail.id == first.id
