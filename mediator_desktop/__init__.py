"""Mediator Desktop (调解工作台): an offline workbench for people's mediation rooms (人民调解室)."""

__version__ = "0.1.0"
APP_NAME = "mediator-desktop"
APP_TITLE = "调解工作台"


def _lighten_pyside_import_hook() -> None:
    # A program that imported PySide6 before this package (the bench, a test run) gets the
    # lighter hook before the services' imports; the window's start installs it in ui/app.py.
    import sys

    if "shibokensupport.feature" in sys.modules:
        from mediator_desktop.pyside_hook import lighten

        lighten()


_lighten_pyside_import_hook()
