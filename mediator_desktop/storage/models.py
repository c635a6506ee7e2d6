"""SQLAlchemy 2 typed models: the whole persistent state of the application.

Conventions: editable records carry ``version`` as SQLAlchemy's ``version_id_col`` (optimistic
locking: a second PC saving a stale copy gets a conflict, never a silent overwrite). Party
references inside a case are rows of :class:`CaseParty`, ordered by ``position`` (the 0-based
index of the case-exchange format). Enumerated columns hold the English code of the matching
:mod:`mediator_desktop.domain.enums` member.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def parent_key(table: str, *, one: bool = False) -> Any:
    """The key of the row this one belongs to (deleted with it): indexed, or unique when the
    parent has at most ``one`` such row (a case's agreement)."""
    key = ForeignKey(f"{table}.id", ondelete="CASCADE")
    return mapped_column(key, unique=True) if one else mapped_column(key, index=True)


def owned(order_by: str | None = None, **kwargs: Any) -> Any:
    """A relationship to rows that belong to this one: saved with it and deleted with it (or when
    taken out of the list); ``order_by`` is how a list of them reads."""
    if order_by is not None:
        kwargs["order_by"] = order_by
    return relationship(cascade="all, delete-orphan", **kwargs)


class Stamped:
    """Mixin: a row that records something done, when (``at``) and by whom (``actor``)."""

    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100), default="")


class Versioned:
    """Mixin: an integer version checked on every UPDATE (optimistic locking)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}



class Organization(Versioned, Base):
    """调解组织: a people's mediation committee (调委会) or a personal-brand studio (个人品牌调解室)."""

    __tablename__ = "organization"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="committee")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    seal_text: Mapped[str] = mapped_column(String(200), default="")
    code_pattern: Mapped[str] = mapped_column(String(200))
    #: A studio's logo (PNG or JPEG) printed on its documents; None for none.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class Mediator(Versioned, Base):
    """人民调解员."""

    __tablename__ = "mediator"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    phone: Mapped[str] = mapped_column(String(60), default="")
    certificate_no: Mapped[str] = mapped_column(String(60), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DisputeType(Versioned, Base):
    """纠纷类型: an editable code table with one level of children."""

    __tablename__ = "dispute_type"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_type.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    parent: Mapped[DisputeType | None] = relationship(remote_side="DisputeType.id")


class CaseSequence(Base):
    """The last number handed out per organisation and year (case codes are never reused)."""

    __tablename__ = "case_sequence"
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_n: Mapped[int] = mapped_column(Integer, default=0)


class Case(Versioned, Base):
    """A dispute (案件) from registration to the archive."""

    __tablename__ = "mediation_case"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    code: Mapped[str] = mapped_column(String(120), unique=True)
    #: Year and number of the code, for sorting (``第2号`` before ``第12号``); 0 when a code
    #: imported from elsewhere does not follow this organisation's pattern.
    code_year: Mapped[int] = mapped_column(Integer)
    code_n: Mapped[int] = mapped_column(Integer, default=0)
    received_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40), index=True)
    dispute_type_id: Mapped[int] = mapped_column(ForeignKey("dispute_type.id"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    requests: Mapped[list[str]] = mapped_column(JSON, default=list)
    risk_level: Mapped[str] = mapped_column(String(10), default="none", index=True)
    risk_reported_to: Mapped[str] = mapped_column(String(200), default="")
    risk_reported_on: Mapped[date | None] = mapped_column(Date)
    #: 销号 date on the ledger (台账): None while the dispute is open on it (挂号); the history,
    #: with who and when, is in :class:`LedgerEvent`.
    ledger_closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: Where the dispute is handled (网格 / 村 / 乡镇 / 县, ``HandlingLevel``) and since when: the
    #: escalation clocks of STATISTICS.md §4 run from that day. "" when not tracked.
    handling_level: Mapped[str] = mapped_column(String(20), default="", index=True)
    handling_since: Mapped[date | None] = mapped_column(Date)
    #: 首问负责: the first receiver stays named on the case, whoever handles it later.
    first_receiver: Mapped[str] = mapped_column(String(100), default="")
    #: A court-entrusted (委托) case under simple procedure: 7 days instead of 15 (特邀调解规定 27).
    simple_procedure: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="registered", index=True)
    recorder: Mapped[str] = mapped_column(String(100), default="")
    #: Denormalised for the case list: party names joined with "、".
    party_names: Mapped[str] = mapped_column(String(1000), default="")
    #: Denormalised for the case list: mediator names joined with "、".
    mediator_names: Mapped[str] = mapped_column(String(400), default="")
    #: Everything the search box looks in (code, names, pinyin, phones, summary…), lower-case.
    search_text: Mapped[str] = mapped_column(Text, default="")
    #: ``search_text`` with each Chinese character as a word, for one- and two-character search.
    search_chars: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    dispute_type: Mapped[DisputeType] = relationship(lazy="joined")
    parties: Mapped[list[CaseParty]] = owned("CaseParty.position", back_populates="case")
    mediators: Mapped[list[CaseMediator]] = owned("CaseMediator.position")
    sessions: Mapped[list[MediationSession]] = owned(
        # Two PCs scheduling at the same moment may give the same position: id breaks the tie
        # so both databases list them in one order.
        "(MediationSession.position, MediationSession.id)"
    )
    agreement: Mapped[Agreement | None] = owned()
    termination: Mapped[Termination | None] = owned()
    follow_ups: Mapped[list[FollowUp]] = owned("FollowUp.position")
    judicial_confirmation: Mapped[JudicialConfirmation | None] = owned()
    status_changes: Mapped[list[StatusChange]] = owned("StatusChange.id")
    extensions: Mapped[list[TimeLimitExtension]] = owned("TimeLimitExtension.id")
    preventions: Mapped[list[CasePrevention]] = owned("CasePrevention.id")
    ledger_events: Mapped[list[LedgerEvent]] = owned("LedgerEvent.id")
    risk_changes: Mapped[list[RiskChange]] = owned("RiskChange.id")
    risk_plan: Mapped[RiskPlan | None] = owned()
    referrals: Mapped[list[Referral]] = owned("Referral.id")

    __table_args__ = (
        Index("ix_case_received_on_id", "received_on", "id"),
        Index("ix_case_code_year_n", "code_year", "code_n"),
        # The statistics report reads these of every case without the case's long text.
        Index("ix_case_statistics", "received_on", "status", "organization_id", "dispute_type_id", "source",
              "ledger_closed_on"),
    )


class CaseMediator(Base):
    __tablename__ = "case_mediator"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediator.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="presiding")
    position: Mapped[int] = mapped_column(Integer, default=0)
    mediator: Mapped[Mediator] = relationship(lazy="joined")


