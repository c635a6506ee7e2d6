"""Importing a room's existing Excel ledger (STATISTICS.md §2): the user confirms a column
mapping proposed from the header names, every row is checked, and all rows become cases or
none does, with the problems listed by row and column (“第12行 受理日期：……”).

Each row becomes a case through the case-exchange import (``services/exchange.py``), the same
path as a case-exchange file: the same checks as registering by hand (ID numbers, dispute
types, duplicates), codes from the committee's series unless the ledger gives one, the
follow-up visits of an agreement planned as when it is saved. A row with a 销号日期 gets its
:class:`~mediator_desktop.storage.models.LedgerEvent` in the same transaction, and no visits
are planned for it (its follow-up already confirmed it). 化解措施 and 备注, which the case has no
field for, go into the case's history (时间线) with the row they came from.

Headers may sit below merged title rows; blank rows are skipped. Dates may be real Excel
dates, Excel date serials, or text: 2026-3-5, 2026.3.5, 2026/3/5, 2026年3月5日, 20260305, and
3月5日 with the year taken from the title (“2026年……台账”) or else from the row above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from mediator_desktop.domain.enums import (
    CaseSource,
    CaseStatus,
    ConfirmationResult,
    IdType,
    LedgerAction,
    RiskLevel,
    Satisfaction,
)
from mediator_desktop.domain.identity import check_id_number
from mediator_desktop.domain.text import capped, chinese_date
from mediator_desktop.services.context import ServiceContext
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.services.progress import CancelCheck, Progress, step
from mediator_desktop.storage import models as orm

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

#: The ledger's fields: key, the column title of STATISTICS.md §2, other titles rooms use.
FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("code", "案号", ("案件编号", "编号", "卷号")),
    ("received_on", "受理日期", ("受理时间", "登记日期", "登记时间", "排查日期", "发生时间", "日期")),
    ("source", "来源", ("纠纷来源", "案件来源", "来源渠道")),
    ("dispute_type", "纠纷类型", ("类型", "纠纷类别", "矛盾类型", "案件类型")),
    ("parties", "当事人", ("当事人姓名", "双方当事人", "当事人名称", "姓名")),
    ("id_numbers", "身份证号", ("身份证号码", "证件号码", "公民身份号码")),
    ("summary", "纠纷简要情况", ("简要情况", "纠纷情况", "基本情况", "主要事实", "纠纷事由", "矛盾纠纷简要情况",
                           "简要案情", "案情")),
    ("risk", "风险等级", ("风险", "预警等级", "风险级别")),
    ("mediators", "调解员", ("承办人", "责任人", "包案人", "调解人员", "承办调解员")),
    ("measures", "化解措施", ("调处措施", "措施", "工作措施")),
    ("result", "化解结果", ("调处结果", "调解结果", "办理结果", "结果")),
    ("agreement_form", "协议形式", ("协议类型",)),
    ("amount", "协议金额", ("涉及金额", "金额", "协议涉及金额")),
    ("performance", "履行情况", ("履行",)),
    ("visits", "回访情况", ("回访",)),
    ("confirmation", "司法确认", ("司法确认情况",)),
    ("closed_on", "销号日期", ("销号时间", "销号")),
    ("notes", "备注", ("说明",)),
)
LABELS = {key: label for key, label, _aliases in FIELDS}
#: The columns a ledger must have for its rows to become cases.
REQUIRED = ("received_on", "dispute_type", "parties", "summary")
#: Field → 0-based column of the sheet (None: not in this ledger).
Mapping = dict[str, int | None]

_SPLIT = re.compile(r"[、，,；;/／\n]+|\s{1,}")
_ORGANIZATION = re.compile(
    r"(公司|厂|店|诊所|医院|委员会|村委会|居委会|学校|合作社|中心|局|所|部|站|队|银行|商行|超市|酒店|饭店|集团)$")
_IN_BRACKETS = re.compile(r"^(.+?)[（(]\s*([0-9Xx０-９Ｘｘ ]{15,20})\s*[)）]$")
_FULL_DATE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_YEAR = re.compile(r"(20\d\d)\s*年")
_AMOUNT = re.compile(r"[-+]?\d[\d,，]*(?:\.\d+)?")


class LedgerImportError(ServiceError):
    """A ledger refused whole; ``problems`` lists each by row and column ("第12行 受理日期：……")."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"台账有{len(problems)}处问题，未导入任何数据")


