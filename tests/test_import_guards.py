"""Issue 17: an import never rewrites what is concluded, keeps numbers sane and says what it
would refuse at intake. Driven through the command line's real entry point, as test_cli does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mediator_desktop import cli
from mediator_desktop.services.exchange import ExchangeError


def _import(db: Path, file: Path, *extra: str) -> int:
    return cli.main(["--db", str(db), "--create", "import", str(file), *extra])


def _export(db: Path, out: Path) -> dict:
    assert cli.main(["--db", str(db), "export", "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_update_does_not_rewrite_an_effective_agreement_or_signed_record(
        tmp_path: Path, shared_samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "room.sqlite3"
    assert _import(db, shared_samples) == 0
    capsys.readouterr()
    doc = _export(db, tmp_path / "out.json")
    case = next(c for c in doc["cases"] if c.get("agreement"))
    assert case["agreement"]["terms"][1]["amount"] == "3800.00"
    case["agreement"]["terms"][1]["amount"] = "1.00"
    case["sessions"][1]["record"] = "改写后的笔录"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert _import(db, changed, "--update") == 3
    err = capsys.readouterr().err
    i = doc["cases"].index(case)
    assert f"$.cases[{i}].agreement.terms[1].amount" in err
    assert f"$.cases[{i}].sessions[1].record" in err
    assert "已生效" in err and "已签名" in err
    again = _export(db, tmp_path / "again.json")
    kept = next(c for c in again["cases"] if c["code"] == case["code"])
    assert kept["agreement"]["terms"][1]["amount"] == "3800.00"
    assert kept["sessions"][1]["record"] != "改写后的笔录"


def test_update_of_a_concluded_case_changes_only_what_the_app_lets_change(
        tmp_path: Path, shared_samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "room.sqlite3"
    assert _import(db, shared_samples) == 0
    doc = _export(db, tmp_path / "out.json")
    case = next(c for c in doc["cases"] if c.get("agreement"))
    case["title"] = "周某某与杨某某排水沟纠纷（更正标题）"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert _import(db, changed, "--update") == 0
    again = _export(db, tmp_path / "again.json")
    kept = next(c for c in again["cases"] if c["code"] == case["code"])
    assert kept["title"] == "周某某与杨某某排水沟纠纷（更正标题）"
    assert kept["agreement"] == case["agreement"]
    assert [s.get("record") for s in kept["sessions"]] == [s.get("record") for s in case["sessions"]]
    # The history keeps the old and the new title.
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        details = [json.loads(d) if isinstance(d, str) else d for d in conn.execute(
            text("SELECT detail FROM audit_log WHERE action = 'import-update'")).scalars()]
    engine.dispose()
    assert any(d.get("changes", {}).get("title", [None, None])[1] == "周某某与杨某某排水沟纠纷（更正标题）"
               and d["changes"]["title"][0] == "周某某与杨某某排水沟渠纠纷" for d in details)


def _with_code(shared_samples: Path, tmp_path: Path, code: str) -> Path:
    doc = json.loads(shared_samples.read_text(encoding="utf-8"))
    doc["cases"] = doc["cases"][1:]
    doc["cases"][0]["code"] = code
    out = tmp_path / "coded.json"
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out


def test_huge_case_number_is_refused_by_path(tmp_path: Path, shared_samples: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "room.sqlite3"
    file = _with_code(shared_samples, tmp_path, "（2026）忙畔人调字第9223372036854775807号")
    assert _import(db, file) == 3
    err = capsys.readouterr().err
    assert "$.cases[0].code" in err and "999999" in err


def test_imported_large_number_leaves_no_hole_in_the_series(tmp_path: Path, shared_samples: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "room.sqlite3"
    assert _import(db, _with_code(shared_samples, tmp_path, "（2026）忙畔人调字第900000号")) == 0
    doc = json.loads(shared_samples.read_text(encoding="utf-8"))
    doc["cases"] = doc["cases"][:1]
    fresh = tmp_path / "fresh.json"
    fresh.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert _import(db, fresh) == 0
    codes = {c["code"] for c in _export(db, tmp_path / "out.json")["cases"]}
    assert "（2026）忙畔人调字第1号" in codes


def test_five_thousand_digit_number_gets_a_chinese_message(tmp_path: Path, shared_samples: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    text = shared_samples.read_text(encoding="utf-8")
    text = text.replace('"version": 1', '"version": ' + "9" * 5000, 1)
    file = tmp_path / "big.json"
    file.write_text(text, encoding="utf-8")
    assert _import(tmp_path / "room.sqlite3", file) == 3
    err = capsys.readouterr().err
    assert "数字" in err and "Traceback" not in err


def test_directory_or_missing_file_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "room.sqlite3"
    assert _import(db, tmp_path) == 3
    assert "是文件夹" in capsys.readouterr().err
    assert _import(db, tmp_path / "none.json") == 3
    assert "找不到文件" in capsys.readouterr().err


def test_import_warns_what_intake_would_refuse(tmp_path: Path, shared_samples: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(shared_samples.read_text(encoding="utf-8"))
    doc["cases"][0]["parties"][0]["id_number"] = "530902700504071"
    doc["cases"][0]["parties"][0].pop("birth_date", None)
    doc["cases"][1]["parties"][1]["credit_code"] = "91530902MA6K3L7P4X"
    doc["cases"][1]["received_on"] = "1948-12-31"
    file = tmp_path / "warn.json"
    file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert _import(tmp_path / "room.sqlite3", file) == 0
    out = capsys.readouterr().out
    assert "$.cases[0].parties[0].id_number" in out
    assert "$.cases[1].parties[1].credit_code" in out
    assert "$.cases[1].received_on" in out


@pytest.mark.gui
def test_the_window_import_summary_lists_the_warnings(qtbot, qapp, services, shared_samples, tmp_path,
                                                      monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """导入 in the window with a 15-digit ID and a failing credit code: imported, and the box
    that says so names both by JSON path."""
    from gui_helpers import import_from_menu, start_gui

    from mediator_desktop.ui.app import create_main_window
    from mediator_desktop.ui.common import background

    doc = json.loads(shared_samples.read_text(encoding="utf-8"))
    doc["cases"][0]["parties"][0]["id_number"] = "530902700504071"
    doc["cases"][0]["parties"][0].pop("birth_date", None)
    doc["cases"][1]["parties"][1]["credit_code"] = "91530902MA6K3L7P4X"
    file = tmp_path / "提示.json"
    file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(background, "PROGRESS_DELAY_MS", 0)
    window = create_main_window(services, start_gui(qapp, services))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    box = import_from_menu(qtbot, window, file)
    assert box.windowTitle() == "导入完成"
    assert "新增2件" in box.text()
    assert "$.cases[0].parties[0].id_number" in box.text()
    assert "$.cases[1].parties[1].credit_code" in box.text()
    box.close()


def test_huge_number_and_concluded_update_in_the_service(services, shared_samples, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The service behind the command line, SQLite and PostgreSQL (no overflow, nothing rewritten)."""
    from mediator_desktop.services.exchange import ExchangeError

    doc = json.loads(shared_samples.read_text(encoding="utf-8"))
    code = services.exchange.import_document(doc).created[0]
    out = services.exchange.export_document([code])
    out["cases"][0]["agreement"]["terms"][1]["amount"] = "1.00"
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(out, update_existing=True)
    assert [p.path for p in err.value.problems] == ["$.cases[0].agreement.terms[1].amount"]
    big = json.loads(shared_samples.read_text(encoding="utf-8"))
    big["cases"] = big["cases"][1:]
    big["cases"][0]["code"] = "（2026）忙畔人调字第9223372036854775807号"
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(big)
    codes = [p for p in err.value.problems if p.path == "$.cases[0].code"]
    assert len(codes) == 1 and "999999" in codes[0].message


