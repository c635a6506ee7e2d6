"""The audit trail read back: its entries with filters, and whether the hash chain is whole
(``storage/audit_chain.py``; issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from mediator_desktop.services.context import Service
from mediator_desktop.storage import audit_chain
from mediator_desktop.storage.models import AuditEntry, Case

#: Entries one page of the trail shows at most.
PAGE = 500

def _labels(values: Any) -> str:
    """Permission values as their Chinese labels, joined."""
    from mediator_desktop.domain.permissions import Permission

    known = {p.value: p.label for p in Permission}
    return "、".join(known.get(str(v), str(v)) for v in values or ()) or "无"


def _role_changed(d: dict[str, Any]) -> str:
    old, new = list(d.get("old") or ()), list(d.get("new") or ())
    head = "角色恢复默认：" if d.get("restored") else "修改角色："
    head += f"{d['old_name']} → {d['name']}" if d.get("old_name", d["name"]) != d["name"] else d["name"]
    added, removed = [p for p in new if p not in old], [p for p in old if p not in new]
    parts = ([f"增加权限：{_labels(added)}"] if added else []) + ([f"去掉权限：{_labels(removed)}"] if removed else [])
    return head + ("（" + "；".join(parts) + "）" if parts else "")


def _user_changed(d: dict[str, Any]) -> str:
    old, new = d.get("old") or {}, d.get("new") or {}
    parts = []
    if old.get("name") != new.get("name"):
        parts.append(f"姓名 {old.get('name')} → {new.get('name')}")
    if old.get("role") != new.get("role"):
        parts.append(f"角色 {old.get('role_name')} → {new.get('role_name')}")
    if old.get("committees") != new.get("committees"):
        def scope(ids: Any) -> str:
            return "调委会" + "、".join(map(str, ids)) if ids else "全部调委会"
        parts.append(f"{scope(old.get('committees'))} → {scope(new.get('committees'))}")
    if old.get("mediator_id") != new.get("mediator_id"):
        parts.append(f"对应调解员 {old.get('mediator_id') or '无'} → {new.get('mediator_id') or '无'}（编号）")
    return f"修改用户{new.get('name', '')}（{d.get('login', '')}）：" + "；".join(parts)


#: The Chinese sentence of an entry written without one (its action and parameters are kept;
#: the sentence is made when the entry is read). Fields of the entry's detail fill the braces,
#: or a function of the detail makes the sentence.
SENTENCES: dict[tuple[str, str], str | Callable[[dict[str, Any]], str]] = {
    ("import", "document"): "导入案件交换文件：新建{created}件，更新{updated}件",
    ("save", "organization"): "保存调解组织信息：{name}",
    ("save", "mediator"): "保存调解员：{name}",
    ("seed", "dispute_type"): "建立纠纷类型代码表",
    ("add", "dispute_type"): "新增纠纷类型：{name}",
    ("update", "dispute_type"): "修改纠纷类型：{old} → {name}",
    ("backup", "database"): "备份数据库到 {target}（{cases}件案件）",
    ("restore", "database"): "从备份恢复数据库：{source}（备份于{created}，{cases}件案件）",
    ("add", "user_role"): lambda d: f"新增角色：{d['name']}（{d['code']}，权限同“{d['source']}”："
                                    f"{_labels(d['permissions'])}）",
    ("update", "user_role"): _role_changed,
    ("delete", "user_role"): lambda d: f"删除角色：{d['name']}（{d['code']}）",
    ("update", "user_account"): _user_changed,
}
_VERBS = {"create": "新建", "add": "新增", "update": "修改", "save": "保存", "delete": "删除", "import": "导入",
          "export": "导出", "seed": "建立"}


def sentence(action: str, entity: str, detail: dict[str, Any] | None) -> str:
    """What an entry says in Chinese: its own text, else the sentence of its action."""
    detail = detail or {}
    if detail.get("text"):
        return str(detail["text"])
    template = SENTENCES.get((action, entity))
    if template is not None:
        try:
            return template(detail) if callable(template) else template.format_map(detail)
        except (KeyError, IndexError, ValueError, TypeError):
            pass
    return f"{_VERBS.get(action, action)}（{entity}）"


@dataclass(frozen=True)
class AuditLine:
    seq: int | None
    at: datetime
    actor: str
    action: str
    case_code: str
    text: str


class AuditService(Service):
    def verify(self) -> audit_chain.Verification:
        """Walk the whole chain (entries changed, deleted or slipped in outside the app)."""
        with self.ctx.db.read() as s:
            return audit_chain.verify(s)

    def entries(self, *, start: date | None = None, end: date | None = None, actor: str = "",
                case_code: str = "", limit: int = PAGE) -> list[AuditLine]:
        """The newest entries first, filtered by day range, person and case code (parts match)."""
        stmt = select(AuditEntry, Case.code).outerjoin(Case, Case.id == AuditEntry.case_id)
        if start is not None:
            stmt = stmt.where(AuditEntry.at >= datetime.combine(start, datetime.min.time()))
        if end is not None:
            stmt = stmt.where(AuditEntry.at < datetime.combine(end + timedelta(days=1), datetime.min.time()))
        if actor.strip():
            stmt = stmt.where(AuditEntry.actor.contains(actor.strip()))
        if case_code.strip():
            stmt = stmt.where(Case.code.contains(case_code.strip()))
        stmt = stmt.order_by(AuditEntry.id.desc()).limit(limit)
        with self.ctx.db.read() as s:
            return [AuditLine(e.seq, e.at, e.actor, e.action, code or "", sentence(e.action, e.entity, e.detail))
                    for e, code in s.execute(stmt)]
