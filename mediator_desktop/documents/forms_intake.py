"""Forms of the intake (LEGAL.md §3, §7): 人民调解申请书, 人民调解受理登记表, 当事人权利义务告知书."""

from __future__ import annotations

from datetime import date
from typing import Any

from mediator_desktop.documents import model as m
from mediator_desktop.documents.forms import (
    DEFAULT_OPTIONS,
    BuildOptions,
    OrgHeader,
    _d,
    _furniture,
    _label,
    _signature_table,
    agent_lines,
    party_names,
    party_particulars,
    party_title,
    signers,
)
from mediator_desktop.domain.enums import CaseSource, Gender
from mediator_desktop.domain.text import age, blank_date, chinese_date, ordinal_list


def _age(party: dict[str, Any], on: date | None) -> str:
    born = _d(party.get("birth_date"))
    return str(age(born, on)) if born and on else ""


def _party_rows(case: dict[str, Any]) -> list[list[m.Cell]]:
    """One row per party: the columns of the MOJ registration forms."""
    received = _d(case.get("received_on"))
    header = [m.cell(h, shade=True, align=m.Align.CENTER) for h in
              ("当事人", "姓名/\n名称", "性别", "民族", "年龄", "职业或职务", "住址/住所地", "联系电话")]
    rows = [header]
    for p in case["parties"]:
        organisation = p.get("kind") == "organization"
        rows.append([
            m.cell(_label_role(p), align=m.Align.CENTER),
            m.cell(p["name"], field="当事人姓名/名称"),
            m.cell("" if organisation else _label(Gender, p.get("gender")), align=m.Align.CENTER, field="性别"),
            m.cell("" if organisation else p.get("ethnicity", ""), align=m.Align.CENTER, field="民族"),
            m.cell("" if organisation else _age(p, received), align=m.Align.CENTER, field="年龄"),
            m.cell(_occupation(p), field="职业"),
            m.cell(p.get("address", ""), field="住址"),
            m.cell(p.get("phone", ""), field="联系电话"),
        ])
    return rows


def _occupation(party: dict[str, Any]) -> str:
    """A person's occupation; for an organisation, its representative."""
    if party.get("kind") != "organization":
        return str(party.get("occupation", ""))
    rep = (party.get("representative") or {}).get("name", "")
    return f"法定代表人{rep}" if rep else ""


def _label_role(party: dict[str, Any]) -> str:
    return party_title(party).removeprefix("当事人（").removesuffix("）") or "当事人"


# In mm of the 156 mm text width: the address gets what the fixed columns leave (7 characters
# of 小四 a line), a phone number with its area code (0883-2100099) fits on one line, 被申请人
# may wrap beside a two-line address.
PARTY_WIDTHS = [17, 18, 11.5, 11.5, 11.5, 24, 33.5, 29]


def _form_row(label: str, value: str, field: str, *, min_height_mm: float = 0) -> list[m.Cell]:
    # The label spans the first two columns: 纠纷简要情况 on one line, not broken into three.
    return [m.cell(label, shade=True, align=m.Align.CENTER, colspan=2),
            m.cell(value, field=field, colspan=len(PARTY_WIDTHS) - 2, min_height_mm=min_height_mm)]


