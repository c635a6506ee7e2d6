"""The record editor's autosave journals: what was typed and not yet saved, on the PC's disk.

Nothing typed is lost. The editor hands its unsaved text to :class:`Journals` a few seconds
after a change; saving to the database forgets it. A journal is one JSON file per session,
``autosave/<database id>/session-<id>.json``, written whole or not at all (temporary file,
fsync, rename, fsync of the folder), so a power cut leaves either the old or the new one.

A journal holds the record, the caucus note and the private notes of each author. A private
note is seen only by its author, so its draft is kept under the author's name and given back
only to that author; forgetting one user's text keeps another user's draft in the file.

Qt-free: the editor (ui/case/record_editor.py) keeps only the timer and the widgets.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from mediator_desktop import paths
from mediator_desktop.domain.enums import NoteKind

log = logging.getLogger(__name__)

JOURNAL_FORMAT = 1

Journal = dict[str, Any]


def journals_dir(database_id: str) -> Path:
    """The autosave journals of one database: a folder named by its identity (a UUID kept in
    the database), so session 3 of one database never shares a journal with session 3 of
    another."""
    return paths.private_dir(paths.autosave_dir() / database_id)


def journal_path(database_id: str, session_id: int) -> Path:
    return journals_dir(database_id) / f"session-{session_id}.json"


def write_journal_file(path: Path, data: Journal) -> None:
    """Write a journal so that the file on disk is always either the old or the new one, whole."""
    paths.write_json_atomically(path, data, indent=1)


def read_journal(path: Path) -> Journal | None:
    """A journal file's content; None when there is none or it cannot be read (logged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("autosave journal %s unreadable: %s", path, exc)
        return None
    return data if isinstance(data, dict) and data.get("format") == JOURNAL_FORMAT else None


def private_drafts(data: Journal | None) -> dict[str, dict[str, Any]]:
    """The unsaved private notes of a journal, by author."""
    drafts = (data or {}).get("private")
    if not isinstance(drafts, dict):
        return {}
    return {str(author): state for author, state in drafts.items() if isinstance(state, dict)}


def journal_has_work_for(data: Journal, author: str) -> bool:
    """Whether a journal holds anything ``author`` may see: the record, a caucus note, or
    their own private note (never another user's)."""
    notes = data.get("notes")
    if not isinstance(notes, dict):
        notes = {}
    return (isinstance(data.get("record"), dict) or isinstance(notes.get(NoteKind.CAUCUS.value), dict)
            or author in private_drafts(data))


def journal_time(value: object) -> str:
    """When a journal was written, as the editor's banner says it ("11月3日9时30分")."""
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    return f"{at.month}月{at.day}日{at.hour}时{at.minute}分"


class Journals:
    """The autosave journals of one database (``database_id``; ``database_label`` is what an
    earlier version marked its journals with)."""

    def __init__(self, database_id: str, database_label: str) -> None:
        self.database_id = database_id
        self.database_label = database_label

    def path(self, session_id: int) -> Path:
        return journal_path(self.database_id, session_id)

    def _of_database(self, data: Journal) -> bool:
        """Whether a journal (found in this database's folder) says it belongs here too."""
        return bool(data.get("database_id", self.database_id) == self.database_id)

    def _files(self) -> list[tuple[Path, Journal]]:
        found = []
        for path in sorted(journals_dir(self.database_id).glob("session-*.json")):
            data = read_journal(path)
            if data and self._of_database(data):
                found.append((path, data))
        return found

    # -- the whole database ------------------------------------------------------------------

    def adopt_legacy(self) -> int:
        """Move the journals an earlier version kept directly in the autosave folder (named by
        session only, marked with the database's description) into this database's folder;
        returns how many moved. One already in the folder wins (it is newer)."""
        moved = 0
        for path in sorted(paths.autosave_dir().glob("session-*.json")):
            data = read_journal(path)
            if (not data or data.get("database") != self.database_label
                    or not isinstance(data.get("session_id"), int)):
                continue
            target = self.path(int(data["session_id"]))
            if target.exists():
                continue
            data["database_id"] = self.database_id
            try:
                write_journal_file(target, data)
                path.unlink()
            except OSError as exc:
                log.warning("could not move autosave journal %s: %s", path, exc)
                continue
            moved += 1
        return moved

    def pending(self, author: str) -> list[int]:
        """Ids of the sessions whose record editor left unsaved text behind that ``author``
        may see (offered at start-up to be opened again)."""
        self.adopt_legacy()
        return [int(data["session_id"]) for _path, data in self._files()
                if isinstance(data.get("session_id"), int) and journal_has_work_for(data, author)]

    def adopt_private_drafts(self, old_author: str, new_author: str) -> int:
        """Move the unsaved private drafts kept under ``old_author`` to ``new_author`` (the PC's
        user has just been named); returns how many journals changed."""
        changed = 0
        for path, data in self._files():
            drafts = private_drafts(data)
            if old_author not in drafts or new_author in drafts:
                continue
            drafts[new_author] = drafts.pop(old_author)
            data["private"] = drafts
            write_journal_file(path, data)
            changed += 1
        return changed

    # -- one session -------------------------------------------------------------------------

    def load(self, session_id: int) -> Journal | None:
        """This session's journal, when there is one and it belongs to this database."""
        data = read_journal(self.path(session_id))
        if data is None or not self._of_database(data) or data.get("session_id") != session_id:
            return None
        return data

    @staticmethod
    def own_private(data: Journal, author: str) -> dict[str, Any] | None:
        """``author``'s own unsaved private note in a journal (another user's is never given)."""
        return private_drafts(data).get(author)

    @staticmethod
    def written_at(data: Journal) -> str:
        """When a journal was written, as the editor's banner says it."""
        return journal_time(data.get("saved_at"))

    def others_private(self, session_id: int, author: str) -> dict[str, dict[str, Any]]:
        """Other users' unsaved private notes in a session's journal: kept as they are, never
        shown to ``author``."""
        return {a: st for a, st in private_drafts(self.load(session_id)).items() if a != author}

    def write(self, session_id: int, *, author: str, case_code: str, base_version: int | None,
              record: dict[str, Any] | None, caucus: dict[str, Any] | None,
              private: dict[str, Any] | None) -> None:
        """Keep ``author``'s unsaved text of a session (``private``: their own private note);
        other users' private drafts in the file stay. Raises OSError when the disk refuses."""
        drafts = self.others_private(session_id, author)
        if private is not None:
            drafts[author] = private
        self._write(session_id, case_code, base_version, record, caucus, drafts)

    def _write(self, session_id: int, case_code: str, base_version: int | None,
               record: dict[str, Any] | None, caucus: dict[str, Any] | None,
               private: dict[str, dict[str, Any]]) -> None:
        write_journal_file(self.path(session_id), {
            "format": JOURNAL_FORMAT, "database": self.database_label,
            "database_id": self.database_id,
            "session_id": session_id, "case_code": case_code,
            "base_version": base_version, "saved_at": datetime.now().isoformat(timespec="seconds"),
            "record": record,
            "notes": {NoteKind.CAUCUS.value: caucus},
            "private": private,
        })

    def forget(self, session_id: int, author: str, case_code: str, base_version: int | None) -> None:
        """Forget ``author``'s unsaved text of a session; another user's unsaved private note
        stays in the file (rewriting it raises OSError when the disk refuses)."""
        others = self.others_private(session_id, author)
        if others:
            self._write(session_id, case_code, base_version, None, None, others)
            return
        path = self.path(session_id)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not delete autosave journal %s: %s", path, exc)
