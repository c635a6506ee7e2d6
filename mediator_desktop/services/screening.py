"""The screening log (排查, STATISTICS.md §3).

Rooms and grid workers screen their area regularly. A round (:class:`ScreeningRound`) records
the date, the area (村/组/网格), who screened and what was found: 0…n items. A round with nothing
found is a nil report (零报告) and says so; a round that found something is not one.

Each found item (:class:`ScreeningItem`, a potential dispute: parties — perhaps unnamed —, type,
summary, risk level) then goes one of three ways (``ScreeningOutcome``):

- 转为案件: the normal intake opens with the item's facts (:meth:`ScreeningService.case_draft`);
  when the mediator saves it, :meth:`ScreeningService.link_case` links the new case;
- 预防纠纷: settled or prevented on the spot, with the date and a note (required);
- 移交处理: referred elsewhere, with the date and to whom.

The figures of the statistics table (STATISTICS.md §1 排查) are counted here from the same
tables; see :meth:`ScreeningService.figures` for exactly what each one counts.

How often a room screens is LOCAL (default twice a month, setting ``screening.per_month``):
:func:`screening_period` cuts each month into that many periods, and the today view reminds
(本期尚未排查) while the current period has no round.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from mediator_desktop.domain.enums import CaseSource, RiskLevel, ScreeningOutcome
from mediator_desktop.domain.text import chinese_date, shorten
from mediator_desktop.services.context import Service, ServiceContext, load_row
from mediator_desktop.services.dto import CaseDraft
from mediator_desktop.services.errors import (
    FieldProblem,
    NotFoundError,
    TransitionError,
    ValidationError,
)
from mediator_desktop.services.field_checks import checked_day, checked_text
from mediator_desktop.storage.models import Case, DisputeType, Organization, ScreeningItem, ScreeningRound

#: Default of the LOCAL setting: rounds expected per month (STATISTICS.md §3: twice a month).
DEFAULT_PER_MONTH = 2
#: Longest texts accepted (the columns' sizes).
AREA_CHARS = 200
SCREENERS_CHARS = 300
PARTIES_CHARS = 500
REFERRED_CHARS = 200
TEXT_CHARS = 5000


def per_month(ctx: ServiceContext) -> int:
    """Rounds expected per month on this PC (0: no reminder); set from the settings by the app."""
    value = getattr(ctx, "screening_per_month", DEFAULT_PER_MONTH)
    return value if isinstance(value, int) and value >= 0 else DEFAULT_PER_MONTH


def screening_period(day: date, rounds_per_month: int) -> tuple[date, date]:
    """The screening period ``day`` falls in: its month cut into ``rounds_per_month`` parts of
    (nearly) equal length. Twice a month: the 1st–15th and the 16th–end (16th–31st … of a
    31-day month the first part is 1st–16th); 31 or more: every day is its own period."""
    n = max(1, min(rounds_per_month, 31))
    days = calendar.monthrange(day.year, day.month)[1]
    n = min(n, days)
    part = (day.day - 1) * n // days
    first = next(d for d in range(1, days + 1) if (d - 1) * n // days == part)
    last = max(d for d in range(1, days + 1) if (d - 1) * n // days == part)
    return day.replace(day=first), day.replace(day=last)


# -- data passed in and out -----------------------------------------------------------------------


@dataclass
class ItemDraft:
    """One found item as the round dialog holds it; ``id`` for an item already saved (its
    outcome stays as it is)."""

    parties: str = ""
    dispute_type_id: int | None = None
    summary: str = ""
    risk_level: str = RiskLevel.NONE.value
    id: int | None = None


@dataclass
class RoundDraft:
    held_on: date | None = None
    area: str = ""
    screeners: str = ""
    nil_report: bool = False
    note: str = ""
    items: list[ItemDraft] = field(default_factory=list)
    #: The round's version the dialog was opened on (a save over another PC's is refused).
    version: int | None = None


@dataclass(frozen=True)
class ItemView:
    id: int
    round_id: int
    position: int
    parties: str
    dispute_type_id: int | None
    dispute_type: str
    summary: str
    risk_level: str
    outcome: str
    outcome_on: date | None
    outcome_note: str
    referred_to: str
    case_id: int | None
    case_code: str
    version: int

    @property
    def open(self) -> bool:
        return self.outcome == ScreeningOutcome.OPEN.value

    @property
    def outcome_text(self) -> str:
        """待处理 / 转为案件（案号） / 预防纠纷（日期：说明） / 移交处理（移交给谁）."""
        label = ScreeningOutcome(self.outcome).label
        if self.outcome == ScreeningOutcome.CASE.value:
            return f"{label}（{self.case_code}）" if self.case_code else label
        if self.outcome == ScreeningOutcome.PREVENTED.value:
            return f"{label}（{chinese_date(self.outcome_on)}：{shorten(self.outcome_note, 30)}）"
        if self.outcome == ScreeningOutcome.REFERRED.value:
            return f"{label}（{chinese_date(self.outcome_on)}移交{self.referred_to}）"
        return label

    def to_draft(self) -> ItemDraft:
        return ItemDraft(self.parties, self.dispute_type_id, self.summary, self.risk_level, self.id)


@dataclass(frozen=True)
class RoundView:
    id: int
    held_on: date
    area: str
    screeners: str
    nil_report: bool
    note: str
    items: tuple[ItemView, ...]
    actor: str
    version: int

    def to_draft(self) -> RoundDraft:
        return RoundDraft(self.held_on, self.area, self.screeners, self.nil_report, self.note,
                          [i.to_draft() for i in self.items], self.version)


@dataclass(frozen=True)
class RoundRow:
    """One line of the list of rounds."""

    id: int
    held_on: date
    area: str
    screeners: str
    nil_report: bool
    found: int
    open: int
    to_case: int
    prevented: int
    referred: int

    @property
    def result_text(self) -> str:
        if self.nil_report:
            return "零报告"
        parts = [f"发现{self.found}件"]
        for n, label in ((self.to_case, "转案件"), (self.prevented, "预防"), (self.referred, "移交"),
                         (self.open, "待处理")):
            if n:
                parts.append(f"{label}{n}")
        return "，".join(parts)


@dataclass(frozen=True)
class ScreeningFigures:
    """The screening figures of a period (STATISTICS.md §1 排查), with the rows behind each."""

    rounds: int                    # 排查次数
    found: int                     # 排查发现纠纷数
    prevented: int                 # 预防纠纷数
    to_case: int                   # of those found, 转为案件 (by the round's date)
    referred: int                  # of those found, 移交处理 (by the round's date)
    round_ids: tuple[int, ...]
    found_ids: tuple[int, ...]
    prevented_ids: tuple[int, ...]


# -- the service ------------------------------------------------------------------------------------


class ScreeningService(Service):

    # reads

    def rounds(self, start: date | None = None, end: date | None = None) -> list[RoundRow]:
        """The rounds held from ``start`` to ``end`` (inclusive; None: open), newest first."""
        with self.ctx.db.read() as s:
            stmt = select(ScreeningRound.id, ScreeningRound.held_on, ScreeningRound.area,
                          ScreeningRound.screeners, ScreeningRound.nil_report)
            if start is not None:
                stmt = stmt.where(ScreeningRound.held_on >= start)
            if end is not None:
                stmt = stmt.where(ScreeningRound.held_on <= end)
            rounds = s.execute(stmt.order_by(ScreeningRound.held_on.desc(), ScreeningRound.id.desc())).all()
            ids = [r[0] for r in rounds]
            outcomes: dict[int, dict[str, int]] = {i: {} for i in ids}
            for k in range(0, len(ids), 5000):
                for rid, outcome, n in s.execute(
                        select(ScreeningItem.round_id, ScreeningItem.outcome, func.count(ScreeningItem.id))
                        .where(ScreeningItem.round_id.in_(ids[k:k + 5000]))
                        .group_by(ScreeningItem.round_id, ScreeningItem.outcome)):
                    outcomes[rid][outcome] = n
        return [RoundRow(rid, held_on, area, screeners, bool(nil), sum(outcomes[rid].values()),
                         outcomes[rid].get(ScreeningOutcome.OPEN.value, 0),
                         outcomes[rid].get(ScreeningOutcome.CASE.value, 0),
                         outcomes[rid].get(ScreeningOutcome.PREVENTED.value, 0),
                         outcomes[rid].get(ScreeningOutcome.REFERRED.value, 0))
                for rid, held_on, area, screeners, nil in rounds]

    def get(self, round_id: int) -> RoundView:
        with self.ctx.db.read() as s:
            return self._view(s, self._round(s, round_id))

    def item(self, item_id: int) -> ItemView:
        with self.ctx.db.read() as s:
            item = self._item(s, item_id)
            return self._item_view(s, item, self._type_names(s), self._case_codes(s, [item]))

    def last_round_on(self) -> date | None:
        """The date of the latest round recorded (None: none yet)."""
        with self.ctx.db.read() as s:
            last: date | None = s.scalar(select(func.max(ScreeningRound.held_on)))
            return last

    def figures(self, start: date, end: date) -> ScreeningFigures:
        """The screening figures of the period ``start``–``end`` (inclusive), as the statistics
        table counts them (STATISTICS.md §1: a figure is counted by the date it belongs to):

        - 排查次数 (``rounds``): rounds whose date (``ScreeningRound.held_on``) lies in the
          period, nil reports (零报告) included;
        - 排查发现纠纷数 (``found``): items of those rounds, whatever became of them (an item
          belongs to its round's date);
        - 预防纠纷数 (``prevented``): items marked 预防纠纷 (``outcome == 'prevented'``) whose
          outcome date (``ScreeningItem.outcome_on``, else the round's) lies in the period — the
          date of the outcome, like every outcome of the table — whatever the round's date;
        - ``to_case`` and ``referred``: of the items found in the period, those that became a
          case or were referred (so far).
        """
        from mediator_desktop.services.statistics import Period, family_ids

        with self.ctx.db.read() as s:
            ids = family_ids(s, "screening", Period(start, end))   # the statistics table's own rows
            round_ids, found_ids, prevented = (ids.get(k, ()) for k in ("rounds", "found", "prevented"))
            outcomes = dict(s.execute(select(ScreeningItem.id, ScreeningItem.outcome)
                                      .where(ScreeningItem.id.in_(found_ids))).tuples().all()) if found_ids else {}
        return ScreeningFigures(
            rounds=len(round_ids), found=len(found_ids), prevented=len(prevented),
            to_case=sum(1 for o in outcomes.values() if o == ScreeningOutcome.CASE.value),
            referred=sum(1 for o in outcomes.values() if o == ScreeningOutcome.REFERRED.value),
            round_ids=round_ids, found_ids=found_ids, prevented_ids=prevented)

    def round_count(self, start: date, end: date) -> int:
        """排查次数 of the period (see :meth:`figures`)."""
        return self.figures(start, end).rounds

    def found_count(self, start: date, end: date) -> int:
        """排查发现纠纷数 of the period (see :meth:`figures`)."""
        return self.figures(start, end).found

    def prevented_count(self, start: date, end: date) -> int:
        """预防纠纷数 of the period (see :meth:`figures`)."""
        return self.figures(start, end).prevented

    def current_period(self, today: date | None = None) -> tuple[date, date] | None:
        """The screening period of ``today`` (None when this PC expects no regular rounds)."""
        n = per_month(self.ctx)
        return screening_period(today or self.ctx.today(), n) if n else None

    def case_draft(self, item_id: int) -> CaseDraft:
        """转为案件: the intake prefilled with the item's facts (the mediator completes the
        parties and the rest, and saves; then :meth:`link_case`)."""
        with self.ctx.db.read() as s:
            item = self._open_item(s, item_id)
            rnd = self._round(s, item.round_id)
            type_name = self._type_names(s).get(item.dispute_type_id or 0, "")
        found = f"{chinese_date(rnd.held_on)}在{rnd.area}排查发现"
        found += f"（排查人：{rnd.screeners}）" if rnd.screeners else ""
        parties = f"当事人：{item.parties}。" if item.parties.strip() else ""
        return CaseDraft(
            received_on=self.ctx.today(), source=CaseSource.COMMITTEE_INITIATIVE.value, dispute_type=type_name,
            title=shorten(f"{item.parties.strip()}{type_name}".strip() or item.summary.strip(), 40),
            summary=f"{item.summary.strip()}\n（{found}。{parties}）".strip(),
            risk_level=item.risk_level if item.risk_level in RiskLevel.__members__.values() else RiskLevel.NONE.value,
            recorder=self.ctx.actor.name)

    # writes

    def save(self, round_id: int | None, draft: RoundDraft) -> RoundView:
        """Record a new round (``round_id`` None) or correct one. Items drafted with an ``id``
        are updated (their outcome stays); items left out are removed — except one that
        already became a case, was prevented or referred, which is refused."""
        with self.ctx.db.write() as s:
            rnd = None if round_id is None else self._round(s, round_id, draft.version)
            values = self._validate(s, draft, rnd)
            if rnd is None:
                rnd = ScreeningRound(organization_id=self._organization_id(s), created_at=self.ctx.now(),
                                     actor=self.ctx.actor.name)
                s.add(rnd)
            rnd.held_on, rnd.area, rnd.screeners, rnd.note = values
            rnd.nil_report = bool(draft.nil_report)
            kept = {d.id for d in draft.items if d.id is not None}
            for old in list(rnd.items):
                if old.id not in kept:
                    rnd.items.remove(old)
            existing = {i.id: i for i in rnd.items}
            items = []
            for k, d in enumerate(draft.items):
                row = existing.get(d.id) if d.id is not None else None
                if row is None:
                    row = ScreeningItem(outcome=ScreeningOutcome.OPEN.value, outcome_note="", referred_to="")
                row.position, row.parties, row.dispute_type_id = k, d.parties.strip(), d.dispute_type_id
                row.summary, row.risk_level = d.summary.strip(), d.risk_level
                items.append(row)
            rnd.items[:] = items
            s.flush()
            new = round_id is None
            what = "零报告" if rnd.nil_report else f"发现纠纷{len(items)}件"
            self.ctx.audit(s, "create" if new else "update", "screening_round", rnd.id,
                           text=f"{'记录' if new else '修改'}排查：{chinese_date(rnd.held_on)} {rnd.area}，{what}")
            return self._view(s, rnd)

    def delete(self, round_id: int, *, version: int | None = None) -> None:
        """Remove a round recorded by mistake; refused while one of its items became a case."""
        with self.ctx.db.write() as s:
            rnd = self._round(s, round_id, version)
            if any(i.outcome == ScreeningOutcome.CASE.value for i in rnd.items):
                raise TransitionError("本次排查中有纠纷已转为案件，不能删除")
            self.ctx.audit(s, "delete", "screening_round", rnd.id,
                           text=f"删除排查记录：{chinese_date(rnd.held_on)} {rnd.area}")
            s.delete(rnd)

    def prevent(self, item_id: int, on: date | None, note: str, *, version: int | None = None) -> ItemView:
        """预防纠纷: the item was settled or prevented on the spot (date and note required)."""
        with self.ctx.db.write() as s:
            item = self._open_item(s, item_id, version)
            rnd = self._round(s, item.round_id)
            p = self._outcome_date(on, rnd.held_on)
            if not note.strip():
                p.append(FieldProblem("note", "请填写“预防情况”：怎样化解或防止的"))
            elif len(note.strip()) > TEXT_CHARS:
                p.append(FieldProblem("note", f"“预防情况”不能超过{TEXT_CHARS}个字"))
            if p:
                raise ValidationError(p)
            assert on is not None
            item.outcome, item.outcome_on, item.outcome_note = ScreeningOutcome.PREVENTED.value, on, note.strip()
            s.flush()
            self.ctx.audit(s, "prevent", "screening_item", item.id,
                           text=f"排查发现的纠纷（{item.parties or shorten(item.summary, 20)}）已预防化解：{note.strip()}")
            return self._item_view(s, item, self._type_names(s), {})

    def refer(self, item_id: int, on: date | None, to: str, note: str = "", *,
              version: int | None = None) -> ItemView:
        """移交处理: the item was referred to ``to`` (another committee, a department…)."""
        with self.ctx.db.write() as s:
            item = self._open_item(s, item_id, version)
            rnd = self._round(s, item.round_id)
            p = self._outcome_date(on, rnd.held_on)
            if not to.strip():
                p.append(FieldProblem("referred_to", "请填写“移交给”：接收的单位或部门"))
            elif len(to.strip()) > REFERRED_CHARS:
                p.append(FieldProblem("referred_to", f"“移交给”不能超过{REFERRED_CHARS}个字"))
            if len(note.strip()) > TEXT_CHARS:
                p.append(FieldProblem("note", f"“说明”不能超过{TEXT_CHARS}个字"))
            if p:
                raise ValidationError(p)
            assert on is not None
            item.outcome, item.outcome_on = ScreeningOutcome.REFERRED.value, on
            item.referred_to, item.outcome_note = to.strip(), note.strip()
            s.flush()
            self.ctx.audit(s, "refer", "screening_item", item.id,
                           text=f"排查发现的纠纷（{item.parties or shorten(item.summary, 20)}）移交{to.strip()}")
            return self._item_view(s, item, self._type_names(s), {})

    def link_case(self, item_id: int, case_id: int, *, version: int | None = None) -> ItemView:
        """转为案件: link the case registered from the item (:meth:`case_draft`)."""
        with self.ctx.db.write() as s:
            item = self._open_item(s, item_id, version)
            case = s.get(Case, case_id)
            if case is None:
                raise NotFoundError("找不到这个案件，可能已被删除")
            other = s.scalar(select(ScreeningItem.id).where(ScreeningItem.case_id == case_id))
            if other is not None:
                raise TransitionError(f"案件{case.code}已与另一条排查记录关联")
            item.outcome, item.outcome_on, item.case_id = ScreeningOutcome.CASE.value, case.received_on, case.id
            s.flush()
            self.ctx.audit(s, "to_case", "screening_item", item.id, case_id=case.id,
                           text=f"由排查发现的纠纷转为案件{case.code}")
            return self._item_view(s, item, self._type_names(s), {case.id: case.code})

    def reopen(self, item_id: int, *, version: int | None = None) -> ItemView:
        """Undo 预防 or 移交 recorded by mistake (the item is 待处理 again). A case stays linked:
        it is a case now, handled in its own file."""
        with self.ctx.db.write() as s:
            item = self._item(s, item_id, version)
            if item.outcome == ScreeningOutcome.CASE.value:
                raise TransitionError("已转为案件的纠纷不能撤销，请在案件中继续办理")
            if item.outcome == ScreeningOutcome.OPEN.value:
                return self._item_view(s, item, self._type_names(s), {})
            was = ScreeningOutcome(item.outcome).label
            item.outcome, item.outcome_on, item.outcome_note, item.referred_to = ScreeningOutcome.OPEN.value, None, "", ""
            s.flush()
            self.ctx.audit(s, "reopen", "screening_item", item.id, text=f"撤销“{was}”，排查发现的纠纷改为待处理")
            return self._item_view(s, item, self._type_names(s), {})

    # helpers

    def _validate(self, s: Session, d: RoundDraft, rnd: ScreeningRound | None) -> tuple[date, str, str, str]:
        p: list[FieldProblem] = []
        checked_day(p, "held_on", "排查日期", d.held_on, self.ctx.today(), earliest_year=2000)
        for name, label, value, limit in (("area", "排查区域", d.area, AREA_CHARS),
                                          ("screeners", "排查人", d.screeners, SCREENERS_CHARS),
                                          ("note", "备注", d.note, TEXT_CHARS)):
            checked_text(p, name, label, value, limit, required=name != "note")
        if d.nil_report and d.items:
            p.append(FieldProblem("nil_report", "已填写发现的纠纷，不是零报告：请取消“零报告”或删去发现的纠纷"))
        if not d.nil_report and not d.items:
            p.append(FieldProblem("items", "没有发现纠纷时请勾选“零报告”；发现了纠纷请逐条添加"))
        types = set(s.scalars(select(DisputeType.id)))
        owned = {i.id: i for i in rnd.items} if rnd is not None else {}
        for k, item in enumerate(d.items):
            where = f"第{k + 1}条"
            if not item.summary.strip():
                p.append(FieldProblem(f"items[{k}].summary", f"{where}：请填写“纠纷简要情况”"))
            elif len(item.summary.strip()) > TEXT_CHARS:
                p.append(FieldProblem(f"items[{k}].summary", f"{where}：“纠纷简要情况”不能超过{TEXT_CHARS}个字"))
            if len(item.parties.strip()) > PARTIES_CHARS:
                p.append(FieldProblem(f"items[{k}].parties", f"{where}：“当事人”不能超过{PARTIES_CHARS}个字"))
            if item.dispute_type_id is not None and item.dispute_type_id not in types:
                p.append(FieldProblem(f"items[{k}].dispute_type", f"{where}：纠纷类型已不存在，请重新选择"))
            if item.risk_level not in RiskLevel.__members__.values():
                p.append(FieldProblem(f"items[{k}].risk_level", f"{where}：请选择“风险等级”"))
            if item.id is not None and item.id not in owned:
                p.append(FieldProblem(f"items[{k}]", f"{where}：这条纠纷已不在本次排查中，请重新打开"))
        kept = {i.id for i in d.items if i.id is not None}
        for old in owned.values():
            if old.id not in kept and old.outcome != ScreeningOutcome.OPEN.value:
                p.append(FieldProblem("items", f"“{old.parties or shorten(old.summary, 20)}”已"
                                               f"{ScreeningOutcome(old.outcome).label}，不能删除"))
        if p:
            raise ValidationError(p)
        assert d.held_on is not None
        return d.held_on, d.area.strip(), d.screeners.strip(), d.note.strip()

    def _outcome_date(self, on: date | None, held_on: date) -> list[FieldProblem]:
        if on is None:
            return [FieldProblem("on", "请填写日期")]
        if on > self.ctx.today():
            return [FieldProblem("on", "日期不能晚于今天")]
        if on < held_on:
            return [FieldProblem("on", f"日期不能早于排查日期（{chinese_date(held_on)}）")]
        return []

    @staticmethod
    def _organization_id(s: Session) -> int | None:
        org_id: int | None = s.scalar(select(Organization.id).order_by(Organization.id).limit(1))
        return org_id

    @staticmethod
    def _round(s: Session, round_id: int, version: int | None = None) -> ScreeningRound:
        return load_row(s, ScreeningRound, round_id, "找不到这次排查记录，可能已被删除", version,
                        options=[selectinload(ScreeningRound.items)])

    @staticmethod
    def _item(s: Session, item_id: int, version: int | None = None) -> ScreeningItem:
        return load_row(s, ScreeningItem, item_id, "找不到这条排查发现的纠纷，可能已被删除", version)

    def _open_item(self, s: Session, item_id: int, version: int | None = None) -> ScreeningItem:
        item = self._item(s, item_id, version)
        if item.outcome != ScreeningOutcome.OPEN.value:
            raise TransitionError(f"这条纠纷已{ScreeningOutcome(item.outcome).label}，不能再次处理")
        return item

    @staticmethod
    def _type_names(s: Session) -> dict[int, str]:
        return {i: n for i, n in s.execute(select(DisputeType.id, DisputeType.name))}

    @staticmethod
    def _case_codes(s: Session, items: Sequence[ScreeningItem]) -> dict[int, str]:
        ids = [i.case_id for i in items if i.case_id is not None]
        if not ids:
            return {}
        return {i: c for i, c in s.execute(select(Case.id, Case.code).where(Case.id.in_(ids)))}

    @staticmethod
    def _item_view(s: Session, i: ScreeningItem, types: dict[int, str], codes: dict[int, str]) -> ItemView:
        return ItemView(i.id, i.round_id, i.position, i.parties, i.dispute_type_id,
                        types.get(i.dispute_type_id or 0, ""), i.summary, i.risk_level, i.outcome, i.outcome_on,
                        i.outcome_note, i.referred_to, i.case_id, codes.get(i.case_id or 0, ""), i.version)

    def _view(self, s: Session, rnd: ScreeningRound) -> RoundView:
        types, codes = self._type_names(s), self._case_codes(s, rnd.items)
        return RoundView(rnd.id, rnd.held_on, rnd.area, rnd.screeners, rnd.nil_report, rnd.note,
                         tuple(self._item_view(s, i, types, codes) for i in rnd.items), rnd.actor, rnd.version)
