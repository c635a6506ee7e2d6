"""The paths a mediator feels, at 100,000 cases, each beside a plain baseline measured in the same
run on the same machine (issue 15).

    .venv/bin/python bench/run.py                          # SQLite, 100,000 generated cases
    .venv/bin/python bench/run.py --cases 20000            # a quicker run
    .venv/bin/python bench/run.py --db /tmp/b.sqlite3      # reuse a database seeded earlier
    .venv/bin/python bench/run.py --out results.json       # where the figures go

| measure | app | baseline |
|---|---|---|
| start → the case list painted (fresh process, imports included) | the app | bare QMainWindow + QTableView |
| start → the reminders counted | the app | — |
| search per keystroke: query, count, list, first case shown, painted | the window | plain SQL (FTS5 / LIKE) |
| longest pause of the event loop while typing at 110 ms per character | the window | — |
| first search after 10 s idle | the window | — |
| the today window (list read, then built and painted) | the window | bare table of as many rows |
| scrolling the whole list to its end, painting | the window | bare table over plain SQL pages |
| peak memory after that | the window | the bare table |
| agreement PDF / DOCX through the CLI, whole process; --version | the CLI | plain reportlab / python-docx script |
| import of 10,000 cases (fresh database) | the import | plain INSERTs of the same JSON |
| the statistics report for a year (bench/report.py) | the service | one plain COUNT … GROUP BY |
| the ledger of 10,000 disputes as Excel (bench/ledger.py) | the service | one plain query + unstyled openpyxl |

Results go to ``--out`` or a temporary folder (never into the repository). Start-up and the CLI
are paired: app and baseline alternate, and the ratio's spread is over the pairs.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, median, pct, ratio_text, results_path, write_results  # noqa: E402

sys.path.insert(0, str(REPO))
PY = sys.executable
PROBE = str(Path(__file__).resolve().parent / "gui_probe.py")
SEED_BATCH = 5000


def _env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))


def _probe(*args: str) -> dict:  # type: ignore[type-arg]
    out = subprocess.run([PY, PROBE, *args], capture_output=True, text=True, env=_env(), cwd=REPO, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def seed(url: str, n_cases: int) -> None:
    """Fill a fresh database with ``n_cases`` generated cases through the real import."""
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.services.demo_data import generate_document, iter_cases

    services = Services.open(url, Actor("bench"))
    header = generate_document(1, 7)
    batch: list[dict] = []  # type: ignore[type-arg]
    started, done = time.perf_counter(), 0
    for case in iter_cases(n_cases, seed=2026):
        batch.append(case)
        if len(batch) == SEED_BATCH:
            services.exchange.import_document({**header, "cases": batch})
            done += len(batch)
            batch = []
            print(f"  seeded {done:,} cases ({time.perf_counter() - started:.0f} s)", flush=True)
    if batch:
        services.exchange.import_document({**header, "cases": batch})
    services.close()


def measure_import(tmp: Path, n: int = 10_000) -> dict[str, float]:
    """The real import of ``n`` cases into a fresh database, and plain INSERTs of the same file."""
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.services.demo_data import generate_document

    doc = generate_document(n, 2027)
    text = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    services = Services.open(f"sqlite:///{tmp}/import.sqlite3", Actor("bench"))
    start = time.perf_counter()
    services.exchange.import_text(text)
    app_s = time.perf_counter() - start
    services.close()

    con = sqlite3.connect(tmp / "plain.sqlite3")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, title TEXT, summary TEXT, received_on TEXT, body TEXT)")
    con.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, case_id INTEGER, name TEXT, id_number TEXT, phone TEXT)")
    start = time.perf_counter()
    cases = json.loads(text)["cases"]
    with con:
        for i, c in enumerate(cases):
            con.execute("INSERT INTO c VALUES (?, ?, ?, ?, ?)",
                        (i, c.get("title"), c.get("summary"), c.get("received_on"), json.dumps(c, ensure_ascii=False)))
            con.executemany("INSERT INTO p (case_id, name, id_number, phone) VALUES (?, ?, ?, ?)",
                            [(i, p.get("name"), p.get("id_number"), p.get("phone")) for p in c.get("parties", [])])
    base_s = time.perf_counter() - start
    con.close()
    return {"import_10k_s": app_s, "import_10k_plain_s": base_s}


def measure_start(url: str, runs: int = 5) -> dict[str, object]:
    app, bare, counted = [], [], []
    for _ in range(runs):
        a = _probe("start-app", url, repr(time.time()))
        b = _probe("start-bare", repr(time.time()))
        app.append(a["painted_s"])
        counted.append(a["reminders_s"])
        bare.append(b["painted_s"])
    return {"start_s": app, "start_bare_s": bare, "reminders_counted_s": counted}


def plain_search_ms(db_file: Path, queries: list[str]) -> list[float]:
    """The plain way: one SQL query for the first 200 matches, FTS5 trigram for three or more
    characters, LIKE on the same text below (what a first version would write)."""
    con = sqlite3.connect(db_file)
    times = []
    for round_ in range(3):
        for q in queries:
            start = time.perf_counter()
            if len(q) >= 3:
                con.execute("SELECT c.id, c.code, c.title FROM mediation_case c WHERE c.id IN "
                            "(SELECT rowid FROM case_fts WHERE case_fts MATCH ?) "
                            "ORDER BY c.received_on DESC LIMIT 200", ('"' + q.replace('"', '""') + '"',)).fetchall()
            else:
                con.execute("SELECT id, code, title FROM mediation_case WHERE search_text LIKE ? "
                            "ORDER BY received_on DESC LIMIT 200", (f"%{q}%",)).fetchall()
            if round_:
                times.append((time.perf_counter() - start) * 1000)
    con.close()
    return times


def _queries() -> list[str]:
    sys.path.insert(0, str(Path(PROBE).parent))
    from gui_probe import _words

    return [w[:i] for w in _words() for i in range(1, len(w) + 1)]


def _run_timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=_env(), cwd=REPO)
    return time.perf_counter() - start


PLAIN_PDF = r"""
import sys
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate
pdfmetrics.registerFont(TTFont("fang", sys.argv[2]))
style = ParagraphStyle("b", fontName="fang", fontSize=16, leading=28)
text = "甲乙双方经人民调解委员会主持调解，自愿达成如下协议：一、乙方于2026年12月31日前支付甲方人民币捌万陆仟伍佰元整。" * 6
SimpleDocTemplate(sys.argv[1], pagesize=A4).build([Paragraph("人民调解协议书", style)] + [Paragraph(text, style)] * 8)
"""

PLAIN_DOCX = r"""
import sys
from docx import Document
doc = Document()
doc.add_heading("人民调解协议书", 0)
text = "甲乙双方经人民调解委员会主持调解，自愿达成如下协议：一、乙方于2026年12月31日前支付甲方人民币捌万陆仟伍佰元整。" * 6
for _ in range(8):
    doc.add_paragraph(text)
