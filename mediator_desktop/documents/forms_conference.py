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
#: A participant's name and unit beside the room to sign: wide enough for a unit of 15
#: characters in 小四 (龙门街道人民调解委员会 no longer wraps its last character).
SIGNATURE_WIDTHS = [2.4, 2.8]


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


def _signatures(org: OrgHeader, c: dict[str, Any], people: list[dict[str, Any]]) -> list[m.Block]:
    """The participants' signatures, the recorder, the seal and the date. Only the heading with
    the first row and the last row with what follows are kept together: the table between them
    may break, so a long list no longer moves whole to the next page leaving this one half empty."""
    rows = [[m.cell(f"{p.get('name', '')}\n{p.get('unit', '')}".strip(), shade=True),
             m.cell("签名：", min_height_mm=12)] for p in people] or [[m.cell(""), m.cell("签名：", min_height_mm=12)]]
    closing: list[m.Block] = [
        m.para("记录人（签名）：＿＿＿＿＿＿＿＿＿＿", align=m.Align.LEFT, space_before=0.5),
        m.para(org.seal_line, align=m.Align.RIGHT, space_before=0.5, field="印章文字"),
        m.para(chinese_date(_d(c.get("held_on"))), align=m.Align.RIGHT),
    ]
    head: list[m.Block] = [m.para("参加人员签名：", align=m.Align.LEFT, space_before=0.5),
                           m.Table(rows[:1], SIGNATURE_WIDTHS)]
    if len(rows) == 1:
        return [m.KeepTogether(head + closing)]
    blocks: list[m.Block] = [m.KeepTogether(head)]
    if len(rows) > 2:
        blocks.append(m.Table(rows[1:-1], SIGNATURE_WIDTHS))
    return blocks + [m.KeepTogether([m.Table(rows[-1:], SIGNATURE_WIDTHS), *closing])]


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
            _row("涉及案件", "\n".join(f"{x.get('code', '')}　{x.get('described') or x.get('title', '')}".strip()
                                   for x in c.get("cases") or []), "涉及案件"),
            _row("商定的方案", c.get("plan", ""), "商定的方案", 30),
            _row("任务分工", _tasks(c), "任务分工", 20),
        ]
        blocks.append(m.Table(rows, LABEL_WIDTHS))
        blocks += _signatures(org, c, people)
    return m.Document("conference-record", TITLE, blocks, _furniture(org, _number(code, conferences)),
                      file_stem=f"联席会议记录-{code}")


def _number(code: str, conferences: list[dict[str, Any]]) -> str:
    """The record's 编号: every case the printed conferences discussed, this case first (it used to
    name this case alone); more than three as 第一件等N件, to fit the header line."""
    codes = [code] + [x.get("code", "") for c in conferences for x in c.get("cases") or [] if x.get("code")]
    codes = list(dict.fromkeys(x for x in codes if x))
    return "、".join(codes) if len(codes) <= 3 else f"{codes[0]}等{len(codes)}件"
