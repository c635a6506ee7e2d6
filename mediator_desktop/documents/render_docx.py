"""DOCX renderer (python-docx): a :class:`~mediator_desktop.documents.model.Document` → Word file.

It says what ``render_pdf`` says — the title, the blocks in the same order, the same page
furniture — but Word lays out the pages itself, so the renderer states layout rules instead of
drawing: A4 and the style's margins, exact line distances, table rows that never split,
keep-with-next chains that hold a signature block on one page, and PAGE/NUMPAGES fields for
“第 x 页 共 y 页”.

Fonts are named, not embedded. Every run names its font for Latin *and* East Asian text
(python-docx's ``font.name`` sets only the Latin slots), and the template's theme fonts are
removed from the styles: a theme font wins over a named one, and Chinese text would come out in
the theme's font instead of 仿宋/黑体.
"""

from __future__ import annotations

import io
import itertools
from copy import deepcopy
from datetime import UTC, datetime

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import (
    WD_CELL_VERTICAL_ALIGNMENT,
    WD_ROW_HEIGHT_RULE,
    WD_TABLE_ALIGNMENT,
)
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.image.image import Image as DocxImage
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun

from mediator_desktop.documents.glyphs import check_document, family_name, split_by_font
from mediator_desktop.documents.model import (
    Align,
    Block,
    Cell,
    Document,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    Role,
    Spacer,
    Table,
    keep_whole,
    whole_segments,
)
from mediator_desktop.documents.qr import QR_SIZE_MM, qr_png
from mediator_desktop.documents.style import A4_MM, DocumentStyle

_ALIGN = {Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT, Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
          Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT, Align.JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY}
_THEME_FONTS = tuple(qn(a) for a in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"))
_NAMED_FONTS = tuple(qn(a) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"))
# python-docx's template carries a Word 2010 copy of its styles, theme fonts and all.
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# Elements this module inserts itself, each before the siblings the schema puts after it
# (Word refuses a file whose property elements are out of order).
_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                        "w:tblDescription", "w:tblPrChange")
_TBLPR_AFTER_CELL_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_TRPR_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
                          "w:ins", "w:del", "w:trPrChange")
_TRPR_AFTER_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
_TCPR_AFTER_SHADE = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                     "w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")

SHADE_FILL = "EDEDED"              # label cells, the PDF's 0.93 grey
GRID_EIGHTHS_PT = 5                # table grid 0.6 pt, as in the PDF (w:sz is in eighths of a point)
CELL_PADDING_PT = (2.0, 4.0)       # top/bottom and left/right, as in the PDF
LOGO_HEIGHT_MM = 12.0
NO_ROOM = Pt(1)                    # the line height of a paragraph that should take no room
NO_BREAK_HYPHEN = "\u2011"         # in a phone number: written as Word's w:noBreakHyphen


def set_fonts(rpr: CT_RPr, name: str) -> None:
    """Name ``name`` for Latin, East Asian and complex-script text and drop theme fonts."""
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONTS:
        fonts.attrib.pop(attr, None)
    for attr in _NAMED_FONTS:
        fonts.set(attr, name)


def _frame(table: DocxTable, borders: bool, padding_pt: tuple[float, float]) -> None:
    """A fixed-layout, centred table: a single black grid or none, and its cell padding.

    The grid is set on the table itself, so no named table style needs to exist."""
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        look = {qn("w:val"): "single", qn("w:sz"): str(GRID_EIGHTHS_PT), qn("w:space"): "0",
                qn("w:color"): "000000"} if borders else {qn("w:val"): "nil"}
        edges.append(OxmlElement(f"w:{edge}", look))
    tbl_pr.insert_element_before(edges, *_TBLPR_AFTER_BORDERS)
    vertical, horizontal = padding_pt
    margins = OxmlElement("w:tblCellMar")
    for edge, pt in (("top", vertical), ("left", horizontal), ("bottom", vertical), ("right", horizontal)):
        margins.append(OxmlElement(f"w:{edge}", {qn("w:w"): str(round(pt * 20)), qn("w:type"): "dxa"}))
    tbl_pr.insert_element_before(margins, *_TBLPR_AFTER_CELL_MARGINS)