class CaseParty(Versioned, Base):
    """当事人 of one case: a natural person or an organisation, with its details as given for
    this case (a returning party is picked from earlier cases and copied, so each case keeps the
    address and phone that were true at the time)."""

    __tablename__ = "case_party"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: Full pinyin of the name without tones or spaces (``zhangsan``), to find homophones.
    name_pinyin: Mapped[str] = mapped_column(String(400), default="", index=True)
    gender: Mapped[str | None] = mapped_column(String(10))
    ethnicity: Mapped[str] = mapped_column(String(40), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    id_type: Mapped[str | None] = mapped_column(String(40))
    id_number: Mapped[str] = mapped_column(String(40), default="", index=True)
    occupation: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(60), default="", index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    credit_code: Mapped[str] = mapped_column(String(40), default="")
    rep_name: Mapped[str] = mapped_column(String(100), default="")
    rep_title: Mapped[str] = mapped_column(String(100), default="")
    #: 权利义务告知 (Law 23-24, LEGAL.md §3): when the party was told, how (written/oral), by whom.
    notice_on: Mapped[date | None] = mapped_column(Date)
    notice_method: Mapped[str | None] = mapped_column(String(20))
    notice_by: Mapped[str] = mapped_column(String(100), default="")

    case: Mapped[Case] = relationship(back_populates="parties")
    agents: Mapped[list[PartyAgent]] = owned("PartyAgent.position")


class PartyAgent(Base):
    """法定代理人 / 委托代理人 of a party."""

    __tablename__ = "party_agent"
    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = parent_key("case_party")
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(60), default="")
    id_number: Mapped[str] = mapped_column(String(40), default="")


class MediationSession(Versioned, Base):
    """A 调查 or 调解 session with its record (人民调解记录 / 调查记录).

    ``record`` is the record that is read back and signed; ``signed_at`` is set when that
    happened. Caucus and private notes are :class:`CaseNote` rows, never part of the record.
    """

    __tablename__ = "mediation_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20), default="mediation")
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    #: Positions of the parties present.
    present: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: Invited participants (参加人), kept apart from parties.
    participants: Mapped[list[str]] = mapped_column(JSON, default=list)
    record: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    #: 事由 of the record header.
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: 被调查人 (investigation records).
    interviewee: Mapped[str] = mapped_column(String(200), default="")
    recorder: Mapped[str] = mapped_column(String(100), default="")
    #: Ids of the mediators taking part (for the agenda's clash check).
    mediator_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: When the record was read back to and signed by those present (宣读并签字).
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseNote(Versioned, Base):
    """A note that is not the signed record: a caucus with one party (背对背, ``caucus``) or the
    mediator's own note (``private``). Never printed, filed or exported."""

    __tablename__ = "case_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("mediation_session.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: Position of the party of a caucus.
    party: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class TimeLimitExtension(Base):
    """延长调解期限 with the parties' consent (MOJ-2002 33): the new date and how consent was given."""

    __tablename__ = "time_limit_extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    new_due_on: Mapped[date] = mapped_column(Date)
    consent: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100), default="")


