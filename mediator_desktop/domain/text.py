"""How dates, amounts and numbers are written in Chinese documents."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

# Chinese numerals are written here rather than with cn2an: importing cn2an compiles its
# parsers for the other direction and costs about 0.3 s of every start and every printed
# agreement, for the two small conversions below. tests/test_text_numbers.py checks them against
# cn2an (a test dependency) on every clause number up to 20,000 and on thousands of amounts.
_LOWER_DIGITS = "零一二三四五六七八九"
_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_LOWER_UNITS = ("千", "百", "十", "")
_UPPER_UNITS = ("仟", "佰", "拾", "")
_GROUP_UNITS = ("", "万", "亿", "万亿")


def _group(value: int, digits: str, units: tuple[str, ...]) -> str:
    """One group of four digits (1–9999): inner zeros read as one 零, trailing zeros silent."""
    out, zero = "", False
    for place, unit in zip((1000, 100, 10, 1), units):
        d = value // place % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out, zero = out + digits[0], False
        out += digits[d] + unit
    return out


def _integer(value: int, digits: str, units: tuple[str, ...]) -> str:
    """A whole number (0 ≤ value < 10^16) in Chinese numerals, grouped by 万 and 亿."""
    if value == 0:
        return digits[0]
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    out = ""
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        if out and g < 1000:
            # 壹万零伍佰, 壹亿零伍万: a group with a leading gap reads 零. After empty groups a
            # full one does not (壹拾亿壹仟元): the payment rules allow both, cn2an wrote this.
            out += digits[0]
        out += _group(g, digits, units) + _GROUP_UNITS[i]
    return out


def chinese_date(value: date | None) -> str:
    """``2026年10月8日`` — full year, no zero padding (GB/T 9704)."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def age(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on`` (the birthday itself counts)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def blank_date() -> str:
    """The date line of a form to be filled in by hand."""
    return "＿＿＿＿年＿＿月＿＿日"


def amount_upper(amount: Decimal | str) -> str:
    """``12000`` → ``壹万贰仟元整``, ``1001.01`` → ``壹仟零壹元零壹分`` (财务大写)."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    if value == 0:
        return "零元整"
    if value < 0:
        return "负" + amount_upper(-value)
    cents = int(value * 100)
    whole, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    out = _integer(whole, _UPPER_DIGITS, _UPPER_UNITS) + "元" if whole else ""
    if jiao == fen == 0:
        return out + "整"
    if jiao:
        out += _UPPER_DIGITS[jiao] + "角"
    elif whole:
        out += "零"
    if fen:
        out += _UPPER_DIGITS[fen] + "分"
    return out


def amount_figures(amount: Decimal | str) -> str:
    """``12000`` → ``¥12,000.00``."""
    return f"¥{Decimal(str(amount)).quantize(Decimal('0.01')):,}"


def amount_text(amount: Decimal | str) -> str:
    """Both ways, as agreements print them: ``人民币壹万贰仟元整（¥12,000.00）``."""
    return f"人民币{amount_upper(amount)}（{amount_figures(amount)}）"


def clause_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (numbered clauses 一、二、…)."""
    text = _integer(n, _LOWER_DIGITS, _LOWER_UNITS)
    return text[1:] if text.startswith("一十") else text   # 十, 十二, 十万 — not 一十


def ordinal_list(items: list[str]) -> list[str]:
    """``["a", "b"]`` → ``["一、a", "二、b"]``."""
    return [f"{clause_number(i)}、{item}" for i, item in enumerate(items, start=1)]


#: Characters that make one unbroken token: a number written in figures or Chinese numerals (with
#: its separators and units) or a Latin word. A shortened text is never cut inside one.
_TOKEN = re.compile(r"[0-9０-９A-Za-zＡ-Ｚａ-ｚ.,%¥￥零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟]")
#: Figures (Arabic or Chinese) and the units written right after them: a date (2026年11月16日),
#: a time or an amount (12000元) is one token too.
_FIGURE = re.compile(r"[0-9０-９零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰仟]")
_UNITS = "年月日时点分秒号元角万亿%"


def _joined(left: str, right: str) -> bool:
    """Whether a cut between these two characters would split a number, a date or a word."""
    return bool((_TOKEN.match(left) and _TOKEN.match(right))
                or (_FIGURE.match(left) and right in _UNITS) or (left in _UNITS and _FIGURE.match(right)))


def capped(lines: list[str], limit: int | None) -> list[str]:
    """At most ``limit`` of ``lines`` (None: all of them), then how many more (……另有N条)."""
    if limit is None or len(lines) <= limit:
        return lines
    return [*lines[:limit], f"……另有{len(lines) - limit}条"]


#: Punctuation after which a cut reads naturally.
_PUNCTUATION = "，。；：、！？,;:）)」』"


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``limit`` characters plus ``ellipsis`` — never inside a number, a
    date or an amount with its units, or a Latin word (``“……前支付20”`` would read as an amount
    of 20, ``“已于2026…”`` as a year): the cut goes back to before that run, or to the last
    punctuation in the final third. A text that fits is returned whole."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = limit
    while cut > 0 and _joined(text[cut - 1], text[cut]):
        cut -= 1
    if cut == 0:                               # one token longer than the limit: keep it whole
        cut = limit
        while cut < len(text) and _joined(text[cut - 1], text[cut]):
            cut += 1
        return text[:cut] + (ellipsis if cut < len(text) else "")
    for k in range(cut, max(cut - limit // 3, 0), -1):
        if text[k - 1] in _PUNCTUATION:
            cut = k
            break
    return text[:cut].rstrip("，,、；;：: ") + ellipsis


__all__ = ["age", "amount_figures", "amount_text", "amount_upper", "blank_date", "chinese_date", "clause_number",
           "ordinal_list", "shorten"]


#: The weekday characters, Monday first (星期一 … 星期日, 周一 … 周日).
WEEKDAY_NAMES = "一二三四五六日"


def weekday_text(day: date, prefix: str = "星期") -> str:
    """``星期五`` (or ``周五`` with ``prefix="周"``)."""
    return prefix + WEEKDAY_NAMES[day.weekday()]


def day_text(day: date) -> str:
    """``2027年2月5日 星期五``."""
    return f"{chinese_date(day)} {weekday_text(day)}"
