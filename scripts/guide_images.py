"""Copy the screenshots the user guide shows into resources/guide/images, scaled to the guide's
width (the guide ships with the app, so its pictures should be small).

    .venv/bin/python scripts/guide_images.py      # after scripts/screenshots.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "resources" / "guide"
SHOTS = REPO / "docs" / "screenshots"
WIDTH = 760


def main() -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage

    QGuiApplication(sys.argv[:1])
    wanted = sorted({m for page in GUIDE.glob("*.md")
                     for m in re.findall(r"\]\(images/([^)]+)\)", page.read_text(encoding="utf-8"))})
    (GUIDE / "images").mkdir(exist_ok=True)
    for name in wanted:
        image = QImage(str(SHOTS / name))
        if image.isNull():
            print(f"missing screenshot: {name}", file=sys.stderr)
            return 1
        if image.width() > WIDTH:
            image = image.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
        image.save(str(GUIDE / "images" / name), "PNG", 9)
        print("wrote", name, image.width(), "×", image.height())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