class Attachment(Base):
    """A file kept with the case (ID copy, evidence photo, signed scan, receipt, power of attorney),
    byte for byte, with its SHA-256, filed under a case-file item (LEGAL.md §7, 1-13).

    The bytes live in the database so every PC of a centre on PostgreSQL reaches them; the column
    is deferred so lists never load them.
    """

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    item: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    #: The agreement term a receipt (履行凭证) belongs to, if any.
    term_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_term.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    added_by: Mapped[str] = mapped_column(String(100), default="")
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class Agreement(Versioned, Base):
    """人民调解协议 (written) or a recorded oral agreement (口头协议)."""

    __tablename__ = "agreement"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case", one=True)
    form: Mapped[str] = mapped_column(String(20), default="written")
    number: Mapped[str | None] = mapped_column(String(120))
    facts: Mapped[str] = mapped_column(Text, default="")
    responsibilities: Mapped[str] = mapped_column(Text, default="")
    signed_on: Mapped[date | None] = mapped_column(Date)
    copies: Mapped[int | None] = mapped_column(Integer)
    terms: Mapped[list[AgreementTerm]] = owned("AgreementTerm.position")


class AgreementTerm(Versioned, Base):
    """One numbered clause: who owes whom what, by when."""

    __tablename__ = "agreement_term"
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = parent_key("agreement")
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    obligor: Mapped[int | None] = mapped_column(Integer)
    obligee: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    due_on: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    #: ``obligation`` (someone performs something) or ``statement`` (e.g. 双方再无其他争议),
    #: which has no obligor or due date and is never flagged unclear.
    kind: Mapped[str] = mapped_column(String(20), default="obligation")
    #: What is owed (给付内容): 补偿款, 修复院墙, 赔礼道歉…
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: Instalments (分期): ``[{"amount": "5000.00", "due_on": "2026-11-30"}, …]``.
    instalments: Mapped[list[dict[str, str | None]]] = mapped_column(JSON, default=list)
    #: The clause text was edited by hand: the structured fields no longer regenerate it.
    text_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    performances: Mapped[list[TermPerformance]] = owned("TermPerformance.id")


class TermPerformance(Versioned, Base):
    """履行情况: one recorded step of performing a term (date, new status, amount paid, note)."""

    __tablename__ = "term_performance"
    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = parent_key("agreement_term")
    on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100), default="")


class Termination(Base):
    """终止调解: date, reason, and that other routes were explained (Law 26)."""

    __tablename__ = "termination"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case", one=True)
    on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    routes_explained: Mapped[bool | None] = mapped_column(Boolean)
    #: refused | withdrawn | impossible | other (LEGAL.md §1); None when imported without one.
    reason_kind: Mapped[str | None] = mapped_column(String(20))


class FollowUp(Versioned, Base):
    """回访: a follow-up visit to one party (LEGAL.md §6).

    Visits the application plans itself (``auto``) follow the agreement: one satisfaction visit
    per party within a month of the effective date, one at each performance due date. Until it
    is recorded or moved by hand, an auto visit is re-planned when the agreement changes; every
    change of its date is kept in :class:`FollowUpEvent`.
    """

    __tablename__ = "follow_up"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    position: Mapped[int] = mapped_column(Integer, default=0)
    party: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(20))
    performance: Mapped[str | None] = mapped_column(String(20))
    satisfaction: Mapped[str | None] = mapped_column(String(30))
    new_risk: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")
    visitor: Mapped[str] = mapped_column(String(100), default="")
    #: satisfaction (满意度回访) | performance (履行期限回访) | urge (督促履行后回访) | other
    kind: Mapped[str] = mapped_column(String(20), default="satisfaction")
    #: The term whose due date this visit checks (performance visits).
    term_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_term.id", ondelete="SET NULL"))
    #: Planned by the application and not yet moved by hand: re-planned when the agreement changes.
    auto: Mapped[bool] = mapped_column(Boolean, default=False)
    #: 回访事由, printed on the 回访记录.
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Performance of each term found on the visit: ``[{"term_id": 3, "status": "performed"}]``.
    term_performance: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: 新的纠纷或风险苗头 found on the visit (``new_risk`` says whether there were any).
    risk_note: Mapped[str] = mapped_column(Text, default="")
    #: 采取的措施.
    measures: Mapped[str] = mapped_column(Text, default="")
    #: Whether a party has gone to court since the agreement (是否起诉).
    sued: Mapped[bool | None] = mapped_column(Boolean)
    events: Mapped[list[FollowUpEvent]] = owned("FollowUpEvent.id")


