"""Case exchange (../shared/spec/case-exchange.md, version 1, and docs/case-exchange-v2.md,
version 2): import and export of JSON documents.

Export writes version 2. Import reads both: a version-1 file imports exactly as before (what it
cannot carry stays as recorded), a version-2 file also brings what services/exchange_v2.py
reads; a later version is refused (exchange/validate.py).

Import is all or nothing: the document is checked against the JSON Schema and the domain
rules, every problem is listed by JSON path, and nothing is written unless there is none.
Export writes what import reads back to the same data (absent optional fields stay absent).

An imported case is treated like one entered by hand: a case already in the database (same
parties, received date and summary) is refused as a duplicate unless asked for, an agreement that
has taken effect gets its follow-up visits planned (unless the document lists the visits), and
the result names the imported cases whose parties had earlier cases (the intake's hint).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediator_desktop.domain.enums import CaseStatus, Satisfaction, VisitEvent, VisitKind
from mediator_desktop.domain.identity import mask_phone, mask_text, share_id_number
from mediator_desktop.domain.party_fields import PARTY_FIELD_NAMES, PARTY_FIELDS, exchange_get
from mediator_desktop.domain.permissions import Permission
from mediator_desktop.domain.text import capped
from mediator_desktop.exchange.problem import Problem
from mediator_desktop.services import exchange_v2 as v2
from mediator_desktop.services.context import ServiceContext
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.services.progress import CancelCheck, Progress, replacing_file, step
from mediator_desktop.storage.models import (
    Agreement,
    AgreementTerm,
    AuditEntry,
    Base,
    Case,
    CaseMediator,
    CaseParty,
    CasePrevention,
    DisputeType,
    FollowUp,
    FollowUpEvent,
    JudicialConfirmation,
    LedgerEvent,
    MediationSession,
    Mediator,
    Organization,
    PartyAgent,
    Referral,
    RiskChange,
    RiskPlan,
    StatusChange,
    Termination,
)

# The import's own helpers (services.cases, .followups, .validation, .dto, storage.bulk, the
# document validator) are imported in the methods that use them: an export, and the documents
# that read a case through it, need none of them (a render starts about 0.05 s sooner).
if TYPE_CHECKING:
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.dto import PartyDraft

FORMAT = "mediator-desktop/case-exchange"
#: The satisfaction words of the format; any other stored value is an office's own label.
SATISFACTION_WORDS = v2.SATISFACTION_WORDS
#: The version export writes (import reads 1 and 2).
VERSION = 2
BATCH = 500


#: Statuses in which an imported agreement still awaits its follow-up visits (an archived or
#: terminated case from an old ledger must not fill the reminders with long-past visits).
PLANNED_STATUSES = frozenset({CaseStatus.IN_MEDIATION.value, CaseStatus.AGREED.value})


class ExchangeError(ServiceError):
    """A document refused whole; ``problems`` lists every problem by JSON path.
    ``duplicates`` counts the problems that are only duplicates of cases already entered
    (importing again with ``allow_duplicates`` gets past those)."""

    def __init__(self, problems: list[Problem], duplicates: int = 0) -> None:
        self.problems = problems
        self.duplicates = duplicates
        super().__init__(f"文件有{len(problems)}处问题，未导入任何数据")

    @property
    def only_duplicates(self) -> bool:
        return bool(self.problems) and self.duplicates == len(self.problems)


@dataclass(frozen=True)
class ImportResult:
    created: list[str]
    updated: list[str]
    #: "$.cases[3]：当事人张三此前有案件……" for each imported case whose parties had earlier cases.
    hints: list[str] = field(default_factory=list)
    #: Duplicates imported anyway (``allow_duplicates``), one line each.
    duplicates: list[str] = field(default_factory=list)
    #: How many follow-up visits were planned for imported agreements.
    visits_planned: int = 0
    #: "$.cases[0].parties[1].id_number：…" for what registering by hand would refuse or warn
    #: about (15-digit IDs, failing credit codes, received dates before 2000).
    warnings: list[str] = field(default_factory=list)

    @property
    def counts_text(self) -> str:
        return f"新增{len(self.created)}件，更新{len(self.updated)}件。"

    def report_lines(self, limit: int | None = None) -> list[str]:
        """What the import did beyond the counts, for the command line and the window (at most
        ``limit`` lines of each list, then how many more)."""
        out = []
        if self.warnings:
            out += ["请核对以下内容（登记时会被拦下或提示）：", *capped(self.warnings, limit)]
        if self.visits_planned:
            out.append(f"已按协议生效日期安排回访{self.visits_planned}次（日期已过的显示为逾期，请尽快回访）。")
        if self.duplicates:
            out += ["仍然导入的重复案件：", *capped(self.duplicates, limit)]
        if self.hints:
            out += ["以下当事人此前有案件（请留意重复纠纷或需要回避的情况）：", *capped(self.hints, limit)]
        return out


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _dt(value: str | None) -> datetime | None:
    """A date and time of a validated document (YYYY-MM-DDTHH:MM, see exchange/validate.py)."""
    return datetime.fromisoformat(value) if value else None


def _put_attrs(out: dict[str, Any], row: Any, *names: str) -> None:
    """:func:`_put` each named attribute of ``row`` under its own name."""
    for name in names:
        _put(out, name, getattr(row, name))


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` unless the value is empty (absent fields stay absent on export)."""
    if value is None or value == "" or value == [] or value == {}:
        return
    if isinstance(value, date) and not isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, datetime):
        value = value.strftime("%Y-%m-%dT%H:%M")
    elif isinstance(value, Decimal):
        value = f"{value:.2f}"
    out[key] = value


def _case_values(data: dict[str, Any], dtype: DisputeType) -> dict[str, Any]:
    """A case's plain columns from the file (its code, parts and derived columns apart)."""
    return {
        "received_on": date.fromisoformat(data["received_on"]), "source": data["source"],
        "dispute_type_id": dtype.id, "title": data.get("title", ""), "summary": data["summary"],
        "requests": list(data.get("requests", [])), "risk_level": data.get("risk_level", "none"),
        "status": data.get("status", CaseStatus.REGISTERED.value), "recorder": data.get("recorder", ""),
    }


def _mediator_values(k: int, m: dict[str, Any], mediator: Mediator) -> dict[str, Any]:
    return {"mediator_id": mediator.id, "role": m.get("role", "presiding"), "position": k}


def _session_values(k: int, x: dict[str, Any]) -> dict[str, Any]:
    return {
        "position": k, "kind": x.get("kind", "mediation"), "starts_at": _dt(x["starts_at"]),
        "ends_at": _dt(x.get("ends_at")), "place": x.get("place", ""),
        "present": list(x.get("present", [])), "participants": list(x.get("participants", [])),
        "record": x.get("record", ""), "outcome": x.get("outcome", ""),
        # The format carries only signed records: one that arrives was signed.
        "signed_at": (_dt(x.get("ends_at")) or _dt(x["starts_at"])) if x.get("record") else None,
    }


def _agreement_values(a: dict[str, Any]) -> dict[str, Any]:
    """An agreement's own columns (its terms apart)."""
    return {"form": a.get("form", "written"), "number": a.get("number"), "facts": a.get("facts", ""),
            "responsibilities": a.get("responsibilities", ""), "signed_on": _d(a.get("signed_on")),
            "copies": a.get("copies")}


def _term_values(k: int, t: dict[str, Any]) -> dict[str, Any]:
    return {
        "position": k, "text": t["text"], "obligor": t.get("obligor"), "obligee": t.get("obligee"),
        "amount": Decimal(t["amount"]) if t.get("amount") else None,
        "due_on": _d(t.get("due_on")), "method": t.get("method", ""),
        "place": t.get("place", ""), "status": t.get("status", "pending"),
        # The format carries the clause text, not what it was built from: the
        # text stays as written, and a term without an amount owes what it says.
        "text_edited": True, "subject": "" if t.get("amount") else t["text"],
    }


