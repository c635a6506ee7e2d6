"""The mediation room's screen for offscreen screenshots: 1366×768 (the offscreen platform's
own screen is 800×800). Import before the QApplication is made:

    from room_screen import use_room_screen
    use_room_screen()
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

WIDTH, HEIGHT = 1366, 768


def use_room_screen(width: int = WIDTH, height: int = HEIGHT) -> None:
    """Point the offscreen platform at a ``width``×``height`` screen (unless another platform
    or screen was chosen already); child processes inherit it."""
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") != "offscreen":
        return
    config = Path(tempfile.mkdtemp()) / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "room", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
