"""Documents as PDF: built from real cases (the shared samples imported into a real database),
rendered, and read back with pypdf — text, fonts, page size, page furniture."""

from __future__ import annotations

import copy
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from mediator_desktop import settings as opts
from mediator_desktop.cli import main as cli_main
from mediator_desktop.documents import forms
from mediator_desktop.documents.glyphs import MissingGlyphError
from mediator_desktop.documents.model import Document, PageFurniture, Table, para
from mediator_desktop.documents.render_pdf import qr_matrix, render_pdf
from mediator_desktop.documents.style import style_from_settings
from mediator_desktop.domain.text import amount_text, amount_upper, chinese_date
from mediator_desktop.services.documents import DocumentError
from mediator_desktop.storage.models import AuditEntry

A4_PT = (210 / 25.4 * 72, 297 / 25.4 * 72)
RARE_NAME = "吉𠮷𫖮㛃"                          # U+20BB7, U+2B5AE (Ext-B/E), U+36C3 (Ext-A)
LONG_NAME = "阿卜杜热合曼·买买提依明·艾力江·吐尔逊"  # 20 characters


@pytest.fixture
def style(tmp_path: Path):  # type: ignore[no-untyped-def]
    return style_from_settings(opts.Settings(tmp_path / "settings.json"))


@pytest.fixture
def sample_doc(shared_samples: Path) -> dict:
    return json.loads(shared_samples.read_text(encoding="utf-8"))


def imported(services, doc: dict) -> list[str]:  # type: ignore[no-untyped-def]
    # Variants of one sample case share its parties, date and summary: duplicates on purpose.
    return services.exchange.import_document(doc, allow_duplicates=True).created


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return "".join(text.split())


