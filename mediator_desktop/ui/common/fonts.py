"""Register the shipped CJK font so Chinese never shows as boxes, on any PC."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from mediator_desktop.paths import fonts_dir

log = logging.getLogger(__name__)
PREFERRED_FAMILY = "WenQuanYi Micro Hei"
#: Families Qt tries, in order, for a character the main font lacks (rare name characters).
FALLBACK_FAMILIES = ["HanaMinA", "HanaMinB"]
#: The font files the UI registers (FandolFang is for printed documents only).
UI_FONT_FILES = ["wqy-microhei.ttc", "HanaMinA.ttf", "HanaMinB.ttf"]
_registered: list[str] = []


def register_app_fonts(app: QApplication, point_size: int | None = None) -> str:
    """Add every font under ``resources/fonts`` and make the CJK one the UI default.

    Returns the family used. Registering twice is harmless (done once per process).
    """
    if not _registered:
        for path in (fonts_dir() / name for name in UI_FONT_FILES):
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id < 0:
                log.warning("could not load font %s", path)
                continue
            _registered.extend(QFontDatabase.applicationFontFamilies(font_id))
        if not _registered:
            log.warning("no font found in %s: Chinese may show as boxes", fonts_dir())
    family = PREFERRED_FAMILY if PREFERRED_FAMILY in _registered else (_registered[0] if _registered else "")
    font = QFont(family) if family else app.font()
    if family:
        font.setFamilies([family] + [f for f in FALLBACK_FAMILIES if f in _registered])
    font.setPointSize(point_size or max(app.font().pointSize(), 12))
    app.setFont(font)
    return family or app.font().family()
