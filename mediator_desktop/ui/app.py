"""Starting the window: fonts, database, first-run set-up, main window."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFontMetrics, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QTableView

from mediator_desktop import APP_NAME, APP_TITLE, paths
from mediator_desktop import settings as opts
from mediator_desktop.services.context import Actor
from mediator_desktop.ui.common.fonts import register_app_fonts

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


def apply_font_size(points: int, app: QApplication | None = None) -> None:
    """Scale the whole UI at once: Qt passes the application font to every widget that has
    not set its own; headings keep their proportion and coloured labels are polished again
    (widgets.follow_font_size); table rows are made tall enough for the new size; open
    windows are fitted to the screen again (grown or shrunk)."""
    from mediator_desktop.ui.common.widgets import (
        follow_font_size,
        install_font_scaled_style,
        install_message_box_fitter,
    )

    app = app or QApplication.instance()  # type: ignore[assignment]
    assert app is not None
    install_font_scaled_style(app)  # check boxes as large as their text
    install_message_box_fitter(app)  # long questions wider rather than taller than the screen
    font = app.font()
    font.setPointSize(points)
    app.setFont(font)
    row_height = QFontMetrics(font).height() + 12
    for widget in app.allWidgets():
        if isinstance(widget, QTableView):
            widget.verticalHeader().setDefaultSectionSize(row_height)
    follow_font_size(app)


def init_application(app: QApplication, settings: opts.Settings) -> str:
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setDesktopFileName(APP_NAME)  # the menu entry mediator-desktop.desktop (its icon on Wayland)
    icon = paths.icon_file()
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    else:
        logging.getLogger(__name__).warning("application icon %s missing", icon)
    from mediator_desktop.ui.common.translations import install_translations

    install_translations(app)
    from mediator_desktop.ui.common.widgets import install_input_guards

    install_input_guards(app)
    from mediator_desktop.ui.common.gc_timer import collect_on_gui_thread

    collect_on_gui_thread(app)
    family = register_app_fonts(app, settings.get(opts.UI_FONT_SIZE))
    return family


def create_main_window(services: Services, settings: opts.Settings):
    from mediator_desktop.ui.main_window import MainWindow

    window = MainWindow(services, settings)
    apply_font_size(settings.get(opts.UI_FONT_SIZE))
    return window


def _fatal(text: str) -> int:
    box = QMessageBox(QMessageBox.Icon.Critical, APP_TITLE, text)
    box.exec()  # top level, before any window: the only modal loop in the app
    return 1


def _ask_create(path) -> bool:
    """The database file named does not exist: make a new, empty one only if the user says so."""
    box = QMessageBox(QMessageBox.Icon.Question, APP_TITLE,
                      f"找不到数据库文件：\n{path}\n\n如果是路径输错了或U盘没插好，请选“不新建”，检查后再打开。\n"
                      "确实要在这里新建一个空数据库吗？")
    create = box.addButton("新建空数据库", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton("不新建", QMessageBox.ButtonRole.RejectRole))
    box.exec()
    return box.clickedButton() is create


class _QuitAfterFirstPaint(QObject):
    """``gui --quit-after MS``: quit ``ms`` milliseconds after the first widget has painted, so
    the packaging test (and a start-up timing) runs the real window and lets it close itself."""

    def __init__(self, app: QApplication, ms: int) -> None:
        super().__init__(app)
        self.ms = ms

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            app = self.parent()
            app.removeEventFilter(self)
            logging.getLogger(__name__).info("first paint; quitting in %d ms (--quit-after)", self.ms)
            QTimer.singleShot(self.ms, app.quit)
        return False


def run(db_url: str | None = None, *, create: bool = False, quit_after: int | None = None) -> int:
    from mediator_desktop.logfile import setup_logging
    from mediator_desktop.ui.common.excepthook import install_error_reporter

    log_file = setup_logging(crashes=True)
    app = QApplication.instance() or QApplication(sys.argv)
    install_error_reporter(app, log_file)  # type: ignore[arg-type]  # a child of app: lives as long
    if quit_after is not None:  # (installed first: an error box at start closes itself too, exit code 1)
        app.installEventFilter(_QuitAfterFirstPaint(app, quit_after))  # type: ignore[arg-type]
    settings = opts.Settings()
    init_application(app, settings)  # type: ignore[arg-type]
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.errors import DatabaseMissingError, ServiceError, StorageError

    url = db_url or settings.get(opts.DATABASE_URL) or None
    actor = Actor(name=settings.get(opts.CURRENT_USER) or opts.UNNAMED_USER)
    try:
        try:
            # The default database is made on the first start; a named file that is missing is
            # asked about (a mistyped path or an unplugged USB disk must not become a new database).
            services = Services.open(url, actor, create=create or url is None, lazy=True)
        except DatabaseMissingError as missing:
            if not _ask_create(missing.path):
                return 1
            services = Services.open(url, actor, create=True, lazy=True)
    except (StorageError, ServiceError) as exc:
        return _fatal(f"无法打开数据库。\n\n{exc}")
    except Exception:  # a fault no message foresaw: a Chinese box, the details in the log
        import logging

        logging.getLogger(__name__).exception("opening the database failed")
        return _fatal(f"无法打开数据库：程序出了意外的问题。\n\n详细情况已记入日志 {log_file}，请把它交给负责电脑的同事。")
    opts.configure_services(services, settings)
    state: dict[str, object] = {}

    def show_main() -> None:
        window = create_main_window(services, settings)
        window.show()
        state["window"] = window

    def after_sign_in() -> None:
        from mediator_desktop.ui.settings.sign_in import ScreenLock

        settings.set(opts.LAST_LOGIN, services.user_login)
        settings.save()
        state["lock"] = ScreenLock(services, settings.get(opts.LOCK_MINUTES), app)
        show_main()

    if services.accounts.sign_in_required():
        # Sign-in is on: the account says who is using the PC (no first-run question).
        from mediator_desktop.ui.settings.sign_in import SignInDialog

        sign_in = SignInDialog(services, login=settings.get(opts.LAST_LOGIN))
        sign_in.accepted.connect(after_sign_in)
        sign_in.rejected.connect(app.quit)
        sign_in.show()
        state["sign_in"] = sign_in
    elif not services.organization.is_set_up() or not settings.get(opts.CURRENT_USER).strip():
        # First run, or a PC that has not said who uses it (a shared database set up elsewhere).
        from mediator_desktop.ui.settings.first_run import FirstRunDialog

        dialog = FirstRunDialog(services, settings)
        dialog.accepted.connect(show_main)
        dialog.rejected.connect(app.quit)
        dialog.show()
        state["first_run"] = dialog
    else:
        show_main()
    code = app.exec()
    services.close()
    return code
