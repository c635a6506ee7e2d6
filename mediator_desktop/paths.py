"""Every file-system location the application uses, in one place.

Tests (and portable installs) redirect all of them at once by setting the environment
variable ``MEDIATOR_DESKTOP_HOME`` to a folder; otherwise the platform's per-user folders
are used (``platformdirs``).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_data_path

from mediator_desktop import APP_NAME

HOME_ENV = "MEDIATOR_DESKTOP_HOME"

#: Folders and files holding personal data are the user's alone (POSIX modes; on Windows the
#: data lives in the user's own profile and these calls change nothing that matters).
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_DIR = _PACKAGE_DIR.parent


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value) if value else None


def _owner_only(mode: int) -> int | None:
    """``mode`` without the group's and others' permissions (the owner's stay as they are, so a
    file the user made read-only stays read-only); None when there is nothing to take away."""
    return mode & 0o7700 if mode & 0o077 else None


def _tighten(target: Path | int) -> None:
    """Take the group's and others' permissions from a path or an open file descriptor
    (POSIX only; one that is not ours, e.g. a folder the user pointed at, is left as it is)."""
    if os.name != "posix":
        return
    try:
        mode = (os.fstat(target) if isinstance(target, int) else target.stat()).st_mode & 0o7777
        tighter = _owner_only(mode)
        if tighter is not None:
            if isinstance(target, int):
                os.fchmod(target, tighter)
            else:
                os.chmod(target, tighter)
    except OSError:
        pass


def private_dir(path: Path) -> Path:
    """Create ``path`` (with its parents) if missing and make it the user's alone (0700; an
    existing folder of an earlier version is tightened too). Returns ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    _tighten(path)
    return path


def private_file(path: Path) -> Path:
    """Make an existing file the user's alone (0600, or 0400 for one the user made read-only);
    a missing file is left missing."""
    _tighten(path)
    return path


def private_opener(path: str, flags: int) -> int:
    """An ``opener`` for :func:`open`: a new file is created 0600, and an existing one is made
    0600 too (``open(p, "w", opener=paths.private_opener)``)."""
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    _tighten(fd)
    return fd


def write_json_atomically(path: Path, data: Any, *, indent: int = 1, sort_keys: bool = False) -> None:
    """Write ``data`` as JSON so that the file on disk is always either the old or the new one,
    whole: a temporary file (0600) in the same folder, fsynced, renamed over the old one, then
    the folder fsynced so the rename itself survives a power cut (POSIX). A failed write leaves
    the old file as it was and no temporary file behind."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
            fh.flush()
            os.fsync(fh.fileno())   # on the disk before it replaces the old file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if os.name == "posix":
        try:
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError:
            pass


def data_dir() -> Path:
    """Folder for the embedded database, backups and attachments (the user's alone)."""
    home = _home()
    return private_dir(home / "data" if home else user_data_path(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Folder for ``settings.json`` (the user's alone: it may hold a server's address)."""
    home = _home()
    return private_dir(home / "config" if home else user_config_path(APP_NAME, appauthor=False))


def settings_file() -> Path:
    return config_dir() / "settings.json"


def default_database_file() -> Path:
    return data_dir() / "mediator.sqlite3"


def default_database_url() -> str:
    return f"sqlite:///{default_database_file().as_posix()}"


def backups_dir() -> Path:
    return private_dir(data_dir() / "backups")


def resources_dir() -> Path:
    """The read-only ``resources/`` folder (fonts, icons, translations).

    In a source checkout it sits beside the package; a frozen build (PyInstaller) puts it
    next to the executable's unpacked files.
    """
    frozen_root = getattr(__import__("sys"), "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return _REPO_DIR / "resources"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def icon_file() -> Path:
    """The application's icon (window, menu entry; ``packaging/make_icons.py`` draws it)."""
    return resources_dir() / "icons" / "mediator-desktop.png"


def translations_dir() -> Path:
    """Qt's Chinese catalogues, used when the Qt installation has none (a frozen build)."""
    return resources_dir() / "translations"


def forms_dir() -> Path:
    """Qt Designer ``.ui`` sources (compiled into ``mediator_desktop/ui/forms``)."""
    return _REPO_DIR / "forms"


def log_dir() -> Path:
    """Folder of the log files (what went wrong, with the full traceback, for support)."""
    return private_dir(data_dir() / "logs")


def log_file() -> Path:
    """The rotating log both the window and the command line write to."""
    return log_dir() / "mediator-desktop.log"


def crash_file() -> Path:
    """Where ``faulthandler`` writes the Python stacks of a hard crash (a segfault in Qt)."""
    return log_dir() / "crash.log"


def cache_dir() -> Path:
    """Folder for what can be computed again (the fonts' character maps and parsed tables):
    safe to delete."""
    return data_dir() / "cache"


def autosave_dir() -> Path:
    """Folder of the record editor's autosave journals (crash and power-cut recovery)."""
    return private_dir(data_dir() / "autosave")
