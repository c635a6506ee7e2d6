"""Facts about a case that several services check: what the case file holds (for the checklist
and the archive guard) and whether the case may be marked as agreed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediator_desktop.domain.checklist import CaseFileFacts
from mediator_desktop.domain.terms import Instalment, TermFields, clause_problems
from mediator_desktop.domain.text import clause_number
from mediator_desktop.services.errors import NotFoundError
from mediator_desktop.storage.models import Attachment, Case, MediationSession


def load_case(s: Session, case_id: int, options: Sequence[Any] = ()) -> Case:
    """The case with ``case_id`` (loading ``options`` with it), or the message every service
    gives when it is gone (deleted on another PC, or never there)."""
    case = s.get(Case, case_id, options=list(options))
    if case is None:
        raise NotFoundError("找不到这个案件，可能已被删除")
    return case


def term_fields(t) -> TermFields:  # type: ignore[no-untyped-def]
    """The structured fields of a stored :class:`AgreementTerm`."""
    from datetime import date
    from decimal import Decimal

    return TermFields(
        kind=t.kind or "obligation", obligor=t.obligor, obligee=t.obligee, subject=t.subject or "",
        amount=t.amount,
        instalments=[Instalment(Decimal(i["amount"]) if i.get("amount") else None,
                                date.fromisoformat(i["due_on"]) if i.get("due_on") else None)
                     for i in (t.instalments or [])],
        due_on=t.due_on, method=t.method or "", place=t.place or "")


def case_file_facts(s: Session, case: Case) -> CaseFileFacts:
    sessions = [x for x in s.scalars(select(MediationSession).where(
        MediationSession.case_id == case.id, MediationSession.cancelled.is_(False)))]
    counts: dict[str, int] = {item: n for item, n in s.execute(
        select(Attachment.item, func.count()).where(Attachment.case_id == case.id).group_by(Attachment.item))}
    a = case.agreement
    mediations = [x for x in sessions if x.kind == "mediation"]
    first = min((x.starts_at.date() for x in mediations), default=None)
    return CaseFileFacts(
        parties=[p.name for p in case.parties],
        parties_not_notified=[p.name for p in case.parties if p.notice_on is None],
        has_entrusted_agent=any(ag.kind == "entrusted" for p in case.parties for ag in p.agents),
        signed_investigations=sum(1 for x in sessions if x.kind == "investigation" and x.signed_at),
        signed_mediations=sum(1 for x in sessions if x.kind == "mediation" and x.signed_at),
        unsigned_records=sum(1 for x in sessions if not x.signed_at and x.record.strip()),
        agreement_form=a.form if a is not None else None,
        agreement_signed=bool(a is not None and a.signed_on),
        terminated=case.termination is not None,
        follow_ups_done=sum(1 for f in case.follow_ups if f.done_on),
        judicial_confirmation=case.judicial_confirmation is not None,
        attachments={int(k): int(v) for k, v in counts.items()},
        status=case.status,
        notified_late=[p.name for p in case.parties if p.notice_on and first and p.notice_on > first],
        mediations_held=len(mediations),
    )


def agreement_problems(s: Session, case: Case) -> list[str]:
    """Why the case cannot be marked 调解成功 yet (empty when it can)."""
    problems = []
    a = case.agreement
    if a is None:
        return ["请先在“协议与履行”中填写调解协议（书面协议或口头协议）"]
    if not a.terms:
        problems.append("协议还没有条款")
    if not a.signed_on:
        problems.append("请填写协议生效日期（各方签名、盖章或按指印并加盖调解组织印章之日）"
                        if a.form == "written" else "请填写口头协议达成的日期")
    for k, t in enumerate(a.terms, 1):
        unclear = clause_problems(term_fields(t), t.text, t.text_edited, [p.name for p in case.parties])
        if unclear:
            problems.append(f"第{clause_number(k)}条内容不明确：{'；'.join(unclear)}（法院不予确认内容不明确的协议）")
    not_notified = [p.name for p in case.parties if p.notice_on is None]
    if not_notified:
        problems.append("尚未记录对" + "、".join(not_notified) + "的权利义务告知")
    signed = s.scalar(select(func.count()).select_from(MediationSession).where(
        MediationSession.case_id == case.id, MediationSession.kind == "mediation",
        MediationSession.signed_at.is_not(None), MediationSession.cancelled.is_(False)))
    if not signed:
        problems.append("尚无经宣读并签字的调解记录")
    return problems
