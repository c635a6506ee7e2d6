"""Benchmark of the ledger export (台账, issue 14): 10,000 rows to an Excel file.

    .venv/bin/python bench/ledger.py --db FILE          # a database seeded by bench/run.py (kept as it is)
    .venv/bin/python bench/ledger.py --db FILE --rows 5000

Picks the period (from the first received date on) that holds about ``--rows`` cases, then
alternates, 3 times each: the application's export through the service (its queries, the 18
columns worked out, the styled write-only workbook, the file put in place, the audit entry) and
the plain baseline — one SQL query of the same cases' own columns and a plain openpyxl
write-only workbook of those values, no styles. Also times the import of 1,000 of those rows
read back from the exported file (their summaries changed, so they are not duplicates, and
their codes left out), checked only (``dry_run``: nothing is written), and the case view's 台账
line against the full 销号 check, each for 60 random cases (median).
Writes the figures to --out (default: a temporary folder, never the repository).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ratio_text, results_path, write_results  # noqa: E402


def period_for(db_file: Path, rows: int) -> tuple[date, date, int]:
    con = sqlite3.connect(db_file)
    try:
        first = con.execute("SELECT min(received_on) FROM mediation_case").fetchone()[0]
        last = con.execute("SELECT received_on FROM mediation_case WHERE received_on >= ? ORDER BY received_on "
                           "LIMIT 1 OFFSET ?", (first, rows - 1)).fetchone()[0]
        n = con.execute("SELECT count(*) FROM mediation_case WHERE received_on BETWEEN ? AND ?",
                        (first, last)).fetchone()[0]
    finally:
        con.close()
    return date.fromisoformat(first), date.fromisoformat(last), n


def plain_export(db_file: Path, start: date, end: date, out: Path) -> int:
    """The baseline: one query, one unstyled write-only workbook."""
    from openpyxl import Workbook

    con = sqlite3.connect(db_file)
    try:
        rows = con.execute(
            "SELECT c.code, c.received_on, c.source, t.name, c.party_names, c.summary, c.risk_level, "
            "c.mediator_names, c.status, c.ledger_closed_on FROM mediation_case c "
            "JOIN dispute_type t ON t.id = c.dispute_type_id WHERE c.received_on BETWEEN ? AND ? "
            "ORDER BY c.received_on, c.code_year, c.code_n, c.id", (start.isoformat(), end.isoformat())).fetchall()
    finally:
        con.close()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    for k, r in enumerate(rows, 1):
        ws.append([k, r[0], date.fromisoformat(r[1]), *r[2:9], None, None, None, None, None, None, r[9], None])
    wb.save(out)
    return len(rows)


def measure_ledger(db_file: Path, rows: int = 10_000) -> dict[str, Any]:
    """The export of ``rows`` disputes beside the plain baseline, the import check and the 台账 line."""
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor

    start, end, n = period_for(db_file, rows)
    services = Services.open(f"sqlite:///{db_file}", Actor("bench"), create=False)
    tmp = Path(tempfile.mkdtemp(prefix="mediator-bench-ledger-"))
    app, base = [], []
    for k in range(3):
        t = time.perf_counter()
        written = services.ledger.export_xlsx(tmp / f"app{k}.xlsx", start, end)
        app.append(time.perf_counter() - t)
        t = time.perf_counter()
        plain_export(db_file, start, end, tmp / f"plain{k}.xlsx")
        base.append(time.perf_counter() - t)
        print(f"round {k + 1}: app {app[-1]:.2f} s, plain {base[-1]:.2f} s ({written} rows)")
    # The import: the first 1,000 rows of the exported file, checked only.
    from openpyxl import load_workbook

    wb = load_workbook(tmp / "app0.xlsx")
    ws = wb.active
    ws.delete_rows(1004, ws.max_row)
    for row in range(4, 1004):       # not the same disputes again (the import would refuse duplicates)
        ws.cell(row=row, column=7).value = f"{ws.cell(row=row, column=7).value}（复核）"
    small = tmp / "import.xlsx"
    wb.save(small)
    t = time.perf_counter()
    sheet = services.ledger.read_sheet(small)
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    checked = services.ledger.import_sheet(sheet, {**sheet.proposed, "code": None}, dry_run=True)
    check_s = time.perf_counter() - t
    # The case view's 台账 line (read whenever a case is shown) and the full 销号 check.
    con = sqlite3.connect(db_file)
    ids = [r[0] for r in con.execute("SELECT id FROM mediation_case ORDER BY random() LIMIT 60")]
    con.close()
    line_ms, check_ms = [], []
    for case_id in ids:
        t = time.perf_counter()
        services.ledger.line(case_id)
        line_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        services.ledger.status(case_id)
        check_ms.append((time.perf_counter() - t) * 1000)
    services.close()
    results = {"line_ms": statistics.median(line_ms), "check_ms": statistics.median(check_ms),
               "rows": n, "period": [start.isoformat(), end.isoformat()],
               "export_s": statistics.median(app), "plain_s": statistics.median(base), "ratio": ratio_text(app, base),
               "import_rows": len(checked.created), "import_read_s": read_s, "import_check_s": check_s}
    print(f"export of {n} rows: app {results['export_s']:.2f} s, plain {results['plain_s']:.2f} s, "
          f"ratio {results['ratio']}; import of {len(checked.created)} rows: read {read_s:.2f} s, "
          f"checked {check_s:.2f} s; 台账 line {results['line_ms']:.1f} ms, full check {results['check_ms']:.1f} ms")
    return results


def table_row(r: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """The README table's row (bench/run.py)."""
    return (f"the ledger of {r['rows']:,} disputes as Excel (service, styled)", f"{r['export_s']:.2f} s",
            f"{r['plain_s']:.2f} s", r["ratio"], "≤ 5 s")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True, help="a SQLite file seeded by bench/run.py")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    write_results(results_path(args.out, "ledger.json"), measure_ledger(args.db, args.rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
