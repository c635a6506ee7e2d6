"""设置 → 数据库 → 迁移到服务器 (issue 16): a single-PC room's SQLite database copied whole to an
empty PostgreSQL database, verified table by table, and the server then works as the room did."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import make_services, pg_url, sample_draft
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mediator_desktop.cli import main
from mediator_desktop.services.dto import CaseQuery

pytestmark = pytest.mark.postgres


@pytest.fixture
def empty_server() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server."""
    base = make_url(pg_url())
    name = "transfer_target"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def room(tmp_path: Path, sqlite_template: Path, shared_samples: Path) -> str:
    """A room's database with demo cases, the samples, a screening round and an account."""
    target = tmp_path / "room.sqlite3"
    shutil.copy(sqlite_template, target)
    assert main(["--db", str(target), "demo", "--count", "60"]) == 0
    services = make_services(str(target))
    try:
        services.exchange.import_document(json.loads(shared_samples.read_text(encoding="utf-8")))
        from mediator_desktop.services.screening import ItemDraft, RoundDraft

        services.screening.save(None, RoundDraft(held_on=date(2026, 11, 20), area="龙门街道三组", screeners="杨志强",
                                           items=[ItemDraft(parties="张某等三户", summary="排水沟堵塞引发争执")]))
    finally:
        services.close()
    return str(target)


def _export(url: str) -> dict:  # type: ignore[type-arg]
    services = make_services(url)
    try:
        doc = services.exchange.export_document()
    finally:
        services.close()
    doc.pop("exported_at", None)
    return doc  # type: ignore[no-any-return]


def test_the_room_moves_to_the_server_whole_and_goes_on_working_there(room: str, empty_server: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", room, "move-to-server", empty_server]) == 0
    said = capsys.readouterr().out
    assert "逐表核对行数和校验值一致" in said and "审计记录" in said
    assert _export(empty_server) == _export(room)
    server = make_services(empty_server)
    try:
        assert server.audit.verify().ok
        total = server.cases.count(CaseQuery())
        assert total == make_services(room).cases.count(CaseQuery()) > 60
        assert server.cases.page(CaseQuery(text="排水"))           # the server's own search index works
        new = server.cases.register(sample_draft(summary="迁移到服务器后登记的第一件纠纷。"))
        assert new.id > total and server.cases.count(CaseQuery()) == total + 1   # ids go on after the copy
        assert server.screening.rounds() and server.audit.verify().ok
    finally:
        server.close()
    # A second move into the same (no longer empty) database is refused, and changes nothing there.
    assert main(["--db", room, "move-to-server", empty_server]) == 1
    assert "已经有数据" in capsys.readouterr().err
    again = make_services(empty_server)
    try:
        assert again.cases.count(CaseQuery()) == total + 1
    finally:
        again.close()


@pytest.mark.gui
def test_the_settings_button_moves_the_room_and_points_this_pc_at_the_server(qtbot, qapp, sqlite_services,  # type: ignore[no-untyped-def]
                                                                             empty_server: str) -> None:
    from gui_helpers import answer_yes, click, shown_window, type_text

    from mediator_desktop import settings as opts

    def before(services) -> None:  # type: ignore[no-untyped-def]
        for k in range(3):
            services.cases.register(sample_draft(summary=f"第{k + 1}件：邻里之间因排水发生争执。"))

    window = shown_window(qtbot, qapp, sqlite_services, before)
    window.settings_action.trigger()
    dialog = window.settings_dialog
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "数据库"))
    click(qtbot, dialog.move_button)                    # no address yet: said, nothing asked
    assert "请先在“共用数据库地址”里填写" in dialog.db_message.text()
    type_text(qtbot, dialog.db_url, empty_server)
    click(qtbot, dialog.move_button)
    box = dialog.move_question
    qtbot.waitExposed(box)
    answer_yes(qtbot, box)
    qtbot.waitUntil(lambda: "下次打开工作台时改用服务器" in dialog.db_message.text(), timeout=60_000)
    assert opts.Settings().get(opts.DATABASE_URL) == empty_server
    server = make_services(empty_server)
    try:
        assert server.cases.count(CaseQuery()) == 3
    finally:
        server.close()
    dialog.close()
