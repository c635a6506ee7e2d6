"""The autosave journal without a window (services/journals.py): what the record editor hands
it is on disk whole, each author gets back only their own private draft, and forgetting one
user's text keeps another's."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mediator_desktop import paths
from mediator_desktop.services.journals import JOURNAL_FORMAT, Journals, journal_path, read_journal

RECORD = {"record": "申请人同意分两期付款", "present": [1, 2]}


@pytest.fixture
def journals() -> Journals:
    return Journals("0f0e-database", "SQLite：/tmp/x.sqlite3")


def test_written_text_comes_back_and_each_author_keeps_only_their_own(journals: Journals) -> None:
    journals.write(7, author="王芳", case_code="2026-0007", base_version=3, record=RECORD,
                   caucus={"text": "被申请人单独表示可以让步"}, private={"text": "王芳的笔记"})
    journals.write(7, author="杨志强", case_code="2026-0007", base_version=3, record=RECORD,
                   caucus=None, private={"text": "杨志强的笔记"})

    data = journals.load(7)
    assert data is not None and data["record"] == RECORD and data["base_version"] == 3
    assert Journals.own_private(data, "王芳") == {"text": "王芳的笔记"}
    assert Journals.own_private(data, "杨志强") == {"text": "杨志强的笔记"}
    assert journals.pending("王芳") == [7] and journals.pending("李四") == [7]   # the record is shared

    journals.forget(7, "杨志强", "2026-0007", 3)
    data = journals.load(7)
    assert data is not None and data["record"] is None
    assert Journals.own_private(data, "王芳") == {"text": "王芳的笔记"} and Journals.own_private(data, "杨志强") is None
    assert journals.pending("王芳") == [7] and journals.pending("杨志强") == []

    journals.forget(7, "王芳", "2026-0007", 3)
    assert not journals.path(7).exists() and journals.pending("王芳") == []


def test_a_journal_of_another_database_is_neither_loaded_nor_offered(journals: Journals) -> None:
    journals.write(5, author="王芳", case_code="2026-0005", base_version=1, record=RECORD, caucus=None, private=None)
    path = journals.path(5)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["database_id"] = "another-database"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert journals.load(5) is None and journals.pending("王芳") == []
    assert read_journal(path) is not None           # left alone, not deleted


def test_naming_the_user_moves_the_unnamed_drafts_to_them(journals: Journals) -> None:
    journals.write(2, author="调解员", case_code="2026-0002", base_version=1, record=None, caucus=None,
                   private={"text": "没写完"})
    assert journals.adopt_private_drafts("调解员", "王芳") == 1
    data = journals.load(2)
    assert data is not None and Journals.own_private(data, "王芳") == {"text": "没写完"}
    assert Journals.own_private(data, "调解员") is None


def test_a_journal_of_an_earlier_version_moves_into_its_database_folder(journals: Journals) -> None:
    legacy = paths.private_dir(paths.autosave_dir()) / "session-9.json"
    legacy.write_text(json.dumps({"format": JOURNAL_FORMAT, "database": journals.database_label, "session_id": 9,
                                  "record": RECORD}), encoding="utf-8")
    stranger = paths.autosave_dir() / "session-8.json"
    stranger.write_text(json.dumps({"format": JOURNAL_FORMAT, "database": "另一个数据库", "session_id": 8,
                                    "record": RECORD}), encoding="utf-8")
    assert journals.pending("王芳") == [9]
    assert not legacy.exists() and journal_path(journals.database_id, 9).exists()
    assert stranger.exists()


def test_a_write_cut_off_midway_leaves_the_old_journal_whole(journals: Journals,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    journals.write(4, author="王芳", case_code="2026-0004", base_version=1, record=RECORD, caucus=None, private=None)
    before = journals.path(4).read_bytes()

    def power_cut(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "replace", power_cut)
        with pytest.raises(OSError):
            journals.write(4, author="王芳", case_code="2026-0004", base_version=2,
                           record={"record": "新的内容"}, caucus=None, private=None)
    assert journals.path(4).read_bytes() == before
    assert [p.name for p in journals.path(4).parent.iterdir() if p.suffix == ".tmp"] == []


def test_an_unreadable_journal_is_skipped_not_fatal(journals: Journals) -> None:
    path: Path = journals.path(6)
    path.write_bytes(b"\x00\x01 not json")
    assert read_journal(path) is None and journals.load(6) is None and journals.pending("王芳") == []
    assert Journals.written_at({"saved_at": "2026-11-03T09:30:00"}) == "11月3日9时30分"
