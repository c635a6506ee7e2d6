"""Validation of case-exchange documents (shared/spec/case-exchange.md, version 1, and
docs/case-exchange-v2.md, version 2).

Two layers, both reporting every problem with its JSON path (``$.cases[0].parties[1].id_number``)
and a message in plain Simplified Chinese:

1. the JSON Schema of the document's version (draft 2020-12), checked with ``jsonschema``:
   ``case_exchange.schema.json`` for version 1, ``case_exchange_v2.schema.json`` for version 2
   (version 1's definitions unchanged, plus the optional additions); a document of a later
   version is refused with one problem at ``$.version`` (its other fields would only be
   reported as unknown);
2. the rules a schema cannot say: real calendar dates and times, party references in range,
   obligor ≠ obligee, a session that ends before it starts, duplicate case codes, characters a
   database cannot store …

Nothing here raises on bad input: ``validate_document(None)`` returns problems like any other
document. ``load_document`` turns text or bytes into a document, reporting syntax errors with
their line and column.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mediator_desktop.exchange.problem import Problem

if TYPE_CHECKING:       # jsonschema and fastjsonschema load on the first file checked, not at start
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = ["LATEST_VERSION", "SCHEMA", "SCHEMAS", "SCHEMA_V2", "VERSIONS", "Problem", "format_path", "load_document",
           "path_sort_key", "schema_path", "sort_problems", "validate_document"]

#: The schema file of each version of the format.
SCHEMA_NAMES = {1: "case_exchange.schema.json", 2: "case_exchange_v2.schema.json"}
SCHEMA_NAME = SCHEMA_NAMES[1]
VERSIONS = tuple(SCHEMA_NAMES)
LATEST_VERSION = max(VERSIONS)


def schema_path(version: int = 1) -> Path:
    """The schema file of ``version`` shipped inside the package."""
    return Path(str(resources.files(__package__).joinpath(SCHEMA_NAMES[version])))


SCHEMAS: dict[int, dict[str, Any]] = {
    version: json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))
    for version, name in SCHEMA_NAMES.items()}
#: Version 1's schema (validates version-1 documents only).
SCHEMA: dict[str, Any] = SCHEMAS[1]
#: Version 2's schema: version 1's definitions with the optional additions of version 2. Labels
#: for messages are read from it (a superset: every field of version 1 means the same there).
SCHEMA_V2: dict[str, Any] = SCHEMAS[2]
#: Each version's case properties, to tell a field of a later version from a typo.
_CASE_FIELDS = {version: frozenset(s["$defs"]["case"]["properties"]) for version, s in SCHEMAS.items()}

PathParts = tuple[str | int, ...]

# Scalar kinds defined once in the schema's $defs; messages and semantic checks depend on them.
DATE, DATETIME, AMOUNT, PARTY_REF, TERM_REF = "date", "datetime", "amount", "party_ref", "term_ref"
_LOOSE = {kind: re.compile(SCHEMA["$defs"][kind]["pattern"]) for kind in (DATE, DATETIME, AMOUNT)}
# What the schema's patterns mean in JSON Schema (ECMA-262): ASCII digits, no trailing newline.
# Python's ``re`` lets ``\d`` match any Unicode digit and ``$`` match before a final newline.
_STRICT = {
    DATE: re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"),
    DATETIME: re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})"),
    AMOUNT: re.compile(r"[0-9]{1,12}\.[0-9]{2}"),
}
_RULES = {
    DATE: "日期应为 YYYY-MM-DD 格式，如 2026-10-08",
    DATETIME: "时间应为 YYYY-MM-DDTHH:MM 格式（24小时制），如 2026-10-10T09:30",
    AMOUNT: '金额应为带两位小数的字符串，如 "12000.00"',
    PARTY_REF: "应为当事人序号，即从0开始的整数（0 表示第1位当事人）",
    TERM_REF: "应为协议条款序号，即从0开始的整数（0 表示第1条）",
}
_TYPE_NAMES = {"object": "对象（{…}）", "array": "列表（[…]）", "string": "文字（用英文双引号括起）",
               "integer": "整数", "number": "数字", "boolean": "true 或 false", "null": "null"}
# NUL cannot be stored by PostgreSQL; a lone surrogate cannot be encoded as UTF-8 at all.
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_SIMPLE_KEY = re.compile(r"[^\W\d]\w*")


# -- paths --------------------------------------------------------------------------------------

def format_path(parts: PathParts) -> str:
    """``("cases", 0, "code")`` → ``$.cases[0].code`` (odd keys as ``["a b"]``)."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif isinstance(part, str) and _SIMPLE_KEY.fullmatch(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(str(part), ensure_ascii=False)}]")
    return "".join(out)


