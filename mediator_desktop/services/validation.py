"""Field checks shared by intake, editing and import; messages name the field in Chinese."""

from __future__ import annotations

from datetime import date

from mediator_desktop.domain.enums import AgentKind, Gender, IdType, PartyKind, PartyRole
from mediator_desktop.domain.identity import (
    check_credit_code,
    check_id_number,
    check_resident_id,
    normalize_phone,
    validate_phone,
)
from mediator_desktop.domain.party_fields import PARTY_FIELDS
from mediator_desktop.services.dto import AgentDraft, PartyDraft
from mediator_desktop.services.errors import FieldProblem
from mediator_desktop.services.field_checks import checked_text

NAME_LIMIT = 100


def _phone(problems: list[FieldProblem], field: str, label: str, value: str) -> str:
    value = normalize_phone(value or "")
    if value:
        message = validate_phone(value)
        if message:
            problems.append(FieldProblem(field, f"“{label}”{message}"))
    return value


def party_label(index: int, draft: PartyDraft) -> str:
    name = draft.name.strip() or f"第{index + 1}位当事人"
    return name


def validate_party(draft: PartyDraft, prefix: str, today: date, *, derive: bool = True
                   ) -> list[FieldProblem]:
    """Check one party and normalise it in place (upper-case X; with ``derive``, birth date and
    gender from the ID number when left empty — import keeps data exactly as given).
    ``prefix`` is e.g. ``parties[0]``."""
    p: list[FieldProblem] = []
    def f(name: str) -> str:
        return f"{prefix}.{name}"

    if draft.role not in PartyRole.__members__.values():
        p.append(FieldProblem(f("role"), "请选择当事人身份（申请人/被申请人/第三人）"))
    if draft.kind not in PartyKind.__members__.values():
        p.append(FieldProblem(f("kind"), "请选择当事人类型（自然人/单位）"))
    draft.name = checked_text(p, f("name"), "姓名或名称", draft.name, 200 if draft.kind == "organization"
                       else NAME_LIMIT, required=True)
    for field in PARTY_FIELDS:      # the plain texts and the phone, in the form's order
        if field.kind == "phone":
            setattr(draft, field.name, _phone(p, f(field.name), field.label, getattr(draft, field.name)))
        elif field.limit is not None:
            setattr(draft, field.name, checked_text(p, f(field.name), field.label, getattr(draft, field.name), field.limit))
    if draft.gender is not None and draft.gender not in Gender.__members__.values():
        p.append(FieldProblem(f("gender"), "性别只能是“男”或“女”"))
    if draft.birth_date and draft.birth_date > today:
        p.append(FieldProblem(f("birth_date"), "“出生日期”不能晚于今天"))

    if draft.kind == "person":
        draft.credit_code = ""
        number = (draft.id_number or "").strip()
        if number:
            id_type = draft.id_type or IdType.RESIDENT_ID.value
            if id_type not in IdType.__members__.values():
                p.append(FieldProblem(f("id_type"), "请选择证件类型"))
            else:
                draft.id_type = id_type
                check = check_id_number(id_type, number)
                if check.error:
                    p.append(FieldProblem(f("id_number"), f"“证件号码”{check.error}"))
                else:
                    draft.id_number = check.normalized
                    if check.warning:
                        p.append(FieldProblem(f("id_number"), f"“证件号码”{check.warning}", warning=True))
                    if check.birth_date:
                        if draft.birth_date is None:
                            if derive:
                                draft.birth_date = check.birth_date
                        elif draft.birth_date != check.birth_date:
                            p.append(FieldProblem(
                                f("birth_date"),
                                f"“出生日期”与身份证号不一致（证件显示{check.birth_date.year}年"
                                f"{check.birth_date.month}月{check.birth_date.day}日）"))
                    if check.gender:
                        if draft.gender is None:
                            if derive:
                                draft.gender = check.gender
                        elif draft.gender != check.gender:
                            shown = Gender(check.gender).label
                            p.append(FieldProblem(f("gender"), f"“性别”与身份证号不一致（证件显示为{shown}）"))
        else:
            draft.id_number = ""
    else:
        draft.gender, draft.birth_date, draft.ethnicity = None, None, ""
        draft.id_number, draft.id_type = "", None
        code = (draft.credit_code or "").strip()
        if code:
            credit = check_credit_code(code)
            draft.credit_code = credit.normalized
            if not credit.ok:
                p.append(FieldProblem(f("credit_code"), f"“统一社会信用代码”：{credit.warning or '校验未通过'}"
                                      " 如确认无误，可以继续保存。", warning=True))
    for i, agent in enumerate(draft.agents):
        p.extend(validate_agent(agent, f"{prefix}.agents[{i}]"))
    return p


def validate_agent(agent: AgentDraft, prefix: str) -> list[FieldProblem]:
    p: list[FieldProblem] = []
    if agent.kind not in AgentKind.__members__.values():
        p.append(FieldProblem(f"{prefix}.kind", "请选择代理人类型（法定代理人/委托代理人）"))
    agent.name = checked_text(p, f"{prefix}.name", "代理人姓名", agent.name, NAME_LIMIT, required=True)
    agent.phone = _phone(p, f"{prefix}.phone", "代理人电话", agent.phone)
    number = (agent.id_number or "").strip()
    if number and len(number) in (15, 18) and number[:-1].isdigit():
        check = check_resident_id(number)
        if check.error:
            p.append(FieldProblem(f"{prefix}.id_number", f"“代理人身份证号”{check.error}"))
        else:
            number = check.normalized
    agent.id_number = number
    return p