class _DryRun(Exception):
    """Raised inside the import's transaction to roll back a check-only run."""


@dataclass
class LedgerSheet:
    """An Excel ledger read: its header row (1-based, as Excel numbers rows), the header names,
    the non-blank rows below it (with their Excel row numbers) and a proposed mapping."""

    path: str
    sheet: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    proposed: Mapping
    #: The year a title row names (“2026年矛盾纠纷排查化解台账”), for dates written without one.
    title_year: int | None = None

    def column_name(self, index: int | None) -> str:
        if index is None or not 0 <= index < len(self.headers):
            return ""
        return self.headers[index] or _letter(index)


@dataclass
class LedgerImportResult:
    created: list[str]
    crossed_off: int
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    visits_planned: int = 0

    @property
    def text(self) -> str:
        if self.dry_run:
            return f"检查通过：{len(self.created)}行都可以导入（这次只检查，没有写入）。"
        return f"已导入{len(self.created)}件案件，其中{self.crossed_off}件已销号。"

    def report_lines(self, limit: int | None = 10) -> list[str]:
        out = []
        if self.warnings:
            out += ["请核对：", *capped(self.warnings, limit)]
        if self.visits_planned:
            out.append(f"已按协议日期安排回访{self.visits_planned}次（日期已过的显示为逾期）。")
        if self.hints:
            out += ["以下当事人此前有案件：", *capped(self.hints, limit)]
        return out


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _norm(text: Any) -> str:
    return re.sub(r"[\s（）()：:*＊]", "", str(text or ""))


def propose_mapping(headers: list[str]) -> Mapping:
    """Each field's column by its header name: the exact title of §2 first, then the other
    names rooms use; a column is given to one field only."""
    names = [_norm(h) for h in headers]
    out: Mapping = {key: None for key, _label, _aliases in FIELDS}
    taken: set[int] = set()
    for exact in (True, False):
        for key, label, aliases in FIELDS:
            if out[key] is not None:
                continue
            for candidate in (label, *aliases):
                found = [i for i, n in enumerate(names) if i not in taken and n
                         and (n == candidate if exact else (candidate in n and len(candidate) >= 2))]
                if found:
                    out[key] = found[0]
                    taken.add(found[0])
                    break
    return out


def _score(row: list[Any]) -> int:
    names = {_norm(v) for v in row if v not in (None, "")}
    known = {label for _k, label, _a in FIELDS} | {a for _k, _l, aliases in FIELDS for a in aliases}
    return sum(1 for n in names if n in known)


def read_sheet(path: str | Path, dispute_types: list[str] | None = None) -> LedgerSheet:
    """Read the first sheet of an .xlsx ledger. The header row is the row among the first 20
    with the most known column titles (title rows above it, merged or not, are skipped)."""
    from openpyxl import load_workbook

    if Path(path).suffix.lower() in (".xls", ".et", ".csv"):
        raise ServiceError(f"{Path(path).name}不是 .xlsx 文件：请先用 Excel 或 WPS 打开它，"
                           "“另存为” Excel 工作簿（.xlsx）后再导入")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise ServiceError(f"无法读取文件{Path(path).name}：{exc.strerror or exc}") from exc
    except Exception as exc:  # noqa: BLE001 — a damaged or foreign file: openpyxl and zipfile raise their own kinds
        raise ServiceError(f"无法读取{Path(path).name}：它不是完好的 Excel 工作簿（.xlsx）。"
                           "请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入") from exc
    try:
        ws = wb.worksheets[0]
        all_rows = [list(r) for r in ws.iter_rows(values_only=True)]
        name = ws.title
    finally:
        wb.close()
    head = max(range(min(20, len(all_rows))), key=lambda i: (_score(all_rows[i]), -i), default=None)
    if head is None or _score(all_rows[head]) < 2:
        raise ServiceError("在表格前20行中找不到表头（如“受理日期”“当事人”“纠纷类型”）：请确认这是台账文件")
    width = max((len(r) for r in all_rows), default=0)
    headers = [str(v).strip() if v is not None else "" for v in all_rows[head]] + [""] * (width - len(all_rows[head]))
    while headers and not headers[-1] and all(len(r) < len(headers) or r[len(headers) - 1] in (None, "")
                                              for r in all_rows[head + 1:]):
        headers.pop()
    rows = []
    for k, r in enumerate(all_rows[head + 1:], start=head + 2):
        values = (list(r) + [None] * len(headers))[:len(headers)]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        rows.append((k, values))
    title_year = None
    for r in all_rows[:head]:
        for v in r:
            m = _YEAR.search(str(v or ""))
            if m:
                title_year = int(m.group(1))
                break
        if title_year:
            break
    return LedgerSheet(str(path), name, head + 1, headers, rows, propose_mapping(headers), title_year)


