"""Documents (文书) of a case: build the form, render it as PDF or DOCX, record who printed what.

The UI and the CLI call :meth:`DocumentService.render`; neither builds a document itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from mediator_desktop.documents import catalog, forms
from mediator_desktop.documents.glyphs import MissingGlyphError
from mediator_desktop.documents.model import Document
from mediator_desktop.documents.style import DocumentStyle
from mediator_desktop.services.context import ServiceContext
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.services.progress import CancelCheck, Progress, step
from mediator_desktop.storage.models import Case, Organization, StatusChange, Termination

if TYPE_CHECKING:
    from mediator_desktop.documents.casefile import Attachment as BoundFile
    from mediator_desktop.domain import judicial
    from mediator_desktop.domain.workdays import Deadline
    from mediator_desktop.services.app import Services

FORMATS = ("pdf", "docx")


class DocumentError(ServiceError):
    """A document that cannot be produced, with the reason in Chinese."""


@dataclass(frozen=True)
class RenderedDocument:
    document: Document
    data: bytes
    format: str

    @property
    def file_name(self) -> str:
        stem = self.document.file_stem or self.document.title
        return f"{stem}.{self.format}"


@dataclass(frozen=True)
class ConfirmationAdvice:
    """What the mediator should know before preparing a judicial-confirmation application."""

    proposals: list[judicial.CourtProposal]
    refused: list[str]                 # subjects a court will not confirm
    deadline: Deadline | None          # last day to apply (30 days from the effective date)
    lapsed: str = ""                   # the warning once that day has passed ("" before)

    def lines(self) -> list[str]:
        out = []
        if self.deadline:
            out.append(f"申请期限：{self.deadline.text()}前，由双方当事人共同向人民法院提出。")
        else:
            out.append("协议尚未记录生效日期：申请期限自协议生效之日起30日。")
        for what in self.refused:
            out.append(f"注意：涉及{what}的协议，人民法院不予受理司法确认申请。")
        return out


class DocumentService:
    def __init__(self, ctx: ServiceContext, services: Services) -> None:
        self.ctx = ctx
        self.services = services

    @staticmethod
    def kinds() -> dict[str, str]:
        """CLI name → Chinese title of every document this version produces."""
        return dict(catalog.TITLES)

    def org_header(self) -> forms.OrgHeader:
        with self.ctx.db.read() as s:
            org = s.scalars(select(Organization).order_by(Organization.id)).first()
            if org is None:
                raise DocumentError("请先在“设置”中填写调解组织信息")
            return forms.OrgHeader(org.name, org.kind, org.address, org.phone, org.seal_text, org.logo or b"")

    def case_data(self, code: str, *, signed_records_only: bool = False) -> dict[str, Any]:
        """The case as documents read it: the exchange shape, unmasked, with the record headers
        and the rights notice. A record not yet signed is included for printing (it is printed
        to be read back and signed) but never in the case file; caucus and private notes are
        never part of it."""
        case = self.services.exchange.export_document([code], for_documents=True)["cases"][0]
        ended = self._ended(code)
        if ended:
            case["ended"] = ended
        if signed_records_only:
            case["sessions"] = [x for x in case.get("sessions", []) if x.get("signed_at")]
        conferences = self.services.conferences.for_documents(code)   # 联席会议记录 (forms_conference.py)
        if conferences:
            case["conferences"] = conferences
        return dict(case)

    def _ended(self, code: str) -> dict[str, Any] | None:
        """How a case without an agreement ended — 终止调解, 不予受理 or 一方拒绝调解 — with its
        date and reason, so a refused document names them (documents.forms.no_agreement)."""
        with self.ctx.db.read() as s:
            case_id = s.scalars(select(Case.id).where(Case.code == code)).first()
            if case_id is None:
                return None
            t = s.scalars(select(Termination).where(Termination.case_id == case_id)).first()
            if t is not None:
                return {"status": "terminated", "on": t.on.isoformat() if t.on else "", "reason": t.reason or "",
                        "reason_kind": t.reason_kind or ""}
            change = s.scalars(select(StatusChange).where(StatusChange.case_id == case_id,
                                                          StatusChange.to_status.in_(("not_accepted", "refused")))
                               .order_by(StatusChange.id.desc())).first()
            if change is None:
                return None
            return {"status": change.to_status, "on": change.at.date().isoformat(), "reason": change.reason or ""}

    def confirmation_advice(self, code: str) -> ConfirmationAdvice:
        from mediator_desktop.domain import judicial  # (with the working-day calendar: not for other documents)

        case = self.case_data(code)
        org = self.org_header()
        effective = (case.get("agreement") or {}).get("signed_on")
        deadline = judicial.application_deadline(date.fromisoformat(effective) if effective else None,
                                                 self.ctx.calendar())
        filed_on = (case.get("judicial_confirmation") or {}).get("filed_on")
        return ConfirmationAdvice(
            judicial.court_proposals(case, org.address), judicial.refused_subjects(case), deadline,
            judicial.lapsed_warning(deadline, self.ctx.today(), date.fromisoformat(filed_on) if filed_on else None))

    def build(self, code: str, kind: str, options: forms.BuildOptions | None = None) -> Document:
        if kind not in catalog.BUILDERS:
            names = "、".join(f"{k}（{v}）" for k, v in self.kinds().items())
            raise DocumentError(f"不认识的文书“{kind}”。可以生成：{names}")
        try:
            case = self.case_data(code)
            if kind == "referral-letter":     # the 移送函 prints the case's latest referral (forms_referral)
                case["referral_letter"] = self.services.referrals.letter_data(code)
            return catalog.BUILDERS[kind][1](self.org_header(), case, options or forms.BuildOptions())
        except forms.DocumentDataError as exc:
            raise DocumentError(str(exc)) from exc

    def render(self, code: str, kind: str, fmt: str, style: DocumentStyle, *, court: str = "",
               progress: Progress | None = None, cancelled: CancelCheck | None = None) -> RenderedDocument:
        """The document as ``fmt`` bytes; generating it is recorded in the case's history.

        The case file (卷宗, many pages) reports ``progress(done, total)`` item by item and stops
        when ``cancelled()`` turns true (:class:`~mediator_desktop.services.errors.Cancelled`);
        a single form is quick and reports only its end."""
        if fmt not in FORMATS:
            raise DocumentError(f"文件格式只能是 pdf 或 docx，不能是“{fmt}”")
        options = forms.BuildOptions(court, style.sign_and_fingerprint)
        if kind == catalog.CASE_FILE:
            return self._case_file(code, fmt, style, options, progress, cancelled)
        document = self.build(code, kind, options)
        try:
            if fmt == "pdf":
                from mediator_desktop.documents.render_pdf import render_pdf

                data = render_pdf(document, style)
            else:
                from mediator_desktop.documents.render_docx import render_docx

                data = render_docx(document, style)
        except MissingGlyphError as exc:
            raise DocumentError(str(exc)) from exc
        step(progress, cancelled, 1, 1)
        self._record(code, kind, fmt, document.title)
        return RenderedDocument(document, data, fmt)

    def _case_file(self, code: str, fmt: str, style: DocumentStyle, options: forms.BuildOptions,
                   progress: Progress | None = None, cancelled: CancelCheck | None = None) -> RenderedDocument:
        if fmt != "pdf":
            raise DocumentError("整卷卷宗只生成 PDF；其中的各份文书可以分别生成 Word 文件")
        from mediator_desktop.documents.casefile import render_case_file

        step(progress, cancelled, 0, 0)
        try:
            data, _items = render_case_file(self.org_header(), self.case_data(code, signed_records_only=True),
                                            style, options,
                                            attachments=self.case_file_attachments(code),
                                            on_step=lambda done, total: step(progress, cancelled, done, total))
        except MissingGlyphError as exc:
            raise DocumentError(str(exc)) from exc
        document = Document(catalog.CASE_FILE, "调解卷宗", [], file_stem=f"调解卷宗-{code}")
        self._record(code, catalog.CASE_FILE, fmt, document.title)
        return RenderedDocument(document, data, fmt)

    def case_file_attachments(self, code: str) -> tuple[BoundFile, ...]:
        """The files kept with the case (附件), in binding order, for the case file: images and
        PDFs become pages, anything else is named in the contents as 电子文件，另存. A file whose
        bytes no longer match its SHA-256 stops the case file with a message naming it."""
        from mediator_desktop.documents.casefile import Attachment as BoundFile
        from mediator_desktop.services.evidence import AttachmentCorrupted

        with self.ctx.db.read() as s:
            case_id = s.scalars(select(Case.id).where(Case.code == code)).one()
        try:
            originals = self.services.evidence.originals(case_id)
        except AttachmentCorrupted as exc:
            raise DocumentError(f"不能生成卷宗：{exc}") from exc
        return tuple(BoundFile(v.item, v.name, data, v.media_type) for v, data in originals)

    def _record(self, code: str, kind: str, fmt: str, title: str) -> None:
        with self.ctx.db.write() as s:
            case_id = s.scalars(select(Case.id).where(Case.code == code)).one()
            self.ctx.audit(s, "render_document", "document", None, case_id=case_id, kind=kind, format=fmt,
                           text=f"生成{title}（{fmt.upper()}）")
