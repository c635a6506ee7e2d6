"""Render the documents of the shared sample cases and turn their pages into PNGs for docs/.

    .venv/bin/python scripts/document_pages.py

Imports ../shared/samples/sample-cases.json into a temporary database, renders each document
of each case that has one (PDF), and writes docs/documents/<case>-<document>-<page>.png with
pdftoppm (poppler-utils), so what a mediator would print can be looked at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples" / "sample-cases.json"
OUT = REPO / "docs" / "documents"
COURT = "云南省临沧市临翔区人民法院"


def main() -> int:
    home = tempfile.mkdtemp()
    os.environ["MEDIATOR_DESKTOP_HOME"] = home
    sys.path.insert(0, str(REPO))
    from mediator_desktop.documents.style import style_from_settings
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.documents import DocumentError
    from mediator_desktop.settings import Settings

    services = Services.open(f"sqlite:///{home}/pages.sqlite3")
    codes = services.exchange.import_text(SAMPLES.read_bytes()).created
    style = style_from_settings(Settings())
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for n, code in enumerate(codes, start=1):
        for kind in (k for k in services.documents.kinds() if k != "case-file"):
            try:
                rendered = services.documents.render(code, kind, "pdf", style, court=COURT)
            except DocumentError as exc:
                print(f"{code} {kind}: {exc}")
                continue
            pdf = Path(home) / f"sample{n}-{kind}.pdf"
            pdf.write_bytes(rendered.data)
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(OUT / f"sample{n}-{kind}")], check=True)
            print(f"{code} {kind}: {len(list(OUT.glob(f'sample{n}-{kind}-*.png')))} pages")
    services.close()
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
