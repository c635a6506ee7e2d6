"""What version 2 of the case-exchange format adds (docs/case-exchange-v2.md), both ways: the
row values an import writes from a version-2 case, and the fields an export writes for one.

services/exchange.py reads and writes everything of version 1 and calls these for the rest, so
that a version-1 file imports exactly as before and a version-2 file carries: the visits'
findings and history, the enforcement of a confirmed agreement, the termination's reason, the
simple procedure, the risk report, changes and plan, the handling level and first receiver,
the ledger's 销号/再挂号, prevention figures and referrals with their answers.

History rows (``at``/``actor``: ledger events, risk changes, a visit's events) carry who and when
in the file; an entry without ``at`` is dated at the import and one without ``actor`` has none.
Records that are edited rather than logged (the risk plan, referrals) are stamped with the import.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from mediator_desktop.domain.enums import Satisfaction, VisitKind
from mediator_desktop.storage.models import (
    Case,
    CasePrevention,
    FollowUp,
    FollowUpEvent,
    JudicialConfirmation,
    LedgerEvent,
    Referral,
    RiskChange,
    RiskPlan,
    Termination,
)

#: The satisfaction words of the format; any other stored value is an office's own label.
SATISFACTION_WORDS = frozenset(m.value for m in Satisfaction)

#: Plain case columns version 2 adds (the file's key is the column's name) and their value when
#: the file leaves them out.
CASE_FIELDS: dict[str, Any] = {
    "simple_procedure": False, "risk_reported_to": "", "risk_reported_on": None, "handling_level": "",
    "handling_since": None, "first_receiver": "", "ledger_closed_on": None,
}
_DATE_FIELDS = frozenset({"risk_reported_on", "handling_since", "ledger_closed_on"})

#: The case's history lists: an update may add entries after those stored, never change or drop one.
HISTORY_LISTS = (("ledger_events", "台账销号和再挂号记录"), ("risk_changes", "风险等级变化记录"))
#: Who and when of a history entry: stamped at the import when the file leaves them out.
STAMP = frozenset({"at", "actor"})


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` unless the value is empty; dates and times as the format writes them."""
    if value is None or value == "" or value == [] or value == {}:
        return
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%dT%H:%M")
    elif isinstance(value, date):
        value = value.isoformat()
    out[key] = value


def _put_attrs(out: dict[str, Any], row: Any, *names: str) -> None:
    for name in names:
        _put(out, name, getattr(row, name))


# -- import: file → row values ----------------------------------------------------------------

def case_values(data: dict[str, Any]) -> dict[str, Any]:
    """The plain case columns of version 2 (absent ones at their defaults)."""
    return {name: _d(data.get(name)) if name in _DATE_FIELDS else data.get(name, default)
            for name, default in CASE_FIELDS.items()}


def termination_values(t: dict[str, Any]) -> dict[str, Any]:
    return {"reason_kind": t.get("reason_kind")}


def confirmation_values(j: dict[str, Any]) -> dict[str, Any]:
    return {"enforcement_applied": j.get("enforcement_applied"), "enforcement_on": _d(j.get("enforcement_on"))}


def follow_up_values(f: dict[str, Any]) -> dict[str, Any]:
    """A visit's columns beyond version 1 (the terms it names are filled in by
    :func:`resolve_terms` once the terms have ids)."""
    satisfaction = f.get("satisfaction") or f.get("satisfaction_label")
    return {
        "kind": f.get("kind", VisitKind.SATISFACTION.value), "auto": f.get("auto", False),
        "reason": f.get("reason", ""), "risk_note": f.get("risk_note", ""), "measures": f.get("measures", ""),
        "sued": f.get("sued"), "satisfaction": satisfaction, "term_id": None, "term_performance": [],
    }


def resolve_terms(row: dict[str, Any], f: dict[str, Any], term_ids: list[int]) -> None:
    """Point ``row`` (a visit's values) at the terms ``f`` names by position."""
    if f.get("term") is not None:
        row["term_id"] = term_ids[f["term"]]
    row["term_performance"] = [{"term_id": term_ids[x["term"]], "status": x["status"]}
                               for x in f.get("term_performance", [])]


