"""Keep a database of the current schema for the migration tests.

Run once per released schema revision (before the next migration is written):

    .venv/bin/python scripts/snapshot_schema.py

It writes ``tests/data/schemas/<revision>.sqlite3`` holding the shared sample cases, so every
later migration is tested against a real database of each past schema.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    from mediator_desktop.services.app import Services
    from mediator_desktop.storage import migrations

    head = migrations.head_revision()
    target = REPO / "tests" / "data" / "schemas" / f"{head}.sqlite3"
    if target.exists():
        print(f"{target} exists already")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    samples = REPO.parent / "shared" / "samples" / "sample-cases.json"
    with tempfile.TemporaryDirectory() as home:
        os.environ["MEDIATOR_DESKTOP_HOME"] = home
        services = Services.open(f"sqlite:///{target}")
        services.exchange.import_document(json.loads(samples.read_text(encoding="utf-8")))
        services.close()
    import sqlite3

    con = sqlite3.connect(target)
    con.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    con.execute("VACUUM")
    con.close()
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