_PATH_TOKEN = re.compile(r'\.([^.\[]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def path_sort_key(path: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a path: indexes numerically (``[2]`` before ``[10]``), keys alphabetically."""
    key: list[tuple[int, int | str]] = []
    for match in _PATH_TOKEN.finditer(path):
        name, index, quoted = match.groups()
        if index is not None:
            key.append((0, int(index)))
        elif quoted is not None:
            try:
                key.append((1, str(json.loads(quoted))))
            except ValueError:
                key.append((1, quoted))
        else:
            key.append((1, name))
    return tuple(key)


_sort_key = path_sort_key  # the name services.exchange imports


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Without repeats, sorted by path; problems at the same path keep their order."""
    return sorted(dict.fromkeys(problems), key=lambda p: path_sort_key(p.path))


# -- labels from the schema ---------------------------------------------------------------------

def _resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A schema node with its ``$ref`` followed, and the name of the $defs entry if any."""
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.rsplit("/", 1)[-1]
        return SCHEMA_V2["$defs"][name], name
    return node, None


@lru_cache(maxsize=4096)
def _field(shape: tuple[str | None, ...]) -> tuple[str | None, str | None]:
    """(Chinese label, $defs kind) of the value at ``shape`` (a path with indexes as None)."""
    node: dict[str, Any] = SCHEMA_V2
    label: str | None = None
    kind: str | None = None
    for part in shape:
        node, _ = _resolve(node)
        child = node.get("items") if part is None else node.get("properties", {}).get(part)
        if not isinstance(child, dict):
            return None, None
        resolved, kind = _resolve(child)
        label = child.get("title") or resolved.get("title")
        node = child
    return label, kind


def _later_version_field(parts: PathParts, key: str, known: list[str]) -> int | None:
    """The version that has ``key`` where ``parts`` points, when the document's (earlier)
    version does not: a field written for version 2 in a file that says version 1."""
    node: dict[str, Any] = SCHEMA_V2
    for part in parts:
        node, _ = _resolve(node)
        child = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
        if not isinstance(child, dict):
            return None
        node = child
    node, _ = _resolve(node)
    return 2 if key not in known and key in node.get("properties", {}) else None


def _info(parts: PathParts) -> tuple[str | None, str | None]:
    return _field(tuple(None if isinstance(p, int) else p for p in parts))


def _label(parts: PathParts) -> str:
    """How a message names the value at ``parts``: ``“受理日期”(received_on)``."""
    if not parts:
        return "文件内容"
    title, _ = _info(parts)
    last = parts[-1]
    if isinstance(last, int):
        return f"“{title}”" if title else "此项"
    return f"“{title}”({last})" if title else f"“{last}”"


def _subject(parts: PathParts) -> str:
    """The label, followed by a space after a bracketed key: ``“案件来源”(source) ``."""
    label = _label(parts)
    return label + " " if label.endswith(")") else label


def _show(value: Any, limit: int = 40) -> str:
    """A short rendering of a JSON value for a message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _safe(text: str) -> str:
    """Lone surrogates written as ``\\udc80`` so that the message can be printed and stored."""
    return _BAD_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _BAD_CHARS.search(text) else text


# -- layer 1: the JSON Schema -------------------------------------------------------------------

def _schema_of(part: str, version: int) -> dict[str, Any]:
    """Version ``version``'s schema of the document (``part`` "document") or of one case ("case")."""
    schema = SCHEMAS[version]
    if part == "document":
        return schema
    return {"$schema": schema["$schema"], "$ref": "#/$defs/case", "$defs": schema["$defs"]}


@lru_cache(maxsize=4)
def _validator(part: str, version: int = 1) -> Draft202012Validator:
    """The complete validator of the document (``part`` "document") or of one case ("case")."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema_of(part, version))


@lru_cache(maxsize=4)
def _fast_check(part: str, version: int = 1) -> Callable[[Any], Any]:
    """The schema (``part`` "document") or its case schema ("case") compiled to Python by
    fastjsonschema: much faster than jsonschema but it stops at the first problem, so it only
    decides whether the complete jsonschema pass is needed.
    Draft 7 mode: the schema uses nothing that differs between draft 7 and 2020-12.
    fastjsonschema rewrites the ``$ref``s it resolves in place: it gets a deep copy."""
    schema = copy.deepcopy(_schema_of(part, version))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    import fastjsonschema

    return fastjsonschema.compile(schema)


def _schema_valid_fast(value: Any, part: str = "document", version: int = 1) -> bool:
    try:
        _fast_check(part, version)(value)
    except Exception:  # noqa: BLE001 - any doubt means: run the complete validator
        return False
    return True


def _schema_errors(doc: Any, version: int = 1) -> Iterator[tuple[PathParts, ValidationError]]:
    """Every schema error with the path its ``absolute_path`` is relative to.

    The complete validator is slow (seconds for 10,000 cases), so a document with a list of
    cases is checked as its shell (without the cases) plus only those cases that the compiled
    check refuses."""
    if _schema_valid_fast(doc, "document", version):
        return
    cases = doc.get("cases") if isinstance(doc, dict) else None
    if not isinstance(cases, list):
        for error in _validator("document", version).iter_errors(doc):
            yield (), error
        return
    shell = dict(doc)
    shell["cases"] = []
    for error in _validator("document", version).iter_errors(shell):
        yield (), error
    for i, case in enumerate(cases):
        if not _schema_valid_fast(case, "case", version):
            for error in _validator("case", version).iter_errors(case):
                yield ("cases", i), error


def _schema_problems(prefix: PathParts, error: ValidationError) -> list[Problem]:
    parts: PathParts = prefix + tuple(error.absolute_path)
    path = format_path(parts)
    kind = error.validator
    value = error.instance
    subject = _subject(parts)
    _, scalar = _info(parts)

    if kind == "additionalProperties" and isinstance(value, dict):
        known = list(error.schema.get("properties", {}))
        problems = []
        for key in value:
            if key in known:
                continue
            message = f"未知字段“{key}”，请检查拼写"
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            later = _later_version_field(parts, str(key), known)
            if later:
                message = (f"“{key}”是第{later}版格式才有的字段，本文件写的是第1版（version 为 1）："
                           f"如果文件按第{later}版写成，请把文件开头的 version 改为 {later}")
            elif close:
                message += f"（是否应为“{close[0]}”？）"
            else:
                message += "（本格式没有这个字段）"
            problems.append(Problem(format_path(parts + (key,)), message))
        return problems
    if kind == "required" and isinstance(value, dict):
        return [Problem(format_path(parts + (key,)), f"缺少必填字段{_label(parts + (key,))}")
                for key in error.validator_value if key not in value]
    if kind == "enum":
        allowed = "、".join(str(v) for v in error.validator_value)
        shown = f"“{value}”" if isinstance(value, str) else _show(value)
        return [Problem(path, f"{subject}的值{shown}不在允许范围：{allowed}")]
    if kind == "const":
        expected = error.validator_value
        if parts == ("version",):
            return [Problem(path, f"{subject}应为 1 或 2：本程序能读取第1版和第2版的文件，现为 {_show(value)}")]
        if parts == ("format",):
            return [Problem(path, f"{subject}应为“{expected}”：这不是调解工作台的案件交换文件，"
                                  f"现为 {_show(value)}")]
        return [Problem(path, f"{subject}应为 {_show(expected)}，现为 {_show(value)}")]
    if kind in ("type", "pattern") and scalar in _RULES:
        return [Problem(path, f"{_label(parts)}：{_RULES[scalar]}，现为 {_show(value)}")]
    if kind == "type":
        expected = error.validator_value
        names = "或".join(_TYPE_NAMES.get(t) or str(t)
                         for t in (expected if isinstance(expected, list) else [expected]))
        if not parts:
            return [Problem(path, f"文件内容应为 JSON 对象（以 {{ 开头），现为 {_show(value)}")]
        space = " " if names[0].isascii() else ""
        return [Problem(path, f"{subject}应为{space}{names}，现为 {_show(value)}")]
    if kind == "minLength":
        return [Problem(path, f"{subject}不能为空")]
    if kind == "maxLength":
        return [Problem(path, f"{subject}太长：最多{error.validator_value}个字，现有{len(value)}个字")]
    if kind == "minimum":
        if scalar in (PARTY_REF, TERM_REF):
            return [Problem(path, f"{_label(parts)}：{_RULES[scalar]}，不能是负数，现为 {_show(value)}")]
        return [Problem(path, f"{subject}不能小于{error.validator_value}，现为 {_show(value)}")]
    if kind == "uniqueItems":
        return [Problem(path, f"{subject}中有重复的项：{_show(value)}")]
    return [Problem(path, f"{subject}不符合格式要求：{error.message}")]


# -- layer 2: what the schema cannot say --------------------------------------------------------

def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _has_bad_chars(doc: Any) -> bool:
    search = _BAD_CHARS.search
    return any(isinstance(value, str) and search(value) for value in _values(doc))


def _quiet_date(value: Any) -> date | None:
    """The day a well-formed date names, None otherwise (without reporting: checked elsewhere)."""
    match = _STRICT[DATE].fullmatch(value) if isinstance(value, str) else None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])) if match else None
    except ValueError:
        return None


class _Semantics:
    """The checks beyond the schema. Every step looks at the types first: the document may be
    anything (the schema problems are reported separately)."""

    def __init__(self, version: int = 1) -> None:
        self.problems: list[Problem] = []
        self.version = version

    def add(self, parts: PathParts, message: str) -> None:
        self.problems.append(Problem(format_path(parts), message))

    # Scalars

    def _strict(self, parts: PathParts, value: Any, kind: str) -> re.Match[str] | None:
        """The match of a well-formed value; None when absent, left to the schema, or reported."""
        if not isinstance(value, str) or not _LOOSE[kind].search(value):
            return None  # absent, or the schema reports it
        match = _STRICT[kind].fullmatch(value)
        if match is None:
            self.add(parts, f"{_label(parts)}：{_RULES[kind]}（只能用半角数字，不能有空格或换行），"
                            f"现为 {_show(value)}")
        return match

    def _real_day(self, parts: PathParts, value: Any, match: re.Match[str]) -> date | None:
        """The day a well-formed date names; None, reported, when there is no such day (2月30日)."""
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            self.add(parts, f"{_label(parts)}：“{value}”不是存在的日期")
            return None

    def date(self, parts: PathParts, value: Any) -> date | None:
        match = self._strict(parts, value, DATE)
        return None if match is None else self._real_day(parts, value, match)

    def datetime(self, parts: PathParts, value: Any) -> datetime | None:
        match = self._strict(parts, value, DATETIME)
        day = None if match is None else self._real_day(parts, value, match)
        if match is None or day is None:
            return None
        hour, minute = int(match[4]), int(match[5])
        if hour > 23 or minute > 59:
            self.add(parts, f"{_label(parts)}：“{value}”不是有效的时间（小时应为 00–23，分钟应为 00–59）")
            return None
        return datetime(day.year, day.month, day.day, hour, minute)

    def amount(self, parts: PathParts, value: Any) -> None:
        self._strict(parts, value, AMOUNT)

    def integer(self, parts: PathParts, value: Any) -> int | None:
        """An integer field's value; a float such as 1.0 (which JSON Schema calls an integer)
        is reported: the application stores whole numbers only."""
        if _is_int(value):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            self.add(parts, f"{_subject(parts)}应写成整数（如 {int(value)}），不要带小数点")
        return None

    def party_ref(self, parts: PathParts, value: Any, count: int | None) -> int | None:
        index = self.integer(parts, value)
        if index is None or index < 0 or count is None:
            return None
        if index >= count:
            if count == 0:
                self.add(parts, f"{_label(parts)}：当事人序号 {index} 无效，本案没有当事人")
            else:
                self.add(parts, f"{_label(parts)}：当事人序号 {index} 超出范围，本案只有{count}位当事人"
                                f"（序号 0–{count - 1}）")
            return None
        return index

    def text(self, parts: PathParts, value: Any) -> None:
        """A required text made of spaces only (the schema's minLength catches "")."""
        if isinstance(value, str) and value and not value.strip():
            self.add(parts, f"{_subject(parts)}不能只有空格")

    # Structure

    def document(self, doc: dict[str, Any]) -> None:
        self.characters(doc)
        org = doc.get("organization")
        if isinstance(org, dict):
            self.text(("organization", "name"), org.get("name"))
        cases = doc.get("cases")
        if not isinstance(cases, list):
            return
        codes: dict[str, int] = {}
        for i, case in enumerate(cases):
            if not isinstance(case, dict):
                continue
            self.case(("cases", i), case)
            code = case.get("code")
            if isinstance(code, str) and code.strip():
                if code in codes:
                    self.add(("cases", i, "code"), f"案号“{code}”在本文件中重复（与 $.cases[{codes[code]}].code 相同）")
                else:
                    codes[code] = i

    def case(self, at: PathParts, case: dict[str, Any]) -> None:
        for key in ("code", "dispute_type", "summary"):
            self.text(at + (key,), case.get(key))
        self.date(at + ("received_on",), case.get("received_on"))
        parties = case.get("parties")
        count = len(parties) if isinstance(parties, list) else (0 if parties is None else None)
        for j, party in self.objects(case, "parties"):
            self.party(at + ("parties", j), party)
        names: dict[str, int] = {}
        for k, mediator in self.objects(case, "mediators"):
            name = mediator.get("name")
            self.text(at + ("mediators", k, "name"), name)
            if isinstance(name, str) and name.strip():
                if name.strip() in names:
                    self.add(at + ("mediators", k, "name"),
                             f"调解员“{name.strip()}”在本案中重复列出（同一位调解员只能指定一次）")
                else:
                    names[name.strip()] = k
        for k, session in self.objects(case, "sessions"):
            sp = at + ("sessions", k)
            start = self.datetime(sp + ("starts_at",), session.get("starts_at"))
            end = self.datetime(sp + ("ends_at",), session.get("ends_at"))
            if start is not None and end is not None and end < start:
                self.add(sp + ("ends_at",), "“结束时间”(ends_at) 早于“开始时间”(starts_at)")
            present = session.get("present")
            if isinstance(present, list):
                for m, ref in enumerate(present):
                    self.party_ref(sp + ("present", m), ref, count)
        agreement = case.get("agreement")
        if isinstance(agreement, dict):
            self.agreement(at + ("agreement",), agreement, count)
        termination = case.get("termination")
        if isinstance(termination, dict):
            self.date(at + ("termination", "on"), termination.get("on"))
        for k, visit in self.objects(case, "follow_ups"):
            vp = at + ("follow_ups", k)
            self.party_ref(vp + ("party",), visit.get("party"), count)
            self.date(vp + ("due_on",), visit.get("due_on"))
            self.date(vp + ("done_on",), visit.get("done_on"))
        confirmation = case.get("judicial_confirmation")
        if isinstance(confirmation, dict):
            jp = at + ("judicial_confirmation",)
            self.date(jp + ("filed_on",), confirmation.get("filed_on"))
            self.date(jp + ("ruled_on",), confirmation.get("ruled_on"))
        if self.version >= 2:
            self.case_v2(at, case)

    # Version 2's additions (docs/case-exchange-v2.md)

    def term_ref(self, parts: PathParts, value: Any, count: int | None) -> int | None:
        index = self.integer(parts, value)
        if index is None or index < 0 or count is None:
            return None
        if index >= count:
            if count == 0:
                self.add(parts, f"{_label(parts)}：协议条款序号 {index} 无效，本案的调解协议没有条款")
            else:
                self.add(parts, f"{_label(parts)}：协议条款序号 {index} 超出范围，本案的调解协议只有{count}条"
                                f"（序号 0–{count - 1}）")
            return None
        return index

    def case_v2(self, at: PathParts, case: dict[str, Any]) -> None:
        for key in ("risk_reported_on", "handling_since", "ledger_closed_on"):
            self.date(at + (key,), case.get(key))
        if case.get("simple_procedure") is True and isinstance(case.get("source"), str) \
                and case["source"] != "court_entrusted":
            self.add(at + ("simple_procedure",), "只有法院委托（court_entrusted）调解的案件才适用简易程序，"
                                                 f"本案的“案件来源”(source) 为“{case['source']}”")
        if case.get("handling_since") is not None and not case.get("handling_level"):
            self.add(at + ("handling_since",), "填写了“到达该层级的日期”(handling_since)，"
                                               "请同时填写“处置层级”(handling_level)")
        for k, change in self.objects(case, "risk_changes"):
            cp = at + ("risk_changes", k)
            self.datetime(cp + ("reported_at",), change.get("reported_at"))
            self.datetime(cp + ("at",), change.get("at"))
            if isinstance(change.get("from_level"), str) and change.get("from_level") == change.get("to_level"):
                self.add(cp + ("to_level",), "“新风险等级”(to_level) 与“原风险等级”(from_level) 相同，风险等级没有变化")
        plan = case.get("risk_plan")
        if isinstance(plan, dict):
            pp = at + ("risk_plan",)
            start = self.date(pp + ("starts_on",), plan.get("starts_on"))
            due = self.date(pp + ("due_on",), plan.get("due_on"))
            if start is not None and due is not None and due < start:
                self.add(pp + ("due_on",), "“化解期限”(due_on) 早于“开始日期”(starts_on)")
        for k, referral in self.objects(case, "referrals"):
            rp = at + ("referrals", k)
            sent = self.date(rp + ("sent_on",), referral.get("sent_on"))
            answered = self.date(rp + ("answered_on",), referral.get("answered_on"))
            if sent is not None and answered is not None and answered < sent:
                self.add(rp + ("answered_on",), "“答复日期”(answered_on) 早于“移送日期”(sent_on)")
        for k, prevention in self.objects(case, "preventions"):
            self.integer(at + ("preventions", k, "persons"), prevention.get("persons"))
        self.ledger(at, case)
        agreement = case.get("agreement")
        terms = agreement.get("terms") if isinstance(agreement, dict) else None
        count = len(terms) if isinstance(terms, list) else (0 if terms is None else None)
        for k, visit in self.objects(case, "follow_ups"):
            self.visit_v2(at + ("follow_ups", k), visit, count)
        confirmation = case.get("judicial_confirmation")
        if isinstance(confirmation, dict):
            jp = at + ("judicial_confirmation",)
            on = self.date(jp + ("enforcement_on",), confirmation.get("enforcement_on"))
            applied = confirmation.get("enforcement_applied")
            if confirmation.get("enforcement_on") is not None and applied is not True:
                self.add(jp + ("enforcement_applied",), "填写了“申请执行日期”(enforcement_on)，"
                                                        "“已申请强制执行”(enforcement_applied) 应为 true")
            if applied is True and confirmation.get("result") != "confirmed":
                self.add(jp + ("enforcement_applied",), "只有人民法院裁定协议有效（result 为 confirmed）后，"
                                                        "才能申请强制执行")
            ruled = _quiet_date(confirmation.get("ruled_on"))  # reported above when bad
            if on is not None and ruled is not None and on < ruled:
                self.add(jp + ("enforcement_on",), "“申请执行日期”(enforcement_on) 早于“裁定日期”(ruled_on)")

    def ledger(self, at: PathParts, case: dict[str, Any]) -> None:
        """销号 and 再挂号 take turns, the first being a 销号 (a case is on the ledger from intake),
        and the 销号日期 is the last 销号's date (absent after a 再挂号)."""
        closed_on = case.get("ledger_closed_on")
        last: dict[str, Any] | None = None
        for k, event in self.objects(case, "ledger_events"):
            ep = at + ("ledger_events", k)
            self.date(ep + ("on",), event.get("on"))
            self.datetime(ep + ("at",), event.get("at"))
            action = event.get("action")
            previous = last.get("action") if last is not None else "reopen"
            if action in ("cross_off", "reopen") and action == previous:
                self.add(ep + ("action",), "纠纷已在台账上销号，不能再次销号" if action == "cross_off"
                         else ("纠纷仍在台账上挂号，不能再挂号" if last is not None
                               else "纠纷受理时已在台账上挂号，第一条记录应为销号（cross_off）"))
            last = event
        if last is None or not isinstance(last.get("action"), str):
            return
        if last["action"] == "cross_off" and closed_on != last.get("on"):
            shown = f"“{closed_on}”" if isinstance(closed_on, str) else "未填写" if closed_on is None else _show(closed_on)
            self.add(at + ("ledger_closed_on",), f"最后一条台账记录是“{last.get('on')}”销号，"
                                                 f"“台账销号日期”(ledger_closed_on) 应为同一天，现为{shown}")
        elif last["action"] == "reopen" and closed_on is not None:
            self.add(at + ("ledger_closed_on",), "最后一条台账记录是再挂号，纠纷仍在台账上，"
                                                 "不应有“台账销号日期”(ledger_closed_on)")

    def visit_v2(self, vp: PathParts, visit: dict[str, Any], count: int | None) -> None:
        self.term_ref(vp + ("term",), visit.get("term"), count)
        seen: dict[int, int] = {}
        for m, finding in self.objects(visit, "term_performance"):
            index = self.term_ref(vp + ("term_performance", m, "term"), finding.get("term"), count)
            if index is not None:
                if index in seen:
                    self.add(vp + ("term_performance", m, "term"),
                             f"协议条款序号 {index} 重复（与 term_performance[{seen[index]}] 相同）")
                else:
                    seen[index] = m
        if visit.get("satisfaction") is not None and visit.get("satisfaction_label") is not None:
            self.add(vp + ("satisfaction_label",), "“满意度”(satisfaction) 和“满意度（本单位自定）”"
                                                   "(satisfaction_label) 只能填一个")
        for m, event in self.objects(visit, "events"):
            ep = vp + ("events", m)
            self.date(ep + ("old_due",), event.get("old_due"))
            self.date(ep + ("new_due",), event.get("new_due"))
            self.datetime(ep + ("at",), event.get("at"))

    def party(self, at: PathParts, party: dict[str, Any]) -> None:
        self.text(at + ("name",), party.get("name"))
        self.date(at + ("birth_date",), party.get("birth_date"))
        for k, agent in self.objects(party, "agents"):
            self.text(at + ("agents", k, "name"), agent.get("name"))

    def agreement(self, at: PathParts, agreement: dict[str, Any], count: int | None) -> None:
        self.date(at + ("signed_on",), agreement.get("signed_on"))
        self.integer(at + ("copies",), agreement.get("copies"))
        for k, term in self.objects(agreement, "terms"):
            tp = at + ("terms", k)
            self.text(tp + ("text",), term.get("text"))
            obligor = self.party_ref(tp + ("obligor",), term.get("obligor"), count)
            obligee = self.party_ref(tp + ("obligee",), term.get("obligee"), count)
            if obligor is not None and obligor == obligee:
                self.add(tp + ("obligee",),
                         f"“权利人”(obligee) 与“义务人”(obligor) 是同一位当事人（序号 {obligor}）")
            self.amount(tp + ("amount",), term.get("amount"))
            self.date(tp + ("due_on",), term.get("due_on"))

    @staticmethod
    def objects(parent: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
        items = parent.get(key)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    yield i, item

    def characters(self, doc: Any) -> None:
        """Strings a database cannot store (NUL, unpaired surrogates), anywhere in the document.
        Iterative: a deeply nested document must not exhaust the stack. A quick scan without
        paths first: almost every document has none."""
        if not _has_bad_chars(doc):
            return
        stack: list[tuple[PathParts, Any]] = [((), doc)]
        while stack:
            parts, value = stack.pop()
            if isinstance(value, str):
                found = _BAD_CHARS.search(value)
                if found:
                    char = found.group()
                    what = "空字符 \\u0000" if char == "\x00" else f"不成对的代理字符 \\u{ord(char):04x}"
                    self.add(parts, f"{_subject(parts)}含有无法保存的字符（{what}，第{found.start() + 1}个字符）")
            elif isinstance(value, dict):
                stack.extend((parts + (k,), v) for k, v in value.items() if isinstance(k, str))
            elif isinstance(value, list):
                stack.extend((parts + (i,), v) for i, v in enumerate(value))


# -- public API ---------------------------------------------------------------------------------

def document_version(doc: object) -> int | None:
    """The version a document says it follows (an integer), None when it says none."""
    version = doc.get("version") if isinstance(doc, dict) else None
    return version if _is_int(version) else None


def _newer_version_problem(version: int) -> Problem:
    return Problem("$.version", f"“格式版本”(version) 为 {_show(version)}：这是较新版本的调解工作台写出的"
                                f"第{_show(version)}版文件，本程序只能读取第1版和第2版的文件；"
                                "请先升级本程序，或请对方导出第2版的文件后再导入")


def validate_document(doc: object) -> list[Problem]:
    """Every problem of ``doc`` (a parsed JSON value), sorted by path; [] means it may be imported.

    Schema problems come one per unknown field and one per missing field, each at that field's
    path. The semantic checks run on every part whose shape allows them, so one pass lists all.
    """
    version = document_version(doc)
    if version is not None and version > LATEST_VERSION and isinstance(doc, dict) \
            and doc.get("format") == SCHEMA["properties"]["format"]["const"]:
        return [_newer_version_problem(version)]
    version = version if version in VERSIONS else 1  # absent, wrong or not our format: version 1's schema says so
    problems: list[Problem] = []
    for prefix, error in _schema_errors(doc, version):
        problems.extend(_schema_problems(prefix, error))
    if isinstance(doc, dict):
        checks = _Semantics(version)
        checks.document(doc)
        problems.extend(checks.problems)
    return [Problem(_safe(p.path), _safe(p.message)) for p in sort_problems(problems)]


_JSON_MESSAGES = (
    ("Expecting property name enclosed in double quotes",
     "此处应为用英文双引号括起的字段名（注意最后一项后面不能有逗号）"),
    ("Expecting value", "此处缺少值（或有多余的逗号、不是英文双引号的引号）"),
    ("Expecting ',' delimiter", "缺少英文逗号“,”"),
    ("Expecting ':' delimiter", "缺少英文冒号“:”"),
    ("Unterminated string", "文字缺少结尾的英文双引号"),
    ("Invalid control character", "文字中有不允许的控制字符（换行应写作 \\n，制表符应写作 \\t）"),
    ("Invalid \\uXXXX escape", "无效的 \\u 转义"),
    ("Invalid \\escape", "无效的转义符（文字中的反斜杠应写作 \\\\）"),
    ("Extra data", "JSON 内容结束后还有多余的内容"),
)


class _NotJson(ValueError):
    """NaN, Infinity or -Infinity: accepted by Python's json module, not JSON."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _reject_constant(token: str) -> Any:
    raise _NotJson(token)


class _DuplicateKeys(dict):  # type: ignore[type-arg]
    """An object in which some key appeared more than once (json keeps only the last)."""

    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    duplicates: list[str] = []
    for key, _ in pairs:
        if key in seen and key not in duplicates:
            duplicates.append(key)
        seen.add(key)
    marked = _DuplicateKeys(obj)
    marked.duplicates = duplicates
    return marked


def _has_duplicates(doc: Any) -> bool:
    return any(isinstance(value, _DuplicateKeys) for value in _values(doc))


def _values(doc: Any) -> Iterator[Any]:
    """Every value in a parsed JSON document, containers included, depth first (without
    recursion: a deeply nested file cannot exhaust the stack)."""
    stack = [doc]
    while stack:
        value = stack.pop()
        yield value
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _duplicate_problems(doc: Any) -> list[Problem]:
    """The keys repeated in an object of ``doc``, by path. A quick scan without paths first:
    almost every document has none."""
    if not _has_duplicates(doc):
        return []
    problems: list[Problem] = []
    stack: list[tuple[PathParts, Any]] = [((), doc)]
    while stack:
        parts, value = stack.pop()
        if isinstance(value, dict):
            for key in getattr(value, "duplicates", ()):
                problems.append(Problem(format_path(parts + (key,)),
                                        f"字段“{key}”在同一个对象中出现了不止一次（只会保留最后一个），请只保留一个"))
            stack.extend((parts + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((parts + (i,), v) for i, v in enumerate(value))
    return problems


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _find_outside_strings(text: str, token: str) -> int | None:
    """Where ``token`` first occurs in ``text`` outside JSON strings."""
    in_string = escaped = False
    for i, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif text.startswith(token, i):
            return i
    return None


class _TooManyDigits(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token[:20])
        self.token = token


#: No number in an exchange file needs more digits (case numbers stop at 999999).
MAX_INT_DIGITS = 30


def _parse_int(token: str) -> int:
    if len(token.lstrip("-")) > MAX_INT_DIGITS:
        raise _TooManyDigits(token)
    return int(token)


def _parse_float(token: str) -> float:
    """A decimal number in the file: as long as an integer may be (a 5,000-digit amount would
    otherwise become Infinity and be reported as such)."""
    if len(token.lstrip("-").replace(".", "").split("e")[0].split("E")[0]) > MAX_INT_DIGITS:
        raise _TooManyDigits(token)
    return float(token)


def load_document(data: str | bytes | bytearray) -> tuple[object | None, list[Problem]]:
    """Parse UTF-8 JSON text (a UTF-8 BOM is allowed).

    Returns ``(document, [])``, or ``(None, problems)`` when the text is not a JSON document:
    a syntax error with its line and column (“第3行第15列：JSON 格式错误：…”), a file in another
    encoding, a repeated key in one object (which would silently drop a value).
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None, [Problem("$", "文件是 UTF-16 编码，请另存为 UTF-8 编码后再导入")]
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            start = exc.start
            line = raw.count(b"\n", 0, start) + 1
            line_start = raw.rfind(b"\n", 0, start) + 1
            if line_start == 0 and raw.startswith(b"\xef\xbb\xbf"):
                line_start = 3
            column = len(raw[line_start:start].decode("utf-8", "replace")) + 1
            return None, [Problem("$", f"第{line}行第{column}列：文件不是 UTF-8 编码（可能是 GBK/GB18030），"
                                       "请用记事本等工具另存为 UTF-8 编码后再导入")]
    elif isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        raise TypeError(f"load_document expects str or bytes, not {type(data).__name__}")
    if not text.strip():
        return None, [Problem("$", "文件是空的，没有任何内容")]
    try:
        doc = json.loads(text, object_pairs_hook=_pairs, parse_constant=_reject_constant,
                         parse_int=_parse_int, parse_float=_parse_float)
    except _TooManyDigits as exc:
        where = _find_outside_strings(text, exc.token)
        prefix = "第{}行第{}列：".format(*_line_column(text, where)) if where is not None else ""
        return None, [Problem("$", f"{prefix}数字有{len(exc.token)}位，太长了，不是有效的数值；"
                                   "请检查文件是否被改坏，改正后再导入")]
    except json.JSONDecodeError as exc:
        reason = next((zh for en, zh in _JSON_MESSAGES if exc.msg.startswith(en)), "")
        detail = f"{reason}（{exc.msg}）" if reason else exc.msg
        return None, [Problem("$", f"第{exc.lineno}行第{exc.colno}列：JSON 格式错误：{detail}")]
    except _NotJson as exc:
        where = _find_outside_strings(text, exc.token)
        prefix = "第{}行第{}列：".format(*_line_column(text, where)) if where is not None else ""
        return None, [Problem("$", f"{prefix}JSON 格式错误：{exc.token} 不是合法的 JSON 值（金额请写成字符串）")]
    except RecursionError:
        return None, [Problem("$", "JSON 格式错误：嵌套层数太多，无法读取")]
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        return None, [Problem("$", f"JSON 格式错误：{exc}")]
    duplicates = _duplicate_problems(doc)
    if duplicates:
        return None, [Problem(_safe(p.path), _safe(p.message)) for p in sort_problems(duplicates)]
    return doc, []
