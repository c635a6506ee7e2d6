"""Imported cases behave like cases entered by hand (SQLite and PostgreSQL): an agreement that has
taken effect gets its follow-up visits, the same file imported twice is refused as duplicates
(unless asked for), and the parties' earlier cases are named as at intake."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import sample_draft, setup_org
from gui_helpers import click, import_from_menu, shown_window

from mediator_desktop.services.dto import CaseQuery, PartyDraft
from mediator_desktop.services.exchange import ExchangeError
from mediator_desktop.ui.common import background

SATISFACTION_REASON = "协议生效后1个月内的满意度回访"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def visits_of(services, code: str) -> list:  # type: ignore[no-untyped-def]
    return services.followups.visits(services.cases.get_by_code(code).id)


def test_an_imported_agreement_gets_its_visits_shown_overdue(services, shared_samples) -> None:
    result = services.exchange.import_document(load(shared_samples))
    agreed, open_case = result.created
    assert result.visits_planned == 3
    visits = visits_of(services, agreed)
    # One satisfaction visit per party within a month of 2026-10-16, and one to 周国华 (owed the
    # money) at the due date of the pending term (2026-11-15, a Sunday → Monday); the term
    # already performed needs none.
    found = sorted((v.kind, v.party_name, v.due.due, v.auto) for v in visits)
    assert found == [("performance", "周国华", date(2026, 11, 16), True),
                     ("satisfaction", "周国华", date(2026, 11, 16), True),
                     ("satisfaction", "杨秀英", date(2026, 11, 16), True)]
    assert {v.reason for v in visits if v.kind == "satisfaction"} == {SATISFACTION_REASON}
    assert all(v.events[0].action == "planned" for v in visits)
    assert visits_of(services, open_case) == []
    # Today is 2026-11-22: the morning list shows the three visits overdue.
    today = [r for r in services.reminders.today_list() if r.kind == "visit"]
    assert sorted((r.code, r.party, r.urgency) for r in today) == [
        (agreed, "周国华", "overdue"), (agreed, "周国华", "overdue"), (agreed, "杨秀英", "overdue")]
    assert all(r.left.startswith("已逾期") for r in today)


def test_visits_listed_in_the_document_are_the_record(services, shared_samples) -> None:
    doc = load(shared_samples)
    doc["cases"][0]["follow_ups"] = [{"party": 1, "due_on": "2026-11-10", "done_on": "2026-11-10",
                                      "method": "phone", "satisfaction": "satisfied", "visitor": "李树军"}]
    result = services.exchange.import_document(doc)
    assert result.visits_planned == 0
    visits = visits_of(services, result.created[0])
    assert [(v.party_name, v.done_on, v.auto) for v in visits] == [("杨秀英", date(2026, 11, 10), False)]
    assert [r for r in services.reminders.today_list() if r.kind == "visit"] == []


def test_an_archived_case_from_an_old_ledger_gets_no_visits(services, shared_samples) -> None:
    doc = load(shared_samples)
    doc["cases"][0]["status"] = "closed"
    code = services.exchange.import_document(doc).created[0]
    assert visits_of(services, code) == []


def test_an_update_moves_the_planned_visits_and_keeps_the_recorded_ones(services, shared_samples) -> None:
    from mediator_desktop.services.followups import VisitDraft

    code = services.exchange.import_document(load(shared_samples)).created[0]
    first = next(v for v in visits_of(services, code) if v.kind == "satisfaction" and v.party_name == "杨秀英")
    found = dict(zip([t.term_id for t in first.terms], ["performed", "not_performed"], strict=True))
    services.followups.record(first.id, VisitDraft(done_on=date(2026, 11, 18), method="phone", term_statuses=found,
                                                   satisfaction="满意", visitor="李树军"))
    doc = services.exchange.export_document([code])
    case = doc["cases"][0]
    del case["follow_ups"]                       # the update does not speak of visits
    case["agreement"]["signed_on"] = "2026-10-20"  # the effective date corrected
    result = services.exchange.import_document(doc, update_existing=True)
    assert result.updated == [code] and result.created == []
    visits = visits_of(services, code)
    found = sorted((v.kind, v.party_name, v.due.due, v.done_on) for v in visits)
    assert found == [("performance", "周国华", date(2026, 11, 16), None),
                     ("satisfaction", "周国华", date(2026, 11, 20), None),   # moved with the date
                     ("satisfaction", "杨秀英", date(2026, 11, 16), date(2026, 11, 18))]  # recorded: kept
    # Updating again changes nothing: no visit is planned twice.
    services.exchange.import_document(doc, update_existing=True)
    assert len(visits_of(services, code)) == 3
    # An effective agreement is never taken away by an import (issue 17): refused by path, kept.
    case["status"] = "in_mediation"
    del case["agreement"]
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(doc, update_existing=True)
    assert "$.cases[0].agreement" in [p.path for p in err.value.problems]
    assert len(visits_of(services, code)) == 3


def test_importing_twice_is_refused_naming_the_existing_cases(services, shared_samples) -> None:
    doc = load(shared_samples)
    first = services.exchange.import_document(doc)
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(doc)
    problems = err.value.problems
    assert [p.path for p in problems] == ["$.cases[0]", "$.cases[1]"]
    assert first.created[0] in problems[0].message and first.created[1] in problems[1].message
    assert "重复" in problems[0].message and err.value.only_duplicates
    assert services.cases.count(CaseQuery()) == 2          # nothing created
    # Asked for: imported again, and said so.
    again = services.exchange.import_document(doc, allow_duplicates=True)
    assert len(again.created) == 2 and services.cases.count(CaseQuery()) == 4
    assert again.duplicates[0] == f"$.cases[0]：与已有案件{first.created[0]}重复，已按要求仍然导入"
    assert again.hints == []   # the case it repeats is not an "earlier case" of its parties


def test_duplicates_inside_one_file_and_with_other_problems(services, shared_samples) -> None:
    doc = load(shared_samples)
    copy_of_first = copy.deepcopy(doc["cases"][0])
    copy_of_first["parties"].reverse()               # the same parties in another order
    for term in copy_of_first["agreement"]["terms"]:
        term["obligor"], term["obligee"] = 1 - term["obligor"], 1 - term["obligee"]
    doc["cases"].append(copy_of_first)
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(doc)
    assert [p.path for p in err.value.problems] == ["$.cases[2]"]
    assert err.value.problems[0].message.startswith("与本文件中的$.cases[0]重复")
    # A case that differs (another summary) is no duplicate.
    doc["cases"][2]["summary"] += "（再次发生）"
    doc["cases"][1]["dispute_type"] = "不存在的类型"
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(doc)
    assert [p.path for p in err.value.problems] == ["$.cases[1].dispute_type"]
    assert not err.value.only_duplicates
    assert services.cases.count(CaseQuery()) == 0


def test_the_report_names_the_parties_earlier_cases(services, shared_samples) -> None:
    setup_org(services)
    earlier = services.cases.register(sample_draft(parties=[
        PartyDraft(role="applicant", kind="person", name="周国华", id_number="530902197005040712"),
        PartyDraft(role="respondent", kind="person", name="李四", phone="13900005678")]))
    company = services.cases.register(sample_draft(summary="工程款纠纷。", parties=[
        PartyDraft(role="applicant", kind="person", name="张三", id_number="11010519491231002x"),
        PartyDraft(role="respondent", kind="organization", name="临沧某某建筑劳务有限公司", rep_name="赵某")]))
    result = services.exchange.import_document(load(shared_samples))
    # By ID number, and by name for a party without one (the company).
    assert result.hints == [f"$.cases[0]：当事人周国华此前有案件{earlier.code}（身份证号相同）",
                            f"$.cases[1]：当事人临沧某某建筑劳务有限公司此前有案件{company.code}（名称相同）"]
    assert "以下当事人此前有案件（请留意重复纠纷或需要回避的情况）：" in result.report_lines()


def test_the_command_line_prints_the_earlier_cases(sqlite_services, shared_samples, sqlite_url, _isolated_home) -> None:
    from test_exchange import run_cli

    setup_org(sqlite_services)
    earlier = sqlite_services.cases.register(sample_draft(parties=[
        PartyDraft(role="applicant", kind="person", name="周国华", id_number="530902197005040712"),
        PartyDraft(role="respondent", kind="person", name="李四", phone="13900005678")]))
    sqlite_services.close()
    r = run_cli("import", str(shared_samples), "--db", sqlite_url, home=_isolated_home)
    assert r.returncode == 0, r.stderr
    assert f"$.cases[0]：当事人周国华此前有案件{earlier.code}（身份证号相同）" in r.stdout.splitlines()


# -- the window ------------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, qapp, services, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(background, "PROGRESS_DELAY_MS", 0)
    return shown_window(qtbot, qapp, services)


@pytest.mark.gui
def test_the_window_refuses_the_same_file_twice_then_imports_it_anyway(qtbot, window, services,
                                                                       shared_samples) -> None:
    box = import_from_menu(qtbot, window, shared_samples)
    assert box.windowTitle() == "导入完成"
    assert "新增2件" in box.text() and "安排回访3次" in box.text()
    box.close()
    box = import_from_menu(qtbot, window, shared_samples)
    assert box.windowTitle() == "导入失败"
    assert "$.cases[0]：与已有案件（2026）龙门人调字第1号重复" in box.text()
    assert services.cases.count(CaseQuery()) == 2
    anyway = next(b for b in box.buttons() if b.text() == "仍然导入")
    click(qtbot, anyway)
    qtbot.waitUntil(lambda: window.message_box is not box and window.message_box.isVisible(), timeout=60_000)
    assert window.message_box.windowTitle() == "导入完成"
    assert "新增2件" in window.message_box.text() and "已按要求仍然导入" in window.message_box.text()
    window.message_box.close()
    assert services.cases.count(CaseQuery()) == 4
