"""The demo shows today's features (risk reports and plans, referrals, prevention figures, 销号,
termination reasons, the first receiver, screening rounds and conferences), not zeros."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MEDIATOR_DESKTOP_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "mediator_desktop", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_demo_database_has_todays_features(tmp_path: Path, _isolated_home: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    r = _cli(_isolated_home, "demo", "--db", str(db))
    assert r.returncode == 0, r.stderr
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as c:
        def one(sql: str) -> int:
            return int(c.execute(text(sql)).scalar_one())

        assert one("select count(*) from mediation_case") == 200
        assert one("select count(*) from mediation_case where risk_level = 'red'") > 0
        # Every red case: who was told and when, its risk change and its 一案一策.
        assert one("select count(*) from mediation_case where risk_level = 'red' and "
                   "(risk_reported_to = '' or risk_reported_to is null or risk_reported_on is null)") == 0
        assert one("select count(*) from mediation_case m where risk_level = 'red' and "
                   "not exists (select 1 from risk_plan p where p.case_id = m.id)") == 0
        assert one("select count(*) from mediation_case m where risk_level = 'red' and "
                   "not exists (select 1 from risk_change x where x.case_id = m.id)") == 0
        assert one("select count(*) from mediation_case where risk_level in ('orange', 'yellow') "
                   "and risk_reported_on is not null") >= 3
        assert one("select count(*) from mediation_case where first_receiver = '' or first_receiver is null") == 0
        assert one("select count(*) from referral") >= 2
        assert one("select count(*) from referral where answered_on is not null") >= 1
        assert one("select count(*) from case_prevention") >= 3
        assert one("select count(*) from ledger_event where action = 'cross_off'") >= 5
        assert one("select count(*) from ledger_event where action = 'reopen'") == 1
        assert one("select count(*) from mediation_case where ledger_closed_on is not null") >= 5
        assert one("select count(*) from termination where reason_kind is null or reason_kind = ''") == 0
        assert one("select count(*) from screening_round") >= 10
        assert one("select count(*) from screening_item where outcome = 'prevented'") >= 2
        assert one("select count(*) from screening_item where outcome = 'case' and case_id is not null") == 1
        assert one("select count(*) from conference") == 2
        assert one("select count(*) from conference_task where done_on is null") >= 1
        # A room that keeps up: the visits due over two weeks ago were made (through the visit
        # form's service, so each is in the audit trail), a few recent ones are left to do.
        cutoff = (date.today() - timedelta(days=14)).isoformat()
        assert one(f"select count(*) from follow_up where done_on is null and due_on < '{cutoff}'") == 0
        assert one("select count(*) from audit_log where action = 'record' and entity = 'follow_up'") > 30
    engine.dispose()
    today = date.today()
    r = _cli(_isolated_home, "report", "--db", str(db), "--json",
             "--from", (today - timedelta(days=365)).isoformat(), "--to", today.isoformat())
    assert r.returncode == 0, r.stderr
    figures = json.loads(r.stdout)["figures"]
    for key in ("screening.rounds", "screening.found", "screening.prevented", "prevention.criminal.cases",
                "ledger.crossed_off"):
        assert figures[key] > 0, key


def test_demo_is_deterministic() -> None:
    from mediator_desktop.services.demo_data import generate_document

    a = generate_document(60, 7, today=date(2026, 11, 22), features=True)
    b = generate_document(60, 7, today=date(2026, 11, 22), features=True)
    assert a == b and a["version"] == 2
    plain = generate_document(60, 7, today=date(2026, 11, 22))
    # The features come from their own random stream: the cases are the same without them.
    assert [c["title"] for c in plain["cases"]] == [c["title"] for c in a["cases"]]
