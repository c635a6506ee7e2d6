"""The case-file checklist (卷宗检查, LEGAL.md §7): the 13 items in binding order, which are
required, and whether the case holds what fills each. A case cannot be archived (归档) while a
required item is missing."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

#: (number, name) in binding order.
ITEMS: tuple[tuple[int, str], ...] = (
    (1, "人民调解申请书或受理登记表"),
    (2, "当事人权利义务告知书"),
    (3, "当事人身份证明材料"),
    (4, "授权委托书"),
    (5, "人民调解调查记录"),
    (6, "证据材料"),
    (7, "人民调解记录"),
    (8, "人民调解协议书"),
    (9, "履行凭证"),
    (10, "人民调解回访记录"),
    (11, "司法确认材料"),
    (12, "卷宗情况说明"),
    (13, "封底"),
)
ITEM_NAMES: dict[int, str] = dict(ITEMS)


@dataclass
class CaseFileFacts:
    """What a case holds, as the checklist needs it (gathered by the evidence service)."""

    parties: list[str]                       # names, in position order
    parties_not_notified: list[str] = field(default_factory=list)
    has_entrusted_agent: bool = False
    signed_investigations: int = 0
    signed_mediations: int = 0
    unsigned_records: int = 0
    agreement_form: str | None = None        # written | oral | None
    agreement_signed: bool = False
    terminated: bool = False
    follow_ups_done: int = 0
    judicial_confirmation: bool = False
    attachments: dict[int, int] = field(default_factory=dict)   # item → count
    status: str = "in_mediation"
    #: Parties whose recorded notice is dated after the first mediation session (Law 23-24:
    #: they are to be told before mediating).
    notified_late: list[str] = field(default_factory=list)
    mediations_held: int = 0

    @property
    def never_mediated(self) -> bool:
        """不予受理 / 一方拒绝调解: the file holds the application or register, the reason and the
        back cover — there was no mediation to record."""
        return self.status in ("not_accepted", "refused")


@dataclass(frozen=True)
class ChecklistLine:
    number: int
    name: str
    required: bool
    present: bool
    detail: str          # what fills it, or what is missing (Chinese)

    @property
    def missing(self) -> bool:
        return self.required and not self.present


def checklist(f: CaseFileFacts) -> list[ChecklistLine]:
    lines = _lines(f)
    if f.never_mediated:
        lines = [replace(x, required=x.number in (1, 13)) for x in lines]
    elif f.status == "terminated" and f.mediations_held == 0:
        # Ended before any mediation session (e.g. the applicant withdrew): the termination
        # notice, not a mediation record, documents how it ended.
        lines = [replace(x, required=False) if x.number == 7 else x for x in lines]
    return lines


def _lines(f: CaseFileFacts) -> list[ChecklistLine]:
    a = f.attachments

    def files(item: int) -> str:
        return f"附件{a[item]}份" if a.get(item) else ""

    def join(*parts: str) -> str:
        return "；".join(p for p in parts if p)

    lines = [ChecklistLine(1, ITEM_NAMES[1], True, True, "由登记信息生成")]
    notified = not f.parties_not_notified
    lines.append(ChecklistLine(
        2, ITEM_NAMES[2], True, notified or bool(a.get(2)),
        join("每位当事人均已告知" if notified else "尚未告知：" + "、".join(f.parties_not_notified),
             "告知日期晚于第一次调解：" + "、".join(f.notified_late) if f.notified_late else "", files(2))))
    ids = a.get(3, 0)
    lines.append(ChecklistLine(
        3, ITEM_NAMES[3], True, ids > 0,
        join(files(3), f"（当事人{len(f.parties)}人，请核对是否每人都有）" if 0 < ids < len(f.parties) else "")
        or "尚未附身份证明"))
    lines.append(ChecklistLine(
        4, ITEM_NAMES[4], f.has_entrusted_agent, bool(a.get(4)),
        files(4) or ("有委托代理人，须附授权委托书" if f.has_entrusted_agent else "无委托代理人")))
    lines.append(ChecklistLine(
        5, ITEM_NAMES[5], False, f.signed_investigations > 0 or bool(a.get(5)),
        join(f"已签字调查记录{f.signed_investigations}份" if f.signed_investigations else "", files(5)) or "无"))
    lines.append(ChecklistLine(6, ITEM_NAMES[6], False, bool(a.get(6)), files(6) or "无"))
    pending = f"另有{f.unsigned_records}份记录尚未宣读签字" if f.unsigned_records else ""
    lines.append(ChecklistLine(
        7, ITEM_NAMES[7], True, f.signed_mediations > 0 or bool(a.get(7)),
        join(f"已签字调解记录{f.signed_mediations}份" if f.signed_mediations else "尚无已签字的调解记录",
             files(7), pending)))
    if f.agreement_form == "written":
        detail = "书面协议已签订" if f.agreement_signed else "书面协议尚未填写生效日期"
        present = f.agreement_signed or bool(a.get(8))
    elif f.agreement_form == "oral":
        detail, present = "口头协议登记表（由协议内容生成）", True
    elif f.terminated:
        detail, present = "终止调解告知书（由终止信息生成）", True
    else:
        detail, present = "尚无调解结果", bool(a.get(8))
    lines.append(ChecklistLine(8, ITEM_NAMES[8], f.agreement_form == "written", present, join(detail, files(8))))
    lines.append(ChecklistLine(9, ITEM_NAMES[9], False, bool(a.get(9)), files(9) or "无"))
    lines.append(ChecklistLine(
        10, ITEM_NAMES[10], False, f.follow_ups_done > 0 or bool(a.get(10)),
        join(f"已回访{f.follow_ups_done}次" if f.follow_ups_done else "", files(10)) or "无"))
    lines.append(ChecklistLine(
        11, ITEM_NAMES[11], False, f.judicial_confirmation or bool(a.get(11)),
        join("已申请司法确认" if f.judicial_confirmation else "", files(11)) or "无"))
    lines.append(ChecklistLine(12, ITEM_NAMES[12], False, bool(a.get(12)), files(12) or "无"))
    lines.append(ChecklistLine(13, ITEM_NAMES[13], True, True, "归档时生成"))
    return lines


def missing(lines: list[ChecklistLine]) -> list[ChecklistLine]:
    return [x for x in lines if x.missing]