def visit_event_values(e: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {"action": e["action"], "old_due": _d(e.get("old_due")), "new_due": _d(e.get("new_due")),
            "note": e.get("note", ""), "at": _dt(e.get("at")) or now, "actor": e.get("actor", "")}


def risk_change_values(x: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {"from_level": x["from_level"], "to_level": x["to_level"], "reported_to": x.get("reported_to", ""),
            "reported_at": _dt(x.get("reported_at")), "note": x.get("note", ""),
            "at": _dt(x.get("at")) or now, "actor": x.get("actor", "")}


def ledger_event_values(x: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {"action": x["action"], "on": _d(x["on"]), "note": x.get("note", ""),
            "at": _dt(x.get("at")) or now, "actor": x.get("actor", "")}


def risk_plan_values(x: dict[str, Any], now: datetime, actor: str) -> dict[str, Any]:
    return {"measures": x.get("measures", ""), "lead": x.get("lead", ""), "lead_title": x.get("lead_title", ""),
            "members": x.get("members", ""), "starts_on": _d(x.get("starts_on")), "due_on": _d(x.get("due_on")),
            "updated_at": now, "actor": actor}


def referral_values(x: dict[str, Any], now: datetime, actor: str) -> dict[str, Any]:
    return {"kind": x.get("kind", "transfer"), "direction": x.get("direction", "outgoing"),
            "from_unit": x.get("from_unit", ""), "to_unit": x.get("to_unit", ""), "reason": x.get("reason", ""),
            "actions_taken": x.get("actions_taken", ""), "contact": x.get("contact", ""),
            "sent_on": _d(x["sent_on"]), "answer": x.get("answer", ""), "answered_on": _d(x.get("answered_on")),
            "created_at": now, "actor": actor}


def prevention_values(x: dict[str, Any]) -> dict[str, Any]:
    return {"kind": x["kind"], "persons": x.get("persons", 1), "note": x.get("note", "")}


#: The case's rows version 2 adds, each built from its list in the file (the plan is one object).
CHILD_ROWS: tuple[tuple[type[Any], str], ...] = (
    (RiskChange, "risk_changes"), (LedgerEvent, "ledger_events"), (RiskPlan, "risk_plan"),
    (Referral, "referrals"), (CasePrevention, "preventions"))


def child_rows(data: dict[str, Any], now: datetime, actor: str) -> dict[type[Any], list[dict[str, Any]]]:
    """The rows of :data:`CHILD_ROWS` for a new case."""
    plan = data.get("risk_plan")
    return {
        RiskChange: [risk_change_values(x, now) for x in data.get("risk_changes", [])],
        LedgerEvent: [ledger_event_values(x, now) for x in data.get("ledger_events", [])],
        RiskPlan: [] if plan is None else [risk_plan_values(plan, now, actor)],
        Referral: [referral_values(x, now, actor) for x in data.get("referrals", [])],
        CasePrevention: [prevention_values(x) for x in data.get("preventions", [])],
    }


def fill_case(case: Case, data: dict[str, Any], now: datetime, actor: str) -> None:
    """Write a version-2 file's additions onto a case already in the database (an update).

    The plain fields, the risk plan, the referrals and the prevention figures are what the file
    says (absent: none), as for version 1's parts. The history lists (销号/再挂号, risk changes)
    only grow: the entries beyond those stored are added (the import's checks made sure the file
    begins with the stored ones); a file that leaves a list out keeps it."""
    for name, value in case_values(data).items():
        setattr(case, name, value)
    plan = data.get("risk_plan")
    if plan is None:
        case.risk_plan = None
    else:
        row = case.risk_plan or RiskPlan()
        for name, value in risk_plan_values(plan, now, actor).items():
            setattr(row, name, value)
        case.risk_plan = row
    case.referrals = [Referral(**referral_values(x, now, actor)) for x in data.get("referrals", [])]
    case.preventions = [CasePrevention(**prevention_values(x)) for x in data.get("preventions", [])]
    for x in data.get("ledger_events", [])[len(case.ledger_events):]:
        case.ledger_events.append(LedgerEvent(**ledger_event_values(x, now)))
    for x in data.get("risk_changes", [])[len(case.risk_changes):]:
        case.risk_changes.append(RiskChange(**risk_change_values(x, now)))


def fill_follow_up(row: FollowUp, f: dict[str, Any], term_ids: list[int], now: datetime) -> None:
    """A visit of an update (a new row) with what version 2 adds, its history included."""
    values = follow_up_values(f)
    resolve_terms(values, f, term_ids)
    for name, value in values.items():
        setattr(row, name, value)
    row.events = [FollowUpEvent(**visit_event_values(e, now)) for e in f.get("events", [])]


def fill_termination(row: Termination, t: dict[str, Any]) -> None:
    row.reason_kind = t.get("reason_kind")


def fill_confirmation(row: JudicialConfirmation, j: dict[str, Any]) -> None:
    for name, value in confirmation_values(j).items():
        setattr(row, name, value)


# -- export: rows → file ----------------------------------------------------------------------

def case_out(out: dict[str, Any], c: Case) -> None:
    """Add the case-level fields of version 2 to ``out`` (after those of version 1)."""
    if c.simple_procedure:
        out["simple_procedure"] = True
    _put_attrs(out, c, "risk_reported_to", "risk_reported_on")
    _put(out, "risk_changes", [risk_change_out(x) for x in c.risk_changes])
    if c.risk_plan is not None:
        plan: dict[str, Any] = {}
        _put_attrs(plan, c.risk_plan, "measures", "lead", "lead_title", "members", "starts_on", "due_on")
        out["risk_plan"] = plan
    _put_attrs(out, c, "handling_level", "handling_since", "first_receiver", "ledger_closed_on")
    _put(out, "ledger_events", [ledger_event_out(x) for x in c.ledger_events])
    preventions = []
    for p in c.preventions:
        po: dict[str, Any] = {"kind": p.kind, "persons": p.persons}
        _put(po, "note", p.note)
        preventions.append(po)
    _put(out, "preventions", preventions)
    referrals = []
    for r in c.referrals:
        ro: dict[str, Any] = {"kind": r.kind, "direction": r.direction}
        _put_attrs(ro, r, "from_unit", "to_unit", "reason", "actions_taken", "contact", "sent_on", "answer",
                   "answered_on")
        referrals.append(ro)
    _put(out, "referrals", referrals)


def risk_change_out(x: RiskChange) -> dict[str, Any]:
    out: dict[str, Any] = {"from_level": x.from_level, "to_level": x.to_level}
    _put_attrs(out, x, "reported_to", "reported_at", "note", "at", "actor")
    return out


def ledger_event_out(x: LedgerEvent) -> dict[str, Any]:
    out: dict[str, Any] = {"action": x.action, "on": x.on.isoformat()}
    _put_attrs(out, x, "note", "at", "actor")
    return out


def history_out(c: Case, key: str) -> list[dict[str, Any]]:
    """A history list of :data:`HISTORY_LISTS` as the file writes it."""
    if key == "ledger_events":
        return [ledger_event_out(x) for x in c.ledger_events]
    return [risk_change_out(x) for x in c.risk_changes]


def term_performance(f: FollowUp, term_index: dict[int, int]) -> list[dict[str, Any]]:
    """What a visit found of each term, ``term`` the 0-based position in ``agreement.terms``
    (``term_index`` maps a term's id to it), in the terms' order; a term no longer in the
    agreement, or without a finding, is left out."""
    found = []
    for x in f.term_performance or []:
        try:
            k = term_index.get(int(x.get("term_id")))  # type: ignore[arg-type]  # None: TypeError, caught
        except (TypeError, ValueError):
            k = None
        if k is not None and x.get("status"):
            found.append({"term": k, "status": x["status"]})
    return sorted(found, key=lambda x: x["term"])


def follow_up_out(fo: dict[str, Any], f: FollowUp, term_index: dict[int, int]) -> None:
    """Add a visit's version-2 fields to ``fo`` (its version-1 fields are already there): why
    and how it was planned, what it found per term, the risks and measures (the step taken
    after it included), whether anyone sued, an office's own satisfaction word, its history."""
    fo["kind"] = f.kind or VisitKind.SATISFACTION.value
    _put(fo, "reason", f.reason)
    if f.term_id is not None and f.term_id in term_index:
        fo["term"] = term_index[f.term_id]
    if f.auto:
        fo["auto"] = True
    _put(fo, "term_performance", term_performance(f, term_index))
    if f.satisfaction and f.satisfaction not in SATISFACTION_WORDS:
        fo["satisfaction_label"] = f.satisfaction
    _put_attrs(fo, f, "risk_note", "measures")
    if f.sued is not None:
        fo["sued"] = f.sued
    events = []
    for e in f.events:
        eo: dict[str, Any] = {"action": e.action}
        _put_attrs(eo, e, "old_due", "new_due", "note", "at", "actor")
        events.append(eo)
    _put(fo, "events", events)


def termination_out(tout: dict[str, Any], t: Termination) -> None:
    _put(tout, "reason_kind", t.reason_kind)


def confirmation_out(jo: dict[str, Any], j: JudicialConfirmation) -> None:
    if j.enforcement_applied is not None:
        jo["enforcement_applied"] = j.enforcement_applied
    _put(jo, "enforcement_on", j.enforcement_on)
