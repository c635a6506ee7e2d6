"""The documents dialog, driven as a mediator uses it: open a case's documents, look at the
agreement, switch to the court application, print (to a PDF file), save as Word."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from conftest import setup_org
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

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

    printer = dialog.new_printer()
    assert printer.copyCount() == 3
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_to(printer) == 6                  # a PDF "printer" gets the copies as pages
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 6

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
