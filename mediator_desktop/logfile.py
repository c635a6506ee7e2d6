"""The log file: one rotating file in the data folder that the window and the command line
both write to (1 MB × 5), so a support person finds every traceback in one place."""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import platform
import sys
from pathlib import Path
from typing import IO

from mediator_desktop import __version__, paths

MAX_BYTES = 1_000_000
BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"

_MARK = "mediator_log_file"
_crash_stream: IO[str] | None = None


def _platform_text() -> str:
    """The system for the log's first line, as ``platform.platform()`` words it on Linux
    (``Linux-6.1.0-x86_64-with-glibc2.36``) but without the processor: asking for that runs
    ``uname -p`` in a subprocess on Linux and macOS, about 10 ms of every command."""
    uname = platform.uname()  # (its fields one by one: iterating it would ask for the processor)
    text = "-".join(part for part in (uname.system, uname.release, uname.machine) if part)
    libc, version = platform.libc_ver() if uname.system == "Linux" else ("", "")
    return f"{text}-with-{libc}{version}" if libc else text


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log holds names and tracebacks with personal data: each file it opens (the first
    one and every one after a rollover) is the user's alone (0600)."""

    def _open(self):  # type: ignore[no-untyped-def]
        return open(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors,
                    opener=paths.private_opener)


def setup_logging(*, crashes: bool = False, level: int = logging.INFO) -> Path:
    """Send the root logger to the rotating log file (once per file); with ``crashes`` also
    let ``faulthandler`` write a hard crash's stacks next to it. Returns the log file."""
    global _crash_stream
    target = paths.log_file()
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, _MARK, False)]
    for handler in ours:
        if Path(handler.baseFilename) != target:  # type: ignore[attr-defined]  # data folder changed
            root.removeHandler(handler)
            handler.close()
    if not any(h in root.handlers for h in ours):
        handler = _PrivateRotatingFileHandler(target, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                       encoding="utf-8", delay=True)
        setattr(handler, _MARK, True)
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
        if root.level > level or root.level == logging.NOTSET:
            root.setLevel(level)
        logging.getLogger(__name__).info("mediator-desktop %s (%s) on %s, Python %s", __version__,
                                         " ".join(sys.argv[1:3]) or "window", _platform_text(),
                                         platform.python_version())
    if crashes:
        crash = paths.crash_file()
        if _crash_stream is None or _crash_stream.name != str(crash):
            _crash_stream = open(crash, "a", encoding="utf-8",  # noqa: SIM115 — stays open for the process
                                 opener=paths.private_opener)
        faulthandler.enable(_crash_stream)
    return target


def close_logging() -> None:
    """Remove and close the log-file handlers (tests; the application keeps its log open)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()