# -- reading cells ------------------------------------------------------------------------------


def parse_date(value: Any, year: int | None) -> tuple[date | None, str | None]:
    """A cell as a date: (date, None), (None, None) for an empty cell, or (None, the problem)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:       # an Excel date serial (1954–2119)
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date(), None
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = str(value).strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    for pattern in (_FULL_DATE, _COMPACT_DATE):
        m = pattern.search(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
            except ValueError:
                return None, f"“{text}”不是有效的日期"
    m = _MONTH_DAY.search(text)
    if m:
        if year is None:
            return None, f"“{text}”没有年份，请写成“2026年3月5日”"
        try:
            return date(year, int(m.group(1)), int(m.group(2))), None
        except ValueError:
            return None, f"“{text}”不是有效的日期"
    return None, f"“{text}”不是日期（可写成2026-3-5、2026.3.5、2026年3月5日）"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return chinese_date(value.date())
    return str(value).strip()


def parse_amount(value: Any) -> tuple[Decimal | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01")), None
    text = str(value).strip()
    if text in ("无", "-", "—", "/", "0元"):
        return None, None
    m = _AMOUNT.search(text)
    if not m:
        return None, f"“{text}”不是金额"
    try:
        amount = Decimal(m.group().replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None, f"“{text}”不是金额"
    if "万" in text[m.end():m.end() + 2]:
        amount *= 10000
    if amount < 0:
        return None, f"“{text}”：金额不能是负数"
    return amount.quantize(Decimal("0.01")), None


def _source(text: str) -> str | None:
    for m in CaseSource:
        if text == m.label:
            return m.value
    for words, member in ((("委派",), CaseSource.COURT_DELEGATED), (("委托",), CaseSource.COURT_ENTRUSTED),
                          (("公安", "派出所", "110"), CaseSource.POLICE_REFERRED), (("信访",), CaseSource.PETITION_REFERRED),
                          (("网格",), CaseSource.GRID_REPORTED), (("主动", "排查"), CaseSource.COMMITTEE_INITIATIVE),
                          (("申请", "来访", "来电", "当事人"), CaseSource.PARTY_APPLICATION),
                          (("移送", "移交", "转办", "部门"), CaseSource.OTHER_REFERRED)):
        if any(w in text for w in words):
            return member.value
    return None


def _risk(text: str) -> str | None:
    if not text or text in ("无", "低", "一般", "正常", "无风险", "绿", "绿色"):
        return RiskLevel.NONE.value
    for word, level in (("红", RiskLevel.RED), ("橙", RiskLevel.ORANGE), ("黄", RiskLevel.YELLOW)):
        if word in text:
            return level.value
    return None


def _status(text: str) -> str | None:
    """化解结果 as a case status (None: not understood)."""
    if not text:
        return CaseStatus.ACCEPTED.value
    # 终止调解（…）：当事人拒绝继续调解 is a termination, not a refusal at the start.
    for words, status in ((("不予受理",), CaseStatus.NOT_ACCEPTED),
                          (("不成", "终止", "失败", "未达成"), CaseStatus.TERMINATED),
                          (("拒绝",), CaseStatus.REFUSED),
                          (("成功", "达成", "化解", "调结", "已调处"), CaseStatus.AGREED),
                          (("调解中", "正在", "在办", "办理中", "化解中"), CaseStatus.IN_MEDIATION),
                          (("受理", "登记"), CaseStatus.ACCEPTED)):
        if any(w in text for w in words):
            return status.value
    return None


def _performance(text: str) -> str:
    if "部分" in text:
        return "partly_performed"
    if "未履行" in text or "没有履行" in text or "拒不履行" in text:
        return "not_performed"
    if "履行" in text and ("已" in text or "完毕" in text or "完成" in text) or text in ("是", "履行"):
        return "performed"
    return "pending"


def _confirmation(text: str) -> str | None | bool:
    """司法确认 as a result value; None for none; False when not understood."""
    if not text or text in ("无", "否", "未申请", "不申请", "-", "—", "/"):
        return None
    for words, result in ((("驳回",), ConfirmationResult.REJECTED), (("不予受理",), ConfirmationResult.NOT_ACCEPTED),
                          (("撤回",), ConfirmationResult.WITHDRAWN),
                          (("有效", "已确认", "确认", "裁定"), ConfirmationResult.CONFIRMED),
                          (("申请", "审查", "已报", "送达"), ConfirmationResult.PENDING)):
        if any(w in text for w in words):
            return result.value
    return False


def _satisfaction(text: str) -> str | None:
    for m in (Satisfaction.DISSATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.SATISFIED):
        if m.label in text:
            return m.value
    return None


def _dispute_type(text: str, types: dict[str, str]) -> str | None:
    """The code table's name for ``text`` (邻里 → 邻里纠纷)."""
    key = text.replace(" ", "")
    for candidate in (key, key + "纠纷", key.removesuffix("类")):
        if candidate in types:
            return types[candidate]
    return None


