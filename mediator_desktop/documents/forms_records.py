"""Records and outcome forms (LEGAL.md §3, §4, §6, §7): 人民调解调查记录, 人民调解记录,
人民调解口头协议登记表, 终止调解告知书, 人民调解回访记录.

Only the signed record of a session is printed: caucus and private notes never reach a document
(they are not part of the case data these builders read).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mediator_desktop.documents import model as m
from mediator_desktop.documents.forms import (
    DEFAULT_OPTIONS,
    BuildOptions,
    DocumentDataError,
    OrgHeader,
    _d,
    _furniture,
    _label,
    _signature_table,
    mediator_names,
    party_names,
    party_particulars,
    party_title,
    signers,
    term_clause,
    term_performance,
)
from mediator_desktop.domain.enums import Performance, Satisfaction, VisitEvent, VisitKind, VisitMethod
from mediator_desktop.domain.text import blank_date, chinese_date, clause_number

LABEL_WIDTHS = [1.2, 4.0]


def _clock(moment: datetime) -> str:
    """``9时30分`` — no zero padding (GB/T 9704)."""
    return f"{moment.hour}时{moment.minute:d}分" if moment.minute else f"{moment.hour}时"


def _when(session: dict[str, Any]) -> str:
    start = datetime.fromisoformat(session["starts_at"])
    text = f"{chinese_date(start.date())}{_clock(start)}"
    if session.get("ends_at"):
        end = datetime.fromisoformat(session["ends_at"])
        text += f"至{_clock(end)}" if end.date() == start.date() else f"至{chinese_date(end.date())}{_clock(end)}"
    return text


def _present(case: dict[str, Any], session: dict[str, Any]) -> list[dict[str, Any]]:
    parties = case["parties"]
    return [parties[i] for i in session.get("present") or [] if 0 <= i < len(parties)]


def _row(label: str, value: str, field: str = "", min_height_mm: float = 0) -> list[m.Cell]:
    return [m.cell(label, shade=True, align=m.Align.CENTER),
            m.cell(value, field=field or label, min_height_mm=min_height_mm)]


def _sessions(case: dict[str, Any], kind: str, title: str) -> list[dict[str, Any]]:
    sessions = [s for s in case.get("sessions") or [] if s.get("kind", "mediation") == kind]
    if not sessions:
        raise DocumentDataError(f"本案还没有{title}")
    return sessions


def _body(session: dict[str, Any], field: str) -> list[m.Block]:
    """The signed record's text, a paragraph per line."""
    return [m.para(line, indent=True, field=field) for line in (session.get("record") or "").splitlines() or [""]]


def _read_back(who: str, rows: list[tuple[str, str, bool]], fingerprint: bool, official: str) -> m.KeepTogether:
    """The read-back line, the signatures of those present, the official's and the recorder's."""
    return m.KeepTogether([
        m.para(f"以上记录已向{who}宣读（或由其阅读），确认无误。", indent=True, space_before=0.5),
        _signature_table(rows, fingerprint),
        m.para(f"{official}（签名）：", align=m.Align.LEFT, space_before=0.5),
        m.para("记录人（签名）：", align=m.Align.LEFT),
    ])


def _session_table(case: dict[str, Any], session: dict[str, Any], kind: str, middle: list[list[m.Cell]],
                   staff: str) -> m.Table:
    """A session record's header: 时间 and 地点 of the 调查/调解, the rows particular to the kind,
    then 参加人, the mediator's role (``staff``) and 记录人."""
    return m.Table([
        _row("时　间", _when(session), f"{kind}时间"),
        _row("地　点", session.get("place", ""), f"{kind}地点"),
        *middle,
        _row("参加人", "、".join(session.get("participants") or []), "参加人"),
        _row(staff, mediator_names(case), staff),
        _row("记录人", session.get("recorder") or case.get("recorder", ""), "记录人"),
    ], LABEL_WIDTHS)


