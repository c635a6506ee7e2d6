"""Judicial confirmation (司法确认, LEGAL.md §5): which court, what it will not accept, by when.

The application has no directory of courts, so the proposals are drawn from the addresses the
case holds (a party's domicile, the organisation's seat) and named the way basic courts are
named (``临沧市临翔区人民法院``); the mediator chooses one or types another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from mediator_desktop.domain.text import chinese_date
from mediator_desktop.domain.workdays import Deadline, WorkCalendar, as_calendar

#: Days from the agreement's effective date in which the parties apply jointly (人民调解法 33).
APPLICATION_DAYS = 30

_DISTRICT = re.compile(r"(?:[^省市县区旗]{2,8}?(?:省|自治区))?"
                       r"((?:[^省市县区旗]{2,8}?(?:市|自治州|地区|盟))?[^省市县区旗]{1,8}?(?:区|县|旗|市))")
#: Subjects courts do not confirm (民事诉讼法解释 355): status relationships, ownership of property
#: or IP rights.
_REFUSED = [
    (re.compile(r"婚姻关系|离婚|解除婚姻|确认婚姻"), "婚姻等身份关系"),
    (re.compile(r"收养|解除收养"), "收养关系"),
    (re.compile(r"亲子关系|确认亲子|确认父|确认母|身份关系"), "亲子等身份关系"),
    (re.compile(r"确权|权属|所有权|物权确认|确认.*归属|产权归属"), "物权的权属"),
    (re.compile(r"知识产权|专利权|商标权|著作权"), "知识产权的权属"),
]


@dataclass(frozen=True)
class CourtProposal:
    court: str
    reason: str          # why this court is competent, in Chinese


def basic_court(address: str) -> str | None:
    """``云南省临沧市临翔区忙畔街道…`` → ``临沧市临翔区人民法院``; None when no district is named."""
    match = _DISTRICT.match(address.strip())
    return f"{match.group(1)}人民法院" if match else None


def court_proposals(case: dict[str, Any], org_address: str) -> list[CourtProposal]:
    """Competent basic courts for this case, without repeats (CPL 205)."""
    proposals: list[CourtProposal] = []
    if case.get("source") in ("court_delegated", "court_entrusted"):
        proposals.append(CourtProposal("", "委派或委托调解的人民法院（请填写其名称）"))
    for party in case.get("parties") or []:
        court = basic_court(party.get("address", ""))
        if court:
            proposals.append(CourtProposal(court, f"当事人{party['name']}住所地"))
    court = basic_court(org_address)
    if court:
        proposals.append(CourtProposal(court, "调解组织所在地"))
    seen: set[str] = set()
    unique = []
    for p in proposals:
        if p.court not in seen or not p.court:
            seen.add(p.court)
            unique.append(p)
    return unique


def refused_subjects(case: dict[str, Any]) -> list[str]:
    """What in this case a court would refuse to confirm, in Chinese (empty: nothing found)."""
    agreement = case.get("agreement") or {}
    texts = [case.get("dispute_type", ""), case.get("title", ""), agreement.get("facts", "")]
    texts += [t.get("text", "") for t in agreement.get("terms") or []]
    found = []
    for pattern, what in _REFUSED:
        if any(pattern.search(t or "") for t in texts) and what not in found:
            found.append(what)
    return found


def application_deadline(effective: date | None, cal: WorkCalendar | None = None) -> Deadline | None:
    """The last day to apply: 30 days from the effective date, counted as LEGAL.md §6 says."""
    return as_calendar(cal).period_end(effective, APPLICATION_DAYS) if effective else None


#: What remains once the window has closed (Law 31-32; SOURCES.md 1.6.6-1.6.7): the agreement is
#: still binding, and a dispute over its performance or content goes to court.
AFTER_WINDOW = ("调解协议仍然有效，当事人应当按照约定履行；就调解协议的履行或者内容发生争议的，"
                "一方当事人可以向人民法院提起诉讼（人民调解法第三十二条）。")


def lapsed_warning(deadline: Deadline | None, today: date, filed_on: date | None = None) -> str:
    """The warning for an application prepared after its window closed ("" while it is open, or
    when an application was recorded in time): the last day, that a court will not accept it,
    and what the parties can still do."""
    if deadline is None or today <= deadline.due or (filed_on is not None and filed_on <= deadline.due):
        return ""
    return (f"申请期限已于{chinese_date(deadline.due)}届满，人民法院不会受理本申请。" + AFTER_WINDOW)