doc.save(sys.argv[1])
"""


def measure_cli(db_file: Path, tmp: Path, runs: int = 5) -> dict[str, object]:
    con = sqlite3.connect(db_file)
    code = con.execute("SELECT c.code FROM mediation_case c JOIN agreement a ON a.case_id = c.id "
                       "ORDER BY c.id LIMIT 1").fetchone()[0]
    con.close()
    font = str(REPO / "resources" / "fonts" / "FandolFang-Regular.ttf")
    cli = [PY, "-m", "mediator_desktop", "--db", str(db_file), "render"]
    out: dict[str, list[float]] = {k: [] for k in ("pdf_s", "pdf_plain_s", "docx_s", "docx_plain_s",
                                                    "version_s", "version_plain_s")}
    for _ in range(runs):
        out["pdf_s"].append(_run_timed([*cli, "--format", "pdf", "-o", str(tmp / "a.pdf"), code, "agreement"]))
        out["pdf_plain_s"].append(_run_timed([PY, "-c", PLAIN_PDF, str(tmp / "p.pdf"), font]))
        out["docx_s"].append(_run_timed([*cli, "--format", "docx", "-o", str(tmp / "a.docx"), code, "agreement"]))
        out["docx_plain_s"].append(_run_timed([PY, "-c", PLAIN_DOCX, str(tmp / "p.docx")]))
        out["version_s"].append(_run_timed([PY, "-m", "mediator_desktop", "--version"]))
        out["version_plain_s"].append(_run_timed([PY, "-c", "pass"]))
    return dict(out)


def table(r: dict) -> str:  # type: ignore[type-arg]
    w = r["window"]
    bw = r["bare_window"]
    search = w["search_ms"]
    plain = r["plain_search_ms"]
    rows = [
        ("start → case list painted (median of 5)", f"{median(r['start_s']):.2f} s",
         f"{median(r['start_bare_s']):.2f} s", ratio_text(r["start_s"], r["start_bare_s"]), "≤ 1.0 s, ≤ 6×"),
        ("start → reminders counted (in the background)", f"{median(r['reminders_counted_s']):.2f} s", "—", "", ""),
        ("search per keystroke, whole path, p50 / p95", f"{median(search):.0f} / {pct(search, 95):.0f} ms",
         f"{median(plain):.0f} / {pct(plain, 95):.0f} ms",
         f"{median(search) / median(plain):.1f}× / {pct(search, 95) / pct(plain, 95):.1f}×", "p95 ≤ 50 ms"),
        ("longest pause while typing (pauses over 100 ms)",
         f"{w['typing_longest_pause_ms']:.0f} ms ({w['typing_pauses_over_100ms']})", "—", "", "≤ 100 ms"),
        ("first search after 10 s idle", f"{w['idle_search_ms']:.0f} ms", "—", "", ""),
        (f"today window: list read in the background ({w['today_items']:,} items)", f"{w['today_list_s']:.2f} s",
         "—", "", ""),
        ("today window: built and painted", f"{w['today_window_s']:.2f} s", f"{bw['today_window_s']:.2f} s",
         f"{w['today_window_s'] / bw['today_window_s']:.1f}×", ""),
        (f"scroll the whole list, painting ({w['scroll_rows']:,} rows)", f"{w['scroll_s']:.2f} s",
         f"{bw['scroll_s']:.2f} s", f"{w['scroll_s'] / bw['scroll_s']:.1f}×", ""),
        ("peak memory after scrolling", f"{w['peak_mb']:.0f} MB", f"{bw['peak_mb']:.0f} MB",
         f"{w['peak_mb'] / bw['peak_mb']:.1f}×", "≤ 250 MB"),
        ("agreement PDF via CLI, whole process (median of 5)", f"{median(r['cli']['pdf_s']):.2f} s",
         f"{median(r['cli']['pdf_plain_s']):.2f} s", ratio_text(r["cli"]["pdf_s"], r["cli"]["pdf_plain_s"]), "≤ 0.6 s"),
        ("agreement DOCX via CLI, whole process", f"{median(r['cli']['docx_s']):.2f} s",
         f"{median(r['cli']['docx_plain_s']):.2f} s", ratio_text(r["cli"]["docx_s"], r["cli"]["docx_plain_s"]),
         "≤ 0.6 s"),
        ("--version, whole process (baseline: python -c pass)", f"{median(r['cli']['version_s']):.2f} s",
         f"{median(r['cli']['version_plain_s']):.2f} s",
         ratio_text(r["cli"]["version_s"], r["cli"]["version_plain_s"]), "≤ 0.3 s"),
        ("import 10,000 cases, fresh database", f"{r['import_10k_s']:.1f} s", f"{r['import_10k_plain_s']:.1f} s",
         f"{r['import_10k_s'] / r['import_10k_plain_s']:.0f}×", "≤ 20 s"),
    ]
    if "report" in r:
        from report import table_row

        rows.append(table_row(r["report"]))
    if "ledger" in r:
        from ledger import table_row as ledger_row

        rows.append(ledger_row(r["ledger"]))
    lines = ["| measure | app | plain baseline | ratio | target |", "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="a SQLite file seeded by an earlier run (kept as it is)")
    parser.add_argument("--out", type=Path, help="the results file (default: a temporary folder)")
    args = parser.parse_args()
    out = results_path(args.out, "bench-run.json")
    # An installed program starts from compiled bytecode (pip and PyInstaller write it); a
    # checkout run with PYTHONDONTWRITEBYTECODE compiles every changed module again at each
    # start (about 0.1 s here). Compile the package first, as an installation would.
    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "mediator_desktop")], check=True,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["MEDIATOR_DESKTOP_HOME"] = str(tmp / "home")
        db_file = args.db or tmp / "bench.sqlite3"
        if args.db is None:
            print(f"seeding {args.cases:,} cases …", flush=True)
            seed(f"sqlite:///{db_file}", args.cases)
        url = f"sqlite:///{db_file}"
        con = sqlite3.connect(db_file)
        cases = con.execute("SELECT count(*) FROM mediation_case").fetchone()[0]
        parties = con.execute("SELECT count(*) FROM case_party").fetchone()[0]
        con.close()
        results: dict[str, object] = {"cases": cases, "parties": parties}
        print("start-up …", flush=True)
        results.update(measure_start(url))
        print("the window's paths (about a minute) …", flush=True)
        results["window"] = _probe("window", url)
        results["bare_window"] = _probe("bare-window", str(db_file), str(results["window"]["today_items"]))
        results["plain_search_ms"] = plain_search_ms(db_file, _queries())
        print("documents through the CLI …", flush=True)
        results["cli"] = measure_cli(db_file, tmp)
        print("statistics report for a year …", flush=True)
        from report import measure_report

        results["report"] = measure_report(db_file)
        print("the ledger of 10,000 disputes …", flush=True)
        from ledger import measure_ledger

        results["ledger"] = measure_ledger(db_file)
        print("import of 10,000 cases …", flush=True)
        results.update(measure_import(tmp))
    print(f"\n{cases:,} cases, {parties:,} parties\n")
    print(table(results))
    write_results(out, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
