"""The 人民调解回访记录 (LEGAL.md §6, §7) carries what a recorded visit found, on real SQLite and
PostgreSQL: rendered as PDF and DOCX through the document service and read back; the exchange
export stays exactly the format (the extra fields are for documents only)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import docx
import pytest
from conftest import make_services
from docx.oxml.ns import qn
from pypdf import PdfReader
from test_agreements import _ready_for_agreed, money_term, statement_term
from test_followups import _agreed, _record

from mediator_desktop import settings as opts
from mediator_desktop.documents.style import style_from_settings
from mediator_desktop.exchange.validate import validate_document
from mediator_desktop.services.followups import ConfirmationDraft

NEW_KEYS = {"kind", "reason", "term_performance", "risk_note", "measures", "sued", "satisfaction_label",
            "planned_on", "history"}
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "follow-up-record.png"


def flat(text: str) -> str:
    return "".join(text.split())


def pdf_text(data: bytes) -> str:
    return flat("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    """Every text run Word would show, tables and header included."""
    document = docx.Document(io.BytesIO(data))
    parts = ["".join(t.text or "" for t in document.element.body.iter(qn("w:t")))]
    for section in document.sections:
        parts.append("".join(t.text or "" for t in section.header._element.iter(qn("w:t"))))
    return flat("".join(parts)).replace("\u2060", "")  # word joiners keep codes and dates whole


@pytest.fixture
def style(tmp_path: Path):  # type: ignore[no-untyped-def]
    return style_from_settings(opts.Settings(tmp_path / "settings.json"))


def _two_visits(s, clock):  # type: ignore[no-untyped-def]
    """An agreed case (effective 2026-11-21; 李四 owes 张三 12000 by 2026-11-30) with two visits
    recorded: 张三 by phone on 2026-12-01, not paid, a new quarrel, measures taken; 李四 on
    2026-12-10 (moved there from 2026-12-21), paid, satisfied on the office's own scale."""
    d, _ = _agreed(s, terms=[money_term(), statement_term()])
    _ready_for_agreed(s, d.id)
    s.cases.transition(d.id, s.cases.get(d.id).version, "agreed")
    visits = s.followups.visits(d.id)
    performance = next(v for v in visits if v.kind == "performance")
    later = next(v for v in visits if v.kind == "satisfaction" and v.party == 1)
    s.followups.reschedule(later.id, date(2026, 12, 10), "当事人外出务工")
    clock.value = datetime(2026, 12, 1, 9, 0)
    _record(s, performance, done_on=date(2026, 12, 1), method="phone", satisfaction="基本满意",
            term_statuses={performance.terms[0].term_id: "not_performed"}, new_risk=True,
            risk_note="双方又因通道停车发生争吵", measures="电话提醒李四三日内付清补偿款", sued=False,
            visitor="杨志强")
    clock.value = datetime(2026, 12, 10, 9, 0)
    s.ctx.satisfaction_scale = ("非常满意", "满意", "不满意")
    later = s.followups.get(later.id)
    _record(s, later, done_on=date(2026, 12, 10), method="visit", satisfaction="非常满意",
            term_statuses={later.terms[0].term_id: "performed"}, visitor="王芳")
    s.followups.save_confirmation(d.id, ConfirmationDraft(
        court="龙门县人民法院", filed_on=date(2026, 11, 25), court_case_number="（2026）龙0101民特5号",
        result="confirmed", ruled_on=date(2026, 12, 1), enforcement_applied=True, enforcement_on=date(2026, 12, 5)))
    return s.cases.get(d.id).code