def application(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> m.Document:
    """人民调解申请书 (LEGAL.md §7): applicants and respondents, facts, requests, the
    declaration that the rules were explained and the application is voluntary, signatures."""
    applicants = [p for p in case["parties"] if p.get("role") == "applicant"] or case["parties"][:1]
    others = [p for p in case["parties"] if p not in applicants]
    blocks: list[m.Block] = []
    received = _d(case.get("received_on"))
    for p in applicants:
        blocks.append(m.Paragraph([m.Run("申请人：", bold=True), *party_particulars(p, age_on=received, with_id=False)]))
        blocks.extend(agent_lines(p))
    for p in others:
        blocks.append(m.Paragraph([m.Run(f"{_label_role(p)}：", bold=True),
                                 *party_particulars(p, age_on=received, with_id=False)]))
        blocks.extend(agent_lines(p))
    blocks.append(m.para("纠纷简要情况：", role=m.Role.HEADING, space_before=0.3, keep_with_next=True))
    blocks.append(m.para(case.get("summary", ""), indent=True, field="纠纷简要情况"))
    blocks.append(m.para("申请事项：", role=m.Role.HEADING, keep_with_next=True))
    for line in ordinal_list(case.get("requests") or []) or ["＿＿＿＿＿＿"]:
        blocks.append(m.para(line, indent=True, field="申请事项"))
    # The declaration goes with the signatures and the date: they never start a page alone.
    blocks.append(m.KeepTogether([
        m.para(f"{org.name}已将人民调解的性质、原则、效力以及当事人在调解活动中享有的权利和承担的义务告知"
             "本人，本人自愿申请人民调解。", indent=True, space_before=0.3),
        m.Spacer(2),   # tight enough that three parties (two applicants) fit one page
        _signature_table(signers(applicants, lambda _p: "申请人"), options.fingerprint, height_mm=15),
        m.para(chinese_date(_d(case.get("received_on"))) or blank_date(), align=m.Align.RIGHT, space_before=0.3,
             field="申请日期"),
    ]))
    code = case.get("code", "")
    return m.Document("application", "人民调解申请书", blocks, _furniture(org, code), file_stem=f"人民调解申请书-{code}")


def acceptance(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> m.Document:
    """人民调解受理登记表 (LEGAL.md §7): the consent sentence, the parties, type, source, facts,
    party and registrar signatures, the seal and the date."""
    received = _d(case.get("received_on"))
    code = case.get("code", "")
    n = len(PARTY_WIDTHS) - 1
    # Three tables drawn as one grid: the parties (whose column header repeats on a next page,
    # and only over party rows), the dispute, and the signatures with the seal and the date,
    # which never part (the seal sits with the signatures, LEGAL.md §4) nor stand alone on a page:
    # the requests row goes with them.
    dispute = [
        _form_row("纠纷类型", case.get("dispute_type", ""), "纠纷类型"),
        _form_row("纠纷来源", _label(CaseSource, case.get("source")), "纠纷来源"),
        _form_row("纠纷简要情况", case.get("summary", ""), "纠纷简要情况", min_height_mm=24),
        _form_row("当事人申请事项", "\n".join(ordinal_list(case.get("requests") or [])), "申请事项",
                  min_height_mm=15),
    ]
    signatures = [
        [m.cell("当事人签名", shade=True, align=m.Align.CENTER, colspan=2),
         m.cell("", colspan=4, min_height_mm=18),          # every party signs here: the wider room
         m.cell("登记人签名", shade=True, align=m.Align.CENTER),
         m.cell("", colspan=n - 6, min_height_mm=18)],
        [m.Cell([m.para(org.seal_line, role=m.Role.TABLE, align=m.Align.RIGHT, field="印章文字"),
               m.para(chinese_date(received) or blank_date(), role=m.Role.TABLE, align=m.Align.RIGHT)],
              colspan=len(PARTY_WIDTHS), min_height_mm=20)],
    ]
    blocks: list[m.Block] = [
        m.para(f"{chinese_date(received)}，{'本人民调解委员会' if org.kind == 'committee' else '本调解室'}经当事人同意，"
             f"调解{party_names(case)}之间的纠纷。",
             indent=True, field="受理情况", keep_with_next=True, space_after=0.3),
        m.Table(_party_rows(case), PARTY_WIDTHS, header_rows=1),
        m.Table(dispute[:-1], PARTY_WIDTHS),
        m.KeepTogether([m.Table(dispute[-1:], PARTY_WIDTHS), m.Table(signatures, PARTY_WIDTHS)]),
    ]
    return m.Document("acceptance", "人民调解受理登记表", blocks, _furniture(org, code),
                    file_stem=f"人民调解受理登记表-{code}")


RIGHTS = [
    "选择或者接受人民调解员；",
    "接受调解、拒绝调解或者要求终止调解；",
    "要求调解公开进行或者不公开进行；",
    "自主表达意愿、自愿达成调解协议。",
]
DUTIES = [
    "如实陈述纠纷事实；",
    "遵守调解现场秩序，尊重人民调解员；",
    "尊重对方当事人行使权利。",
]


def notice(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> m.Document:
    """当事人权利义务告知书 (LEGAL.md §3; 人民调解法 23–24): the nature and principles of people's
    mediation, the rights and duties, and a signature per party that it was received."""
    code = case.get("code", "")
    blocks: list[m.Block] = [
        m.para(f"{party_names(case)}：", field="当事人"),
        m.para("人民调解是在人民调解委员会主持下，以国家法律、法规、规章、政策和社会公德为依据，对民间纠纷当事人"
             "进行说服教育、规劝疏导，促使当事人在平等协商基础上自愿达成调解协议，解决民间纠纷的活动。"
             "人民调解遵循在当事人自愿、平等的基础上进行调解，不违背法律、法规和国家政策，尊重当事人的权利、"
             "不得因调解而阻止当事人依法通过仲裁、行政、司法等途径维护自己权利的原则，不收取任何费用。"
             "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。", indent=True),
        m.para("在人民调解活动中，当事人享有下列权利：", indent=True, keep_with_next=True),
        *[m.para(f"（{n}）{text}", indent=True) for n, text in zip("一二三四", RIGHTS, strict=True)],
    ]
    duties: list[m.Block] = [
        m.para("在人民调解活动中，当事人履行下列义务：", indent=True, keep_with_next=True),
        *[m.para(f"（{n}）{text}", indent=True) for n, text in zip("一二三", DUTIES, strict=True)],
        m.Spacer(3),
    ]
    def received(p: dict[str, Any]) -> str:
        # An oral notice (口头告知) is recorded as such; the party still signs that they know it.
        if p.get("notice_method") == "oral":
            return "已口头告知，当事人知悉上述内容。\n签名："
        return "已收到并知悉本告知书内容。\n签名："

    rows = [[m.cell(f"{party_title(p)}\n{p['name']}", shade=True),
             m.cell(received(p), min_height_mm=18),
             m.cell("日期：" + (chinese_date(_d(p.get("notice_on"))) or "＿＿＿年＿＿月＿＿日"),
                  field="告知日期")] for p in case["parties"]]
    widths = [1.3, 1.9, 2.2]
    closing: list[m.Block] = [m.para(org.seal_line, align=m.Align.RIGHT, space_before=1.0, field="印章文字"),
                            m.para(chinese_date(_d(case.get("received_on"))) or blank_date(), align=m.Align.RIGHT)]
    if len(rows) <= 4:
        # The duties, every party's signature, the seal and the date share a page: the signatures
        # never start a page without the text they acknowledge.
        blocks.append(m.KeepTogether([*duties, m.Table(rows, widths), *closing]))
    else:
        blocks += [*duties, m.Table(rows[:-1], widths), m.KeepTogether([m.Table(rows[-1:], widths), *closing])]
    return m.Document("notice", "当事人权利义务告知书", blocks, _furniture(org, code),
                    file_stem=f"当事人权利义务告知书-{code}")
