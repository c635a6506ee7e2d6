"""Attachments kept with a case (附件: 证据材料、身份证明、履行凭证…) and the case-file
checklist (卷宗检查, LEGAL.md §7).

Every attachment is the original file byte for byte, stored in the database (so every PC of a
centre on PostgreSQL reaches it) with its SHA-256, filed under one of the 13 case-file items.
Lists never load the bytes; reading them back checks the hash. Identity documents (item 3,
当事人身份证明材料) are personal information of high protection: viewing one is recorded in the
audit trail, as is every copy saved out of the application.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from mediator_desktop.documents.media import IMAGE_TYPES, PDF_TYPE
from mediator_desktop.domain.checklist import ITEM_NAMES, ChecklistLine, checklist
from mediator_desktop.domain.enums import CaseStatus
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.case_facts import case_file_facts, load_case
from mediator_desktop.services.context import Service
from mediator_desktop.services.errors import (
    FieldProblem,
    NotFoundError,
    ServiceError,
    ValidationError,
)
from mediator_desktop.storage.models import Agreement, AgreementTerm, Attachment, Case

#: The largest file accepted (a phone video of a site visit is larger: keep such files outside).
MAX_BYTES = 50 * 1024 * 1024
MAX_TEXT = "50 MB"
#: The item an identity document is filed under (viewing one is audited).
ID_ITEM = 3
#: Field of the warning given when the same file is already attached to the case; pass it in
#: ``confirmed`` to add the file anyway.
DUPLICATE = "duplicate"


def bindable(media_type: str) -> bool:
    """Whether the printed case file can contain a file of this type (images become fitted A4
    pages, PDFs are kept whole; anything else is listed as 电子文件，另存). The types are the case
    file's own (:mod:`mediator_desktop.documents.casefile`), so the screen and the print agree."""
    return media_type == PDF_TYPE or media_type in IMAGE_TYPES


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

#: Extension → media type where magic bytes do not decide (and for files mimetypes may not know).
_EXTENSIONS = {
    ".pdf": PDF_TYPE, ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".tif": "image/tiff", ".tiff": "image/tiff", ".gif": "image/gif", ".bmp": "image/bmp",
    ".webp": "image/webp", ".heic": "image/heic", ".heif": "image/heif",
    ".doc": "application/msword", ".docx": DOCX, ".wps": "application/vnd.ms-works",
    ".xls": "application/vnd.ms-excel", ".xlsx": XLSX, ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": PPTX, ".ofd": "application/ofd", ".txt": "text/plain", ".rtf": "application/rtf",
    ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".amr": "audio/amr", ".wav": "audio/wav",
    ".mp4": "video/mp4", ".mov": "video/quicktime", ".zip": "application/zip",
}

#: Media type → a word a mediator understands.
KIND_LABELS = {
    PDF_TYPE: "PDF文件", "image/jpeg": "图片", "image/png": "图片", "image/tiff": "扫描图片",
    "image/gif": "图片", "image/bmp": "图片", "image/webp": "图片", "image/heic": "手机照片（HEIC）",
    "image/heif": "手机照片（HEIF）", "application/msword": "Word文档", DOCX: "Word文档",
    "application/vnd.ms-excel": "Excel表格", XLSX: "Excel表格", "application/vnd.ms-powerpoint": "演示文稿",
    PPTX: "演示文稿", "application/ofd": "OFD文件", "text/plain": "文本", "audio/mpeg": "录音",
    "audio/mp4": "录音", "audio/amr": "录音", "audio/wav": "录音", "video/mp4": "录像",
    "video/quicktime": "录像", "application/zip": "压缩包",
}

CORRUPT_ADVICE = "请找到原件重新添加，再删除这一份"


class AttachmentCorrupted(ServiceError):
    """The stored bytes no longer match the SHA-256 recorded when the file was added."""


