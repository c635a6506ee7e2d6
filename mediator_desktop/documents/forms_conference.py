"""联席会议记录 (STATISTICS.md §4): the record of each joint conference (会诊) that discussed the
case — when and where, the topic, who took part with their units, the cases discussed, the plan
agreed and who does what by when — with room for the participants' signatures.

The document service adds the case's conferences to the case data (``case["conferences"]``, from
``ConferenceService.for_documents``); one page per conference, oldest first.
"""

from __future__ import annotations

from typing import Any

from mediator_desktop.documents import model as m
from mediator_desktop.documents.forms import DEFAULT_OPTIONS, BuildOptions, DocumentDataError, OrgHeader, _d, _furniture
from mediator_desktop.domain.text import chinese_date

TITLE = "联席会议记录"
LABEL_WIDTHS = [1.2, 4.0]


def _row(label: str, value: str, field: str = "", min_height_mm: float = 0) -> list[m.Cell]:
    return [m.cell(label, shade=True, align=m.Align.CENTER),
            m.cell(value, field=field or label, min_height_mm=min_height_mm)]


def _tasks(conference: dict[str, Any]) -> str:
    lines = []
    for k, t in enumerate(conference.get("tasks") or [], 1):
        due = chinese_date(_d(t.get("due_on"))) or "未定"
        done = f"（已于{chinese_date(_d(t['done_on']))}完成）" if t.get("done_on") else ""
        lines.append(f"{k}. {t.get('who', '')}：{t.get('what', '')}，{due}前完成{done}")
    return "\n".join(lines) or "无"


def conference_record(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> m.Document:
    """联席会议记录 of every conference that discussed the case."""
    conferences = sorted(case.get("conferences") or [], key=lambda c: (c.get("held_on") or "", c.get("id") or 0))
    if not conferences:
        raise DocumentDataError("本案还没有联席会议记录")
    code = case.get("code", "")
    blocks: list[m.Block] = []
    for n, c in enumerate(conferences):
        if n:   # each conference on a page of its own, under its own title
            blocks += [m.PageBreak(),
                       m.Paragraph([m.Run(TITLE, field="标题")], m.Role.TITLE, m.Align.CENTER, space_after=0.6)]
        people = c.get("participants") or []
        rows = [
            _row("会议时间", chinese_date(_d(c.get("held_on"))), "会议时间"),
            _row("会议地点", c.get("place", ""), "会议地点"),
            _row("议题", c.get("topic", ""), "议题"),
            _row("参加人员", "、".join(f"{p.get('name', '')}（{p['unit']}）" if p.get("unit") else p.get("name", "")
                                   for p in people), "参加人员"),
            _row("涉及案件", "\n".join(f"{x.get('code', '')}　{x.get('title', '')}".strip()
                                   for x in c.get("cases") or []), "涉及案件"),
            _row("商定的方案", c.get("plan", ""), "商定的方案", 30),
            _row("任务分工", _tasks(c), "任务分工", 20),
        ]
        blocks.append(m.Table(rows, LABEL_WIDTHS))
        signatures = [[m.cell(f"{p.get('name', '')}\n{p.get('unit', '')}".strip(), shade=True),
                       m.cell("签名：", min_height_mm=12)] for p in people]
        blocks.append(m.KeepTogether([
            m.para("参加人员签名：", align=m.Align.LEFT, space_before=0.5),
            m.Table(signatures or [[m.cell(""), m.cell("签名：", min_height_mm=12)]], [1.6, 3.6]),
            m.para("记录人（签名）：＿＿＿＿＿＿＿＿＿＿", align=m.Align.LEFT, space_before=1.0),
            m.para(org.seal_line, align=m.Align.RIGHT, space_before=1.0, field="印章文字"),
            m.para(chinese_date(_d(c.get("held_on"))), align=m.Align.RIGHT),
        ]))
    return m.Document("conference-record", TITLE, blocks, _furniture(org, code), file_stem=f"联席会议记录-{code}")
