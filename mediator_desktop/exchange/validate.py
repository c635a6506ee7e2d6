"""Validation of case-exchange documents: the JSON Schema plus the rules a schema cannot say
(real calendar dates, party references in range …). Every problem is reported with its JSON
path (``$.cases[0].parties[1].id_number``) and a Chinese message; nothing is raised."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

SCHEMA_NAME = "case_exchange.schema.json"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str


def schema_path() -> Path:
    return Path(str(resources.files("mediator_desktop.exchange").joinpath(SCHEMA_NAME)))


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(schema_path().read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema())


@lru_cache(maxsize=1)
def _fast_check() -> Any:
    """The schema compiled to Python by fastjsonschema: ~20x faster, but it stops at the first
    problem, so it only decides whether the slower, complete jsonschema pass is needed."""
    schema = dict(_schema())
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(schema)


def _schema_valid(doc: Any) -> bool:
    try:
        _fast_check()(doc)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def __getattr__(name: str) -> Any:
    if name == "SCHEMA":
        return _schema()
    raise AttributeError(name)


def _path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def _label(schema: dict[str, Any] | None, key: str) -> str:
    """``“受理日期”(received_on)`` from the property's description, else the key."""
    if not schema:
        return f"“{key}”"
    prop = schema.get("properties", {}).get(key, {})
    desc = prop.get("description")
    if not desc and "$ref" in prop:
        ref = prop["$ref"].rsplit("/", 1)[-1]
        desc = _schema()["$defs"].get(ref, {}).get("title") or _schema()["$defs"].get(ref, {}).get("description")
    return f"“{desc}”({key})" if desc else f"“{key}”"


@lru_cache(maxsize=1)
def _labels_by_key() -> dict[str, str]:
    """Field name → Chinese label, from the descriptions of the schema's properties."""
    labels: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, prop in node.get("properties", {}).items():
                if isinstance(prop, dict) and prop.get("description"):
                    labels.setdefault(key, prop["description"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(_schema())
    return labels


def _field_label(error: SchemaError) -> str:
    key = error.path[-1] if error.path else None
    desc = _labels_by_key().get(key) if isinstance(key, str) else None
    if desc is None and isinstance(error.schema, dict):
        desc = error.schema.get("description")
    if isinstance(key, str):
        return f"“{desc}”({key})" if desc else f"“{key}”"
    return f"“{desc}”" if desc else "此项"


_TYPE_NAMES = {"object": "对象", "array": "数组（列表）", "string": "文字", "integer": "整数",
               "boolean": "true 或 false", "number": "数字"}


def _schema_problems(error: SchemaError) -> list[Problem]:
    path = list(error.absolute_path)
    kind = error.validator
    label = _field_label(error)
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return [Problem(_path(path + [k]), f"未知字段“{k}”，请检查拼写（本格式不认识这个字段）") for k in extra]
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return [Problem(_path(path + [k]), f"缺少必填字段{_label(error.schema, k)}") for k in missing]
    if kind == "enum":
        allowed = "、".join(str(v) for v in error.validator_value)
        return [Problem(_path(path), f"{label}的值“{error.instance}”不在允许范围：{allowed}")]
    if kind == "const":
        return [Problem(_path(path), f"{label}应为 {json.dumps(error.validator_value, ensure_ascii=False)}")]
    if kind == "type":
        expected = error.validator_value
        names = "或".join(_TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected]))
        if error.schema.get("pattern", "").startswith(r"^\d{1,12}\.") or (
                path and isinstance(error.instance, (int, float)) and "amount" in str(path[-1])):
            return [Problem(_path(path), '金额应为带两位小数的字符串，如 "12000.00"')]
        return [Problem(_path(path), f"{label}应为{names}")]
    if kind == "pattern":
        pattern = error.validator_value
        if "T" in pattern:
            msg = f"{label}应为 YYYY-MM-DDTHH:MM 格式，如 2026-10-10T09:30"
        elif r"\." in pattern:
            msg = f'{label}：金额应为带两位小数的字符串，如 "12000.00"'
        else:
            msg = f"{label}：日期应为 YYYY-MM-DD 格式，如 2026-10-08"
        return [Problem(_path(path), msg)]
    if kind == "maxLength":
        return [Problem(_path(path), f"{label}太长（不能超过{error.validator_value}个字）")]
    if kind == "minimum":
        return [Problem(_path(path), f"{label}不能小于{error.validator_value}")]
    if kind == "maximum":
        return [Problem(_path(path), f"{label}不能大于{error.validator_value}")]
    return [Problem(_path(path), f"{label}：{error.message}")]


def _check_date(problems: list[Problem], path: str, value: Any) -> None:
    if isinstance(value, str) and len(value) == 10:
        try:
            date.fromisoformat(value)
        except ValueError:
            problems.append(Problem(path, f"“{value}”不是存在的日期"))


def _check_datetime(problems: list[Problem], path: str, value: Any) -> datetime | None:
    if isinstance(value, str) and len(value) == 16:
        try:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M")
        except ValueError:
            problems.append(Problem(path, f"“{value}”不是存在的日期时间"))
    return None


