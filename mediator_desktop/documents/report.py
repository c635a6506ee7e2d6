"""The statistics report (人民调解工作统计表) as a PDF (reportlab, A4, the table then the trend
charts) and as an Excel workbook (openpyxl: real numbers with number formats, merged header cells,
a frozen header repeated on every printed page, fitted to one page wide)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mediator_desktop.services.statistics import Figure, Report, Trend

TITLE = "人民调解工作统计表"
INDENT = "\u3000"  # one full-width space per level: children shown indented

#: Excel number formats by unit (rates are stored as fractions and shown as percentages).
_XLSX_FORMATS = {"件": "0", "人": "0", "次": "0", "元": "#,##0.00", "万元": "#,##0.00", "%": "0.0%", "天": "0.0"}


def cell_text(figure: Figure, value: float | int | None) -> str:
    """A value as the table shows it: counts whole, money with two decimals, rates with one."""
    if value is None:
        return "—"
    if figure.unit in ("元", "万元"):
        return f"{value:,.2f}"
    if figure.unit == "%":
        return f"{value:.1f}%"
    if figure.unit == "天":
        return f"{value:.1f}"
    return f"{int(value)}"


def unit_text(figure: Figure) -> str:
    """The 单位 column: a rate's value already ends in “%”, so its unit is not said twice."""
    return "" if figure.unit == "%" else figure.unit


def xlsx_rate(value: float | None) -> float | None:
    """A rate (a percentage with one decimal) as the fraction Excel's ``0.0%`` shows: 81.9 →
    0.819, not the float division's 0.8190000000000001."""
    return None if value is None else round(value / 100, 3)


def label_text(figure: Figure) -> str:
    return INDENT * figure.level + figure.label


def sections(report: Report) -> list[tuple[str, list[Figure]]]:
    out: list[tuple[str, list[Figure]]] = []
    for f in report.figures:
        if not out or out[-1][0] != f.section:
            out.append((f.section, []))
        out[-1][1].append(f)
    return out


def subtitle(report: Report, made_on: date) -> str:
    return (f"填报单位：{report.committee}　　统计期间：{report.period.text}　　"
            f"制表日期：{made_on.year}年{made_on.month}月{made_on.day}日")


# --------------------------------------------------------------------------- PDF


