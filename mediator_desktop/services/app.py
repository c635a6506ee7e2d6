"""The services facade: one object the UI and the CLI hold, everything else behind it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from importlib import import_module
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from mediator_desktop.domain.permissions import Permission, role_label
from mediator_desktop.errors import ServiceError
from mediator_desktop.services.context import Actor, ServiceContext
from mediator_desktop.storage.db import Database, open_database

if TYPE_CHECKING:
    from mediator_desktop.services.accounts import AccountService
    from mediator_desktop.services.agreements import AgreementService
    from mediator_desktop.services.audit import AuditService
    from mediator_desktop.services.backup import BackupService
    from mediator_desktop.services.calendar import CalendarService
    from mediator_desktop.services.cases import CaseService
    from mediator_desktop.services.conferences import ConferenceService
    from mediator_desktop.services.documents import DocumentService
    from mediator_desktop.services.evidence import EvidenceService
    from mediator_desktop.services.exchange import ExchangeService
    from mediator_desktop.services.followups import FollowUpService
    from mediator_desktop.services.journals import Journals
    from mediator_desktop.services.ledger import LedgerService
    from mediator_desktop.services.organization import (
        DisputeTypeService,
        MediatorService,
        OrganizationService,
    )
    from mediator_desktop.services.prevention import PreventionService
    from mediator_desktop.services.referrals import ReferralService
    from mediator_desktop.services.reminders import ReminderService
    from mediator_desktop.services.risk import RiskService
    from mediator_desktop.services.roles import RoleService
    from mediator_desktop.services.screening import ScreeningService
    from mediator_desktop.services.sessions import SessionService
    from mediator_desktop.services.statistics import StatisticsService
    from mediator_desktop.services.transfer import TransferService

log = logging.getLogger(__name__)


_S = TypeVar("_S")


class _Service(Generic[_S]):
    """A service of the facade, made (and its module imported) the first time it is asked for
    when the facade is made ``lazy`` (else all are made with the facade). Made once under a
    lock, so two threads asking at once get the same object."""

    def __init__(self, module: str, cls: str, *, with_services: bool = False) -> None:
        self.module, self.cls, self.with_services = f"mediator_desktop.services.{module}", cls, with_services
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, services: None, owner: type) -> _Service[_S]: ...
    @overload
    def __get__(self, services: Services, owner: type) -> _S: ...

    def __get__(self, services: Services | None, owner: type) -> _Service[_S] | _S:
        if services is None:
            return self
        made = services.__dict__.get(self.name)
        if made is None:
            with services._making:
                made = services.__dict__.get(self.name)
                if made is None:
                    cls = getattr(import_module(self.module), self.cls)
                    made = cls(services.ctx, services) if self.with_services else cls(services.ctx)
                    services.__dict__[self.name] = made
        return made  # type: ignore[no-any-return]


class Services:
    organization: _Service[OrganizationService] = _Service("organization", "OrganizationService")
    mediators: _Service[MediatorService] = _Service("organization", "MediatorService")
    dispute_types: _Service[DisputeTypeService] = _Service("organization", "DisputeTypeService")
    calendar: _Service[CalendarService] = _Service("calendar", "CalendarService")
    cases: _Service[CaseService] = _Service("cases", "CaseService")
    sessions: _Service[SessionService] = _Service("sessions", "SessionService")
    agreements: _Service[AgreementService] = _Service("agreements", "AgreementService")
    evidence: _Service[EvidenceService] = _Service("evidence", "EvidenceService")
    followups: _Service[FollowUpService] = _Service("followups", "FollowUpService")
    reminders: _Service[ReminderService] = _Service("reminders", "ReminderService")
    exchange: _Service[ExchangeService] = _Service("exchange", "ExchangeService", with_services=True)
    documents: _Service[DocumentService] = _Service("documents", "DocumentService", with_services=True)
    backups: _Service[BackupService] = _Service("backup", "BackupService")
    audit: _Service[AuditService] = _Service("audit", "AuditService")
    accounts: _Service[AccountService] = _Service("accounts", "AccountService")
    roles: _Service[RoleService] = _Service("roles", "RoleService")
    transfer: _Service[TransferService] = _Service("transfer", "TransferService")
    # Screening log and joint case conferences (STATISTICS.md §3, §4).
    screening: _Service[ScreeningService] = _Service("screening", "ScreeningService")
    conferences: _Service[ConferenceService] = _Service("conferences", "ConferenceService")
    ledger: _Service[LedgerService] = _Service("ledger", "LedgerService", with_services=True)
    risk: _Service[RiskService] = _Service("risk", "RiskService")
    referrals: _Service[ReferralService] = _Service("referrals", "ReferralService", with_services=True)
    statistics: _Service[StatisticsService] = _Service("statistics", "StatisticsService")
    prevention: _Service[PreventionService] = _Service("prevention", "PreventionService")

    def __init__(self, db: Database, actor: Actor | None = None, *, lazy: bool = False) -> None:
        """``lazy``: each service, and its module, is made when first asked for. The command
        line renders a document or lists the agenda with two or three of the dozen services
        (importing every service module cost it about 0.1 s); the window paints its list with
        four and makes the rest on its own thread once it has painted (``unmade``). A service
        first asked for in a worker thread is made there, under the lock: that is safe because
        the window runs the garbage collector on its own thread only (ui/common/gc_timer.py) —
        before, a collection set off by a worker's import could free the window's widgets from
        that thread (tests/test_gc_timer.py makes services in workers while the window runs)."""
        self.db = db
        self.ctx = ServiceContext(db, actor)
        self._making = threading.RLock()  # (a service's constructor may ask for another)
        if not lazy:
            for name, attr in vars(Services).items():
                if isinstance(attr, _Service):
                    getattr(self, name)

    def unmade(self) -> list[str]:
        """The services not made yet (a lazy facade), in declaration order."""
        return [name for name, attr in vars(Services).items()
                if isinstance(attr, _Service) and name not in self.__dict__]

    @classmethod
    def open(cls, url: str | None = None, actor: Actor | None = None, *, create: bool = True,
             on_wait: Callable[[str], None] | None = None, lazy: bool = False) -> Services:
        """Open (and migrate) the database, seed the code tables, return the services.
        ``create=False`` refuses a SQLite file that does not exist (``DatabaseMissingError``);
        ``on_wait`` is told when a write waits for another writer (``Database.on_wait``);
        ``lazy``: see :class:`Services`."""
        services = cls(open_database(url, create=create, on_wait=on_wait), actor, lazy=lazy)
        services.dispute_types.ensure_defaults()
        return services

    def today(self) -> date:
        """Today by the services' clock: the UI asks here, never the system, so that a date the
        dialog proposes is the date the service checks against (and tests can set it)."""
        return self.ctx.today()

    def work_calendar(self) -> Any:
        """The working-day calendar (holidays, 调休 and the entered arrangements) the services
        count every deadline with: a date the UI proposes is counted the same way."""
        return self.ctx.calendar()

    @property
    def can_administer(self) -> bool:
        """Whether this user may change the organisation, mediators, code tables and holidays."""
        return bool(getattr(self.ctx.actor, "can_administer", True))

    def may(self, permission: Permission) -> bool:
        """Whether the signed-in user's role allows ``permission`` (sign-in off: everything)."""
        return self.ctx.actor.may(permission)

    def may_write_committee_work(self) -> bool:
        """Whether the user may write screening rounds and conferences (the guard's rule: any
        role but 只读)."""
        from mediator_desktop.services.guard import writes_committee_work

        return writes_committee_work(self.ctx.actor)

    def refusal(self, what: str) -> str:
        """Why something is greyed for this user: "您的角色（记录员）不能{what}"."""
        return f"您的角色（{role_label(self.ctx.actor.role)}）不能{what}"

    @property
    def follow_up_months(self) -> int:
        """Within how many months of the agreement the satisfaction visit falls (setting)."""
        return int(getattr(self.ctx, "follow_up_months", 1))

    def describe_database(self) -> str:
        """Where the data is, for the status bar and the settings (a path or a server, no password)."""
        return self.db.describe()

    @staticmethod
    def check_connection(url: str | None) -> str | None:
        """Try a database address without making anything: None when it answers, else the
        Chinese sentence saying what is wrong (a mistyped path never becomes a new file)."""
        from sqlalchemy import text

        try:
            db = Database(url or None, create=not url)
            try:
                with db.read() as s:
                    s.execute(text("SELECT 1"))
            finally:
                db.dispose()
        except ServiceError as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 — any driver error is reported, not raised
            first = str(exc).splitlines()[0] if str(exc) else ""
            return f"连接失败：{exc.__class__.__name__}: {first}"
        return None

    @property
    def database_id(self) -> str:
        """This database's identity (a UUID kept in it): what the autosave journals are named
        by, so two databases never share one."""
        return self.db.database_id

    def journals(self) -> Journals:
        """This database's autosave journals (the record editor's unsaved text on this PC)."""
        from mediator_desktop.services.journals import Journals

        return Journals(self.database_id, self.describe_database())

    def pending_journals(self) -> list[int]:
        """Sessions whose record editor left unsaved text behind that this PC's user may see
        (offered at start-up); none for a read-only database that never got its identity."""
        try:
            journals = self.journals()
        except ServiceError as exc:
            log.warning("no database identity, autosave journals not looked for: %s", exc)
            return []
        return journals.pending(self.user_name)

    def notify_waits(self, callback: Callable[[str], None] | None) -> None:
        """``callback(message)`` is told (in Chinese) while a write waits for another writer —
        a long import on another PC — so the user sees why the step takes long."""
        self.db.on_wait = callback

    @property
    def signed_in(self) -> bool:
        """Whether someone signed in with an account (sign-in on), not the PC's one user."""
        return bool(self.ctx.actor.login)

    @property
    def user_login(self) -> str:
        """The account signed in ("" while sign-in is off)."""
        return self.ctx.actor.login

    @property
    def user_name(self) -> str:
        """Who the services act as: this PC's user (记录人, 告知人, 回访人, every entry)."""
        return self.ctx.actor.name

    def word_fonts_missing(self) -> list[str]:
        """The shipped fallback fonts a Word file may name that this PC's user lacks."""
        from mediator_desktop.services import fonts

        return fonts.missing_fonts()

    def install_word_fonts(self) -> str:
        """Install those fonts for the current user; the Chinese sentence saying what was done."""
        from mediator_desktop.services import fonts

        return fonts.install_fonts().message

    def close(self) -> None:
        self.db.dispose()
