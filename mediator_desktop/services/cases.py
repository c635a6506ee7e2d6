"""Cases (案件): intake (受理登记), editing, state changes, the case list and party look-ups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from sys import intern
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from mediator_desktop.domain import codes, states
from mediator_desktop.domain.checklist import checklist, missing
from mediator_desktop.domain.deadlines import mediation_time_limit
from mediator_desktop.domain.enums import (
    RUNNING_STATUSES,
    CaseSource,
    CaseStatus,
    MediatorRole,
    RiskLevel,
    SessionKind,
    TerminationReason,
    TermStatus,
)
from mediator_desktop.domain.identity import mask_id_number, mask_phone
from mediator_desktop.domain.party_fields import PARTY_FIELD_NAMES
from mediator_desktop.domain.permissions import Permission
from mediator_desktop.domain.pinyin import name_search_keys
from mediator_desktop.domain.search import build_search_text, char_tokens, party_terms, query_terms
from mediator_desktop.domain.text import amount_figures, chinese_date, clause_number
from mediator_desktop.domain.workdays import Deadline
from mediator_desktop.errors import STALE_MESSAGE
from mediator_desktop.services import risk
from mediator_desktop.services.case_facts import agreement_problems, case_file_facts, load_case
from mediator_desktop.services.context import Service
from mediator_desktop.services.dto import (
    AgentDraft,
    AgentView,
    CaseDetail,
    CaseDraft,
    CaseQuery,
    CaseRow,
    ExtensionView,
    HistoryEntry,
    KnownParty,
    MediatorOnCase,
    PartyDraft,
    PartyMatch,
    PartyView,
    TerminationView,
    TimelineEntry,
)
from mediator_desktop.services.errors import (
    ConflictError,
    FieldProblem,
    NotFoundError,
    TransitionError,
    ValidationError,
)
from mediator_desktop.services.guard import CaseRights, case_rights
from mediator_desktop.services.risk import RiskChangeDraft
from mediator_desktop.services.validation import validate_party
from mediator_desktop.storage import search
from mediator_desktop.storage.models import (
    AuditEntry,
    Case,
    CaseMediator,
    CaseNote,
    CaseParty,
    CaseSequence,
    DisputeType,
    Mediator,
    Organization,
    PartyAgent,
    StatusChange,
    Termination,
    TimeLimitExtension,
)

NAME_JOINER = "、"
#: How many of the newest cases a search looks through before using the full-text indexes.
RECENT_WINDOW = 3000


def full_pinyin(name: str) -> str:
    """``zhangsan`` for 张三: the first word of :func:`name_search_keys`."""
    keys = name_search_keys(name)
    return keys.split(" ", 1)[0] if keys else ""


# -- codes ----------------------------------------------------------------------------------


def _ensure_series(session: Session, organization_id: int, year: int) -> None:
    """Create the year's series row if missing (two PCs may race: the loser does nothing)."""
    # (The dialects' own INSERT … ON CONFLICT; imported here: PostgreSQL's pulls in asyncpg's
    # module, 50 ms of every start on a PC that never sees PostgreSQL.)
    from sqlalchemy.dialects import postgresql, sqlite

    insert = sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert
    session.execute(
        insert(CaseSequence)
        .values(organization_id=organization_id, year=year, last_n=0)
        .on_conflict_do_nothing()
    )


def allocate_number(session: Session, organization_id: int, year: int) -> int:
    """Next number of the organisation's series for ``year``.

    The ``UPDATE … RETURNING`` takes a row lock, so two PCs registering at the same moment on
    PostgreSQL get different numbers; on SQLite the write transaction is already exclusive.
    """
    return allocate_block(session, organization_id, year, 1)


def allocate_block(session: Session, organization_id: int, year: int, count: int) -> int:
    """Reserve ``count`` consecutive numbers of the series; returns the first."""
    _ensure_series(session, organization_id, year)
    return session.execute(
        update(CaseSequence)
        .where(CaseSequence.organization_id == organization_id, CaseSequence.year == year)
        .values(last_n=CaseSequence.last_n + count)
        .returning(CaseSequence.last_n)
        .execution_options(synchronize_session=False)
    ).scalar_one() - count + 1


def assign_code(session: Session, org: Organization, case: Case, year: int) -> None:
    while True:
        n = allocate_number(session, org.id, year)
        code = codes.format_code(org.code_pattern, year=year, short_name=org.short_name, n=n)
        if not session.scalar(select(Case.id).where(Case.code == code)):
            case.code, case.code_year, case.code_n = code, year, n
            return


def code_sort_key(org: Organization, code: str, received_on: date) -> tuple[int, int]:
    """``code_year`` and ``code_n`` of a case with ``code``: the year and number of a code of
    the organisation's pattern, else the received year and 0."""
    parsed = codes.parse_code(org.code_pattern, org.short_name, code)
    return parsed if parsed else (received_on.year, 0)


