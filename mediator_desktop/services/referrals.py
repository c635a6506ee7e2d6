"""Referrals (移交 / 上报 / 分流, STATISTICS.md §4): a case sent to another committee, a higher
level or a department, with its 移送函 and an exchange file of the case; later the answer.

- :meth:`ReferralService.record` keeps the referral on the case (kind, from, to, reason, what was
  done, contact, date). A 上报 may also move the case's handling level (``handling_level``), so
  the escalation clock of the new level starts that day.
- The 移送函 is the document ``referral-letter`` of the catalog (PDF and DOCX, through the
  document service, of the case's latest outgoing referral); :meth:`export_case` writes the
  case's exchange file with the existing export (the receiving side imports it as any other).
- 首问负责: the case's ``first_receiver`` is set at intake and never changes here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediator_desktop.domain.enums import HandlingLevel, ReferralDirection, ReferralKind
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.case_facts import load_case
from mediator_desktop.services.context import ServiceContext, load_row
from mediator_desktop.services.errors import FieldProblem, ValidationError
from mediator_desktop.services.field_checks import checked_day
from mediator_desktop.services.progress import CancelCheck, Progress
from mediator_desktop.storage.models import Case, Organization, Referral

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

KINDS: tuple[str, ...] = tuple(m.value for m in ReferralKind)


@dataclass
class ReferralDraft:
    """A referral as typed. ``handling_level``: for a 上报, the level the case goes to ("" keeps it)."""

    kind: str = ReferralKind.TRANSFER.value
    to_unit: str = ""
    reason: str = ""
    actions_taken: str = ""
    contact: str = ""
    sent_on: date | None = None
    from_unit: str = ""
    direction: str = ReferralDirection.OUTGOING.value
    handling_level: str = ""


@dataclass(frozen=True)
class ReferralView:
    id: int
    case_id: int
    kind: str
    direction: str
    from_unit: str
    to_unit: str
    reason: str
    actions_taken: str
    contact: str
    sent_on: date
    answer: str
    answered_on: date | None
    created_at: datetime
    actor: str
    version: int

    @property
    def kind_label(self) -> str:
        return ReferralKind(self.kind).label if self.kind in KINDS else self.kind


def _view(r: Referral) -> ReferralView:
    return ReferralView(r.id, r.case_id, r.kind, r.direction, r.from_unit, r.to_unit, r.reason, r.actions_taken,
                        r.contact, r.sent_on, r.answer, r.answered_on, r.created_at, r.actor, r.version)


def _limit(p: list[FieldProblem], name: str, label: str, value: str, most: int) -> None:
    if len(value) > most:
        p.append(FieldProblem(name, f"“{label}”不能超过{most}个字"))


class ReferralService:
    def __init__(self, ctx: ServiceContext, services: Services) -> None:
        self.ctx = ctx
        self.services = services

    def organization_name(self) -> str:
        """This organisation's name: the 移出单位 a new referral proposes."""
        with self.ctx.db.read() as s:
            name = s.scalars(select(Organization.name).order_by(Organization.id)).first()
        return name or ""

    def of_case(self, case_id: int) -> list[ReferralView]:
        with self.ctx.db.read() as s:
            load_case(s, case_id)
            rows = s.scalars(select(Referral).where(Referral.case_id == case_id).order_by(Referral.id))
            return [_view(r) for r in rows]

    def problems(self, draft: ReferralDraft) -> list[FieldProblem]:
        """What a referral lacks (normalises the draft in place)."""
        for name in ("to_unit", "reason", "actions_taken", "contact", "from_unit"):
            setattr(draft, name, str(getattr(draft, name)).strip())
        p: list[FieldProblem] = []
        if draft.kind not in KINDS:
            p.append(FieldProblem("kind", "请选择移交方式（移交、上报或分流）"))
        if draft.direction not in (ReferralDirection.OUTGOING.value, ReferralDirection.INCOMING.value):
            p.append(FieldProblem("direction", "请选择移出或移入"))
        if not draft.to_unit:
            p.append(FieldProblem("to_unit", "请填写“接收单位”（移交给谁）"))
        if not draft.reason:
            p.append(FieldProblem("reason", "请填写“移交原因”"))
        if not draft.contact:
            p.append(FieldProblem("contact", "请填写“联系人及电话”，便于接收单位联系"))
        checked_day(p, "sent_on", "移交日期", draft.sent_on, self.ctx.today())
        if draft.handling_level and draft.handling_level not in (m.value for m in HandlingLevel):
            p.append(FieldProblem("handling_level", "请选择上报到哪一级"))
        for name, label, most in (("to_unit", "接收单位", 200), ("from_unit", "移出单位", 200),
                                  ("contact", "联系人及电话", 200), ("reason", "移交原因", 5000),
                                  ("actions_taken", "已做的工作", 5000)):
            _limit(p, name, label, getattr(draft, name), most)
        return p

    def record(self, case_id: int, draft: ReferralDraft) -> ReferralView:
        """Keep a referral on the case (a 上报 with ``handling_level`` also moves the case there)."""
        problems = self.problems(draft)
        if problems:
            raise ValidationError(problems)
        assert draft.sent_on is not None
        with self.ctx.db.write() as s:
            case = load_case(s, case_id)
            now = self.ctx.now()
            row = Referral(kind=draft.kind, direction=draft.direction,
                           from_unit=draft.from_unit or self._org_name(s), to_unit=draft.to_unit, reason=draft.reason,
                           actions_taken=draft.actions_taken, contact=draft.contact, sent_on=draft.sent_on,
                           answer="", answered_on=None, created_at=now, actor=self.ctx.actor.name)
            case.referrals.append(row)
            case.updated_at = now
            kind = ReferralKind(draft.kind).label
            self.ctx.audit(s, "referral", "referral", None, case_id=case.id,
                           text=f"{kind}至{draft.to_unit}（{chinese_date(draft.sent_on)}）：{draft.reason}")
            if draft.handling_level and draft.handling_level != case.handling_level:
                self.services.risk.apply_handling(s, case, draft.handling_level, draft.sent_on,
                                                  f"{kind}至{draft.to_unit}")
            s.flush()
            return _view(row)

    def record_answer(self, referral_id: int, version: int, answered_on: date | None, answer: str) -> ReferralView:
        """The receiving side's answer (答复), when it comes."""
        answer = answer.strip()
        p: list[FieldProblem] = []
        checked_day(p, "answered_on", "答复日期", answered_on, self.ctx.today())
        if not answer:
            p.append(FieldProblem("answer", "请填写答复的内容（如：已受理，由某某负责）"))
        _limit(p, "answer", "答复", answer, 5000)
        with self.ctx.db.write() as s:
            row = load_row(s, Referral, referral_id, "找不到这条移交记录，可能已被删除", version)
            if answered_on is not None and answered_on < row.sent_on:
                p.append(FieldProblem("answered_on", f"“答复日期”不能早于移交日期（{chinese_date(row.sent_on)}）"))
            if p:
                raise ValidationError(p)
            row.answered_on, row.answer = answered_on, answer
            self.ctx.audit(s, "referral_answer", "referral", row.id, case_id=row.case_id,
                           text=f"{row.to_unit}答复（{chinese_date(answered_on)}）：{answer}")
            s.flush()
            return _view(row)

    def letter_data(self, code: str) -> dict[str, Any]:
        """What the 移送函 prints of the case's latest outgoing referral ({} when none)."""
        with self.ctx.db.read() as s:
            case = s.scalars(select(Case).where(Case.code == code).options(selectinload(Case.referrals))).first()
            if case is None:
                return {}
            out = [r for r in case.referrals if r.direction == ReferralDirection.OUTGOING.value]
            if not out:
                return {}
            r = out[-1]
            # The letter's own number: the case code and the referral's place among the case's
            # outgoing ones (the first letter of （2026）龙门人调字第1号 is …第1号移字第1号).
            return {"number": f"{case.code}移字第{len(out)}号",
                    "kind": r.kind, "from_unit": r.from_unit, "to_unit": r.to_unit, "reason": r.reason,
                    "actions_taken": r.actions_taken, "contact": r.contact, "sent_on": r.sent_on.isoformat(),
                    "first_receiver": case.first_receiver, "risk_reported_to": case.risk_reported_to}

    def export_case(self, case_id: int, path: str | Path, *, progress: Progress | None = None,
                    cancelled: CancelCheck | None = None) -> int:
        """The case's exchange file (the existing export, this case only) for the receiving side."""
        with self.ctx.db.read() as s:
            code = load_case(s, case_id).code
        written = self.services.exchange.export_to_file(path, [code], progress=progress, cancelled=cancelled)
        with self.ctx.db.write() as s:
            self.ctx.audit(s, "referral_export", "case", case_id, case_id=case_id,
                           text=f"导出案件交换文件（随移送函）：{Path(path).name}")
        return written

    @staticmethod
    def _org_name(s: Session) -> str:
        return s.scalars(select(Organization.name).order_by(Organization.id)).first() or ""
