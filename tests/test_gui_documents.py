"""The documents dialog, driven as a mediator uses it: open a case's documents, look at the
agreement, switch to the court application, print (to a PDF file), save as Word."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import docx
import pytest
from conftest import setup_org
from gui_helpers import click, type_text, when_modal
from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit, QMessageBox, QSpinBox

from mediator_desktop import settings as opts
from mediator_desktop.ui.app import create_main_window, init_application

pytestmark = pytest.mark.gui


@pytest.fixture
def window_with_agreement(qapp, qtbot, sqlite_services, shared_samples: Path):  # type: ignore[no-untyped-def]
    settings = opts.Settings()
    init_application(qapp, settings)
    setup_org(sqlite_services)
    sample = json.loads(shared_samples.read_text(encoding="utf-8"))
    code = sqlite_services.exchange.import_document({**sample, "cases": sample["cases"][:1]}).created[0]
    window = create_main_window(sqlite_services, settings)
    qtbot.addWidget(window)
    window.show()
    assert window.case_view.heading.text() == code
    return window, code


def open_documents(qtbot, window):  # type: ignore[no-untyped-def]
    qtbot.mouseClick(window.case_view.documents_button, Qt.MouseButton.LeftButton)
    dialog = window.document_dialog
    qtbot.waitExposed(dialog)
    return dialog


def test_preview_print_and_save_the_agreement(qtbot, window_with_agreement, tmp_path) -> None:
    window, code = window_with_agreement
    dialog = open_documents(qtbot, window)
    assert dialog.current_kind() == "agreement"
    assert not dialog.message.isVisible()
    assert dialog.pdf.pageCount() == 2
    assert dialog.info.text() == "共2页，打印3份"          # N = parties + 1
    assert not dialog.court.isVisible()                   # only for the court application

    assert dialog.save(tmp_path / "协议书.docx", "docx")
    reopened = docx.Document(str(tmp_path / "协议书.docx"))
    assert reopened.paragraphs[0].text == "人民调解协议书"
    assert dialog.save(tmp_path / "协议书.pdf", "pdf")
    assert (tmp_path / "协议书.pdf").read_bytes() == dialog.rendered.data
    assert "已保存" in dialog.info.text()
    save_dialog = dialog.ask_save("pdf")
    assert save_dialog.defaultSuffix() == "pdf" and save_dialog.isVisible()
    save_dialog.reject()


def test_the_court_application_asks_for_the_court_and_a_missing_form_explains_itself(
        qtbot, window_with_agreement, tmp_path) -> None:
    window, _code = window_with_agreement
    dialog = open_documents(qtbot, window)
    dialog.kind.setCurrentIndex(dialog.kind.findData("judicial-confirmation"))
    assert dialog.court.isVisible()
    # Proposed from the parties' domicile; the 30-day window counted in working days
    # (effective 2026-10-16: day 30 is Sunday 2026-11-15, so Monday 2026-11-16).
    assert dialog.court.currentText() == "临翔区人民法院"
    assert dialog.court.itemData(0, Qt.ItemDataRole.ToolTipRole).startswith("当事人")
    assert "申请期限：2026年11月16日前" in dialog.advice.text()
    dialog.court.setEditText("云南省临沧市临翔区人民法院")
    dialog.court.lineEdit().editingFinished.emit()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(dialog.rendered.data)).pages)
    assert "云南省临沧市临翔区人民法院" in "".join(text.split())
    # Typed but not confirmed with Enter: saving still prints the court on the screen.
    dialog.court.setEditText("临沧市中级人民法院")
    assert dialog.save(tmp_path / "申请书.pdf", "pdf")
    saved = "".join(p.extract_text() for p in PdfReader(tmp_path / "申请书.pdf").pages)
    assert "临沧市中级人民法院" in "".join(saved.split())

    dialog.kind.setCurrentIndex(dialog.kind.findData("termination"))
    assert dialog.message.isVisible() and "没有终止调解" in dialog.message.text()
    assert not dialog.print_button.isEnabled() and not dialog.save_docx_button.isEnabled()
    assert dialog.pdf.pageCount() == 0

    # An unwritable target: a message, nothing raised.
    dialog.kind.setCurrentIndex(dialog.kind.findData("agreement"))
    assert not dialog.save(tmp_path / "no-such-folder" / "x.pdf", "pdf")
    assert "无法保存" in dialog.message.text()


# -- 打印 ---------------------------------------------------------------------------------------
# No printer is installed here, so Qt's own (non-native) print dialog offers 打印到文件(PDF): the
# tests print through it as a user would and read the PDF that comes out.

A4_POINTS = (595.28, 841.89)


def type_file_name(qtbot, print_dialog: QPrintDialog, target: Path) -> None:  # type: ignore[no-untyped-def]
    """Type the file name over the proposed one; the file-name completer's list that pops up
    while typing is closed with Esc, as a user does before clicking 打印."""
    name = print_dialog.findChild(QLineEdit, "filename")
    name.selectAll()
    type_text(qtbot, name, str(target))
    popup = name.completer().popup() if name.completer() else None
    if popup is not None and popup.isVisible():
        qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert name.text() == str(target) and print_dialog.isVisible()


def print_to_file(qtbot, target: Path, *, press: str = "print"):  # type: ignore[no-untyped-def]
    """When the print dialog shows: check what it offers, type ``target`` as the file name and
    press 打印 (or 取消)."""
    def answer(print_dialog: QPrintDialog) -> None:
        printers = print_dialog.findChild(QComboBox, "printers")
        assert printers.currentText() == "打印到文件(PDF)"
        assert print_dialog.findChild(QSpinBox, "copies").value() == 3
        type_file_name(qtbot, print_dialog, target)
        buttons = print_dialog.findChild(QDialogButtonBox)
        role = QDialogButtonBox.StandardButton.Ok if press == "print" else QDialogButtonBox.StandardButton.Cancel
        assert buttons.button(role).text() == ("打印(&P)" if press == "print" else "取消")
        click(qtbot, buttons.button(role))
    return answer


def press_print(qtbot, dialog, target: Path, press: str = "print") -> QPrintDialog:  # type: ignore[no-untyped-def]
    seen = when_modal(QPrintDialog, print_to_file(qtbot, target, press=press))
    click(qtbot, dialog.print_button)
    assert seen, "the print dialog did not open"
    return seen[0]


def test_print_opens_the_dialog_and_prints_every_copy_on_a4(qtbot, window_with_agreement, tmp_path) -> None:
    window, _code = window_with_agreement
    dialog = open_documents(qtbot, window)
    target = tmp_path / "打印的协议书.pdf"
    print_dialog = press_print(qtbot, dialog, target)
    assert print_dialog.windowTitle() == "打印 — 人民调解协议书"

    # Two pages, three copies (one per party and one for the file): six pages in the file.
    pdf = PdfReader(target)
    assert len(pdf.pages) == 6
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1  # A4 portrait
        images = list(page.images)
        assert len(images) == 1 and images[0].image.width >= 2400  # the page at 300 dpi
    assert dialog.info.text() == f"已打印到文件：{target}（2页 × 3份）"
    assert not dialog.message.isVisible()

    # Not blank: the title of the agreement is on the first page, the copies repeat it.
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", str(target), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 6
    first = Image.open(pages[0]).convert("L")
    dark = sum(Image.open(pages[0]).convert("L").histogram()[:128])
    assert dark > 2000, "the printed page is blank"
    assert Image.open(pages[2]).convert("L").tobytes() == first.tobytes()  # copy 2 starts with page 1
    assert Image.open(pages[1]).convert("L").tobytes() != first.tobytes()


def test_cancelling_the_print_dialog_prints_nothing(qtbot, window_with_agreement, tmp_path) -> None:
    window, _code = window_with_agreement
    dialog = open_documents(qtbot, window)
    target = tmp_path / "不要打印.pdf"
    press_print(qtbot, dialog, target, press="cancel")
    assert not target.exists()
    assert dialog.info.text() == "共2页，打印3份"
    assert not dialog.message.isVisible()


@pytest.mark.qt_log_ignore("QPainter::begin", extend=True)
def test_a_printer_that_fails_says_so_in_chinese(qtbot, window_with_agreement, tmp_path) -> None:
    window, _code = window_with_agreement
    dialog = open_documents(qtbot, window)
    # A folder typed without a file name: Qt's print dialog itself refuses it, in Chinese, and
    # stays open for another name.
    warnings: list[str] = []

    def answer(print_dialog: QPrintDialog) -> None:
        type_file_name(qtbot, print_dialog, tmp_path)
        when_modal(QMessageBox, lambda box: (warnings.append(box.text()), box.accept()))
        click(qtbot, print_dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))
        assert print_dialog.isVisible()  # still open: the user picks another name or cancels

    seen = when_modal(QPrintDialog, answer)
    click(qtbot, dialog.print_button)
    assert seen and len(warnings) == 1 and "目录" in warnings[0], warnings
    assert not dialog.message.isVisible() and dialog.info.text() == "共2页，打印3份"

    # A printer that fails when printing starts (switched off, unplugged; here: a file in a
    # folder that takes no new file, like a write-protected USB stick) is named in red.
    target = Path("/proc/协议书.pdf")
    printer = dialog.new_printer()
    printer.setOutputFileName(str(target))
    assert dialog.print_to(printer) == 0
    assert not target.exists()
    assert dialog.message.isVisible()
    assert dialog.message.text() == f"无法打印到文件“{target}”，请换一个文件夹或文件名再试。"


def test_a_lapsed_application_is_warned_about_in_red_and_can_still_be_printed(
        qtbot, window_with_agreement, tmp_path) -> None:
    """Issue 12: the sample agreement took effect 2026-10-16, so the window closed on Monday
    2026-11-16; today (the tests' clock) is 2026-11-22."""
    window, _code = window_with_agreement
    dialog = open_documents(qtbot, window)
    assert not dialog.lapsed.isVisible()                  # the agreement itself: no warning
    combo = dialog.kind
    combo.setFocus()
    while combo.currentData() != "judicial-confirmation":  # chosen with the keyboard, as a user does
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert dialog.lapsed.isVisible()
    text = dialog.lapsed.text()
    assert text.startswith("申请期限已于2026年11月16日届满，人民法院不会受理本申请。")
    assert "向人民法院提起诉讼" in text
    assert "#b00020" in dialog.lapsed.styleSheet()         # red, like every refusal
    assert dialog.lapsed.palette().color(dialog.lapsed.foregroundRole()).name() == "#b00020"
    # The document is still there to print for the record.
    assert dialog.rendered is not None and dialog.pdf.pageCount() >= 1
    assert dialog.save(tmp_path / "申请书.pdf", "pdf")
    # Back to the agreement: the warning goes.
    while combo.currentData() != "agreement":
        qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert not dialog.lapsed.isVisible()


def test_no_lapsed_warning_while_the_window_is_open(qtbot, window_with_agreement, clock) -> None:
    from datetime import datetime

    window, _code = window_with_agreement
    clock.value = datetime(2026, 11, 16, 16, 0)            # the last day
    dialog = open_documents(qtbot, window)
    dialog.kind.setCurrentIndex(dialog.kind.findData("judicial-confirmation"))
    assert dialog.advice.isVisible() and "申请期限：2026年11月16日前" in dialog.advice.text()
    assert not dialog.lapsed.isVisible()