def investigation_record(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> m.Document:
    """人民调解调查记录, one per investigation session: 时间, 地点, 被调查人, 参加人, 记录人, the
    record, signatures."""
    blocks: list[m.Block] = []
    for n, session in enumerate(_sessions(case, "investigation", "调查记录")):
        if n:
            blocks.append(m.PageBreak())
        present = _present(case, session)
        # 被调查人 may be someone who is not a party (a neighbour, a witness): the record
        # header names them as written; otherwise the parties present are the ones asked.
        interviewee = (session.get("interviewee") or "").strip()
        blocks.append(_session_table(case, session, "调查", [
            _row("被调查人", interviewee or "、".join(p["name"] for p in present), "被调查人"),
        ], "调查人"))
        blocks.append(m.para("调查情况：", role=m.Role.HEADING, space_before=0.5, keep_with_next=True))
        blocks.extend(_body(session, "调查记录"))
        if interviewee:
            rows = [("被调查人", name, False) for name in interviewee.replace("，", "、").split("、") if name.strip()]
        else:
            rows = [("被调查人", p["name"], p.get("kind") == "organization") for p in present]
        rows = rows or [("被调查人", "", False)]
        blocks.append(_read_back("被调查人", rows, False, "调查人"))
    code = case.get("code", "")
    return m.Document("investigation-record", "人民调解调查记录", blocks, _furniture(org, code),
                    file_stem=f"人民调解调查记录-{code}")


def mediation_record(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> m.Document:
    """人民调解记录, one per mediation session: 时间, 地点, 事由, 参加人, 当事人; the record and the
    outcome; signatures of parties, mediator and recorder after read-back."""
    blocks: list[m.Block] = []
    for n, session in enumerate(_sessions(case, "mediation", "调解记录")):
        if n:
            blocks.append(m.PageBreak())
        present = _present(case, session)
        blocks.append(_session_table(case, session, "调解", [
            _row("事　由", session.get("subject") or case.get("title") or case.get("dispute_type", ""), "事由"),
            _row("当事人", "、".join(p["name"] for p in present), "当事人"),
        ], "人民调解员"))
        blocks.append(m.para("调解情况：", role=m.Role.HEADING, space_before=0.5, keep_with_next=True))
        blocks.extend(_body(session, "调解记录"))
        blocks.append(m.para("调解结果：", role=m.Role.HEADING, keep_with_next=True))
        blocks.append(m.para(session.get("outcome") or "＿＿＿＿＿＿", indent=True, field="调解结果"))
        rows = signers(present, party_title) or [("当事人", "", False)]
        blocks.append(_read_back("当事人", rows, options.fingerprint, "人民调解员"))
    code = case.get("code", "")
    return m.Document("mediation-record", "人民调解记录", blocks, _furniture(org, code),
                    file_stem=f"人民调解记录-{code}")


def oral_agreement(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> m.Document:
    """人民调解口头协议登记表 (Law 28, 30): what the parties agreed orally, recorded by the mediator;
    effective the day it is reached."""
    agreement = case.get("agreement")
    if not agreement or agreement.get("form") != "oral":
        raise DocumentDataError("本案没有口头协议，无法生成人民调解口头协议登记表")
    parties = case["parties"]
    number = agreement.get("number") or case.get("code", "")
    terms = agreement.get("terms") or []
    clauses = "\n".join(f"{clause_number(i)}、{term_clause(t)}" for i, t in enumerate(terms, start=1))
    performance = "\n".join(f"第{clause_number(i)}项，{text}。" for i, t in enumerate(terms, start=1)
                            if (text := term_performance(t, parties)))
    signed_on = _d(agreement.get("signed_on"))
    rows = [[m.cell(party_title(p), shade=True, align=m.Align.CENTER),
             m.Cell([m.Paragraph(party_particulars(p), m.Role.TABLE, m.Align.LEFT)])] for p in parties]
    rows += [
        _row("纠纷简要情况", agreement.get("facts") or case.get("summary", ""), "纠纷简要情况", 20),
        _row("各方责任", agreement.get("responsibilities", ""), "各方责任", 10),
        _row("协议内容", clauses, "协议内容", 25),
        _row("履行方式、时限", performance, "履行方式、时限", 12),
        _row("协议达成日期", (chinese_date(signed_on) or blank_date()) + "（本协议自达成之日起生效）", "协议达成日期"),
    ]
    blocks: list[m.Block] = [
        m.Table(rows, LABEL_WIDTHS),
        m.para("以上内容已向当事人宣读，当事人确认无误。", indent=True, space_before=0.5, keep_with_next=True),
        m.KeepTogether([
            _signature_table(signers(parties, party_title), options.fingerprint),
            m.para("人民调解员（签名）：", align=m.Align.LEFT, space_before=0.5),
            m.para("登记人（签名）：", align=m.Align.LEFT),
            m.para(org.seal_line, align=m.Align.RIGHT, space_before=1.0, field="印章文字"),
            m.para(chinese_date(signed_on) or blank_date(), align=m.Align.RIGHT),
        ]),
    ]
    return m.Document("oral-agreement", "人民调解口头协议登记表", blocks, _furniture(org, number),
                    file_stem=f"人民调解口头协议登记表-{number}")


def termination(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> m.Document:
    """终止调解告知书 (Law 26): why mediation ended, and that other routes remain open."""
    ended = case.get("termination")
    if not ended:
        raise DocumentDataError("本案没有终止调解，无法生成终止调解告知书")
    code = case.get("code", "")
    received = _d(case.get("received_on"))
    reason = (ended.get("reason") or "").rstrip("。")
    blocks: list[m.Block] = [
        m.para(f"{party_names(case)}：", field="当事人"),
        m.para(f"你们之间的{case.get('dispute_type') or '纠纷'}，{org.self_name}于{chinese_date(received)}受理调解。"
             f"因{reason or '＿＿＿＿＿＿'}，依照《中华人民共和国人民调解法》第二十六条的规定，"
             f"{org.self_name}决定终止调解。", indent=True, field="终止原因"),
        m.para("你们可以依法通过仲裁、行政、司法等途径维护自己的权利。", indent=True),
        m.para("特此告知。", indent=True),
        m.KeepTogether([
            m.para(org.seal_line, align=m.Align.RIGHT, space_before=2.0, field="印章文字"),
            m.para(chinese_date(_d(ended.get("on"))) or blank_date(), align=m.Align.RIGHT),
        ]),
        m.Spacer(6),
        _signature_table([(f"{party_title(p)}签收", p["name"], p.get("kind") == "organization")
                          for p in case["parties"]], False, height_mm=14),
        m.para("签收日期：" + blank_date(), align=m.Align.LEFT, space_before=0.5),
    ]
    return m.Document("termination", "终止调解告知书", blocks, _furniture(org, code), file_stem=f"终止调解告知书-{code}")


#: 回访事由 printed when a visit carries none, by why it was made (VisitKind).
DEFAULT_REASONS = {
    VisitKind.SATISFACTION.value: "协议生效后回访，了解调解协议履行情况及当事人满意度",
    VisitKind.PERFORMANCE.value: "履行期限届满，核实调解协议履行情况",
    VisitKind.URGE.value: "督促履行后再次回访，核实调解协议履行情况",
}
SUED = {True: "是", False: "否", None: "不清楚"}
TITLE = "人民调解回访记录"


def _visit_reason(case: dict[str, Any], visit: dict[str, Any]) -> str:
    if (visit.get("reason") or "").strip():
        return str(visit["reason"]).strip()
    default = DEFAULT_REASONS.get(visit.get("kind") or "", "了解调解协议履行情况及当事人满意度")
    subject = case.get("title") or case.get("dispute_type") or ""
    return f"{subject}：{default}" if subject else default


def _visit_time(visit: dict[str, Any]) -> str:
    """The day of the visit, with the day it was planned for when that differs: each time it was
    moved (改期) or the party was not reached (未联系上) on a line of its own."""
    done = _d(visit.get("done_on"))
    lines = [chinese_date(done)]
    moves = [e for e in visit.get("history") or []
             if e.get("action") in (VisitEvent.RESCHEDULED.value, VisitEvent.NOT_REACHED.value)]
    planned = _d(visit.get("planned_on"))
    if not moves:
        if planned and planned != done:
            lines[0] += f"（原定{chinese_date(planned)}）"
        return lines[0]
    for k, event in enumerate(moves):
        old, new, note = _d(event.get("old_due")), _d(event.get("new_due")), (event.get("note") or "").strip()
        if event.get("action") == VisitEvent.RESCHEDULED.value:
            lines.append((f"原定{chinese_date(old)}，" if k == 0 else "") + f"改期至{chinese_date(new)}"
                         + (f"（{note}）" if note else ""))
        else:
            lines.append((f"原定{chinese_date(old)}，" if k == 0 else "") + (note or "未联系上")
                         + f"，另约{chinese_date(new)}")
    return "\n".join(lines)


def _visit_performance(visit: dict[str, Any]) -> str:
    """``第一条：已履行`` per term the visit checked; the overall word when it recorded none."""
    lines = [f"第{clause_number(x['term'] + 1)}条：{_label(Performance, x.get('status'))}"
             for x in visit.get("term_performance") or [] if isinstance(x.get("term"), int) and x["term"] >= 0]
    return "\n".join(lines) or _label(Performance, visit.get("performance"))


def _visit_risk(visit: dict[str, Any]) -> str:
    note = (visit.get("risk_note") or "").strip()
    if note:
        return note
    new_risk = visit.get("new_risk")
    return "" if new_risk is None else ("有" if new_risk else "无")


def follow_up_record(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> m.Document:
    """人民调解回访记录 (LEGAL.md §6, §7), one per visit made: agreement number, party, reason,
    date (and the planned date when it differed), method, each term's performance, satisfaction,
    new dispute or risk, measures taken, whether anyone sued, the visitor and their signature."""
    visits = [v for v in case.get("follow_ups") or [] if v.get("done_on")]
    if not visits:
        raise DocumentDataError("本案还没有完成的回访，无法生成回访记录")
    parties = case["parties"]
    number = (case.get("agreement") or {}).get("number") or case.get("code", "")
    blocks: list[m.Block] = []
    for n, visit in enumerate(sorted(visits, key=lambda v: v["done_on"])):  # in the order they were made
        if n:  # each visit's record is a page of its own, under its own title
            blocks += [m.PageBreak(),
                       m.Paragraph([m.Run(TITLE, field="标题")], m.Role.TITLE, m.Align.CENTER, space_after=0.6)]
        i = visit.get("party")
        party = parties[i]["name"] if i is not None and 0 <= i < len(parties) else party_names(case)
        satisfaction = visit.get("satisfaction_label") or _label(Satisfaction, visit.get("satisfaction"))
        rows = [
            _row("协议编号", number, "协议编号"),
            _row("回访对象", party, "回访对象"),
            _row("回访事由", _visit_reason(case, visit), "回访事由"),
            _row("回访时间", _visit_time(visit), "回访时间"),
            _row("回访方式", _label(VisitMethod, visit.get("method")), "回访方式"),
            _row("履行情况", _visit_performance(visit), "履行情况"),
            _row("满意度", satisfaction, "满意度"),
            _row("新的纠纷或风险苗头", _visit_risk(visit), "新的纠纷或风险苗头"),
            _row("采取的措施", visit.get("measures", ""), "采取的措施", 18),
            _row("是否起诉", SUED.get(visit.get("sued"), "不清楚"), "是否起诉"),
        ]
        if (visit.get("notes") or "").strip():
            rows.append(_row("其他情况", visit["notes"], "回访情况"))
        rows.append(_row("回访人", visit.get("visitor", ""), "回访人"))
        blocks.append(m.Table(rows, LABEL_WIDTHS))
        blocks.append(m.KeepTogether([
            m.para("回访人（签名）：＿＿＿＿＿＿＿＿＿＿", align=m.Align.LEFT, space_before=1.0),
            m.para(org.seal_line, align=m.Align.RIGHT, space_before=1.0, field="印章文字"),
            m.para(chinese_date(_d(visit.get("done_on"))), align=m.Align.RIGHT),
        ]))
    return m.Document("follow-up-record", TITLE, blocks, _furniture(org, number),
                    file_stem=f"人民调解回访记录-{number}")