# -- rows to cases ------------------------------------------------------------------------------


@dataclass
class _Row:
    excel_row: int
    case: dict[str, Any]
    closed_on: date | None
    history: str


def _cell(values: list[Any], mapping: Mapping, key: str) -> Any:
    index = mapping.get(key)
    if index is None or not 0 <= index < len(values):
        return None
    return values[index]


def build_cases(sheet: LedgerSheet, mapping: Mapping, types: list[str], today: date
                ) -> tuple[list[_Row], list[str], list[str]]:
    """The cases of the ledger's rows, with every problem (“第12行 受理日期：……”) and the
    warnings (what was assumed)."""
    problems: list[str] = []
    warnings: list[str] = []
    missing = [LABELS[k] for k in REQUIRED if mapping.get(k) is None]
    if missing:
        return [], ["没有对应的列：" + "、".join(missing) + "（请在“列对应”中选择）"], []
    by_name = {t: t for t in types}
    out: list[_Row] = []
    last_year: dict[str, int | None] = {"received_on": sheet.title_year, "closed_on": sheet.title_year,
                                        "result": sheet.title_year}

    for excel_row, values in sheet.rows:
        def say(key: str, message: str, row: int = excel_row) -> None:
            column = sheet.column_name(mapping.get(key)) or LABELS.get(key, key)
            problems.append(f"第{row}行 {column}：{message}")

        def text(key: str, values: list[Any] = values) -> str:
            return _text(_cell(values, mapping, key))

        def a_date(key: str, year: int | None, values: list[Any] = values) -> date | None:
            got, problem = parse_date(_cell(values, mapping, key), year)
            if problem:
                say(key, problem)
            if got is not None:
                last_year[key] = got.year
            return got

        received = a_date("received_on", last_year["received_on"])
        if received is None and not any(p.startswith(f"第{excel_row}行 ") for p in problems):
            say("received_on", "没有填写受理日期")
        elif received is not None and received > today:
            say("received_on", f"受理日期{chinese_date(received)}晚于今天")
        year = received.year if received else last_year["received_on"]
        source_text = text("source")
        source = _source(source_text) if source_text else CaseSource.PARTY_APPLICATION.value
        if source is None:
            say("source", f"来源“{source_text}”不在来源表中（可填：{'、'.join(m.label for m in CaseSource)}）")
        type_text = text("dispute_type")
        dtype = _dispute_type(type_text, by_name) if type_text else None
        if not type_text:
            say("dispute_type", "没有填写纠纷类型")
        elif dtype is None:
            say("dispute_type", f"纠纷类型“{type_text}”不在纠纷类型表中（可先在 设置 → 纠纷类型 中添加）")
        parties = _parties(text("parties"), text("id_numbers"), lambda m: say("parties", m),
                           lambda m: say("id_numbers" if mapping.get("id_numbers") is not None else "parties", m))
        summary = text("summary")
        if not summary:
            say("summary", "没有填写纠纷简要情况")
        risk = _risk(text("risk"))
        if risk is None:
            say("risk", f"风险等级“{text('risk')}”不认识（可填：无、黄、橙、红）")
        result_text = text("result")
        status = _status(result_text)
        if status is None:
            say("result", f"化解结果“{result_text}”看不出是调解成功、终止调解还是在办（可写：调解成功 2026-3-5）")
        result_on = _after(received, result_text, parse_date(result_text, year)[0] if result_text else None)
        if result_on is not None and received is not None and result_on < received:
            say("result", f"化解日期{chinese_date(result_on)}早于受理日期")
        amount, problem = parse_amount(_cell(values, mapping, "amount"))
        if problem:
            say("amount", problem)
        closed_on = _after(received, _cell(values, mapping, "closed_on"), a_date("closed_on", year))
        if closed_on is not None:
            if received is not None and closed_on < received:
                say("closed_on", f"销号日期{chinese_date(closed_on)}早于受理日期")
            elif closed_on > today:
                say("closed_on", f"销号日期{chinese_date(closed_on)}晚于今天")
            if status in (CaseStatus.ACCEPTED.value, CaseStatus.IN_MEDIATION.value):
                say("closed_on", "还在调解中的纠纷不能销号（请核对化解结果）")
        confirmation_text = text("confirmation")
        confirmation = _confirmation(confirmation_text)
        if confirmation is False:
            say("confirmation", f"司法确认“{confirmation_text}”不认识（可写：裁定有效、已申请、驳回、撤回或空着）")
        case: dict[str, Any] = {
            "received_on": (received or date(2000, 1, 1)).isoformat(), "source": source or "party_application",
            "dispute_type": dtype or type_text or "-", "summary": summary or "-", "risk_level": risk or "none",
            "status": status or CaseStatus.ACCEPTED.value, "parties": parties,
        }
        code = text("code")
        if code:
            case["code"] = code
        mediators = [n for n in _SPLIT.split(text("mediators")) if n]
        if mediators:
            case["mediators"] = [{"name": n[:100]} for n in mediators]
        form_text = text("agreement_form")
        if status == CaseStatus.AGREED.value:
            agreement: dict[str, Any] = {"form": "oral" if "口头" in form_text else "written"}
            if result_on is not None:
                agreement["signed_on"] = result_on.isoformat()
            else:
                warnings.append(f"第{excel_row}行 {sheet.column_name(mapping.get('result')) or '化解结果'}："
                                "没有写调解成功的日期，协议生效日期空着，请在案件中补上")
            term: dict[str, Any] = {"text": "按调解协议履行（由台账导入，协议内容见原协议书）",
                                    "status": _performance(text("performance"))}
            if amount is not None and amount > 0:
                term["amount"] = f"{amount:.2f}"
                term["text"] = f"按调解协议给付{amount:,.2f}元（由台账导入，协议内容见原协议书）"
            agreement["terms"] = [term]
            case["agreement"] = agreement
            if confirmation:
                jc: dict[str, Any] = {"result": confirmation}
                on, _p = parse_date(confirmation_text, year)
                if on is not None:
                    jc["ruled_on" if confirmation != ConfirmationResult.PENDING.value else "filed_on"] = on.isoformat()
                case["judicial_confirmation"] = jc
        elif confirmation:
            say("confirmation", "没有调解协议的纠纷不能申请司法确认")
        elif form_text or amount:
            warnings.append(f"第{excel_row}行：化解结果不是调解成功，协议形式和金额没有导入")
        if status == CaseStatus.TERMINATED.value:
            case["termination"] = {"reason": f"由台账导入：{result_text}"}
            if result_on is not None:
                case["termination"]["on"] = result_on.isoformat()
        visits_text = text("visits")
        if visits_text and parties and status == CaseStatus.AGREED.value:
            visit_on = _after(received, visits_text, parse_date(visits_text, year)[0])
            visit_on = visit_on or closed_on
            if visit_on is not None:
                visit: dict[str, Any] = {"party": 0, "done_on": visit_on.isoformat(), "notes": visits_text,
                                         "new_risk": False}
                satisfaction = _satisfaction(visits_text)
                if satisfaction:
                    visit["satisfaction"] = satisfaction
                case["follow_ups"] = [visit]
        history = "；".join(x for x in (
            f"化解措施：{text('measures')}" if text("measures") else "",
            f"回访情况：{visits_text}" if visits_text and "follow_ups" not in case else "",
            f"备注：{text('notes')}" if text("notes") else "") if x)
        out.append(_Row(excel_row, case, closed_on, history))
    return out, problems, warnings


