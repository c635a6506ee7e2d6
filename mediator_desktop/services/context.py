"""What every service shares: the database, who is acting, the audit trail, permissions.

Every write in the application passes through :meth:`ServiceContext.audit`, so the audit trail
(a legal duty under the personal-information protection law) and permission checks sit in one
place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from mediator_desktop.domain.permissions import Permission, allows
from mediator_desktop.errors import STALE_MESSAGE
from mediator_desktop.services import due_dates  # noqa: F401  (its session listeners keep case_deadline in step)
from mediator_desktop.services.errors import ConflictError, NotFoundError, PermissionDenied
from mediator_desktop.storage.db import Database
from mediator_desktop.storage.models import AuditEntry

if TYPE_CHECKING:
    from mediator_desktop.domain.workdays import WorkCalendar


@dataclass(frozen=True)
class Actor:
    """The person using the application.

    ``can_administer`` covers the organisation profile, mediators and code tables.
    """

    name: str = "系统"
    can_administer: bool = True
    #: The account signed in ("" while sign-in is off), its role and what the role may do
    #: (``domain/permissions.py``; None: no sign-in, the PC's one user may do everything).
    login: str = ""
    role: str = ""
    permissions: frozenset[str] | None = None
    #: The mediator this person is (the cases assigned to them), if any.
    mediator_id: int | None = None
    #: The committees whose cases this person sees (empty: every committee of the database).
    organization_ids: frozenset[int] = frozenset()

    def may(self, permission: Permission) -> bool:
        return allows(self.permissions, permission)


class ServiceContext:
    def __init__(self, db: Database, actor: Actor | None = None, *, clock: Any = None) -> None:
        self.db = db
        self.actor = actor or Actor()
        self._clock = clock
        #: Follow-up practice (LEGAL.md §6; settings of this PC, set by the application):
        #: the satisfaction visit falls within this many months of the agreement…
        self.follow_up_months = 1
        #: …and the satisfaction scale offered on the visit form.
        self.satisfaction_scale: tuple[str, ...] = ("满意", "基本满意", "不满意")
        #: Where the automatic backups go and how many are kept (``services/backup.py``
        #: ``BackupPolicy``; set from this PC's settings by the application).
        from mediator_desktop.services.backup import BackupPolicy

        self.backup_policy: BackupPolicy = BackupPolicy()
        self._calendar: Any = None
        self._calendar_read = 0.0
        from mediator_desktop.services import guard

        guard.install(db, lambda: self.actor)   # what the signed-in user's role may see and change
        db.actor_name = lambda: self.actor.name

    def now(self) -> datetime:
        return self._clock() if self._clock else datetime.now().replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()

    def calendar(self) -> WorkCalendar:
        """The working-day calendar (:class:`~mediator_desktop.domain.workdays.WorkCalendar`)
        with the arrangements entered in this database, re-read at most once a minute."""
        import time

        from mediator_desktop.services.calendar import CACHE_SECONDS, load_calendar

        if self._calendar is None or time.monotonic() - self._calendar_read > CACHE_SECONDS:
            with self.db.read() as s:
                self._calendar = load_calendar(s)
            self._calendar_read = time.monotonic()
        calendar: WorkCalendar = self._calendar
        return calendar

    def forget_calendar(self) -> None:
        self._calendar = None

    def require(self, permission: Permission, what: str) -> None:
        """Refuse (in Chinese) what the acting user's role does not allow."""
        if not self.actor.may(permission):
            raise PermissionDenied(f"“{self.actor.name}”的角色没有{what}的权限，请联系管理员")

    def require_admin(self, what: str) -> None:
        if not self.actor.can_administer:
            raise PermissionDenied(f"“{self.actor.name}”没有{what}的权限，请联系管理员")

    def audit(
        self,
        session: Session,
        action: str,
        entity: str,
        entity_id: int | None = None,
        *,
        case_id: int | None = None,
        text: str = "",
        **detail: Any,
    ) -> None:
        """Record one write. ``text`` is the Chinese line shown in a case's history."""
        session.add(AuditEntry(**self.audit_values(action, entity, entity_id, case_id=case_id, text=text, **detail)))

    def audit_values(
        self,
        action: str,
        entity: str,
        entity_id: int | None = None,
        *,
        case_id: int | None = None,
        text: str = "",
        **detail: Any,
    ) -> dict[str, Any]:
        """The audit row :meth:`audit` adds, as column values (for writes inserted in bulk)."""
        if text:
            detail["text"] = text
        # Timed when it is chained (storage/audit_chain.py): by the server's clock on a centre's
        # PostgreSQL, this PC's on SQLite; a clock given to the context (tests) times it itself.
        return {"at": self._clock() if self._clock else None, "actor": self.actor.name, "action": action, "entity": entity,
                "entity_id": entity_id, "case_id": case_id, "detail": detail}


R = TypeVar("R")


def load_row(s: Session, model: type[R], row_id: int, missing: str, version: int | None = None, *,
             options: Sequence[Any] = ()) -> R:
    """The row ``row_id`` of ``model`` (``options``: what to load with it); ``NotFoundError(missing)``
    when it is gone and, given the ``version`` a form loaded, ``ConflictError`` when another PC
    has saved it since."""
    row = s.get(model, row_id, options=options)
    if row is None:
        raise NotFoundError(missing)
    if version is not None and row.version != version:  # type: ignore[attr-defined]
        raise ConflictError(STALE_MESSAGE)
    return row


class Service:
    """One service of the facade: reaches the database, the actor and the clock through ``ctx``."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