# -- denormalised columns ---------------------------------------------------------------------


def refresh_derived(case: Case) -> None:
    """Recompute the list and search columns from the case's parts."""
    mediators = [(m.role, m.position, m.mediator.name) for m in case.mediators if m.mediator is not None]
    for name, value in derived_values(case.code, case.title, case.summary, case.requests or [],
                                      case.parties, mediators).items():
        setattr(case, name, value)


def derived_values(code: str, title: str, summary: str, requests: list[str],
                   parties: Iterable[CaseParty | PartyDraft], mediators: Iterable[tuple[str, int, str]]
                   ) -> dict[str, str]:
    """The list and search columns of a case (``party_names``, ``mediator_names``,
    ``search_text``, ``search_chars``) from its parts: the parties in order (stored rows or
    drafts), the mediators as (role, position, name)."""
    parties = list(parties)
    names = [name for _role, _position, name in sorted(mediators, key=lambda m: (m[0] != "presiding", m[1]))]
    search_text = build_search_text(
        code=code,
        title=title,
        summary=summary,
        requests=requests,
        parties=(
            party_terms(p.name, p.kind, p.phone, p.id_number, p.credit_code, [a.name for a in p.agents])
            for p in parties
        ),
        mediator_names=names,
    )
    return {
        "party_names": NAME_JOINER.join(p.name for p in parties)[:1000],
        "mediator_names": NAME_JOINER.join(names)[:400],
        "search_text": search_text,
        "search_chars": char_tokens(search_text),
    }


def apply_party(row: CaseParty, draft: PartyDraft, position: int) -> None:
    for name, value in party_values(draft, position).items():
        setattr(row, name, value)
    row.agents = [PartyAgent(**agent_values(a, i)) for i, a in enumerate(draft.agents)]


def party_values(draft: PartyDraft, position: int) -> dict[str, Any]:
    """The stored party row's own columns for ``draft`` at ``position`` (its agents apart)."""
    values = {name: getattr(draft, name) for name in PARTY_FIELD_NAMES}
    values["position"] = position
    values["name_pinyin"] = full_pinyin(draft.name) if draft.kind == "person" else ""
    return values


def agent_values(agent: AgentDraft, position: int) -> dict[str, Any]:
    """The stored agent row's columns (its party apart)."""
    return {"position": position, "kind": agent.kind, "name": agent.name, "phone": agent.phone,
            "id_number": agent.id_number}


def party_view(p: CaseParty) -> PartyView:
    return PartyView(
        id=p.id, position=p.position, **{name: getattr(p, name) for name in PARTY_FIELD_NAMES},
        agents=tuple(AgentView(a.kind, a.name, a.phone, a.id_number) for a in p.agents),
        version=p.version,
    )


def _row(r: Any) -> CaseRow:
    """A list row; the few distinct values repeated on every row are shared, not copied
    (a scrolled-through list of 100,000 cases then costs tens of MB less)."""
    return CaseRow(r[0], r[1], r[2], intern(r[3]), intern(r[4]), r[5], r[6], r[7], intern(r[8]),
                   intern(r[9]), r[10], r[11])


