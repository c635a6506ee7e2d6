"""帮助: the user guide read offline (one page per task, its pictures shipped), 关于, and the
diagnostics file — driven from the menu as a mediator (or the person helping them) would."""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

import pytest
from gui_helpers import shown_window
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from mediator_desktop import paths, support
from mediator_desktop.logfile import setup_logging
from mediator_desktop.services.demo_data import generate_document

TASKS = ["受理登记", "调解", "调解协议", "打印文书", "司法确认", "回访", "备份", "统计", "台账", "排查和联席会议",
         "风险与移交", "用户、登录和审计记录"]


@pytest.fixture
def window(qtbot, qapp, services):  # type: ignore[no-untyped-def]
    return shown_window(qtbot, qapp, services)


def test_the_guide_has_a_page_per_task_and_every_picture_it_shows() -> None:
    pages = support.guide_pages()
    assert [p.title for p in pages] == TASKS
    for page in pages:
        text = page.path.read_text(encoding="utf-8")
        assert len(text) > 400, f"{page.path.name} says too little"
        for name in re.findall(r"\]\(([^)]+)\)", text):
            image = QImage(str(page.path.parent / name))
            assert not image.isNull(), f"{page.path.name} shows {name}, which is not shipped"
            assert image.width() <= 800, f"{name} is wider than the guide"


def test_f1_opens_the_guide_and_each_task_reads_with_its_pictures(qtbot, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = window.guide
    qtbot.waitExposed(guide)
    assert guide.contents.count() == len(TASKS)
    assert guide.page_text().startswith("受理登记")
    guide.contents.setFocus()
    for _ in range(3):  # Down turns the pages
        qtbot.keyClick(guide.contents, Qt.Key.Key_Down)
    assert guide.page_text().startswith("打印文书")
    assert "Ctrl+P" in guide.page_text()
    # The pictures are in the page (loaded from the shipped folder, not from the network).
    images = [f for f in guide.page.document().allFormats() if f.isImageFormat()]
    assert images
    assert all(guide.page.document().resource(3, f.toImageFormat().name()) is not None for f in images)
    guide.close()


def test_about_names_the_version_the_database_the_folders_and_the_licences(qtbot, window, services) -> None:
    window.about_action.trigger()
    about = window.about
    qtbot.waitExposed(about)
    text = about.facts.text()
    assert services.describe_database() in text
    assert str(paths.backups_dir()) in text and str(paths.data_dir()) in text
    names = [about.table.item(r, 0).text() for r in range(about.table.rowCount())]
    assert any("FandolFang" in n for n in names) and any("Hanazono" in n for n in names)
    assert "SQLAlchemy" in names and "reportlab" in names
    licences = [about.table.item(r, 2).text() for r in range(about.table.rowCount())]
    assert all(licences)
    about.close()


def _drop_log_handlers() -> None:
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "baseFilename", "") == str(paths.log_file())]:
        root.removeHandler(handler)
        handler.close()


def test_diagnostics_from_the_menu_hold_versions_and_log_but_no_case_data(qtbot, window, services, request,
                                                                           tmp_path: Path) -> None:
    document = generate_document(3, seed=4)
    services.exchange.import_document(document)
    party = document["cases"][0]["parties"][0]
    # What a failure may have written to the log (set up as the application's start does): a
    # quoted name, an SQL statement's values, an ID number and a mobile number.
    setup_logging()
    request.addfinalizer(_drop_log_handlers)
    log = logging.getLogger("mediator_desktop.test")
    log.warning("保存失败：当事人“%s”已存在 [parameters: ('%s', '%s')]\n(Background on this error at: x)",
                party["name"], party["name"], party.get("id_number", ""))
    log.warning("电话 %s 身份证 %s", "13812345678", "110101199003071234")
    for handler in logging.getLogger().handlers:
        handler.flush()
    window.diagnostics_action.trigger()
    target = tmp_path / "诊断.zip"
    dialog = window.file_dialog
    assert dialog.isVisible()
    dialog.selectFile(str(target))
    dialog.accept()
    qtbot.waitUntil(lambda: target.exists())
    assert window.message_box.windowTitle() == "导出诊断信息" and str(target) in window.message_box.text()
    window.message_box.close()
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        assert "versions.txt" in names and any(n.startswith(paths.log_file().name) for n in names)
        versions = z.read("versions.txt").decode("utf-8")
        everything = "".join(z.read(n).decode("utf-8") for n in names)
    assert "调解工作台" in versions and "SQLAlchemy" in versions
    assert "保存失败" in everything  # the log is there…
    assert party["name"] not in everything  # …without the case's data
    assert "13812345678" not in everything and "110101199003071234" not in everything
    assert "parameters: 已略去" in everything


def test_scrub_masks_what_a_log_may_carry() -> None:
    text = support.scrub("“王小明”住“幸福村3组” [parameters: ('王小明', 5)]\n身份证110101199003071234，手机13912345678")
    assert "王小明" not in text and "幸福村" not in text
    assert "110101199003071234" not in text and "13912345678" not in text
