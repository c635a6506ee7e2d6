"""Prevention figures recorded on a case (STATISTICS.md §1): 防止民间纠纷引起自杀, 防止民间纠纷
转化为刑事案件, 防止群体性上访, 防止群体性械斗 — each counted as one 件 and its people as 人."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from mediator_desktop.domain.enums import PreventionKind
from mediator_desktop.services.case_facts import load_case
from mediator_desktop.services.context import Service
from mediator_desktop.services.errors import FieldProblem, ValidationError
from mediator_desktop.storage import models as orm

MAX_PERSONS = 100_000
MAX_NOTE = 500


@dataclass(frozen=True)
class PreventionDraft:
    kind: str
    persons: int
    note: str = ""


@dataclass(frozen=True)
class PreventionView:
    kind: str
    label: str
    persons: int
    note: str


class PreventionService(Service):
    def get(self, case_id: int) -> list[PreventionView]:
        """The figures that apply to the case, in the order of the statistics table."""
        with self.ctx.db.read() as s:
            load_case(s, case_id)
            rows = {p.kind: p for p in s.scalars(select(orm.CasePrevention).where(orm.CasePrevention.case_id == case_id))}
        return [PreventionView(k.value, k.label, rows[k.value].persons, rows[k.value].note)
                for k in PreventionKind if k.value in rows]

    def save(self, case_id: int, items: list[PreventionDraft]) -> list[PreventionView]:
        """Replace the case's prevention figures with ``items`` (the ones ticked); problems are
        keyed by the kind's code."""
        problems = []
        kinds = {k.value: k for k in PreventionKind}
        seen: set[str] = set()
        for item in items:
            if item.kind not in kinds:
                problems.append(FieldProblem(item.kind or "kind", "请选择预防类别"))
                continue
            if item.kind in seen:
                problems.append(FieldProblem(item.kind, f"“{kinds[item.kind].label}”重复填写"))
            seen.add(item.kind)
            if not isinstance(item.persons, int) or not 1 <= item.persons <= MAX_PERSONS:
                problems.append(FieldProblem(item.kind, f"“{kinds[item.kind].label}”的人数须为1至{MAX_PERSONS}之间的整数"))
            if len(item.note) > MAX_NOTE:
                problems.append(FieldProblem(item.kind, f"“{kinds[item.kind].label}”的说明不能超过{MAX_NOTE}字"))
        if problems:
            raise ValidationError(problems)
        with self.ctx.db.write() as s:
            load_case(s, case_id)
            s.execute(delete(orm.CasePrevention).where(orm.CasePrevention.case_id == case_id))
            ordered = sorted(items, key=lambda i: list(kinds).index(i.kind))
            for item in ordered:
                s.add(orm.CasePrevention(case_id=case_id, kind=item.kind, persons=item.persons, note=item.note.strip()))
            text = "预防情况：" + ("、".join(f"{kinds[i.kind].label}{i.persons}人" for i in ordered) or "无")
            self.ctx.audit(s, "save", "prevention", None, case_id=case_id, text=text,
                           items=[{"kind": i.kind, "persons": i.persons} for i in ordered])
        return self.get(case_id)


__all__ = ["PreventionDraft", "PreventionService", "PreventionView"]
