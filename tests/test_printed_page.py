"""The printed page a court clerk accepts (issue 12): what lands on which page, how lines break,
which fonts a PDF carries, and how a Word file names a font for a rare character.

Cases of 2 to 12 parties are made from the shared sample case; PDFs are read back with pypdf
(text and its positions) and ``pdffonts`` (poppler-utils)."""

from __future__ import annotations

import copy
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import OFFICE, office_to_pdf
from pypdf import PdfReader

from mediator_desktop import settings as opts
from mediator_desktop.documents import catalog, forms
from mediator_desktop.documents.model import Document, PageFurniture, para
from mediator_desktop.documents.render_pdf import render_pdf
from mediator_desktop.documents.style import DocumentStyle, style_from_settings

ORG = forms.OrgHeader("临翔区忙畔街道人民调解委员会")
CODE = "（2026）忙畔人调字第1号"
NAMES = ["周国华", "杨秀英", "李明亮", "王桂芳", "张建国", "赵丽萍", "陈德胜", "刘淑珍", "孙志强", "马玉兰",
         "胡永福", "郭秀兰"]


@pytest.fixture
def style(tmp_path: Path) -> DocumentStyle:
    return style_from_settings(opts.Settings(tmp_path / "settings.json"))


@pytest.fixture
def sample_case(shared_samples: Path) -> dict[str, Any]:
    return json.loads(shared_samples.read_text(encoding="utf-8"))["cases"][0]


def case_with(sample: dict[str, Any], n: int) -> dict[str, Any]:
    """The sample case with ``n`` parties, applicants and respondents in turn, each with the
    sample's full particulars (address, phone, occupation)."""
    case = copy.deepcopy(sample)
    case["code"] = CODE
    base = case["parties"]
    case["parties"] = [dict(base[i % 2], name=NAMES[i], phone=f"139088300{i:02d}",
                            role="applicant" if i % 2 == 0 else "respondent") for i in range(n)]
    return case


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return "".join(text.split())


# -- 3, 6: lines ------------------------------------------------------------------------------

def test_a_body_line_holds_28_characters(style: DocumentStyle) -> None:
    """GB/T 9704: 28 characters of 3号 a line in 156 mm (16 pt side by side make only 27)."""
    text = "人民调解委员会依法调解民间纠纷，" * 8
    data = render_pdf(Document("t", "测试", [para(text), para(text, indent=True)], PageFurniture()), style)
    lines = [line for line in pages_text(data)[0].splitlines() if "人民调解" in line or "纠纷" in line]
    assert [len(line) for line in lines[:2]] == [28, 28]
    indented = [line for line in lines if line.startswith(" ")]
    assert indented and len(indented[0].strip()) == 26      # two characters of indent


def test_codes_dates_and_phone_numbers_never_break_across_lines(style: DocumentStyle) -> None:
    """Each span would straddle the line end: it moves to the next line whole."""
    date, phone = "2026年10月9日", "0883-2123456"
    texts = ["调" * 20 + f"编号{CODE}有效。", "调" * 22 + f"于{date}前付清。", "调" * 21 + f"联系电话{phone}。"]
    data = render_pdf(Document("t", "测试", [para(t) for t in texts], PageFurniture()), style)
    lines = pages_text(data)[0].splitlines()
    for whole in (CODE, date, phone):
        assert any(whole in line for line in lines), (whole, lines)
    assert all("\u2060" not in line for line in lines)       # the joiners are never drawn


# -- 1: the registration form and table headers ------------------------------------------------

def render(kind: str, case: dict[str, Any], style: DocumentStyle) -> bytes:
    return render_pdf(catalog.BUILDERS[kind][1](ORG, case, forms.DEFAULT_OPTIONS), style)


