"""Identity numbers and contact details: 居民身份证号码 (GB 11643), 统一社会信用代码
(GB 32100), masking for lists and shared exports, phone checks (LEGAL.md §2).

Messages are Chinese and do not name the field: the caller prefixes the field's label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_EARLIEST_BIRTH = date(1850, 1, 1)
_FULLWIDTH = str.maketrans("０１２３４５６７８９－＋ｘＸ（）", "0123456789-+xX()")


@dataclass(frozen=True)
class IdCheck:
    ok: bool
    normalized: str
    birth_date: date | None = None
    gender: str | None = None
    warning: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class CreditCheck:
    ok: bool
    normalized: str
    warning: str | None = None


def resident_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _birth(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def check_resident_id(number: str, today: date | None = None) -> IdCheck:
    """Check a 居民身份证号码 (also the 2023 foreign permanent residence card, which uses the
    same rule). Lower-case x is accepted and stored upper-case; 15-digit legacy numbers pass
    with a warning."""
    today = today or date.today()
    value = re.sub(r"\s+", "", number or "").translate(_FULLWIDTH).upper()
    if len(value) == 15:
        if not value.isdigit():
            return IdCheck(False, value, error="旧式15位号码只能由数字组成")
        born = _birth("19" + value[6:12])
        if born is None:
            return IdCheck(False, value, error="出生日期部分（第7–12位）不是有效日期")
        gender = "male" if int(value[14]) % 2 else "female"
        return IdCheck(True, value, born, gender, warning="是旧式15位号码，请尽量换用18位号码")
    if len(value) != 18:
        return IdCheck(False, value, error=f"应为18位（或旧式15位），现在是{len(value)}位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return IdCheck(False, value, error="只能由数字组成，最后一位可以是X")
    born = _birth(value[6:14])
    if born is None:
        return IdCheck(False, value, error="出生日期部分（第7–14位）不是有效日期")
    if born > today or born < _EARLIEST_BIRTH:
        return IdCheck(False, value, error="出生日期部分（第7–14位）不合理，请核对")
    if resident_id_check_char(value[:17]) != value[17]:
        return IdCheck(False, value, error="校验位不正确，请逐位核对")
    gender = "male" if int(value[16]) % 2 else "female"
    return IdCheck(True, value, born, gender)


def check_id_number(id_type: str, number: str) -> IdCheck:
    """Check an ID number of the given type; only the mainland resident card and the
    foreign permanent residence card carry a check digit."""
    if id_type in ("resident_id", "foreign_permanent_resident"):
        return check_resident_id(number)
    value = (number or "").strip()
    if not value:
        return IdCheck(False, value, error="不能为空")
    if len(value) > 32:
        return IdCheck(False, value, error="太长（不能超过32个字符）")
    if not value.isprintable():
        return IdCheck(False, value, error="含有不可见字符")
    return IdCheck(True, value.upper())


def credit_code_check_char(first17: str) -> str:
    total = sum(_CC_ALPHABET.index(c) * w for c, w in zip(first17, _CC_WEIGHTS, strict=True))
    return _CC_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(code: str) -> CreditCheck:
    """Check a 统一社会信用代码. Real codes sometimes fail: the caller warns, never blocks."""
    value = re.sub(r"\s+", "", code or "").translate(_FULLWIDTH).upper()
    if len(value) != 18:
        return CreditCheck(False, value, f"应为18位，现在是{len(value)}位")
    bad = [c for c in value if c not in _CC_ALPHABET]
    if bad:
        return CreditCheck(False, value, f"含有不使用的字符“{bad[0]}”（不用I、O、Z、S、V）")
    if credit_code_check_char(value[:17]) != value[17]:
        return CreditCheck(False, value, "校验位不正确，请核对")
    return CreditCheck(True, value)


def mask_id_number(number: str | None) -> str:
    """``110105********002X``: enough to tell people apart, not enough to misuse."""
    if not number:
        return ""
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    if len(number) == 15:
        return number[:6] + "*" * 5 + number[-4:]
    if len(number) >= 5:
        return number[:2] + "*" * (len(number) - 4) + number[-2:]
    return "*" * len(number)


def mask_phone(phone: str | None) -> str:
    """``138****1234``; a landline keeps its area code: ``0883-***0000``."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    m = re.fullmatch(r"(0\d{2,3})-(\d{7,8})(.*)", phone)
    if m:
        local = m.group(2)
        return f"{m.group(1)}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


def normalize_phone(phone: str) -> str:
    value = (phone or "").translate(_FULLWIDTH)
    return re.sub(r"[^\d+\-]", "", value.replace(" ", "")) if re.fullmatch(r"[\d+\-\s()]*", value) else value.strip()


_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")
_INTERNATIONAL = re.compile(r"\+\d{1,4}-?\d{4,14}")
_HOTLINE = re.compile(r"(400|800)-?\d{3}-?\d{4}|\d{7,8}")


def validate_phone(phone: str) -> str | None:
    """A Chinese problem message, or ``None`` when the number looks dialable."""
    value = normalize_phone(phone)
    if not value:
        return None
    if re.search(r"[^\d+\-]", value):
        return "只能填数字（座机可写成 0883-2100000）"
    digits = re.sub(r"\D", "", value)
    if value.startswith("1") and value.isdigit():
        if len(value) != 11:
            return f"手机号应为11位，现在是{len(value)}位"
        return None if _MOBILE.fullmatch(value) else "不是有效的手机号"
    if _LANDLINE.fullmatch(value) or _INTERNATIONAL.fullmatch(value) or _HOTLINE.fullmatch(value):
        return None
    if len(digits) < 7:
        return "位数太少，请核对"
    return "格式不对：手机号11位，座机请带区号，如 0883-2100000"
