"""Case codes (一事一码): one unique code per case, from a configurable pattern.

The default ``（{year}）{short_name}人调字第{N}号`` gives ``（2026）龙门人调字第12号``. ``{N}`` may carry
a format spec for padding, e.g. ``{N:03d}`` → ``第012号``. One series per organisation per year.
"""

from __future__ import annotations

import re
import string

DEFAULT_PATTERN = "（{year}）{short_name}人调字第{N}号"
_FIELDS = {"year", "short_name", "N"}

#: The patterns offered as plain choices (LEGAL.md §7: bracket style and padding are settings),
#: each with its description in words; any other pattern is a custom one.
PRESETS: tuple[tuple[str, str], ...] = (
    ("（年份）简称人调字第N号", DEFAULT_PATTERN),
    ("（年份）简称人调字第00N号", "（{year}）{short_name}人调字第{N:03d}号"),
    ("〔年份〕简称人调字第N号", "〔{year}〕{short_name}人调字第{N}号"),
    ("〔年份〕简称人调字第00N号", "〔{year}〕{short_name}人调字第{N:03d}号"),
)


def pattern_problem(pattern: str) -> str | None:
    """Chinese message if ``pattern`` cannot produce unique codes, else ``None``."""
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError:
        return "编号格式中的花括号不成对"
    unknown = [n for n in names if n not in _FIELDS]
    if unknown:
        return f"编号格式含未知占位符：{{{unknown[0]}}}（可用：{{year}}、{{short_name}}、{{N}}）"
    if "N" not in names:
        return "编号格式必须包含序号占位符 {N}"
    if "year" not in names:
        return "编号格式必须包含年份占位符 {year}（每年一个序列）"
    return None


def format_code(pattern: str, *, year: int, short_name: str, n: int) -> str:
    return pattern.format(year=year, short_name=short_name, N=n)


#: The largest number of a yearly series (an imported code beyond it is refused).
MAX_NUMBER = 999999
#: More digits than this are never a number of the series (and never reach int()).
MAX_DIGITS = 18


def code_regex(pattern: str, short_name: str) -> re.Pattern[str]:
    """A regex that matches codes made by ``pattern`` and captures ``year`` and ``N``."""
    parts: list[str] = []
    for literal, field, _spec, _conv in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if field == "year":
            parts.append(r"(?P<year>\d{4})")
        elif field == "N":
            parts.append(r"(?P<N>\d+)")
        elif field == "short_name":
            parts.append(re.escape(short_name))
    return re.compile("^" + "".join(parts) + "$")


def parse_code(pattern: str, short_name: str, code: str) -> tuple[int, int] | None:
    """``(year, N)`` if ``code`` was made by ``pattern`` for this organisation."""
    m = code_regex(pattern, short_name).match(code.strip())
    if not m or len(m.group("N")) > MAX_DIGITS:
        return None
    return int(m.group("year")), int(m.group("N"))
