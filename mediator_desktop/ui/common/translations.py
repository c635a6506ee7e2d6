"""Qt's own words in Chinese whatever the PC's language: standard buttons (确定/取消/是/否),
context menus (撤消/复制/粘贴), the file and print dialogs, calendar pop-ups, dates and numbers.

Qt ships them as ``qtbase_zh_CN.qm`` beside its libraries; a frozen build may leave them out, so
a copy under ``resources/translations`` is the fallback.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from mediator_desktop import paths

#: Qt's catalogues for the widgets, print support and dialogs the application uses.
CATALOGUES = ("qtbase_zh_CN",)

_installed: list[QTranslator] = []
log = logging.getLogger(__name__)


def translation_folders() -> list[str]:
    return [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), str(paths.translations_dir())]


def install_translations(app: QCoreApplication) -> list[QTranslator]:
    """Set the default locale to 中文（中国） and install Qt's Chinese catalogues (once per
    application); returns the translators installed."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if _installed and all(t.parent() is app for t in _installed):
        return list(_installed)
    _installed.clear()
    for name in CATALOGUES:
        for folder in translation_folders():
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                _installed.append(translator)
                log.info("Qt's Chinese catalogue %s loaded from %s", name, folder)
                break
        else:  # Qt's buttons and dialogs would be in English (a bundle without its .qm files)
            log.warning("Qt's Chinese catalogue %s found in none of %s", name, translation_folders())
    return list(_installed)
