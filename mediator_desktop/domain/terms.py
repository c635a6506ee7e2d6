"""Agreement terms (协议条款): the clause text made from structured fields, and the check that a
term says who does what, for whom and by when (SPC-2011 7: courts refuse to confirm unclear
agreements; LEGAL.md §4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from mediator_desktop.domain.text import amount_text, chinese_date, clause_number


@dataclass
class Instalment:
    """One instalment (分期) of a money term."""

    amount: Decimal | None = None
    due_on: date | None = None


@dataclass
class TermFields:
    """The structured part of a term. ``obligor``/``obligee`` are party positions."""

    kind: str = "obligation"            # obligation | statement
    obligor: int | None = None
    obligee: int | None = None
    subject: str = ""                   # what is owed: 补偿款, 修复院墙…
    amount: Decimal | None = None
    instalments: list[Instalment] = field(default_factory=list)
    due_on: date | None = None
    method: str = ""
    place: str = ""


def parse_amount(text: str) -> Decimal | None:
    """``"12,000"`` / ``"12000.5"`` → Decimal with two places; ``""`` → None; raises ValueError."""
    text = text.strip().replace(",", "").replace("，", "").replace("¥", "").replace("元", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        raise ValueError(text)
    return value.quantize(Decimal("0.01"))


def last_due(t: TermFields) -> date | None:
    """The date by which the whole term is performed."""
    dates = [i.due_on for i in t.instalments if i.due_on] + ([t.due_on] if t.due_on else [])
    return max(dates) if dates else None


def term_problems(t: TermFields, party_count: int) -> list[str]:
    """Why a term is unclear (empty when it is clear). A ``statement`` term (e.g. 双方再无其他
    争议) owes nothing and is never unclear."""
    if t.kind == "statement":
        return []
    problems = []
    if t.obligor is None or not 0 <= t.obligor < party_count:
        problems.append("未写明由谁履行（义务人）")
    if t.obligee is None or not 0 <= t.obligee < party_count:
        problems.append("未写明向谁履行（权利人）")
    elif t.obligee == t.obligor:
        problems.append("义务人和权利人是同一人")
    if not t.subject.strip() and t.amount is None:
        problems.append("未写明履行什么（给付内容或金额）")
    if t.instalments:
        if any(i.amount is None or i.due_on is None for i in t.instalments):
            problems.append("分期付款的每一期都须写明金额和期限")
        elif t.amount is not None and sum((i.amount or Decimal(0)) for i in t.instalments) != t.amount:
            problems.append("各期金额之和与总金额不符")
    elif t.due_on is None:
        problems.append("未写明履行期限")
    return problems


def clause_text(t: TermFields, names: list[str]) -> str:
    """The clause as the agreement prints it, e.g. ``李四于2026年11月30日前通过银行转账向张三
    支付补偿款人民币壹万贰仟元整（¥12,000.00）。`` Missing parts are left out, never invented."""
    def name(i: int | None) -> str:
        return names[i] if i is not None and 0 <= i < len(names) else ""

    if t.kind == "statement":
        return t.subject.strip()
    who, whom = name(t.obligor), name(t.obligee)
    what = t.subject.strip() or ("款项" if t.amount is not None else "")
    money = amount_text(t.amount) if t.amount is not None else ""
    how = f"以{t.method.strip()}方式" if t.method.strip() else ""
    where = f"在{t.place.strip()}" if t.place.strip() else ""
    to = f"向{whom}" if whom else ""
    if t.instalments:
        count = "两" if len(t.instalments) == 2 else clause_number(len(t.instalments))
        parts = [f"分{count}期{how}{where}{to}支付{what}{money}"]
        for k, i in enumerate(t.instalments, 1):
            due = f"于{chinese_date(i.due_on)}前" if i.due_on else ""
            amt = amount_text(i.amount) if i.amount is not None else ""
            parts.append(f"第{clause_number(k)}期{due}支付{amt}")
        return f"{who}" + "：".join(parts[:1]) + "：" + "；".join(parts[1:]) + "。"
    due = f"于{chinese_date(t.due_on)}前" if t.due_on else ""
    if t.amount is None:
        # Not money (修复院墙, 赔礼道歉): name the act after the beneficiary.
        return f"{who}{due}{how}{where}{to}履行：{what}。" if to else f"{who}{due}{how}{where}{what}。"
    return f"{who}{due}{how}{where}{to}支付{what}{money}。"
