"""Benchmark of the power-cut safety (issue 17): the cost of ``PRAGMA synchronous=FULL`` (every
WAL commit fsynced before it is reported done) against NORMAL (the WAL synced only at checkpoints,
which may drop the last commits when the power goes).

    .venv/bin/python bench/durability.py                  # 500 single-row commits, 100 registrations
    .venv/bin/python bench/durability.py --writes 200 --cases 50

In the same run and on the same disk, alternating the two settings round by round (5 rounds each,
a fresh database per round): the median time of one committed single-row write through
``Database.write()`` and of one case registration through the services (the intake's 保存).
Writes the figures to --out (default: a temporary folder, never the repository).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import results_path  # noqa: E402


def one_round(folder: Path, mode: str, writes: int, cases: int) -> tuple[list[float], list[float]]:
    from sqlalchemy import event

    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.services.dto import CaseDraft, PartyDraft
    from mediator_desktop.services.organization import OrganizationDraft
    from mediator_desktop.storage.db import open_database
    from mediator_desktop.storage.models import SchemaInfo

    db = open_database(str(folder / f"bench-{mode}.sqlite3"))

    @event.listens_for(db.engine, "connect")
    def _mode(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA synchronous={mode}")   # after the application's own

    db.engine.dispose()
    services = Services(db, Actor("bench"))
    services.dispute_types.ensure_defaults()
    with db.read() as s:
        assert s.connection().exec_driver_sql("PRAGMA synchronous").scalar() == {"NORMAL": 1, "FULL": 2}[mode]
    services.organization.save(OrganizationDraft(name="龙门镇人民调解委员会", short_name="龙门"))

    single = []
    for i in range(writes):
        t = time.perf_counter()
        with db.write() as s:
            s.add(SchemaInfo(key=f"bench-{i}", value="x"))
        single.append(time.perf_counter() - t)
    register = []
    for i in range(cases):
        draft = CaseDraft(
            received_on=date(2026, 11, 20), source="party_application", dispute_type="邻里纠纷",
            title="张某与李某相邻通行纠纷", summary=f"李四在两家之间的通道堆放建材，张三出入不便（{i}）。",
            requests=["清除通道堆放物"], risk_level="none", recorder="王芳",
            parties=[PartyDraft(role="applicant", kind="person", name="张三", phone="13800001234",
                                address="龙门街道幸福村3组"),
                     PartyDraft(role="respondent", kind="person", name="李四", phone="13900005678",
                                address="龙门街道幸福村3组")])
        t = time.perf_counter()
        services.cases.register(draft)
        register.append(time.perf_counter() - t)
    services.close()
    return single, register


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, help="the results file (default: a temporary folder)")
    args = parser.parse_args()
    results: dict[str, dict[str, list[float]]] = {m: {"single": [], "register": []} for m in ("NORMAL", "FULL")}
    # On the disk the data folder uses (not a RAM disk), beside the repository.
    folder = Path(tempfile.mkdtemp(prefix="durability-", dir=REPO / "bench"))
    try:
        for r in range(args.rounds):
            for mode in (("NORMAL", "FULL") if r % 2 == 0 else ("FULL", "NORMAL")):
                sub = folder / f"{mode}-{r}"
                sub.mkdir()
                single, register = one_round(sub, mode, args.writes, args.cases)
                results[mode]["single"] += single
                results[mode]["register"] += register
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    out = {"date": date.today().isoformat(), "writes_per_round": args.writes, "cases_per_round": args.cases,
           "rounds": args.rounds}
    print(f"{'measure':48} {'NORMAL':>10} {'FULL':>10}")
    for key, label in (("single", "one committed single-row write, median"),
                       ("register", "one case registration (services), median")):
        row = {}
        for mode in ("NORMAL", "FULL"):
            values = results[mode][key]
            row[mode] = {"median_ms": statistics.median(values) * 1000,
                         "p95_ms": statistics.quantiles(values, n=20)[18] * 1000}
        out[key] = row
        print(f"{label:48} {row['NORMAL']['median_ms']:8.2f}ms {row['FULL']['median_ms']:8.2f}ms")
        print(f"{'  p95':48} {row['NORMAL']['p95_ms']:8.2f}ms {row['FULL']['p95_ms']:8.2f}ms")
    target = results_path(args.out, "durability.json")
    target.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