@pytest.mark.parametrize("parties", [1, 2, 3, 4])
def test_the_registration_form_fits_one_page_up_to_four_parties(sample_case, style, parties) -> None:
    pages = [flat(p) for p in pages_text(render("acceptance", case_with(sample_case, parties), style))]
    assert len(pages) == 1
    assert all(name in pages[0] for name in NAMES[:parties])
    assert "当事人签名" in pages[0] and "人民调解委员会印）" in pages[0] and "2026年10月12日" in pages[0]


@pytest.mark.parametrize("parties", [6, 8, 12])
def test_a_longer_registration_form_never_parts_seal_from_signatures_nor_repeats_the_header_alone(
        sample_case, style, parties) -> None:
    pages = [flat(p) for p in pages_text(render("acceptance", case_with(sample_case, parties), style))]
    assert len(pages) >= 2
    [seal_page] = [p for p in pages if "人民调解委员会印）" in p]
    assert "当事人签名" in seal_page and "登记人签名" in seal_page and "当事人申请事项" in seal_page
    for page in pages:
        if "联系电话" in page:            # the column header: always over a party's row
            assert any(name in page[page.index("联系电话"):] for name in NAMES), page
    assert sum(p.count("联系电话") for p in pages) <= len(pages)


# -- 2: what stays together, and how full a page is --------------------------------------------

def page_fill(data: bytes, style: DocumentStyle, tmp_path: Path) -> list[float]:
    """How far down the text box (0 = its top, 1 = the bottom margin) each page is printed,
    measured on the page as pdftoppm draws it: the lowest dark pixel above the bottom margin
    (the footer and the QR code stand below it)."""
    from PIL import Image

    pdf = tmp_path / "fill.pdf"
    pdf.write_bytes(data)
    for old in tmp_path.glob("fill-*.pgm"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(tmp_path / "fill")], check=True)
    fills = []
    for file in sorted(tmp_path.glob("fill-*.pgm")):
        with Image.open(file) as image:
            width, height = image.size
            pixels = image.load()
            top = int(style.margin_top_mm / 297 * height)
            bottom = int((297 - style.margin_bottom_mm) / 297 * height)
            lowest = max((y for y in range(top, bottom) if any(pixels[x, y] < 200 for x in range(width))),
                         default=top)
            fills.append((lowest - top) / (bottom - top))
    return fills


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_an_agreement_of_2_to_12_parties_leaves_no_page_a_third_empty(sample_case, style, tmp_path) -> None:
    for parties in range(2, 13):
        data = render("agreement", case_with(sample_case, parties), style)
        fills = page_fill(data, style, tmp_path)
        assert all(fill >= 0.66 for fill in fills[:-1]), (parties, fills)
        pages = [flat(p) for p in pages_text(data)]
        [seal_page] = [p for p in pages if "人民调解委员会印）" in p]
        assert NAMES[parties - 1] in seal_page and "人民调解员（签名）" in seal_page


def test_the_application_signatures_never_start_a_page_without_text_above(sample_case, style) -> None:
    for parties in range(2, 13):
        pages = [flat(p) for p in pages_text(render("application", case_with(sample_case, parties), style))]
        [date_page] = [p for p in pages if p.count("2026年10月12日") and "签名" in p]
        assert "本人自愿申请人民调解" in date_page, parties   # the declaration stands above them


# -- 4: every font embedded --------------------------------------------------------------------

def not_embedded(data: bytes, tmp_path: Path) -> list[str]:
    pdf = tmp_path / "fonts.pdf"
    pdf.write_bytes(data)
    rows = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
    assert rows[0].split()[:2] == ["name", "type"]
    # columns: name type encoding emb sub uni object ID — read from the right, names have no spaces
    return [row for row in rows[2:] if row.split()[-5] != "yes"]


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler-utils")
def test_every_font_of_every_form_and_of_the_case_file_is_embedded(sqlite_services, shared_samples, style,
                                                                   tmp_path) -> None:
    doc = json.loads(shared_samples.read_text(encoding="utf-8"))
    codes = sqlite_services.exchange.import_document(doc).created
    checked = set()
    for code in codes:
        for kind in [*catalog.BUILDERS, catalog.CASE_FILE]:
            try:
                rendered = sqlite_services.documents.render(code, kind, "pdf", style)
            except Exception as exc:  # noqa: BLE001 - a form this case has no data for
                assert str(exc).startswith("本案"), (kind, exc)
                continue
            assert not_embedded(rendered.data, tmp_path) == [], kind
            checked.add(kind)
    assert catalog.CASE_FILE in checked and "agreement" in checked and "acceptance" in checked