# -- an update keeps what the format does not carry, and holds a concluded case whole -------------

def _concluded_setup(services, shared_samples: Path):  # type: ignore[no-untyped-def]
    """The samples imported; on the case with an effective agreement a rights notice, a
    performance record and a private note are recorded in the app."""
    from datetime import date

    from sqlalchemy import select

    from mediator_desktop.storage.models import Case

    services.exchange.import_document(json.loads(shared_samples.read_text(encoding="utf-8")))
    doc = services.exchange.export_document()
    i, data = next((i, c) for i, c in enumerate(doc["cases"]) if (c.get("agreement") or {}).get("signed_on"))
    with services.ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.code == data["code"]))
    detail = services.cases.get(case_id)
    services.sessions.record_notice(detail.parties[0].id, date(2026, 11, 2), "written")
    term = services.agreements.get(case_id).terms[0]
    services.agreements.record_performance(term.id, date(2026, 11, 10), "performed", note="当面付清")
    services.sessions.add_note(case_id, "private", "只给自己看的笔记")
    return i, case_id


def _kept_parts(services, case_id: int) -> tuple:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from mediator_desktop.storage.models import AgreementTerm, CaseNote, CaseParty, TermPerformance

    with services.ctx.db.read() as s:
        notices = list(s.scalars(select(CaseParty.notice_on).where(CaseParty.case_id == case_id)
                                 .order_by(CaseParty.position)))
        performed = s.scalar(select(func.count()).select_from(TermPerformance).join(AgreementTerm)
                             .where(AgreementTerm.id == TermPerformance.term_id))
        notes = s.scalar(select(func.count()).select_from(CaseNote).where(CaseNote.case_id == case_id))
    return notices, performed, notes


def _update_audits(services, case_id: int) -> list[dict]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from mediator_desktop.storage.models import AuditEntry

    with services.ctx.db.read() as s:
        return [e.detail for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action == "import-update", AuditEntry.entity_id == case_id))]


