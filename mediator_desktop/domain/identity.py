"""Identity numbers and contact details (LEGAL.md §2; SOURCES.md §7).

* 居民身份证号码 (resident ID number, GB 11643-1999): 17 digits and a MOD 11-2 check character;
  the 2023 外国人永久居留身份证 (foreign permanent residence card, first digit 9) uses the same
  rule. Legacy 15-digit numbers (GB 11643-1989) pass with a warning.
* 统一社会信用代码 (unified social credit code, GB 32100-2015): a MOD 31 check character. Real
  codes sometimes fail it, so a failure is only a warning the user may confirm.
* Masking for lists, reports and shared exports (``110105********002X``, ``138****1234``).
* Phone numbers: normalisation and a plausibility check.

Pure Python: no Qt, no SQL. Messages are short Simplified Chinese for elderly users and never
name the field: the caller puts the field's label in front (``“证件号码”`` + message).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = [
    "CreditCheck",
    "IdCheck",
    "check_credit_code",
    "check_id_number",
    "check_resident_id",
    "credit_code_check_char",
    "mask_id_number",
    "mask_phone",
    "mask_text",
    "normalize_phone",
    "resident_id_check_char",
    "share_id_number",
    "validate_phone",
]

# -- 居民身份证号码 (GB 11643) ----------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"  # indexed by S mod 11
#: Earliest birth date accepted. The standard's own test vector 440524188001010014 is born in
#: 1880, so 1900 would be too strict; 1850 still catches typed-in garbage such as 1049.
EARLIEST_BIRTH = date(1850, 1, 1)
#: Identity-document types (mirrors ``enums.IdType``; kept here so the domain rule stands alone).
ID_TYPES = ("resident_id", "foreign_permanent_resident", "passport", "hk_macao_taiwan_permit",
            "other")
#: Longest number accepted for documents without a check rule (passports, permits, other).
OTHER_ID_MAX_LENGTH = 32

_DIGITS17 = re.compile(r"[0-9]{17}")
_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_DIGITS15 = re.compile(r"[0-9]{15}")
#: Pre-2023 foreign permanent residence card: 3-letter nationality code and 12 digits. It has no
#: check rule we can apply, so it passes with a warning.
_OLD_FOREIGN_CARD = re.compile(r"[A-Z]{3}[0-9]{12}")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class IdCheck:
    """Result of checking an identity-document number.

    ``normalized`` is what to store (spaces removed, full-width characters made ASCII, ``x``
    upper-cased). ``ok`` is False only with an ``error``; a ``warning`` never blocks saving.
    ``gender`` is ``"male"`` or ``"female"`` when the number encodes it.
    """

    ok: bool
    normalized: str
    birth_date: date | None = None
    gender: str | None = None
    warning: str | None = None
    error: str | None = None


def _compact(value: str | None) -> str:
    """NFKC (full-width ``１２Ｘ`` → ``12X``), no whitespace at all, upper case."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def resident_id_check_char(first17: str) -> str:
    """The check character (``0``–``9`` or ``X``) for the first 17 digits of a resident ID.

    S = Σ digitᵢ × weightᵢ; S mod 11 → 1 0 X 9 8 7 6 5 4 3 2. Raises ``ValueError`` when
    ``first17`` is not exactly 17 ASCII digits (a programming error, not a user error).
    """
    if not _DIGITS17.fullmatch(first17 or ""):
        raise ValueError(f"first17 must be 17 ASCII digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def _real_date(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def _gender(digit: str) -> str:
    return "male" if int(digit) % 2 else "female"


def _first_bad_char(value: str) -> tuple[int, str] | None:
    """1-based position and character of the first character that may not appear in an
    18-character resident ID (only the last may be X)."""
    for i, c in enumerate(value, start=1):
        if not ("0" <= c <= "9" or (c == "X" and i == 18)):
            return i, c
    return None


def check_resident_id(number: str, today: date | None = None) -> IdCheck:
    """Check a 居民身份证号码 (also the 2023 foreign permanent residence card starting with 9).

    18 characters: 17 digits and a digit or X (lower-case x accepted, stored upper-case); a
    real birth date in digits 7–14, not after ``today`` and not before :data:`EARLIEST_BIRTH`;
    the GB 11643 check character. Digit 17 odd = male. A 15-digit legacy number passes with a
    warning (birth 19YYMMDD from digits 7–12, gender from the last digit).
    """
    today = today or date.today()
    value = _compact(number)
    if not value:
        return IdCheck(False, value, error="没有填写号码")

    if len(value) == 15:
        if not _DIGITS15.fullmatch(value):
            return IdCheck(False, value, error="旧式15位号码只能由数字组成")
        born = _real_date("19" + value[6:12])
        if born is None:
            return IdCheck(False, value, error="出生日期部分（第7–12位）不是有效日期")
        if born > today:
            return IdCheck(False, value, error="出生日期部分（第7–12位）晚于今天，请核对")
        upgraded = value[:6] + "19" + value[6:]
        upgraded += resident_id_check_char(upgraded)
        return IdCheck(True, value, born, _gender(value[14]),
                       warning=f"是旧式15位号码，请尽量换用18位号码（对应的18位号码是{upgraded}）")

    if len(value) != 18:
        return IdCheck(False, value, error=f"应为18位（或旧式15位），现在是{len(value)}位")
    bad = _first_bad_char(value)
    if bad is not None:
        pos, char = bad
        return IdCheck(False, value,
                       error=f"第{pos}位“{char}”不对：只能是数字，最后一位可以是X")
    born = _real_date(value[6:14])
    if born is None:
        return IdCheck(False, value, error="出生日期部分（第7–14位）不是有效日期")
    if born > today:
        return IdCheck(False, value, error="出生日期部分（第7–14位）晚于今天，请核对")
    if born < EARLIEST_BIRTH:
        return IdCheck(False, value,
                       error=f"出生日期部分（第7–14位）早于{EARLIEST_BIRTH.year}年，请核对")
    if resident_id_check_char(value[:17]) != value[17]:
        return IdCheck(False, value, error="校验位不正确，请逐位核对")
    return IdCheck(True, value, born, _gender(value[16]))


def check_id_number(id_type: str, number: str) -> IdCheck:
    """Check ``number`` as a document of ``id_type`` (one of :data:`ID_TYPES`).

    Only ``resident_id`` and ``foreign_permanent_resident`` carry a check character. For the
    others the number must be non-empty, at most :data:`OTHER_ID_MAX_LENGTH` characters and
    printable; they give no birth date or gender. A number that looks like the other of the two
    checked types gets a warning to look at the ID type (the type stays the user's choice).
    Raises ``ValueError`` for an unknown ``id_type``.
    """
    if id_type not in ID_TYPES:
        raise ValueError(f"unknown id_type {id_type!r}")
    if id_type == "resident_id":
        result = check_resident_id(number)
        if result.ok and len(result.normalized) == 18 and result.normalized.startswith("9"):
            return _with_warning(result, "以9开头，像是外国人永久居留身份证号码，请核对证件类型")
        return result
    if id_type == "foreign_permanent_resident":
        value = _compact(number)
        if _OLD_FOREIGN_CARD.fullmatch(value):
            return IdCheck(True, value, warning="是旧版外国人永久居留证号码，无法自动校验，请仔细核对")
        result = check_resident_id(value)
        if result.ok and len(result.normalized) == 15:
            return _with_warning(result, "外国人永久居留身份证号码应为18位，请核对证件类型")
        if result.ok and not result.normalized.startswith("9"):
            return _with_warning(result, "外国人永久居留身份证号码以9开头，请核对证件类型")
        return result

    value = _WHITESPACE.sub("", unicodedata.normalize("NFKC", number or "")).upper()
    if not value:
        return IdCheck(False, value, error="没有填写号码")
    if len(value) > OTHER_ID_MAX_LENGTH:
        return IdCheck(False, value,
                       error=f"太长了：最多{OTHER_ID_MAX_LENGTH}个字符，现在是{len(value)}个")
    if not value.isprintable():
        return IdCheck(False, value, error="含有看不见的特殊字符，请重新输入")
    return IdCheck(True, value)


def _with_warning(result: IdCheck, warning: str) -> IdCheck:
    joined = f"{result.warning}；{warning}" if result.warning else warning
    return IdCheck(result.ok, result.normalized, result.birth_date, result.gender, joined,
                   result.error)


# -- 统一社会信用代码 (GB 32100) -----------------------------------------------------------

_CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I O Z S V
_CC_VALUE = {c: i for i, c in enumerate(_CC_ALPHABET)}
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
#: Letters people type for look-alike characters that the code never uses.
_CC_LOOKALIKE = {"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"}


@dataclass(frozen=True)
class CreditCheck:
    """Result of checking a 统一社会信用代码. ``ok`` False comes with a ``warning``: the UI
    shows it and lets the user confirm against the business licence; it never blocks."""

    ok: bool
    normalized: str
    warning: str | None = None


def credit_code_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code.

    check = 31 − (Σ valueᵢ × weightᵢ mod 31), and 31 → 0. Raises ``ValueError`` when
    ``first17`` is not 17 characters of the code's alphabet (a programming error).
    """
    if len(first17 or "") != 17 or any(c not in _CC_VALUE for c in first17):
        raise ValueError(f"first17 must be 17 characters of {_CC_ALPHABET}, got {first17!r}")
    total = sum(_CC_VALUE[c] * w for c, w in zip(first17, _CC_WEIGHTS))
    return _CC_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(code: str) -> CreditCheck:
    """Check a 统一社会信用代码: 18 characters of the alphabet (0-9 and capitals without
    I O Z S V), digits in positions 3–8 (region code), and the GB 32100 check character.
    Input is upper-cased, spaces removed, full-width characters made ASCII. Never raises."""
    value = _compact(code)
    if len(value) != 18:
        return CreditCheck(False, value, f"应为18位，现在是{len(value)}位")
    for pos, char in enumerate(value, start=1):
        if char not in _CC_VALUE:
            hint = _CC_LOOKALIKE.get(char)
            if hint is not None:
                return CreditCheck(False, value,
                                   f"第{pos}位“{char}”不会出现在代码里，是不是“{hint}”？")
            return CreditCheck(False, value, f"第{pos}位“{char}”不对：只能是数字或大写字母")
    if not value[2:8].isdigit():
        return CreditCheck(False, value, "第3–8位是地区代码，应该都是数字，请核对")
    if credit_code_check_char(value[:17]) != value[17]:
        return CreditCheck(False, value, "校验位不正确，请逐位核对")
    return CreditCheck(True, value)


# -- masking --------------------------------------------------------------------------------


def mask_id_number(number: str | None) -> str:
    """Mask an ID number for lists, reports and shared exports.

    18 characters → first 6 + 8 asterisks + last 4 (``110105********002X``); 15 → first 6 +
    5 asterisks + last 4; other lengths ≥ 5 keep the first 2 and last 2; shorter → all
    asterisks; empty or ``None`` → ``""``.
    """
    value = _WHITESPACE.sub("", number or "")
    n = len(value)
    if n == 18:
        return value[:6] + "*" * 8 + value[-4:]
    if n == 15:
        return value[:6] + "*" * 5 + value[-4:]
    if n >= 5:
        return value[:2] + "*" * (n - 4) + value[-2:]
    return "*" * n


_MASK_MOBILE = re.compile(r"1[0-9]{10}")
_MASK_LANDLINE = re.compile(r"(0[0-9]{2,3})-([0-9]{5,8})((?:-[0-9]{1,6})?)")


def mask_phone(phone: str | None) -> str:
    """Mask a phone number for lists, reports and shared exports.

    * 11-digit mobile: ``138****1234``;
    * landline with area code: area code and the last 4 kept (``0883-***0000``); an
      extension (``-123``) is kept as it is, it says nothing about the person;
    * anything else of 7 characters or more keeps the first 3 and last 4, but at least 4
      characters are hidden (the kept head shrinks for 7–10 characters, so a 7-digit number
      becomes ``***0000`` rather than showing every digit);
    * shorter: all asterisks; empty or ``None``: ``""``.
    """
    value = _WHITESPACE.sub("", phone or "")
    n = len(value)
    if _MASK_MOBILE.fullmatch(value):
        return value[:3] + "****" + value[-4:]
    m = _MASK_LANDLINE.fullmatch(value)
    if m:
        area, local, extension = m.groups()
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}{extension}"
    if n >= 7:
        head = max(0, min(3, n - 4 - 4))
        return value[:head] + "*" * (n - head - 4) + value[-4:]
    return "*" * n


def share_id_number(number: str | None) -> str:
    """Mask an ID number for a file that leaves the office (``export --masked``).

    Only the first 2 and the last 2 characters stay (``11**************2X``): neither the
    county code, the birth date nor the sequence can be read, and with the year unknown some
    400,000 numbers fit each mask (with the year known still some 3,000). Shorter numbers:
    as :func:`mask_id_number` (at least all but 4 characters hidden).
    """
    value = _WHITESPACE.sub("", number or "")
    n = len(value)
    if n >= 5:
        return value[:2] + "*" * (n - 4) + value[-2:]
    return "*" * n


# Numbers inside free text. A match never starts or ends next to another digit or a decimal
# point, so case codes (第12号), amounts (3800.00), dates and times stay as they are.
_NO_DIGIT_BEFORE = r"(?<![0-9.])"
_NO_DIGIT_AFTER = r"(?![0-9]|\.[0-9])"
#: ID numbers (18 with X, also written 6-8-4 with spaces or hyphens; 15 legacy) and any other
#: run of 15 digits or more (bank cards): none is an amount or a code.
_TEXT_LONG_NUMBER = re.compile(
    _NO_DIGIT_BEFORE
    + r"(?:[0-9]{6}[ \-][0-9]{8}[ \-][0-9]{3}[0-9Xx]|[0-9]{17}[Xx]|[0-9]{15,})"
    + _NO_DIGIT_AFTER)
#: An ID number typed in groups of four (1101 0119 9001 0112 34), one separator throughout.
_TEXT_GROUPED_ID = re.compile(
    _NO_DIGIT_BEFORE + r"[0-9]{4}(?P<sep>[ \-])[0-9]{4}(?P=sep)[0-9]{4}(?P=sep)[0-9]{4}(?P=sep)[0-9][0-9Xx]"
    + _NO_DIGIT_AFTER)
#: Full-width digits, X, hyphen and space (typed with a Chinese input method) read as ASCII.
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)},
                             "Ｘ": "X", "ｘ": "x", "－": "-", "\u3000": " "})
#: Mobile numbers, optionally +86, written whole or as 3-4-4 with spaces or hyphens.
_TEXT_MOBILE = re.compile(
    _NO_DIGIT_BEFORE + r"(?:\+?86[ \-]?)?(1[3-9][0-9])[ \-]?([0-9]{4})[ \-]?([0-9]{4})"
    + _NO_DIGIT_AFTER)
#: Landlines with an area code: 0883-2100000, 0883 2100000, (0883)2100000, 08832100000.
_TEXT_LANDLINE = re.compile(
    _NO_DIGIT_BEFORE + r"[(（]?(0[1-9][0-9]{1,2})[)）]?[ \-－—]?([2-9][0-9]{6,7})" + _NO_DIGIT_AFTER)
#: A bare 7–8 digit local number is a phone only right after a word that says so.
_TEXT_LOCAL = re.compile(r"((?:电话|手机|座机|联系方式|号码|tel|Tel|TEL)[：:是为 ]{0,3})([0-9]{7,8})"
                         + _NO_DIGIT_AFTER)


def mask_text(text: str | None) -> str:
    """Free text for a file that leaves the office: ID numbers (and any number of 15+ digits)
    keep their first 2 and last 2 digits, mobiles become ``138****5678``, landlines keep the
    area code and the last 4 digits. Case codes, amounts, dates and times are left as they are.
    """
    if not text:
        return text or ""
    # Digits typed full-width (１３８…) are numbers all the same: they leave as ASCII digits.
    text = text.translate(_FULL_WIDTH)
    text = _TEXT_GROUPED_ID.sub(lambda m: share_id_number(re.sub(r"[ \-]", "", m.group())), text)
    text = _TEXT_LONG_NUMBER.sub(lambda m: share_id_number(re.sub(r"[ \-]", "", m.group())), text)
    text = _TEXT_MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _TEXT_LANDLINE.sub(
        lambda m: f"{m.group(1)}-{'*' * (len(m.group(2)) - 4)}{m.group(2)[-4:]}", text)
    return _TEXT_LOCAL.sub(lambda m: m.group(1) + "*" * (len(m.group(2)) - 4) + m.group(2)[-4:], text)


# -- phone numbers --------------------------------------------------------------------------

#: Characters people use between digit groups; 转 marks an extension (0883-2100000转123).
_PHONE_SEPARATORS = str.maketrans({"(": None, ")": None, ".": None, "—": "-", "–": "-",
                                   "‐": "-", "－": "-", "转": "-"})
_PHONE_CHARS = re.compile(r"[0-9+\-]*")


def normalize_phone(phone: str) -> str:
    """Tidy a typed phone number: spaces and brackets go, full-width digits become ASCII,
    dashes become ``-`` and 转 (extension) becomes ``-``; digits, ``-`` and ``+`` stay.

    When other characters are present (letters, ``/``, Chinese words) the text is returned
    with only spaces removed, so :func:`validate_phone` can point at the problem instead of
    a silently changed number.
    """
    value = _WHITESPACE.sub("", unicodedata.normalize("NFKC", phone or ""))
    cleaned = value.translate(_PHONE_SEPARATORS)
    if _PHONE_CHARS.fullmatch(cleaned):
        cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-")
        return cleaned
    return value


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
#: 0 + 2–3 digit area code, 7–8 digit number, optional extension; the dash may be left out.
_LANDLINE = re.compile(r"0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(?:-[0-9]{1,6})?")
_SERVICE = re.compile(r"[48]00-?[0-9]{3}-?[0-9]{4}")  # 400/800 numbers of organisations
#: Digits after the country code for the places parties most often come from.
_COUNTRY_DIGITS = {"852": (8, 8), "853": (8, 8), "886": (8, 10)}


def validate_phone(phone: str) -> str | None:
    """``None`` when ``phone`` looks dialable, else a short Chinese message.

    Accepted: an 11-digit mainland mobile (1 + 3–9 + 9 digits); a landline with area code
    (``0883-2100000``, ``010-12345678``, optionally ``-123`` extension); a 400/800 number;
    an international number with ``+`` or ``00`` (``+852``/``+853``/``+886`` checked for
    length, ``+86`` as a mainland number, others 7–15 digits). Empty input → ``None``
    (whether the field is required is the caller's rule).
    """
    value = normalize_phone(phone)
    if not value:
        return None
    if re.search(r"[/／、,，;；]", value):
        return "只填一个号码（其他号码可写在备注里）"
    if not _PHONE_CHARS.fullmatch(value):
        return "只能填数字（座机可写成 0883-2100000）"
    if "+" in value[1:]:
        return "“+”只能写在最前面，如 +852 91234567"
    digits = value.replace("-", "").replace("+", "")
    if value.startswith("+") or value.startswith("00"):
        return _validate_international(digits[2:] if value.startswith("00") else digits)
    if len(digits) < 7:
        return "位数太少，请核对"
    if len(digits) > 18:
        return "位数太多，请核对"
    if digits.startswith("1"):
        if len(digits) != 11 or "-" in value:
            return f"手机号应为11位数字，现在是{len(digits)}位" if len(digits) != 11 else None
        return None if _MOBILE.fullmatch(digits) else "不是有效的手机号，请核对"
    if _LANDLINE.fullmatch(value) or _SERVICE.fullmatch(value):
        return None
    if not digits.startswith("0") and len(digits) <= 8:
        return "座机号码请带区号，如 0883-2100000"
    return "格式不对：手机号11位；座机请带区号，如 0883-2100000"


def _validate_international(digits: str) -> str | None:
    """``digits``: country code and number without ``+``/``00`` and dashes."""
    if not digits:
        return "“+”后面要写国家或地区号码，如 +852"
    if digits.startswith("86"):
        national = digits[2:]
        if national.startswith("1"):
            return None if _MOBILE.fullmatch(national) else "+86 后面的手机号应为11位，请核对"
        national = national.removeprefix("0")
        return None if 9 <= len(national) <= 11 else "+86 后面的座机号码位数不对，请核对"
    for code, (low, high) in _COUNTRY_DIGITS.items():
        if digits.startswith(code):
            rest = len(digits) - len(code)
            if low <= rest <= high:
                return None
            place = {"852": "香港", "853": "澳门", "886": "台湾"}[code]
            want = f"{low}" if low == high else f"{low}–{high}"
            return f"{place}号码（+{code}）后面应为{want}位，现在是{rest}位"
    if len(digits) < 7:
        return "位数太少，请核对"
    if len(digits) > 15:
        return "位数太多，请核对"
    return None
