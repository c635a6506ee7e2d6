"""Progress and cancelling of long operations (import, export, the case file, the .ics file).

Qt-free: a service takes two optional plain callables, ``progress(done, total)`` (``total`` 0
means "not yet known") and ``cancelled() -> bool``. A service calls :func:`step` at each unit of
work; when the user has asked to stop, :func:`step` raises :class:`Cancelled`, so the work ends
the way any failure does (a write transaction rolls back, a partial file is removed).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from mediator_desktop import paths
from mediator_desktop.services.errors import Cancelled

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def step(progress: Progress | None, cancelled: CancelCheck | None, done: int, total: int) -> None:
    """Report ``done`` of ``total`` and stop here if the user cancelled."""
    if cancelled is not None and cancelled():
        raise Cancelled()
    if progress is not None:
        progress(done, total)


@contextmanager
def replacing_file(path: str | Path) -> Iterator[BinaryIO]:
    """A file written beside ``path`` and put in its place only when the writing succeeded:
    a failed or cancelled export leaves neither a partial file nor a damaged earlier one.
    An export holds personal data: the file is the user's alone (0600)."""
    target = Path(path)
    part = target.with_name(target.name + ".part")
    try:
        with open(part, "wb", opener=paths.private_opener) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())  # on the disk before it takes the name (a power cut after the rename)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