def _after(received: date | None, raw: Any, got: date | None) -> date | None:
    """A date written without its year (3月5日) that would fall before the dispute was received
    belongs to the next year (received in December, settled in January)."""
    if got is None or received is None or got >= received or not isinstance(raw, str) or re.search(r"\d{4}", raw):
        return got
    try:
        return got.replace(year=got.year + 1)
    except ValueError:      # 2月29日
        return got


def _parties(names: str, ids: str, say_name: Any, say_id: Any) -> list[dict[str, Any]]:
    if not names:
        say_name("没有填写当事人")
        return []
    parts = [p for p in _SPLIT.split(names) if p]
    id_list = [p for p in _SPLIT.split(ids) if p] if ids else []
    out = []
    for k, part in enumerate(parts):
        number = ""
        m = _IN_BRACKETS.match(part)
        if m:
            part, number = m.group(1).strip(), m.group(2)
        elif k < len(id_list):
            number = id_list[k]
        party: dict[str, Any] = {"role": "applicant" if k == 0 else "respondent",
                                 "kind": "organization" if _ORGANIZATION.search(part) else "person", "name": part[:200]}
        if number and party["kind"] == "person":
            check = check_id_number(IdType.RESIDENT_ID.value, number)
            if check.error:
                say_id(f"{part}的身份证号码{check.error}")
            party["id_type"], party["id_number"] = IdType.RESIDENT_ID.value, check.normalized
        out.append(party)
    if len(id_list) > len(parts):
        say_id(f"身份证号有{len(id_list)}个，当事人只有{len(parts)}位")
    return out


