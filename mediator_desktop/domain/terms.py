"""Agreement terms (协议条款): the clause text made from structured fields, and the check that a
term says who does what, for whom and by when (SPC-2011 7: courts refuse to confirm unclear
agreements; LEGAL.md §4)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from mediator_desktop.domain.text import amount_text, amount_upper, chinese_date, clause_number


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


#: Words that make a "statement" (其他约定) look like an obligation someone must perform.
_OBLIGATION_WORDS = re.compile(r"支付|赔偿|给付|补偿|归还|返还|偿还|付清|交付|拆除|清除|修复|搬离|腾退"
                               r"|\d+\s*元|[万仟千佰百]元")


def clause_problems(t: TermFields, text: str, text_edited: bool, names: list[str]) -> list[str]:
    """Everything unclear about a clause as it will be printed: the structured fields
    (:func:`term_problems`), a statement that in fact obliges someone, and a hand-written text
    that no longer says who, for whom, how much and by when."""
    problems = term_problems(t, len(names))
    if t.kind == "statement":
        if _OBLIGATION_WORDS.search(text or t.subject):
            problems.append("这一条写的是一方要做的事或要付的钱，请改为“履行义务”，写明由谁、向谁、何时履行")
        return problems
    if problems or not text_edited or text.strip() == clause_text(t, names).strip():
        return problems
    # The printed text was written by hand: it must still carry what the fields say.
    missing = []
    for role, index in (("义务人", t.obligor), ("权利人", t.obligee)):
        if index is not None and 0 <= index < len(names) and names[index] not in text:
            missing.append(f"{role}“{names[index]}”")
    if t.amount is not None and amount_upper(t.amount) not in text and f"{t.amount:,.2f}" not in text \
            and f"{t.amount:.2f}" not in text and f"{t.amount.normalize():f}" not in text:
        missing.append(f"金额（{amount_text(t.amount)}）")
    due = last_due(t)
    if due is not None and chinese_date(due) not in text and due.isoformat() not in text:
        missing.append(f"履行期限（{chinese_date(due)}）")
    if missing:
        problems.append("条款文字是手工改写的，没有写明" + "、".join(missing) + "；请补上或按各项重新生成")
    return problems


def open_dues(t: TermFields, paid: Decimal | None, status: str) -> list[date]:
    """The due dates of a term not yet covered by what was performed, in order: every unpaid
    instalment (payments cover instalments in date order), else the term's own due date."""
    if t.kind == "statement" or status == "performed":
        return []
    if t.instalments and all(i.amount is not None and i.due_on for i in t.instalments):
        covered, owed, dues = paid or Decimal(0), Decimal(0), []
        for i in sorted(t.instalments, key=lambda i: i.due_on):  # type: ignore[arg-type,return-value]
            owed += i.amount  # type: ignore[operator]
            if covered < owed:
                dues.append(i.due_on)
        return dues  # type: ignore[return-value]
    last = last_due(t)
    return [last] if last else []