def _termination_values(t: dict[str, Any]) -> dict[str, Any]:
    return {"on": _d(t.get("on")), "reason": t.get("reason", ""), "routes_explained": t.get("routes_explained")}


def _follow_up_values(k: int, f: dict[str, Any]) -> dict[str, Any]:
    return {
        "position": k, "party": f.get("party"), "due_on": _d(f.get("due_on")),
        "done_on": _d(f.get("done_on")), "method": f.get("method"),
        "performance": f.get("performance"), "satisfaction": f.get("satisfaction"),
        "new_risk": f.get("new_risk"), "notes": f.get("notes", ""), "visitor": f.get("visitor", ""),
        # The format does not say why a visit was made: an imported one is a plain
        # satisfaction visit, entered by hand (never re-planned from the agreement).
        "kind": VisitKind.SATISFACTION.value, "auto": False, "reason": "", "term_performance": [],
        "risk_note": "", "measures": "",
    }


def _confirmation_values(j: dict[str, Any]) -> dict[str, Any]:
    """What the format carries of a judicial confirmation."""
    return {"court": j.get("court", ""), "filed_on": _d(j.get("filed_on")),
            "court_case_number": j.get("court_case_number", ""), "result": j.get("result"),
            "ruled_on": _d(j.get("ruled_on"))}


#: The rows of a new case that only point at the case (inserted after it, see _NewCase).
NEW_CASE_TABLES: tuple[type[Base], ...] = (CaseMediator, MediationSession, Termination, FollowUp,
                                           JudicialConfirmation, StatusChange, RiskChange, LedgerEvent,
                                           RiskPlan, Referral, CasePrevention)


@dataclass
class _NewCase:
    """A new case of an import as rows (column values), inserted in bulk with the others of its
    batch: ids are handed out then, and filled into the rows that point at them."""

    case: dict[str, Any]
    drafts: list[PartyDraft]
    #: Whether its visits are planned from the agreement once it is inserted.
    plan: bool
    #: Each party's row with its agents' rows.
    parties: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    agreement: dict[str, Any] | None = None
    terms: list[dict[str, Any]] = field(default_factory=list)
    #: The rows of NEW_CASE_TABLES.
    rows: dict[type[Base], list[dict[str, Any]]] = field(
        default_factory=lambda: {model: [] for model in NEW_CASE_TABLES})
    #: Version 2: each visit as the file gives it (the terms it names by position) and the rows
    #: of its history.
    visits: list[dict[str, Any]] = field(default_factory=list)
    visit_events: list[list[dict[str, Any]]] = field(default_factory=list)


def _party_draft(p: dict[str, Any]) -> PartyDraft:
    from mediator_desktop.services.dto import AgentDraft, PartyDraft
    values: dict[str, Any] = {}
    for f in PARTY_FIELDS:
        value = exchange_get(p, f.exchange)
        values[f.name] = f.missing if value is None else (_d(value) if f.kind == "date" else value)
    return PartyDraft(
        **values,
        agents=[AgentDraft(a.get("kind", "entrusted"), a.get("name", ""), a.get("phone", ""),
                           a.get("id_number", "")) for a in p.get("agents", [])],
    )


def _party_out(p: CaseParty, masked: bool) -> dict[str, Any]:
    """A party as the exchange format writes it (fields from domain/party_fields.py); empty
    values are left out. Masked: the ID and phone cut down, no birth date (not even the year:
    nothing beside the masked ID may narrow down its hidden digits), a person's credit code as
    an ID — an organisation's is public (国家企业信用信息公示系统)."""
    out: dict[str, Any] = {}
    for f in PARTY_FIELDS:
        value = getattr(p, f.name)
        if f.name == "id_type":
            if not (p.id_number or p.kind == "person"):
                continue
            value = value if p.id_number else None       # no number, no type
        if masked and f.mask == "drop":
            value = None
        elif masked and (f.mask == "id" or (f.mask == "id_if_person" and p.kind == "person")):
            value = share_id_number(value)
        elif masked and f.mask == "phone":
            value = mask_phone(value)
        if f.name in ("role", "kind", "name"):
            out[f.exchange] = value                      # always written, even when empty
        elif "." in f.exchange:
            outer, key = f.exchange.split(".", 1)
            nested = out.setdefault(outer, {})
            _put(nested, key, value)
        else:
            _put(out, f.exchange, value)
    if "representative" in out and not out["representative"]:
        del out["representative"]
    return out


MASKED_FILE_MESSAGE = ("这是一份遮蔽导出的文件（证件号码、电话的部分数字已换成*），只供阅读，不能导入："
                       "导入会留下假的证件号码和电话。请向对方要一份未遮蔽的导出文件再导入。")


#: What the window lets be corrected in an effective agreement (AgreementService.save).
CORRECTABLE_AGREEMENT_FIELDS = ("number", "copies", "signed_on")
#: Plain case fields an update audits old → new.
AUDITED_FIELDS = ("received_on", "source", "title", "summary", "requests", "risk_level", "status", "recorder")
#: The plain fields of a concluded case an update may still change (as in the window).
EDITABLE_WHEN_CONCLUDED = ("received_on", "source", "title", "summary", "requests", "risk_level", "recorder")
#: What a plain field is when the file leaves it out (as for a new case).
FIELD_DEFAULTS: dict[str, Any] = {"risk_level": "none", "requests": []}
#: What an update never changes on a concluded case, with the word the refusal uses.
HELD_WHEN_CONCLUDED = (("status", "案件状态"), ("parties", "当事人"), ("mediators", "调解员"),
                       ("termination", "终止调解的记录"), ("follow_ups", "回访记录"))
#: Party fields an update audits old → new.
PARTY_AUDITED = PARTY_FIELD_NAMES


def _audited_values(case: Case) -> dict[str, str]:
    """What an update records old → new: the plain fields, each party's fields (by its
    position), the agreement's number, copies and effective date, the judicial confirmation."""
    values = {f: str(getattr(case, f)) for f in AUDITED_FIELDS}
    values.update({f: str(getattr(case, f)) for f in v2.CASE_FIELDS})
    for p in case.parties:
        for f in PARTY_AUDITED:
            values[f"parties[{p.position}].{f}"] = str(getattr(p, f) or "")
    if case.agreement is not None:
        for f in ("number", "copies", "signed_on"):
            values[f"agreement.{f}"] = str(getattr(case.agreement, f) or "")
    j = case.judicial_confirmation
    if j is not None:
        for f in ("court", "filed_on", "court_case_number", "result", "ruled_on"):
            values[f"judicial_confirmation.{f}"] = str(getattr(j, f) or "")
    return values


def _code_number_problems(org: Organization, code: str, path: str) -> list[Problem]:
    """A code of this committee's pattern must carry a number of the series (1 to 999999)."""
    from mediator_desktop.domain import codes

    m = codes.code_regex(org.code_pattern, org.short_name).match(code.strip())
    if m and (len(m.group("N")) > codes.MAX_DIGITS or not 1 <= int(m.group("N")) <= codes.MAX_NUMBER):
        shown = m.group("N")[:12] + ("…" if len(m.group("N")) > 12 else "")
        return [Problem(path, f"案号中的序号（{shown}）不对：序号应在1到{codes.MAX_NUMBER}之间；"
                              "请核对案号后再导入")]
    return []


