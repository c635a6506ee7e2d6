"""What each role may see and change, enforced where every read and write passes (issue 16).

Two session events on the services' database, so no service, command or window can forget:

- **reads** (``do_orm_execute``): a user who belongs to some committees sees only their cases —
  every ORM query that touches cases gets ``Case.organization_id IN (…)`` as loader criteria
  (SQLAlchemy's documented way to scope a whole session); lists, search, counts, statistics,
  the ledger and exports follow by themselves;
- **writes** (``before_flush``): every row a flush would insert, change or delete is traced to
  its case and checked against the role (``domain/permissions.py``):

  ========================  ===================================================================
  what is written           who may
  ========================  ===================================================================
  a new case                INTAKE (受理登记)
  a case's own fields,      EDIT_ANY, or EDIT_ASSIGNED on a case the user is a mediator of;
  its parties, agreement,   INTAKE also while the case is still 登记 (correcting the intake)
  visits, evidence…
  sessions, records,        the above, or RECORDS_ANY (记录员: any case of the committee)
  caucus notes, notices
  private notes             PRIVATE_NOTES and the case rule above
  archiving (归档)           ARCHIVE and the case rule above
  screening, conferences    any of the write permissions (not a read-only user)
  ========================  ===================================================================

While sign-in is off (``Actor.permissions is None``) nothing is restricted, as before. The
administrator's own checks (users, settings, code tables) stay in their services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from mediator_desktop.domain.enums import CaseStatus, NoteKind
from mediator_desktop.domain.permissions import Permission as P
from mediator_desktop.domain.permissions import role_label
from mediator_desktop.services.errors import PermissionDenied
from mediator_desktop.storage import models as m
from mediator_desktop.storage.db import Database

ActorOf = Callable[[], Any]

#: Rows that are bookkeeping of other writes, or checked by their own service.
_UNCHECKED = (m.AuditEntry, m.SchemaInfo, m.CaseDeadline, m.UserAccount, m.UserRole, m.UserOrganization,
              m.Organization, m.Mediator, m.DisputeType, m.HolidayYear, m.HolidayDay, m.CaseSequence)
#: Rows of the committee's own work that belong to no single case.
_COMMITTEE_WORK = (m.ScreeningRound, m.ScreeningItem, m.Conference, m.ConferenceCase, m.ConferenceTask)
_WRITERS = frozenset({P.EDIT_ANY.value, P.EDIT_ASSIGNED.value, P.RECORDS_ANY.value, P.INTAKE.value})
#: A case's columns recomputed from its parties, mediators and records (not an edit of the case).
_DERIVED = frozenset({"updated_at", "party_names", "mediator_names", "search_text", "search_chars"})
_NOTICE = frozenset({"notice_on", "notice_method", "notice_by", "version"})

_WHAT = {"intake": "登记新案件", "edit": "修改这个案件", "records": "为这个案件安排调解、填写记录",
         "notes": "写个人笔记", "archive": "归档"}


def install(db: Database, actor: ActorOf) -> None:
    """Enforce the rules of whoever ``actor()`` is on every session of ``db`` (once per
    database; a later call only changes whose rules they are)."""
    first = getattr(db, "guard_actor", None) is None
    db.guard_actor = actor  # type: ignore[attr-defined]
    if first:
        db.listen("do_orm_execute", lambda state: _scope(db.guard_actor(), state))  # type: ignore[attr-defined]
        db.listen("before_flush", lambda session, _ctx, _objs: _check(db.guard_actor(), session),  # type: ignore[attr-defined]
                  reads=False)


def _scope(actor: Any, state: ORMExecuteState) -> None:
    orgs: frozenset[int] = getattr(actor, "organization_ids", frozenset())
    if actor.permissions is None or not orgs or not state.is_select:
        return
    state.statement = state.statement.options(with_loader_criteria(
        m.Case, lambda cls: cls.organization_id.in_(orgs), include_aliases=True, track_closure_variables=False))


def _changed(obj: Any) -> set[str]:
    from sqlalchemy import inspect

    state = inspect(obj)
    return {a.key for a in state.attrs if a.history.has_changes()}


def _check(actor: Any, session: Session) -> None:
    perms: frozenset[str] | None = actor.permissions
    if perms is None:
        return
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, _UNCHECKED):
                continue
            if isinstance(obj, _COMMITTEE_WORK):
                if not writes_committee_work(actor):
                    raise PermissionDenied(f"“{actor.name}”是只读用户，不能修改排查和联席会议记录")
                continue
            case_id, action = _target(session, obj)
            if case_id is None and action == "intake":
                if not perms & {P.INTAKE.value, P.EDIT_ANY.value}:
                    raise PermissionDenied(f"“{actor.name}”的角色不能{_WHAT['intake']}")
                continue
            if case_id is None:
                continue   # a row no case owns any more (being deleted with its parent)
            _allow(actor, perms, session, case_id, action)


def writes_committee_work(actor: Any) -> bool:
    """Whether ``actor`` may write the committee's own work (screening, conferences): any
    write permission will do, a read-only user may not."""
    perms: frozenset[str] | None = actor.permissions
    return perms is None or bool(perms & _WRITERS)


def _target(session: Session, obj: Any) -> tuple[int | None, str]:
    """The case a row belongs to and what writing it is."""
    if isinstance(obj, m.Case):
        if obj.id is None:
            return None, "intake"
        changed = _changed(obj)
        if "status" in changed and obj.status == CaseStatus.CLOSED.value:
            return obj.id, "archive"
        return obj.id, "records" if changed <= _DERIVED | {"version"} else "edit"
    if isinstance(obj, m.CaseNote):
        return obj.case_id, "notes" if obj.kind == NoteKind.PRIVATE.value else "records"
    if isinstance(obj, m.MediationSession):
        return obj.case_id, "records"
    if isinstance(obj, m.CaseParty) and obj.id is not None and _changed(obj) <= _NOTICE:
        return obj.case_id, "records"
    case_id = getattr(obj, "case_id", None)
    if case_id is None:
        case_id = _case_of_child(session, obj)
    if case_id is None and isinstance(obj, (m.CaseParty, m.CaseMediator)):
        return None, "intake"    # the parties of a case being registered in the same flush
    return case_id, "edit"


def _case_of_child(session: Session, obj: Any) -> int | None:
    """The case of a row that holds its parent's key, not the case's."""
    if isinstance(obj, m.AgreementTerm):
        return _agreement_case(session, obj.agreement_id)
    if isinstance(obj, m.TermPerformance):
        term = session.get(m.AgreementTerm, obj.term_id) if obj.term_id else None
        return _agreement_case(session, term.agreement_id) if term is not None else None
    if isinstance(obj, m.FollowUpEvent):
        visit = session.get(m.FollowUp, obj.follow_up_id) if obj.follow_up_id else None
        return visit.case_id if visit is not None else None
    if isinstance(obj, m.PartyAgent):
        party = session.get(m.CaseParty, obj.party_id) if obj.party_id else None
        return party.case_id if party is not None else None
    return None


def _agreement_case(session: Session, agreement_id: int | None) -> int | None:
    agreement = session.get(m.Agreement, agreement_id) if agreement_id else None
    return agreement.case_id if agreement is not None else None


def _allow(actor: Any, perms: frozenset[str], session: Session, case_id: int, action: str) -> None:
    case = session.get(m.Case, case_id)
    if case is None:
        return
    orgs: frozenset[int] = getattr(actor, "organization_ids", frozenset())
    if orgs and case.organization_id not in orgs:
        raise PermissionDenied(f"这个案件属于别的调委会，“{actor.name}”不能修改")
    if not _rights(actor, perms, session, case)[action]:
        why = "（只能办理分配给自己的案件，其他案件只能查看）" if P.EDIT_ASSIGNED.value in perms else ""
        raise PermissionDenied(f"“{actor.name}”的角色不能{_WHAT[action]}{why}，请联系管理员")


def _rights(actor: Any, perms: frozenset[str], session: Session, case: m.Case) -> dict[str, bool]:
    """Which kinds of writes (``_WHAT``'s keys but intake) the role allows on ``case``."""
    may_edit = P.EDIT_ANY.value in perms or (
        P.EDIT_ASSIGNED.value in perms and actor.mediator_id is not None
        and actor.mediator_id in _mediators(session, case.id)) or (
        P.INTAKE.value in perms and case.status == CaseStatus.REGISTERED.value)
    return {
        "edit": may_edit,
        "records": may_edit or P.RECORDS_ANY.value in perms,
        "notes": may_edit and P.PRIVATE_NOTES.value in perms,
        "archive": may_edit and P.ARCHIVE.value in perms,
    }


@dataclass(frozen=True)
class CaseRights:
    """What the signed-in user may write on one case, by the rule the flush check enforces
    (:func:`case_rights`), asked before trying so the window greys what would be refused.

    The kinds: ``edit`` (the case, its parties, agreement, visits, evidence, state changes),
    ``records`` (sessions, records, caucus notes, notices), ``notes`` (private notes),
    ``archive`` (归档). All True while sign-in is off."""

    edit: bool = True
    records: bool = True
    notes: bool = True
    archive: bool = True
    #: The role's name (调解员, 只读…) and whether it edits only the cases assigned to the user.
    role: str = ""
    assigned_only: bool = False

    def may(self, kind: str | None) -> bool:
        """Whether writes of ``kind`` are allowed (None: a reading, always)."""
        return kind is None or bool(getattr(self, kind))

    def why(self, kind: str | None) -> str:
        """Why ``kind`` is refused, for the tooltip of what is greyed ("" when allowed)."""
        if self.may(kind):
            return ""
        assert kind is not None
        mine = "（只能办理分配给您的案件）" if self.assigned_only else ""
        return f"{self._who}不能{_WHAT[kind]}{mine}"

    @property
    def _who(self) -> str:
        return f"您的角色（{self.role}）" if self.role else "您"

    @property
    def note(self) -> str:
        """The line under the case's heading when the user may not handle the case ("" when
        they may)."""
        if self.edit:
            return ""
        if self.records:
            return f"{self._who}可以为本案安排调解、填写记录和告知，不能修改案件信息、协议和状态"
        if self.assigned_only:
            return "您的角色只能查看本案（分配给您的案件才能办理）"
        return f"{self._who}只能查看和打印本案"


def case_rights(actor: Any, session: Session, case_id: int) -> CaseRights:
    """What ``actor`` may write on the case ``case_id`` (a case of another committee, or one
    gone: nothing)."""
    perms: frozenset[str] | None = actor.permissions
    if perms is None:
        return CaseRights()
    role = role_label(actor.role)
    assigned_only = P.EDIT_ASSIGNED.value in perms and P.EDIT_ANY.value not in perms
    case = session.get(m.Case, case_id)
    orgs: frozenset[int] = getattr(actor, "organization_ids", frozenset())
    if case is None or (orgs and case.organization_id not in orgs):
        return CaseRights(False, False, False, False, role, assigned_only)
    rights = _rights(actor, perms, session, case)
    return CaseRights(rights["edit"], rights["records"], rights["notes"], rights["archive"], role, assigned_only)


def _mediators(session: Session, case_id: int) -> set[int]:
    rows: Iterable[int] = session.scalars(select(m.CaseMediator.mediator_id).where(m.CaseMediator.case_id == case_id))
    return set(rows)