def _problem_line(path: str, message: str, rows: list[_Row], sheet: LedgerSheet, mapping: Mapping) -> str:
    """An exchange problem (“$.cases[3].parties[1].id_number”) said by row and column."""
    m = re.match(r"\$\.cases\[(\d+)\](?:\.(\w+))?(?:\[\d+\]\.(\w+))?", path)
    if not m:
        return message
    row = rows[int(m.group(1))].excel_row
    part, sub = m.group(2), m.group(3)
    key = {"received_on": "received_on", "dispute_type": "dispute_type", "summary": "summary", "code": "code",
           "source": "source", "risk_level": "risk", "mediators": "mediators", "agreement": "result",
           "termination": "result", "follow_ups": "visits", "judicial_confirmation": "confirmation"}.get(part or "")
    if part == "parties":
        key = "id_numbers" if sub == "id_number" and mapping.get("id_numbers") is not None else "parties"
    column = sheet.column_name(mapping.get(key)) if key else ""
    return f"第{row}行 {column or LABELS.get(key or '', '')}：{message}" if key else f"第{row}行：{message}"


def import_sheet(ctx: ServiceContext, services: Services, sheet: LedgerSheet, mapping: Mapping, *,
                 dry_run: bool = False, progress: Progress | None = None,
                 cancelled: CancelCheck | None = None) -> LedgerImportResult:
    """Every row of ``sheet`` as a case, or none (:class:`LedgerImportError`). ``dry_run``
    checks everything, the database's rules included, and writes nothing."""
    from mediator_desktop.services.exchange import FORMAT, VERSION, ExchangeError

    step(progress, cancelled, 0, 0)
    if not sheet.rows:
        raise LedgerImportError(["表格中表头以下没有数据"])
    types = [t.name for t in services.dispute_types.list()]
    rows, problems, warnings = build_cases(sheet, mapping, types, ctx.today())
    if problems:
        raise LedgerImportError(problems)
    org = services.organization.get()
    doc = {"format": FORMAT, "version": VERSION, "organization": {"name": org.name if org else "人民调解委员会"},
           "cases": [r.case for r in rows]}
    crossed = [0]

    def written(s: Session, created: list[str]) -> None:
        ids: dict[str, int] = {}
        for chunk in range(0, len(created), 900):
            ids.update(s.execute(select(orm.Case.code, orm.Case.id)
                                 .where(orm.Case.code.in_(created[chunk:chunk + 900]))).tuples().all())
        now, actor = ctx.now(), ctx.actor.name
        for code, row in zip(created, rows, strict=True):
            case_id = ids[code]
            if row.history:
                ctx.audit(s, "import", "case", case_id, case_id=case_id,
                          text=f"由台账第{row.excel_row}行导入：{row.history}")
            if row.closed_on is None:
                continue
            s.add(orm.LedgerEvent(case_id=case_id, action=LedgerAction.CROSS_OFF.value, on=row.closed_on,
                                  note=f"由台账导入（{Path(sheet.path).name}第{row.excel_row}行）", at=now, actor=actor))
            s.execute(update(orm.Case).where(orm.Case.id == case_id).values(ledger_closed_on=row.closed_on))
            # Crossed off: its follow-up confirmed it already; no visits are planned for it.
            s.execute(delete(orm.FollowUp).where(orm.FollowUp.case_id == case_id, orm.FollowUp.auto.is_(True),
                                                 orm.FollowUp.done_on.is_(None)))
            ctx.audit(s, LedgerAction.CROSS_OFF.value, "ledger", case_id, case_id=case_id,
                      text=f"台账销号（{chinese_date(row.closed_on)}）：由台账导入")
            crossed[0] += 1
        ctx.audit(s, "import", "ledger", None, text=f"导入台账{Path(sheet.path).name}：{len(created)}件", rows=len(created))
        if dry_run:
            raise _DryRun()

    if not dry_run:
        services.backups.before_import()
    try:
        result = services.exchange.import_document(doc, progress=progress, cancelled=cancelled, on_written=written)
    except _DryRun:
        return LedgerImportResult([f"第{r.excel_row}行" for r in rows], crossed[0], dry_run=True, warnings=warnings)
    except ExchangeError as exc:
        raise LedgerImportError([_problem_line(p.path, p.message, rows, sheet, mapping) for p in exc.problems]) from exc
    planned = result.visits_planned
    hints = [_problem_line(h.split("：", 1)[0], h.split("：", 1)[1], rows, sheet, mapping) if "：" in h else h
             for h in result.hints]
    warnings += [_problem_line(w.split("：", 1)[0], w.split("：", 1)[1], rows, sheet, mapping) if "：" in w else w
                 for w in result.warnings]
    return LedgerImportResult(result.created, crossed[0], warnings=warnings, hints=hints, visits_planned=planned)


