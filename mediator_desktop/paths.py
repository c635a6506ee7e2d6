"""Every file-system location the application uses, in one place.

Tests (and portable installs) redirect all of them at once by setting the environment
variable ``MEDIATOR_DESKTOP_HOME`` to a folder; otherwise the platform's per-user folders
are used (``platformdirs``).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

from mediator_desktop import APP_NAME

HOME_ENV = "MEDIATOR_DESKTOP_HOME"

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_DIR = _PACKAGE_DIR.parent


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value) if value else None


def data_dir() -> Path:
    """Folder for the embedded database, backups and attachments."""
    home = _home()
    path = home / "data" if home else user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Folder for ``settings.json``."""
    home = _home()
    path = home / "config" if home else user_config_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    return config_dir() / "settings.json"


def default_database_file() -> Path:
    return data_dir() / "mediator.sqlite3"


def default_database_url() -> str:
    return f"sqlite:///{default_database_file().as_posix()}"


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


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


def translations_dir() -> Path:
    """Qt's Chinese catalogues, used when the Qt installation has none (a frozen build)."""
    return resources_dir() / "translations"


def forms_dir() -> Path:
    """Qt Designer ``.ui`` sources (compiled into ``mediator_desktop/ui/forms``)."""
    return _REPO_DIR / "forms"


def log_dir() -> Path:
    """Folder of the log files (what went wrong, with the full traceback, for support)."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    """The rotating log both the window and the command line write to."""
    return log_dir() / "mediator-desktop.log"


def crash_file() -> Path:
    """Where ``faulthandler`` writes the Python stacks of a hard crash (a segfault in Qt)."""
    return log_dir() / "crash.log"


def autosave_dir() -> Path:
    """Folder of the record editor's autosave journals (crash and power-cut recovery)."""
    path = data_dir() / "autosave"
    path.mkdir(parents=True, exist_ok=True)
    return path
