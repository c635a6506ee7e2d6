"""移送函: the letter that goes with a referred case (STATISTICS.md §4) — to whom, from whom, the
case, why it is referred, what was done, who to contact — with the case-exchange file named as
its attachment. The referral is the case's latest outgoing one (``case["referral_letter"]``,
added by the document service)."""

from __future__ import annotations

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
    party_names,
)
from mediator_desktop.domain.enums import ReferralKind, RiskLevel
from mediator_desktop.domain.text import blank_date, chinese_date

TITLE = "移送函"


def referral_letter(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> m.Document:
    """移送函 of the case's latest outgoing referral."""
    letter = case.get("referral_letter") or {}
    if not letter:
        raise DocumentDataError("本案还没有移交或上报记录：请先在“风险与移交”中按“移交…”或“上报…”")
    code = case.get("code", "")
    number = letter.get("number") or code   # the letter's own number (services/referrals.py)
    kind = _label(ReferralKind, letter.get("kind")) or "移交"
    sent_on = _d(letter.get("sent_on"))
    from_unit = letter.get("from_unit") or org.name
    risk = case.get("risk_level") or "none"
    blocks: list[m.Block] = [
        m.para(f"{letter.get('to_unit', '')}：", align=m.Align.LEFT, field="接收单位", space_before=0.5),
        m.para(f"{from_unit}于{chinese_date(_d(case.get('received_on')))}受理的{party_names(case)}之间的"
               f"{case.get('dispute_type', '')}，因下列原因，现{kind}你单位处理。", indent=True, field="案件"),
        m.para(f"案号：{code}", indent=True, field="案号"),
        m.para("一、纠纷简要情况", role=m.Role.HEADING, keep_with_next=True, space_before=0.3),
        m.para(case.get("summary", ""), indent=True, field="纠纷简要情况"),
    ]
    if risk != "none":
        told = letter.get("risk_reported_to") or ""
        blocks.append(m.para(f"风险等级：{_label(RiskLevel, risk)}色" + (f"，已报告{told}" if told else "") + "。",
                             indent=True, field="风险等级"))
    blocks += [
        m.para(f"二、{kind}原因", role=m.Role.HEADING, keep_with_next=True),
        m.para(letter.get("reason", ""), indent=True, field="移送原因"),
        m.para("三、已做的工作", role=m.Role.HEADING, keep_with_next=True),
        m.para(letter.get("actions_taken", "") or "无", indent=True, field="已做工作"),
        m.para("请于收到后将处理情况函告我单位。", indent=True),
        # Each on a line of its own (they used to run together on one).
        m.para(f"联系人及电话：{letter.get('contact', '')}", indent=True, field="联系人及电话"),
    ]
    if letter.get("first_receiver"):
        blocks.append(m.para(f"首问负责人：{letter['first_receiver']}", indent=True, field="首问负责人"))
    blocks += [
        # The attachment goes with the seal and the date, which never stand alone on a page. The
        # receiving unit (a police station, a court) may not use this program: the exchange file
        # is for those that do, the printed materials count for the others.
        m.KeepTogether([
            m.para("附件：案件交换文件（JSON格式，供使用“调解工作台”软件的单位导入；其他单位以随函书面材料为准）",
                   indent=True),
            m.para(f"（{from_unit}印）" if from_unit != org.name else org.seal_line, align=m.Align.RIGHT,
                   space_before=0.5, field="印章文字"),
            m.para(chinese_date(sent_on) if sent_on else blank_date(), align=m.Align.RIGHT, field="移送日期"),
        ]),
        _receipt(number, from_unit, letter.get("to_unit", "")),
    ]
    return m.Document("referral-letter", TITLE, blocks, _furniture(org, number), file_stem=f"移送函-{code}")


def _receipt(number: str, from_unit: str, to_unit: str) -> m.KeepTogether:
    """The tear-off 回执 the receiving unit returns: when it was received, by whom, its seal. Kept
    whole: below the letter when there is room, otherwise at the top of the next page."""
    return m.KeepTogether([
        m.para("－ － － － － － － 沿此线剪下 － － － － － － －", align=m.Align.CENTER, role=m.Role.TABLE,
               space_before=0.5),
        m.para("回　执", role=m.Role.HEADING, align=m.Align.CENTER),
        m.para(f"{from_unit}：", align=m.Align.LEFT, field="回执"),
        m.para(f"你单位移送函（{number}）及所附材料已于＿＿＿＿年＿＿月＿＿日收到。", indent=True,
               align=m.Align.LEFT, field="回执"),
        m.para("接收人（签名）：＿＿＿＿＿＿", align=m.Align.LEFT, field="回执"),
        m.para(f"{to_unit or '接收单位'}（盖章）", align=m.Align.RIGHT, field="回执"),
    ])