# -- 1, 2, 3, 5 in Word ------------------------------------------------------------------------

def docx_of(document: Document, style: DocumentStyle):  # type: ignore[no-untyped-def]
    import docx

    from mediator_desktop.documents.render_docx import render_docx

    return docx.Document(io.BytesIO(render_docx(document, style)))


def test_word_keeps_codes_dates_and_phone_numbers_whole(style: DocumentStyle) -> None:
    from docx.oxml.ns import qn

    date, phone = "2026年10月9日", "0883-2123456"
    doc = docx_of(Document("t", "测试", [para("调" * 20 + f"编号{CODE}，于{date}前，联系电话{phone}。")],
                           PageFurniture()), style)
    body = doc.paragraphs[1]
    text = body.text
    joined = "\u2060".join
    assert "（\u20602026\u2060）\u2060" + joined("忙畔人调字第") + "\u20601\u2060号" in text
    assert "2026\u2060年\u206010\u2060月\u20609\u2060日" in text
    # the hyphen of the phone number is Word's no-break hyphen, not a '-' Word may break after
    assert len(body._p.findall(f"{qn('w:r')}/{qn('w:noBreakHyphen')}")) == 1
    # each span is a run of no language: LibreOffice's Chinese breaker would ignore the joiners
    spans = [r for r in body.runs if r.element.rPr.find(qn("w:lang")) is not None]
    assert {r.element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) for r in spans} == {"zxx"}
    assert "".join(r.text for r in spans).replace("\u2060", "") == f"{CODE}{date}0883-2123456"
    assert "0883-2123456" in text and text.replace("\u2060", "") == "调" * 20 + f"编号{CODE}，于{date}前，联系电话{phone}。"




@pytest.mark.skipif(OFFICE is None, reason="needs LibreOffice")
def test_a_word_processor_moves_a_code_or_date_to_the_next_line_whole(style: DocumentStyle, tmp_path: Path) -> None:
    """LibreOffice lays the DOCX out (with the shipped fonts): the code and the date that would
    straddle a line end come out whole on one line."""
    from dataclasses import replace

    from mediator_desktop.documents.render_docx import render_docx

    date = "2026年10月9日"
    texts = [f"{'调' * k}编号{CODE}有效。" for k in range(18, 27, 2)] + \
        [f"{'调' * k}于{date}前付清。" for k in range(20, 27, 2)]
    named = replace(style, word_font_title="WenQuanYi Micro Hei", word_font_body="FandolFang R")
    source = tmp_path / "lines.docx"
    source.write_bytes(render_docx(Document("t", "测试", [para(t) for t in texts], PageFurniture()), named))
    office_to_pdf(source, tmp_path)
    lines = [line.replace("\u2060", "") for line in
             "".join(pages_text((tmp_path / "lines.pdf").read_bytes())).splitlines()]
    assert sum(CODE in line for line in lines) == 5, lines
    assert sum(date in line for line in lines) == 4, lines
    assert any(line.endswith("编号") or line.endswith("于") for line in lines)   # it did come to a line end