def test_reimporting_an_unchanged_export_keeps_notices_performance_and_notes(services, shared_samples) -> None:
    i, case_id = _concluded_setup(services, shared_samples)
    before = _kept_parts(services, case_id)
    assert before[0][0] is not None and before[1] == 1 and before[2] == 1
    doc = services.exchange.export_document()
    result = services.exchange.import_document(doc, update_existing=True)
    assert doc["cases"][i]["code"] in result.updated
    assert _kept_parts(services, case_id) == before
    assert _update_audits(services, case_id) == []           # nothing changed, nothing recorded


def test_a_concluded_case_keeps_status_parties_and_visits(services, shared_samples) -> None:
    i, case_id = _concluded_setup(services, shared_samples)
    doc = services.exchange.export_document()
    original = json.dumps(doc["cases"][i], ensure_ascii=False, sort_keys=True)
    case = doc["cases"][i]
    case["status"] = "registered"
    case["parties"][1]["name"] = "改了名字"
    case["follow_ups"] = [{"party": 0, "due_on": "2026-12-01"}]
    case.pop("judicial_confirmation", None)
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(doc, update_existing=True)
    paths = {p.path for p in err.value.problems}
    assert f"$.cases[{i}].status" in paths
    assert f"$.cases[{i}].parties[1].name" in paths
    assert any(p.startswith(f"$.cases[{i}].follow_ups") for p in paths)
    assert all("导入不能" in p.message for p in err.value.problems)
    after = services.exchange.export_document()["cases"][i]
    assert json.dumps(after, ensure_ascii=False, sort_keys=True) == original


def test_an_update_changes_a_party_in_place_and_audits_the_field(services, shared_samples) -> None:
    from datetime import date

    from sqlalchemy import select

    from mediator_desktop.storage.models import Case

    services.exchange.import_document(json.loads(shared_samples.read_text(encoding="utf-8")))
    doc = services.exchange.export_document()
    i, data = next((i, c) for i, c in enumerate(doc["cases"]) if not c.get("agreement"))
    with services.ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.code == data["code"]))
    party = services.cases.get(case_id).parties[0]
    services.sessions.record_notice(party.id, date(2026, 11, 20), "oral")
    old_phone = data["parties"][0].get("phone", "")
    data["parties"][0]["phone"] = "13900001111"
    services.exchange.import_document(doc, update_existing=True)
    after = services.cases.get(case_id).parties[0]
    assert after.id == party.id and after.phone == "13900001111"
    assert _kept_parts(services, case_id)[0][0] == date(2026, 11, 20)   # the notice stayed
    changes = [d["changes"] for d in _update_audits(services, case_id)]
    assert ["parties[0].phone" in c for c in changes] == [True]
    assert changes[0]["parties[0].phone"] == [old_phone, "13900001111"]


def test_signed_records_hold_a_draft_agreement(services, shared_samples) -> None:
    """Signed records beside a draft agreement: the file may not change the draft nor make it
    effective (that goes through the window's checks)."""
    from sqlalchemy import select

    from mediator_desktop.storage.models import Agreement, Case

    i, case_id = _concluded_setup(services, shared_samples)
    doc = services.exchange.export_document()
    with services.ctx.db.write() as s:                       # the agreement back to a draft
        s.scalar(select(Agreement).where(Agreement.case_id == case_id)).signed_on = None
        s.get(Case, case_id).status = "in_mediation"
    doc = services.exchange.export_document()
    doc["cases"][i]["agreement"]["signed_on"] = "2026-11-01"
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(doc, update_existing=True)
    assert f"$.cases[{i}].agreement.signed_on" in {p.path for p in err.value.problems}
    assert services.agreements.get(case_id).signed_on is None


def test_five_thousand_digit_amount_with_a_point_gets_a_chinese_message(
        tmp_path: Path, shared_samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = shared_samples.read_text(encoding="utf-8")
    text = text.replace('"version": 1', '"version": ' + "9" * 5000 + ".5", 1)
    file = tmp_path / "big.json"
    file.write_text(text, encoding="utf-8")
    assert _import(tmp_path / "room.sqlite3", file) == 3
    err = capsys.readouterr().err
    assert "数字" in err and "Infinity" not in err and "Traceback" not in err


def test_case_number_zero_is_refused_as_out_of_range(tmp_path: Path, shared_samples: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    file = _with_code(shared_samples, tmp_path, "（2026）忙畔人调字第0号")
    assert _import(tmp_path / "room.sqlite3", file) == 3
    err = capsys.readouterr().err
    assert "$.cases[0].code" in err and "1到999999之间" in err and "太大" not in err


def test_an_update_leaving_out_the_risk_level_keeps_the_default(services, shared_samples) -> None:
    """A file from another system may leave optional fields out: a concluded case's update then
    takes the same defaults a new case would (risk level 无), never an empty value."""
    i, case_id = _concluded_setup(services, shared_samples)
    doc = services.exchange.export_document()
    doc["cases"][i].pop("risk_level", None)
    doc["cases"][i]["title"] = "更正后的标题"
    services.exchange.import_document(doc, update_existing=True)
    detail = services.cases.get(case_id)
    assert detail.title == "更正后的标题" and detail.risk_level == "none"
