"""The audit trail read back: its entries with filters, and whether the hash chain is whole
(``storage/audit_chain.py``; issue 16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from mediator_desktop.services.context import Service
from mediator_desktop.storage import audit_chain
from mediator_desktop.storage.models import AuditEntry, Case

#: Entries one page of the trail shows at most.
PAGE = 500

#: The Chinese sentence of an entry written without one (its action and parameters are kept;
#: the sentence is made when the entry is read). Fields of the entry's detail fill the braces.
SENTENCES: dict[tuple[str, str], str] = {
    ("import", "document"): "导入案件交换文件：新建{created}件，更新{updated}件",
    ("save", "organization"): "保存调解组织信息：{name}",
    ("save", "mediator"): "保存调解员：{name}",
    ("seed", "dispute_type"): "建立纠纷类型代码表",
    ("add", "dispute_type"): "新增纠纷类型：{name}",
    ("update", "dispute_type"): "修改纠纷类型：{old} → {name}",
    ("backup", "database"): "备份数据库到 {target}（{cases}件案件）",
    ("restore", "database"): "从备份恢复数据库：{source}（备份于{created}，{cases}件案件）",
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
            return template.format_map(detail)
        except (KeyError, IndexError, ValueError):
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