class FollowUpEvent(Stamped, Base):
    """The history of one visit: planned, moved (改期), party not reached (未联系上), recorded."""

    __tablename__ = "follow_up_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = parent_key("follow_up")
    #: planned | replanned | rescheduled | not_reached | recorded
    action: Mapped[str] = mapped_column(String(20))
    old_due: Mapped[date | None] = mapped_column(Date)
    new_due: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class JudicialConfirmation(Base):
    """司法确认 tracking (LEGAL.md §5)."""

    __tablename__ = "judicial_confirmation"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case", one=True)
    court: Mapped[str] = mapped_column(String(200), default="")
    filed_on: Mapped[date | None] = mapped_column(Date)
    court_case_number: Mapped[str] = mapped_column(String(120), default="")
    result: Mapped[str | None] = mapped_column(String(20))
    ruled_on: Mapped[date | None] = mapped_column(Date)
    #: Whether a party applied to the court for enforcement (申请强制执行), and when.
    enforcement_applied: Mapped[bool | None] = mapped_column(Boolean)
    enforcement_on: Mapped[date | None] = mapped_column(Date)


class CaseDeadline(Base):
    """A case's deadline as last computed (issue 15): the mediation time limit, the judicial-
    confirmation window, each open performance due date — rewritten for a case by every write
    that changes one (services/due_dates.py), so the today view is a range query on ``due_on``."""

    __tablename__ = "case_deadline"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    kind: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[str] = mapped_column(Text, default="")
    #: the term (kind performance)
    ref_id: Mapped[int | None] = mapped_column(Integer)
    #: the obligor's position among the parties (kind performance)
    party: Mapped[int | None] = mapped_column(Integer)


class CasePrevention(Base):
    """A prevention figure recorded on a case (防止民间纠纷引起自杀…, ``PreventionKind``): the case
    counts as one 件, ``persons`` as its 人."""

    __tablename__ = "case_prevention"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    kind: Mapped[str] = mapped_column(String(30))
    persons: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str] = mapped_column(Text, default="")


class LedgerEvent(Stamped, Base):
    """销号 / 再挂号 of a dispute on the ledger (``LedgerAction``): the day it counts for (``on``),
    who did it and when (``actor``, ``at``)."""

    __tablename__ = "ledger_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    action: Mapped[str] = mapped_column(String(20))
    on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")


class RiskChange(Stamped, Base):
    """A change of a case's risk level and who was told of it, when (Law 25)."""

    __tablename__ = "risk_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    from_level: Mapped[str] = mapped_column(String(10))
    to_level: Mapped[str] = mapped_column(String(10))
    reported_to: Mapped[str] = mapped_column(String(200), default="")
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class RiskPlan(Versioned, Base):
    """一案一策: the plan a red case must have (measures, the lead 包案领导, dates)."""

    __tablename__ = "risk_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case", one=True)
    measures: Mapped[str] = mapped_column(Text, default="")
    lead: Mapped[str] = mapped_column(String(100), default="")
    lead_title: Mapped[str] = mapped_column(String(100), default="")
    members: Mapped[str] = mapped_column(String(400), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100), default="")


class Referral(Versioned, Base):
    """移交 / 上报 / 分流 of a case with its 移送函 (from, to, reason, what was done, contact) and,
    later, the answer."""

    __tablename__ = "referral"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    kind: Mapped[str] = mapped_column(String(20), default="transfer")
    direction: Mapped[str] = mapped_column(String(20), default="outgoing")
    from_unit: Mapped[str] = mapped_column(String(200), default="")
    to_unit: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    actions_taken: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    sent_on: Mapped[date] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100), default="")


class Conference(Versioned, Base):
    """联席会议 / 会诊 on difficult cases: who took part (name and unit), the plan agreed, and who
    does what by when (:class:`ConferenceTask`, each a deadline)."""

    __tablename__ = "conference"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    topic: Mapped[str] = mapped_column(String(300), default="")
    #: ``[{"name": "李四", "unit": "镇派出所"}, …]``
    participants: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    plan: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100), default="")
    cases: Mapped[list[ConferenceCase]] = owned("ConferenceCase.id")
    tasks: Mapped[list[ConferenceTask]] = owned("ConferenceTask.position")


