"""The case file (卷宗, LEGAL.md §7): cover, contents with page numbers, the forms in binding
order, and the back cover — as one PDF.

The contents need the page count of every form, so the file is assembled after the forms are
rendered: each form is rendered on its own (keeping its own 第 x 页 共 y 页), then cover, contents,
forms, attachments and back cover are joined. Attachments (identity papers, evidence photos,
receipts: images as fitted A4 pages, PDFs as they are) are filed under their item; the case
storage keeps none yet (that comes with the evidence work of issue 3), so the service passes
none and such items are listed as 未附.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas

from mediator_desktop.documents import forms, forms_intake, forms_records
from mediator_desktop.documents.catalog import TITLES
from mediator_desktop.documents.forms import (
    DEFAULT_OPTIONS,
    BuildOptions,
    OrgHeader,
    _d,
    mediator_names,
)
from mediator_desktop.documents.glyphs import font_name, split_by_font
from mediator_desktop.documents.model import (
    Align,
    Block,
    Document,
    PageFurniture,
    Role,
    Spacer,
    Table,
    cell,
    para,
)
from mediator_desktop.documents.render_pdf import render_pdf
from mediator_desktop.documents.style import DocumentStyle
from mediator_desktop.domain.text import blank_date, chinese_date


@dataclass(frozen=True)
class Attachment:
    """A file kept with the case (a scan, a photo, a signed PDF), filed under an item number."""

    item: int
    name: str
    data: bytes
    media_type: str                # image/jpeg, image/png or application/pdf


@dataclass(frozen=True)
class FileItem:
    """One line of the contents: an item of LEGAL.md §7 and what fills it."""

    number: int
    name: str
    required: bool
    documents: tuple[Document, ...] = ()
    note: str = ""
    attachments: tuple[Attachment, ...] = ()


def _try(builder: Callable[..., Document], org: OrgHeader, case: dict[str, Any],
         options: BuildOptions) -> tuple[Document, ...]:
    try:
        return (builder(org, case, options),)
    except forms.DocumentDataError:
        return ()


def file_items(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS,
               attachments: tuple[Attachment, ...] = ()) -> list[FileItem]:
    """The 13 items in binding order, each with the forms and attachments that fill it."""
    agreement = case.get("agreement") or {}
    intake = (_try(forms_intake.application, org, case, options) if case.get("source") == "party_application"
              else ()) + _try(forms_intake.acceptance, org, case, options)
    outcome: tuple[Document, ...] = ()
    outcome_note = ""
    if agreement.get("form") == "written":
        outcome = _try(forms.agreement, org, case, options)
    elif agreement.get("form") == "oral":
        outcome, outcome_note = _try(forms_records.oral_agreement, org, case, options), "口头协议"
    elif case.get("termination"):
        outcome, outcome_note = _try(forms_records.termination, org, case, options), "终止调解"
    confirmation = _try(forms.judicial_confirmation, org, case, options) if case.get("judicial_confirmation") else ()
    has_agents = any(p.get("agents") for p in case["parties"])
    items = [
        FileItem(1, "人民调解申请书或受理登记表", True, intake),
        FileItem(2, "当事人权利义务告知书", True, _try(forms_intake.notice, org, case, options)),
        FileItem(3, "当事人身份证明材料", True, note="未附"),
        FileItem(4, "授权委托书", False, note="未附" if has_agents else ""),
        FileItem(5, "人民调解调查记录", False, _try(forms_records.investigation_record, org, case, options)),
        FileItem(6, "证据材料", False),
        FileItem(7, "人民调解记录", True, _try(forms_records.mediation_record, org, case, options)),
        FileItem(8, "人民调解协议书", agreement.get("form") == "written", outcome, outcome_note),
        FileItem(9, "履行凭证", False),
        FileItem(10, "人民调解回访记录", False, _try(forms_records.follow_up_record, org, case, options)),
        FileItem(11, "司法确认材料", False, confirmation),
        FileItem(12, "卷宗情况说明", False),
        FileItem(13, "封底", True),
    ]
    by_item: dict[int, tuple[Attachment, ...]] = {}
    for a in attachments:
        by_item[a.item] = by_item.get(a.item, ()) + (a,)
    return [replace(i, attachments=by_item.get(i.number, ()), note="" if by_item.get(i.number) else i.note)
            for i in items]


def missing_required(items: list[FileItem]) -> list[str]:
    """Names of required items the case cannot fill (the back cover is always made)."""
    return [i.name for i in items if i.required and not (i.documents or i.attachments) and i.number != 13]


def cover(org: OrgHeader, case: dict[str, Any]) -> Document:
    """卷宗封面: committee, 调解卷宗, 卷名, 卷号, mediators, dates from–to, filed by/on, retention."""
    start = _d(case.get("received_on"))
    end = _d((case.get("agreement") or {}).get("signed_on")) or _d((case.get("termination") or {}).get("on"))
    rows = [
        [cell("卷　　名", shade=True, align=Align.CENTER), cell(case.get("title") or case.get("dispute_type", ""),
                                                               field="卷名")],
        [cell("卷　　号", shade=True, align=Align.CENTER), cell(case.get("code", ""), field="卷号")],
        [cell("人民调解员", shade=True, align=Align.CENTER), cell(mediator_names(case), field="人民调解员")],
        [cell("调解日期", shade=True, align=Align.CENTER),
         cell(f"自{chinese_date(start)}至{chinese_date(end) if end else blank_date()}", field="调解日期")],
        [cell("立 卷 人", shade=True, align=Align.CENTER), cell("")],
        [cell("立卷日期", shade=True, align=Align.CENTER), cell(blank_date())],
        [cell("保管期限", shade=True, align=Align.CENTER), cell("")],
        [cell("备　　注", shade=True, align=Align.CENTER), cell("", min_height_mm=20)],
    ]
    blocks: list[Block] = [
        Spacer(30),
        para("调　解　卷　宗", role=Role.TITLE, align=Align.CENTER, space_after=2.0),
        Spacer(20),
        Table(rows, [1.2, 3.6]),
    ]
    return Document("case-file-cover", org.name, blocks, PageFurniture(page_numbers=False),
                    file_stem=f"卷宗封面-{case.get('code', '')}")


def contents(org: OrgHeader, case: dict[str, Any], lines: list[tuple[str, str, str, str]]) -> Document:
    """卷内目录: (序号, 文件名称, 页号, 备注) rows."""
    rows = [[cell(h, shade=True, align=Align.CENTER) for h in ("序号", "文件名称", "页号", "备注")]]
    rows += [[cell(n, align=Align.CENTER), cell(name), cell(pages, align=Align.CENTER), cell(note)]
             for n, name, pages, note in lines]
    return Document("case-file-contents", "卷内目录", [Table(rows, [0.6, 3.2, 1.0, 1.2], header_rows=1)],
                    PageFurniture(number=case.get("code", ""), page_numbers=False),
                    file_stem=f"卷内目录-{case.get('code', '')}")


def back_cover(org: OrgHeader, case: dict[str, Any], pages: int) -> Document:
    """封底: the page count and who filed and checked the file."""
    rows = [
        [cell(f"本卷共{pages}页（不含封面、卷内目录和封底）", colspan=2, min_height_mm=14)],
        [cell("立卷人", shade=True, align=Align.CENTER), cell("", min_height_mm=14)],
        [cell("检查人", shade=True, align=Align.CENTER), cell("", min_height_mm=14)],
        [cell("立卷日期", shade=True, align=Align.CENTER), cell(blank_date())],
    ]
    return Document("case-file-back", "封　底", [Spacer(10), Table(rows, [1.2, 3.6])],
                    PageFurniture(number=case.get("code", ""), page_numbers=False),
                    file_stem=f"封底-{case.get('code', '')}")


def _page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def scan_pages(attachments: tuple[Attachment, ...], style: DocumentStyle, code: str) -> bytes:
    """Images as A4 pages, each fitted inside the margins, with the case code and the file name
    at the foot; PDF attachments are kept as they are (see :func:`render_case_file`)."""
    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pagesize=A4, initialFontName=font_name(style.body_faces[0]))
    page_w, page_h = A4
    box_w = page_w - (style.margin_left_mm + style.margin_right_mm) * mm
    box_h = page_h - (style.margin_top_mm + style.margin_bottom_mm) * mm
    for a in attachments:
        image = ImageReader(io.BytesIO(a.data))
        w, h = image.getSize()
        scale = min(box_w / w, box_h / h)
        x = style.margin_left_mm * mm + (box_w - w * scale) / 2
        y = style.margin_bottom_mm * mm + (box_h - h * scale) / 2
        c.drawImage(image, x, y, width=w * scale, height=h * scale)
        caption = f"{code}　附件：{a.name}"
        size = style.size(Role.SMALL)
        x = style.margin_left_mm * mm
        for face, piece in split_by_font(caption, style.body_faces, "附件名称"):
            c.setFont(font_name(face), size)
            c.drawString(x, style.margin_bottom_mm * mm / 2, piece)
            x += c.stringWidth(piece, font_name(face), size)
        c.showPage()
    c.save()
    return out.getvalue()


def _attachment_parts(attachments: tuple[Attachment, ...], style: DocumentStyle, code: str) -> list[bytes]:
    """Consecutive images become pages of one PDF; PDFs are kept whole."""
    parts: list[bytes] = []
    images: list[Attachment] = []
    for a in attachments:
        if a.media_type == "application/pdf":
            if images:
                parts.append(scan_pages(tuple(images), style, code))
                images = []
            parts.append(a.data)
        else:
            images.append(a)
    if images:
        parts.append(scan_pages(tuple(images), style, code))
    return parts


def render_case_file(org: OrgHeader, case: dict[str, Any], style: DocumentStyle,
                     options: BuildOptions = DEFAULT_OPTIONS,
                     attachments: tuple[Attachment, ...] = ()) -> tuple[bytes, list[FileItem]]:
    """The whole case file as one PDF in binding order, and the items it was made of."""
    items = file_items(org, case, options, attachments)
    parts: list[bytes] = []
    lines: list[tuple[str, str, str, str]] = []
    page = 1
    for item in items[:-1]:
        rendered = [render_pdf(d, style) for d in item.documents]
        rendered += _attachment_parts(item.attachments, style, case.get("code", ""))
        count = sum(_page_count(r) for r in rendered)
        span = "" if not count else (str(page) if count == 1 else f"{page}–{page + count - 1}")
        names = "、".join([TITLES.get(d.kind, d.title) for d in item.documents] + [a.name for a in item.attachments]) \
            or item.name
        note = item.note or ("" if item.documents else ("缺" if item.required else "无"))
        lines.append((str(item.number), names, span, note))
        parts.extend(rendered)
        page += count
    lines.append(("13", "封底", "", ""))
    writer = PdfWriter()
    head = [render_pdf(cover(org, case), style), render_pdf(contents(org, case, lines), style)]
    tail = [render_pdf(back_cover(org, case, page - 1), style)]
    for data in head + parts + tail:
        writer.append(PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Title": f"调解卷宗 {case.get('code', '')}", "/Creator": "调解工作台 Mediator Desktop"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), items
