"""What the main window does before its first paint (issue 15): one read of the list's first
page, and none of the case view's panel tabs made until somebody needs one — then the panel
takes its tab's place and works as if it had always been there."""

from __future__ import annotations

import pytest
from conftest import sample_draft
from gui_helpers import start_gui
from PySide6.QtCore import Qt
from sqlalchemy import event

from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.ui.app import create_main_window
from mediator_desktop.ui.case.case_view import PANELS

pytestmark = pytest.mark.gui


def test_the_window_reads_the_list_once_and_makes_no_panel_before_it_is_needed(qtbot, qapp, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    services = sqlite_services
    settings = start_gui(qapp, services)
    detail = services.cases.register(sample_draft(mediators=[MediatorAssignment(services.mediator_ids[0])]))
    pages: list[str] = []

    def count_pages(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith("SELECT mediation_case.id, mediation_case.code"):
            pages.append(statement)

    engine = services.db.engine
    event.listen(engine, "before_cursor_execute", count_pages)
    try:
        window = create_main_window(services, settings)
    finally:
        event.remove(engine, "before_cursor_execute", count_pages)
    qtbot.addWidget(window)
    # The sort order set while the window is built reads nothing: one page, read by refresh().
    assert len(pages) == 1, pages
    view = window.case_view
    assert view.detail is not None and view.detail.id == detail.id
    assert view.panels == []
    assert [view.tabs.tabText(i) for i in range(1, 1 + len(PANELS))] == [title for _k, title, *_r in PANELS]

    window.show()
    qtbot.waitExposed(window)
    # The user clicks the 调解活动 tab: the panel is made in its place and shows the case.
    index = 1 + [k for k, *_r in PANELS].index("sessions")
    bar = view.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    panel = view.made_panel("sessions")
    assert panel is not None and view.tabs.currentWidget() is panel and view.tabs.indexOf(panel) == index
    assert panel.detail is not None and panel.detail.id == detail.id  # type: ignore[attr-defined]
    assert view.tabs.count() == 2 + len(PANELS)
    # A menu action of another, unmade tab makes that tab and presses its button.
    assert view.made_panel("followup") is None
    view.case_actions["add_visit"].trigger()
    followups = view.made_panel("followup")
    assert followups is not None and view.tabs.currentWidget() is followups
    # Closing with a panel never made does not make it.
    window.close()
    assert view.made_panel("risk") is None
