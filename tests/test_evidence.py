"""Attachments (附件) and the case-file checklist, on SQLite and on a real PostgreSQL server;
the attachments bound into the case-file PDF and read back with pypdf."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import sample_draft, setup_org
from pypdf import PdfReader
from sqlalchemy import select, update

from mediator_desktop import settings as opts
from mediator_desktop.documents.model import Document, para
from mediator_desktop.documents.render_pdf import render_pdf
from mediator_desktop.documents.style import style_from_settings
from mediator_desktop.domain.checklist import ITEM_NAMES
from mediator_desktop.services.documents import DocumentError
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.errors import (
    NotFoundError,
    TransitionError,
    ValidationError,
)
from mediator_desktop.services.evidence import (
    DOCX,
    DUPLICATE,
    MAX_BYTES,
    AttachmentCorrupted,
    sniff_media_type,
)
from mediator_desktop.services.sessions import SessionDraft
from mediator_desktop.storage.models import Attachment, AuditEntry, CaseParty


def png(color: str = "white", size: tuple[int, int] = (400, 300), mode: str = "RGB") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg(color: str = "gray", size: tuple[int, int] = (600, 800)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("情况说明")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def one_page_pdf(text: str = "授权委托书") -> bytes:
    style = style_from_settings(opts.Settings())
    return render_pdf(Document("x", text, [para("委托张小明为代理人。")]), style)


def new_case(services) -> int:  # type: ignore[no-untyped-def]
    ids = getattr(services, "mediator_ids", None) or setup_org(services)
    return services.cases.register(sample_draft(mediators=[MediatorAssignment(ids[0])])).id


def terminate(services, case_id: int) -> None:  # type: ignore[no-untyped-def]
    detail = services.cases.transition(case_id, services.cases.get(case_id).version, "accepted")
    services.cases.transition(case_id, detail.version, "terminated", reason="李四拒绝继续调解",
                              routes_explained=True, reason_kind="refused")


def audit(services, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with services.db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


# -- the service, on both dialects ------------------------------------------------------------


def test_add_list_and_read_back_byte_for_byte(org_services) -> None:
    services = org_services
    case_id = new_case(services)
    big = os.urandom(5 * 1024 * 1024 + 7)          # a ~5 MB scan
    scan = services.evidence.add(case_id, 3, "张三身份证.png", png(), description="正反面")
    video = services.evidence.add(case_id, 6, "现场录像片段.bin", big)
    assert scan.media_type == "image/png" and scan.item_name == "当事人身份证明材料"
    assert scan.sha256 == hashlib.sha256(png()).hexdigest() and scan.size == len(png())
    assert scan.added_by == "测试员" and scan.added_at == services.ctx.now()
    assert video.size == len(big) and video.media_type == "application/octet-stream"

    listed = services.evidence.attachments(case_id)
    assert [(v.item, v.name) for v in listed] == [(3, "张三身份证.png"), (6, "现场录像片段.bin")]
    assert listed[0].description == "正反面" and listed[0].short_hash == scan.sha256[:12]
    # The list never loads the bytes: the column is deferred.
    with services.db.read() as s:
        row = s.scalars(select(Attachment).where(Attachment.id == video.id)).one()
        assert "data" not in row.__dict__

    data = services.evidence.data(video.id)
    assert data == big and hashlib.sha256(data).hexdigest() == video.sha256
    assert services.evidence.data(scan.id) == png()
    line = next(x for x in audit(services, "add_attachment") if x.entity_id == scan.id)
    assert line.case_id == case_id and "张三身份证.png" in line.detail["text"]
    assert line.detail["sha256"] == scan.sha256


def test_viewing_an_identity_document_is_recorded(org_services, tmp_path: Path) -> None:
    services = org_services
    case_id = new_case(services)
    id_copy = services.evidence.add(case_id, 3, "李四身份证.jpg", jpeg())
    photo = services.evidence.add(case_id, 6, "通道照片.jpg", jpeg("white"))
    services.evidence.data(photo.id)
    assert audit(services, "view_attachment") == []
    services.evidence.data(id_copy.id, purpose="预览")
    views = audit(services, "view_attachment")
    assert len(views) == 1 and views[0].detail["text"] == "预览身份证明材料“李四身份证.jpg”"
    assert views[0].actor == "测试员" and views[0].case_id == case_id

    target = services.evidence.save_copy(id_copy.id, tmp_path / "copy.jpg")
    assert target.read_bytes() == jpeg()
    exported = audit(services, "export_attachment")
    assert exported[0].detail["text"] == "另存附件“李四身份证.jpg”"
    history = [h.text for h in services.cases.get(case_id).history]
    assert "预览身份证明材料“李四身份证.jpg”" in history


def test_corrupted_bytes_are_detected(org_services) -> None:
    services = org_services
    case_id = new_case(services)
    v = services.evidence.add(case_id, 9, "收条.jpg", jpeg())
    with services.db.write() as s:
        s.execute(update(Attachment).where(Attachment.id == v.id).values(data=jpeg()[:-10] + b"0123456789"))
    with pytest.raises(AttachmentCorrupted, match="附件“收条.jpg”已损坏.*SHA-256.*重新添加"):
        services.evidence.data(v.id)
    with pytest.raises(AttachmentCorrupted):
        services.evidence.save_copy(v.id, Path(os.devnull))


def test_the_same_file_twice_warns_and_can_be_confirmed(org_services) -> None:
    services = org_services
    case_id = new_case(services)
    first = services.evidence.add(case_id, 3, "张三身份证.png", png())
    with pytest.raises(ValidationError) as caught:
        services.evidence.add(case_id, 6, "复印件.png", png())
    problem = caught.value.problems[0]
    assert problem.warning and problem.field == DUPLICATE
    assert "已经添加过" in problem.message and "张三身份证.png" in problem.message and "第3项" in problem.message
    assert len(services.evidence.attachments(case_id)) == 1
    again = services.evidence.add(case_id, 6, "复印件.png", png(), confirmed=[DUPLICATE])
    assert again.sha256 == first.sha256 and len(services.evidence.attachments(case_id)) == 2
    # The same bytes with another case are not a duplicate.
    other = new_case(services)
    assert services.evidence.add(other, 3, "张三身份证.png", png()).case_id == other


def test_refusals_name_the_problem_in_chinese(org_services, tmp_path: Path) -> None:
    services = org_services
    case_id = new_case(services)
    with pytest.raises(ValidationError, match="是空的"):
        services.evidence.add(case_id, 6, "空文件.pdf", b"")
    for item in (0, 14, "3", True):
        with pytest.raises(ValidationError) as caught:
            services.evidence.add(case_id, item, "照片.jpg", jpeg())  # type: ignore[arg-type]
        assert caught.value.problems[0].field == "item"
        assert "第1项至第13项" in caught.value.problems[0].message
    with pytest.raises(ValidationError, match="超过了50 MB的上限"):
        services.evidence.add(case_id, 6, "太大.bin", b"\0" * (MAX_BYTES + 1))
    huge = tmp_path / "扫描件.pdf"
    with huge.open("wb") as f:                      # sparse: refused before it is read
        f.truncate(MAX_BYTES + 1024)
    with pytest.raises(ValidationError, match="“扫描件.pdf”有50.0 MB，超过了50 MB的上限"):
        services.evidence.add_file(case_id, 6, huge)
    with pytest.raises(ValidationError, match="找不到文件“不存在.jpg”"):
        services.evidence.add_file(case_id, 6, tmp_path / "不存在.jpg")
    with pytest.raises(ValidationError, match="是文件夹"):
        services.evidence.add_file(case_id, 6, tmp_path)
    locked = tmp_path / "锁定.jpg"
    locked.write_bytes(jpeg())
    locked.chmod(0)
    # root reads any file: a file that refuses to be read then stands in (Linux /proc).
    unreadable = locked if os.geteuid() != 0 else Path("/proc/self/mem")
    with pytest.raises(ValidationError, match=f"无法读取文件“{unreadable.name}”.*复制到电脑上"):
        services.evidence.add_file(case_id, 6, unreadable)
    with pytest.raises(ValidationError, match="协议条款不属于这个案件"):
        services.evidence.add(case_id, 9, "收条.jpg", jpeg(), term_id=999_999)
    with pytest.raises(NotFoundError):
        services.evidence.add(999_999, 6, "照片.jpg", jpeg())
    assert services.evidence.attachments(case_id) == []
    assert audit(services, "add_attachment") == []


def test_add_file_keeps_the_name_and_sniffs_the_type(org_services, tmp_path: Path) -> None:
    services = org_services
    case_id = new_case(services)
    path = tmp_path / "情况说明.docx"
    path.write_bytes(docx_bytes())
    v = services.evidence.add_file(case_id, 12, path)
    assert v.name == "情况说明.docx" and v.media_type == DOCX and not v.bindable
    assert v.kind_label == "Word文档"
    # A photo named .pdf by mistake is still an image (magic bytes first).
    assert services.evidence.add(case_id, 6, "照片.pdf", jpeg()).media_type == "image/jpeg"


def test_delete_and_move_are_audited(org_services) -> None:
    services = org_services
    case_id = new_case(services)
    v = services.evidence.add(case_id, 6, "身份证.jpg", jpeg())
    moved = services.evidence.move(v.id, 3)
    assert moved.item == 3 and services.evidence.attachments(case_id)[0].item == 3
    line = audit(services, "move_attachment")[0]
    assert line.detail["from_item"] == 6 and line.detail["to_item"] == 3
    assert line.detail["text"] == "把附件“身份证.jpg”从第6项证据材料移到第3项当事人身份证明材料"
    with pytest.raises(ValidationError, match="第1项至第13项"):
        services.evidence.move(v.id, 20)
    services.evidence.delete(v.id)
    assert services.evidence.attachments(case_id) == []
    deleted = audit(services, "delete_attachment")[0]
    assert deleted.detail["name"] == "身份证.jpg" and deleted.detail["sha256"] == v.sha256
    assert deleted.case_id == case_id and "身份证.jpg" in deleted.detail["text"]
    with pytest.raises(NotFoundError, match="找不到这个附件"):
        services.evidence.data(v.id)


def test_checklist_follows_what_the_case_holds_and_archive_names_what_is_missing(org_services) -> None:
    services = org_services
    case_id = new_case(services)
    fresh = services.evidence.checklist(case_id)
    assert [x.number for x in fresh] == list(range(1, 14))
    assert [x.name for x in fresh] == [ITEM_NAMES[n] for n in range(1, 14)]
    assert {x.number for x in fresh if x.missing} == {2, 3, 7}
    assert next(x for x in fresh if x.number == 2).detail == "尚未告知：张三、李四"
    assert next(x for x in fresh if x.number == 3).detail == "尚未附身份证明"

    # A mediation session was held (its record not signed), then mediation ended.
    detail = services.cases.transition(case_id, services.cases.get(case_id).version, "accepted")
    services.sessions.schedule(case_id, SessionDraft(starts_at=datetime(2026, 11, 21, 9, 0)))
    services.cases.transition(case_id, detail.version, "terminated", reason="李四拒绝继续调解",
                              routes_explained=True, reason_kind="refused")
    with pytest.raises(TransitionError) as refused:
        services.cases.transition(case_id, services.cases.get(case_id).version, "closed")
    message = str(refused.value)
    assert "卷宗缺少必备材料，不能归档" in message
    for name in ("当事人权利义务告知书", "当事人身份证明材料", "人民调解记录"):
        assert name in message

    services.evidence.add(case_id, 3, "张三身份证.jpg", jpeg("white"))
    line = next(x for x in services.evidence.checklist(case_id) if x.number == 3)
    assert line.present and "附件1份" in line.detail and "请核对是否每人都有" in line.detail
    services.evidence.add(case_id, 3, "李四身份证.jpg", jpeg("gray"))
    line = next(x for x in services.evidence.checklist(case_id) if x.number == 3)
    assert line.detail == "附件2份"
    # The rights notice recorded for every party fills item 2.
    with services.db.write() as s:
        for party in s.scalars(select(CaseParty).where(CaseParty.case_id == case_id)):
            party.notice_on, party.notice_method = date(2026, 11, 20), "oral"
    line = next(x for x in services.evidence.checklist(case_id) if x.number == 2)
    assert line.present and line.detail == "每位当事人均已告知"
    assert [x.number for x in services.evidence.checklist(case_id) if x.missing] == [7]
    with pytest.raises(TransitionError, match="人民调解记录") as refused:
        services.cases.transition(case_id, services.cases.get(case_id).version, "closed")
    assert "身份证明" not in str(refused.value)

    services.evidence.add(case_id, 7, "调解记录（签字扫描件）.pdf", one_page_pdf("人民调解记录"))
    assert not [x for x in services.evidence.checklist(case_id) if x.missing]
    closed = services.cases.transition(case_id, services.cases.get(case_id).version, "closed")
    assert closed.status == "closed"
    # An archived file is frozen.
    with pytest.raises(ValidationError, match="已归档"):
        services.evidence.add(case_id, 6, "补充照片.jpg", jpeg("blue"))
    first = services.evidence.attachments(case_id)[0]
    with pytest.raises(ValidationError, match="已归档"):
        services.evidence.delete(first.id)
    with pytest.raises(ValidationError, match="已归档"):
        services.evidence.move(first.id, 6)


def test_media_types_from_magic_bytes_and_extensions() -> None:
    assert sniff_media_type(one_page_pdf(), "x.bin") == "application/pdf"
    assert sniff_media_type(jpeg(), "a.png") == "image/jpeg"
    assert sniff_media_type(png(), "") == "image/png"
    assert sniff_media_type(b"II*\x00" + b"\0" * 20, "scan.tif") == "image/tiff"
    assert sniff_media_type(docx_bytes(), "说明") == DOCX
    assert sniff_media_type(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20, "旧.doc") == "application/msword"
    assert sniff_media_type(b"\0\0\0\x18ftypheic" + b"\0" * 20, "IMG_0001.HEIC") == "image/heic"
    assert sniff_media_type(b"#!AMR\n", "语音.amr") == "audio/amr"
    assert sniff_media_type(b"hello", "说明.txt") == "text/plain"
    assert sniff_media_type(b"\x01\x02", "unknown") == "application/octet-stream"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    assert sniff_media_type(buf.getvalue(), "材料.zip") == "application/zip"


# -- the case file -----------------------------------------------------------------------------


@pytest.fixture
def style(tmp_path: Path):  # type: ignore[no-untyped-def]
    return style_from_settings(opts.Settings(tmp_path / "settings.json"))


def pdf_pages(data: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_attachments_are_bound_into_the_case_file(sqlite_services, style) -> None:
    services = sqlite_services
    case_id = new_case(services)
    code = services.cases.get(case_id).code
    plain = pdf_pages(services.documents.render(code, "case-file", "pdf", style).data)
    assert "3当事人身份证明材料未附" in plain[1]

    services.evidence.add(case_id, 3, "张三身份证.png", png("white", (1000, 640), "RGBA"))
    services.evidence.add(case_id, 4, "授权委托书.pdf", one_page_pdf())
    services.evidence.add(case_id, 12, "卷宗情况说明.docx", docx_bytes())
    services.evidence.add(case_id, 6, "录音.amr", b"#!AMR\n" + os.urandom(200))
    pages = pdf_pages(services.documents.render(code, "case-file", "pdf", style).data)

    assert len(pages) == len(plain) + 2            # one image page, one PDF page
    contents = pages[1]
    assert "3当事人身份证明材料" not in contents     # the line now names the file…
    assert "3张三身份证.png" in contents             # …under item 3
    assert "4授权委托书.pdf" in contents
    assert "12卷宗情况说明.docx（电子文件）" in contents and "电子文件，另存" in contents
    assert "6录音.amr（电子文件）" in contents
    assert any("附件：张三身份证.png" in p for p in pages)
    assert any("委托张小明为代理人" in p for p in pages)
    assert f"本卷共{len(pages) - 3}页" in pages[-1]
    # Binding order: the ID copy comes before the power of attorney.
    id_page = next(i for i, p in enumerate(pages) if "附件：张三身份证.png" in p)
    poa_page = next(i for i, p in enumerate(pages) if "委托张小明为代理人" in p)
    assert 2 < id_page < poa_page


def test_a_damaged_file_is_listed_not_bound_and_a_corrupt_one_stops_the_case_file(sqlite_services, style) -> None:
    services = sqlite_services
    case_id = new_case(services)
    code = services.cases.get(case_id).code
    plain = pdf_pages(services.documents.render(code, "case-file", "pdf", style).data)
    services.evidence.add(case_id, 6, "坏图.jpg", b"\xff\xd8\xff" + b"\0" * 100)   # JPEG magic, no image
    services.evidence.add(case_id, 6, "坏文件.pdf", b"%PDF-1.4 nothing else")
    pages = pdf_pages(services.documents.render(code, "case-file", "pdf", style).data)
    assert len(pages) == len(plain)
    assert "6坏图.jpg（电子文件）、坏文件.pdf（电子文件）" in pages[1] and "电子文件，另存" in pages[1]

    v = services.evidence.add(case_id, 3, "身份证.jpg", jpeg())
    with services.db.write() as s:
        s.execute(update(Attachment).where(Attachment.id == v.id).values(data=b"changed"))
    with pytest.raises(DocumentError, match="不能生成卷宗：附件“身份证.jpg”已损坏"):
        services.documents.render(code, "case-file", "pdf", style)


def test_phone_photos_print_upright_and_tiff_scans_print_every_page(style) -> None:
    from PIL import Image

    from mediator_desktop.documents.casefile import _box, image_frames

    box = _box(style)
    tall = Image.new("RGB", (400, 1000), "white")
    exif = tall.getexif()
    exif[0x0112] = 6                                # "rotate 90°": a phone held sideways
    out = io.BytesIO()
    tall.save(out, format="JPEG", exif=exif.tobytes())
    frames = image_frames(out.getvalue(), *box)
    assert frames is not None and frames[0].getSize() == (1000, 400)
    pages = [Image.new("L", (1700, 2300), c) for c in (255, 200, 150)]
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", save_all=True, append_images=pages[1:])
    frames = image_frames(out.getvalue(), *box)
    assert frames is not None and len(frames) == 3
    w, h = frames[0].getSize()                      # reduced to 200 dpi at the printed size
    assert w < 1700 and h < 2300 and abs(w / h - 1700 / 2300) < 0.01
    assert image_frames(b"not an image", *box) is None
