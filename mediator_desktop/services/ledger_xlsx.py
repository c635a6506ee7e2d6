"""The ledger as an Excel file (矛盾纠纷排查化解台账, STATISTICS.md §2): one row per dispute
received in the period, in the column order rooms already keep.

The rows are read with one query per table (cases, sessions, agreements with their terms,
visits, terminations, judicial confirmations, state changes, ledger events), never a case at a
time, and written with openpyxl's write-only workbook: 10,000 rows in a few seconds.

当事人 holds names only. ID numbers (and phones, bank cards) a mediator typed into the summary,
the measures or the notes are masked as in a shared export (``domain/identity.py``
``mask_text``) unless the user asks for them in full.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from mediator_desktop.domain.enums import (
    AgreementForm,
    CaseSource,
    CaseStatus,
    ConfirmationResult,
    LedgerAction,
    RiskLevel,
    Satisfaction,
    SessionKind,
    TerminationReason,
    TermKind,
    TermStatus,
)
from mediator_desktop.domain.identity import mask_text
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.services.context import ServiceContext
from mediator_desktop.services.progress import CancelCheck, Progress, replacing_file, step
from mediator_desktop.storage import models as orm

#: The columns of STATISTICS.md §2, in order, with their width in characters.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 6), ("案号", 16), ("受理日期", 11.5), ("来源", 9), ("纠纷类型", 10), ("当事人", 14),
    ("纠纷简要情况", 30), ("风险等级", 6), ("调解员", 9), ("化解措施", 16), ("化解结果", 14),
    ("协议形式", 9), ("协议金额", 12), ("履行情况", 9), ("回访情况", 14), ("司法确认", 13),
    ("销号日期", 11.5), ("备注", 18),
)
HEADERS = tuple(name for name, _width in COLUMNS)
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"
#: Rows between two progress reports (and cancel checks).
STEP = 500


@dataclass
class LedgerRow:
    """One dispute as the ledger shows it (texts already masked when asked)."""

    code: str
    received_on: date
    source: str
    dispute_type: str
    parties: str
    summary: str
    risk: str
    mediators: str
    measures: str
    result: str
    agreement_form: str
    amount: Decimal | None
    performance: str
    visits: str
    confirmation: str
    closed_on: date | None
    notes: str

    def values(self, number: int) -> list[Any]:
        """The row's cells; an empty text is an empty cell (not an empty string)."""
        return [None if v == "" else v for v in self._values(number)]

    def _values(self, number: int) -> list[Any]:
        return [number, self.code, self.received_on, self.source, self.dispute_type, self.parties,
                self.summary, self.risk, self.mediators, self.measures, self.result, self.agreement_form,
                self.amount, self.performance, self.visits, self.confirmation, self.closed_on, self.notes]


@dataclass
class _Parts:
    sessions: dict[str, int] = field(default_factory=dict)
    form: str | None = None
    signed_on: date | None = None
    amount: Decimal | None = None
    term_statuses: list[str] = field(default_factory=list)
    visits_done: list[tuple[date, str | None, bool | None, str]] = field(default_factory=list)
    visits_open: int = 0
    #: Of the open visits, those whose day is past (逾期未回访).
    visits_overdue: int = 0
    termination: tuple[date | None, str | None] | None = None
    confirmation: tuple[date | None, str | None, date | None] | None = None
    ended_on: dict[str, date] = field(default_factory=dict)
    events: list[tuple[str, date, str, str]] = field(default_factory=list)