def _first_difference(old: Any, new: Any, path: str) -> str:
    """The JSON path of the first place where ``new`` differs from ``old`` ("" when equal)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            found = _first_difference(old.get(key), new.get(key), f"{path}.{key}")
            if found:
                return found
        return ""
    if isinstance(old, list) and isinstance(new, list):
        for k in range(max(len(old), len(new))):
            if k >= len(old) or k >= len(new):
                return f"{path}[{k}]"
            found = _first_difference(old[k], new[k], f"{path}[{k}]")
            if found:
                return found
        return ""
    return "" if old == new else path


def _masked_fields(doc: Any) -> list[Problem]:
    """The ID numbers and phones of ``doc``'s parties and agents that a masked export wrote
    (they contain ``*``): such a value is not the person's number."""
    found: list[Problem] = []
    cases = doc.get("cases") if isinstance(doc, dict) else None
    for i, c in enumerate(cases if isinstance(cases, list) else []):
        parties = c.get("parties") if isinstance(c, dict) else None
        for j, p in enumerate(parties if isinstance(parties, list) else []):
            if not isinstance(p, dict):
                continue
            agents = p.get("agents")
            holders = [(f"$.cases[{i}].parties[{j}]", p)] + [
                (f"$.cases[{i}].parties[{j}].agents[{k}]", a)
                for k, a in enumerate(agents if isinstance(agents, list) else []) if isinstance(a, dict)]
            for path, holder in holders:
                for key in ("id_number", "phone", "credit_code"):
                    value = holder.get(key)
                    if isinstance(value, str) and "*" in value:
                        found.append(Problem(f"{path}.{key}", "已被遮蔽（含*），不是真实的号码"))
    return found


