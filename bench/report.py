"""Benchmark of the statistics report (issue 14): the whole §1 table for a year of a database of
100,000 cases, beside a plain SQL COUNT … GROUP BY over the same cases and year.

    .venv/bin/python bench/report.py --db /tmp/bench.sqlite3          # a database seeded by run.py
    .venv/bin/python bench/report.py --db FILE --year 2026 --runs 5

Measures (median of ``--runs`` after one warm-up, each in this process): the report (every
figure, both the counts and the per-organisation columns), the monthly trend the charts draw,
and the plain baseline — one GROUP BY of the year's cases by type, source and status with
sqlite3. The figures go to --out (default: a temporary folder, never the repository). Run.py
calls :func:`measure_report` too.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import results_path, write_results  # noqa: E402

PLAIN = ("SELECT dispute_type_id, source, status, count(*) FROM mediation_case "
         "WHERE received_on BETWEEN ? AND ? GROUP BY dispute_type_id, source, status")


def _timed(fn: Any, runs: int, cpu: list[float] | None = None) -> tuple[float, Any]:
    """Median wall time of ``runs`` calls after a warm-up; ``cpu`` gets the median CPU time of
    this process (on a shared machine the wall time also counts the others' work)."""
    result = fn()  # warm-up (and the value)
    times, cpus = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    if cpu is not None:
        cpu.append(statistics.median(cpus))
    return statistics.median(times), result


def measure_report(db_file: Path, year: int | None = None, runs: int = 5) -> dict[str, Any]:
    """The report and the trend for ``year`` (default: the year with the most cases) through the
    services, and the plain GROUP BY, in seconds."""
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.services.statistics import Period

    con = sqlite3.connect(db_file)
    if year is None:
        year = int(con.execute("SELECT substr(received_on, 1, 4) AS y FROM mediation_case GROUP BY y "
                               "ORDER BY count(*) DESC LIMIT 1").fetchone()[0])
    bounds = (f"{year}-01-01", f"{year}-12-31")
    cases = con.execute("SELECT count(*) FROM mediation_case").fetchone()[0]
    plain_s, rows = _timed(lambda: con.execute(PLAIN, bounds).fetchall(), runs)
    con.close()
    services = Services.open(f"sqlite:///{db_file}", Actor("bench"), lazy=True)
    try:
        period = Period.year(year)
        cpu: list[float] = []
        report_s, report = _timed(lambda: services.statistics.report(period), runs, cpu)
        trend_s, _trend = _timed(lambda: services.statistics.trend(period), runs)
    finally:
        services.close()
    return {"cases": cases, "year": year, "report_s": report_s, "report_cpu_s": cpu[0], "trend_s": trend_s,
            "plain_group_by_s": plain_s,
            "plain_rows": len(rows), "figures": len(report.figures),
            "accepted": report.value("accepted.total", report.total_scope)}


def table_row(r: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return (f"statistics report for {r['year']} ({r['figures']} figures; trend {r['trend_s']:.2f} s more)",
            f"{r['report_s']:.2f} s (CPU {r['report_cpu_s']:.2f} s)", f"{r['plain_group_by_s']:.2f} s",
            f"{r['report_s'] / r['plain_group_by_s']:.0f}×", "≤ 2 s")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True, help="a SQLite file seeded by bench/run.py")
    parser.add_argument("--year", type=int)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    r = measure_report(args.db, args.year, args.runs)
    print("| measure | app | plain baseline | ratio | target |\n|---|---|---|---|---|")
    print(f"| {' | '.join(table_row(r))} |")
    write_results(results_path(args.out, "bench-statistics.json"), r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
