"""Joint case conferences (联席会议 / 会诊) on difficult cases (STATISTICS.md §4).

A conference records its date, place and topic, who took part (name and unit: 镇派出所, 司法所,
村委会…), the case(s) discussed (picked by code), the plan agreed, and the tasks: who does what
by when. Each task not yet done is a deadline: the today view, the agenda, ``mediator-desktop
agenda`` and the .ics list it (``ReminderKind.CONFERENCE_TASK``, 会商任务); marking it done
(:meth:`ConferenceService.set_task_done`) takes it off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediator_desktop.domain.text import chinese_date, shorten
from mediator_desktop.services.context import Service, load_row
from mediator_desktop.services.errors import FieldProblem, ValidationError
from mediator_desktop.services.field_checks import checked_day
from mediator_desktop.storage.models import Case, CaseParty, Conference, ConferenceCase, ConferenceTask, Organization

PLACE_CHARS = 200
TOPIC_CHARS = 300
NAME_CHARS = 100
UNIT_CHARS = 200
TEXT_CHARS = 5000


@dataclass
class Participant:
    name: str = ""
    unit: str = ""


@dataclass
class TaskDraft:
    who: str = ""
    what: str = ""
    due_on: date | None = None
    done_on: date | None = None
    id: int | None = None


@dataclass
class ConferenceDraft:
    held_on: date | None = None
    place: str = ""
    topic: str = ""
    participants: list[Participant] = field(default_factory=list)
    #: The cases discussed, by code (案号).
    case_codes: list[str] = field(default_factory=list)
    plan: str = ""
    tasks: list[TaskDraft] = field(default_factory=list)
    version: int | None = None


@dataclass(frozen=True)
class CaseRef:
    id: int
    code: str
    title: str


@dataclass(frozen=True)
class TaskView:
    id: int
    position: int
    who: str
    what: str
    due_on: date | None
    done_on: date | None
    version: int

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class ConferenceView:
    id: int
    held_on: date
    place: str
    topic: str
    participants: tuple[Participant, ...]
    cases: tuple[CaseRef, ...]
    plan: str
    tasks: tuple[TaskView, ...]
    actor: str
    version: int

    @property
    def participants_text(self) -> str:
        return "、".join(f"{p.name}（{p.unit}）" if p.unit else p.name for p in self.participants)

    def to_draft(self) -> ConferenceDraft:
        return ConferenceDraft(self.held_on, self.place, self.topic,
                               [Participant(p.name, p.unit) for p in self.participants],
                               [c.code for c in self.cases], self.plan,
                               [TaskDraft(t.who, t.what, t.due_on, t.done_on, t.id) for t in self.tasks],
                               self.version)


@dataclass(frozen=True)
class ConferenceRow:
    """One line of the list of conferences."""

    id: int
    held_on: date
    topic: str
    place: str
    case_codes: str
    tasks: int
    open_tasks: int


class ConferenceService(Service):

    # reads

    def conferences(self, start: date | None = None, end: date | None = None, *,
                    case_id: int | None = None) -> list[ConferenceRow]:
        """Conferences held from ``start`` to ``end`` (None: open), or those that discussed the
        case ``case_id``; newest first."""
        with self.ctx.db.read() as s:
            stmt = select(Conference).options(selectinload(Conference.tasks), selectinload(Conference.cases))
            if start is not None:
                stmt = stmt.where(Conference.held_on >= start)
            if end is not None:
                stmt = stmt.where(Conference.held_on <= end)
            if case_id is not None:
                stmt = stmt.where(Conference.id.in_(select(ConferenceCase.conference_id)
                                                    .where(ConferenceCase.case_id == case_id)))
            found = s.scalars(stmt.order_by(Conference.held_on.desc(), Conference.id.desc())).all()
            codes = self._codes(s, {c.case_id for f in found for c in f.cases})
            return [ConferenceRow(f.id, f.held_on, f.topic, f.place,
                                  "、".join(codes.get(c.case_id, "") for c in f.cases),
                                  len(f.tasks), sum(1 for t in f.tasks if t.done_on is None)) for f in found]

    def get(self, conference_id: int) -> ConferenceView:
        with self.ctx.db.read() as s:
            return self._view(s, self._load(s, conference_id))

    def for_documents(self, case_code: str) -> list[dict[str, object]]:
        """The conferences that discussed the case ``case_code``, as the 联席会议记录 form reads
        them (``documents/forms_conference.py``): plain values, dates as ISO strings."""
        with self.ctx.db.read() as s:
            case_id = s.scalar(select(Case.id).where(Case.code == case_code))
            if case_id is None:
                return []
            ids = s.scalars(select(ConferenceCase.conference_id).where(ConferenceCase.case_id == case_id)).all()
            out: list[dict[str, object]] = []
            for conference_id in sorted(set(ids)):
                v = self._view(s, self._load(s, conference_id))
                described = self._described(s, [c.id for c in v.cases])
                out.append({
                    "id": v.id, "held_on": v.held_on.isoformat(), "place": v.place, "topic": v.topic,
                    "participants": [{"name": p.name, "unit": p.unit} for p in v.participants],
                    "cases": [{"code": c.code, "title": c.title, "described": described.get(c.id, c.title)}
                              for c in v.cases], "plan": v.plan,
                    "tasks": [{"who": t.who, "what": t.what, "due_on": t.due_on.isoformat() if t.due_on else None,
                               "done_on": t.done_on.isoformat() if t.done_on else None} for t in v.tasks]})
            return out

    # writes

    def save(self, conference_id: int | None, draft: ConferenceDraft) -> ConferenceView:
        """Record a conference (``conference_id`` None) or correct one; tasks drafted with an
        ``id`` are updated, those left out removed."""
        with self.ctx.db.write() as s:
            conf = None if conference_id is None else self._load(s, conference_id, draft.version)
            case_ids = self._validate(s, draft, conf)
            if conf is None:
                conf = Conference(organization_id=s.scalar(select(Organization.id).order_by(Organization.id).limit(1)),
                                  created_at=self.ctx.now(), actor=self.ctx.actor.name)
                s.add(conf)
            assert draft.held_on is not None
            conf.held_on, conf.place, conf.topic = draft.held_on, draft.place.strip(), draft.topic.strip()
            conf.plan = draft.plan.strip()
            conf.participants = [{"name": p.name.strip(), "unit": p.unit.strip()} for p in draft.participants
                                 if p.name.strip() or p.unit.strip()]
            old_cases = {c.case_id: c for c in conf.cases}
            conf.cases[:] = [old_cases.get(cid) or ConferenceCase(case_id=cid) for cid in case_ids]
            existing = {t.id: t for t in conf.tasks}
            tasks = []
            for k, d in enumerate(draft.tasks):
                row = existing.get(d.id) if d.id is not None else None
                if row is None:
                    row = ConferenceTask()
                row.position, row.who, row.what, row.due_on = k, d.who.strip(), d.what.strip(), d.due_on
                row.done_on = d.done_on
                tasks.append(row)
            conf.tasks[:] = tasks
            s.flush()
            new = conference_id is None
            text = f"{'记录' if new else '修改'}联席会议：{chinese_date(conf.held_on)} {conf.topic}"
            self.ctx.audit(s, "create" if new else "update", "conference", conf.id, text=text)
            for cid in case_ids:   # shown in each case's history
                self.ctx.audit(s, "conference", "case", cid, case_id=cid, text=text)
            return self._view(s, conf)

    def delete(self, conference_id: int, *, version: int | None = None) -> None:
        with self.ctx.db.write() as s:
            conf = self._load(s, conference_id, version)
            self.ctx.audit(s, "delete", "conference", conf.id,
                           text=f"删除联席会议记录：{chinese_date(conf.held_on)} {conf.topic}")
            s.delete(conf)

    def set_task_done(self, task_id: int, done_on: date | None, *, version: int | None = None) -> TaskView:
        """Mark a task done on ``done_on`` (None: not done after all); a done task is no longer
        a reminder."""
        with self.ctx.db.write() as s:
            task = load_row(s, ConferenceTask, task_id, "找不到这项任务，可能已被删除", version)
            if done_on is not None and done_on > self.ctx.today():
                raise ValidationError([FieldProblem("done_on", "完成日期不能晚于今天")])
            task.done_on = done_on
            s.flush()
            what = shorten(task.what, 30)
            self.ctx.audit(s, "task_done" if done_on else "task_reopen", "conference_task", task.id,
                           text=f"会商任务“{task.who}：{what}”" + (f"已于{chinese_date(done_on)}完成" if done_on
                                                              else "改为未完成"))
            return _task_view(task)

    # helpers

    def _validate(self, s: Session, d: ConferenceDraft, conf: Conference | None) -> list[int]:
        p: list[FieldProblem] = []
        checked_day(p, "held_on", "会议日期", d.held_on, self.ctx.today(), after_today="（会后再记录）")
        for name, label, value, limit, required in (("topic", "议题", d.topic, TOPIC_CHARS, True),
                                                    ("place", "地点", d.place, PLACE_CHARS, False),
                                                    ("plan", "商定的方案", d.plan, TEXT_CHARS, False)):
            if required and not value.strip():
                p.append(FieldProblem(name, f"请填写“{label}”"))
            elif len(value.strip()) > limit:
                p.append(FieldProblem(name, f"“{label}”不能超过{limit}个字"))
        people = [x for x in d.participants if x.name.strip() or x.unit.strip()]
        if not people:
            p.append(FieldProblem("participants", "请填写参加人员（姓名和单位）"))
        for k, x in enumerate(d.participants):
            if (x.unit.strip() and not x.name.strip()) or len(x.name.strip()) > NAME_CHARS:
                p.append(FieldProblem(f"participants[{k}].name", f"第{k + 1}位参加人员：请填写姓名（{NAME_CHARS}字以内）"))
            if len(x.unit.strip()) > UNIT_CHARS:
                p.append(FieldProblem(f"participants[{k}].unit", f"第{k + 1}位参加人员：单位不能超过{UNIT_CHARS}个字"))
        case_ids: list[int] = []
        codes = [c.strip() for c in d.case_codes if c.strip()]
        found = {c: i for c, i in s.execute(select(Case.code, Case.id).where(Case.code.in_(codes)))} if codes else {}
        for code in codes:
            if code not in found:
                p.append(FieldProblem("case_codes", f"找不到案号为“{code}”的案件"))
            elif found[code] not in case_ids:
                case_ids.append(found[code])
        owned = {t.id for t in conf.tasks} if conf is not None else set()
        for k, t in enumerate(d.tasks):
            where = f"第{k + 1}项任务"
            if not t.who.strip():
                p.append(FieldProblem(f"tasks[{k}].who", f"{where}：请填写“由谁负责”"))
            elif len(t.who.strip()) > NAME_CHARS:
                p.append(FieldProblem(f"tasks[{k}].who", f"{where}：“由谁负责”不能超过{NAME_CHARS}个字"))
            if not t.what.strip():
                p.append(FieldProblem(f"tasks[{k}].what", f"{where}：请填写“做什么”"))
            elif len(t.what.strip()) > TEXT_CHARS:
                p.append(FieldProblem(f"tasks[{k}].what", f"{where}：“做什么”不能超过{TEXT_CHARS}个字"))
            if t.due_on is None:
                p.append(FieldProblem(f"tasks[{k}].due_on", f"{where}：请填写“完成期限”"))
            elif d.held_on is not None and t.due_on < d.held_on:
                p.append(FieldProblem(f"tasks[{k}].due_on", f"{where}：“完成期限”不能早于会议日期"))
            if t.id is not None and t.id not in owned:
                p.append(FieldProblem(f"tasks[{k}]", f"{where}已不在这次会议中，请重新打开"))
        if p:
            raise ValidationError(p)
        return case_ids

    @staticmethod
    def _load(s: Session, conference_id: int, version: int | None = None) -> Conference:
        return load_row(s, Conference, conference_id, "找不到这次联席会议记录，可能已被删除", version,
                        options=[selectinload(Conference.tasks), selectinload(Conference.cases)])

    @staticmethod
    def _described(s: Session, case_ids: list[int]) -> dict[int, str]:
        """Each case as the printed documents name it, with the parties' full names: 张三、李四之间的
        邻里纠纷 (as the 移送函 does; the file's documents carry full names, masking is for exports)."""
        if not case_ids:
            return {}
        names: dict[int, list[str]] = {}
        for case_id, name in s.execute(select(CaseParty.case_id, CaseParty.name)
                                       .where(CaseParty.case_id.in_(case_ids)).order_by(CaseParty.position)):
            names.setdefault(case_id, []).append(name)
        cases = s.scalars(select(Case).where(Case.id.in_(case_ids))).all()
        return {c.id: f"{'、'.join(names.get(c.id, []))}之间的{c.dispute_type.name if c.dispute_type else '纠纷'}"
                for c in cases}

    @staticmethod
    def _codes(s: Session, case_ids: set[int]) -> dict[int, str]:
        if not case_ids:
            return {}
        return {i: c for i, c in s.execute(select(Case.id, Case.code).where(Case.id.in_(sorted(case_ids))))}

    def _view(self, s: Session, c: Conference) -> ConferenceView:
        ids = [x.case_id for x in c.cases]
        refs = {i: CaseRef(i, code, title) for i, code, title in
                s.execute(select(Case.id, Case.code, Case.title).where(Case.id.in_(ids)))} if ids else {}
        return ConferenceView(c.id, c.held_on, c.place, c.topic,
                              tuple(Participant(x.get("name", ""), x.get("unit", "")) for x in c.participants or []),
                              tuple(refs[i] for i in ids if i in refs), c.plan,
                              tuple(_task_view(t) for t in c.tasks), c.actor, c.version)


def _task_view(t: ConferenceTask) -> TaskView:
    return TaskView(t.id, t.position, t.who, t.what, t.due_on, t.done_on, t.version)