def mapping_from_json(data: dict[str, Any], sheet: LedgerSheet) -> Mapping:
    """The mapping of a --mapping file: ``{"columns": {"受理日期": "C", "当事人": "当事人姓名",
    "身份证号": 7, "备注": null}}`` — a field by its key or title, a column by letter, header text
    or 1-based number; fields not named keep the proposed column."""
    mapping = dict(sheet.proposed)
    columns = data.get("columns", data)
    if not isinstance(columns, dict):
        raise ServiceError("对应文件应是 {\"columns\": {\"受理日期\": \"C\", …}}")
    keys = {label: key for key, label, _aliases in FIELDS} | {key: key for key, _l, _a in FIELDS}
    for name, column in columns.items():
        key = keys.get(str(name).strip())
        if key is None:
            raise ServiceError(f"对应文件中的“{name}”不是台账的列（可用：{'、'.join(LABELS.values())}）")
        mapping[key] = _column_index(column, sheet, str(name))
    return mapping


def _column_index(column: Any, sheet: LedgerSheet, name: str) -> int | None:
    if column is None or column == "":
        return None
    if isinstance(column, int) and not isinstance(column, bool):
        if 1 <= column <= len(sheet.headers):
            return column - 1
        raise ServiceError(f"“{name}”：表格没有第{column}列")
    text = str(column).strip()
    if text in sheet.headers:
        return sheet.headers.index(text)
    if re.fullmatch(r"[A-Za-z]{1,3}", text):
        from openpyxl.utils import column_index_from_string

        index = int(column_index_from_string(text.upper())) - 1
        if index < len(sheet.headers):
            return index
    raise ServiceError(f"“{name}”：表格中没有“{text}”列")
