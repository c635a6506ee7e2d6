"""The Qt shell: app.py starts the application, main_window.py is the window with the case list.

Sub-packages: common/ (shared widgets, the change bus, dialog bases, background tasks),
case/ (the case view and its panels), agenda/ (today, the agenda, the working-day calendar),
intake/ (registering a case), documents/ (previewing and printing), settings/, and forms/
(generated from the Qt Designer files in forms/). ui/ shows, asks and calls the Services facade;
it never reaches storage.
"""

import PySide6.QtCore  # noqa: F401  (installs PySide6's import hook, made lighter next)

from mediator_desktop.pyside_hook import lighten

lighten()   # before the rest of the window is imported (see pyside_hook.py)
