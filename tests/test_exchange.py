"""Case exchange import/export (../shared/spec/case-exchange.md) on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_services, setup_org

from mediator_desktop.services.dto import CaseQuery
from mediator_desktop.services.exchange import ExchangeError


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_import_shared_samples_then_round_trip(services, shared_samples, sqlite_template, tmp_path,
                                               clock) -> None:
    doc = load(shared_samples)
    result = services.exchange.import_document(doc)
    assert result.created == ["（2026）忙畔人调字第1号", "（2026）忙畔人调字第2号"]
    org = services.organization.get()
    assert org.name == "临翔区忙畔街道人民调解委员会" and org.short_name == "忙畔"
    exported = services.exchange.export_document()
    first = exported["cases"][0]
    assert first["parties"][1]["name"] == "杨秀英"
    assert first["agreement"]["terms"][1]["amount"] == "3800.00"
    assert first["sessions"][1]["starts_at"] == "2026-10-16T09:30"
    assert [m["name"] for m in first["mediators"]] == ["李树军", "王松"]
    # Export gives back exactly what was imported, plus the assigned codes.
    original = copy.deepcopy(doc["cases"])
    for case, code in zip(original, result.created):
        case["code"] = code
    # ... and the follow-up visits planned for the agreement that has taken effect.
    planned = exported["cases"][0].pop("follow_ups")
    assert sorted((f["party"], f["due_on"]) for f in planned) == [(0, "2026-11-16"), (0, "2026-11-16"),
                                                                   (1, "2026-11-16")]
    assert exported["cases"] == original
    exported["cases"][0]["follow_ups"] = planned
    # Import the export into another (fresh) database: the same data again.
    import shutil

    shutil.copy(sqlite_template, tmp_path / "other.sqlite3")
    other = make_services(f"sqlite:///{tmp_path / 'other.sqlite3'}", clock)
    try:
        other.exchange.import_document(exported)
        assert other.exchange.export_document() == exported
    finally:
        other.close()


def test_update_existing_requires_the_choice(services, shared_samples) -> None:
    doc = load(shared_samples)
    services.exchange.import_document(doc)
    exported = services.exchange.export_document()
    exported["cases"][1]["summary"] = "更新后的情况"
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(exported)
    paths = [p.path for p in err.value.problems]
    assert paths == ["$.cases[0].code", "$.cases[1].code"]
    assert "已存在" in err.value.problems[0].message
    result = services.exchange.import_document(exported, update_existing=True)
    assert len(result.updated) == 2
    assert services.cases.get_by_code(exported["cases"][1]["code"]).summary == "更新后的情况"


def test_bad_document_is_rejected_whole_with_every_problem(services, shared_samples) -> None:
    doc = load(shared_samples)
    doc["cases"][0]["parties"][0]["nmae"] = "周国华"
    doc["cases"][1]["parties"][0]["id_number"] = "620702196601010939"  # wrong check digit
    doc["cases"][1]["dispute_type"] = "不存在的类型"
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(doc)
    paths = {p.path for p in err.value.problems}
    assert "$.cases[0].parties[0].nmae" in paths
    # The schema problem stops before domain checks; fix it and the domain problems show.
    del doc["cases"][0]["parties"][0]["nmae"]
    with pytest.raises(ExchangeError) as err:
        services.exchange.import_document(doc)
    paths = [p.path for p in err.value.problems]
    assert paths == ["$.cases[1].dispute_type", "$.cases[1].parties[0].id_number"]
    assert services.cases.count(CaseQuery()) == 0
    assert services.organization.get() is None  # nothing written, not even the organisation


def test_codes_given_in_the_document_are_kept_and_reserved(services, shared_samples) -> None:
    setup_org(services)
    doc = load(shared_samples)
    doc["organization"]["short_name"] = "龙门"
    doc["cases"][0]["code"] = "（2026）龙门人调字第7号"
    doc["cases"][1]["code"] = "外地案号123"
    services.exchange.import_document(doc)
    from conftest import sample_draft

    # Issue 17: a given code does not move the series; it goes on from the committee's own
    # numbers and steps over those an imported code holds.
    new = services.cases.register(sample_draft())
    assert new.code == "（2026）龙门人调字第1号"
    assert services.cases.get_by_code("外地案号123").parties[0].name == "马有福"


def test_characters_outside_the_bmp_survive_everything(services, shared_samples) -> None:
    doc = load(shared_samples)
    doc["cases"][0]["parties"][0]["name"] = "𠮷国𫖮"
    doc["cases"][0]["summary"] += "（𫖮）"
    services.exchange.import_document(doc)
    rows = services.cases.page(CaseQuery(text="𠮷国"))
    assert rows and rows[0].party_names.startswith("𠮷国𫖮")
    out = services.exchange.export_document()
    assert out["cases"][0]["parties"][0]["name"] == "𠮷国𫖮"
    assert out["cases"][0]["summary"].endswith("（𫖮）")


def test_masked_export_for_sharing(services, shared_samples) -> None:
    services.exchange.import_document(load(shared_samples))
    out = services.exchange.export_document(masked=True)
    party = out["cases"][0]["parties"][0]
    assert party["id_number"] == "53**************12"  # README “Masked export”
    assert party["phone"] == "139****0001"
    assert "birth_date" not in party


def test_export_one_case_and_unknown_code(services, shared_samples) -> None:
    from mediator_desktop.services.errors import NotFoundError

    services.exchange.import_document(load(shared_samples))
    out = services.exchange.export_document(["（2026）忙畔人调字第2号"])
    assert [c["code"] for c in out["cases"]] == ["（2026）忙畔人调字第2号"]
    with pytest.raises(NotFoundError):
        services.exchange.export_document(["没有这个案号"])


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ, MEDIATOR_DESKTOP_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "mediator_desktop", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_cli_import_export_demo(tmp_path: Path, shared_samples: Path, _isolated_home: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    r = run_cli("import", str(shared_samples), "--db", db, "--create", home=_isolated_home)
    assert r.returncode == 0, r.stderr
    assert "新增2件" in r.stdout and "安排回访3次" in r.stdout
    # The same file again: every case is a duplicate, listed by path with the existing code.
    again = run_cli("import", str(shared_samples), "--db", db, home=_isolated_home)
    assert again.returncode == 3 and again.stdout == ""
    assert "  $.cases[0]：与已有案件（2026）忙畔人调字第1号重复" in again.stderr
    assert "  $.cases[1]：与已有案件（2026）忙畔人调字第2号重复" in again.stderr
    assert "--allow-duplicates" in again.stderr
    anyway = run_cli("import", str(shared_samples), "--allow-duplicates", "--db", db, home=_isolated_home)
    assert anyway.returncode == 0, anyway.stderr
    assert "新增2件" in anyway.stdout
    assert "$.cases[0]：与已有案件（2026）忙畔人调字第1号重复，已按要求仍然导入" in anyway.stdout
    out = tmp_path / "out.json"
    r = run_cli("export", "--case", "（2026）忙畔人调字第1号", "-o", str(out), "--db", db, home=_isolated_home)
    assert r.returncode == 0, r.stderr
    assert load(out)["cases"][0]["code"] == "（2026）忙畔人调字第1号"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mediator-desktop/case-exchange",\n "version": 2,}', encoding="utf-8")
    r = run_cli("import", str(bad), "--db", db, home=_isolated_home)
    assert r.returncode == 3
    assert "第2行" in r.stderr
    missing = run_cli("import", str(tmp_path / "nope.json"), "--db", db, home=_isolated_home)
    assert missing.returncode == 3 and "找不到文件" in missing.stderr  # a bad document (issue 17)
    r = run_cli("export", "--case", "没有", "-o", str(out), "--db", db, home=_isolated_home)
    assert r.returncode == 1 and "找不到" in r.stderr
    demo_db = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    r = run_cli("demo", "--count", "50", "--db", demo_db, home=_isolated_home)
    assert r.returncode == 0, r.stderr
    assert "50件" in r.stdout
