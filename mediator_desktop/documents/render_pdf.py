"""PDF renderer (reportlab): a :class:`~mediator_desktop.documents.model.Document` → PDF bytes.

Fonts are embedded (TrueType subsets), so the PDF shows Chinese on a PC with no Chinese font.
Lines break by Chinese rules on a grid of 28 characters (``pdf_lines``: codes, dates and phone
numbers stay whole, lines are justified). Text is split into runs by font coverage, so a
character the main font lacks comes from a fallback font; one that no font has stops the render
with :class:`~mediator_desktop.documents.glyphs.MissingGlyphError`.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, TableStyle
from reportlab.platypus import Image as RLImage
from reportlab.platypus import KeepTogether as RLKeepTogether
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Spacer as RLSpacer
from reportlab.platypus import Table as RLTable

from mediator_desktop.documents import model as m
from mediator_desktop.documents import reportlab_fixes  # noqa: F401 - applies the fixes
from mediator_desktop.documents.glyphs import check_document, font_name, split_by_font
from mediator_desktop.documents.pdf_lines import GridParagraph
from mediator_desktop.documents.qr import QR_SIZE_MM, qr_matrix, qr_png
from mediator_desktop.documents.style import DocumentStyle

_ALIGN = {m.Align.LEFT: TA_LEFT, m.Align.CENTER: TA_CENTER, m.Align.RIGHT: TA_RIGHT, m.Align.JUSTIFY: TA_JUSTIFY}
_SHADE = colors.Color(0.93, 0.93, 0.93)


class _Renderer:
    def __init__(self, document: m.Document, style: DocumentStyle) -> None:
        self.document = document
        self.style = style
        self._styles: dict[tuple[m.Role, m.Align, bool, bool, float, float], ParagraphStyle] = {}

    # -- text ---------------------------------------------------------------------------------

    def markup(self, paragraph: m.Paragraph) -> str:
        faces = self.style.faces(paragraph.role)
        out: list[str] = []
        for run in paragraph.runs:
            run_faces = self.style.title_faces if run.bold and paragraph.role not in (m.Role.TITLE, m.Role.HEADING) \
                else faces
            for face, piece in split_by_font(m.keep_whole(run.text), run_faces, run.field):
                # & < > only (what xml.sax.saxutils.escape did; that module loads urllib and http)
                text = escape(piece, quote=False).replace("\n", "<br/>")
                if face != faces[0]:
                    text = f'<font name="{font_name(face)}">{text}</font>'
                if run.underline:
                    text = f"<u>{text}</u>"
                out.append(text)
        return "".join(out)

    def paragraph_style(self, p: m.Paragraph) -> ParagraphStyle:
        key = (p.role, p.align, p.indent, p.keep_with_next, p.space_before, p.space_after)
        if key not in self._styles:
            size = self.style.size(p.role)
            leading = self.style.leading(p.role)
            align = p.align
            if p.role is m.Role.TITLE and align is m.Align.JUSTIFY:
                align = m.Align.CENTER
            self._styles[key] = ParagraphStyle(
                name=f"md-{len(self._styles)}",
                fontName=font_name(self.style.faces(p.role)[0]),
                fontSize=size, leading=leading, alignment=_ALIGN[align],
                firstLineIndent=2 * (size + self.style.char_space(p.role)) if p.indent else 0,
                wordWrap="CJK", keepWithNext=int(p.keep_with_next),
                spaceBefore=p.space_before * leading, spaceAfter=p.space_after * leading,
                allowWidows=0, allowOrphans=0,
            )
        return self._styles[key]

    def paragraph(self, p: m.Paragraph) -> Flowable:
        if not p.runs:
            return RLSpacer(1, self.style.leading(p.role))
        return GridParagraph(self.markup(p), self.paragraph_style(p), char_space=self.style.char_space(p.role))

    # -- blocks -------------------------------------------------------------------------------

    def cell(self, c: m.Cell, width_pt: float) -> list[Flowable]:
        flow: list[Flowable] = [self.paragraph(p) for p in c.paragraphs if p.runs]
        if c.min_height_mm:
            used = sum(f.wrap(width_pt, 10_000)[1] for f in flow)
            room = c.min_height_mm * mm - used - 4  # the cell's own padding
            if room > 0:
                flow.append(RLSpacer(1, room))
        return flow or [RLSpacer(1, 1)]

    def table(self, t: m.Table) -> Flowable:
        total = self.style.text_width_mm * mm
        widths = [total * w / sum(t.widths) for w in t.widths]
        ncols = len(widths)
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            # The table's own default font is Helvetica, which the PDF would name but not embed.
            ("FONTNAME", (0, 0), (-1, -1), font_name(self.style.body_faces[0])),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if t.borders:
            commands.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
        for r, row in enumerate(t.rows):
            line: list[Any] = []
            for col, span, c in t.spans(row):
                width = sum(widths[col:col + span]) - 8
                line.append(self.cell(c, width))
                line.extend([""] * (span - 1))
                if span > 1:
                    commands.append(("SPAN", (col, r), (col + span - 1, r)))
                if c.shade:
                    commands.append(("BACKGROUND", (col, r), (col + span - 1, r), _SHADE))
            line.extend([""] * (ncols - len(line)))
            data.append(line)
        table = RLTable(data, colWidths=widths, repeatRows=t.header_rows, hAlign="CENTER",
                        style=TableStyle(commands), splitByRow=1)
        return RLKeepTogether([table]) if t.keep_together else table

    def image(self, image: m.Image) -> Flowable:
        reader = RLImage(io.BytesIO(image.data))
        ratio = reader.imageHeight / reader.imageWidth if reader.imageWidth else 1.0
        width = min(image.width_mm * mm, self.style.text_width_mm * mm)
        height = width * ratio
        usable = (297 - self.style.margin_top_mm - self.style.margin_bottom_mm) * mm - 12
        if height > usable:  # a tall scan: fit the page
            width, height = width * usable / height, usable
        flow = RLImage(io.BytesIO(image.data), width=width, height=height)
        flow.hAlign = {m.Align.LEFT: "LEFT", m.Align.RIGHT: "RIGHT"}.get(image.align, "CENTER")
        return flow

    def block(self, b: m.Block) -> list[Flowable]:
        if isinstance(b, m.Paragraph):
            return [self.paragraph(b)]
        if isinstance(b, m.Table):
            return [self.table(b)]
        if isinstance(b, m.Spacer):
            return [RLSpacer(1, b.height_mm * mm)]
        if isinstance(b, m.PageBreak):
            return [RLPageBreak()]
        if isinstance(b, m.KeepTogether):
            inner: list[Flowable] = []
            for child in b.blocks:
                inner.extend(self.block(child))
            return [RLKeepTogether(inner)]
        if isinstance(b, m.Image):
            return [self.image(b)]
        raise TypeError(type(b))

    def story(self) -> list[Flowable]:
        flow: list[Flowable] = [self.paragraph(self.document.title_paragraph())]
        for b in self.document.blocks:
            flow.extend(self.block(b))
        return flow

    # -- pages --------------------------------------------------------------------------------

    def furniture_canvas(self) -> type[rl_canvas.Canvas]:
        """A canvas that draws the page furniture once the page count is known."""
        renderer = self

        class FurnitureCanvas(rl_canvas.Canvas):  # type: ignore[misc]  # reportlab has no types
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self._pages: list[dict[str, Any]] = []

            def showPage(self) -> None:  # noqa: N802 - reportlab's name
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self) -> None:
                total = len(self._pages)
                for number, state in enumerate(self._pages, start=1):
                    self.__dict__.update(state)
                    renderer.draw_furniture(self, number, total)
                    super().showPage()
                super().save()

        return FurnitureCanvas

    def _draw_text(self, c: rl_canvas.Canvas, x: float, y: float, text: str, size: float,
                   anchor: str = "left", field: str = "") -> None:
        faces = self.style.body_faces
        pieces = split_by_font(text, faces, field)
        width = sum(c.stringWidth(p, font_name(f), size) for f, p in pieces)
        if anchor == "right":
            x -= width
        elif anchor == "center":
            x -= width / 2
        for face, piece in pieces:
            c.setFont(font_name(face), size)
            c.drawString(x, y, piece)
            x += c.stringWidth(piece, font_name(face), size)

    def draw_furniture(self, c: rl_canvas.Canvas, number: int, total: int) -> None:
        f = self.document.furniture
        s = self.style
        page_w, page_h = A4
        left, right = s.margin_left_mm * mm, page_w - s.margin_right_mm * mm
        small = s.size(m.Role.SMALL)
        c.saveState()
        c.setFillColor(colors.black)
        top_y = page_h - s.margin_top_mm * mm + 6 * mm
        text_x = left
        if f.logo:
            logo = rl_canvas.ImageReader(io.BytesIO(f.logo))
            w, h = logo.getSize()
            height = 12 * mm
            width = min(height * w / h if h else height, 40 * mm)
            c.drawImage(logo, left, top_y - 3 * mm, width=width, height=height, mask="auto",
                        preserveAspectRatio=True, anchor="sw")
            text_x = left + width + 3 * mm
        if f.header_left:
            self._draw_text(c, text_x, top_y, f.header_left, small, field="调解组织名称")
        if f.number:
            self._draw_text(c, right, top_y, f"编号：{f.number}", small, "right", field="编号")
        if f.page_numbers:
            self._draw_text(c, page_w / 2, s.margin_bottom_mm * mm / 2, f"第 {number} 页 共 {total} 页", small,
                            "center")
        if f.qr_payload:
            self._draw_qr(c, right - QR_SIZE_MM * mm, s.margin_bottom_mm * mm / 2 - 6 * mm, f.qr_payload)
        c.restoreState()

    def _draw_qr(self, c: rl_canvas.Canvas, x: float, y: float, payload: str) -> None:
        matrix = qr_matrix(payload)
        n = len(matrix)
        cell_size = QR_SIZE_MM * mm / n
        c.setFillColor(colors.black)
        path = c.beginPath()
        for r, row in enumerate(matrix):
            for col, dark in enumerate(row):
                if dark:
                    path.rect(x + col * cell_size, y + (n - 1 - r) * cell_size, cell_size, cell_size)
        c.drawPath(path, stroke=0, fill=1)


def render_pdf(document: m.Document, style: DocumentStyle) -> bytes:
    """The document as a PDF (A4, fonts embedded). Raises ``MissingGlyphError`` before writing
    anything when a character cannot be drawn."""
    check_document(document, style)
    renderer = _Renderer(document, style)
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out, pagesize=A4,
        leftMargin=style.margin_left_mm * mm, rightMargin=style.margin_right_mm * mm,
        topMargin=style.margin_top_mm * mm, bottomMargin=style.margin_bottom_mm * mm,
        title=document.title, author=document.furniture.header_left or "调解工作台",
        subject=document.furniture.number, creator="调解工作台 Mediator Desktop",
        # Not Helvetica: every font the PDF names must be one it embeds.
        initialFontName=font_name(style.body_faces[0]), initialFontSize=style.size_body,
    )
    # The text box is exactly the margins' (156 × 225 mm by GB/T 9704): no frame padding, which
    # would take 6 pt from every side and leave room for 27 characters and 21 lines.
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="text",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(renderer.story(), canvasmaker=renderer.furniture_canvas())
    return out.getvalue()


__all__ = ["QR_SIZE_MM", "qr_matrix", "qr_png", "render_pdf"]