def test_word_sets_a_character_the_body_font_lacks_in_the_shipped_fallback_font(style: DocumentStyle) -> None:
    from docx.oxml.ns import qn

    from mediator_desktop.documents.glyphs import coverage

    name = "吉𠮷"
    assert ord("𠮷") not in coverage(style.body_faces[0])         # FandolFang, like Windows' 仿宋, lacks it
    doc = docx_of(Document("t", "测试", [para(f"当事人{name}。")], PageFurniture()), style)
    fonts = {}
    for run in doc.paragraphs[1].runs:
        rfonts = run.element.rPr.rFonts
        fonts[run.text] = {a: rfonts.get(qn(f"w:{a}")) for a in ("eastAsia", "ascii", "hAnsi")}
    assert fonts["当事人吉"] == dict.fromkeys(("eastAsia", "ascii", "hAnsi"), "仿宋")
    assert fonts["𠮷"] == dict.fromkeys(("eastAsia", "ascii", "hAnsi"), "HanaMinA")
    assert (Path(__file__).parents[1] / "resources" / "fonts" / "HanaMinA.ttf").is_file()


def test_word_holds_a_table_header_with_its_first_row_and_the_text_before_it(sample_case, style) -> None:
    from docx.oxml.ns import qn

    doc = docx_of(catalog.BUILDERS["acceptance"][1](ORG, case_with(sample_case, 6), forms.DEFAULT_OPTIONS), style)
    consent = next(p for p in doc.paragraphs if "经当事人同意" in p.text)
    assert consent.paragraph_format.keep_with_next
    parties = doc.tables[0]
    header = parties.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None and header.trPr.find(qn("w:cantSplit")) is not None
    assert all(p.paragraph_format.keep_with_next for c in parties.rows[0].cells for p in c.paragraphs)
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in parties.rows[1:])
    # the requests row, the signatures and the seal hold together: every row keeps with the next
    *_, requests, signatures = doc.tables
    assert "当事人申请事项" in requests.rows[0].cells[0].text
    for table in (requests, signatures):
        for row in table.rows[: len(table.rows) - (table is signatures)]:
            assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)


def test_the_fallback_fonts_install_for_the_current_user(tmp_path: Path, monkeypatch) -> None:
    """What a Word file names besides 仿宋 and 黑体 can be installed without administrator rights:
    here into ~/.local/share/fonts, after which fontconfig (and so LibreOffice/WPS) knows it."""
    from mediator_desktop.services.fonts import WORD_FALLBACK_FONTS, install_fonts, missing_fonts, user_font_folder

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = user_font_folder()
    assert folder == tmp_path / "data" / "fonts"
    assert missing_fonts() == list(WORD_FALLBACK_FONTS)
    done = install_fonts()
    assert done.copied == list(WORD_FALLBACK_FONTS) and "HanaMinA" in done.message
    assert missing_fonts() == []
    assert install_fonts().copied == [] and "已经安装" in install_fonts().message
    if shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", ":", "family", "file"], capture_output=True, text=True, check=True).stdout
        assert any(str(folder) in line and "HanaMinA" in line for line in listed.splitlines())
    assert str(user_font_folder("win32", {"LOCALAPPDATA": "C:/Users/li/AppData/Local"})) == \
        "C:/Users/li/AppData/Local/Microsoft/Windows/Fonts"


def test_a_phone_number_with_its_area_code_fits_its_column_whole(sample_case, style) -> None:
    case = case_with(sample_case, 2)
    case["parties"][1]["phone"] = "0883-2100099"
    lines = pages_text(render("acceptance", case, style))[0].splitlines()
    assert any("0883-2100099" in line for line in lines), lines


def test_the_notice_signatures_share_a_page_with_the_duties_they_acknowledge(sample_case, style) -> None:
    for parties in (2, 3, 4):
        pages = [flat(p) for p in pages_text(render("notice", case_with(sample_case, parties), style))]
        [seal_page] = [p for p in pages if "人民调解委员会印）" in p]
        assert "当事人履行下列义务" in seal_page and all(name in seal_page for name in NAMES[:parties])


@pytest.mark.parametrize("parties", [2, 3])
def test_an_application_of_up_to_three_parties_is_one_page(sample_case, style, parties) -> None:
    pages = [flat(p) for p in pages_text(render("application", case_with(sample_case, parties), style))]
    assert len(pages) == 1 and "本人自愿申请人民调解" in pages[0] and "2026年10月12日" in pages[0]