def _semantic(doc: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen_codes: dict[str, int] = {}
    for i, case in enumerate(doc.get("cases", [])):
        if not isinstance(case, dict):
            continue
        base = f"$.cases[{i}]"
        code = case.get("code")
        if isinstance(code, str):
            if not code.strip():
                problems.append(Problem(f"{base}.code", "“案号”不能为空字符串（不填则由系统生成）"))
            elif code in seen_codes:
                problems.append(Problem(f"{base}.code", f"案号“{code}”与 $.cases[{seen_codes[code]}] 重复"))
            else:
                seen_codes[code] = i
        for key in ("received_on",):
            _check_date(problems, f"{base}.{key}", case.get(key))
        for key in ("summary", "dispute_type"):
            if isinstance(case.get(key), str) and not case[key].strip():
                problems.append(Problem(f"{base}.{key}", "不能为空"))
        parties = case.get("parties", [])
        n = len(parties) if isinstance(parties, list) else 0

        def ref(path: str, value: Any) -> None:
            if isinstance(value, int) and not isinstance(value, bool) and value >= n:
                problems.append(Problem(path, f"当事人序号 {value} 超出范围（本案共有{n}位当事人，序号从0开始）"))

        for j, party in enumerate(parties if isinstance(parties, list) else []):
            if isinstance(party, dict):
                _check_date(problems, f"{base}.parties[{j}].birth_date", party.get("birth_date"))
                if isinstance(party.get("name"), str) and not party["name"].strip():
                    problems.append(Problem(f"{base}.parties[{j}].name", "“姓名或名称”不能为空"))
        for j, session in enumerate(case.get("sessions", []) or []):
            if not isinstance(session, dict):
                continue
            sp = f"{base}.sessions[{j}]"
            start = _check_datetime(problems, f"{sp}.starts_at", session.get("starts_at"))
            end = _check_datetime(problems, f"{sp}.ends_at", session.get("ends_at"))
            if start and end and end < start:
                problems.append(Problem(f"{sp}.ends_at", "“结束时间”早于“开始时间”"))
            for k, value in enumerate(session.get("present", []) or []):
                ref(f"{sp}.present[{k}]", value)
        agreement = case.get("agreement")
        if isinstance(agreement, dict):
            _check_date(problems, f"{base}.agreement.signed_on", agreement.get("signed_on"))
            for k, term in enumerate(agreement.get("terms", []) or []):
                if not isinstance(term, dict):
                    continue
                tp = f"{base}.agreement.terms[{k}]"
                ref(f"{tp}.obligor", term.get("obligor"))
                ref(f"{tp}.obligee", term.get("obligee"))
                if term.get("obligor") is not None and term.get("obligor") == term.get("obligee"):
                    problems.append(Problem(f"{tp}.obligee", "“权利人”与“义务人”是同一位当事人"))
                _check_date(problems, f"{tp}.due_on", term.get("due_on"))
                if isinstance(term.get("text"), str) and not term["text"].strip():
                    problems.append(Problem(f"{tp}.text", "“协议条款”不能为空"))
        termination = case.get("termination")
        if isinstance(termination, dict):
            _check_date(problems, f"{base}.termination.on", termination.get("on"))
        for k, visit in enumerate(case.get("follow_ups", []) or []):
            if isinstance(visit, dict):
                ref(f"{base}.follow_ups[{k}].party", visit.get("party"))
                for key in ("due_on", "done_on"):
                    _check_date(problems, f"{base}.follow_ups[{k}].{key}", visit.get(key))
        jc = case.get("judicial_confirmation")
        if isinstance(jc, dict):
            for key in ("filed_on", "ruled_on"):
                _check_date(problems, f"{base}.judicial_confirmation.{key}", jc.get(key))
    return problems


def validate_document(doc: object) -> list[Problem]:
    """Every problem of ``doc``; an empty list means it may be imported."""
    if not isinstance(doc, dict):
        return [Problem("$", "文件内容应为一个 JSON 对象（以 { 开头）")]
    problems: list[Problem] = []
    if not _schema_valid(doc):
        for error in _validator().iter_errors(doc):
            problems.extend(_schema_problems(error))
    problems.extend(_semantic(doc) if isinstance(doc.get("cases"), list) else [])
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: _sort_key(p.path))


def _sort_key(path: str) -> list[Any]:
    key: list[Any] = []
    for token in path.replace("[", ".[").split("."):
        if token.startswith("[") and token.endswith("]") and token[1:-1].isdigit():
            key.append((0, int(token[1:-1])))
        elif token:
            key.append((1, token))
    return key


def load_document(data: str | bytes) -> tuple[object | None, list[Problem]]:
    """Parse UTF-8 JSON (a BOM is allowed); a syntax error becomes a problem with its line."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [Problem("$", f"文件不是 UTF-8 编码（第{exc.start + 1}个字节处），请另存为 UTF-8 后再导入")]
    else:
        text = data.lstrip("\ufeff")
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [Problem("$", f"第{exc.lineno}行第{exc.colno}列：JSON 格式错误：{exc.msg}")]
