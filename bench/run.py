"""Benchmarks of the foundation (issue 2), on SQLite and PostgreSQL.

    .venv/bin/python bench/run.py                      # SQLite, 100,000 cases
    .venv/bin/python bench/run.py --pg URL             # also PostgreSQL
    .venv/bin/python bench/run.py --cases 20000        # a quicker run

Measures: import speed (10,000 cases), start to main window shown (a fresh process), search
-as-you-type latency (median and p95 over many queries, as the case list runs them: first
page of 200), scrolling the list to its end (the lazy model fetching page after page), and
peak memory of the GUI process. Prints a table and writes bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mediator_desktop.services.demo_data import iter_cases  # noqa: E402

SEED_BATCH = 5000


def seed(url: str, n_cases: int) -> dict[str, float]:
    """Fill a fresh database with ``n_cases`` generated cases through the real import."""
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.services.demo_data import generate_document

    services = Services.open(url, Actor("bench"))
    header = generate_document(1, 7)
    batch: list[dict] = []
    timings: dict[str, float] = {}
    started = time.perf_counter()
    done = 0
    first_10k = None
    for case in iter_cases(n_cases, seed=2026):
        batch.append(case)
        if len(batch) == SEED_BATCH:
            services.exchange.import_document({**header, "cases": batch})
            done += len(batch)
            batch = []
            if done == 10_000:
                first_10k = time.perf_counter() - started
            print(f"  seeded {done:,} cases ({time.perf_counter() - started:.0f} s)", flush=True)
    if batch:
        services.exchange.import_document({**header, "cases": batch})
        done += len(batch)
    timings["seed_s"] = time.perf_counter() - started
    timings["import_10k_s"] = first_10k if first_10k is not None else timings["seed_s"] * 10_000 / max(done, 1)
    from sqlalchemy import func, select

    from mediator_desktop.storage.models import CaseParty

    with services.db.read() as s:
        timings["parties"] = s.scalar(select(func.count(CaseParty.id)))
    services.close()
    return timings


def search_queries(rng: random.Random) -> list[str]:
    """What mediators type, keystroke by keystroke (every prefix is a query)."""
    words = ["张", "张三", "王建", "李秀英", "zs", "wjg", "lxy", "zhang", "138", "1390883",
             "龙门人调字第1", "第12号", "物业", "工资", "排水沟", "装修款", "离婚", "宅基地",
             "交通事故", "邻里", "𠮷", "马有福", "刘", "chen", "yang", "2025", "赔偿", "围墙"]
    queries = []
    for word in words:
        for i in range(1, len(word) + 1):
            queries.append(word[:i])
    rng.shuffle(queries)
    return queries


def measure_search(url: str) -> dict[str, float]:
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.dto import CaseQuery

    services = Services.open(url)
    rng = random.Random(5)
    queries = search_queries(rng) * 3
    for q in queries[:20]:  # warm the caches as a running app would have
        services.cases.page(CaseQuery(text=q))
    times = []
    for q in queries:
        t0 = time.perf_counter()
        services.cases.page(CaseQuery(text=q), limit=200)
        times.append((time.perf_counter() - t0) * 1000)
    services.close()
    times.sort()
    return {
        "search_queries": len(times),
        "search_median_ms": statistics.median(times),
        "search_p95_ms": times[int(len(times) * 0.95) - 1],
        "search_max_ms": times[-1],
    }


GUI_PROBE = r"""
import os, sys, time, json, resource
t0 = float(sys.argv[2])
from PySide6.QtWidgets import QApplication
from mediator_desktop.settings import Settings
from mediator_desktop.ui.app import create_main_window, init_application
from mediator_desktop.services.app import Services
app = QApplication(sys.argv[:1])
settings = Settings()
init_application(app, settings)
services = Services.open(sys.argv[1])
window = create_main_window(services, settings)
window.show()
app.processEvents()
shown = time.time() - t0
model = window.case_model
t1 = time.perf_counter()
while model.canFetchMore():
    model.fetchMore()
scroll = time.perf_counter() - t1
view = window.case_view_table if hasattr(window, "case_view_table") else None
rows = model.rowCount()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"start_s": shown, "scroll_s": scroll, "rows": rows, "peak_mb": peak}))
"""


def measure_gui(url: str, runs: int = 5) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    starts, last = [], {}
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", GUI_PROBE, url, repr(time.time())],
            capture_output=True, text=True, env=env, cwd=REPO, check=True,
        )
        last = json.loads(out.stdout.strip().splitlines()[-1])
        starts.append(last["start_s"])
    return {
        "start_median_s": statistics.median(starts),
        "start_max_s": max(starts),
        "scroll_to_end_s": last["scroll_s"],
        "rows_scrolled": last["rows"],
        "peak_memory_mb": last["peak_mb"],
    }


def run_one(label: str, url: str, n_cases: int) -> dict[str, object]:
    print(f"[{label}] seeding {n_cases:,} cases …", flush=True)
    result: dict[str, object] = {"database": label, "cases": n_cases}
    result.update(seed(url, n_cases))
    print(f"[{label}] search …", flush=True)
    result.update(measure_search(url))
    print(f"[{label}] start-up, scrolling, memory …", flush=True)
    result.update(measure_gui(url))
    return result


def table(results: list[dict[str, object]]) -> str:
    rows = [
        ("import 10,000 cases", "import_10k_s", "{:.1f} s", "< 60 s"),
        ("parties", "parties", "{:,}", ""),
        ("start → main window shown (median of 5)", "start_median_s", "{:.2f} s", "≤ 1.5 s"),
        ("search as you type, median", "search_median_ms", "{:.1f} ms", ""),
        ("search as you type, p95", "search_p95_ms", "{:.1f} ms", "≤ 50 ms (SQLite)"),
        ("scroll the list to its end", "scroll_to_end_s", "{:.2f} s", ""),
        ("peak memory (GUI, after scrolling to the end)", "peak_memory_mb", "{:.0f} MB", "≤ 300 MB"),
    ]
    head = "| measure | " + " | ".join(str(r["database"]) for r in results) + " | target |"
    sep = "|---|" + "---|" * len(results) + "---|"
    lines = [head, sep]
    for name, key, fmt, target in rows:
        cells = [fmt.format(r[key]) if key in r else "—" for r in results]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {target} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--pg", metavar="URL", help="also run against this (empty) PostgreSQL database")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "latest.json")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MEDIATOR_DESKTOP_HOME"] = tmp
        results.append(run_one("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args.cases))
        if args.pg:
            results.append(run_one("PostgreSQL", args.pg, args.cases))
    text = table(results)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "date": time.strftime("%Y-%m-%d"),
        "results": results,
        "table": text,
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