class _Renderer:
    def __init__(self, document: Document, style: DocumentStyle) -> None:
        self._rpr: dict[tuple[str, float, bool, bool, bool], CT_RPr] = {}
        self.document = document
        self.style = style
        self.doc: DocxDocument = docx.Document()

    # -- set-up -------------------------------------------------------------------------------

    def page(self) -> None:
        """A4 with the style's margins; header and footer where the PDF draws them."""
        s = self.style
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
        section.top_margin, section.bottom_margin = Mm(s.margin_top_mm), Mm(s.margin_bottom_mm)
        section.left_margin, section.right_margin = Mm(s.margin_left_mm), Mm(s.margin_right_mm)
        section.header_distance = Mm(max(s.margin_top_mm - LOGO_HEIGHT_MM - 4, 5))
        section.footer_distance = Mm(max(s.margin_bottom_mm / 2 - 6, 5))

    def styles(self) -> None:
        """Body font and size in the defaults, Normal, Header and Footer; no theme fonts anywhere."""
        styles = self.doc.styles
        for fonts in styles.element.iter(qn("w:rFonts")):
            for attr in _THEME_FONTS:
                fonts.attrib.pop(attr, None)
        [defaults] = styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr")
        set_fonts(defaults, self.style.word_font_body)
        lang = defaults.find(qn("w:lang"))
        if lang is None:
            lang = defaults.insert_element_before(OxmlElement("w:lang"), "w:eastAsianLayout", "w:specVanish",
                                                  "w:oMath")
        lang.set(qn("w:eastAsia"), "zh-CN")  # Chinese line-breaking and punctuation rules
        for name, role in (("Normal", Role.BODY), ("Header", Role.SMALL), ("Footer", Role.SMALL)):
            style = styles[name]
            set_fonts(style.element.get_or_add_rPr(), self.style.word_font_body)
            style.font.size = Pt(self.style.size(role))
            fmt = style.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.widow_control = True
            fmt.tab_stops.clear_all()  # the template's Letter-sized tab stops
        for r_id, rel in list(self.doc.part.rels.items()):
            if rel.reltype == _STYLES_WITH_EFFECTS:
                self.doc.part.drop_rel(r_id)

    def number_pictures(self) -> None:
        """Give every picture an id unique in the whole file. python-docx counts per part, so a
        header logo and the first body picture would share id 1, which Word may refuse."""
        ids = itertools.count(1)
        for part in self.doc.part.package.iter_parts():
            if isinstance(part, XmlPart):
                for props in part.element.iter(qn("wp:docPr")):
                    props.set("id", str(next(ids)))

    def properties(self) -> None:
        core = self.doc.core_properties
        core.title = self.document.title
        core.author = core.last_modified_by = self.document.furniture.header_left or "调解工作台"
        core.subject = self.document.furniture.number
        core.comments = ""  # the template says "generated by python-docx"
        core.created = core.modified = datetime.now(UTC).replace(microsecond=0)

    # -- text ---------------------------------------------------------------------------------

    def font(self, role: Role) -> str:
        return self.style.word_font_title if role in (Role.TITLE, Role.HEADING) else self.style.word_font_body

    def run(self, target: DocxParagraph, text: str, font: str, size: float, bold: bool = False,
            underline: bool = False, whole: bool = False) -> DocxRun:
        """A run of ``text`` in ``font`` at ``size`` pt; a newline becomes a line break.
        ``whole``: a code, date or phone number, marked as no language (``zxx``) — a word
        processor breaks Chinese text by its own rules, which in LibreOffice ignore the word
        joiners; a span of no language is broken by the Unicode rules, which honour them (and
        is not spell-checked).

        The run properties are built once per look and copied: python-docx's property setters
        cost more than the rest of the document together."""
        out = target.add_run(text)
        key = (font, size, bold, underline, whole)
        rpr = self._rpr.get(key)
        if rpr is None:
            out.font.size = Pt(size)
            out.font.bold = bold or None
            out.font.underline = underline or None
            props = out.element.get_or_add_rPr()
            set_fonts(props, font)
            if whole:
                lang = OxmlElement("w:lang", {qn("w:val"): "zxx", qn("w:eastAsia"): "zxx"})
                props.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
            self._rpr[key] = deepcopy(props)
        else:
            out.element.insert(0, deepcopy(rpr))
        return out

    def fill(self, target: DocxParagraph, p: Paragraph, keep: bool = False) -> None:
        """Format ``target`` as ``p`` and add its runs; ``keep`` holds it with the next paragraph."""
        size, leading = self.style.size(p.role), self.style.leading(p.role)
        fmt = target.paragraph_format
        align = Align.CENTER if p.role is Role.TITLE and p.align is Align.JUSTIFY else p.align
        fmt.alignment = _ALIGN[align]
        fmt.line_spacing = Pt(leading)  # a length, so exactly this
        fmt.space_before = Pt(p.space_before * leading)
        fmt.space_after = Pt(p.space_after * leading)
        if p.indent:
            fmt.first_line_indent = Pt(2 * size)
        if p.keep_with_next or keep:
            fmt.keep_with_next = True
        font = self.font(p.role)
        faces = self.style.faces(p.role)
        for r in p.runs:
            # A character the body font lacks (𠮷 is not in Windows' 仿宋) is set in the fallback
            # font the application ships, named for East Asian and Latin text alike; codes, dates
            # and phone numbers carry word joiners and no-break hyphens so Word never cuts them.
            for segment, whole in whole_segments(r.text):
                text = keep_whole(segment, NO_BREAK_HYPHEN) if whole else segment
                for face, piece in split_by_font(text, faces, r.field):
                    name = font if face == faces[0] else family_name(face)
                    for k, part in enumerate(piece.split(NO_BREAK_HYPHEN)):
                        if k:
                            self.run(target, "", name, size, r.bold, r.underline, whole).element.append(
                                OxmlElement("w:noBreakHyphen"))
                        if part:
                            self.run(target, part, name, size, r.bold, r.underline, whole)

    def field(self, target: DocxParagraph, instruction: str, font: str, size: float) -> None:
        """A Word field (PAGE, NUMPAGES) that Word fills in as it lays out the pages."""
        def char(kind: str) -> None:
            self.run(target, "", font, size).element.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))

        char("begin")
        code = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
        code.text = f" {instruction} "
        self.run(target, "", font, size).element.append(code)
        char("separate")
        self.run(target, "1", font, size)  # shown until Word updates the field
        char("end")

    # -- blocks -------------------------------------------------------------------------------

    def cell(self, target: _Cell, c: Cell, keep: bool) -> None:
        """A cell centred vertically, or at the top when it keeps room below (as in the PDF,
        where that room is a spacer under the text)."""
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP if c.min_height_mm \
            else WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if c.shade:
            shade = OxmlElement("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): SHADE_FILL})
            target._tc.get_or_add_tcPr().insert_element_before(shade, *_TCPR_AFTER_SHADE)
        # Empty lines are left out, as in the PDF; Word needs one paragraph in every cell.
        paragraphs = [p for p in c.paragraphs if p.runs] or [Paragraph([], Role.TABLE)]
        targets = [target.paragraphs[0], *(target.add_paragraph() for _ in paragraphs[1:])]
        for out, p in zip(targets, paragraphs, strict=True):
            self.fill(out, p, keep)

    def table(self, t: Table, together: bool, keep_last: bool) -> None:
        """``together``: every row but the last keeps with the next (Word's way to keep a table on
        one page); ``keep_last``: the last row too, holding the table with what follows."""
        columns = len(t.widths)
        widths = [self.style.text_width_mm * w / sum(t.widths) for w in t.widths]
        previous = self.doc.element.body.inner_content_elements
        if previous and previous[-1].tag == qn("w:tbl"):
            # Word and LibreOffice join adjacent tables into one (the grid of one then applies to
            # both): part them with a paragraph that takes no room.
            fmt = self.doc.add_paragraph().paragraph_format
            fmt.line_spacing = NO_ROOM
            fmt.keep_with_next = together or None
        table = self.doc.add_table(rows=len(t.rows), cols=columns)
        _frame(table, t.borders, CELL_PADDING_PT)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
        for r, (cells, row) in enumerate(zip(t.rows, table.rows, strict=True)):
            keep = keep_last if r == len(t.rows) - 1 else together
            if r < t.header_rows and r < len(t.rows) - 1:
                keep = True  # a column header never ends a page: it keeps with the first row
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.insert_element_before(OxmlElement("w:cantSplit"), *_TRPR_AFTER_CANT_SPLIT)
            if r < t.header_rows:
                tr_pr.insert_element_before(OxmlElement("w:tblHeader"), *_TRPR_AFTER_HEADER)
            height = max((c.min_height_mm for c in cells), default=0.0)
            if height:
                row.height, row.height_rule = Mm(height), WD_ROW_HEIGHT_RULE.AT_LEAST
            for col, span, c in t.spans(cells):
                target = table.cell(r, col)
                if span > 1:
                    target = target.merge(table.cell(r, col + span - 1))
                target.width = Mm(sum(widths[col:col + span]))
                self.cell(target, c, keep)

    def image(self, image: Image, keep: bool) -> None:
        """The picture at its width (at most the text width), shrunk to fit a page if tall."""
        s = self.style
        picture = DocxImage.from_blob(image.data)
        ratio = picture.px_height / picture.px_width if picture.px_width else 1.0
        width = min(image.width_mm, s.text_width_mm)
        usable = A4_MM[1] - s.margin_top_mm - s.margin_bottom_mm - 5
        if width * ratio > usable:
            width = usable / ratio
        target = self.doc.add_paragraph()
        target.alignment = _ALIGN[image.align if image.align in (Align.LEFT, Align.RIGHT) else Align.CENTER]
        target.paragraph_format.keep_with_next = keep or None
        shape = target.add_run().add_picture(io.BytesIO(image.data), width=Mm(width), height=Mm(width * ratio))
        if image.caption:
            shape._inline.docPr.set("descr", image.caption)  # alt text; the PDF prints no caption either

    def block(self, b: Block, group: bool = False, keep: bool = False) -> None:
        """Append ``b`` to the body. ``group``: it is inside a KeepTogether; ``keep``: hold its end
        with the next block (every block of a group but the last)."""
        if isinstance(b, Paragraph):
            self.fill(self.doc.add_paragraph(), b, keep)
        elif isinstance(b, Table):
            self.table(b, together=b.keep_together or group, keep_last=keep)
        elif isinstance(b, Spacer):
            fmt = self.doc.add_paragraph().paragraph_format
            fmt.line_spacing = max(Mm(b.height_mm), NO_ROOM)  # Word takes 0.7 pt and up
            fmt.keep_with_next = keep or None
        elif isinstance(b, PageBreak):
            target = self.doc.add_paragraph()
            target.add_run().add_break(WD_BREAK.PAGE)
            # The paragraph's end lands at the top of the next page: let it take no room there.
            target.paragraph_format.line_spacing = NO_ROOM
        elif isinstance(b, KeepTogether):
            last = len(b.blocks) - 1
            for i, child in enumerate(b.blocks):
                self.block(child, group=True, keep=keep or i < last)
        elif isinstance(b, Image):
            self.image(b, keep)
        else:
            raise TypeError(type(b))

    # -- pages --------------------------------------------------------------------------------

    def header(self) -> None:
        """Logo and organisation name on the left, “编号：…” at the right margin."""
        f = self.document.furniture
        if not (f.logo or f.header_left or f.number):
            return
        font, size = self.style.word_font_body, self.style.size(Role.SMALL)
        target = self.doc.sections[0].header.paragraphs[0]
        target.paragraph_format.tab_stops.add_tab_stop(Mm(self.style.text_width_mm), WD_TAB_ALIGNMENT.RIGHT)
        if f.logo:
            target.add_run().add_picture(io.BytesIO(f.logo), height=Mm(LOGO_HEIGHT_MM))
        if f.header_left:
            self.run(target, f" {f.header_left}" if f.logo else f.header_left, font, size)
        if f.number:
            self.run(target, f"\t编号：{f.number}", font, size)

    def footer(self) -> None:
        """“第 x 页 共 y 页” centred; the QR code at the right, in a borderless three-cell row
        whose empty left cell keeps the page numbers in the middle."""
        f = self.document.furniture
        if not (f.page_numbers or f.qr_payload):
            return
        font, size = self.style.word_font_body, self.style.size(Role.SMALL)
        footer = self.doc.sections[0].footer
        numbers = footer.paragraphs[0]
        if f.qr_payload:
            text_width = self.style.text_width_mm
            table = footer.add_table(1, 3, Mm(text_width))
            numbers._p.addprevious(table._tbl)  # a footer ends with a paragraph, as Word writes it
            numbers.paragraph_format.line_spacing = NO_ROOM
            _frame(table, borders=False, padding_pt=(0, 0))
            widths = (QR_SIZE_MM, text_width - 2 * QR_SIZE_MM, QR_SIZE_MM)
            for column, target, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
                column.width = target.width = Mm(width)
                target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            qr = table.cell(0, 2).paragraphs[0]
            qr.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            qr.add_run().add_picture(io.BytesIO(qr_png(f.qr_payload)), width=Mm(QR_SIZE_MM))
            numbers = table.cell(0, 1).paragraphs[0]
        if f.page_numbers:
            numbers.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.run(numbers, "第 ", font, size)
            self.field(numbers, "PAGE", font, size)
            self.run(numbers, " 页 共 ", font, size)
            self.field(numbers, "NUMPAGES", font, size)
            self.run(numbers, " 页", font, size)

    def render(self) -> bytes:
        self.page()
        self.styles()
        self.fill(self.doc.add_paragraph(), self.document.title_paragraph())
        for b in self.document.blocks:
            self.block(b)
        self.header()
        self.footer()
        self.number_pictures()
        self.properties()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def render_docx(document: Document, style: DocumentStyle) -> bytes:
    """The document as a Word file (A4, fonts named for Word). Raises ``MissingGlyphError``
    before writing anything when a character cannot be drawn, exactly as ``render_pdf`` does."""
    check_document(document, style)
    return _Renderer(document, style).render()


__all__ = ["render_docx"]