def render_report_pdf(report: Report, charts: Sequence[tuple[str, bytes]], made_on: date) -> bytes:
    """A4 portrait: title, committee and period, the table (header repeated on each page), then
    the charts two to a page. The shipped fonts are embedded (subsets)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from mediator_desktop.documents.glyphs import font_name
    from mediator_desktop.documents.style import builtin_faces

    faces = builtin_faces()
    sans, body = font_name(faces["sans"]), font_name(faces["fang"])
    title_style = ParagraphStyle("title", fontName=sans, fontSize=18, leading=24, alignment=1, wordWrap="CJK")
    sub_style = ParagraphStyle("sub", fontName=body, fontSize=10.5, leading=15, alignment=1, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=body, fontSize=9.5, leading=12, wordWrap="CJK")
    head = ParagraphStyle("head", fontName=sans, fontSize=9.5, leading=12, alignment=1, wordWrap="CJK")
    section = ParagraphStyle("section", fontName=sans, fontSize=9.5, leading=12, wordWrap="CJK")

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{report.committee}{TITLE}（{report.period.text}）",
                            author=report.committee, subject=TITLE, creator="调解工作台 Mediator Desktop",
                            # Not Helvetica: every font the PDF names must be one it embeds.
                            initialFontName=body, initialFontSize=10)
    width = A4[0] - 36 * mm
    n = len(report.scopes)
    value_w = min(32 * mm, (width - 70 * mm) / n)
    unit_w = 13 * mm
    rows: list[list[Any]] = [[Paragraph("项目", head), *(Paragraph(sc.name, head) for sc in report.scopes),
                              Paragraph("单位", head)]]
    style: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), body),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("FONTNAME", (1, 1), (-1, -1), body), ("FONTSIZE", (1, 1), (-1, -1), 9.5),
        ("ALIGN", (1, 1), (-2, -1), "RIGHT"), ("ALIGN", (-1, 1), (-1, -1), "CENTER"),
    ]
    for name, figures in sections(report):
        rows.append([Paragraph(name, section)] + [""] * (n + 1))
        style += [("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)),
                  ("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), colors.HexColor("#f4f4f4"))]
        for f in figures:
            indented = ParagraphStyle(f"cell{f.level}", parent=cell, leftIndent=f.level * 12)
            rows.append([Paragraph(f.label, indented), *(cell_text(f, f.value(sc.id)) for sc in report.scopes),
                         unit_text(f)])
    table = Table(rows, colWidths=[width - value_w * n - unit_w, *([value_w] * n), unit_w], repeatRows=1)
    table.setStyle(TableStyle(style))
    story: list[Any] = [Paragraph(TITLE, title_style), Spacer(1, 3 * mm),
                        Paragraph(subtitle(report, made_on), sub_style), Spacer(1, 4 * mm), table]
    for note in report.notes:
        story += [Spacer(1, 2 * mm), Paragraph("注：" + note, cell)]
    if charts:
        story.append(PageBreak())
        story.append(Paragraph(f"矛盾纠纷走势图（{report.period.text}）", title_style))
        chart_h = (A4[1] - 32 * mm - 30 * mm) / 2
        for i, (_, png) in enumerate(charts):
            img = Image(io.BytesIO(png))
            scale = min(width / img.imageWidth, chart_h / img.imageHeight)
            img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
            story += [Spacer(1, 4 * mm), img]
            if i % 2 == 1 and i + 1 < len(charts):
                story.append(PageBreak())

    def furniture(canvas: Any, doc_: Any) -> None:
        canvas.saveState()
        canvas.setFont(body, 9)
        canvas.drawCentredString(A4[0] / 2, 9 * mm, f"第 {doc_.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return out.getvalue()


# --------------------------------------------------------------------------- Excel


def render_report_xlsx(report: Report, trend: Trend | None, made_on: date) -> bytes:
    """The table on a sheet 统计表 (and, with ``trend``, the months on a sheet 各月走势)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "统计表"
    n = len(report.scopes)
    last = n + 2
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    grey = PatternFill("solid", fgColor="E8E8E8")

    ws.cell(1, 1, TITLE).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = centre
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws.cell(2, 1, subtitle(report, made_on)).alignment = centre
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    # Two header rows: 项目 and 单位 span both; 数值 spans the organisations' columns.
    ws.cell(3, 1, "项目")
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    ws.cell(3, 2, "数值")
    ws.merge_cells(start_row=3, start_column=2, end_row=3, end_column=n + 1)
    for i, sc in enumerate(report.scopes):
        ws.cell(4, 2 + i, sc.name)
    ws.cell(3, last, "单位")
    ws.merge_cells(start_row=3, start_column=last, end_row=4, end_column=last)
    for r in (3, 4):
        for c in range(1, last + 1):
            ws.cell(r, c).font, ws.cell(r, c).alignment, ws.cell(r, c).border = bold, centre, box
            ws.cell(r, c).fill = grey
    row = 5
    for name, figures in sections(report):
        ws.cell(row, 1, name).font = bold
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        for c in range(1, last + 1):
            ws.cell(row, c).border = box
        row += 1
        for f in figures:
            ws.cell(row, 1, f.label).alignment = Alignment(indent=2 * f.level, wrap_text=True)
            for i, sc in enumerate(report.scopes):
                v = f.value(sc.id)
                target = ws.cell(row, 2 + i, xlsx_rate(v) if f.unit == "%" else v)
                target.number_format = _XLSX_FORMATS.get(f.unit, "General")
            ws.cell(row, last, unit_text(f)).alignment = Alignment(horizontal="center")
            for c in range(1, last + 1):
                ws.cell(row, c).border = box
            row += 1
    for note in report.notes:
        row += 1
        ws.cell(row, 1, "注：" + note)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    ws.column_dimensions["A"].width = 40
    for i in range(n):
        ws.column_dimensions[get_column_letter(2 + i)].width = 16
    ws.column_dimensions[get_column_letter(last)].width = 8
    _print_setup(ws, "A5", "3:4")

    if trend is not None:
        ts = wb.create_sheet("各月走势")
        types = [t for t in trend.types if any(m.by_type.get(t) for m in trend.months)]
        heads = ["月份", *types, "受理合计", "调解成功", "办结", "成功率", "应回访", "按期回访"]
        for c, h in enumerate(heads, start=1):
            ts.cell(1, c, h).font, ts.cell(1, c).alignment, ts.cell(1, c).border = bold, centre, box
            ts.cell(1, c).fill = grey
        for r, m in enumerate(trend.months, start=2):
            values: list[Any] = [m.label, *(m.by_type.get(t, 0) for t in types), sum(m.by_type.values()),
                                 m.success, m.concluded, xlsx_rate(m.rate),
                                 m.visits_due, m.visits_done]
            for c, v in enumerate(values, start=1):
                target = ts.cell(r, c, v)
                target.border = box
                if heads[c - 1] == "成功率":
                    target.number_format = "0.0%"
        ts.column_dimensions["A"].width = 12
        for c in range(2, len(heads) + 1):
            ts.column_dimensions[get_column_letter(c)].width = 10
        _print_setup(ts, "B2", "1:1")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _print_setup(ws: Any, freeze: str, title_rows: str) -> None:
    ws.freeze_panes = freeze
    ws.print_title_rows = title_rows
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


__all__ = ["TITLE", "cell_text", "label_text", "render_report_pdf", "render_report_xlsx", "sections", "unit_text",
           "xlsx_rate"]
