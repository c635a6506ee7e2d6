"""Plain data passed between the UI (or CLI) and the services: drafts in, views out.

Nothing here touches the database or Qt, so the UI can build a draft from its widgets, hand it
to a service, and — if the service refuses it — keep every typed value on the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mediator_desktop.domain.workdays import Deadline


@dataclass
class AgentDraft:
    """A party's 法定代理人 or 委托代理人 as entered with the party."""

    kind: str = "entrusted"
    name: str = ""
    phone: str = ""
    id_number: str = ""


@dataclass
class PartyDraft:
    """当事人 as entered in the intake dialog (person or organisation)."""

    role: str = "applicant"
    kind: str = "person"
    name: str = ""
    gender: str | None = None
    ethnicity: str = ""
    birth_date: date | None = None
    id_type: str | None = "resident_id"
    id_number: str = ""
    occupation: str = ""
    phone: str = ""
    address: str = ""
    credit_code: str = ""
    rep_name: str = ""
    rep_title: str = ""
    agents: list[AgentDraft] = field(default_factory=list)
    #: Set when editing an existing party of the case.
    id: int | None = None


@dataclass
class MediatorAssignment:
    mediator_id: int
    role: str = "presiding"


@dataclass
class CaseDraft:
    """A case as entered at intake (受理登记) or edited later."""

    received_on: date | None = None
    source: str = "party_application"
    dispute_type: str = ""
    title: str = ""
    summary: str = ""
    requests: list[str] = field(default_factory=list)
    risk_level: str = "none"
    risk_reported_to: str = ""
    risk_reported_on: date | None = None
    #: 一案一策 typed with a red level (``services.risk.RiskPlanDraft``; None: none typed).
    risk_plan: Any = None
    #: Court-entrusted under simple procedure (适用简易程序): 7 days instead of 15.
    simple_procedure: bool = False
    mediators: list[MediatorAssignment] = field(default_factory=list)
    recorder: str = ""
    parties: list[PartyDraft] = field(default_factory=list)
    #: Warnings the user has seen and confirmed (e.g. a 统一社会信用代码 failing its check).
    confirmed_warnings: set[str] = field(default_factory=set)


#: The parts of a case as the intake form shows them, for saying what another PC changed.
CASE_PARTS: tuple[tuple[str, str], ...] = (
    ("received_on", "受理日期"), ("source", "纠纷来源"), ("dispute_type", "纠纷类型"), ("title", "案由"),
    ("summary", "纠纷简要情况"), ("requests", "当事人请求"), ("risk_level", "风险等级"),
    ("risk_reported_to", "风险报告对象"), ("risk_reported_on", "风险报告日期"), ("simple_procedure", "简易程序"),
    ("mediators", "调解员"), ("recorder", "记录人"), ("parties", "当事人"),
)


def changed_parts(before: CaseDraft, after: CaseDraft) -> list[str]:
    """The names (受理日期, 当事人…) of the parts of a case that differ between two drafts."""
    return [label for name, label in CASE_PARTS if getattr(before, name) != getattr(after, name)]


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One line of the case list (slots: the list may hold 100,000 of them)."""

    id: int
    code: str
    received_on: date
    status: str
    dispute_type: str
    dispute_type_id: int
    title: str
    party_names: str
    mediator_names: str
    risk_level: str
    code_year: int | None
    code_n: int | None


@dataclass(frozen=True)
class AgentView:
    kind: str
    name: str
    phone: str
    id_number: str


@dataclass(frozen=True)
class PartyView:
    id: int
    position: int
    role: str
    kind: str
    name: str
    gender: str | None
    ethnicity: str
    birth_date: date | None
    id_type: str | None
    id_number: str
    occupation: str
    phone: str
    address: str
    credit_code: str
    rep_name: str
    rep_title: str
    agents: tuple[AgentView, ...]
    version: int


@dataclass(frozen=True)
class MediatorOnCase:
    mediator_id: int
    name: str
    role: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    text: str


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's timeline (时间线): what happened, when, and who did or recorded it.

    ``kind`` is 活动 for things that took place (a session, the agreement taking effect, a
    visit) and 操作 for what someone entered into the application (the audit trail)."""

    at: datetime
    actor: str
    kind: str
    text: str


@dataclass(frozen=True)
class ExtensionView:
    """延长调解期限: the new date, how the parties consented, who recorded it and when."""

    new_due_on: date
    consent: str
    recorded_at: datetime
    actor: str


@dataclass(frozen=True)
class TerminationView:
    on: date | None
    reason_kind: str | None
    reason: str
    routes_explained: bool


@dataclass(frozen=True)
class CaseDetail:
    id: int
    code: str
    version: int
    received_on: date
    source: str
    dispute_type: str
    title: str
    summary: str
    requests: tuple[str, ...]
    risk_level: str
    risk_reported_to: str
    risk_reported_on: date | None
    status: str
    recorder: str
    mediators: tuple[MediatorOnCase, ...]
    parties: tuple[PartyView, ...]
    history: tuple[HistoryEntry, ...]
    created_at: datetime
    created_by: str
    updated_at: datetime
    #: When mediation should be concluded (调解期限), extensions included.
    time_limit: Deadline | None = None
    extensions: tuple[ExtensionView, ...] = ()
    termination: TerminationView | None = None
    agreement_form: str | None = None
    simple_procedure: bool = False
    #: 首问负责: who first received the case (set at intake, never changed by a referral).
    first_receiver: str = ""

    def to_draft(self) -> CaseDraft:
        """A draft holding this case's current values, ready to be edited."""
        return CaseDraft(
            received_on=self.received_on,
            source=self.source,
            dispute_type=self.dispute_type,
            title=self.title,
            summary=self.summary,
            requests=list(self.requests),
            risk_level=self.risk_level,
            risk_reported_to=self.risk_reported_to,
            risk_reported_on=self.risk_reported_on,
            simple_procedure=self.simple_procedure,
            mediators=[MediatorAssignment(m.mediator_id, m.role) for m in self.mediators],
            recorder=self.recorder,
            parties=[
                PartyDraft(
                    role=p.role, kind=p.kind, name=p.name, gender=p.gender,
                    ethnicity=p.ethnicity, birth_date=p.birth_date, id_type=p.id_type,
                    id_number=p.id_number, occupation=p.occupation, phone=p.phone,
                    address=p.address, credit_code=p.credit_code, rep_name=p.rep_name,
                    rep_title=p.rep_title,
                    agents=[AgentDraft(a.kind, a.name, a.phone, a.id_number) for a in p.agents],
                    id=p.id,
                )
                for p in self.parties
            ],
        )


@dataclass(frozen=True)
class PartyMatch:
    """An earlier case in which a party like the one being entered appeared."""

    case_id: int
    case_code: str
    case_status: str
    received_on: date
    party_name: str
    party_role: str
    reasons: tuple[str, ...]  # e.g. ("身份证号相同", "电话相同", "姓名同音")


@dataclass(frozen=True)
class KnownParty:
    """A party from an earlier case, offered for picking instead of retyping."""

    party_id: int
    case_code: str
    name: str
    kind: str
    id_number: str
    phone: str
    address: str


@dataclass
class CaseQuery:
    """What the case list shows: search text, filters, sort."""

    text: str = ""
    status: str | None = None
    dispute_type_id: int | None = None
    mediator_id: int | None = None
    risk_level: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    sort: str = "received_on"  # received_on | code | status | dispute_type | risk_level
    descending: bool = True
