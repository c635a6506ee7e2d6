"""The agreement (人民调解协议) with its structured terms, and the performance of each term.

A case has at most one agreement: written (书面协议) or oral (口头协议, Law 30 — recorded by the
mediator, effective the day it is reached). Each term (协议条款) keeps its structured fields (who
owes whom what, how much, by when, how, where) and the clause text printed from them; the text
is regenerated from the fields on every save unless the mediator edited it by hand. A term
that does not say who does what for whom by when is *unclear*: saving a draft is allowed and
the problem is reported, but the case service refuses 调解成功 while any term is unclear
(SPC-2011 7; LEGAL.md §4). The committee then tracks the performance of each term (Law 31).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from mediator_desktop.domain.enums import AgreementForm, CaseStatus, TermKind, TermStatus
from mediator_desktop.domain.terms import (
    Instalment,
    TermFields,
    clause_problems,
    clause_text,
    last_due,
    term_problems,
)
from mediator_desktop.domain.text import amount_text, chinese_date, clause_number
from mediator_desktop.errors import STALE_MESSAGE
from mediator_desktop.services.case_facts import agreement_problems, load_case, term_fields
from mediator_desktop.services.context import Service
from mediator_desktop.services.errors import (
    ConflictError,
    FieldProblem,
    NotFoundError,
    TransitionError,
    ValidationError,
)
from mediator_desktop.services.followups import plan_for_agreement
from mediator_desktop.storage.db import StorageConflictError
from mediator_desktop.storage.models import (
    Agreement,
    AgreementTerm,
    Attachment,
    Case,
    TermPerformance,
)

#: The largest amount the database holds (Numeric(14, 2)).
MAX_AMOUNT = Decimal("1e12")
CENT = Decimal("0.01")
#: States in which the agreement may be written or corrected.
EDITABLE_STATES = (CaseStatus.IN_MEDIATION.value, CaseStatus.AGREED.value)
#: States in which performance may be recorded (before archiving).
PERFORMANCE_STATES = (CaseStatus.IN_MEDIATION.value, CaseStatus.AGREED.value)


# -- drafts and views -------------------------------------------------------------------------


@dataclass
class TermDraft:
    """One term (协议条款) as edited. ``obligor``/``obligee`` are party positions (0-based).

    ``text`` is the clause as printed; with ``text_edited`` False the service regenerates it
    from the fields. ``status`` is changed only through
    :meth:`AgreementService.record_performance` (a new term starts 待履行).
    """

    id: int | None = None
    kind: str = TermKind.OBLIGATION.value
    obligor: int | None = None
    obligee: int | None = None
    subject: str = ""
    amount: Decimal | None = None
    instalments: list[Instalment] = field(default_factory=list)
    due_on: date | None = None
    method: str = ""
    place: str = ""
    text: str = ""
    text_edited: bool = False
    status: str = TermStatus.PENDING.value

    def fields(self) -> TermFields:
        return TermFields(
            kind=self.kind, obligor=self.obligor, obligee=self.obligee, subject=self.subject,
            amount=self.amount,
            instalments=[Instalment(i.amount, i.due_on) for i in self.instalments],
            due_on=self.due_on, method=self.method, place=self.place)


@dataclass
class AgreementDraft:
    """The agreement as edited. ``version`` is the version it was opened at (None: new)."""

    form: str = AgreementForm.WRITTEN.value
    number: str = ""
    #: 纠纷主要事实、争议事项.
    facts: str = ""
    #: 各方责任.
    responsibilities: str = ""
    terms: list[TermDraft] = field(default_factory=list)
    #: 生效日期 (written: the day all signed and the seal was applied; oral: the day reached).
    signed_on: date | None = None
    copies: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class PerformanceView:
    """履行情况: one recorded step of performing a term."""

    id: int
    term_id: int
    on: date
    status: str
    amount: Decimal | None
    note: str
    recorded_at: datetime
    actor: str


@dataclass(frozen=True)
class TermPreview:
    """The clause the fields make, and why the term is unclear (empty when clear)."""

    text: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class TermView:
    """One clause of the agreement as the editor and the panel show it, with its performance."""

    id: int
    #: 1-based clause number (第一条 = 1).
    number: int
    kind: str
    obligor: int | None
    obligee: int | None
    subject: str
    amount: Decimal | None
    instalments: tuple[Instalment, ...]
    due_on: date | None
    method: str
    place: str
    text: str
    text_edited: bool
    status: str
    #: Why the term is unclear (内容不明确), empty when it is clear.
    problems: tuple[str, ...]
    #: The clause the structured fields generate now (differs from ``text`` when edited).
    preview: str
    performances: tuple[PerformanceView, ...]
    #: Sum of the amounts recorded as paid (None when none was recorded).
    paid: Decimal | None
    #: The term's version: a performance record made on an older one is refused (another PC
    #: recorded or changed the term since).
    version: int = 1

    @property
    def last_due(self) -> date | None:
        """The date by which the whole term is to be performed."""
        return last_due(TermFields(instalments=list(self.instalments), due_on=self.due_on))

    def overdue_since(self, today: date) -> date | None:
        """The earliest time limit that has passed without the term being performed up to it
        (an instalment is covered by the payments recorded), or None."""
        if self.kind == TermKind.STATEMENT.value or self.status == TermStatus.PERFORMED.value:
            return None
        if self.instalments and all(i.amount is not None and i.due_on for i in self.instalments):
            paid, owed = self.paid or Decimal(0), Decimal(0)
            for i in sorted(self.instalments, key=lambda i: i.due_on):  # type: ignore[arg-type,return-value]
                owed += i.amount  # type: ignore[operator]
                if i.due_on < today and paid < owed:  # type: ignore[operator]
                    return i.due_on
            return None
        last = self.last_due
        return last if last is not None and last < today else None

    @property
    def stale(self) -> bool:
        """The generated text no longer matches the fields (e.g. a party was renamed)."""
        return not self.text_edited and self.text != self.preview

    def to_draft(self) -> TermDraft:
        return TermDraft(
            id=self.id, kind=self.kind, obligor=self.obligor, obligee=self.obligee,
            subject=self.subject, amount=self.amount,
            instalments=[Instalment(i.amount, i.due_on) for i in self.instalments],
            due_on=self.due_on, method=self.method, place=self.place, text=self.text,
            text_edited=self.text_edited, status=self.status)


@dataclass(frozen=True)
class AgreementView:
    """调解协议 as stored: form, number, effective date, copies, facts, responsibilities, terms."""

    id: int
    case_id: int
    case_code: str
    case_status: str
    version: int
    form: str
    number: str
    facts: str
    responsibilities: str
    signed_on: date | None
    copies: int | None
    terms: tuple[TermView, ...]
    #: Party names by position (for the obligor/obligee choices).
    parties: tuple[str, ...]
    #: One line per unclear term: ``第二条内容不明确：未写明履行期限``.
    problems: tuple[str, ...]
    #: Everything still missing before the case may be marked 调解成功 (empty when nothing).
    success_problems: tuple[str, ...]

    @property
    def minimum_copies(self) -> int:
        return len(self.parties) + 1

    def to_draft(self) -> AgreementDraft:
        return AgreementDraft(
            form=self.form, number=self.number, facts=self.facts,
            responsibilities=self.responsibilities, terms=[t.to_draft() for t in self.terms],
            signed_on=self.signed_on, copies=self.copies, version=self.version)


@dataclass(frozen=True)
class AgreementContext:
    """What the editor needs to know about the case, whether or not an agreement exists."""

    case_id: int
    case_code: str
    case_status: str
    parties: tuple[str, ...]
    received_on: date
    #: Why the agreement cannot be written or corrected now; "" when it can.
    refusal: str


# -- helpers ----------------------------------------------------------------------------------


def _amount_problem(value: Decimal | None) -> str:
    """Why an amount cannot be stored ("" when it can)."""
    if value is None:
        return ""
    if not value.is_finite():
        return "金额不对，请核对"
    if value < 0:
        return "金额不能是负数"
    if value >= MAX_AMOUNT:
        return "金额过大，请核对"
    if value != value.quantize(CENT):
        return "金额最多精确到分（小数点后两位）"
    return ""


def _date_problem(value: date | None) -> str:
    if value is not None and not 2000 <= value.year <= 2100:
        return "年份不对，请核对"
    return ""


def _instalments_json(items: list[Instalment]) -> list[dict[str, str | None]]:
    return [{"amount": None if i.amount is None else f"{i.amount.quantize(CENT):f}",
             "due_on": None if i.due_on is None else i.due_on.isoformat()} for i in items]


def _term_label(k: int) -> str:
    return f"第{clause_number(k + 1)}条"


def _substance_changes(a: Agreement, draft: AgreementDraft) -> str:
    """What a draft changes in the signed substance of an agreement ("" when nothing): the form,
    the facts, the responsibilities and every term as printed and as structured."""
    if draft.form != a.form:
        return "协议形式"
    if (draft.facts or "").strip() != (a.facts or "").strip():
        return "纠纷事实"
    if (draft.responsibilities or "").strip() != (a.responsibilities or "").strip():
        return "各方责任"
    if [t.id for t in draft.terms] != [t.id for t in a.terms]:
        return "协议条款（增加、删除或调换顺序）"
    for k, (d, t) in enumerate(zip(draft.terms, a.terms, strict=True)):
        stored = term_fields(t)
        if d.text.strip() != t.text.strip() or d.fields() != stored:
            return f"{_term_label(k)}"
    return ""


def _edit_refusal(case: Case) -> str:
    if case.termination is not None or case.status == CaseStatus.TERMINATED.value:
        t = case.termination
        when = f"于{chinese_date(t.on)}" if t is not None and t.on else ""
        why = f"（{t.reason}）" if t is not None and t.reason else ""
        return f"本案已{when}终止调解{why}，终止调解的案件没有调解协议"
    if case.status in (CaseStatus.NOT_ACCEPTED.value, CaseStatus.REFUSED.value):
        # How and when it ended (issue 12), so nobody waits for an agreement that will not come.
        change = next((c for c in reversed(case.status_changes) if c.to_status == case.status), None)
        when = f"于{chinese_date(change.at.date())}" if change is not None else ""
        why = f"（{change.reason}）" if change is not None and change.reason else ""
        if case.status == CaseStatus.NOT_ACCEPTED.value:
            return f"本案已{when}决定不予受理{why}，没有调解协议"
        return f"本案一方当事人已{when}拒绝调解{why}，没有调解协议"
    if case.status == CaseStatus.CLOSED.value:
        return "案件已归档，调解协议不能再修改"
    if case.status in (CaseStatus.REGISTERED.value, CaseStatus.ACCEPTED.value):
        return f"案件当前状态为“{CaseStatus(case.status).label}”，开始调解后才能填写调解协议"
    if case.status not in EDITABLE_STATES:
        return f"案件当前状态为“{CaseStatus(case.status).label}”，没有调解协议"
    return ""


# -- the service ------------------------------------------------------------------------------


class AgreementService(Service):
    # -- reads --------------------------------------------------------------------------------

    def get(self, case_id: int) -> AgreementView | None:
        """The agreement of a case, or None when none has been written."""
        with self.ctx.db.read() as s:
            case = self._load(s, case_id)
            return None if case.agreement is None else self._view(s, case)

    def context(self, case_id: int) -> AgreementContext:
        """The case facts the editor and panel need, and whether the agreement may be edited."""
        with self.ctx.db.read() as s:
            case = self._load(s, case_id)
            return AgreementContext(case.id, case.code, case.status,
                                    tuple(p.name for p in case.parties), case.received_on,
                                    _edit_refusal(case))

    def blank(self, case_id: int) -> AgreementDraft:
        """A new agreement prefilled from the case: number = the case code (the agreement number
        equals the file number, LEGAL.md §7), copies = parties + 1, facts = the case summary."""
        with self.ctx.db.read() as s:
            case = self._load(s, case_id)
            return AgreementDraft(form=AgreementForm.WRITTEN.value, number=case.code,
                                  facts=case.summary or "", copies=len(case.parties) + 1)

    def preview(self, case_id: int, term: TermDraft) -> TermPreview:
        """The clause a term's fields make with this case's party names, and its problems."""
        with self.ctx.db.read() as s:
            case = self._load(s, case_id, agreement=False)
            names = [p.name for p in case.parties]
        t = term.fields()
        return TermPreview(clause_text(t, names),
                           tuple(clause_problems(t, term.text or clause_text(t, names), term.text_edited, names)))

    def clause_preview(self, case_id: int, term: TermDraft) -> str:
        """The clause text a term's fields generate (for the editor's live preview)."""
        return self.preview(case_id, term).text

    def performance(self, term_id: int) -> list[PerformanceView]:
        """The recorded performance of one term, oldest first."""
        with self.ctx.db.read() as s:
            if s.get(AgreementTerm, term_id) is None:
                raise NotFoundError("找不到这一条协议内容，可能已被删除")
            rows = s.scalars(select(TermPerformance).where(TermPerformance.term_id == term_id)
                             .order_by(TermPerformance.id))
            return [self._performance_view(r) for r in rows]

    # -- validation ---------------------------------------------------------------------------

    def validate(self, case: Case, draft: AgreementDraft) -> list[FieldProblem]:
        """All problems of a draft; normalises the draft's text values in place."""
        p: list[FieldProblem] = []
        party_count = len(case.parties)
        today = self.ctx.today()
        if draft.form not in AgreementForm.__members__.values():
            p.append(FieldProblem("form", "请选择协议形式（书面协议或口头协议）"))
        written = draft.form != AgreementForm.ORAL.value
        draft.number = (draft.number or "").strip()
        if len(draft.number) > 120:
            p.append(FieldProblem("number", "“编号”不能超过120个字"))
        draft.facts = (draft.facts or "").strip()
        draft.responsibilities = (draft.responsibilities or "").strip()
        if written and not draft.facts:
            p.append(FieldProblem("facts", "书面协议须写明“纠纷主要事实、争议事项”"))
        for name, label in (("facts", "纠纷主要事实、争议事项"), ("responsibilities", "各方责任")):
            if len(getattr(draft, name)) > 20000:
                p.append(FieldProblem(name, f"“{label}”太长（不能超过20000字）"))
        date_word = "生效日期" if written else "口头协议达成日期"
        if draft.signed_on is not None:
            if draft.signed_on > today:
                p.append(FieldProblem("signed_on", f"“{date_word}”不能晚于今天；各方签字、盖章后再填写"))
            elif draft.signed_on < case.received_on:
                p.append(FieldProblem("signed_on", f"“{date_word}”不能早于受理日期（{chinese_date(case.received_on)}）"))
        elif case.status == CaseStatus.AGREED.value:
            p.append(FieldProblem("signed_on", f"本案已调解成功，请填写“{date_word}”"))
        if written:
            minimum = party_count + 1
            if draft.copies is None:
                draft.copies = minimum
            elif draft.copies < minimum:
                p.append(FieldProblem("copies", f"协议书至少一式{minimum}份：{party_count}位当事人各一份，"
                                                "人民调解委员会留存一份"))
            elif draft.copies > 99:
                p.append(FieldProblem("copies", "“份数”太多，请核对"))
        elif draft.copies is not None and not 1 <= draft.copies <= 99:
            p.append(FieldProblem("copies", "“份数”不对，请核对"))
        if not draft.terms:
            p.append(FieldProblem("terms", "请至少填写一条协议内容（达成了什么、由谁、何时履行）"))
        for k, t in enumerate(draft.terms):
            p.extend(self._validate_term(k, t, party_count, draft.signed_on,
                                         strict=case.status == CaseStatus.AGREED.value))
        return p

    @staticmethod
    def _validate_term(k: int, t: TermDraft, party_count: int, signed_on: date | None,
                       *, strict: bool) -> list[FieldProblem]:
        p: list[FieldProblem] = []
        at, label = f"terms[{k}]", _term_label(k)
        t.subject, t.method, t.place = t.subject.strip(), t.method.strip(), t.place.strip()
        t.text = (t.text or "").strip()
        if t.kind not in TermKind.__members__.values():
            p.append(FieldProblem(f"{at}.kind", f"{label}：请选择条款类型（履行义务或其他约定）"))
            return p
        if len(t.subject) > 300:
            p.append(FieldProblem(f"{at}.subject", f"{label}：“给付内容”不能超过300个字"))
        if t.kind == TermKind.STATEMENT.value:
            if not t.subject and not (t.text_edited and t.text):
                p.append(FieldProblem(f"{at}.subject", f"{label}：请填写约定的内容"))
        else:
            for name, word in (("obligor", "义务人"), ("obligee", "权利人")):
                value = getattr(t, name)
                if value is not None and not 0 <= value < party_count:
                    p.append(FieldProblem(f"{at}.{name}", f"{label}：{word}不是本案当事人，请重新选择"))
            for name, word in (("method", "履行方式"), ("place", "履行地点")):
                if len(getattr(t, name)) > 200:
                    p.append(FieldProblem(f"{at}.{name}", f"{label}：“{word}”不能超过200个字"))
            problem = _amount_problem(t.amount)
            if problem:
                p.append(FieldProblem(f"{at}.amount", f"{label}：{problem}"))
            previous: date | None = None
            for j, i in enumerate(t.instalments):
                where = f"{at}.instalments[{j}]"
                problem = _amount_problem(i.amount)
                if problem:
                    p.append(FieldProblem(f"{where}.amount", f"{label}第{j + 1}期：{problem}"))
                problem = _date_problem(i.due_on)
                if problem:
                    p.append(FieldProblem(f"{where}.due_on", f"{label}第{j + 1}期：{problem}"))
                elif i.due_on is not None:
                    if signed_on is not None and i.due_on < signed_on:
                        p.append(FieldProblem(f"{where}.due_on",
                                              f"{label}第{j + 1}期的期限早于协议生效日期，请核对"))
                    elif previous is not None and i.due_on < previous:
                        p.append(FieldProblem(f"{where}.due_on",
                                              f"{label}第{j + 1}期的期限不能早于上一期"))
                    previous = i.due_on
            problem = _date_problem(t.due_on)
            if problem:
                p.append(FieldProblem(f"{at}.due_on", f"{label}：履行期限{problem}"))
            elif t.due_on is not None and signed_on is not None and t.due_on < signed_on:
                p.append(FieldProblem(f"{at}.due_on", f"{label}：履行期限早于协议生效日期，请核对"))
            empty = (t.obligor is None and t.obligee is None and not t.subject and t.amount is None
                     and not t.instalments and t.due_on is None and not t.method and not t.place)
            if empty and not (t.text_edited and t.text):
                p.append(FieldProblem(at, f"{label}是空的：请填写内容，或删除这一条"))
            elif strict:
                unclear = term_problems(t.fields(), party_count)
                if unclear:
                    p.append(FieldProblem(at, f"{label}内容不明确：{'；'.join(unclear)}。"
                                              "本案已调解成功，更正后的协议仍须写明由谁、向谁、履行什么、何时履行"))
        if t.text_edited and not t.text:
            p.append(FieldProblem(f"{at}.text", f"{label}的条款文字是空的：请填写，"
                                                "或点“按上面各项重新生成”"))
        return p

    # -- writes -------------------------------------------------------------------------------

    def save(self, case_id: int, draft: AgreementDraft) -> AgreementView:
        """Write or correct the agreement of a case (only while 调解中, or 调解成功 as an audited
        correction). Terms are updated in place by id; unclear terms are saved and reported."""
        try:
            with self.ctx.db.write() as s:
                case = self._load(s, case_id)
                refusal = _edit_refusal(case)
                if refusal:
                    raise TransitionError(refusal)
                a = case.agreement
                if a is None and draft.version is not None:
                    raise ConflictError("这份协议已被其他电脑删除。您填写的内容仍在屏幕上，请关闭后重新打开再填写。")
                if a is not None and draft.version != a.version:
                    raise ConflictError(STALE_MESSAGE)
                problems = self.validate(case, draft)
                if a is not None and case.status == CaseStatus.AGREED.value:
                    changed = _substance_changes(a, draft)
                    if changed:
                        raise TransitionError(
                            f"本案已调解成功，协议已由各方签字生效，{changed}不能再改。"
                            "如需变更协议内容，请另行调解并签订补充协议；只有编号、份数和生效日期可以更正。")
                existing = {t.id: t for t in a.terms} if a is not None else {}
                kept = {t.id for t in draft.terms if t.id is not None}
                if kept - set(existing):
                    raise ConflictError(STALE_MESSAGE)
                removed = [t for t in existing.values() if t.id not in kept]
                for t in removed:
                    if t.performances:
                        problems.append(FieldProblem(
                            "terms", f"原{_term_label(t.position)}“{_short(t.text)}”已记录履行情况，不能删除；"
                                     "如内容有变，请修改这一条"))
                errors = [x for x in problems if not x.warning]
                if errors:
                    raise ValidationError(errors)
                names = [p.name for p in case.parties]
                new = a is None
                if a is None:
                    a = Agreement(case_id=case.id)
                    case.agreement = a
                changes = self._changes(a, draft, new)
                a.form, a.number = draft.form, draft.number or case.code
                a.facts, a.responsibilities = draft.facts, draft.responsibilities
                a.signed_on, a.copies = draft.signed_on, draft.copies
                rows: list[AgreementTerm] = []
                for k, d in enumerate(draft.terms):
                    row = existing.get(d.id) if d.id is not None else None
                    if row is None:
                        row = AgreementTerm(status=TermStatus.PENDING.value)
                        if not new:
                            changes.append(f"新增{_term_label(k)}")
                    elif self._term_changed(row, d, k):
                        changes.append(f"修改{_term_label(k)}")
                    self._apply_term(row, d, k, names)
                    rows.append(row)
                for t in removed:
                    changes.append(f"删除原{_term_label(t.position)}")
                if removed:
                    s.execute(update(Attachment).where(Attachment.term_id.in_([t.id for t in removed]))
                              .values(term_id=None))
                a.terms = rows
                if not new:
                    # Terms are rows of their own: bump the agreement's version on every save,
                    # so a second PC holding the old version is refused, never overwrites.
                    flag_modified(a, "form")
                s.flush()
                self.ctx.audit(s, "create" if new else "update", "agreement", a.id, case_id=case.id,
                               text=self._audit_text(case, draft, new, changes))
                plan_for_agreement(s, self.ctx, case)
                s.flush()
                return self._view(s, case)
        except StorageConflictError as exc:  # another PC created the agreement at the same moment
            raise ConflictError(STALE_MESSAGE) from exc

    def delete(self, case_id: int, version: int) -> None:
        """Remove an agreement written in error (only while 调解中 and before any performance)."""
        with self.ctx.db.write() as s:
            case = self._load(s, case_id)
            a = case.agreement
            if a is None:
                return
            if a.version != version:
                raise ConflictError(STALE_MESSAGE)
            if case.status != CaseStatus.IN_MEDIATION.value:
                raise TransitionError("只有“调解中”的案件才能删除调解协议")
            if any(t.performances for t in a.terms):
                raise TransitionError("协议已记录履行情况，不能删除")
            s.execute(update(Attachment).where(Attachment.term_id.in_([t.id for t in a.terms]))
                      .values(term_id=None))
            agreement_id = a.id
            case.agreement = None
            s.flush()
            self.ctx.audit(s, "delete", "agreement", agreement_id, case_id=case.id,
                           text=f"删除{AgreementForm(a.form).label}")
            plan_for_agreement(s, self.ctx, case)

    def record_performance(self, term_id: int, on: date | None, status: str,
                           amount: Decimal | None = None, note: str = "", *,
                           version: int | None = None) -> AgreementView:
        """履行情况: append one performance record to a term and set the term's status.

        ``version`` is the term's version the form showed: when another PC recorded or changed
        the term since, the record is refused (ConflictError) and the form keeps its input."""
        return self._record_performance(term_id, on, status, amount, note, version)

    def _record_performance(self, term_id: int, on: date | None, status: str, amount: Decimal | None,
                            note: str, version: int | None) -> AgreementView:
        note = (note or "").strip()
        with self.ctx.db.write() as s:
            term = s.get(AgreementTerm, term_id)
            if term is None:
                raise NotFoundError("找不到这一条协议内容，可能已被删除")
            if version is not None and term.version != version:
                raise ConflictError(STALE_MESSAGE)
            a = s.get(Agreement, term.agreement_id)
            assert a is not None
            case = self._load(s, a.case_id)
            label = _term_label(term.position)
            if case.status not in PERFORMANCE_STATES:
                raise TransitionError(f"案件当前状态为“{CaseStatus(case.status).label}”，不能再记录履行情况")
            if term.kind == TermKind.STATEMENT.value:
                raise TransitionError(f"{label}是其他约定，没有需要履行的内容")
            if a.signed_on is None:
                raise TransitionError("协议还没有生效日期：请先在协议中填写生效日期，再记录履行情况")
            p: list[FieldProblem] = []
            if on is None:
                p.append(FieldProblem("on", "请填写履行日期"))
            elif on > self.ctx.today():
                p.append(FieldProblem("on", "履行日期不能晚于今天"))
            elif on < a.signed_on:
                p.append(FieldProblem("on", f"履行日期不能早于协议生效日期（{chinese_date(a.signed_on)}）"))
            if status not in TermStatus.__members__.values():
                p.append(FieldProblem("status", "请选择履行情况"))
            problem = _amount_problem(amount)
            if problem:
                p.append(FieldProblem("amount", problem))
            if len(note) > 2000:
                p.append(FieldProblem("note", "“备注”太长（不能超过2000字）"))
            if p:
                raise ValidationError(p)
            assert on is not None
            old = term.status
            term.performances.append(TermPerformance(
                on=on, status=status, amount=amount, note=note, recorded_at=self.ctx.now(),
                actor=self.ctx.actor.name))
            term.status = status
            s.flush()
            text = f"{label}履行情况：{TermStatus(old).label} → {TermStatus(status).label}（{chinese_date(on)}"
            if amount is not None:
                text += f"，履行金额{amount_text(amount)}"
            text += "）" + (f"：{note}" if note else "")
            self.ctx.audit(s, "perform", "agreement_term", term.id, case_id=case.id, text=text,
                           from_status=old, to_status=status)
            s.flush()
            return self._view(s, case)

    # -- internals ----------------------------------------------------------------------------

    def _load(self, s: Session, case_id: int, *, agreement: bool = True) -> Case:
        options = [selectinload(Case.parties)]
        if agreement:
            options.append(selectinload(Case.agreement).selectinload(Agreement.terms)
                           .selectinload(AgreementTerm.performances))
        return load_case(s, case_id, options)

    @staticmethod
    def _apply_term(row: AgreementTerm, d: TermDraft, position: int, names: list[str]) -> None:
        statement = d.kind == TermKind.STATEMENT.value
        row.position = position
        row.kind = d.kind
        row.subject = d.subject
        # A statement (其他约定) owes nothing: it keeps no obligor, amount or dates.
        row.obligor = None if statement else d.obligor
        row.obligee = None if statement else d.obligee
        row.amount = None if statement or d.amount is None else d.amount.quantize(CENT)
        row.instalments = [] if statement else _instalments_json(d.instalments)
        row.due_on = None if statement else d.due_on
        row.method = "" if statement else d.method
        row.place = "" if statement else d.place
        edited = bool(d.text_edited and d.text)
        row.text_edited = edited
        row.text = d.text if edited else clause_text(term_fields(row), names)

    @staticmethod
    def _term_changed(row: AgreementTerm, d: TermDraft, position: int) -> bool:
        before = term_fields(row)
        after = d.fields()
        if d.kind == TermKind.STATEMENT.value:
            after = TermFields(kind=d.kind, subject=d.subject)
        if after.amount is not None:
            after.amount = after.amount.quantize(CENT)
        for i in after.instalments:
            if i.amount is not None:
                i.amount = i.amount.quantize(CENT)
        edited = bool(d.text_edited and d.text)
        return (before != after or row.position != position or bool(row.text_edited) != edited
                or (edited and row.text != d.text))

    @staticmethod
    def _changes(a: Agreement, d: AgreementDraft, new: bool) -> list[str]:
        if new:
            return []
        out = []
        if a.form != d.form:
            out.append(f"协议形式改为{AgreementForm(d.form).label}")
        if (a.number or "") != d.number:
            out.append("修改编号")
        if a.facts != d.facts:
            out.append("修改纠纷主要事实、争议事项")
        if a.responsibilities != d.responsibilities:
            out.append("修改各方责任")
        if a.signed_on != d.signed_on:
            out.append(f"生效日期：{chinese_date(a.signed_on) or '未填'} → {chinese_date(d.signed_on) or '未填'}")
        if a.copies != d.copies:
            out.append(f"份数：{a.copies or '未填'} → {d.copies or '未填'}")
        return out

    @staticmethod
    def _audit_text(case: Case, d: AgreementDraft, new: bool, changes: list[str]) -> str:
        form = AgreementForm(d.form).label
        if new:
            return f"填写{form}（{len(d.terms)}条）"
        head = "调解成功后更正调解协议" if case.status == CaseStatus.AGREED.value else f"修改{form}"
        return head + (f"：{'；'.join(changes)}" if changes else "（内容未变）")

    @staticmethod
    def _performance_view(r: TermPerformance) -> PerformanceView:
        return PerformanceView(r.id, r.term_id, r.on, r.status, r.amount, r.note, r.recorded_at, r.actor)

    def _view(self, s: Session, case: Case) -> AgreementView:
        a = case.agreement
        assert a is not None
        names = [p.name for p in case.parties]
        terms = []
        lines = []
        for k, t in enumerate(a.terms):
            f = term_fields(t)
            problems = tuple(clause_problems(f, t.text, t.text_edited, names))
            if problems:
                lines.append(f"{_term_label(k)}内容不明确：{'；'.join(problems)}")
            paid = [r.amount for r in t.performances if r.amount is not None]
            terms.append(TermView(
                id=t.id, number=k + 1, kind=t.kind, obligor=t.obligor, obligee=t.obligee,
                subject=t.subject, amount=t.amount, instalments=tuple(f.instalments),
                due_on=t.due_on, method=t.method, place=t.place, text=t.text,
                text_edited=bool(t.text_edited), status=t.status, problems=problems,
                preview=clause_text(f, names),
                performances=tuple(self._performance_view(r) for r in t.performances),
                paid=sum(paid, Decimal(0)) if paid else None, version=t.version))
        return AgreementView(
            id=a.id, case_id=case.id, case_code=case.code, case_status=case.status,
            version=a.version, form=a.form, number=a.number or "", facts=a.facts,
            responsibilities=a.responsibilities, signed_on=a.signed_on, copies=a.copies,
            terms=tuple(terms), parties=tuple(names), problems=tuple(lines),
            success_problems=tuple(agreement_problems(s, case))
            if case.status == CaseStatus.IN_MEDIATION.value else ())


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