def sniff_media_type(data: bytes, name: str = "") -> str:
    """The media type from the file's first bytes (magic numbers), else from its extension."""
    head = data[:16]
    ext = Path(name).suffix.lower()
    if data.startswith(b"%PDF-"):
        return PDF_TYPE
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"BM") and ext == ".bmp":
        return "image/bmp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"heim", b"heis"):
            return "image/heic"
        if brand in (b"mif1", b"msf1"):
            return "image/heif"
        if brand.startswith(b"M4A"):
            return "audio/mp4"
        if brand == b"qt  ":
            return "video/quicktime"
        return "video/mp4"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and ext == ".mp3"):
        return "audio/mpeg"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError):
            names = []
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
        if any(n.startswith("ppt/") for n in names):
            return PPTX
        if "OFD.xml" in names:
            return "application/ofd"
        return _EXTENSIONS.get(ext, "application/zip")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):     # old Office (OLE2)
        return {".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
                ".wps": "application/vnd.ms-works"}.get(ext, "application/msword")
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def size_text(size: int) -> str:
    """A size as a person reads it: 850 字节, 12 KB, 3.4 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass(frozen=True)
class AttachmentView:
    """An attachment as lists show it (never the bytes)."""

    id: int
    case_id: int
    item: int
    item_name: str
    name: str
    media_type: str
    size: int
    sha256: str
    description: str
    term_id: int | None
    added_at: datetime
    added_by: str

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    @property
    def size_text(self) -> str:
        return size_text(self.size)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.media_type, "电子文件")

    @property
    def is_image(self) -> bool:
        return self.media_type in IMAGE_TYPES

    @property
    def is_pdf(self) -> bool:
        return self.media_type == PDF_TYPE

    @property
    def bindable(self) -> bool:
        """Whether the printed case file can contain it (else it is listed as 电子文件，另存)."""
        return bindable(self.media_type)


def _view(a: Attachment) -> AttachmentView:
    return AttachmentView(a.id, a.case_id, a.item, ITEM_NAMES.get(a.item, f"第{a.item}项"), a.name,
                          a.media_type, a.size, a.sha256, a.description or "", a.term_id, a.added_at,
                          a.added_by or "")


def _clean_name(name: str) -> str:
    """The file name as stored: no folder part, no control characters, at most 255 characters
    (a longer name is shortened in the middle, keeping its extension)."""
    name = Path(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 255:
        suffix = Path(name).suffix[:20]
        name = name[: 255 - len(suffix) - 1] + "…" + suffix
    return name


def _item_problem(item: object) -> FieldProblem | None:
    if isinstance(item, bool) or not isinstance(item, int) or item not in ITEM_NAMES:
        return FieldProblem("item", "请选择放入卷宗的哪一项（第1项至第13项）")
    return None


class EvidenceService(Service):
    # -- adding --------------------------------------------------------------------------------

    def add(self, case_id: int, item: int, name: str, data: bytes, description: str = "",
            term_id: int | None = None, *, confirmed: Iterable[str] = ()) -> AttachmentView:
        """Keep ``data`` (the original file, byte for byte) with the case under ``item``.

        Refused with Chinese messages: an empty or over-large file, an item outside 1–13, a
        missing name, a term of another case. The same bytes already kept with this case are a
        warning (field :data:`DUPLICATE`): pass it in ``confirmed`` to add the file again.
        """
        data = bytes(data)
        name = _clean_name(name or "")
        description = (description or "").strip()
        problems: list[FieldProblem] = []
        bad_item = _item_problem(item)
        if bad_item:
            problems.append(bad_item)
        if not name:
            problems.append(FieldProblem("name", "请填写文件名称"))
        if not data:
            problems.append(FieldProblem("file", f"文件“{name}”是空的（0 字节），没有内容可以保存"))
        elif len(data) > MAX_BYTES:
            problems.append(FieldProblem(
                "file", f"文件“{name}”有{size_text(len(data))}，超过了{MAX_TEXT}的上限。"
                        "请把扫描件分成几份，或把照片压缩后再添加"))
        if len(description) > 500:
            problems.append(FieldProblem("description", "“说明”不能超过500个字"))
        digest = "" if problems else hashlib.sha256(data).hexdigest()
        with self.ctx.db.write() as s:
            case = load_case(s, case_id)
            self._refuse_if_closed(case)
            if term_id is not None and s.scalar(
                    select(AgreementTerm.id).join(Agreement, AgreementTerm.agreement_id == Agreement.id)
                    .where(AgreementTerm.id == term_id, Agreement.case_id == case_id)) is None:
                problems.append(FieldProblem("term_id", "所选的协议条款不属于这个案件"))
            if not problems:
                same = s.scalars(select(Attachment).where(
                    Attachment.case_id == case_id, Attachment.sha256 == digest)).first()
                if same is not None and DUPLICATE not in set(confirmed):
                    problems.append(FieldProblem(
                        DUPLICATE,
                        f"这个文件已经添加过：第{same.item}项“{ITEM_NAMES.get(same.item, '')}”中的"
                        f"“{same.name}”（{chinese_date(same.added_at.date())}由{same.added_by or '他人'}添加）。"
                        "确实要再添加一份吗？", warning=True))
            if problems:
                raise ValidationError(problems)
            row = Attachment(case_id=case_id, item=item, name=name, media_type=sniff_media_type(data, name),
                             size=len(data), sha256=digest, description=description, term_id=term_id,
                             added_at=self.ctx.now(), added_by=self.ctx.actor.name, data=data)
            s.add(row)
            s.flush()
            self.ctx.audit(s, "add_attachment", "attachment", row.id, case_id=case_id,
                           text=f"添加附件“{name}”到第{item}项{ITEM_NAMES[item]}（{size_text(len(data))}）",
                           name=name, item=item, sha256=digest, size=len(data))
            return _view(row)

    def add_file(self, case_id: int, item: int, path: str | Path, description: str = "",
                 term_id: int | None = None, *, confirmed: Iterable[str] = ()) -> AttachmentView:
        """:meth:`add` with the bytes read from ``path`` (too large a file is refused before it
        is read)."""
        path = Path(path)
        try:
            if not path.is_file():
                raise ValidationError([FieldProblem(
                    "file", f"找不到文件“{path.name or path}”，它可能已被移动或删除" if not path.exists()
                    else f"“{path.name}”是文件夹，不是文件，请选择其中的文件")])
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise ValidationError([FieldProblem(
                    "file", f"文件“{path.name}”有{size_text(size)}，超过了{MAX_TEXT}的上限。"
                            "请把扫描件分成几份，或把照片压缩后再添加")])
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationError([FieldProblem(
                "file", f"无法读取文件“{path.name}”（{exc.strerror or exc}）。"
                        "如果文件在U盘或网络盘上，请先复制到电脑上再添加")]) from exc
        return self.add(case_id, item, path.name, data, description, term_id, confirmed=confirmed)

    # -- reading -------------------------------------------------------------------------------

    def attachments(self, case_id: int) -> list[AttachmentView]:
        """The case's attachments in binding order (by item, then as added); bytes not loaded."""
        with self.ctx.db.read() as s:
            rows = s.scalars(select(Attachment).where(Attachment.case_id == case_id)
                             .order_by(Attachment.item, Attachment.id))
            return [_view(a) for a in rows]

    def get(self, attachment_id: int) -> AttachmentView:
        with self.ctx.db.read() as s:
            return _view(self._attachment(s, attachment_id))

    def data(self, attachment_id: int, *, purpose: str = "查看") -> bytes:
        """The original bytes, checked against the SHA-256 recorded when they were added
        (:class:`AttachmentCorrupted` when they differ). Viewing an identity document is
        recorded in the case history (personal information)."""
        with self.ctx.db.read() as s:
            a = self._attachment(s, attachment_id, with_data=True)
            data = self._verified(a)
        if a.item == ID_ITEM:
            with self.ctx.db.write() as s:
                self.ctx.audit(s, "view_attachment", "attachment", a.id, case_id=a.case_id,
                               text=f"{purpose}身份证明材料“{a.name}”", name=a.name, purpose=purpose)
        return data

    def save_copy(self, attachment_id: int, path: str | Path) -> Path:
        """Write the original out to ``path`` (a copy leaving the application: recorded)."""
        path = Path(path)
        with self.ctx.db.write() as s:
            a = self._attachment(s, attachment_id, with_data=True)
            data = self._verified(a)
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise ServiceError(f"无法保存到“{path}”（{exc.strerror or exc}），请换一个文件夹") from exc
            self.ctx.audit(s, "export_attachment", "attachment", a.id, case_id=a.case_id,
                           text=f"另存附件“{a.name}”", name=a.name, path=str(path), sha256=a.sha256)
        return path

    def originals(self, case_id: int) -> list[tuple[AttachmentView, bytes]]:
        """Every attachment with its verified bytes, in binding order (for the case file, whose
        printing is recorded by the document service)."""
        with self.ctx.db.read() as s:
            rows = list(s.scalars(select(Attachment).options(undefer(Attachment.data))
                                  .where(Attachment.case_id == case_id).order_by(Attachment.item, Attachment.id)))
            return [(_view(a), self._verified(a)) for a in rows]

    # -- changing ------------------------------------------------------------------------------

    def delete(self, attachment_id: int) -> None:
        with self.ctx.db.write() as s:
            a = self._attachment(s, attachment_id)
            self._refuse_if_closed(load_case(s, a.case_id))
            self.ctx.audit(s, "delete_attachment", "attachment", a.id, case_id=a.case_id,
                           text=f"删除附件“{a.name}”（第{a.item}项{ITEM_NAMES.get(a.item, '')}，"
                                f"SHA-256 {a.sha256[:12]}…）",
                           name=a.name, item=a.item, sha256=a.sha256, size=a.size)
            s.delete(a)

    def move(self, attachment_id: int, item: int) -> AttachmentView:
        """Refile an attachment under another case-file item."""
        bad_item = _item_problem(item)
        if bad_item:
            raise ValidationError([bad_item])
        with self.ctx.db.write() as s:
            a = self._attachment(s, attachment_id)
            self._refuse_if_closed(load_case(s, a.case_id))
            if a.item != item:
                old = a.item
                a.item = item
                self.ctx.audit(s, "move_attachment", "attachment", a.id, case_id=a.case_id,
                               text=f"把附件“{a.name}”从第{old}项{ITEM_NAMES.get(old, '')}"
                                    f"移到第{item}项{ITEM_NAMES[item]}",
                               name=a.name, from_item=old, to_item=item)
                s.flush()
            return _view(a)

    # -- the checklist -------------------------------------------------------------------------

    def checklist(self, case_id: int) -> list[ChecklistLine]:
        """The 13 items of the case file in binding order, what fills each and what is missing
        (the same rules the archive guard of the case service applies)."""
        with self.ctx.db.read() as s:
            return checklist(case_file_facts(s, load_case(s, case_id)))

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _refuse_if_closed(case: Case) -> None:
        if case.status == CaseStatus.CLOSED.value:
            raise ValidationError([FieldProblem("case", "案件已归档，卷宗中的材料不能再添加、移动或删除")])

    @staticmethod
    def _attachment(s: Session, attachment_id: int, *, with_data: bool = False) -> Attachment:
        options = [undefer(Attachment.data)] if with_data else []
        a = s.get(Attachment, attachment_id, options=options)
        if a is None:
            raise NotFoundError("找不到这个附件，可能已被别人删除")
        return a

    @staticmethod
    def _verified(a: Attachment) -> bytes:
        data = bytes(a.data or b"")
        if hashlib.sha256(data).hexdigest() != a.sha256:
            raise AttachmentCorrupted(
                f"附件“{a.name}”已损坏：现在的内容与添加时记录的校验值（SHA-256）不一致。{CORRUPT_ADVICE}")
        return data