def fonts_of(data: bytes) -> dict[str, bool]:
    """Every font the PDF uses → whether its program is embedded."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            desc = desc.get_object() if desc else {}
            found[str(font["/BaseFont"])] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def test_amounts_and_dates_are_written_as_documents_write_them() -> None:
    assert amount_upper(Decimal("12000")) == "壹万贰仟元整"
    assert amount_upper("1010.00") == "壹仟零壹拾元整"
    assert amount_upper("10005.07") == "壹万零伍元零柒分"
    assert amount_text("12000.00") == "人民币壹万贰仟元整（¥12,000.00）"
    assert chinese_date(date(2026, 10, 8)) == "2026年10月8日"


def test_agreement_of_every_sample_case_has_every_required_element(sqlite_services, sample_doc, style) -> None:
    codes = imported(sqlite_services, sample_doc)
    with_agreement = [(code, c) for code, c in zip(codes, sample_doc["cases"], strict=True) if c.get("agreement")]
    assert with_agreement
    for code, case in with_agreement:
        rendered = sqlite_services.documents.render(code, "agreement", "pdf", style)
        assert rendered.data.startswith(b"%PDF")
        pages = pdf_pages(rendered.data)
        text = flat("".join(pages))
        assert "人民调解协议书" in text
        for party in case["parties"]:
            assert party["name"] in text
            if party.get("id_number"):
                assert party["id_number"] in text  # the agreement prints full numbers
        for term in case["agreement"]["terms"]:
            assert flat(term["text"]) in text
            if term.get("amount"):
                assert flat(amount_text(term["amount"])) in text
        n = len(case["parties"]) + 1
        assert f"本协议一式{forms.clause_number(n)}份" in text
        assert "当事人、人民调解委员会各持一份" in text
        assert "人民调解员（签名）" in text and "记录人（签名）" in text
        assert "（临翔区忙畔街道人民调解委员会印）" in text or "（人民调解委员会印）" in text
        assert flat(chinese_date(date.fromisoformat(case["agreement"]["signed_on"]))) in text
        for number, page in enumerate(pages, start=1):
            assert f"第{number}页共{len(pages)}页" in flat(page)
            assert flat(f"编号：{code}") in flat(page)
        reader = PdfReader(io.BytesIO(rendered.data))
        for page in reader.pages:
            assert float(page.mediabox.width) == pytest.approx(A4_PT[0], abs=0.1)
            assert float(page.mediabox.height) == pytest.approx(A4_PT[1], abs=0.1)
        used = fonts_of(rendered.data)
        assert used and all(used.values())
        assert any("FandolFang" in name for name in used)    # the 仿宋 body of GB/T 9704
        assert rendered.document.copies == n


def test_the_qr_code_carries_the_case_code_and_the_hash_of_the_printed_text(sqlite_services, sample_doc) -> None:
    code = imported(sqlite_services, sample_doc)[0]
    document = sqlite_services.documents.build(code, "agreement")
    payload = document.furniture.qr_payload
    assert payload == f"MD1|{code}|{forms.text_hash(document)}"
    assert len(qr_matrix(payload)) >= 21
    # Another text, another hash: a changed clause cannot pass for the signed one.
    other = copy.deepcopy(document)
    other.blocks.append(para("补充条款"))
    assert forms.text_hash(other) != forms.text_hash(document)


def test_judicial_confirmation_application(services, sample_doc, style) -> None:
    codes = imported(services, sample_doc)
    case = sample_doc["cases"][0]
    rendered = services.documents.render(codes[0], "judicial-confirmation", "pdf", style,
                                         court="云南省临沧市临翔区人民法院")
    text = flat("".join(pdf_pages(rendered.data)))
    assert "申请书" in text and "（申请司法确认调解协议用）" in text
    for i, party in enumerate(case["parties"], start=1):
        assert f"申请人{forms.clause_number(i)}：{party['name']}" in text
    assert "被申请人" not in text  # joint applicants, no respondent
    assert "请求事项" in text and "事实和理由" in text
    assert flat(forms.UNDERTAKING) in text
    assert "此致云南省临沧市临翔区人民法院" in text
    assert "人民调解协议书一份（编号：" in text and "身份证明、资格证明二份" in text
    assert flat(amount_text("3800.00")) in text
    # Without a court chosen, a line to write it in by hand.
    blank = services.documents.render(codes[0], "judicial-confirmation", "pdf", style)
    assert "＿＿人民法院" in flat("".join(pdf_pages(blank.data)))


def test_rare_characters_print_from_the_fallback_font_and_extract_as_themselves(sqlite_services, sample_doc,
                                                                                style) -> None:
    case = sample_doc["cases"][0]
    case["parties"][0]["name"] = RARE_NAME
    case["parties"][1]["name"] = LONG_NAME
    assert len(LONG_NAME) == 20
    code = imported(sqlite_services, {**sample_doc, "cases": [case]})[0]
    rendered = sqlite_services.documents.render(code, "agreement", "pdf", style)
    text = flat("".join(pdf_pages(rendered.data)))
    assert RARE_NAME in text and flat(LONG_NAME) in text
    used = fonts_of(rendered.data)
    assert all(used.values())
    assert any("HanaMin" in name for name in used)


def test_a_character_no_font_has_stops_the_print_naming_it_and_its_field(sqlite_services, sample_doc, style,
                                                                         tmp_path) -> None:
    case = sample_doc["cases"][0]
    case["parties"][0]["name"] = "周\ue000华"  # a private-use character: in no font
    code = imported(sqlite_services, {**sample_doc, "cases": [case]})[0]
    with pytest.raises(DocumentError) as err:
        sqlite_services.documents.render(code, "agreement", "pdf", style)
    message = str(err.value)
    assert "U+E000" in message and "当事人姓名/名称" in message and "周\ue000华" in message
    document = Document("x", "标题", [para("正文\ue000", field="纠纷事实")])
    with pytest.raises(MissingGlyphError, match="纠纷事实"):
        render_pdf(document, style)


def test_many_parties_keep_the_last_signatures_seal_and_date_on_one_page(sqlite_services, sample_doc,
                                                                         style) -> None:
    case = sample_doc["cases"][0]
    base = case["parties"][0]
    case["parties"] = [dict(base, name=f"当事人{forms.clause_number(i)}号", id_number="", phone="")
                       for i in range(1, 13)]
    case["agreement"]["terms"] = [dict(t, obligor=1, obligee=0) for t in case["agreement"]["terms"]]
    code = imported(sqlite_services, {**sample_doc, "cases": [case]})[0]
    rendered = sqlite_services.documents.render(code, "agreement", "pdf", style)
    pages = [flat(p) for p in pdf_pages(rendered.data)]
    assert len(pages) >= 3
    assert "本协议一式十三份" in "".join(pages)
    seal_pages = [i for i, p in enumerate(pages) if "人民调解委员会印）" in p]
    assert len(seal_pages) == 1
    last = pages[seal_pages[0]]
    assert "当事人十二号" in last and "人民调解员（签名）" in last and "2026年10月16日" in last
    # every party signs somewhere
    assert all(f"当事人{forms.clause_number(i)}号" in "".join(pages) for i in range(1, 13))


def test_document_data_problems_are_clear(sqlite_services, sample_doc, style) -> None:
    codes = imported(sqlite_services, sample_doc)
    without = next(code for code, c in zip(codes, sample_doc["cases"], strict=True) if not c.get("agreement"))
    with pytest.raises(DocumentError, match="还没有调解协议"):
        sqlite_services.documents.render(without, "agreement", "pdf", style)
    with pytest.raises(DocumentError, match="不认识的文书"):
        sqlite_services.documents.render(codes[0], "contract", "pdf", style)
    with pytest.raises(DocumentError, match="pdf 或 docx"):
        sqlite_services.documents.render(codes[0], "agreement", "odt", style)


def test_rendering_is_recorded_in_the_case_history(sqlite_services, sample_doc, style) -> None:
    code = imported(sqlite_services, sample_doc)[0]
    sqlite_services.documents.render(code, "agreement", "pdf", style)
    with sqlite_services.db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "render_document")).all()
        assert [e.detail["text"] for e in entries] == ["生成人民调解协议书（PDF）"]
        assert entries[0].actor == "测试员"


def test_table_cells_span_and_shade_without_naming_an_unembedded_font(style) -> None:
    document = Document("t", "表格", [Table([[forms.cell("甲", shade=True), forms.cell("乙")],
                                             [forms.cell("合并", colspan=2)]], [1, 2])],
                        PageFurniture(number="（2026）测试第1号", qr_payload="MD1|x|y|z"))
    data = render_pdf(document, style)
    assert all(fonts_of(data).values())
    assert "合并" in pdf_pages(data)[0]


def test_cli_render_writes_the_file_and_explains_errors(tmp_path, sample_doc, capsys) -> None:
    db = tmp_path / "cli.sqlite3"
    src = tmp_path / "cases.json"
    src.write_text(json.dumps(sample_doc, ensure_ascii=False), encoding="utf-8")
    url = f"sqlite:///{db}"
    assert cli_main(["import", str(src), "--db", url, "--create"]) == 0
    code = "（2026）忙畔人调字第1号"
    out = tmp_path / "out" / "agreement.pdf"
    assert cli_main(["render", code, "agreement", "--format", "pdf", "-o", str(out), "--db", url]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert cli_main(["render", code, "nonsense", "-o", str(tmp_path / "x.pdf"), "--db", url]) == 1
    assert "不认识的文书" in capsys.readouterr().err
    assert cli_main(["render", "（2026）忙畔人调字第99号", "agreement", "-o", str(tmp_path / "y.pdf"),
                     "--db", url]) == 1
    assert "找不到" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()


def _variants(sample_doc: dict) -> list[dict]:
    """The sample cases plus variants that reach every form: an oral agreement, a termination,
    visits made, a judicial-confirmation record."""
    written, open_case = copy.deepcopy(sample_doc["cases"][0]), copy.deepcopy(sample_doc["cases"][1])
    written["follow_ups"] = [{"party": 0, "due_on": "2026-11-16", "done_on": "2026-11-16", "method": "phone",
                              "performance": "partly_performed", "satisfaction": "satisfied", "new_risk": False,
                              "notes": "第一项已履行，第二项尚未到期。", "visitor": "李树军"}]
    written["judicial_confirmation"] = {"court": "云南省临沧市临翔区人民法院", "filed_on": "2026-10-20"}
    oral = copy.deepcopy(written)
    oral["agreement"]["form"] = "oral"
    oral["status"] = "agreed"
    ended = copy.deepcopy(open_case)
    ended["status"] = "terminated"
    ended["termination"] = {"on": "2026-11-20", "reason": "被申请人明确表示拒绝继续调解", "routes_explained": True}
    ended["sessions"] = [{"kind": "mediation", "starts_at": "2026-11-10T09:00", "place": "忙畔街道调解室",
                          "present": [0, 1], "record": "双方分歧较大。", "outcome": "未达成协议"}]
    return [written, open_case, oral, ended]


def test_every_document_of_every_sample_case_renders_or_says_why_not(sqlite_services, sample_doc, style) -> None:
    from mediator_desktop.documents import catalog
    from mediator_desktop.services.conferences import ConferenceDraft, Participant, TaskDraft

    cases = _variants(sample_doc)
    codes = imported(sqlite_services, {**sample_doc, "cases": cases})
    sqlite_services.conferences.save(None, ConferenceDraft(   # for the 联席会议记录
        date(2026, 11, 21), "镇综治中心", "疑难纠纷会诊", [Participant("刘军", "镇派出所")], [codes[0]], "分头做工作",
        [TaskDraft("村委会", "走访双方", date(2026, 11, 30))]))
    made: set[str] = set()
    for code, case in zip(codes, cases, strict=True):
        for kind, (_title, _builder) in catalog.BUILDERS.items():
            try:
                rendered = sqlite_services.documents.render(code, kind, "pdf", style)
            except DocumentError as exc:
                assert str(exc).startswith("本案"), (kind, str(exc))
                continue
            made.add(kind)
            text = flat("".join(pdf_pages(rendered.data)))
            assert flat(rendered.document.title) in text
            if kind not in ("investigation-record", "mediation-record", "follow-up-record", "conference-record"):
                for party in case["parties"]:
                    assert party["name"] in text, (kind, party["name"])
            assert all(fonts_of(rendered.data).values())
    # (The sample cases were never referred: the 移送函 is rendered in test_risk.py.)
    assert made == set(catalog.BUILDERS) - {"referral-letter"}


def test_records_print_the_signed_record_and_the_header_fields(sqlite_services, sample_doc, style) -> None:
    case = sample_doc["cases"][0]
    code = imported(sqlite_services, {**sample_doc, "cases": [case]})[0]
    investigation = flat("".join(pdf_pages(
        sqlite_services.documents.render(code, "investigation-record", "pdf", style).data)))
    for label in ("时间", "地点", "被调查人", "参加人", "记录人"):
        assert label in investigation.replace("\u3000", "")
    assert "网格员陈刚" in investigation and flat(case["sessions"][0]["record"]) in investigation
    mediation = flat("".join(pdf_pages(sqlite_services.documents.render(code, "mediation-record", "pdf", style).data)))
    for label in ("事由", "当事人", "参加人", "人民调解员", "调解结果", "以上记录已向当事人宣读"):
        assert label in mediation.replace("\u3000", "")
    assert "2026年10月16日9时30分至11时30分" in mediation


def test_the_case_file_binds_every_form_with_a_paged_contents(sqlite_services, sample_doc, style) -> None:
    case = _variants(sample_doc)[0]
    code = imported(sqlite_services, {**sample_doc, "cases": [case]})[0]
    rendered = sqlite_services.documents.render(code, "case-file", "pdf", style)
    pages = pdf_pages(rendered.data)
    cover, contents = flat(pages[0]), flat(pages[1])
    assert "调解卷宗" in cover.replace("\u3000", "") and code in cover
    assert "卷内目录" in contents
    # Binding order, each form where the contents say it is (pages counted after the contents).
    order = ["人民调解受理登记表", "当事人权利义务告知书", "人民调解调查记录", "人民调解记录", "人民调解协议书",
             "人民调解回访记录", "申请书"]
    starts = []
    for title in order:
        start = next(i for i, p in enumerate(pages[2:], start=1) if flat(p).find(title) != -1 and
                     "第1页" in flat(p) and i not in starts)
        starts.append(start)
    assert starts == sorted(starts)
    assert "1人民调解受理登记表1" in contents
    assert "3当事人身份证明材料未附" in contents
    assert "封底" in flat(pages[-1]) and f"本卷共{len(pages) - 3}页" in flat(pages[-1])
    assert "11司法确认申请书" in contents
    # 卷内页号: every body page carries its number at the top right, the numbers the contents use.
    reader = PdfReader(io.BytesIO(rendered.data))
    for n, page in enumerate(reader.pages[2:-1], start=1):
        corner: list[str] = []
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(text, cm, tm, font, size, corner=corner, width=width, height=height):  # type: ignore[no-untyped-def]
            x, y = tm[4], tm[5]
            if text.strip() and y > height - 60 and x > width - 120:
                corner.append(text.strip())

        page.extract_text(visitor_text=visit)
        assert str(n) in corner, (n, corner)
    with pytest.raises(DocumentError, match="只生成 PDF"):
        sqlite_services.documents.render(code, "case-file", "docx", style)


def test_attached_scans_are_bound_under_their_item_and_counted(sample_doc, style) -> None:
    from PIL import Image as PILImage

    from mediator_desktop.documents.casefile import Attachment, missing_required, render_case_file

    def scan(color: str, size: tuple[int, int]) -> bytes:
        out = io.BytesIO()
        PILImage.new("RGB", size, color).save(out, format="JPEG")
        return out.getvalue()

    case = _variants(sample_doc)[0]
    case["code"] = "（2026）忙畔人调字第1号"
    org = forms.OrgHeader("临翔区忙畔街道人民调解委员会")
    one_page_pdf = render_pdf(Document("x", "授权委托书", [para("委托张小明为代理人。")]), style)
    attachments = (
        Attachment(3, "周国华身份证复印件", scan("white", (1000, 640)), "image/jpeg"),
        Attachment(3, "杨秀英身份证复印件", scan("white", (1000, 640)), "image/jpeg"),
        Attachment(6, "现场照片", scan("gray", (1200, 1800)), "image/jpeg"),
        Attachment(4, "授权委托书", one_page_pdf, "application/pdf"),
    )
    plain, plain_items = render_case_file(org, case, style)
    data, items = render_case_file(org, case, style, attachments=attachments)
    assert "当事人身份证明材料" in missing_required(plain_items)
    assert missing_required(items) == []
    pages = pdf_pages(data)
    assert len(pages) == len(pdf_pages(plain)) + 4
    contents = flat(pages[1])
    assert "3周国华身份证复印件、杨秀英身份证复印件" in contents
    assert any("附件：现场照片" in p for p in pages)
    assert f"本卷共{len(pages) - 3}页" in flat(pages[-1])


def test_confirmation_advice_proposes_courts_and_counts_the_window(sqlite_services, sample_doc) -> None:
    code = imported(sqlite_services, sample_doc)[0]
    advice = sqlite_services.documents.confirmation_advice(code)
    assert advice.deadline is not None and advice.deadline.due == date(2026, 11, 16)
    assert "临翔区人民法院" in [p.court for p in advice.proposals]
    assert advice.refused == []
    assert advice.lines()[0] == "申请期限：2026年11月16日前，由双方当事人共同向人民法院提出。"


def test_what_a_court_clerk_checks(sample_doc) -> None:
    """Findings of a review against LEGAL.md, kept as checks."""
    case = copy.deepcopy(sample_doc["cases"][0])
    case["code"] = "（2026）忙畔人调字第1号"
    org = forms.OrgHeader("临翔区忙畔街道人民调解委员会")
    parties = case["parties"]
    parties[1]["agents"] = [{"name": "杨小明", "kind": "statutory"}]
    case["agreement"]["copies"] = 2                 # stored too low
    case["agreement"]["terms"].append({"text": "杨秀英分三期支付剩余款项人民币贰万元", "amount": "20000.00",
                                       "obligor": 1, "obligee": 0})
    text = forms.agreement(org, case).text
    assert "本协议一式三份" in text                   # never fewer than parties + 1
    assert "杨秀英的法定代理人\n杨小明" in text         # agents sign too
    assert "人民币贰万元（¥20,000.00）" in text        # figures beside an amount written in words
    assert "由杨秀英向周国华以现金当面支付方式履行，于2026年11月15日前履行完毕" in text
    # The application: the court recorded on the case, guardianship papers, refused before effect.
    case["judicial_confirmation"] = {"court": "临沧市临翔区人民法院"}
    application = forms.judicial_confirmation(org, case).text
    assert "临沧市临翔区人民法院" in application and "监护关系证明" in application
    assert "给国家、集体或者他人造成损害的" in application
    case["agreement"]["form"] = "oral"
    assert "人民调解口头协议登记表一份" in forms.judicial_confirmation(org, case).text
    case["agreement"]["signed_on"] = None
    with pytest.raises(forms.DocumentDataError, match="生效"):
        forms.judicial_confirmation(org, case)
    # The mediation application asks for age, not the ID number.
    from mediator_desktop.documents.forms_intake import application as mediation_application

    intake = mediation_application(org, case).text
    assert "56岁" in intake and parties[0]["id_number"] not in intake
    studio = forms.OrgHeader("老杨调解工作室", kind="studio")
    from mediator_desktop.documents.forms_records import termination

    case["termination"] = {"on": "2026-11-20", "reason": "一方拒绝继续调解"}
    assert "本调解室决定终止调解" in termination(studio, case).text
