"""A lighter PySide6 import hook (start-up time and memory; issue 15).

Once PySide6 is imported, its ``__feature__`` machinery (PYSIDE-2029) asks of every module
imported afterwards whether its source mentions "PySide6", through ``inspect.getsource``: that
reads and keeps every module's text in ``linecache`` — at start-up some 230 modules, 7.8 MB of
text, and a few tens of milliseconds before the window paints. The same question is answered here
by reading the file's bytes (the original answers what has no plain source file). Nothing in
this program uses ``from __feature__ import``; the answer only decides whether a module could.
This module imports no Qt: it changes the hook only when PySide6 has already installed it.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any


def lighten() -> bool:
    """Install the lighter check if PySide6's feature hook is loaded (once); True if it is in place."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None:
        return False
    if getattr(original, "_lightened", False):
        return True

    def uses_pyside(module: ModuleType) -> Any:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return original(module)

    uses_pyside._lightened = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    return True
