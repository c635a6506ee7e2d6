"""The case file (卷宗, LEGAL.md §7): cover, contents with page numbers, the forms in binding
order, and the back cover — as one PDF.

The contents need the page count of every form, so the file is assembled after the forms are
rendered: each form is rendered on its own (keeping its own 第 x 页 共 y 页), then cover, contents,
forms, attachments and back cover are joined. Attachments (附件: identity papers, evidence
photos, receipts, kept by the evidence service) are filed under their item: images as fitted A4
pages, PDFs as they are. Files paper cannot hold (a Word document, a recording) or that cannot be
read are named in the contents with the note 电子文件，另存 — never dropped silently. Item names
come from :data:`mediator_desktop.domain.checklist.ITEM_NAMES`, so the checklist on screen and
the printed contents never disagree.
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
from mediator_desktop.documents.media import IMAGE_TYPES, PDF_TYPE
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
from mediator_desktop.domain.checklist import ITEM_NAMES
from mediator_desktop.domain.text import blank_date, chinese_date

#: Image types the case file binds as pages (Pillow reads them); PDFs are bound as they are.
#: The contents note for a file that stays electronic (a .docx, a recording, an unreadable file).
NOT_BOUND = "电子文件，另存"
#: Resolution images are reduced to on the page: sharp in print, small in the file.
PRINT_DPI = 200


@dataclass(frozen=True)
class Attachment:
    """A file kept with the case (a scan, a photo, a signed PDF), filed under an item number."""

    item: int
    name: str
    data: bytes
    media_type: str                # image/* and application/pdf are bound; anything else is listed

    @property
    def bindable(self) -> bool:
        """Whether this kind of file can become pages of the case file (see :func:`readable`)."""
        return self.media_type == PDF_TYPE or self.media_type in IMAGE_TYPES


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
        FileItem(1, ITEM_NAMES[1], True, intake),
        FileItem(2, ITEM_NAMES[2], True, _try(forms_intake.notice, org, case, options)),
        FileItem(3, ITEM_NAMES[3], True, note="未附"),
        FileItem(4, ITEM_NAMES[4], False, note="未附" if has_agents else ""),
        FileItem(5, ITEM_NAMES[5], False, _try(forms_records.investigation_record, org, case, options)),
        FileItem(6, ITEM_NAMES[6], False),
        FileItem(7, ITEM_NAMES[7], True, _try(forms_records.mediation_record, org, case, options)),
        FileItem(8, ITEM_NAMES[8], agreement.get("form") == "written", outcome, outcome_note),
        FileItem(9, ITEM_NAMES[9], False),
        FileItem(10, ITEM_NAMES[10], False, _try(forms_records.follow_up_record, org, case, options)),
        FileItem(11, ITEM_NAMES[11], False, confirmation),
        FileItem(12, ITEM_NAMES[12], False),
        FileItem(13, ITEM_NAMES[13], True),
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


def bindable_pdf(data: bytes) -> bytes | None:
    """The PDF as it can be joined into the case file (a copy without the empty-password
    encryption some scanners apply), or ``None`` when it cannot be read."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            if not reader.decrypt(""):
                return None
            out = io.BytesIO()
            PdfWriter(clone_from=reader).write(out)
            data = out.getvalue()
            reader = PdfReader(io.BytesIO(data))
        return data if len(reader.pages) else None
    except Exception:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
        return None