def test_the_follow_up_record_prints_what_each_visit_found(org_services, clock, style, tmp_path) -> None:
    s = org_services
    code = _two_visits(s, clock)
    number = s.documents.case_data(code)["agreement"].get("number") or code
    pdf = s.documents.render(code, "follow-up-record", "pdf", style)
    word = s.documents.render(code, "follow-up-record", "docx", style)
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    assert len(pages) == 2                                   # one record per visit made
    first, second = (flat(p.extract_text()) for p in pages)
    assert "人民调解回访记录" in first
    for text in (pdf_text(pdf.data), docx_text(word.data)):
        for expected in ("张三", "李四", "电话", "上门", "第一条：未履行", "第一条：已履行",
                         "双方又因通道停车发生争吵", "电话提醒李四三日内付清补偿款", "是否起诉",
                         "杨志强", "王芳", "回访人（签名）", flat(number), "基本满意", "非常满意",
                         "协议第一条约定李四于2026年11月30日前履行，核实履行情况",   # the planned reason
                         "协议生效后1个月内的满意度回访",
                         "原定2026年12月21日，改期至2026年12月10日（当事人外出务工）"):
            assert expected in text, expected
    # Each answer stays on its own visit's page.
    assert "第一条：未履行" in first and "新的纠纷或风险苗头双方又因通道停车发生争吵" in first
    assert "是否起诉否" in first and "2026年12月1日（原定2026年11月30日）" in first
    assert "第一条：已履行" in second and "新的纠纷或风险苗头无" in second and "是否起诉不清楚" in second
    assert "满意度非常满意" in second and "人民调解回访记录" in second   # each page under the title
    assert f"编号：{flat(number)}" in first                  # §7: the record repeats the number

    # The page as a person sees it.
    if shutil.which("pdftoppm"):
        (tmp_path / "record.pdf").write_bytes(pdf.data)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(tmp_path / "record.pdf"), str(tmp_path / "page")], check=True)
        assert (tmp_path / "page.png").stat().st_size > 10_000


def test_documents_get_the_visit_details_the_exchange_export_leaves_out(org_services, clock, sqlite_template,
                                                                        tmp_path) -> None:
    s = org_services
    code = _two_visits(s, clock)
    data = s.documents.case_data(code)
    done = {v["done_on"]: v for v in data["follow_ups"] if v.get("done_on")}
    first, second = done["2026-12-01"], done["2026-12-10"]
    assert first["kind"] == "performance" and first["term_performance"] == [{"term": 0, "status": "not_performed"}]
    assert first["risk_note"] == "双方又因通道停车发生争吵" and first["sued"] is False
    assert first["satisfaction"] == "basically_satisfied" and first["satisfaction_label"] == "基本满意"
    assert second["sued"] is None and second["planned_on"] == "2026-12-21"
    assert second["history"][0]["action"] == "rescheduled"
    assert "satisfaction" not in second and second["satisfaction_label"] == "非常满意"
    assert data["judicial_confirmation"]["enforcement_applied"] is True
    assert data["judicial_confirmation"]["enforcement_on"] == "2026-12-05"

    # The exchange export of version 1: the format's fields only, and a valid document
    # (version 2 carries these details: tests/test_exchange_v2.py).
    doc = s.exchange.export_document([code], version=1)
    case = doc["cases"][0]
    for visit in case["follow_ups"]:
        assert not NEW_KEYS & set(visit), visit
    assert not {"enforcement_applied", "enforcement_on"} & set(case["judicial_confirmation"])
    assert validate_document(doc) == []
    plain = {v["done_on"]: v for v in case["follow_ups"] if v.get("done_on")}
    assert plain["2026-12-01"]["satisfaction"] == "basically_satisfied"
    assert "satisfaction" not in plain["2026-12-10"]           # an office's own label is not a format word
    assert plain["2026-12-01"]["new_risk"] is True and plain["2026-12-01"]["performance"] == "not_performed"

    # Export → import into a fresh database → export: the same document.
    shutil.copy(sqlite_template, tmp_path / "other.sqlite3")
    other = make_services(f"sqlite:///{tmp_path / 'other.sqlite3'}", clock)
    try:
        other.exchange.import_document(doc)
        again = other.exchange.export_document(version=1)
        assert again["cases"] == doc["cases"]
        imported = other.followups.visits(other.cases.get_by_code(code).id)
        assert {v.kind for v in imported} == {"satisfaction"} and not any(v.auto for v in imported)
        # Printed from the imported case, the record falls back to what the format carries.
        record = other.documents.build(code, "follow-up-record")
        text = flat(record.text)
        assert "履行情况未履行" in text and "是否起诉不清楚" in text and "新的纠纷或风险苗头有" in text
    finally:
        other.close()
