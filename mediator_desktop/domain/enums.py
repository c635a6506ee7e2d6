"""Code tables of the domain: each member's value is the English word used by the case
exchange format (../shared/spec/case-exchange.md); ``label`` is what the user sees."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members carry a Chinese label as their second tuple item."""

    _labels: dict[str, str]

    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        # (``label`` has a default only for the type checker: CaseStatus("accepted") looks a
        # member up by value, which mypy reads as a call of __new__; every member names one.)
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    label: str

    @classmethod
    def from_label(cls, label: str) -> LabelledEnum:
        for member in cls:
            if member.label == label:
                return member
        raise ValueError(label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class CaseSource(LabelledEnum):
    """案件来源 — how a dispute reached the committee (Law 17-18)."""

    PARTY_APPLICATION = "party_application", "当事人申请"
    COMMITTEE_INITIATIVE = "committee_initiative", "调委会主动调解"
    COURT_DELEGATED = "court_delegated", "法院委派"
    COURT_ENTRUSTED = "court_entrusted", "法院委托"
    POLICE_REFERRED = "police_referred", "公安机关移送"
    PETITION_REFERRED = "petition_referred", "信访部门移送"
    GRID_REPORTED = "grid_reported", "网格上报"
    OTHER_REFERRED = "other_referred", "其他部门移送"


class CaseStatus(LabelledEnum):
    """案件状态."""

    REGISTERED = "registered", "登记"
    ACCEPTED = "accepted", "受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    REFUSED = "refused", "一方拒绝调解"
    IN_MEDIATION = "in_mediation", "调解中"
    AGREED = "agreed", "调解成功"
    TERMINATED = "terminated", "终止调解"
    CLOSED = "closed", "已归档"


#: The states in which a mediation is running (受理, 调解中): sessions may be scheduled and
#: moved, the time limit runs, the reminders count the case.
RUNNING_STATUSES: tuple[str, ...] = (CaseStatus.ACCEPTED.value, CaseStatus.IN_MEDIATION.value)


class RiskLevel(LabelledEnum):
    """风险等级 — the three-colour escalation warning (Law 25)."""

    NONE = "none", "无"
    YELLOW = "yellow", "黄"
    ORANGE = "orange", "橙"
    RED = "red", "红"


class OrgKind(LabelledEnum):
    COMMITTEE = "committee", "人民调解委员会"
    STUDIO = "studio", "个人品牌调解室"


class PartyRole(LabelledEnum):
    APPLICANT = "applicant", "申请人"
    RESPONDENT = "respondent", "被申请人"
    THIRD_PARTY = "third_party", "第三人"


class PartyKind(LabelledEnum):
    PERSON = "person", "自然人"
    ORGANIZATION = "organization", "单位"


class Gender(LabelledEnum):
    MALE = "male", "男"
    FEMALE = "female", "女"


class IdType(LabelledEnum):
    RESIDENT_ID = "resident_id", "居民身份证"
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident", "外国人永久居留身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO_TAIWAN_PERMIT = "hk_macao_taiwan_permit", "港澳台居民居住证/通行证"
    OTHER = "other", "其他证件"


class AgentKind(LabelledEnum):
    STATUTORY = "statutory", "法定代理人"
    ENTRUSTED = "entrusted", "委托代理人"


class MediatorRole(LabelledEnum):
    PRESIDING = "presiding", "主持调解员"
    ASSISTING = "assisting", "协助调解员"


class SessionKind(LabelledEnum):
    INVESTIGATION = "investigation", "调查"
    MEDIATION = "mediation", "调解"


class AgreementForm(LabelledEnum):
    WRITTEN = "written", "书面协议"
    ORAL = "oral", "口头协议"


class TermStatus(LabelledEnum):
    PENDING = "pending", "待履行"
    PERFORMED = "performed", "已履行"
    PARTLY_PERFORMED = "partly_performed", "部分履行"
    NOT_PERFORMED = "not_performed", "未履行"


class VisitMethod(LabelledEnum):
    VISIT = "visit", "上门"
    PHONE = "phone", "电话"
    VIDEO = "video", "视频"
    OTHER = "other", "其他"


class Performance(LabelledEnum):
    PERFORMED = "performed", "已履行"
    PARTLY_PERFORMED = "partly_performed", "部分履行"
    NOT_PERFORMED = "not_performed", "未履行"
    NOT_DUE = "not_due", "未到期"


class Satisfaction(LabelledEnum):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class ConfirmationResult(LabelledEnum):
    PENDING = "pending", "审查中"
    CONFIRMED = "confirmed", "裁定有效"
    REJECTED = "rejected", "裁定驳回"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    WITHDRAWN = "withdrawn", "撤回"


class NoteKind(LabelledEnum):
    """The notes of a case that are not the signed record (LEGAL.md §3): never printed."""

    CAUCUS = "caucus", "背对背记录"
    PRIVATE = "private", "调解员个人笔记"


class NoticeMethod(LabelledEnum):
    """How the rights-and-duties notice (权利义务告知) was given."""

    WRITTEN = "written", "书面告知"
    ORAL = "oral", "口头告知"


class TerminationReason(LabelledEnum):
    """Why mediation ended without agreement (Law 26; LEGAL.md §1)."""

    REFUSED = "refused", "当事人拒绝继续调解"
    WITHDRAWN = "withdrawn", "当事人撤回申请"
    IMPOSSIBLE = "impossible", "无法达成调解协议"
    OTHER = "other", "其他原因"


class TermKind(LabelledEnum):
    OBLIGATION = "obligation", "履行义务"
    STATEMENT = "statement", "其他约定"


class VisitKind(LabelledEnum):
    """Why a follow-up visit (回访) is made (LEGAL.md §6)."""

    SATISFACTION = "satisfaction", "满意度回访"
    PERFORMANCE = "performance", "履行期限回访"
    URGE = "urge", "督促履行后回访"
    OTHER = "other", "其他回访"


class VisitEvent(LabelledEnum):
    """What happened to a planned visit (its history)."""

    PLANNED = "planned", "安排回访"
    REPLANNED = "replanned", "随协议调整回访日期"
    RESCHEDULED = "rescheduled", "改期"
    NOT_REACHED = "not_reached", "未联系上，另约日期"
    RECORDED = "recorded", "完成回访"


class ReminderKind(LabelledEnum):
    """What a reminder (提醒) is about."""

    TIME_LIMIT = "time_limit", "调解期限"
    JUDICIAL_WINDOW = "judicial_window", "司法确认申请期限"
    PERFORMANCE = "performance", "履行期限"
    VISIT = "visit", "回访"
    # Screening and joint conferences (services/screening.py, services/conferences.py).
    CONFERENCE_TASK = "conference_task", "会商任务"
    SCREENING = "screening", "本期尚未排查"
    # Risk and escalation (STATISTICS.md §4; services/risk.py).
    RISK_RESPONSE = "risk_response", "风险处置时限"
    RISK_PLAN = "risk_plan", "一案一策"
    ESCALATION = "escalation", "逐级化解时限"
    PETITION = "petition", "信访事项时限"


class NextStep(LabelledEnum):
    """What a visit's findings lead to."""

    CLOSE = "close", "结案归档"
    URGE = "urge", "督促履行"
    JUDICIAL = "judicial", "建议申请司法确认"
    ENFORCE = "enforce", "建议申请强制执行"
    LAWSUIT = "lawsuit", "建议向人民法院起诉"
    RAISE_RISK = "raise_risk", "提高风险等级"
    VISIT_AGAIN = "visit_again", "到期后再回访"


class PreventionKind(LabelledEnum):
    """Prevention figures recorded on a case (STATISTICS.md §1), each counted as 件 and 人."""

    SUICIDE = "suicide", "防止民间纠纷引起自杀"
    CRIMINAL = "criminal", "防止民间纠纷转化为刑事案件"
    GROUP_PETITION = "group_petition", "防止群体性上访"
    GROUP_FIGHT = "group_fight", "防止群体性械斗"


class LedgerAction(LabelledEnum):
    """What happens to a dispute on the ledger (台账, STATISTICS.md §2)."""

    CROSS_OFF = "cross_off", "销号"
    REOPEN = "reopen", "再挂号"


class HandlingLevel(LabelledEnum):
    """Where a dispute is being handled (分级处置, STATISTICS.md §4): the escalation clock runs
    from the day it reached this level."""

    GRID = "grid", "网格"
    VILLAGE = "village", "村（社区）"
    TOWNSHIP = "township", "乡镇（街道）"
    COUNTY = "county", "县（区）"


class ReferralKind(LabelledEnum):
    """移交 / 上报 / 分流 of a case (STATISTICS.md §4)."""

    TRANSFER = "transfer", "移交"
    REPORT = "report", "上报"
    DIVERT = "divert", "分流"


class ReferralDirection(LabelledEnum):
    OUTGOING = "outgoing", "移出"
    INCOMING = "incoming", "移入"


class ScreeningOutcome(LabelledEnum):
    """What became of an item found while screening (排查, STATISTICS.md §3)."""

    OPEN = "open", "待处理"
    CASE = "case", "转为案件"
    PREVENTED = "prevented", "预防纠纷"
    REFERRED = "referred", "移交处理"
