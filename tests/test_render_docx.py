"""The DOCX renderer: the same document as the PDF, in a file Word lays out itself.

Every test renders a model document, writes it, reopens it with python-docx and reads what Word
would read: page set-up, text in order, the East Asian font names, table properties, keep-with-next
chains and the header/footer fields.
"""

from __future__ import annotations

import os
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from conftest import OFFICE, office_to_pdf
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree
from pypdf import PdfReader

from mediator_desktop.documents.glyphs import MissingGlyphError
from mediator_desktop.documents.model import (
    Align,
    Block,
    Document,
    Image,
    KeepTogether,
    PageBreak,
    PageFurniture,
    Paragraph,
    Role,
    Run,
    Spacer,
    Table,
    cell,
    para,
)
from mediator_desktop.documents.render_docx import render_docx
from mediator_desktop.documents.render_pdf import qr_png
from mediator_desktop.documents.style import DocumentStyle, style_from_settings
from mediator_desktop.settings import Settings

RARE_NAME = "吉𠮷𫖮㛃"                        # U+20BB7, U+2B5AE (Ext-B…), U+36C3 (Ext-A)
LONG_NAME = "阿卜杜热合曼·买买提艾力·司马义江木拉提"  # 20 characters, middle dots included
THEME_ATTRS = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")


@pytest.fixture
def style(tmp_path: Path) -> DocumentStyle:
    return style_from_settings(Settings(tmp_path / "settings.json"))


def render(document: Document, style: DocumentStyle, path: Path) -> DocxDocument:
    """Render, write and reopen — the file a user would get."""
    path.write_bytes(render_docx(document, style))
    return docx.Document(str(path))


def sample() -> Document:
    """An agreement-like document with every kind of block."""
    parties = Table([
        [cell("当事人", shade=True), cell(RARE_NAME, field="当事人姓名"), cell("住所", shade=True),
         cell("幸福村3组", field="住所")],
        [cell("代理人", shade=True), cell(LONG_NAME, field="代理人姓名")],   # the last cell spans the rest
        [cell("备注", shade=True), cell("第一行\n第二行", colspan=2), cell("完")],
    ], [1, 2, 1, 2], header_rows=1)
    signatures = Table([
        [cell("甲方（签名）"), cell("", min_height_mm=20)],
        [cell("乙方（签名）"), cell("", min_height_mm=20)],
    ], [1, 2], borders=False, keep_together=True)
    return Document("agreement", "人民调解协议书", [
        para("一、纠纷主要事实", role=Role.HEADING, keep_with_next=True),
        para("双方因通道堆放建材发生争执。", Run("已当场清除", bold=True), "，", Run("互不追究", underline=True),
             "。", indent=True, space_before=0.5, space_after=1),
        para(),
        parties,
        signatures,
        para("本协议一式三份。", align=Align.LEFT),
        Spacer(12),
        KeepTogether([
            para("人民调解员（签名）："),
            Table([[cell("记录人"), cell("王芳")], [cell("日期"), cell("2026年11月22日")]], [1, 1]),
            para("（人民调解委员会印）", align=Align.RIGHT),
        ]),
        PageBreak(),
        Image(qr_png("picture"), 300, caption="现场照片"),
        KeepTogether([para("附：现场照片"), Table([[cell("照片说明")]], [1])]),
    ], PageFurniture(number="（2026）龙调字第1号", qr_payload="https://example.org/verify/1",
                     header_left="龙门街道人民调解委员会", logo=qr_png("logo")))