class ConferenceCase(Base):
    """A case discussed at a conference."""

    __tablename__ = "conference_case"
    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = parent_key("conference")
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True)


class ConferenceTask(Versioned, Base):
    """Who does what by when, as agreed at a conference."""

    __tablename__ = "conference_task"
    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = parent_key("conference")
    position: Mapped[int] = mapped_column(Integer, default=0)
    who: Mapped[str] = mapped_column(String(100), default="")
    what: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)


class ScreeningRound(Versioned, Base):
    """One round of 排查 (STATISTICS.md §3): when, where (村/组/网格), who screened, and what was
    found (0…n :class:`ScreeningItem`; none is a 零报告 when ``nil_report``)."""

    __tablename__ = "screening_round"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    area: Mapped[str] = mapped_column(String(200), default="")
    screeners: Mapped[str] = mapped_column(String(300), default="")
    nil_report: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100), default="")
    items: Mapped[list[ScreeningItem]] = owned("ScreeningItem.position")


class ScreeningItem(Versioned, Base):
    """A potential dispute found while screening: it becomes a case (linked), is prevented on the
    spot (with a note) or is referred (``ScreeningOutcome``)."""

    __tablename__ = "screening_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = parent_key("screening_round")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The parties as known (may be unnamed: 张某等三户).
    parties: Mapped[str] = mapped_column(String(500), default="")
    dispute_type_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_type.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    risk_level: Mapped[str] = mapped_column(String(10), default="none")
    outcome: Mapped[str] = mapped_column(String(20), default="open")
    outcome_on: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    referred_to: Mapped[str] = mapped_column(String(200), default="")
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("mediation_case.id", ondelete="SET NULL"), index=True)


class HolidayYear(Base):
    """A year's holiday arrangement entered by hand (the State Council publishes it late in the
    year before; chinese-calendar knows only the years published when it was released)."""

    __tablename__ = "holiday_year"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: The whole arrangement is entered: dates of that year are no longer provisional.
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Where it comes from (e.g. 国务院办公厅关于2027年部分节假日安排的通知).
    source: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(100), default="")
    entered_at: Mapped[datetime] = mapped_column(DateTime)


class HolidayDay(Base):
    """One day of an entered arrangement: a holiday (放假) or a make-up working day (调休上班)."""

    __tablename__ = "holiday_day"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(60), default="")


class StatusChange(Stamped, Base):
    """Who moved a case into which state, when and why."""

    __tablename__ = "status_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = parent_key("mediation_case")
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """Audit trail of every write (a legal requirement under the privacy law, LEGAL.md §2)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The hash chain (``storage/audit_chain.py``): the entry's number in the trail (1, 2, 3…),
    #: the hash of the entry before it and its own; set when the entry is inserted.
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class UserRole(Base):
    """A role (管理员, 调解员, 记录员, 只读…) and what it may do (``domain/permissions.py``); the
    administrator edits the table, which starts from the defaults."""

    __tablename__ = "user_role"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)


class UserAccount(Versioned, Base):
    """A person who signs in: login, name, role, the password's argon2 hash (never the
    password), and the lock after too many wrong passwords."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(ForeignKey("user_role.code"))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    #: The mediator this person is (the cases assigned to them), if any.
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("mediator.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    organizations: Mapped[list[UserOrganization]] = owned("UserOrganization.id")


class UserOrganization(Base):
    """A committee a user belongs to (a centre's users may belong to several)."""

    __tablename__ = "user_organization"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = parent_key("user_account")
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)


class SchemaInfo(Base):
    """Key/value facts about the database itself (e.g. when it was created)."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


__all__ = [
    "Base", "Organization", "Mediator", "DisputeType", "CaseSequence", "Case", "CaseMediator",
    "CaseParty", "PartyAgent", "MediationSession", "CaseNote", "TimeLimitExtension", "Attachment",
    "Agreement", "AgreementTerm", "TermPerformance", "Termination", "FollowUp", "FollowUpEvent",
    "JudicialConfirmation", "CasePrevention", "LedgerEvent", "RiskChange", "RiskPlan", "Referral",
    "Conference", "ConferenceCase", "ConferenceTask", "ScreeningRound", "ScreeningItem",
    "HolidayYear", "HolidayDay", "StatusChange", "AuditEntry", "UserRole", "UserAccount", "UserOrganization",
    "SchemaInfo",
]

