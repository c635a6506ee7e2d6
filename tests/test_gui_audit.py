"""设置 → 审计: the trail with filters and the chain's check, through the real settings dialog."""

from __future__ import annotations

import pytest
from conftest import sample_draft
from gui_helpers import click, shown_window, type_text
from sqlalchemy import create_engine, text

from mediator_desktop.services.dto import CaseQuery

pytestmark = pytest.mark.gui


def _settings_audit(qtbot, window):  # type: ignore[no-untyped-def]
    window.settings_action.trigger()
    dialog = window.settings_dialog
    qtbot.waitExposed(dialog)
    page = dialog.audit_page
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "审计"
    return dialog, page


def test_the_trail_is_listed_filtered_and_checked_and_a_forged_entry_is_named(qtbot, qapp, sqlite_services,  # type: ignore[no-untyped-def]
                                                                              sqlite_url) -> None:
    def before(services) -> None:  # type: ignore[no-untyped-def]
        services.cases.register(sample_draft())
        services.cases.register(sample_draft(summary="两家因宅基地界址发生争执。"))

    window = shown_window(qtbot, qapp, sqlite_services, before)
    dialog, page = _settings_audit(qtbot, window)
    click(qtbot, page.search_button)
    everything = page.model.rowCount()
    assert everything >= 2 and "找到" in page.message.text()
    code = sqlite_services.cases.page(CaseQuery())[0].code
    type_text(qtbot, page.case_code, code)
    click(qtbot, page.search_button)
    assert 0 < page.model.rowCount() < everything
    assert {page.model.rows[r].case_code for r in range(page.model.rowCount())} == {code}

    click(qtbot, page.verify_button)
    qtbot.waitUntil(lambda: "审计记录" in page.message.text() and page.verify_button.isEnabled(), timeout=10_000)
    assert "审计记录完整" in page.message.text()

    engine = create_engine(sqlite_url if "://" in sqlite_url else f"sqlite:///{sqlite_url}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = '冒名' WHERE seq = 2"))
    engine.dispose()
    page.message.clear()
    click(qtbot, page.verify_button)
    qtbot.waitUntil(lambda: "审计记录" in page.message.text() and page.verify_button.isEnabled(), timeout=10_000)
    assert "审计记录不完整" in page.message.text() and "第2条" in page.message.text()
    dialog.close()