def _mask_texts(value: Any) -> Any:
    """``value`` with :func:`mask_text` applied to every string in it, however deeply nested."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _mask_texts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_texts(v) for v in value]
    return value


class ExchangeService:
    def __init__(self, ctx: ServiceContext, services: Services) -> None:
        self.ctx = ctx
        self.services = services

    # -- import -------------------------------------------------------------------------------

    def import_text(self, text: str | bytes, *, update_existing: bool = False, allow_duplicates: bool = False,
                    progress: Progress | None = None, cancelled: CancelCheck | None = None) -> ImportResult:
        from mediator_desktop.exchange.validate import load_document
        step(progress, cancelled, 0, 0)
        doc, problems = load_document(text)
        if problems:
            raise ExchangeError(problems)
        # A whole copy of the database before any import (restorable with 恢复… / restore).
        self.services.backups.before_import()
        return self.import_document(doc, update_existing=update_existing, allow_duplicates=allow_duplicates,
                                    progress=progress, cancelled=cancelled)

    def import_document(self, doc: Any, *, update_existing: bool = False, allow_duplicates: bool = False,
                        progress: Progress | None = None, cancelled: CancelCheck | None = None,
                        on_written: Callable[[Session, list[str]], None] | None = None) -> ImportResult:
        """Import every case of ``doc`` or none. ``progress(done, total)`` is called as the
        cases are checked (the first half of ``total``) and written (the second half); total 0
        while the document itself is validated. When ``cancelled()`` turns true the import stops
        and nothing is written (:class:`~mediator_desktop.services.errors.Cancelled`).

        A new case with the same parties, received date and summary as a case already in the
        database (or an earlier one of the same file) is a duplicate: refused, like any other
        problem, unless ``allow_duplicates``. A case whose agreement has taken effect gets its
        follow-up visits planned as when the agreement is saved in the application, unless the
        document lists the case's follow-ups (those are then the record).

        ``on_written(session, created_codes)`` is called once every case is written, inside the
        same transaction (the ledger import adds its 销号 records there; raising rolls all back)."""
        from mediator_desktop.exchange.validate import _sort_key, validate_document
        from mediator_desktop.services.cases import refresh_derived
        from mediator_desktop.services.validation import validate_party
        self.ctx.require(Permission.IMPORT, "导入案件")
        step(progress, cancelled, 0, 0)
        masked = _masked_fields(doc)
        if masked:  # before anything else: its other problems would only hide the reason
            raise ExchangeError([Problem("$", MASKED_FILE_MESSAGE), *masked])
        problems = validate_document(doc)
        if problems:
            raise ExchangeError(problems)
        version: int = doc["version"]
        total = 2 * len(doc["cases"])
        created: list[str] = []
        updated: list[str] = []
        today, now = self.ctx.today(), self.ctx.now()
        with self.ctx.db.write() as s:
            # Two imports at once (two PCs, one file) take turns: the second then finds the
            # first's cases (duplicates) and organisation instead of clashing with them.
            self.ctx.db.serialize(s, "import")
            org = self._organization(s, doc["organization"])
            types = {t.name: t for t in s.scalars(select(DisputeType))}
            given = [c["code"] for c in doc["cases"] if c.get("code")]
            existing: dict[str, int] = {}
            for chunk in range(0, len(given), 900):
                part = given[chunk:chunk + 900]
                existing.update({c: i for c, i in s.execute(select(Case.code, Case.id).where(Case.code.in_(part)))})
            had_cases = s.scalar(select(Case.id).limit(1)) is not None
            # 1. Check every case before writing any (all or nothing).
            plans: list[tuple[dict[str, Any], list[PartyDraft], int | None]] = []
            warnings: list[str] = []
            keep: set[int] = set()  # concluded cases: signed records and agreement stay as they are
            unchanged: set[int] = set()  # existing cases the file carries exactly as they are
            for i, data in enumerate(doc["cases"]):
                step(progress, cancelled, i, total)
                path = f"$.cases[{i}]"
                if data["dispute_type"] not in types:
                    problems.append(Problem(
                        f"{path}.dispute_type",
                        f"纠纷类型“{data['dispute_type']}”不在纠纷类型表中（可先在设置中添加）"))
                if date.fromisoformat(data["received_on"]) > today:
                    problems.append(Problem(f"{path}.received_on", "“受理日期”不能晚于今天"))
                drafts = [_party_draft(p) for p in data.get("parties", [])]
                for j, draft in enumerate(drafts):
                    for fp in validate_party(draft, f"parties[{j}]", today, derive=False):
                        if not fp.warning:
                            problems.append(Problem(f"{path}.{fp.field}", fp.message))
                        else:
                            warnings.append(f"{path}.{fp.field}：{fp.message}")
                if date.fromisoformat(data["received_on"]).year < 2000:
                    warnings.append(f"{path}.received_on：受理日期{data['received_on']}早于2000年，"
                                    "登记时不会接受，请核对是否填错")
                code = data.get("code")
                if code and code not in existing:
                    problems.extend(_code_number_problems(org, code, f"{path}.code"))
                if code and code in existing and not update_existing:
                    problems.append(Problem(
                        f"{path}.code", f"案号“{code}”已存在。如要用文件内容更新它，请选择“更新已有案件”"))
                if code and code in existing and update_existing:
                    current = self._case_out(s.get(Case, existing[code]), False, version=version)  # type: ignore[arg-type]
                    if not _first_difference(current, data, path):
                        unchanged.add(existing[code])
                        plans.append((data, drafts, existing[code]))
                        continue
                    locked = self._concluded_problems(s, existing[code], data, path, version)
                    problems.extend(locked[0])
                    if locked[1]:
                        keep.add(existing[code])
                plans.append((data, drafts, existing.get(code) if code else None))
            same = self._duplicates(s, plans)
            duplicate_lines: list[str] = []
            for i, (other_path, other_code, _other_id) in sorted(same.items()):
                where = f"已有案件{other_code}" if other_code else f"本文件中的{other_path}"
                message = f"与{where}重复（当事人、受理日期和纠纷简要情况都相同），可能是同一文件导入了两次"
                if allow_duplicates:
                    duplicate_lines.append(f"$.cases[{i}]：与{where}重复，已按要求仍然导入")
                else:
                    problems.append(Problem(f"$.cases[{i}]", message))
            if problems:
                duplicates = 0 if allow_duplicates else len(same)
                raise ExchangeError(sorted(problems, key=lambda p: _sort_key(p.path)), duplicates)
            hints = self._earlier_cases(s, plans, same) if had_cases else []
            # 2. Codes: keep the given ones (and keep the series clear of them), then hand
            #    out one block of numbers per year for the cases that have none.
            numbers = self._allocate_codes(s, org, plans)
            # 3. Write in batches: the new cases' rows are inserted many at a time (see
            #    _insert_new_cases), the updated cases go through the ORM.
            mediators = self._mediators_by_name(s)
            batch: list[tuple[Case | _NewCase, bool]] = []
            planned = [0]
            for k, ((data, drafts, case_id), number) in enumerate(zip(plans, numbers)):
                step(progress, cancelled, len(plans) + k, total)
                is_new = case_id is None
                if case_id in unchanged:
                    # Counted with the updated ones (it is up to date), but nothing is written or audited.
                    updated.append(data["code"])
                    continue
                if is_new:
                    new = self._new_case(s, org, data, types[data["dispute_type"]], drafts, mediators, now, number,
                                         self._plans_visits(data, is_new), version)
                    batch.append((new, new.plan))
                else:
                    case = s.get(Case, case_id)
                    assert case is not None
                    before = _audited_values(case)
                    # One-to-one parts are replaced: delete the old rows before inserting.
                    # A concluded case keeps its agreement (and so its performance records),
                    # its sessions, parties, visits and termination; the check above made sure
                    # the file does not change them. The judicial confirmation is updated in place.
                    if case_id not in keep:
                        case.agreement = None
                        case.termination = None
                    s.flush()
                    self._fill(s, case, data, types[data["dispute_type"]], drafts, mediators, now,
                               concluded=case_id in keep, version=version)
                    after = _audited_values(case)
                    changes = {f: [before.get(f, ""), after.get(f, "")] for f in sorted(set(before) | set(after))
                               if before.get(f, "") != after.get(f, "")}
                    if changes:
                        self.ctx.audit(s, "import-update", "case", case.id, changes=changes)
                    refresh_derived(case)
                    batch.append((case, self._plans_visits(data, is_new)))
                if len(batch) >= BATCH:
                    self._flush_batch(s, batch, created, updated, planned)
            self._flush_batch(s, batch, created, updated, planned)
            if on_written is not None:
                on_written(s, created)
            self.ctx.audit(s, "import", "document", None, created=len(created), updated=len(updated))
            # The last moment to stop: after this the transaction commits.
            step(progress, cancelled, total, total)
        return ImportResult(created, updated, hints, duplicate_lines, planned[0], warnings)

    def _concluded_problems(self, s: Session, case_id: int, data: dict[str, Any], path: str, version: int = 1
                            ) -> tuple[list[Problem], bool]:
        """What an ``--update`` of an existing case may not change, as the window's guards say:
        an archived case, signed session records, an effective agreement (with its terms and so
        its recorded performance). Returns the problems and whether the case is concluded (its
        agreement and sessions are then kept, never rewritten from the file)."""
        case = s.get(Case, case_id)
        assert case is not None
        if case.status == CaseStatus.CLOSED.value:
            return [Problem(f"{path}", f"案件{case.code}已归档，导入不能更改已归档的案件")], True
        # The case as the file's version writes it: a version-1 file is compared with what
        # version 1 carries, a version-2 file also with the visits' findings and history.
        out = self._case_out(case, False, version=version)
        problems = self._history_problems(case, out, data, path) if version >= 2 else []
        sessions = data.get("sessions", [])
        signed = [x for x in case.sessions if x.signed_at and not getattr(x, "cancelled", False)]
        old_sessions = out.get("sessions", [])
        for k, old in enumerate(old_sessions):
            if not old.get("record"):
                continue
            new = sessions[k] if k < len(sessions) else None
            for key in sorted(set(old) | set(new or {})):
                if new is None or old.get(key) != new.get(key):
                    where = f"{path}.sessions[{k}]" + ("" if new is None else f".{key}")
                    problems.append(Problem(where, "这次调解的笔录已签名，导入不能改动或删除它；"
                                                   "请从文件中去掉这处改动后再导入"))
                    break
        agreement = case.agreement
        effective = agreement is not None and agreement.signed_on is not None
        if effective:
            # As in the window: only the number, the copies and the effective date may be corrected.
            old_a, new_a = dict(out.get("agreement") or {}), data.get("agreement")
            if isinstance(new_a, dict) and new_a.get("signed_on"):
                new_a = dict(new_a)
                for key in CORRECTABLE_AGREEMENT_FIELDS:
                    old_a.pop(key, None)
                    new_a.pop(key, None)
            diff = _first_difference(old_a, new_a, f"{path}.agreement")
            if diff:
                problems.append(Problem(diff, "调解协议已生效，导入不能改动它（履行情况也据此记录）；"
                                              "请从文件中去掉这处改动后再导入"))
        performed = agreement is not None and any(t.performances for t in agreement.terms)
        concluded = bool(signed or effective or performed)
        if concluded and not effective:
            # A draft agreement beside signed records is changed in the window, where its checks run.
            diff = _first_difference(out.get("agreement"), data.get("agreement"), f"{path}.agreement")
            if diff:
                problems.append(Problem(diff, "这件案件的笔录已签名，导入不能改动它的调解协议；"
                                              "请在本机打开案件修改协议，或从文件中去掉这处改动"))
        if concluded:
            for key, label in HELD_WHEN_CONCLUDED:
                if key == "follow_ups" and not data.get("follow_ups"):
                    continue  # a file that does not list the visits keeps those on record
                diff = _first_difference(out.get(key), data.get(key), f"{path}.{key}")
                if diff:
                    problems.append(Problem(diff, f"这件案件已有签名的笔录或生效的协议，导入不能改动{label}；"
                                                  "请从文件中去掉这处改动后再导入"))
            if out.get("judicial_confirmation") and not data.get("judicial_confirmation"):
                problems.append(Problem(f"{path}.judicial_confirmation",
                                        "这件案件已登记司法确认，导入不能删去它；请从文件中去掉这处改动后再导入"))
        return problems, concluded

    @staticmethod
    def _history_problems(case: Case, out: dict[str, Any], data: dict[str, Any], path: str) -> list[Problem]:
        """A version-2 update may add 销号/再挂号 entries and risk changes after those stored, never
        change or drop one (a file that leaves such a list out keeps it); the 销号日期 must then
        agree with the last entry kept."""
        problems = []
        for key, label in v2.HISTORY_LISTS:
            if key not in data:
                continue
            old, new = out.get(key, []), data[key]
            for k, entry in enumerate(old):
                # An entry the file gives without who and when (a ledger kept by hand) is the
                # stored one, which was stamped when it came in.
                if k >= len(new) or new[k] != {f: v for f, v in entry.items() if f not in v2.STAMP or f in new[k]}:
                    problems.append(Problem(f"{path}.{key}[{k}]", f"{label}是已有的历史记录，导入只能在后面添加新的记录，"
                                                                  "不能改动或删去已有的记录；请从文件中去掉这处改动后再导入"))
                    break
        if "ledger_events" not in data and case.ledger_events:
            last = case.ledger_events[-1]
            closed_on = _d(data.get("ledger_closed_on"))
            expected = last.on if last.action == "cross_off" else None
            if closed_on != expected:
                shown = f"应为 {expected.isoformat()}" if expected else "不应填写"
                problems.append(Problem(f"{path}.ledger_closed_on",
                                        f"本案台账上最后一条记录是{last.on.isoformat()}"
                                        f"{'销号' if expected else '再挂号'}，“台账销号日期”{shown}；"
                                        "如已再次销号或再挂号，请在 ledger_events 中写明这条记录"))
        return problems

    @staticmethod
    def _plans_visits(data: dict[str, Any], is_new: bool) -> bool:
        """Whether the visits of this case are planned from its agreement: the case still awaits
        its visits, the document does not list them, and a new case's agreement has taken
        effect (an updated case is always brought in line: a removed agreement or term drops
        the visits planned for it, as in the application)."""
        if data.get("follow_ups") or data.get("status", CaseStatus.REGISTERED.value) not in PLANNED_STATUSES:
            return False
        a = data.get("agreement")
        return not is_new or (a is not None and bool(a.get("signed_on")))

    @staticmethod
    def _party_key(id_number: str | None, name: str | None) -> str:
        """A party as duplicates are told apart: its ID number, or its name when it has none."""
        number = (id_number or "").strip().upper()
        return f"id:{number}" if number else f"name:{(name or '').strip()}"

    def _duplicates(self, s: Session, plans: list[tuple[dict[str, Any], list[PartyDraft], int | None]]
                    ) -> dict[int, tuple[str, str, frozenset[int]]]:
        """New cases of ``plans`` already entered: index → (path of the same case earlier in the
        file, or ""; code of the first such case in the database, or ""; the ids of all such)."""
        keys: dict[int, tuple[date, str, tuple[str, ...]]] = {}
        for i, (data, drafts, case_id) in enumerate(plans):
            if case_id is None:
                keys[i] = (date.fromisoformat(data["received_on"]), data["summary"].strip(),
                           tuple(sorted(self._party_key(d.id_number, d.name) for d in drafts)))
        found: dict[int, tuple[str, str, frozenset[int]]] = {}
        first: dict[tuple[date, str, tuple[str, ...]], int] = {}
        for i, key in keys.items():
            if key in first:
                found[i] = (f"$.cases[{first[key]}]", "", frozenset())
            else:
                first[key] = i
        # Cases in the database with one of the received dates and summaries, then their parties.
        wanted = sorted({(k[0], k[1]) for k in first}, key=lambda x: (x[0], x[1]))
        candidates: dict[int, tuple[str, date, str]] = {}
        for chunk in range(0, len(wanted), 200):
            part = wanted[chunk:chunk + 200]
            days = {d for d, _ in part}
            texts = {t for _, t in part}
            pairs = set(part)
            rows = s.execute(select(Case.id, Case.code, Case.received_on, Case.summary)
                             .where(Case.received_on.in_(days), Case.summary.in_(texts)))
            for cid, code, received_on, summary in rows:
                if (received_on, (summary or "").strip()) in pairs:
                    candidates[cid] = (code, received_on, (summary or "").strip())
        if not candidates:
            return found
        parties: dict[int, list[str]] = {cid: [] for cid in candidates}
        ids = sorted(candidates)
        for chunk in range(0, len(ids), 900):
            for cid, number, name in s.execute(select(CaseParty.case_id, CaseParty.id_number, CaseParty.name)
                                               .where(CaseParty.case_id.in_(ids[chunk:chunk + 900]))):
                parties[cid].append(self._party_key(number, name))
        stored: dict[tuple[date, str, tuple[str, ...]], list[tuple[str, int]]] = {}
        for cid in sorted(candidates):  # the first entered is named
            code, received_on, summary = candidates[cid]
            stored.setdefault((received_on, summary, tuple(sorted(parties[cid]))), []).append((code, cid))
        for i, key in keys.items():
            if key in stored and i not in found:
                found[i] = ("", stored[key][0][0], frozenset(cid for _code, cid in stored[key]))
        return found

    def _earlier_cases(self, s: Session, plans: list[tuple[dict[str, Any], list[PartyDraft], int | None]],
                       same: dict[int, tuple[str, str, frozenset[int]]]) -> list[str]:
        """The intake's repeat-dispute hint for each new case of ``plans``: its parties' earlier
        cases (in the database before this import), found by ID number, or by name for a party
        without one — looked up all at once, not party by party, so a large ledger imports as
        fast as before. The case an allowed duplicate repeats is no "earlier case"."""
        numbers: set[str] = set()
        names: set[str] = set()
        for _data, drafts, case_id in plans:
            if case_id is None:
                for d in drafts:
                    key = self._party_key(d.id_number, d.name)
                    (numbers if key.startswith("id:") else names).add(key[3:] if key.startswith("id:") else key[5:])
        found: dict[str, dict[int, tuple[date, int, str, str]]] = {}
        columns = select(CaseParty.id_number, CaseParty.name, Case.id, Case.code, Case.received_on).join(
            Case, Case.id == CaseParty.case_id)
        for values, column, prefix in ((sorted(numbers), CaseParty.id_number, "id:"),
                                       (sorted(names), CaseParty.name, "name:")):
            for chunk in range(0, len(values), 900):
                for number, name, cid, code, received_on in s.execute(
                        columns.where(column.in_(values[chunk:chunk + 900]))):
                    key = prefix + ((number or "").strip().upper() if prefix == "id:" else (name or "").strip())
                    reason = "身份证号相同" if prefix == "id:" else "姓名相同"
                    found.setdefault(key, {})[cid] = (received_on, cid, code, reason)
        lines = []
        for k, (_data, drafts, case_id) in enumerate(plans):
            if case_id is not None:
                continue
            skip = same[k][2] if k in same else frozenset()
            for d in drafts:
                earlier = sorted((x for cid, x in found.get(self._party_key(d.id_number, d.name), {}).items()
                                  if cid not in skip), reverse=True)
                if earlier:
                    more = f"等{len(earlier)}件" if len(earlier) > 3 else ""
                    lines.append(f"$.cases[{k}]：当事人{d.name}此前有案件"
                                 + "、".join(code for _on, _cid, code, _why in earlier[:3])
                                 + f"{more}（{'名称相同' if d.kind != 'person' and not d.id_number else earlier[0][3]}）")
        return lines

    def _allocate_codes(self, s: Session, org: Organization,
                        plans: list[tuple[dict[str, Any], list[PartyDraft], int | None]]
                        ) -> list[tuple[str, int, int] | None]:
        from mediator_desktop.domain import codes
        from mediator_desktop.services.cases import allocate_block, allocate_number

        # Codes given in the file do not move the series (a large one would leave a hole, or
        # run it out): the series goes on from the highest number this committee issued itself
        # and steps over any number an imported code already holds (below).
        wanted: dict[int, int] = {}
        for data, _drafts, case_id in plans:
            if case_id is None and not data.get("code"):
                year = int(data["received_on"][:4])
                wanted[year] = wanted.get(year, 0) + 1
        next_n = {year: allocate_block(s, org.id, year, k) for year, k in wanted.items()}
        taken = {d.get("code") for d, _p, _c in plans if d.get("code")}
        out: list[tuple[str, int, int] | None] = []
        for data, _drafts, case_id in plans:
            if case_id is not None or data.get("code"):
                out.append(None)
                continue
            year = int(data["received_on"][:4])
            n = next_n[year]
            next_n[year] += 1
            out.append((codes.format_code(org.code_pattern, year=year, short_name=org.short_name, n=n),
                        year, n))
        # A number of the series may already be used by a code that came from elsewhere:
        # look them all up at once, and give such a case the next free number instead.
        fresh = [o[0] for o in out if o is not None]
        clashes = set(taken)
        for chunk in range(0, len(fresh), 900):
            clashes.update(s.scalars(select(Case.code).where(Case.code.in_(fresh[chunk:chunk + 900]))))
        for k, item in enumerate(out):
            if item is None or item[0] not in clashes:
                continue
            year = item[1]
            while True:
                n = allocate_number(s, org.id, year)
                code = codes.format_code(org.code_pattern, year=year, short_name=org.short_name, n=n)
                if code not in clashes and s.scalar(select(Case.id).where(Case.code == code)) is None:
                    out[k] = (code, year, n)
                    clashes.add(code)
                    break
        return out

    def _flush_batch(self, s: Session, batch: list[tuple[Case | _NewCase, bool]], created: list[str],
                     updated: list[str], planned: list[int]) -> None:
        """Write a batch: the updated cases (ORM objects, with their plan flag) and the new
        ones' rows, then the import's audit entries and the visits planned from the agreements."""
        from mediator_desktop.services.followups import plan_for_agreement
        from mediator_desktop.storage.bulk import insert_rows
        if not batch:
            return
        with s.no_autoflush:
            s.flush()
        self._insert_new_cases(s, [item for item, _plan in batch if isinstance(item, _NewCase)])
        audits = []
        for item, _plan in batch:
            if isinstance(item, _NewCase):
                code, case_id, is_new = item.case["code"], item.case["id"], True
            else:
                code, case_id, is_new = item.code, item.id, False
            (created if is_new else updated).append(code)
            audits.append(self.ctx.audit_values("import", "case", case_id, case_id=case_id,
                                                text="由交换文件导入" if is_new else "由交换文件更新"))
        insert_rows(s, AuditEntry, audits)
        # The same planning as saving the agreement in the application; on an update it keeps
        # the visits already planned (moving them if the dates changed). Everything it reads is
        # flushed above: no flush per case (that would walk the whole batch each time).
        visits: list[tuple[dict[str, Any], dict[str, Any]]] = []
        plan_audits: list[dict[str, Any]] = []
        with s.no_autoflush:
            for item, plan in batch:
                if not plan:
                    continue
                if isinstance(item, _NewCase):
                    planned[0] += self._plan_new_case(item, visits, plan_audits)
                else:
                    planned[0] += plan_for_agreement(s, self.ctx, item)
        insert_rows(s, FollowUp, [visit for visit, _event in visits], ids=True)
        for visit, event in visits:
            event["follow_up_id"] = visit["id"]
        insert_rows(s, FollowUpEvent, [event for _visit, event in visits])
        insert_rows(s, AuditEntry, plan_audits)
        s.flush()
        batch.clear()

    @staticmethod
    def _mediators_by_name(s: Session) -> dict[str, Mediator]:
        """Name → mediator; with two of one name, the active one registered first."""
        found: dict[str, Mediator] = {}
        for m in s.scalars(select(Mediator).order_by(Mediator.active.desc(), Mediator.id)):
            found.setdefault(m.name, m)
        return found

    def _organization(self, s: Session, data: dict[str, Any]) -> Organization:
        """The database's organisation; a fresh database takes the document's."""
        self.ctx.db.serialize(s, "organization")
        org = s.scalars(select(Organization).order_by(Organization.id)).first()
        if org is not None:
            return org
        from mediator_desktop.domain.codes import DEFAULT_PATTERN

        short = data.get("short_name") or data["name"].replace("人民调解委员会", "")[:6] or "调"
        org = Organization(name=data["name"], short_name=short, kind=data.get("kind", "committee"),
                           address=data.get("address", ""), phone=data.get("phone", ""),
                           seal_text=data["name"], code_pattern=DEFAULT_PATTERN)
        s.add(org)
        s.flush()
        self.ctx.audit(s, "save", "organization", org.id, name=org.name, source="import")
        return org

    def _mediator(self, s: Session, name: str, mediators: dict[str, Mediator]) -> Mediator:
        """The mediator of that name; one the database does not know yet is registered."""
        mediator = mediators.get(name)
        if mediator is None:
            mediator = Mediator(name=name)
            s.add(mediator)
            s.flush()
            mediators[name] = mediator
            self.ctx.audit(s, "save", "mediator", mediator.id, name=mediator.name, source="import")
        return mediator

    def _fill(self, s: Session, case: Case, data: dict[str, Any], dtype: DisputeType,
              drafts: list[PartyDraft], mediators: dict[str, Mediator], now: datetime, *,
              concluded: bool = False, version: int = 1) -> None:
        """Write the file's case onto a case already in the database (see :meth:`_new_case`
        for a new one). A version-1 file leaves what only version 2 carries as recorded."""
        from mediator_desktop.services.cases import apply_party
        if version >= 2:
            v2.fill_case(case, data, now, self.ctx.actor.name)
        if concluded:
            # Signed records, the agreement, parties, mediators, visits and termination stay;
            # the file matched them (apart from what the window also lets be corrected).
            for name in EDITABLE_WHEN_CONCLUDED:
                value = data.get(name, FIELD_DEFAULTS.get(name, ""))
                setattr(case, name, date.fromisoformat(value) if name == "received_on" else
                        list(value or []) if name == "requests" else value)
            case.updated_at = now
            given = data.get("agreement")
            if given is not None and case.agreement is not None and case.agreement.signed_on is not None:
                case.agreement.number = given.get("number") or case.agreement.number
                case.agreement.copies = given.get("copies")
                case.agreement.signed_on = _d(given.get("signed_on")) or case.agreement.signed_on
            self._fill_confirmation(case, data, version)
            return
        for name, value in _case_values(data, dtype).items():
            setattr(case, name, value)
        case.dispute_type = dtype
        case.updated_at = now
        rows = []
        for k, m in enumerate(data.get("mediators", [])):
            mediator = self._mediator(s, m["name"], mediators)
            rows.append(CaseMediator(mediator=mediator, **_mediator_values(k, m, mediator)))
        case.mediators = rows
        # A party already on the case is updated in place (matched by ID number, or by name
        # without one), so what the format does not carry — the rights notice — stays with it.
        on_case: dict[str, list[CaseParty]] = {}
        for row in case.parties if case.id is not None else []:
            on_case.setdefault(self._party_key(row.id_number, row.name), []).append(row)
        parties = []
        for j, draft in enumerate(drafts):
            same = on_case.get(self._party_key(draft.id_number, draft.name))
            row = same.pop(0) if same else CaseParty()
            apply_party(row, draft, j)
            parties.append(row)
        case.parties = parties
        case.sessions = [MediationSession(**_session_values(k, x)) for k, x in enumerate(data.get("sessions", []))]
        a = data.get("agreement")
        case.agreement = None if a is None else Agreement(
            **_agreement_values(a), terms=[AgreementTerm(**_term_values(k, t)) for k, t in enumerate(a.get("terms", []))])
        t = data.get("termination")
        case.termination = None if t is None else Termination(**_termination_values(t))
        if t is not None and version >= 2:
            assert case.termination is not None
            v2.fill_termination(case.termination, t)
        # An update that does not list the visits keeps those on record (planned ones follow the
        # agreement, see _flush_batch); a document that lists them replaces them.
        if data.get("follow_ups"):
            visits = [FollowUp(**_follow_up_values(k, f)) for k, f in enumerate(data["follow_ups"])]
            if version >= 2:
                s.flush()  # the new agreement's terms get their ids, for the visits that name them
                term_ids = [term.id for term in case.agreement.terms] if case.agreement is not None else []
                for visit, f in zip(visits, data["follow_ups"], strict=True):
                    v2.fill_follow_up(visit, f, term_ids, now)
            case.follow_ups = visits
        self._fill_confirmation(case, data, version)

    @staticmethod
    def _fill_confirmation(case: Case, data: dict[str, Any], version: int = 1) -> None:
        """The file's judicial confirmation, updated in place: what a version-1 file does not
        carry (whether enforcement was applied for) stays as recorded."""
        j = data.get("judicial_confirmation")
        if j is None:
            case.judicial_confirmation = None
            return
        row = case.judicial_confirmation or JudicialConfirmation()
        for name, value in _confirmation_values(j).items():
            setattr(row, name, value)
        if version >= 2:
            v2.fill_confirmation(row, j)
        case.judicial_confirmation = row

    def _new_case(self, s: Session, org: Organization, data: dict[str, Any], dtype: DisputeType,
                  drafts: list[PartyDraft], mediators: dict[str, Mediator], now: datetime,
                  number: tuple[str, int, int] | None, plan: bool, version: int = 1) -> _NewCase:
        """A new case of the file as the rows to insert (:meth:`_insert_new_cases`): the rows
        the ORM wrote for it before, built from the same values as :meth:`_fill`'s objects."""
        from mediator_desktop.services.cases import agent_values, code_sort_key, derived_values, party_values
        values = {"organization_id": org.id, "created_at": now, "created_by": self.ctx.actor.name,
                  **_case_values(data, dtype), "updated_at": now}
        if data.get("code"):
            values["code"] = data["code"]
            values["code_year"], values["code_n"] = code_sort_key(org, data["code"], values["received_on"])
        else:
            assert number is not None
            values["code"], values["code_year"], values["code_n"] = number
        new = _NewCase(values, drafts, plan)
        names = []
        for k, m in enumerate(data.get("mediators", [])):
            mediator = self._mediator(s, m["name"], mediators)
            row = _mediator_values(k, m, mediator)
            new.rows[CaseMediator].append(row)
            names.append((row["role"], k, mediator.name))
        values.update(derived_values(values["code"], values["title"], values["summary"], values["requests"],
                                     drafts, names))
        new.parties = [(party_values(d, j), [agent_values(a, i) for i, a in enumerate(d.agents)])
                       for j, d in enumerate(drafts)]
        new.rows[MediationSession] = [_session_values(k, x) for k, x in enumerate(data.get("sessions", []))]
        a = data.get("agreement")
        if a is not None:
            new.agreement = _agreement_values(a)
            new.terms = [_term_values(k, t) for k, t in enumerate(a.get("terms", []))]
        if data.get("termination") is not None:
            new.rows[Termination].append(_termination_values(data["termination"]))
        new.rows[FollowUp] = [_follow_up_values(k, f) for k, f in enumerate(data.get("follow_ups", []))]
        if data.get("judicial_confirmation") is not None:
            new.rows[JudicialConfirmation].append(_confirmation_values(data["judicial_confirmation"]))
        if version >= 2:
            values.update(v2.case_values(data))
            if data.get("termination") is not None:
                new.rows[Termination][0].update(v2.termination_values(data["termination"]))
            for row, f in zip(new.rows[FollowUp], data.get("follow_ups", []), strict=True):
                row.update(v2.follow_up_values(f))
            new.visits = list(data.get("follow_ups", []))
            new.visit_events = [[v2.visit_event_values(e, now) for e in f.get("events", [])] for f in new.visits]
            if data.get("judicial_confirmation") is not None:
                new.rows[JudicialConfirmation][0].update(v2.confirmation_values(data["judicial_confirmation"]))
            new.rows.update(v2.child_rows(data, now, self.ctx.actor.name))
        new.rows[StatusChange].append({"at": now, "actor": self.ctx.actor.name, "from_status": None,
                                       "to_status": values["status"], "reason": "导入"})
        return new

    @staticmethod
    def _insert_new_cases(s: Session, new: list[_NewCase]) -> None:
        """Insert the rows of ``new`` cases, each table's many rows at a time."""
        from mediator_desktop.services.due_dates import touch
        from mediator_desktop.storage.bulk import insert_rows
        insert_rows(s, Case, [n.case for n in new], ids=True)
        # Bulk rows pass no ORM event: have their deadlines materialised at the commit.
        touch(s, [n.case["id"] for n in new])
        for n in new:
            for rows in [*n.rows.values(), [p for p, _agents in n.parties], [n.agreement] if n.agreement else []]:
                for row in rows:
                    row["case_id"] = n.case["id"]
        insert_rows(s, CaseParty, [p for n in new for p, _agents in n.parties], ids=True)
        agents = []
        for n in new:
            for party, party_agents in n.parties:
                for agent in party_agents:
                    agent["party_id"] = party["id"]
                    agents.append(agent)
        insert_rows(s, PartyAgent, agents)
        with_agreement = [n for n in new if n.agreement is not None]
        insert_rows(s, Agreement, [n.agreement for n in with_agreement if n.agreement is not None], ids=True)
        for n in with_agreement:
            assert n.agreement is not None
            for term in n.terms:
                term["agreement_id"] = n.agreement["id"]
        insert_rows(s, AgreementTerm, [t for n in with_agreement for t in n.terms], ids=True)
        for n in new:  # version 2: the terms a visit names, now that they have ids
            for row, f in zip(n.rows[FollowUp], n.visits):
                v2.resolve_terms(row, f, [t["id"] for t in n.terms])
        events = any(n.visit_events for n in new)
        for model in NEW_CASE_TABLES:
            insert_rows(s, model, [row for n in new for row in n.rows[model]], ids=model is FollowUp and events)
        if events:
            insert_rows(s, FollowUpEvent, [
                {**e, "follow_up_id": row["id"]}
                for n in new for row, visit_events in zip(n.rows[FollowUp], n.visit_events) for e in visit_events])

    def _plan_new_case(self, new: _NewCase, visits: list[tuple[dict[str, Any], dict[str, Any]]],
                       audits: list[dict[str, Any]]) -> int:
        """:func:`plan_for_agreement` for a case just inserted (it has no visits yet): its
        visits with their history entries are added to ``visits``, the audit entry to ``audits``."""
        from mediator_desktop.services.followups import (
            match_visits,
            plan_audit_text,
            planned_event_values,
            planned_visit_values,
            planned_visits,
        )
        assert new.agreement is not None
        # Objects never added to the session, for the planning to read the terms (with their ids).
        agreement = Agreement(**new.agreement, terms=[AgreementTerm(**t) for t in new.terms])
        _pairs, to_add, _left = match_visits([], planned_visits(self.ctx, agreement, [d.name for d in new.drafts]))
        now, actor, case_id = self.ctx.now(), self.ctx.actor.name, new.case["id"]
        for k, plan in enumerate(to_add):
            visits.append((planned_visit_values(case_id, k, plan), planned_event_values(now, actor, plan)))
        if to_add:
            audits.append(self.ctx.audit_values("plan", "follow_up", None, case_id=case_id,
                                                text=plan_audit_text(len(to_add))))
        return len(to_add)

    # -- export -------------------------------------------------------------------------------

    def export_to_file(self, path: str | Path, codes: list[str] | None = None, *, masked: bool = False,
                       progress: Progress | None = None, cancelled: CancelCheck | None = None,
                       version: int = VERSION) -> int:
        """Write the export (see :meth:`export_document`) to ``path`` as UTF-8 JSON; returns
        the number of cases. The file appears only when complete: a failure or a cancel
        (:class:`~mediator_desktop.services.errors.Cancelled`) leaves no partial file."""
        doc = self.export_document(codes, masked=masked, progress=progress, cancelled=cancelled, version=version)
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        step(progress, cancelled, len(doc["cases"]), len(doc["cases"]))
        with replacing_file(path) as out:
            out.write(text.encode("utf-8"))
        full = bool(doc.get("masked") is not True and not masked and self.ctx.actor.may(Permission.FULL_IDS))
        with self.ctx.db.write() as s:   # who took which data out, and whether with full ID numbers (PIPL)
            self.ctx.audit(s, "export", "document", None, cases=len(doc["cases"]), masked=not full,
                           codes=[c.get("code") for c in doc["cases"][:50]],
                           text=f"导出案件交换文件（{len(doc['cases'])}件，"
                                + ("含完整身份证号和电话）" if full else "身份证号和电话已遮蔽）"))
        return len(doc["cases"])

    def export_document(self, codes: list[str] | None = None, *, masked: bool = False,
                        for_documents: bool = False, progress: Progress | None = None,
                        cancelled: CancelCheck | None = None, version: int = VERSION) -> dict[str, Any]:
        """The cases (all, or those with ``codes``) as a case-exchange document of ``version``
        (2, the default; 1 for a program that reads only version 1: what version 2 adds is left out).

        ``masked`` gives an export for sharing (README, “Masked export”): ID numbers keep only
        their first 2 and last 2 characters, phones their last 4 digits (mobiles also the first
        3), birth dates are left out, and ID and phone numbers inside any text are masked too.
        Such a file is for reading: importing it is refused. Only signed records are
        exported, and never a caucus or private note (those are not in the case at all).

        ``for_documents`` is the shape the document builders read: records not yet signed are
        included (the record is printed to be read back and signed) with their ``signed_at``,
        plus the record headers, each party's rights notice, what a follow-up visit found beyond
        the format (see :meth:`_follow_up_for_documents`) and the enforcement of a confirmed
        agreement. It is not an exchange document.

        ``progress(done, total)`` is called for each case written out (total 0 while the cases
        are read); when ``cancelled()`` turns true the export stops with
        :class:`~mediator_desktop.services.errors.Cancelled`.
        """
        from mediator_desktop.services.errors import NotFoundError

        if not for_documents and not self.ctx.actor.may(Permission.FULL_IDS):
            masked = True   # a read-only user's export is masked whatever was asked (issue 16)
        step(progress, cancelled, 0, 0)
        with self.ctx.db.read() as s:
            org = s.scalars(select(Organization).order_by(Organization.id)).first()
            org_out: dict[str, Any] = {}
            if org is not None:
                _put_attrs(org_out, org, "name", "short_name", "kind", "address", "phone")
            else:
                org_out["name"] = "（未设置调解组织）"
            stmt = select(Case).order_by(Case.code_year, Case.code_n, Case.id).options(
                selectinload(Case.parties).selectinload(CaseParty.agents),
                selectinload(Case.mediators),
                selectinload(Case.sessions),
                selectinload(Case.agreement).selectinload(Agreement.terms),
                selectinload(Case.termination),
                selectinload(Case.follow_ups),
                selectinload(Case.judicial_confirmation),
            )
            if for_documents:
                # The 回访记录 prints the date a visit was planned for before it was moved.
                stmt = stmt.options(selectinload(Case.follow_ups).selectinload(FollowUp.events))
            elif version >= 2:  # what version 2 adds
                stmt = stmt.options(selectinload(Case.follow_ups).selectinload(FollowUp.events),
                                    selectinload(Case.risk_changes), selectinload(Case.risk_plan),
                                    selectinload(Case.ledger_events), selectinload(Case.preventions),
                                    selectinload(Case.referrals))
            if codes:
                found = set(s.scalars(select(Case.code).where(Case.code.in_(codes))))
                missing = [c for c in codes if c not in found]
                if missing:
                    raise NotFoundError(f"找不到案号为“{missing[0]}”的案件")
                stmt = stmt.where(Case.code.in_(codes))
            if progress is None and cancelled is None:
                cases = [self._case_out(c, masked, for_documents, version) for c in s.scalars(stmt)]
            else:
                rows = list(s.scalars(stmt))
                cases = []
                for k, c in enumerate(rows):
                    step(progress, cancelled, k, len(rows))
                    cases.append(self._case_out(c, masked, for_documents, version))
        return {"format": FORMAT, "version": version, "organization": org_out, "cases": cases}

    def _case_out(self, c: Case, masked: bool, for_documents: bool = False, version: int = VERSION
                  ) -> dict[str, Any]:
        """A case as a document of ``version`` writes it (the fields of version 2 follow those of
        version 1); ``for_documents`` is version 1 with what the documents print beyond it."""
        extended = version >= 2 and not for_documents
        out: dict[str, Any] = {}
        _put_attrs(out, c, "code", "received_on", "source")
        _put(out, "dispute_type", c.dispute_type.name)
        _put(out, "title", c.title)
        out["summary"] = c.summary
        _put(out, "requests", list(c.requests or []))
        _put_attrs(out, c, "risk_level", "status")
        _put(out, "mediators", [{"name": m.mediator.name, "role": m.role} for m in c.mediators])
        _put(out, "recorder", c.recorder)
        parties = []
        for p in c.parties:
            po = _party_out(p, masked)
            agents = []
            for a in p.agents:
                ao: dict[str, Any] = {"name": a.name, "kind": a.kind}
                _put(ao, "phone", mask_phone(a.phone) if masked else a.phone)
                _put(ao, "id_number", share_id_number(a.id_number) if masked else a.id_number)
                agents.append(ao)
            _put(po, "agents", agents)
            if for_documents:
                _put_attrs(po, p, "notice_on", "notice_method")
            parties.append(po)
        out["parties"] = parties
        sessions = []
        ordered = sorted(c.sessions, key=lambda x: (x.starts_at, x.position)) if for_documents else c.sessions
        for x in ordered:
            if x.cancelled:
                continue
            so: dict[str, Any] = {"kind": x.kind}
            _put_attrs(so, x, "starts_at", "ends_at", "place")
            _put(so, "present", list(x.present or []))
            _put(so, "participants", list(x.participants or []))
            if x.signed_at is not None or for_documents:
                _put_attrs(so, x, "record", "outcome")
            if for_documents:
                _put_attrs(so, x, "signed_at", "subject", "interviewee", "recorder")
            sessions.append(so)
        _put(out, "sessions", sessions)
        if c.agreement is not None:
            agreement = c.agreement
            ag: dict[str, Any] = {"form": agreement.form}
            _put_attrs(ag, agreement, "number", "facts", "responsibilities")
            terms = []
            for t in agreement.terms:
                to: dict[str, Any] = {"text": t.text}
                _put_attrs(to, t, "obligor", "obligee", "amount", "due_on", "method", "place", "status")
                terms.append(to)
            ag["terms"] = terms
            _put_attrs(ag, agreement, "signed_on", "copies")
            out["agreement"] = ag
        if c.termination is not None:
            ended = c.termination
            tout: dict[str, Any] = {}
            _put_attrs(tout, ended, "on", "reason")
            if ended.routes_explained is not None:
                tout["routes_explained"] = ended.routes_explained
            if extended:
                v2.termination_out(tout, ended)
            out["termination"] = tout
        follow = []
        term_index = {t.id: k for k, t in enumerate(c.agreement.terms)} if c.agreement is not None else {}
        for f in c.follow_ups:
            fo: dict[str, Any] = {}
            _put_attrs(fo, f, "party", "due_on", "done_on", "method", "performance")
            # An office's own satisfaction scale is stored as its label: the format knows only
            # the three words, so such a value stays out of an exchange document.
            if f.satisfaction in SATISFACTION_WORDS:
                _put(fo, "satisfaction", f.satisfaction)
            if f.new_risk is not None:
                fo["new_risk"] = f.new_risk
            _put_attrs(fo, f, "notes", "visitor")
            if for_documents:
                self._follow_up_for_documents(fo, f, term_index)
            elif extended:
                v2.follow_up_out(fo, f, term_index)
            follow.append(fo)
        _put(out, "follow_ups", follow)
        if c.judicial_confirmation is not None:
            j = c.judicial_confirmation
            jo: dict[str, Any] = {}
            _put_attrs(jo, j, "court", "filed_on", "court_case_number", "result", "ruled_on")
            if for_documents or extended:
                v2.confirmation_out(jo, j)
            out["judicial_confirmation"] = jo
        if extended:
            v2.case_out(out, c)
        if masked:  # ID and phone numbers written inside any text (summary, records, clauses, notes…)
            out = {k: v if k == "code" else _mask_texts(v) for k, v in out.items()}
        return out

    @staticmethod
    def _follow_up_for_documents(fo: dict[str, Any], f: FollowUp, term_index: dict[int, int]) -> None:
        """What the 回访记录 prints beyond the exchange format (LEGAL.md §6): why the visit was
        made, each term's performance (``term`` is the 0-based position in ``agreement.terms``),
        the risk found, the measures taken, whether anyone sued, the satisfaction as a label,
        and the date planned before the visit was moved by hand (``planned_on``)."""
        fo["kind"] = f.kind or VisitKind.SATISFACTION.value
        _put(fo, "reason", f.reason)
        fo["term_performance"] = v2.term_performance(f, term_index)
        _put_attrs(fo, f, "risk_note", "measures")
        fo["sued"] = f.sued
        if f.satisfaction:
            fo["satisfaction_label"] = (Satisfaction(f.satisfaction).label if f.satisfaction in SATISFACTION_WORDS
                                        else f.satisfaction)
        moved = (VisitEvent.RESCHEDULED.value, VisitEvent.NOT_REACHED.value)
        first_move = next((e for e in f.events if e.action in moved), None)
        _put(fo, "planned_on", first_move.old_due if first_move is not None else f.due_on)
        _put(fo, "history", [
            {"action": e.action, "old_due": e.old_due.isoformat() if e.old_due else None,
             "new_due": e.new_due.isoformat() if e.new_due else None, "note": e.note or ""}
            for e in f.events if e.action in moved])