def image_frames(data: bytes, box_w_pt: float, box_h_pt: float) -> list[ImageReader] | None:
    """The pages of an image file (a multi-page TIFF scan has several), upright (the
    orientation a phone records), on white where transparent, reduced to :data:`PRINT_DPI` at
    the size it prints; ``None`` when the file cannot be read as an image."""
    from PIL import Image, ImageOps, ImageSequence

    try:
        source = Image.open(io.BytesIO(data))
        frames = [f.copy() for f in ImageSequence.Iterator(source)] if source.format == "TIFF" else [source]
        out: list[ImageReader] = []
        for frame in frames:
            frame = ImageOps.exif_transpose(frame) or frame
            if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
                rgba = frame.convert("RGBA")
                flat = Image.new("RGB", rgba.size, "white")
                flat.paste(rgba, mask=rgba.getchannel("A"))
                frame = flat
            elif frame.mode not in ("RGB", "L", "1"):
                frame = frame.convert("RGB")
            limit = (int(box_w_pt / 72 * PRINT_DPI), int(box_h_pt / 72 * PRINT_DPI))
            if frame.width > limit[0] or frame.height > limit[1]:
                frame = frame.copy()
                frame.thumbnail(limit, Image.Resampling.LANCZOS)
            buf = io.BytesIO()
            if source.format == "JPEG" and frame.mode in ("RGB", "L"):
                frame.save(buf, format="JPEG", quality=85)
            else:
                frame.save(buf, format="PNG", optimize=True)
            out.append(ImageReader(io.BytesIO(buf.getvalue())))
        return out or None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a damaged or unknown file
        return None


def _box(style: DocumentStyle) -> tuple[float, float]:
    page_w, page_h = A4
    return (page_w - (style.margin_left_mm + style.margin_right_mm) * mm,
            page_h - (style.margin_top_mm + style.margin_bottom_mm) * mm)


Frames = list[ImageReader]


def scan_pages(attachments: tuple[Attachment, ...], style: DocumentStyle, code: str,
               frames: dict[int, Frames] | None = None) -> bytes:
    """Images as A4 pages, each fitted inside the margins, with the case code and the file name
    at the foot; PDF attachments are kept as they are (see :func:`render_case_file`). An image
    that cannot be read gives no page (:func:`render_case_file` lists it as 电子文件，另存).
    ``frames`` maps an attachment's position in ``attachments`` to its already prepared pages."""
    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pagesize=A4, initialFontName=font_name(style.body_faces[0]))
    box_w, box_h = _box(style)
    for n, a in enumerate(attachments):
        pages = (frames or {}).get(n) or image_frames(a.data, box_w, box_h) or []
        for k, image in enumerate(pages, 1):
            w, h = image.getSize()
            scale = min(box_w / w, box_h / h)
            x = style.margin_left_mm * mm + (box_w - w * scale) / 2
            y = style.margin_bottom_mm * mm + (box_h - h * scale) / 2
            c.drawImage(image, x, y, width=w * scale, height=h * scale)
            caption = f"{code}　附件：{a.name}" + (f"（第{k}页，共{len(pages)}页）" if len(pages) > 1 else "")
            size = style.size(Role.SMALL)
            x = style.margin_left_mm * mm
            for face, piece in split_by_font(caption, style.body_faces, "附件名称"):
                c.setFont(font_name(face), size)
                c.drawString(x, style.margin_bottom_mm * mm / 2, piece)
                x += c.stringWidth(piece, font_name(face), size)
            c.showPage()
    c.save()
    return out.getvalue()


def _attachment_parts(bound: list[tuple[Attachment, Frames | None]], style: DocumentStyle,
                      code: str) -> list[bytes]:
    """Consecutive images become pages of one PDF; PDFs are kept whole. Only what
    :func:`_split` found bindable comes here."""
    parts: list[bytes] = []
    images: list[tuple[Attachment, Frames | None]] = []

    def flush() -> None:
        if images:
            parts.append(scan_pages(tuple(a for a, _ in images), style, code,
                                    {n: f for n, (_, f) in enumerate(images) if f}))
            images.clear()

    for a, frames in bound:
        if frames is None:
            flush()
            parts.append(a.data)
        else:
            images.append((a, frames))
    flush()
    return parts


