"""The change bus: one object of the main window says what changed, and every view that shows it
listens — instead of each dialog and panel calling the views it knows about.

- ``case_changed(case_id)``: a case (or anything in it) was written: the list, its counts, the
  reminders and the open views follow;
- ``calendar_changed()``: a holiday arrangement was saved: every deadline may have moved;
- ``settings_changed()``: the settings dialog closed: options the services use are applied again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ChangeBus(QObject):
    case_changed = Signal(int)
    calendar_changed = Signal()
    settings_changed = Signal()
