"""Benchmark of the reminders (issue 5): the "today" view is built at every start, from every
open case, agreement, term and visit in the database.

    .venv/bin/python bench/reminders.py                   # SQLite, 10,000 cases
    .venv/bin/python bench/reminders.py --pg URL          # also PostgreSQL (an empty database)
    .venv/bin/python bench/reminders.py --cases 2000      # a quicker run

Measures the today list (overdue + the next 7 working days) and the full agenda (every deadline
and visit), median of 5 runs after one warm-up, and the .ics file of the full agenda. Writes
the figures to --out (default: a temporary folder, never the repository).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import results_path  # noqa: E402


def measure(url: str, n_cases: int) -> dict[str, float]:
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.services.demo_data import generate_document
    from mediator_desktop.services.reminders import to_ics

    services = Services.open(url, Actor("bench"))
    doc = generate_document(n_cases, 2026, today=services.ctx.today())
    for start in range(0, n_cases, 5000):
        services.exchange.import_document({**doc, "cases": doc["cases"][start:start + 5000]})

    def timed(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
        fn()
        runs, result = [], None
        for _ in range(5):
            t = time.perf_counter()
            result = fn()
            runs.append(time.perf_counter() - t)
        return statistics.median(runs), result

    today_s, today = timed(services.reminders.today_list)
    all_s, items = timed(services.reminders.items)
    t = time.perf_counter()
    ics = to_ics(items)  # type: ignore[arg-type]
    ics_s = time.perf_counter() - t
    services.close()
    return {"cases": n_cases, "today_ms": today_s * 1000, "today_items": len(today),  # type: ignore[arg-type]
            "agenda_ms": all_s * 1000, "agenda_items": len(items),  # type: ignore[arg-type]
            "ics_ms": ics_s * 1000, "ics_kb": len(ics) / 1024}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--pg", default=None, help="an empty PostgreSQL database URL")
    parser.add_argument("--out", type=Path, help="the results file (default: a temporary folder)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        import os

        os.environ["MEDIATOR_DESKTOP_HOME"] = tmp
        results["sqlite"] = measure(f"sqlite:///{tmp}/bench.sqlite3", args.cases)
        if args.pg:
            results["postgresql"] = measure(args.pg, args.cases)
    for name, r in results.items():
        print(f"{name:>10}: today {r['today_ms']:.0f} ms ({r['today_items']} items), "
              f"full agenda {r['agenda_ms']:.0f} ms ({r['agenda_items']} items), "
              f".ics {r['ics_ms']:.0f} ms ({r['ics_kb']:.0f} KB)")
    out = results_path(args.out, "reminders.json")
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