def _split(attachments: tuple[Attachment, ...], style: DocumentStyle
           ) -> tuple[list[tuple[Attachment, Frames | None]], list[Attachment]]:
    """(bound, kept electronic): a PDF (frames ``None``) or an image (its page frames) that
    reads becomes pages; anything else — a Word file, a recording, a damaged scan — stays
    electronic and is named in the contents."""
    box_w, box_h = _box(style)
    bound: list[tuple[Attachment, Frames | None]] = []
    electronic: list[Attachment] = []
    for a in attachments:
        if a.media_type == PDF_TYPE:
            data = bindable_pdf(a.data)
            if data is not None:
                bound.append((replace(a, data=data), None))
                continue
        elif a.media_type in IMAGE_TYPES:
            frames = image_frames(a.data, box_w, box_h)
            if frames:
                bound.append((a, frames))
                continue
        electronic.append(a)
    return bound, electronic


def _page_number_stamps(pages: list[Any], style: DocumentStyle) -> list[Any]:
    """卷内页号: one number per page of the file's body, 1 to N at the top right — the numbers the
    contents refer to (each form also keeps its own 第x页共y页). One overlay PDF, a page per body
    page and of the same size, merged onto each page."""
    out = io.BytesIO()
    face = font_name(style.body_faces[0])
    # Not reportlab's default Helvetica, which every stamped page would name without embedding.
    c = rl_canvas.Canvas(out, pagesize=A4, initialFontName=face)
    size = style.size(Role.SMALL) + 2
    for n, pg in enumerate(pages, 1):
        width, height = float(pg.mediabox.width), float(pg.mediabox.height)
        c.setPageSize((width, height))
        c.setFont(face, size)
        c.drawRightString(width - 15 * mm, height - 12 * mm, str(n))
        c.showPage()
    c.save()
    return list(PdfReader(io.BytesIO(out.getvalue())).pages)


def render_case_file(org: OrgHeader, case: dict[str, Any], style: DocumentStyle,
                     options: BuildOptions = DEFAULT_OPTIONS,
                     attachments: tuple[Attachment, ...] = (),
                     on_step: Callable[[int, int], None] | None = None) -> tuple[bytes, list[FileItem]]:
    """The whole case file as one PDF in binding order, and the items it was made of.

    ``on_step(done, total)`` is called before each item and before the binding (it may raise
    to stop the work: the caller's way of cancelling)."""
    items = file_items(org, case, options, attachments)
    parts: list[bytes] = []
    lines: list[tuple[str, str, str, str]] = []
    page = 1
    total = len(items)
    for k, item in enumerate(items[:-1]):
        if on_step is not None:
            on_step(k, total)
        bound, electronic = _split(item.attachments, style)
        rendered = [render_pdf(d, style) for d in item.documents]
        rendered += _attachment_parts(bound, style, case.get("code", ""))
        count = sum(_page_count(r) for r in rendered)
        span = "" if not count else (str(page) if count == 1 else f"{page}–{page + count - 1}")
        names = "、".join([TITLES.get(d.kind, d.title) for d in item.documents] + [a.name for a, _ in bound]
                         + [f"{a.name}（电子文件）" for a in electronic]) or item.name
        note = item.note or ("" if item.documents or item.attachments else ("缺" if item.required else "无"))
        if electronic:
            note = "；".join(n for n in (note, NOT_BOUND) if n)
        lines.append((str(item.number), names, span, note))
        parts.extend(rendered)
        page += count
    lines.append(("13", ITEM_NAMES[13], "", ""))
    if on_step is not None:
        on_step(total - 1, total)
    writer = PdfWriter()
    head = [render_pdf(cover(org, case), style), render_pdf(contents(org, case, lines), style)]
    tail = [render_pdf(back_cover(org, case, page - 1), style)]
    for data in head:
        writer.append(PdfReader(io.BytesIO(data)))
    body = [pg for data in parts for pg in PdfReader(io.BytesIO(data)).pages]
    for pg, stamp in zip(body, _page_number_stamps(body, style), strict=True):
        writer.add_page(pg).merge_page(stamp)
    for data in tail:
        writer.append(PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Title": f"调解卷宗 {case.get('code', '')}", "/Creator": "调解工作台 Mediator Desktop"})
    out = io.BytesIO()
    writer.write(out)
    if on_step is not None:
        on_step(total, total)
    return out.getvalue(), items