def _label(enum: Any, value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(enum(value).label)
    except ValueError:
        return value


def read_rows(s: Session, date_from: date, date_to: date, *, full_ids: bool = False,
              today: date | None = None) -> list[LedgerRow]:
    """The ledger's rows: the disputes received from ``date_from`` to ``date_to`` (inclusive), by
    received date and code. ``today``: open visits due before it are shown as overdue."""
    in_period = (orm.Case.received_on >= date_from, orm.Case.received_on <= date_to)
    ids = select(orm.Case.id).where(*in_period)
    parts: dict[int, _Parts] = defaultdict(_Parts)

    def rows(stmt: Select[Any]) -> Any:
        return s.execute(stmt).all()

    for case_id, kind, n in rows(select(orm.MediationSession.case_id, orm.MediationSession.kind, func.count())
                                 .where(orm.MediationSession.case_id.in_(ids),
                                        orm.MediationSession.cancelled.is_(False))
                                 .group_by(orm.MediationSession.case_id, orm.MediationSession.kind)):
        parts[case_id].sessions[kind] = int(n)
    for case_id, form, signed_on, kind, amount, status in rows(
            select(orm.Agreement.case_id, orm.Agreement.form, orm.Agreement.signed_on, orm.AgreementTerm.kind,
                   orm.AgreementTerm.amount, orm.AgreementTerm.status)
            .outerjoin(orm.AgreementTerm, orm.AgreementTerm.agreement_id == orm.Agreement.id)
            .where(orm.Agreement.case_id.in_(ids))):
        p = parts[case_id]
        p.form, p.signed_on = form, signed_on
        if amount is not None:
            p.amount = (p.amount or Decimal(0)) + amount
        if kind is not None and kind != TermKind.STATEMENT.value:
            p.term_statuses.append(status)
    for case_id, done_on, due_on, satisfaction, new_risk, measures in rows(
            select(orm.FollowUp.case_id, orm.FollowUp.done_on, orm.FollowUp.due_on, orm.FollowUp.satisfaction,
                   orm.FollowUp.new_risk, orm.FollowUp.measures).where(orm.FollowUp.case_id.in_(ids))):
        if done_on is None:
            parts[case_id].visits_open += 1
            if today is not None and due_on is not None and due_on < today:
                parts[case_id].visits_overdue += 1
        else:
            parts[case_id].visits_done.append((done_on, satisfaction, new_risk, measures or ""))
    for case_id, on, reason_kind in rows(select(orm.Termination.case_id, orm.Termination.on, orm.Termination.reason_kind)
                                         .where(orm.Termination.case_id.in_(ids))):
        parts[case_id].termination = (on, reason_kind)
    for case_id, filed_on, result, ruled_on in rows(
            select(orm.JudicialConfirmation.case_id, orm.JudicialConfirmation.filed_on,
                   orm.JudicialConfirmation.result, orm.JudicialConfirmation.ruled_on)
            .where(orm.JudicialConfirmation.case_id.in_(ids))):
        parts[case_id].confirmation = (filed_on, result, ruled_on)
    for case_id, to_status, at in rows(
            select(orm.StatusChange.case_id, orm.StatusChange.to_status, func.max(orm.StatusChange.at))
            .where(orm.StatusChange.case_id.in_(ids),
                   orm.StatusChange.to_status.in_([CaseStatus.NOT_ACCEPTED.value, CaseStatus.REFUSED.value]))
            .group_by(orm.StatusChange.case_id, orm.StatusChange.to_status)):
        parts[case_id].ended_on[to_status] = at.date() if hasattr(at, "date") else at
    for case_id, action, on, note, actor in rows(
            select(orm.LedgerEvent.case_id, orm.LedgerEvent.action, orm.LedgerEvent.on, orm.LedgerEvent.note,
                   orm.LedgerEvent.actor).where(orm.LedgerEvent.case_id.in_(ids)).order_by(orm.LedgerEvent.id)):
        parts[case_id].events.append((action, on, note or "", actor or ""))

    mask = (lambda text: text) if full_ids else mask_text
    out = []
    for r in rows(select(orm.Case.id, orm.Case.code, orm.Case.received_on, orm.Case.source, orm.DisputeType.name,
                         orm.Case.party_names, orm.Case.summary, orm.Case.risk_level, orm.Case.mediator_names,
                         orm.Case.status, orm.Case.ledger_closed_on)
                  .join(orm.DisputeType, orm.DisputeType.id == orm.Case.dispute_type_id)
                  .where(*in_period)
                  .order_by(orm.Case.received_on, orm.Case.code_year, orm.Case.code_n, orm.Case.id)):
        p = parts.get(r.id) or _Parts()
        out.append(LedgerRow(
            code=r.code, received_on=r.received_on, source=_label(CaseSource, r.source), dispute_type=r.name,
            parties=r.party_names, summary=mask(r.summary), risk=_label(RiskLevel, r.risk_level),
            mediators=r.mediator_names, measures=mask(_measures(p)), result=_result(r.status, p),
            agreement_form=_label(AgreementForm, p.form), amount=p.amount, performance=_performance(p),
            visits=_visits(p), confirmation=_confirmation(p), closed_on=r.ledger_closed_on,
            notes=mask(_notes(p))))
    return out


def _measures(p: _Parts) -> str:
    held = [f"{SessionKind(kind).label}{n}次" for kind, n in sorted(p.sessions.items(), reverse=True)
            if kind in SessionKind.__members__.values()]
    lines = ["组织" + "、".join(held)] if held else []
    taken = [m for _on, _sat, _risk, m in sorted(p.visits_done, key=lambda v: v[0]) if m.strip()]
    if taken:
        lines.append("回访后：" + taken[-1].strip().replace("\n", "；"))
    return "；".join(lines)


def _result(status: str, p: _Parts) -> str:
    """化解结果: the state and its date."""
    def dated(label: str, on: date | None) -> str:
        return f"{label}（{chinese_date(on)}）" if on else label

    closed = status == CaseStatus.CLOSED.value
    if p.signed_on is not None and status in (CaseStatus.AGREED.value, CaseStatus.CLOSED.value):
        text = dated(CaseStatus.AGREED.label, p.signed_on)
    elif p.termination is not None:
        on, kind = p.termination
        text = dated(CaseStatus.TERMINATED.label, on) + (f"：{_label(TerminationReason, kind)}" if kind else "")
    elif CaseStatus.NOT_ACCEPTED.value in p.ended_on:
        text = dated(CaseStatus.NOT_ACCEPTED.label, p.ended_on[CaseStatus.NOT_ACCEPTED.value])
    elif CaseStatus.REFUSED.value in p.ended_on:
        text = dated(CaseStatus.REFUSED.label, p.ended_on[CaseStatus.REFUSED.value])
    else:
        return "已受理" if status == CaseStatus.ACCEPTED.value else _label(CaseStatus, status)
    return text + ("，已归档" if closed else "")


def _performance(p: _Parts) -> str:
    statuses = p.term_statuses
    if not statuses:
        return ""
    if all(x == TermStatus.PERFORMED.value for x in statuses):
        return TermStatus.PERFORMED.label
    if any(x in (TermStatus.PERFORMED.value, TermStatus.PARTLY_PERFORMED.value) for x in statuses):
        return TermStatus.PARTLY_PERFORMED.label
    if all(x == TermStatus.NOT_PERFORMED.value for x in statuses):
        return TermStatus.NOT_PERFORMED.label
    return TermStatus.PENDING.label


def _visits(p: _Parts) -> str:
    parts = []
    if p.visits_done:
        last = max(p.visits_done, key=lambda v: v[0])
        found = _label(Satisfaction, last[1])
        if last[2]:
            found = "、".join(x for x in (found, "发现风险苗头") if x)
        parts.append(f"已回访{len(p.visits_done)}次" + (f"（{found}）" if found else ""))
    # A visit months overdue is not simply "to do": the ledger says it is late (逾期未回访).
    if p.visits_overdue:
        parts.append(f"逾期未回访{p.visits_overdue}次")
    if p.visits_open > p.visits_overdue:
        parts.append(f"待回访{p.visits_open - p.visits_overdue}次")
    return "；".join(parts)


def _confirmation(p: _Parts) -> str:
    if p.confirmation is None:
        return ""
    filed_on, result, ruled_on = p.confirmation
    if result and result != ConfirmationResult.PENDING.value:
        return _label(ConfirmationResult, result) + (f"（{chinese_date(ruled_on)}）" if ruled_on else "")
    return "已申请" + (f"（{chinese_date(filed_on)}），审查中" if filed_on else "，审查中")


def _notes(p: _Parts) -> str:
    return "；".join(f"{chinese_date(on)}{_label(LedgerAction, action)}（{actor}）" + (f"：{note}" if note else "")
                    for action, on, note, actor in p.events)


@dataclass(frozen=True)
class LedgerFigures:
    """The ledger's monthly figures (STATISTICS.md §2) for a period, in disputes: 本期新增
    (received in it), 本期销号 (crossed off in it), 再挂号 (reopened in it), 期末在册 (received
    by its last day and not crossed off as of that day)."""

    new: int
    crossed_off: int
    reopened: int
    on_books: int

    @property
    def text(self) -> str:
        return (f"本期新增{self.new}件，本期销号{self.crossed_off}件"
                + (f"，再挂号{self.reopened}件" if self.reopened else "") + f"，期末在册{self.on_books}件")


def read_figures(s: Session, date_from: date, date_to: date) -> LedgerFigures:
    """The figures as the statistics table counts them (its 台账 rows; services/statistics.py)."""
    from mediator_desktop.services.statistics import Period, family_ids

    ids = family_ids(s, "ledger", Period(date_from, date_to))
    new, crossed_off, reopened, on_books = (len(set(ids.get(k, ()))) for k in ("new", "crossed_off", "reopened",
                                                                               "on_register"))
    return LedgerFigures(new, crossed_off, reopened, on_books)


def _ledger_cell_class() -> Any:
    """A cell whose style is registered once per column (openpyxl looks each cell's style up in
    the workbook's list again as it writes it: a sixth of the export)."""
    from openpyxl.cell.cell import Cell

    class LedgerCell(Cell):  # type: ignore[misc]
        __slots__ = ("_style_id",)

        @property
        def style_id(self) -> int:
            return int(self._style_id)

        @property
        def has_style(self) -> bool:
            return True

    return LedgerCell


def period_text(date_from: date, date_to: date) -> str:
    return f"{chinese_date(date_from)}至{chinese_date(date_to)}"


def export_ledger(ctx: ServiceContext, path: str | Path, date_from: date, date_to: date, *, full_ids: bool = False,
                  progress: Progress | None = None, cancelled: CancelCheck | None = None) -> int:
    """Write the ledger to ``path`` (.xlsx); returns the number of disputes. A cancelled or
    failed export leaves no file; the export is audited (who took which period, and whether
    with full ID numbers)."""
    step(progress, cancelled, 0, 0)
    with ctx.db.read() as s:
        org = s.scalars(select(orm.Organization).order_by(orm.Organization.id)).first()
        rows = read_rows(s, date_from, date_to, full_ids=full_ids, today=ctx.today())
        figures = read_figures(s, date_from, date_to)
    title = f"{org.name if org else ''}矛盾纠纷排查化解台账"
    with replacing_file(path) as out:
        write_workbook(out, title, period_text(date_from, date_to), rows, progress, cancelled, today=ctx.today(),
                       figures=figures)
    with ctx.db.write() as s:
        ctx.audit(s, "export", "ledger", None, text=f"导出台账（{period_text(date_from, date_to)}，{len(rows)}件"
                  + ("，含完整身份证号" if full_ids else "") + "）", full_ids=full_ids,
                  date_from=date_from.isoformat(), date_to=date_to.isoformat())
    return len(rows)


def write_workbook(out: Any, title: str, period: str, rows: list[LedgerRow], progress: Progress | None = None,
                   cancelled: CancelCheck | None = None, *, today: date | None = None,
                   figures: LedgerFigures | None = None) -> None:
    """The workbook: a title and a period line over the header, the header frozen and printed
    on every page, A4 landscape one page wide, dates and amounts as Excel dates and numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    last = get_column_letter(len(COLUMNS))
    for k, (_name, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(k)].width = width + 1.5
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")

    def cell(value: Any, **style: Any) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=value)
        for key, v in style.items():
            setattr(c, key, v)
        return c

    heading = cell(title, font=Font(name="宋体", size=16, bold=True),
                   alignment=Alignment(horizontal="center", vertical="center"))
    ws.row_dimensions[1].height = 30
    ws.append([heading])
    made = f"　导出日期：{chinese_date(today)}" if today else ""
    counts = f"（{figures.text}）" if figures is not None else ""
    ws.append([cell(f"期间：{period}　共{len(rows)}件{counts}{made}", font=Font(name="宋体", size=11),
                    alignment=Alignment(horizontal="center"))])
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font, head_fill = Font(name="宋体", size=11, bold=True), PatternFill("solid", fgColor="DDE4EE")
    head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append([cell(name, font=head_font, fill=head_fill, alignment=head_align, border=border) for name in HEADERS])
    # One styled template cell per column: each row's cells copy its style ids (setting a font,
    # a border and an alignment on every cell looks each one up again, most of the time spent).
    font = Font(name="宋体", size=10)
    wrap = Alignment(vertical="top", wrap_text=True)
    centred = Alignment(horizontal="center", vertical="top", wrap_text=True)
    date_columns, amount_column, centred_columns = {2, 16}, 12, {0, 7, 11, 13}
    templates = []
    for col in range(len(COLUMNS)):
        t = cell(None, font=font, border=border)
        if col in date_columns:
            t.number_format, t.alignment = DATE_FORMAT, centred
        elif col == amount_column:
            t.number_format, t.alignment = AMOUNT_FORMAT, Alignment(horizontal="right", vertical="top")
        else:
            t.alignment = centred if col in centred_columns else wrap
        templates.append(t._style)
    total = len(rows)
    ids = [wb._cell_styles.add(style) for style in templates]
    cell_class = _ledger_cell_class()

    def as_cells(values: list[Any], row_idx: int) -> Any:
        # The data rows are our own styled cells: handed to the writer as they are (openpyxl's
        # own path tries each cell as a value first and fails into an exception, per cell).
        for col_idx, c in enumerate(values, 1):
            c.column, c.row = col_idx, row_idx
            yield c

    plain_rows = ws._values_to_row
    ws._values_to_row = as_cells
    for k, row in enumerate(rows):
        if k % STEP == 0:
            step(progress, cancelled, k, total)
        line = []
        for value, style, style_id in zip(row.values(k + 1), templates, ids, strict=True):
            c = cell_class(ws, value=float(value) if isinstance(value, Decimal) else value)
            c._style, c._style_id = style, style_id      # shared, never changed
            line.append(c)
        ws.append(line)
    ws._values_to_row = plain_rows
    step(progress, cancelled, total, total)
    wb.save(out)