class CaseService(Service):
    # -- validation ---------------------------------------------------------------------------

    def validate(self, draft: CaseDraft, session: Session, *, new: bool,
                 case: Case | None = None) -> list[FieldProblem]:
        """All problems of a draft; normalises the draft's values in place. ``case``: the case
        an edit changes (its risk level and plan are what a change of level is checked against)."""
        p: list[FieldProblem] = []
        today = self.ctx.today()
        if draft.received_on is None:
            p.append(FieldProblem("received_on", "请填写“受理日期”"))
        elif draft.received_on > today:
            p.append(FieldProblem("received_on", "“受理日期”不能晚于今天"))
        elif draft.received_on.year < 2000:
            p.append(FieldProblem("received_on", "“受理日期”年份不对，请核对"))
        if draft.source not in CaseSource.__members__.values():
            p.append(FieldProblem("source", "请选择“案件来源”"))
        if draft.risk_level not in RiskLevel.__members__.values():
            p.append(FieldProblem("risk_level", "请选择“风险等级”"))
        else:
            p.extend(self._risk_problems(draft, case))
        draft.dispute_type = (draft.dispute_type or "").strip()
        if not draft.dispute_type:
            p.append(FieldProblem("dispute_type", "请选择“纠纷类型”"))
        else:
            dtype = session.scalar(select(DisputeType).where(DisputeType.name == draft.dispute_type))
            if dtype is None:
                p.append(FieldProblem("dispute_type", f"纠纷类型“{draft.dispute_type}”不在纠纷类型表中"))
            elif new and not dtype.active:
                p.append(FieldProblem("dispute_type", f"纠纷类型“{draft.dispute_type}”已停用，请另选"))
        draft.title = draft.title.strip()
        if len(draft.title) > 300:
            p.append(FieldProblem("title", "“案件名称”不能超过300个字"))
        draft.summary = draft.summary.strip()
        if not draft.summary:
            p.append(FieldProblem("summary", "请填写“纠纷简要情况”"))
        elif len(draft.summary) > 20000:
            p.append(FieldProblem("summary", "“纠纷简要情况”太长（不能超过20000字）"))
        draft.requests = [r.strip() for r in draft.requests if r and r.strip()]
        draft.recorder = draft.recorder.strip()
        if len(draft.recorder) > 100:
            p.append(FieldProblem("recorder", "“记录人”不能超过100个字"))
        seen: set[int] = set()
        for i, m in enumerate(draft.mediators):
            if m.role not in MediatorRole.__members__.values():
                p.append(FieldProblem(f"mediators[{i}].role", "请选择调解员角色"))
            if m.mediator_id in seen:
                p.append(FieldProblem(f"mediators[{i}]", "同一位调解员不能重复指定"))
            seen.add(m.mediator_id)
        if seen:
            found = set(session.scalars(select(Mediator.id).where(Mediator.id.in_(seen))))
            for i, m in enumerate(draft.mediators):
                if m.mediator_id not in found:
                    p.append(FieldProblem(f"mediators[{i}]", "指定的调解员不存在"))
        if not draft.parties:
            p.append(FieldProblem("parties", "请至少添加一位当事人"))
        elif len(draft.parties) == 1:
            p.append(FieldProblem("parties", "只有一位当事人。纠纷通常至少涉及两方，确认继续吗？", warning=True))
        for i, party in enumerate(draft.parties):
            p.extend(validate_party(party, f"parties[{i}]", today))
        return p

    def _risk_change(self, draft: CaseDraft, current: str) -> RiskChangeDraft:
        """The level of the form as a change from ``current`` (services/risk.py): who was told is
        the form's 已报告, on the day it gives (today when none)."""
        told = draft.risk_reported_to.strip()
        at = (datetime.combine(draft.risk_reported_on, self.ctx.now().time()) if draft.risk_reported_on
              else self.ctx.now()) if told else None
        return RiskChangeDraft(level=draft.risk_level, reported_to=told, reported_at=at, note="",
                               plan=draft.risk_plan if draft.risk_level == RiskLevel.RED.value else None)

    def _risk_problems(self, draft: CaseDraft, case: Case | None) -> list[FieldProblem]:
        """The risk rules of services/risk.py for the intake form and 修改案件信息: a level above
        无 needs who was told; red needs its 一案一策; lowering is done where a reason is asked."""
        current = (case.risk_level if case is not None else RiskLevel.NONE.value) or RiskLevel.NONE.value
        if draft.risk_level == current:
            return []
        if risk.ORDER.index(draft.risk_level) < risk.ORDER.index(current):
            return [FieldProblem("risk_level", "降低风险等级请到本案“风险与移交”页按“调整风险等级…”，并写明理由")]
        has_plan = case is not None and case.risk_plan is not None
        problems = risk.change_problems(current, self._risk_change(draft, current), has_plan, self.ctx.now(),
                                        reported_to_field="risk_reported_to", reported_at_field="risk_reported_to")
        return [FieldProblem(x.field.replace("plan.", "risk_plan.", 1), x.message, x.warning) for x in problems]

    def _record_risk(self, s: Session, case: Case, old: str, draft: CaseDraft, via: str) -> None:
        """Keep the change of level the form made (a RiskChange, the plan, the audit line)."""
        if draft.risk_level == old:
            return
        change = self._risk_change(draft, old)
        case.risk_level = old
        risk.apply_change(self.ctx, s, case, change, via=via)

    def _raise_if_blocking(self, problems: list[FieldProblem], confirmed: Iterable[str]) -> None:
        confirmed = set(confirmed)
        errors = [x for x in problems if not x.warning]
        unconfirmed = [x for x in problems if x.warning and x.field not in confirmed]
        if errors or unconfirmed:
            raise ValidationError(errors + unconfirmed)

    # -- writes -------------------------------------------------------------------------------

    def register(self, draft: CaseDraft) -> CaseDetail:
        """受理登记: create a case in state 登记 with its one unique code (一事一码)."""
        with self.ctx.db.write() as s:
            problems = self.validate(draft, s, new=True)
            self._raise_if_blocking(problems, draft.confirmed_warnings)
            org = self._organization(s)
            now = self.ctx.now()
            case = Case(
                organization_id=org.id, status=CaseStatus.REGISTERED.value, created_at=now,
                created_by=self.ctx.actor.name, updated_at=now, code="", code_year=0, code_n=0,
            )
            self._apply(s, case, draft)
            presiding = next((m.mediator.name for m in case.mediators if m.role == MediatorRole.PRESIDING.value), "")
            case.first_receiver = risk.first_receiver_of(presiding, case.recorder, self.ctx.actor.name)
            assert draft.received_on is not None
            assign_code(s, org, case, draft.received_on.year)
            refresh_derived(case)
            s.add(case)
            s.flush()
            self._record_risk(s, case, RiskLevel.NONE.value, draft, "受理登记，")
            s.add(StatusChange(case_id=case.id, at=now, actor=self.ctx.actor.name,
                               from_status=None, to_status=case.status))
            self.ctx.audit(s, "register", "case", case.id, case_id=case.id,
                           text=f"登记案件 {case.code}")
            s.flush()
            return self._detail(s, case.id)

    def update(self, case_id: int, version: int, draft: CaseDraft) -> CaseDetail:
        """Save edits made on a case opened at ``version``; a stale version is refused."""
        with self.ctx.db.write() as s:
            case = self._load(s, case_id)
            if case.version != version:
                raise ConflictError(STALE_MESSAGE)
            problems = self.validate(draft, s, new=False, case=case)
            problems.extend(self._party_order_problems(s, case, draft))
            self._raise_if_blocking(problems, draft.confirmed_warnings)
            old_level = case.risk_level or RiskLevel.NONE.value
            self._apply(s, case, draft)
            self._record_risk(s, case, old_level, draft, "修改案件信息，")
            case.updated_at = self.ctx.now()
            refresh_derived(case)
            s.flush()
            self.ctx.audit(s, "update", "case", case.id, case_id=case.id, text="修改案件信息")
            s.flush()
            return self._detail(s, case.id)

    def conflict_text(self, case_id: int, opened: CaseDraft) -> str:
        """What to say when a save was refused because another PC saved the case since it was
        opened as ``opened``: who saved it, when, and which parts they changed."""
        from mediator_desktop.services.dto import changed_parts

        now = self.get(case_id)
        parts = changed_parts(opened, now.to_draft())
        last = now.history[-1] if now.history else None
        who = f"（{last.actor}，{last.at:%m月%d日%H:%M}）" if last is not None else ""
        what = f"，改动了：{'、'.join(parts)}" if parts else ""
        return (f"保存不了：这个案件刚被其他电脑修改过{who}{what}。您填写的内容仍在屏幕上；"
                "请记下或复制您的修改，关闭后重新打开，在最新内容上再改一次。")

    @staticmethod
    def _party_order_problems(s: Session, case: Case, draft: CaseDraft) -> list[FieldProblem]:
        """Sessions (parties present), notes and agreement terms (who owes whom) refer to parties
        by position: once any exists, parties may be added at the end but not removed or
        reordered, or a term would silently name someone else."""
        used = bool(case.sessions) or case.agreement is not None or bool(case.follow_ups) or bool(
            s.scalar(select(func.count()).select_from(CaseNote).where(
                CaseNote.case_id == case.id, CaseNote.party.is_not(None))))
        if not used:
            return []
        before = [p.id for p in case.parties]
        after = [d.id for d in draft.parties]
        if after[:len(before)] == before:
            return []
        return [FieldProblem("parties", "本案已有调解活动或协议，它们按顺序引用当事人："
                                        "已有的当事人不能删除或调换顺序，新当事人只能加在最后")]

    def transition(self, case_id: int, version: int, target: str, *, reason: str = "",
                   routes_explained: bool | None = None, reason_kind: str | None = None) -> CaseDetail:
        """Move a case to another state; who and when are recorded.

        Guards (LEGAL.md §1, §4, §7): mediation needs a mediator; 调解成功 needs a complete,
        clear agreement, every party told their rights and a signed mediation record; 终止调解
        needs its reason and that other routes were explained; 归档 needs every required item
        of the case file.
        """
        reason = reason.strip()
        with self.ctx.db.write() as s:
            case = self._load(s, case_id)
            if case.version != version:
                raise ConflictError(STALE_MESSAGE)
            problem = states.transition_problem(case.status, target)
            if problem:
                raise TransitionError(problem)
            tgt = CaseStatus(target)
            if tgt is CaseStatus.TERMINATED:
                problems = []
                if reason_kind not in TerminationReason.__members__.values():
                    problems.append(FieldProblem("reason_kind", "请选择终止调解的原因"))
                if not reason:
                    problems.append(FieldProblem("reason", "“终止调解”须填写原因"))
                if not routes_explained:
                    problems.append(FieldProblem(
                        "routes_explained",
                        "终止调解前须告知当事人可通过仲裁、行政、司法等途径解决，请确认已告知"))
                if problems:
                    raise ValidationError(problems)
            elif tgt in states.NEEDS_REASON and not reason:
                raise ValidationError([FieldProblem("reason", f"“{tgt.label}”须填写原因")])
            self._guard(s, case, tgt)
            if tgt is CaseStatus.TERMINATED:
                case.termination = Termination(on=self.ctx.today(), reason=reason,
                                               routes_explained=True, reason_kind=reason_kind)
            now = self.ctx.now()
            old = case.status
            case.status = tgt.value
            case.updated_at = now
            s.add(StatusChange(case_id=case.id, at=now, actor=self.ctx.actor.name,
                               from_status=old, to_status=tgt.value, reason=reason))
            text = f"状态：{CaseStatus(old).label} → {tgt.label}" + (f"（{reason}）" if reason else "")
            self.ctx.audit(s, "transition", "case", case.id, case_id=case.id, text=text,
                           from_status=old, to_status=tgt.value)
            s.flush()
            return self._detail(s, case.id)

    def _guard(self, s: Session, case: Case, target: CaseStatus) -> None:
        if target is CaseStatus.TERMINATED and case.agreement is not None:
            raise TransitionError("本案已填写调解协议；如确实终止调解，请先在“协议与履行”中删除协议")
        if target is CaseStatus.IN_MEDIATION and not case.mediators:
            raise TransitionError("开始调解前请先在“修改案件信息”中指定调解员")
        if target is CaseStatus.AGREED:
            problems = agreement_problems(s, case)
            if problems:
                raise TransitionError("还不能标记为“调解成功”：\n" + "\n".join(f"· {p}" for p in problems))
        if target is CaseStatus.CLOSED:
            lines = missing(checklist(case_file_facts(s, case)))
            if lines:
                raise TransitionError("卷宗缺少必备材料，不能归档：\n" + "\n".join(
                    f"· {x.number}. {x.name}：{x.detail}" for x in lines))

    def extend_time_limit(self, case_id: int, version: int, new_due_on: date | None, consent: str,
                          *, parties_agreed: bool) -> CaseDetail:
        """延长调解期限: only with every party's consent (MOJ-2002 33), to a later date."""
        consent = consent.strip()
        with self.ctx.db.write() as s:
            case = self._load(s, case_id)
            if case.version != version:
                raise ConflictError(STALE_MESSAGE)
            if case.status not in RUNNING_STATUSES:
                raise TransitionError(
                    f"案件当前状态为“{CaseStatus(case.status).label}”，只有受理后、调解结束前才能延长调解期限")
            current = self._time_limit(case)
            problems = []
            if new_due_on is None:
                problems.append(FieldProblem("new_due_on", "请填写延长后的“调解期限”"))
            elif new_due_on <= current.due:
                problems.append(FieldProblem(
                    "new_due_on", f"延长后的期限须晚于现在的期限（{chinese_date(current.due)}）"))
            elif new_due_on <= self.ctx.today():
                problems.append(FieldProblem("new_due_on", "延长后的期限须晚于今天"))
            if not parties_agreed:
                problems.append(FieldProblem("parties_agreed", "延长调解期限须经双方当事人同意，请确认"))
            if not consent:
                problems.append(FieldProblem("consent", "请写明当事人同意延长的方式（如：双方在调解记录上签字同意）"))
            if problems:
                raise ValidationError(problems)
            assert new_due_on is not None
            now = self.ctx.now()
            case.extensions.append(TimeLimitExtension(new_due_on=new_due_on, consent=consent,
                                                      recorded_at=now, actor=self.ctx.actor.name))
            case.updated_at = now
            self.ctx.audit(s, "extend", "case", case.id, case_id=case.id,
                           text=f"延长调解期限至{chinese_date(new_due_on)}（{consent}）")
            s.flush()
            return self._detail(s, case.id)

    def _time_limit(self, case: Case) -> Deadline:
        extended = case.extensions[-1].new_due_on if case.extensions else None
        return mediation_time_limit(case.received_on, case.source, extended, self.ctx.calendar(),
                                    simple_procedure=case.simple_procedure)

    # -- reads --------------------------------------------------------------------------------

    def get(self, case_id: int) -> CaseDetail:
        with self.ctx.db.read() as s:
            return self._detail(s, case_id)

    def rights(self, case_id: int) -> CaseRights:
        """What the signed-in user may write on the case — the rule the guard refuses writes
        by (``services/guard.py``), so the window greys exactly what would be refused."""
        if self.ctx.actor.permissions is None:
            return CaseRights()
        with self.ctx.db.read() as s:
            return case_rights(self.ctx.actor, s, case_id)

    def get_by_code(self, code: str) -> CaseDetail:
        with self.ctx.db.read() as s:
            case_id = s.scalar(select(Case.id).where(Case.code == code.strip()))
            if case_id is None:
                raise NotFoundError(f"找不到案号为“{code}”的案件")
            return self._detail(s, case_id)

    def _filtered(self, stmt: Select, query: CaseQuery, *, scan: bool = False) -> Select:  # type: ignore[type-arg]
        terms = query_terms(query.text)
        conditions = (search.like_conditions(terms) if scan
                      else search.text_conditions(self.ctx.db.dialect, terms, cjk_words=self.ctx.db.cjk_words))
        if query.status:
            conditions.append(Case.status == query.status)
        if query.dispute_type_id is not None:
            child_ids = select(DisputeType.id).where(
                or_(DisputeType.id == query.dispute_type_id,
                    DisputeType.parent_id == query.dispute_type_id))
            conditions.append(Case.dispute_type_id.in_(child_ids))
        if query.mediator_id is not None:
            conditions.append(Case.id.in_(
                select(CaseMediator.case_id).where(CaseMediator.mediator_id == query.mediator_id)))
        if query.risk_level:
            conditions.append(Case.risk_level == query.risk_level)
        if query.received_from:
            conditions.append(Case.received_on >= query.received_from)
        if query.received_to:
            conditions.append(Case.received_on <= query.received_to)
        return stmt.where(*conditions) if conditions else stmt

    def page(self, query: CaseQuery, after: CaseRow | None = None, limit: int = 200) -> list[CaseRow]:
        """One page of the case list, continuing after the last row shown (keyset paging, so
        scrolling to the 100,000th case costs the same as the first page)."""
        stmt = select(
            Case.id, Case.code, Case.received_on, Case.status, DisputeType.name,
            Case.dispute_type_id, Case.title, Case.party_names, Case.mediator_names,
            Case.risk_level, Case.code_year, Case.code_n,
        ).join(DisputeType, DisputeType.id == Case.dispute_type_id)
        cols = search.sort_columns(query.sort)
        order = [c.desc() if query.descending else c.asc() for c in cols]
        with self.ctx.db.read() as s:
            if after is None and query.text.strip() and query.sort == "received_on" and query.descending:
                # A common word (a surname, "138") matches thousands of cases; looking through
                # the newest few thousand first fills the page without touching the rest.
                probe = self._filtered(stmt, query, scan=True).where(search.recent_window(RECENT_WINDOW))
                rows = [_row(r) for r in s.execute(probe.order_by(*order).limit(limit))]
                if len(rows) == limit:
                    return rows
            full = self._filtered(stmt, query)
            if after is not None:
                full = full.where(search.after_condition(query.sort, query.descending, after))
            return [_row(r) for r in s.execute(full.order_by(*order).limit(limit))]

    def timeline(self, case_id: int) -> list[TimelineEntry]:
        """Everything that happened in the case, in order: sessions held, the agreement taking
        effect, performance, visits, termination — and every entry made, with who and when."""
        with self.ctx.db.read() as s:
            case = load_case(s, case_id, [selectinload(Case.sessions), selectinload(Case.follow_ups)])
            names = [p.name for p in case.parties]
            mediators = {m.mediator_id: m.mediator.name for m in case.mediators}
            out: list[TimelineEntry] = []
            for x in case.sessions:
                if x.cancelled:
                    continue
                who = "、".join(mediators.get(i, "") for i in (x.mediator_ids or []) if i in mediators) \
                    or case.mediator_names
                present = "、".join(names[i] for i in (x.present or []) if 0 <= i < len(names))
                text = f"{SessionKind(x.kind).label}" + (f"（{x.place}）" if x.place else "")
                if present:
                    text += f"，到场：{present}"
                if x.signed_at:
                    text += "；记录已宣读签字"
                out.append(TimelineEntry(x.starts_at, who, "活动", text))
            a = case.agreement
            if a is not None and a.signed_on:
                what = "书面调解协议生效" if a.form == "written" else "达成口头协议"
                out.append(TimelineEntry(datetime.combine(a.signed_on, time(0)), case.mediator_names,
                                         "活动", what + (f"（{a.number}）" if a.number else "")))
            if a is not None:
                for k, t in enumerate(a.terms, 1):
                    for perf in t.performances:
                        text = f"第{clause_number(k)}条履行情况：{TermStatus(perf.status).label}"
                        if perf.amount is not None:
                            text += f"，{amount_figures(perf.amount)}"
                        out.append(TimelineEntry(datetime.combine(perf.on, time(0)), perf.actor, "活动",
                                                 text + (f"（{perf.note}）" if perf.note else "")))
            for f in case.follow_ups:
                if f.done_on:
                    party = names[f.party] if f.party is not None and 0 <= f.party < len(names) else ""
                    out.append(TimelineEntry(datetime.combine(f.done_on, time(0)), f.visitor, "活动",
                                             f"回访{party}"))
            if case.termination is not None and case.termination.on:
                out.append(TimelineEntry(datetime.combine(case.termination.on, time(0)), "", "活动",
                                         f"终止调解：{case.termination.reason}"))
            for entry in s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)
                                   .order_by(AuditEntry.id)):
                out.append(TimelineEntry(entry.at, entry.actor, "操作",
                                         (entry.detail or {}).get("text", entry.action)))
        out.sort(key=lambda e: (e.at, e.kind != "活动"))
        return out

    def count(self, query: CaseQuery, cap: int | None = None) -> int:
        """How many cases match; with ``cap``, counting stops after ``cap + 1`` (the list says
        "1,000 多件"), so a common search word does not cost a scan of every case."""
        plain_text = not (query.status or query.dispute_type_id is not None or query.mediator_id is not None
                          or query.risk_level or query.received_from or query.received_to)
        fast = None
        terms = query_terms(query.text)
        if cap is not None and plain_text and len(terms) == 1 and len(terms[0]) < 3 and terms[0][-1].isascii():
            # One or two letters or digits are a prefix search in the word index ("1" reaches
            # every phone and ID number: 120 ms at 100,000 cases). Such a term fills the cap
            # among the newest cases already, as the list's first page does: "1,000 多件"
            # without asking the index about every match.
            recent = self._filtered(select(Case.id), query, scan=True).where(
                search.recent_window(RECENT_WINDOW)).limit(cap + 1).subquery()
            with self.ctx.db.read() as s:
                if int(s.scalar(select(func.count()).select_from(recent)) or 0) > cap:
                    return cap + 1
        if cap is not None and plain_text:
            fast = search.capped_match_count(self.ctx.db.dialect, terms, cap)
        if fast is not None:
            stmt = fast
        elif cap is None:
            stmt = self._filtered(select(func.count(Case.id)), query)
        else:
            inner = self._filtered(select(Case.id), query).limit(cap + 1).subquery()
            stmt = select(func.count()).select_from(inner)
        with self.ctx.db.read() as s:
            return int(s.scalar(stmt) or 0)

    def status_counts(self) -> dict[str, int]:
        with self.ctx.db.read() as s:
            return {k: v for k, v in s.execute(select(Case.status, func.count()).group_by(Case.status))}

    def find_party_matches(self, *, name: str = "", id_number: str = "", phone: str = "",
                           exclude_case_id: int | None = None, limit: int = 20) -> list[PartyMatch]:
        """Earlier cases with the same ID number, phone, name or a homophone name — a repeat
        dispute (重复纠纷) or a possible conflict of interest (回避)."""
        name, id_number, phone = name.strip(), id_number.strip().upper(), phone.strip()
        pin = full_pinyin(name) if name else ""
        conds = []
        if id_number:
            conds.append(CaseParty.id_number == id_number)
        if phone:
            conds.append(CaseParty.phone == phone)
        if name:
            conds.append(CaseParty.name == name)
        if pin and len(pin) >= 2:
            conds.append(CaseParty.name_pinyin == pin)
        if not conds:
            return []
        stmt = (
            select(CaseParty, Case.code, Case.status, Case.received_on)
            .join(Case, Case.id == CaseParty.case_id)
            .where(or_(*conds))
            .order_by(Case.received_on.desc(), Case.id.desc())
            .limit(limit * 3)
        )
        if exclude_case_id is not None:
            stmt = stmt.where(Case.id != exclude_case_id)
        matches: dict[tuple[int, int], PartyMatch] = {}
        with self.ctx.db.read() as s:
            for party, code, status, received_on in s.execute(stmt):
                reasons = []
                if id_number and party.id_number == id_number:
                    reasons.append("身份证号相同")
                if phone and party.phone == phone:
                    reasons.append("电话相同")
                if name and party.name == name:
                    reasons.append("姓名相同")
                elif pin and party.name_pinyin == pin:
                    reasons.append("姓名同音")
                key = (party.case_id, party.id)
                matches[key] = PartyMatch(party.case_id, code, status, received_on, party.name,
                                          party.role, tuple(reasons))
        return list(matches.values())[:limit]

    def find_known_parties(self, text: str, limit: int = 20) -> list[KnownParty]:
        """Parties of earlier cases whose name, pinyin, ID number or phone starts with ``text``,
        newest first, one entry per person (a returning party is picked, not retyped)."""
        text = text.strip()
        if not text:
            return []
        pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = (
            select(CaseParty.id, Case.code, CaseParty.name, CaseParty.kind, CaseParty.id_number,
                   CaseParty.phone, CaseParty.address)
            .join(Case, Case.id == CaseParty.case_id)
            .where(or_(CaseParty.name.like(pattern, escape="\\"),
                       CaseParty.name_pinyin.like(pattern.lower(), escape="\\"),
                       CaseParty.id_number.like(pattern.upper(), escape="\\"),
                       CaseParty.phone.like(pattern, escape="\\")))
            .order_by(Case.received_on.desc(), CaseParty.id.desc())
            .limit(limit * 5)
        )
        seen: set[tuple[str, str, str]] = set()
        found: list[KnownParty] = []
        with self.ctx.db.read() as s:
            for row in s.execute(stmt):
                key = (row.name, row.id_number, row.phone)
                if key in seen:
                    continue
                seen.add(key)
                found.append(KnownParty(*row))
                if len(found) >= limit:
                    break
        return found

    def known_party_draft(self, party_id: int, role: str = "applicant") -> PartyDraft:
        """A new party draft copied from an earlier case's party."""
        with self.ctx.db.read() as s:
            p = s.get(CaseParty, party_id)
            if p is None:
                raise NotFoundError("找不到这位当事人")
            v = party_view(p)
        return PartyDraft(
            **{name: getattr(v, name) for name in PARTY_FIELD_NAMES if name != "role"}, role=role,
            agents=[AgentDraft(a.kind, a.name, a.phone, a.id_number) for a in v.agents],
        )

    def open_party(self, party_id: int) -> PartyDraft:
        """The party's own form, with the full ID number and phone; opening it is recorded
        in the audit trail (personal information law: who looked at whose data, and when)."""
        draft = self.known_party_draft(party_id)
        if not self.ctx.actor.may(Permission.FULL_IDS):
            # A read-only user (the 司法所's supervisor) sees the form with masked numbers only.
            with self.ctx.db.read() as s:
                p = s.get(CaseParty, party_id)
                assert p is not None
                draft.role, draft.id = p.role, p.id
            draft.id_number, draft.phone = mask_id_number(draft.id_number), mask_phone(draft.phone)
            return draft
        with self.ctx.db.write() as s:
            p = s.get(CaseParty, party_id)
            assert p is not None
            draft.role, draft.id = p.role, p.id
            self.ctx.audit(s, "view_party", "case_party", p.id, case_id=p.case_id,
                           text=f"查看当事人“{p.name}”的完整信息")
        return draft

    # -- internals ----------------------------------------------------------------------------

    def _organization(self, s: Session) -> Organization:
        org = s.scalars(select(Organization).order_by(Organization.id)).first()
        if org is None:
            raise ValidationError([FieldProblem("organization", "请先在“设置”中填写调解组织信息")])
        return org

    def _load(self, s: Session, case_id: int) -> Case:
        return load_case(s, case_id, [
            selectinload(Case.parties).selectinload(CaseParty.agents),
            selectinload(Case.mediators),
            selectinload(Case.extensions),
        ])

    def _apply(self, s: Session, case: Case, draft: CaseDraft) -> None:
        dtype_id = s.scalar(select(DisputeType.id).where(DisputeType.name == draft.dispute_type))
        assert dtype_id is not None
        case.received_on = draft.received_on  # type: ignore[assignment]
        case.source = draft.source
        case.dispute_type_id = dtype_id
        case.title, case.summary, case.requests = draft.title, draft.summary, list(draft.requests)
        # The level, who was told and the plan change through services/risk.py (_record_risk).
        case.simple_procedure = draft.simple_procedure and draft.source == "court_entrusted"
        case.recorder = draft.recorder
        # Mediators: keep rows in the given order.
        existing_m = {m.mediator_id: m for m in case.mediators}
        new_m = []
        for i, a in enumerate(draft.mediators):
            row = existing_m.get(a.mediator_id) or CaseMediator(mediator_id=a.mediator_id)
            row.role, row.position = a.role, i
            row.mediator = s.get(Mediator, a.mediator_id)  # type: ignore[assignment]
            new_m.append(row)
        case.mediators = new_m
        # Parties: update those with an id, add new ones, drop the rest.
        existing_p = {p.id: p for p in case.parties}
        new_p: list[CaseParty] = []
        for i, d in enumerate(draft.parties):
            party = existing_p.get(d.id) if d.id is not None else None
            if party is None:
                party = CaseParty()
            apply_party(party, d, i)
            new_p.append(party)
        case.parties = new_p

    def _detail(self, s: Session, case_id: int) -> CaseDetail:
        case = self._load(s, case_id)
        history_rows = s.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        )
        history = tuple(
            HistoryEntry(a.at, a.actor, (a.detail or {}).get("text", a.action)) for a in history_rows
        )
        return CaseDetail(
            id=case.id, code=case.code, version=case.version, received_on=case.received_on,
            source=case.source, dispute_type=case.dispute_type.name, title=case.title,
            summary=case.summary, requests=tuple(case.requests or ()), risk_level=case.risk_level,
            risk_reported_to=case.risk_reported_to, risk_reported_on=case.risk_reported_on,
            status=case.status, recorder=case.recorder,
            mediators=tuple(MediatorOnCase(m.mediator_id, m.mediator.name, m.role)
                            for m in case.mediators),
            parties=tuple(party_view(p) for p in case.parties),
            history=history, created_at=case.created_at, created_by=case.created_by,
            updated_at=case.updated_at,
            time_limit=self._time_limit(case),
            extensions=tuple(ExtensionView(e.new_due_on, e.consent, e.recorded_at, e.actor)
                             for e in case.extensions),
            termination=None if case.termination is None else TerminationView(
                case.termination.on, case.termination.reason_kind, case.termination.reason,
                bool(case.termination.routes_explained)),
            agreement_form=case.agreement.form if case.agreement is not None else None,
            simple_procedure=case.simple_procedure, first_receiver=case.first_receiver,
        )


