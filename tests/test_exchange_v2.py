"""Version 2 of the case-exchange format (docs/case-exchange-v2.md) on SQLite and PostgreSQL.

A case with every field version 2 adds is built through the services and the ORM, exported,
imported into an empty database and exported again: the same document. Version-1 files still
import as before, a version-3 file is refused in Chinese, a bad new field is named by its JSON
path, an update keeps the guards (and only ever adds to the ledger's and the risk's history),
and a masked export masks the new texts.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SHARED, _truncate_pg, make_services
from jsonschema import Draft202012Validator
from test_documents_followups import _two_visits

from mediator_desktop import cli
from mediator_desktop.exchange.validate import SCHEMA, SCHEMA_V2, SCHEMAS, schema_path, validate_document
from mediator_desktop.services.exchange import ExchangeError
from mediator_desktop.storage.models import (
    Case,
    CasePrevention,
    LedgerEvent,
    Referral,
    RiskChange,
    RiskPlan,
    Termination,
)

SAMPLE_V2 = Path(__file__).resolve().parent / "data" / "case_exchange_v2_sample.json"
DOC = REPO / "docs" / "case-exchange-v2.md"
#: Every field version 2 adds, by where it sits (docs/case-exchange-v2.md lists each of them).
CASE_ADDITIONS = {"simple_procedure", "risk_reported_to", "risk_reported_on", "risk_changes", "risk_plan",
                  "handling_level", "handling_since", "first_receiver", "ledger_closed_on", "ledger_events",
                  "preventions", "referrals"}
VISIT_ADDITIONS = {"kind", "reason", "term", "auto", "term_performance", "satisfaction_label", "risk_note",
                   "measures", "sued", "events"}


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _fill_everything(s, clock) -> list[str]:  # type: ignore[no-untyped-def]
    """Two cases with every field of version 2: an agreed one (visits recorded and moved, an urge
    visit, enforcement applied for, the risk raised and reported, a red plan, a referral
    answered, prevention figures, 销号 → 再挂号 → 销号) and a court-entrusted one under the
    simple procedure, terminated with its reason."""
    code = _two_visits(s, clock)
    visits = s.followups.visits(s.cases.get_by_code(code).id)
    performance = next(v for v in visits if v.kind == "performance" and v.done_on)
    s.followups.follow(performance.id, "urge", next_on=date(2026, 12, 15), note="电话督促李四")
    second = s.cases.register(_court_entrusted_draft())
    with s.ctx.db.write() as ses:
        case = ses.query(Case).filter_by(code=code).one()
        case.risk_level = "red"
        case.risk_reported_to, case.risk_reported_on = "龙门街道综治中心", date(2026, 12, 2)
        case.handling_level, case.handling_since = "township", date(2026, 12, 2)
        case.first_receiver = "王芳"
        case.risk_changes = [
            RiskChange(from_level="none", to_level="orange", reported_to="", reported_at=None, note="回访发现争吵",
                       at=datetime(2026, 12, 1, 9, 40, 17), actor="杨志强"),
            RiskChange(from_level="orange", to_level="red", reported_to="龙门街道综治中心",
                       reported_at=datetime(2026, 12, 2, 10, 0), note="扬言持械讨债，电话13800001234",
                       at=datetime(2026, 12, 2, 9, 5), actor="王芳")]
        case.risk_plan = RiskPlan(measures="包案领导约谈双方；身份证11010519491231002X的当事人由专人联系",
                                  lead="赵德明", lead_title="龙门街道党工委副书记", members="杨志强、王芳",
                                  starts_on=date(2026, 12, 2), due_on=date(2026, 12, 31),
                                  updated_at=datetime(2026, 12, 2, 11, 0), actor="王芳")
        case.referrals = [Referral(kind="report", direction="outgoing", from_unit="龙门街道人民调解委员会",
                                   to_unit="龙门街道综治中心", reason="风险升为红色，需街道统筹",
                                   actions_taken="已回访两次，督促履行", contact="王芳，手机13800002222",
                                   sent_on=date(2026, 12, 2), answer="已指定包案领导", answered_on=date(2026, 12, 3),
                                   created_at=datetime(2026, 12, 2, 11, 5), actor="王芳"),
                          Referral(kind="divert", direction="incoming", from_unit="龙门派出所", to_unit="",
                                   reason="", actions_taken="", contact="", sent_on=date(2026, 11, 19), answer="",
                                   answered_on=None, created_at=datetime(2026, 11, 19, 8, 0), actor="王芳")]
        case.preventions = [CasePrevention(kind="criminal", persons=2, note="双方曾持械对峙"),
                            CasePrevention(kind="suicide", persons=1, note="")]
        case.ledger_events = [
            LedgerEvent(action="cross_off", on=date(2026, 12, 1), note="协议已履行大部分", at=datetime(2026, 12, 1, 17, 0),
                        actor="王芳"),
            LedgerEvent(action="reopen", on=date(2026, 12, 2), note="再起冲突", at=datetime(2026, 12, 2, 9, 6),
                        actor="王芳"),
            LedgerEvent(action="cross_off", on=date(2026, 12, 10), note="", at=datetime(2026, 12, 10, 16, 30),
                        actor="杨志强")]
        case.ledger_closed_on = date(2026, 12, 10)
        other = ses.get(Case, second.id)
        assert other is not None
        other.simple_procedure = True
        other.status = "terminated"
        other.termination = Termination(on=date(2026, 11, 25), reason="双方分歧过大", routes_explained=True,
                                        reason_kind="impossible")
    return [code, second.code]


def _court_entrusted_draft():  # type: ignore[no-untyped-def]
    from conftest import sample_draft

    from mediator_desktop.services.dto import PartyDraft

    return sample_draft(source="court_entrusted", summary="法院委托调解的赡养纠纷。", received_on=date(2026, 11, 21),
                        parties=[PartyDraft(role="applicant", kind="person", name="赵桂兰"),
                                 PartyDraft(role="respondent", kind="person", name="钱志明")])


def _empty_like(db_url: str, tmp_path: Path, sqlite_template: Path) -> str:
    """An empty database of the same kind: a fresh SQLite file, or the PostgreSQL one emptied."""
    if db_url.startswith("sqlite"):
        shutil.copy(sqlite_template, tmp_path / "empty.sqlite3")
        return f"sqlite:///{(tmp_path / 'empty.sqlite3').as_posix()}"
    _truncate_pg(db_url)
    return db_url


# -- round trip ---------------------------------------------------------------------------------

def test_every_new_field_survives_export_import_export(org_services, clock, db_url, tmp_path,
                                                       sqlite_template) -> None:
    s = org_services
    codes = _fill_everything(s, clock)
    doc = s.exchange.export_document()
    assert doc["version"] == 2 and validate_document(doc) == []
    assert list(Draft202012Validator(SCHEMA_V2).iter_errors(doc)) == []
    first, second = (next(c for c in doc["cases"] if c["code"] == code) for code in codes)
    assert CASE_ADDITIONS - {"simple_procedure"} <= set(first)
    assert second["simple_procedure"] is True and second["termination"]["reason_kind"] == "impossible"
    visit_keys = set().union(*(set(v) for v in first["follow_ups"]))
    assert VISIT_ADDITIONS - {"auto", "satisfaction_label"} <= visit_keys
    # What the visits found, as recorded through the follow-up service.
    done = {v["done_on"]: v for v in first["follow_ups"] if v.get("done_on")}
    assert done["2026-12-01"]["term_performance"] == [{"term": 0, "status": "not_performed"}]
    assert done["2026-12-01"]["term"] == 0 and done["2026-12-01"]["kind"] == "performance"
    assert done["2026-12-01"]["sued"] is False and "电话督促李四" in done["2026-12-01"]["measures"]
    assert done["2026-12-10"]["satisfaction_label"] == "非常满意" and "satisfaction" not in done["2026-12-10"]
    assert [e["action"] for e in done["2026-12-10"]["events"]] == ["planned", "rescheduled", "recorded"]
    urge = next(v for v in first["follow_ups"] if v["kind"] == "urge")
    assert urge["due_on"] == "2026-12-15" and urge["term"] == 0 and urge["events"][0]["action"] == "planned"
    assert any(v.get("auto") for v in first["follow_ups"])  # the satisfaction visit to 张三, still as planned
    assert first["judicial_confirmation"]["enforcement_applied"] is True
    assert first["judicial_confirmation"]["enforcement_on"] == "2026-12-05"
    assert first["risk_changes"][0]["at"] == "2026-12-01T09:40"  # minutes, as every time of the format
    assert first["risk_plan"]["lead"] == "赵德明" and first["ledger_closed_on"] == "2026-12-10"
    assert [e["action"] for e in first["ledger_events"]] == ["cross_off", "reopen", "cross_off"]
    assert first["referrals"][1] == {"kind": "divert", "direction": "incoming", "from_unit": "龙门派出所",
                                     "sent_on": "2026-11-19"}
    assert first["preventions"] == [{"kind": "criminal", "persons": 2, "note": "双方曾持械对峙"},
                                    {"kind": "suicide", "persons": 1}]
    s.close()

    target = make_services(_empty_like(db_url, tmp_path, sqlite_template), clock)
    try:
        result = target.exchange.import_document(copy.deepcopy(doc))
        assert sorted(result.created) == sorted(codes) and result.visits_planned == 0
        again = target.exchange.export_document()
        assert again == doc
        # The restored visits work as entered here: the urge visit checks the first clause.
        case = target.cases.get_by_code(codes[0])
        visits = target.followups.visits(case.id)
        urge_view = next(v for v in visits if v.kind == "urge")
        assert urge_view.due.due == date(2026, 12, 15) and not urge_view.done
        # Imported again with --update: nothing differs, nothing is written.
        result = target.exchange.import_document(copy.deepcopy(doc), update_existing=True)
        assert sorted(result.updated) == sorted(codes)
        assert target.exchange.export_document() == doc
    finally:
        target.close()


def test_the_v2_sample_file_imports_and_exports_unchanged(services) -> None:
    doc = load(SAMPLE_V2)
    assert validate_document(doc) == []
    result = services.exchange.import_document(copy.deepcopy(doc))
    assert result.created == [c["code"] for c in doc["cases"]] and result.visits_planned == 0
    assert services.exchange.export_document() == doc
    detail = services.cases.get_by_code("（2026）忙畔人调字第3号")
    assert detail.simple_procedure is True


def test_a_version_1_export_for_an_older_program(org_services, clock, db_url, tmp_path) -> None:
    """A room with a program that reads only version 1 gets a version-1 file (``version=1``,
    ``export --format-version 1``): version 1's fields only, valid against version 1's schema."""
    s = org_services
    _fill_everything(s, clock)
    old = s.exchange.export_document(version=1)
    assert old["version"] == 1 and validate_document(old) == []
    file = tmp_path / "v1.json"
    assert cli.main(["--db", db_url, "export", "-o", str(file), "--format-version", "1"]) == 0
    assert load(file) == old
    assert list(Draft202012Validator(SCHEMA).iter_errors(old)) == []
    for case in old["cases"]:
        assert not CASE_ADDITIONS & set(case)
        for visit in case.get("follow_ups", []):
            assert not VISIT_ADDITIONS & set(visit)


# -- version 1 still reads; version 3 does not ----------------------------------------------------

def test_a_version_1_update_keeps_what_only_version_2_carries(org_services, clock) -> None:
    s = org_services
    code = _fill_everything(s, clock)[0]
    full = s.exchange.export_document([code])
    old = s.exchange.export_document([code], version=1)
    old["cases"][0]["title"] = "改过的案件名称"
    # The case is concluded (an effective agreement): the title may change, the rest must match.
    result = s.exchange.import_document(old, update_existing=True)
    assert result.updated == [code]
    after = s.exchange.export_document([code])
    assert after["cases"][0].pop("title") == "改过的案件名称"
    full["cases"][0].pop("title")
    assert after == full


def test_a_version_3_file_is_refused_in_chinese(services, tmp_path, capsys) -> None:
    doc = load(SAMPLE_V2)
    doc["version"] = 3
    doc["cases"][0]["something_new"] = True
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(doc)
    assert [(p.path) for p in err.value.problems] == ["$.version"]  # not a list of “unknown fields”
    message = err.value.problems[0].message
    assert "第3版" in message and "只能读取第1版和第2版" in message and "升级" in message
    file = tmp_path / "v3.json"
    file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "room.sqlite3"
    assert cli.main(["--db", str(db), "--create", "import", str(file)]) == cli.EXIT_BAD_DOCUMENT
    assert "$.version：" in capsys.readouterr().err


@pytest.mark.parametrize(("version", "words"), [(0, ["应为 1 或 2"]), ("2", ["应为 1 或 2"]), (None, ["应为 1 或 2"]),
                                                (True, ["应为 1 或 2"]), (3.0, ["应为 1 或 2"])])
def test_a_wrong_version_names_both_versions(version: Any, words: list[str]) -> None:
    doc = load(SAMPLE_V2)
    doc["version"] = version
    problems = validate_document(doc)
    version_problems = [p for p in problems if p.path == "$.version"]
    assert version_problems, problems
    for word in words:
        assert word in version_problems[0].message


def test_a_later_version_of_another_format_is_not_taken_for_ours() -> None:
    doc = load(SAMPLE_V2)
    doc["format"], doc["version"] = "other/format", 3
    problems = {p.path: p.message for p in validate_document(doc)}
    assert "不是调解工作台的案件交换文件" in problems["$.format"]


def test_a_version_2_field_in_a_version_1_file_says_which_version_has_it() -> None:
    doc = load(SAMPLE_V2)
    doc["version"] = 1
    problems = {p.path: p.message for p in validate_document(doc)}
    assert "第2版格式才有的字段" in problems["$.cases[0].risk_changes"]
    assert "version 改为 2" in problems["$.cases[0].follow_ups[0].term_performance"]
    assert "第2版" in problems["$.cases[0].judicial_confirmation.enforcement_applied"]
    assert "第2版" in problems["$.cases[2].termination.reason_kind"]
    doc["cases"][0]["risk_levle"] = "red"
    assert "是否应为“risk_level”" in {p.path: p.message for p in validate_document(doc)}["$.cases[0].risk_levle"]


# -- the schema -------------------------------------------------------------------------------

def test_version_2_schema_is_version_1_plus_optional_additions() -> None:
    Draft202012Validator.check_schema(SCHEMA_V2)
    assert SCHEMAS[1] is SCHEMA and json.loads(schema_path(2).read_text(encoding="utf-8")) == SCHEMA_V2
    assert SCHEMA_V2["properties"]["version"]["const"] == 2 and SCHEMA["properties"]["version"]["const"] == 1
    assert SCHEMA_V2["required"] == SCHEMA["required"]
    for name, old in SCHEMA["$defs"].items():
        new = SCHEMA_V2["$defs"][name]
        # Every field of version 1 means the same; only optional properties are added.
        assert {k: v for k, v in new.items() if k != "properties"} == {k: v for k, v in old.items() if k != "properties"}
        for key, prop in old.get("properties", {}).items():
            assert new["properties"][key] == prop, (name, key)
    added = {name: set(SCHEMA_V2["$defs"][name].get("properties", {})) - set(old.get("properties", {}))
             for name, old in SCHEMA["$defs"].items()}
    assert added["case"] == CASE_ADDITIONS and added["follow_up"] == VISIT_ADDITIONS
    assert added["judicial_confirmation"] == {"enforcement_applied", "enforcement_on"}
    assert added["termination"] == {"reason_kind"}
    assert not any(v for k, v in added.items() if k not in ("case", "follow_up", "judicial_confirmation", "termination"))
    for at, node in _objects(SCHEMA_V2):
        assert node.get("additionalProperties") is False, at
        for key, prop in node["properties"].items():
            label = prop.get("title") or SCHEMA_V2["$defs"][prop["$ref"].rsplit("/", 1)[-1]]["title"]
            assert re.search(r"[\u4e00-\u9fff]", label), f"{at}/{key} has no Chinese label"


def _objects(node: Any, at: str = "#") -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            out.append((at, node))
        for key, value in node.items():
            out.extend(_objects(value, f"{at}/{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_objects(value, f"{at}/{i}"))
    return out


def test_the_documentation_names_every_addition() -> None:
    text = DOC.read_text(encoding="utf-8")
    new_defs = set(SCHEMA_V2["$defs"]) - set(SCHEMA["$defs"])
    fields = CASE_ADDITIONS | VISIT_ADDITIONS | {"enforcement_applied", "enforcement_on", "reason_kind"}
    for name in new_defs:
        fields |= set(SCHEMA_V2["$defs"][name].get("properties", {}))
    missing = sorted(f for f in fields if f"`{f}`" not in text)
    assert missing == []
    # Every enumeration word version 2 adds is explained there.
    for name in new_defs | {"case", "follow_up", "termination"}:
        old = SCHEMA["$defs"].get(name, {}).get("properties", {})
        for key, prop in SCHEMA_V2["$defs"][name].get("properties", {}).items():
            for word in [] if key in old else prop.get("enum", []):
                assert word in text, (name, key, word)
    assert (SHARED / "spec" / "case-exchange.md").exists()


def test_an_empty_version_2_writer_is_read() -> None:
    """The additions are optional: a version-2 file with nothing to say about them is valid."""
    doc = json.loads(json.dumps(load(SHARED / "samples" / "sample-cases.json")))
    doc["version"] = 2
    assert validate_document(doc) == []
    doc["cases"][0]["follow_ups"] = [{}]
    doc["cases"][0]["risk_plan"] = {}
    doc["cases"][0]["judicial_confirmation"] = {}
    assert validate_document(doc) == []


# -- validation of the new fields ----------------------------------------------------------------

def _case(doc: dict[str, Any], i: int = 0) -> dict[str, Any]:
    return doc["cases"][i]


V2_CATALOGUE: list[tuple[str, Any, dict[str, list[str]]]] = [
    ("bad handling level", lambda d: _case(d).update(handling_level="city"),
     {"$.cases[0].handling_level": ["“处置层级”(handling_level)", "“city”", "grid、village、township、county"]}),
    ("handling since without a level", lambda d: _case(d, 2).update(handling_since="2026-11-09"),
     {"$.cases[2].handling_since": ["处置层级"]}),
    ("simple procedure of a case the parties brought", lambda d: _case(d).update(simple_procedure=True),
     {"$.cases[0].simple_procedure": ["法院委托", "简易程序", "grid_reported"]}),
    ("simple procedure as a word", lambda d: _case(d, 2).update(simple_procedure="是"),
     {"$.cases[2].simple_procedure": ["适用简易程序", "true 或 false"]}),
    ("risk change to the same level", lambda d: _case(d)["risk_changes"][0].update(to_level="none"),
     {"$.cases[0].risk_changes[0].to_level": ["风险等级没有变化"]}),
    ("risk change without its new level", lambda d: _case(d)["risk_changes"][0].pop("to_level"),
     {"$.cases[0].risk_changes[0].to_level": ["缺少必填字段“新风险等级”(to_level)"]}),
    ("reported at 25 o'clock", lambda d: _case(d)["risk_changes"][0].update(reported_at="2026-10-12T25:00"),
     {"$.cases[0].risk_changes[0].reported_at": ["“报告时间”(reported_at)", "00–23"]}),
    ("plan due before it starts", lambda d: _case(d, 1)["risk_plan"].update(due_on="2026-11-01"),
     {"$.cases[1].risk_plan.due_on": ["化解期限", "早于"]}),
    ("plan lead typo", lambda d: _case(d, 1)["risk_plan"].update(laed="张建华"),
     {"$.cases[1].risk_plan.laed": ["未知字段“laed”", "“lead”"]}),
    ("referral without its date", lambda d: _case(d, 1)["referrals"][0].pop("sent_on"),
     {"$.cases[1].referrals[0].sent_on": ["缺少必填字段“移送日期”(sent_on)"]}),
    ("referral answered before it was sent", lambda d: _case(d, 1)["referrals"][0].update(answered_on="2026-11-01"),
     {"$.cases[1].referrals[0].answered_on": ["答复日期", "早于", "移送日期"]}),
    ("referral of an unknown kind", lambda d: _case(d, 1)["referrals"][0].update(kind="escalate"),
     {"$.cases[1].referrals[0].kind": ["不在允许范围", "transfer、report、divert"]}),
    ("no persons prevented", lambda d: _case(d)["preventions"][0].update(persons=0),
     {"$.cases[0].preventions[0].persons": ["涉及人数", "不能小于1"]}),
    ("persons written 2.0", lambda d: _case(d)["preventions"][0].update(persons=2.0),
     {"$.cases[0].preventions[0].persons": ["整数"]}),
    ("crossed off twice", lambda d: _case(d)["ledger_events"].insert(1, dict(_case(d)["ledger_events"][0])),
     {"$.cases[0].ledger_events[1].action": ["已在台账上销号，不能再次销号"]}),
    ("first a reopen", lambda d: _case(d)["ledger_events"].pop(0),
     {"$.cases[0].ledger_events[0].action": ["第一条记录应为销号"]}),
    ("closed on another day", lambda d: _case(d).update(ledger_closed_on="2026-11-21"),
     {"$.cases[0].ledger_closed_on": ["“2026-11-20”销号", "应为同一天", "“2026-11-21”"]}),
    ("closed after a reopen", lambda d: _case(d)["ledger_events"].pop(),
     {"$.cases[0].ledger_closed_on": ["再挂号", "不应有"]}),
    ("ledger date of February 30th", lambda d: _case(d)["ledger_events"][0].update(on="2026-02-30"),
     {"$.cases[0].ledger_events[0].on": ["销号或再挂号日期", "不是存在的日期"]}),
    ("visit checks clause 5 of 2", lambda d: _case(d)["follow_ups"][0].update(term=5),
     {"$.cases[0].follow_ups[0].term": ["协议条款序号 5 超出范围", "只有2条"]}),
    ("finding on a clause twice", lambda d: _case(d)["follow_ups"][0]["term_performance"][1].update(term=0),
     {"$.cases[0].follow_ups[0].term_performance[1].term": ["重复"]}),
    ("finding without an agreement", lambda d: _case(d, 2).update(follow_ups=[{"term_performance": [
        {"term": 0, "status": "performed"}]}]),
     {"$.cases[2].follow_ups[0].term_performance[0].term": ["没有条款"]}),
    ("negative clause", lambda d: _case(d)["follow_ups"][0].update(term=-1),
     {"$.cases[0].follow_ups[0].term": ["协议条款序号", "负数"]}),
    ("finding of an unknown status", lambda d: _case(d)["follow_ups"][0]["term_performance"][0].update(status="done"),
     {"$.cases[0].follow_ups[0].term_performance[0].status": ["履行情况", "performed、partly_performed"]}),
    ("both satisfactions", lambda d: _case(d)["follow_ups"][0].update(satisfaction_label="非常满意"),
     {"$.cases[0].follow_ups[0].satisfaction_label": ["只能填一个"]}),
    ("visit event of an unknown kind", lambda d: _case(d)["follow_ups"][1]["events"][1].update(action="moved"),
     {"$.cases[0].follow_ups[1].events[1].action": ["不在允许范围", "rescheduled"]}),
    ("visit event time without T", lambda d: _case(d)["follow_ups"][1]["events"][0].update(at="2026-11-16 10:10"),
     {"$.cases[0].follow_ups[1].events[0].at": ["记录时间", "YYYY-MM-DDTHH:MM"]}),
    ("enforcement before the ruling", lambda d: _case(d)["judicial_confirmation"].update(enforcement_on="2026-10-27"),
     {"$.cases[0].judicial_confirmation.enforcement_on": ["申请执行日期", "早于", "裁定日期"]}),
    ("enforcement of a rejected agreement", lambda d: _case(d)["judicial_confirmation"].update(result="rejected"),
     {"$.cases[0].judicial_confirmation.enforcement_applied": ["裁定协议有效", "才能申请强制执行"]}),
    ("enforcement date without applying", lambda d: _case(d)["judicial_confirmation"].update(enforcement_applied=False),
     {"$.cases[0].judicial_confirmation.enforcement_applied": ["应为 true"]}),
    ("termination reason of an unknown kind", lambda d: _case(d, 2)["termination"].update(reason_kind="tired"),
     {"$.cases[2].termination.reason_kind": ["终止原因类别", "refused、withdrawn、impossible、other"]}),
]


@pytest.mark.parametrize(("mutate", "expected"), [(m, e) for _, m, e in V2_CATALOGUE],
                         ids=[name for name, _, _ in V2_CATALOGUE])
def test_bad_new_field(mutate: Any, expected: dict[str, list[str]]) -> None:
    doc = load(SAMPLE_V2)
    mutate(doc)
    problems = validate_document(doc)
    assert sorted({p.path for p in problems}) == sorted(expected), problems
    for path, words in expected.items():
        message = " / ".join(p.message for p in problems if p.path == path)
        for word in words:
            assert word in message, (path, word, message)
    # The plain jsonschema validator finds nothing the reported paths miss.
    reported = {p.path for p in problems}
    for error in Draft202012Validator(SCHEMA_V2).iter_errors(doc):
        if error.validator not in ("required", "additionalProperties"):
            path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            assert path in reported, (path, error.message)


def test_a_bad_new_field_stops_the_import_whole(services) -> None:
    doc = load(SAMPLE_V2)
    doc["cases"][1]["referrals"][0]["answered_on"] = "2026-11-01"
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(doc)
    assert [p.path for p in err.value.problems] == ["$.cases[1].referrals[0].answered_on"]
    assert services.organization.get() is None


# -- updates -------------------------------------------------------------------------------------

def test_an_update_replaces_plan_referrals_and_figures_and_only_adds_to_history(services) -> None:
    doc = load(SAMPLE_V2)
    services.exchange.import_document(copy.deepcopy(doc))
    case = doc["cases"][1]
    case["risk_plan"]["due_on"] = "2026-12-15"
    case["referrals"][0]["answer"] += "；12月1日复查"
    case["preventions"] = [{"kind": "group_fight", "persons": 12}]
    case["risk_changes"].append({"from_level": "red", "to_level": "orange", "note": "工资已付一半",
                                 "at": "2026-11-20T10:00", "actor": "李树军"})
    case["ledger_events"] = [{"action": "cross_off", "on": "2026-11-21"}]
    case["ledger_closed_on"] = "2026-11-21"
    case["handling_level"] = "county"
    result = services.exchange.import_document(copy.deepcopy(doc), update_existing=True)
    assert sorted(result.updated) == [c["code"] for c in doc["cases"]]
    out = services.exchange.export_document(["（2026）忙畔人调字第2号"])["cases"][0]
    assert out["risk_plan"]["due_on"] == "2026-12-15" and out["referrals"][0]["answer"].endswith("12月1日复查")
    assert out["preventions"] == [{"kind": "group_fight", "persons": 12}]
    assert [x["to_level"] for x in out["risk_changes"]] == ["red", "orange"]
    # An entry without a time is dated at the import (the test clock), without an actor it has none.
    assert out["ledger_events"] == [{"action": "cross_off", "on": "2026-11-21", "at": "2026-11-22T09:30"}]
    assert out["handling_level"] == "county"

    # History only grows: a file that changes or drops a stored entry is refused, nothing written.
    changed = copy.deepcopy(doc)
    changed["cases"][0]["ledger_events"][0]["note"] = "改写的历史"
    changed["cases"][1]["risk_changes"] = []
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(changed, update_existing=True)
    found = {p.path: p.message for p in err.value.problems}
    assert sorted(found) == ["$.cases[0].ledger_events[0]", "$.cases[1].risk_changes[0]"]
    assert "只能在后面添加" in found["$.cases[0].ledger_events[0]"]
    # A file that leaves the history out keeps it; its 销号日期 must agree with the last entry.
    without = copy.deepcopy(doc)
    del without["cases"][0]["ledger_events"]
    without["cases"][0]["ledger_closed_on"] = "2026-11-21"
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(without, update_existing=True)
    assert [(p.path, "应为 2026-11-20" in p.message) for p in err.value.problems] == [
        ("$.cases[0].ledger_closed_on", True)]
    without["cases"][0]["ledger_closed_on"] = "2026-11-20"
    services.exchange.import_document(without, update_existing=True)
    assert len(services.exchange.export_document(["（2026）忙畔人调字第1号"])["cases"][0]["ledger_events"]) == 3


def test_a_concluded_case_keeps_its_visits_and_termination(services) -> None:
    doc = load(SAMPLE_V2)
    services.exchange.import_document(copy.deepcopy(doc))
    services.exchange.import_document(copy.deepcopy(doc), update_existing=True)
    changed = copy.deepcopy(doc)
    changed["cases"][0]["follow_ups"][0]["term_performance"][1]["status"] = "performed"
    changed["cases"][0]["follow_ups"][1]["events"].pop()
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(changed, update_existing=True)
    assert [p.path for p in err.value.problems] == ["$.cases[0].follow_ups[0].term_performance[1].status"]
    assert "回访记录" in err.value.problems[0].message
    # What is not part of the concluded record may still change on a concluded case.
    changed = copy.deepcopy(doc)
    changed["cases"][0]["judicial_confirmation"]["enforcement_on"] = "2026-11-21"
    changed["cases"][0]["first_receiver"] = "段丽"
    services.exchange.import_document(changed, update_existing=True)
    out = services.exchange.export_document(["（2026）忙畔人调字第1号"])["cases"][0]
    assert out["judicial_confirmation"]["enforcement_on"] == "2026-11-21" and out["first_receiver"] == "段丽"
    assert out["follow_ups"] == doc["cases"][0]["follow_ups"]


# -- masked export --------------------------------------------------------------------------------

def test_masked_export_masks_the_new_texts_and_keeps_names(org_services, clock, tmp_path) -> None:
    s = org_services
    code = _fill_everything(s, clock)[0]
    s.exchange.export_to_file(tmp_path / "masked.json", [code], masked=True)
    raw = (tmp_path / "masked.json").read_text(encoding="utf-8")
    masked = json.loads(raw)
    assert masked["version"] == 2 and list(Draft202012Validator(SCHEMA_V2).iter_errors(masked)) == []
    for number in ("13800001234", "13800002222", "11010519491231002X"):
        assert number not in raw
    case = masked["cases"][0]
    assert case["referrals"][0]["contact"] == "王芳，手机138****2222"
    assert "电话138****1234" in case["risk_changes"][1]["note"]
    assert "身份证11**************2X" in case["risk_plan"]["measures"]
    assert (case["risk_plan"]["lead"], case["risk_plan"]["members"]) == ("赵德明", "杨志强、王芳")
    assert case["risk_changes"][1]["at"] == "2026-12-02T09:05" and case["ledger_closed_on"] == "2026-12-10"
    assert case["first_receiver"] == "王芳"


def test_an_open_case_takes_the_files_visits_with_their_clauses(services) -> None:
    """A case still in mediation (a draft agreement, no signed record): an update replaces the
    agreement and the visits, and the visits point at the new agreement's clauses."""
    doc = load(SAMPLE_V2)
    case = doc["cases"][0]
    case["status"] = "in_mediation"
    del case["agreement"]["signed_on"], case["judicial_confirmation"]
    for session in case["sessions"]:
        session.pop("record", None)
        session.pop("outcome", None)
    services.exchange.import_document(copy.deepcopy(doc))
    case["agreement"]["terms"].insert(0, {"text": "双方互不追究", "status": "pending"})
    visit = case["follow_ups"][0]
    visit["term"] = 2  # the clause on the money, now third
    visit["term_performance"] = [{"term": 2, "status": "partly_performed"}]
    visit["events"].append({"action": "rescheduled", "old_due": "2026-11-16", "new_due": "2026-11-17",
                            "at": "2026-11-16T12:00", "actor": "段丽"})
    services.exchange.import_document(copy.deepcopy(doc), update_existing=True)
    out = services.exchange.export_document([case["code"]])["cases"][0]
    assert out["follow_ups"] == case["follow_ups"] and out["agreement"] == case["agreement"]
    detail = services.cases.get_by_code(case["code"])
    views = services.followups.visits(detail.id)
    assert [e.action for e in next(v for v in views if v.done_on).events][-1] == "rescheduled"