def model_lines(blocks: list[Block]) -> Iterator[str]:
    """The text of every paragraph of ``blocks`` in reading order, cell paragraphs included."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            for row in block.rows:
                for c in row:
                    yield from (p.text for p in c.paragraphs)
        elif isinstance(block, KeepTogether):
            yield from model_lines(block.blocks)


def body_paragraphs(doc: DocxDocument) -> list[DocxParagraph]:
    """Every paragraph of the body in order, those inside table cells included."""
    return [DocxParagraph(p, doc) for p in doc.element.body.iter(qn("w:p"))]


def body_tables(doc: DocxDocument) -> list[DocxTable]:
    return [DocxTable(t, doc) for t in doc.element.body.iter(qn("w:tbl"))]


def visible(text: str) -> str:
    """Text as it reads: without the word joiners that keep codes and dates on one line."""
    return text.replace("\u2060", "")


def by_text(doc: DocxDocument, text: str) -> DocxParagraph:
    [found] = [p for p in body_paragraphs(doc) if visible(p.text) == text]
    return found


def east_asia_font(paragraph: DocxParagraph) -> set[str]:
    return {r.element.rPr.rFonts.get(qn("w:eastAsia")) for r in paragraph.runs}


def test_page_is_a4_with_the_style_margins(style: DocumentStyle, tmp_path: Path) -> None:
    custom = replace(style, margin_top_mm=30, margin_bottom_mm=25, margin_left_mm=20, margin_right_mm=15)
    section = render(sample(), custom, tmp_path / "a4.docx").sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert [section.top_margin.mm, section.bottom_margin.mm, section.left_margin.mm, section.right_margin.mm] \
        == pytest.approx([30, 25, 20, 15], abs=0.1)


def test_every_paragraph_is_there_in_order(style: DocumentStyle, tmp_path: Path) -> None:
    document = sample()
    doc = render(document, style, tmp_path / "order.docx")
    got = [visible(p.text) for p in body_paragraphs(doc) if p.text]
    assert got == [document.title, *(line for line in model_lines(document.blocks) if line)]
    assert RARE_NAME in got and LONG_NAME in got and len(LONG_NAME) == 20
    assert {"\U00020bb7", "\U0002b5ae", "\u36c3"} <= set("".join(got))
    assert doc.paragraphs[0].text == "人民调解协议书"
    assert doc.paragraphs[3].text == ""  # the empty paragraph is an empty line


def test_runs_name_east_asian_fonts_and_no_theme_font_is_left(style: DocumentStyle, tmp_path: Path) -> None:
    path = tmp_path / "fonts.docx"
    doc = render(sample(), replace(style, word_font_title="方正小标宋简体", word_font_body="仿宋_GB2312"), path)
    for paragraph in body_paragraphs(doc):
        for run in (r for r in paragraph.runs if r.element.find(qn("w:t")) is not None):
            fonts = run.element.rPr.rFonts
            names = {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia")}
            # the shipped fallback fonts for what the body font lacks (test_printed_page.py)
            assert names in ({"方正小标宋简体"}, {"仿宋_GB2312"}, {"HanaMinA"}, {"HanaMinB"}), paragraph.text
    assert east_asia_font(doc.paragraphs[0]) == {"方正小标宋简体"}                # the title
    assert east_asia_font(by_text(doc, "一、纠纷主要事实")) == {"方正小标宋简体"}    # a heading
    assert east_asia_font(by_text(doc, RARE_NAME)) >= {"仿宋_GB2312", "HanaMinA"}  # body and tables

    with zipfile.ZipFile(path) as package:
        styles_xml = package.read("word/styles.xml").decode()
        names = package.namelist()
    assert not [a for a in THEME_ATTRS if f"w:{a}=" in styles_xml]
    assert "word/stylesWithEffects.xml" not in names  # the template's copy with theme fonts
    styles = doc.styles.element
    [defaults] = styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts")
    normal = doc.styles["Normal"].element.rPr.rFonts
    for fonts in (defaults, normal):
        assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:ascii")) == "仿宋_GB2312"
    [lang] = styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


def test_sizes_bold_underline_and_paragraph_format(style: DocumentStyle, tmp_path: Path) -> None:
    doc = render(sample(), style, tmp_path / "format.docx")
    title = doc.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(style.size(Role.TITLE))
    assert title.paragraph_format.space_after.pt == pytest.approx(0.6 * style.leading(Role.TITLE), abs=0.05)

    body = by_text(doc, "双方因通道堆放建材发生争执。已当场清除，互不追究。")
    fmt = body.paragraph_format
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent == Pt(2 * style.size(Role.BODY))
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing.pt == pytest.approx(style.leading(Role.BODY), abs=0.05)
    assert fmt.space_before.pt == pytest.approx(0.5 * style.leading(Role.BODY), abs=0.05)
    assert fmt.space_after.pt == pytest.approx(style.leading(Role.BODY), abs=0.05)
    assert [(r.text, r.bold, r.underline) for r in body.runs] == [
        ("双方因通道堆放建材发生争执。", None, None), ("已当场清除", True, None), ("，", None, None),
        ("互不追究", None, True), ("。", None, None)]
    assert {r.font.size for r in body.runs} == {Pt(style.size(Role.BODY))}
    assert by_text(doc, "一、纠纷主要事实").paragraph_format.keep_with_next is True
    assert by_text(doc, "本协议一式三份。").alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert by_text(doc, "（人民调解委员会印）").alignment == WD_ALIGN_PARAGRAPH.RIGHT
    cell_run = by_text(doc, RARE_NAME).runs[0]
    assert cell_run.font.size == Pt(style.size(Role.TABLE))


def test_tables_merge_widths_shading_heights_and_rows_that_never_split(style: DocumentStyle,
                                                                       tmp_path: Path) -> None:
    doc = render(sample(), style, tmp_path / "tables.docx")
    parties, signatures, *_ = body_tables(doc)
    grid = [Mm(style.text_width_mm * w / 6).twips for w in (1, 2, 1, 2)]
    got = [int(c.get(qn("w:w"))) for c in parties._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert got == pytest.approx(grid, abs=1)

    rows = [[tc for tc in tr.iter(qn("w:tc"))] for tr in parties._tbl.tr_lst]
    assert [[tc.grid_span for tc in row] for row in rows] == [[1, 1, 1, 1], [1, 3], [1, 2, 1]]
    assert parties.cell(1, 3).text == LONG_NAME                  # the last cell spans the rest
    assert parties.cell(2, 1).text == "第一行\n第二行"
    assert [p.text for p in parties.cell(2, 1).paragraphs] == ["第一行", "第二行"]
    shaded = [tc.tcPr.find(qn("w:shd")) for row in rows for tc in row]
    assert [s.get(qn("w:fill")) for s in shaded if s is not None] == ["EDEDED"] * 4

    # Adjacent tables are parted by a paragraph, or Word and LibreOffice would join them.
    separator = parties._tbl.getnext()
    assert separator.tag == qn("w:p") and separator.getnext() is signatures._tbl
    for table in body_tables(doc):
        for tr in table._tbl.tr_lst:
            assert tr.trPr.find(qn("w:cantSplit")) is not None
    header = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in parties._tbl.tr_lst]
    assert header == [True, False, False]

    borders = parties._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"single"}
    assert {b.get(qn("w:color")) for b in borders} == {"000000"}
    no_grid = signatures._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in no_grid} == {"nil"}
    assert [signatures.cell(0, i).vertical_alignment for i in (0, 1)] \
        == [WD_CELL_VERTICAL_ALIGNMENT.CENTER, WD_CELL_VERTICAL_ALIGNMENT.TOP]  # room for a signature below
    heights = [tr.trPr.find(qn("w:trHeight")) for tr in signatures._tbl.tr_lst]
    assert [(Mm(20).twips, "atLeast")] * 2 == [(int(h.get(qn("w:val"))), h.get(qn("w:hRule"))) for h in heights]


def kept(table: DocxTable) -> list[bool]:
    """Per row: does every paragraph of the row keep with the next?"""
    return [all(DocxParagraph(p, table).paragraph_format.keep_with_next for p in tr.iter(qn("w:p")))
            for tr in table._tbl.tr_lst]


def test_keep_together_tables_and_groups_keep_with_next(style: DocumentStyle, tmp_path: Path) -> None:
    doc = render(sample(), style, tmp_path / "keep.docx")
    parties, signatures, dated, photo = body_tables(doc)
    assert kept(parties) == [True, False, False]               # the header row keeps with the first
    assert kept(signatures) == [True, False]                   # Table.keep_together
    # A KeepTogether group: everything but its very last paragraph keeps with the next.
    assert by_text(doc, "人民调解员（签名）：").paragraph_format.keep_with_next is True
    assert kept(dated) == [True, True]                         # not the group's last block
    assert not by_text(doc, "（人民调解委员会印）").paragraph_format.keep_with_next
    assert by_text(doc, "附：现场照片").paragraph_format.keep_with_next is True
    assert kept(photo) == [False]                              # the group's last block
    assert not by_text(doc, "本协议一式三份。").paragraph_format.keep_with_next


def test_nested_groups_chain_through_to_the_outer_groups_end(style: DocumentStyle, tmp_path: Path) -> None:
    document = Document("agreement", "协议书", [
        KeepTogether([para("甲"), KeepTogether([para("乙"), Spacer(4), para("丙")]), para("丁")]),
        para("戊"),
    ])
    doc = render(document, style, tmp_path / "nested.docx")
    assert [bool(p.paragraph_format.keep_with_next) for p in doc.paragraphs[1:]] \
        == [True, True, True, True, False, False]


def test_spacer_page_break_and_image(style: DocumentStyle, tmp_path: Path) -> None:
    doc = render(sample(), style, tmp_path / "blocks.docx")
    texts = [p.text for p in doc.paragraphs]
    spacer = doc.paragraphs[texts.index("本协议一式三份。") + 1]
    assert spacer.text == "" and spacer.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert spacer.paragraph_format.line_spacing.mm == pytest.approx(12, abs=0.05)
    breaks = doc.element.body.findall(f".//{qn('w:br')}[@{qn('w:type')}='page']")
    assert len(breaks) == 1
    [picture] = doc.inline_shapes
    assert picture.width.mm == pytest.approx(style.text_width_mm, abs=0.1)   # 300 mm capped
    assert picture.height == picture.width                                  # a square QR image
    assert picture._inline.docPr.get("descr") == "现场照片"


def test_header_and_footer_carry_number_logo_page_fields_and_qr(style: DocumentStyle, tmp_path: Path) -> None:
    path = tmp_path / "furniture.docx"
    section = render(sample(), style, path).sections[0]
    header = section.header
    assert header.paragraphs[0].text == " 龙门街道人民调解委员会\t编号：（2026）龙调字第1号"
    assert len(header.part.element.findall(f".//{qn('w:drawing')}")) == 1            # the logo
    footer = section.footer.part.element
    codes = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]
    chars = [c.get(qn("w:fldCharType")) for c in footer.iter(qn("w:fldChar"))]
    assert chars == ["begin", "separate", "end"] * 2
    assert "第 1 页 共 1 页" in "".join(t.text for t in footer.iter(qn("w:t")))
    assert len(footer.findall(f".//{qn('w:drawing')}")) == 1                          # the QR code
    assert section.footer.tables[0].cell(0, 2)._tc.find(f".//{qn('w:drawing')}") is not None
    small = {r.font.size for p in header.paragraphs for r in p.runs if r.text}
    assert small == {Pt(style.size(Role.SMALL))}

    # Picture ids are unique across body, header and footer (Word refuses duplicates).
    with zipfile.ZipFile(path) as package:
        ids = [props.get("id") for name in package.namelist() if name.endswith(".xml")
               for props in etree.fromstring(package.read(name)).iter(qn("wp:docPr"))]
    assert len(ids) == 3 and len(set(ids)) == 3


def test_footer_without_qr_and_plain_furniture(style: DocumentStyle, tmp_path: Path) -> None:
    document = Document("notice", "告知书", [para("正文")], PageFurniture(number="7"))
    doc = render(document, style, tmp_path / "plain.docx")
    section = doc.sections[0]
    assert section.header.paragraphs[0].text == "\t编号：7"
    footer = section.footer.paragraphs[0]
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER and footer.text == "第 1 页 共 1 页"
    assert not section.footer.tables and not doc.inline_shapes
    assert doc.core_properties.author == "调解工作台"

    bare = render(Document("notice", "告知书", [], PageFurniture(page_numbers=False)), style, tmp_path / "bare.docx")
    assert bare.sections[0].header.is_linked_to_previous and bare.sections[0].footer.is_linked_to_previous


def test_core_properties(style: DocumentStyle, tmp_path: Path) -> None:
    core = render(sample(), style, tmp_path / "core.docx").core_properties
    assert (core.title, core.author, core.subject) == ("人民调解协议书", "龙门街道人民调解委员会", "（2026）龙调字第1号")
    assert "python-docx" not in (core.comments + core.last_modified_by)


def test_a_character_no_font_has_stops_the_render(style: DocumentStyle) -> None:
    document = Document("agreement", "协议书", [Table([[cell("张\ue000", field="当事人姓名")]], [1])])
    with pytest.raises(MissingGlyphError, match="当事人姓名") as caught:
        render_docx(document, style)
    assert caught.value.char == "\ue000"


# ./test.sh installs LibreOffice and sets MEDIATOR_REQUIRE_OFFICE=1: there, a missing office fails.
@pytest.mark.skipif((OFFICE is None and os.environ.get("MEDIATOR_REQUIRE_OFFICE") != "1")
                    or sys.platform != "linux",
                    reason="needs LibreOffice, on Linux where it finds fonts through fontconfig")
def test_libreoffice_prints_it_with_the_named_fonts(style: DocumentStyle, tmp_path: Path) -> None:
    """LibreOffice lays the DOCX out in the fonts it names: here the shipped fonts, which a
    private fontconfig file makes visible (a PC has 仿宋/黑体 instead)."""
    assert OFFICE, "LibreOffice (soffice) is not installed: scripts/setup.sh installs it for the tests"
    named = replace(style, word_font_title="WenQuanYi Micro Hei", word_font_body="HanaMinA")
    source = tmp_path / "print.docx"
    source.write_bytes(render_docx(sample(), named))
    office_to_pdf(source, tmp_path)
    reader = PdfReader(tmp_path / "print.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "人民调解协议书" in text and LONG_NAME in text and "编号：（2026）龙调字第1号" in text
    assert f"第 1 页 共 {len(reader.pages)} 页" in text
    assert len(reader.pages) == 2                                # the page break
    used = {font.get_object()["/BaseFont"].split("+")[-1] for page in reader.pages
            for font in page["/Resources"]["/Font"].values()}
    assert {"HanaMinA", "WenQuanYiMicroHei"} <= used
