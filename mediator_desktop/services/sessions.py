"""Mediation sessions (调查/调解), their records, caucus and private notes, and the rights notice.

A session (活动) is scheduled with a time, a place and its mediators; the agenda's clash check
warns when a room (调解场所) or a mediator is booked twice. Its record (人民调解记录 /
人民调解调查记录, LEGAL.md §3) is written afterwards and, once read back to and signed by those
present (宣读并签字), is frozen: changing it means un-marking the signature first and reading it
back again. Caucus notes (背对背记录) and the mediator's private notes (调解员个人笔记) are
:class:`CaseNote` rows, never part of the record, never printed; a private note is seen only by
its author. The rights-and-duties notice (权利义务告知, Law 23-24) is recorded per party.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mediator_desktop.domain.agenda import DEFAULT_LENGTH, Booking, Clash, clashes, session_end
from mediator_desktop.domain.enums import RUNNING_STATUSES, CaseStatus, NoteKind, NoticeMethod, SessionKind
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.errors import STALE_MESSAGE
from mediator_desktop.services.case_facts import load_case
from mediator_desktop.services.context import Service
from mediator_desktop.services.errors import (
    ConflictError,
    FieldProblem,
    NotFoundError,
    TransitionError,
    ValidationError,
)
from mediator_desktop.storage.models import Case, CaseNote, CaseParty, MediationSession, Mediator

MAX_RECORD = 200_000
MAX_NOTE = 50_000

SIGNED_MESSAGE = ("这份记录已宣读并签字，不能再修改。如确需更正，请先点“撤销签字标记”，"
                  "改好后重新向当事人宣读并签字")
CLOSED_MESSAGE = "案件已归档，卷宗中的记录不能再修改"


# -- data passed in and out -----------------------------------------------------------------------


@dataclass
class RecordHeader:
    """What heads a session's record, asked when it is scheduled and written after it: who is
    present, 参加人, 事由, 被调查人 and 记录人."""

    #: Positions of the parties expected (and later recorded as) present.
    present: list[int] = field(default_factory=list)
    #: 参加人: invited helpers (relatives, village cadres, experts), one string each.
    participants: list[str] = field(default_factory=list)
    #: 事由 of the record header.
    subject: str = ""
    #: 被调查人 (investigations only).
    interviewee: str = ""
    recorder: str = ""


@dataclass
class SessionDraft(RecordHeader):
    """A session as entered in the scheduling dialog."""

    kind: str = SessionKind.MEDIATION.value
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str = ""
    mediator_ids: list[int] = field(default_factory=list)


@dataclass
class RecordDraft(RecordHeader):
    """The record of a session as written in the record editor (the header's fields included)."""

    record: str = ""
    outcome: str = ""
    place: str | None = None          # None: keep the scheduled place


@dataclass(frozen=True)
class SessionView:
    id: int
    case_id: int
    case_code: str
    position: int
    kind: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    present: tuple[int, ...]
    participants: tuple[str, ...]
    record: str
    outcome: str
    subject: str
    interviewee: str
    recorder: str
    mediator_ids: tuple[int, ...]
    mediator_names: tuple[str, ...]
    signed_at: datetime | None
    cancelled: bool
    version: int
    #: The case's party names joined with "、" (for the agenda).
    party_names: str = ""
    #: Names of the parties present, in position order.
    present_names: tuple[str, ...] = ()
    #: Filled by :meth:`SessionService.agenda` only: why this session clashes with another.
    clash_messages: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        return SessionKind(self.kind).label

    @property
    def end(self) -> datetime:
        """The end time, or the assumed end (one hour) when none was given."""
        return session_end(self.starts_at, self.ends_at)

    def time_text(self) -> str:
        """``2026年11月23日 09:00—10:30``."""
        text = f"{chinese_date(self.starts_at.date())} {self.starts_at:%H:%M}"
        if self.ends_at:
            text += f"—{self.ends_at:%H:%M}"
        return text

    def to_draft(self) -> SessionDraft:
        return SessionDraft(
            kind=self.kind, starts_at=self.starts_at, ends_at=self.ends_at, place=self.place,
            mediator_ids=list(self.mediator_ids), present=list(self.present),
            participants=list(self.participants), subject=self.subject,
            interviewee=self.interviewee, recorder=self.recorder)

    def to_record_draft(self) -> RecordDraft:
        return RecordDraft(
            subject=self.subject, interviewee=self.interviewee, recorder=self.recorder,
            present=list(self.present), participants=list(self.participants), record=self.record,
            outcome=self.outcome, place=self.place)


@dataclass(frozen=True)
class NoteView:
    """A caucus note (背对背记录) or a private note (调解员个人笔记): never in the case file."""

    id: int
    case_id: int
    kind: str
    party: int | None
    party_name: str
    body: str
    author: str
    created_at: datetime
    updated_at: datetime
    session_id: int | None
    version: int

    @property
    def kind_label(self) -> str:
        return NoteKind(self.kind).label


@dataclass(frozen=True)
class NoticeView:
    """权利义务告知 of one party: when, how (written/oral) and by whom (None: not yet told)."""

    party_id: int
    position: int
    name: str
    on: date | None
    method: str | None
    by: str
    #: The party row's version the screen shows: a notice saved on an older one is refused.
    version: int = 1

    @property
    def method_label(self) -> str:
        return NoticeMethod(self.method).label if self.method else ""


# -- helpers --------------------------------------------------------------------------------------


def _clean_lines(values: Sequence[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


def _check_length(problems: list[FieldProblem], field_name: str, label: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.append(FieldProblem(field_name, f"“{label}”不能超过{limit}个字"))


def _check_present(problems: list[FieldProblem], present: list[int], party_count: int) -> list[int]:
    cleaned: list[int] = []
    for p in present:
        if not isinstance(p, int) or isinstance(p, bool) or not 0 <= p < party_count:
            problems.append(FieldProblem("present", "到场当事人中有一位不是本案的当事人，请重新勾选"))
            break
        if p not in cleaned:
            cleaned.append(p)
    return sorted(cleaned)


def _check_participants(problems: list[FieldProblem], participants: list[str]) -> list[str]:
    cleaned = _clean_lines(participants)
    if any(len(p) > 100 for p in cleaned):
        problems.append(FieldProblem("participants", "“参加人”每行不能超过100个字"))
    if len(cleaned) > 50:
        problems.append(FieldProblem("participants", "“参加人”不能超过50位"))
    return cleaned


class SessionService(Service):
    """Sessions, records, notes and the rights notice of cases."""

    def now(self) -> datetime:
        """The services' clock (the scheduling dialog proposes the next hour by it)."""
        return self.ctx.now()

    # -- scheduling ---------------------------------------------------------------------------

    def schedule(self, case_id: int, draft: SessionDraft, confirmed_clash: bool = False) -> SessionView:
        """安排调查/调解: a new session of a case in state 受理 or 调解中.

        A room or mediator booked twice raises warning problems on ``starts_at`` until the caller
        passes ``confirmed_clash=True``.
        """
        with self.ctx.db.write() as s:
            case = load_case(s, case_id)
            self._require_schedulable(case)
            problems = self._validate(s, case, draft)
            self._raise_if_blocking(s, problems, draft, None, confirmed_clash)
            position = s.scalar(select(func.coalesce(func.max(MediationSession.position) + 1, 0))
                                .where(MediationSession.case_id == case.id))
            row = MediationSession(case_id=case.id, position=int(position or 0), cancelled=False,
                                   record="", outcome="")
            self._apply(row, draft)
            s.add(row)
            s.flush()
            return self._audited(s, row, case, "schedule",
                                 text=f"安排{SessionKind(row.kind).label}：{self._when(row)}"
                                 + (f"，{row.place}" if row.place else ""))

    def update(self, session_id: int, version: int, draft: SessionDraft,
               confirmed_clash: bool = False) -> SessionView:
        """Change the time, place, people or header of a session that is not yet signed."""
        with self.ctx.db.write() as s:
            row, case = self._load(s, session_id, version)
            self._require_schedulable(case)
            if row.cancelled:
                raise TransitionError("这次活动已取消，不能再修改")
            if row.signed_at is not None:
                raise TransitionError(SIGNED_MESSAGE)
            problems = self._validate(s, case, draft)
            self._raise_if_blocking(s, problems, draft, row.id, confirmed_clash)
            self._apply(row, draft)
            s.flush()
            return self._audited(s, row, case, "update",
                                 text=f"修改{SessionKind(row.kind).label}安排：{self._when(row)}"
                                 + (f"，{row.place}" if row.place else ""))

    def _audited(self, s: Session, row: MediationSession, case: Case, action: str, **entry: Any) -> SessionView:
        """Record ``action`` on a session in the audit trail and return its view."""
        s.flush()
        self.ctx.audit(s, action, "mediation_session", row.id, case_id=case.id, **entry)
        s.flush()
        return self._view(s, row, case)

    def cancel(self, session_id: int, version: int) -> SessionView:
        """取消活动: the session stays listed (marked cancelled) but leaves the agenda."""
        with self.ctx.db.write() as s:
            row, case = self._load(s, session_id, version)
            if case.status == CaseStatus.CLOSED.value:
                raise TransitionError(CLOSED_MESSAGE)
            self._require_open(case, "取消活动")
            if row.cancelled:
                raise TransitionError("这次活动已经取消了")
            if row.signed_at is not None:
                raise TransitionError("这次活动的记录已宣读并签字，说明活动已经进行，不能取消")
            row.cancelled = True
            s.flush()
            return self._audited(s, row, case, "cancel",
                                 text=f"取消{SessionKind(row.kind).label}：{self._when(row)}")

    def clashes(self, draft: SessionDraft, session_id: int | None = None) -> list[Clash]:
        """The clashes a draft would have (for showing live while the user edits)."""
        if draft.starts_at is None:
            return []
        with self.ctx.db.read() as s:
            return self._clashes(s, draft, session_id)

    # -- reading ------------------------------------------------------------------------------

    def get(self, session_id: int) -> SessionView:
        with self.ctx.db.read() as s:
            row = s.get(MediationSession, session_id)
            if row is None:
                raise NotFoundError("找不到这次活动，可能已被删除")
            return self._view(s, row, load_case(s, row.case_id))

    def sessions(self, case_id: int) -> list[SessionView]:
        """Every session of a case (cancelled ones too), in time order."""
        with self.ctx.db.read() as s:
            case = load_case(s, case_id)
            rows = s.scalars(select(MediationSession).where(MediationSession.case_id == case_id)
                             .order_by(MediationSession.starts_at, MediationSession.id))
            names = self._mediator_names(s)
            return [self._view(s, r, case, names) for r in rows]

    def agenda(self, start: date, end: date, *, include_cancelled: bool = False) -> list[SessionView]:
        """Sessions of all cases starting on ``start`` … ``end`` (both included), in time order,
        each with its case code, party names and the clashes it has with other sessions."""
        lo = datetime.combine(start, time.min)
        hi = datetime.combine(end + timedelta(days=1), time.min)
        with self.ctx.db.read() as s:
            stmt = (select(MediationSession, Case)
                    .join(Case, Case.id == MediationSession.case_id)
                    .where(MediationSession.starts_at >= lo, MediationSession.starts_at < hi)
                    .order_by(MediationSession.starts_at, MediationSession.id))
            if not include_cancelled:
                stmt = stmt.where(MediationSession.cancelled.is_(False))
            found = list(s.execute(stmt).tuples())
            names = self._mediator_names(s)
            # Sessions that started before the range may still overlap its first hours.
            bookings = self._bookings(s, lo - timedelta(days=1), hi, names)
            views = []
            for row, case in found:
                messages: tuple[str, ...] = ()
                if not row.cancelled:
                    mine = self._booking(row, case.code, names)
                    messages = tuple(c.message for c in clashes(mine, bookings))
                views.append(self._view(s, row, case, names, messages))
            return views

    # -- the record ---------------------------------------------------------------------------

    def save_record(self, session_id: int, version: int, draft: RecordDraft) -> SessionView:
        """Save the record (header, body, outcome) of a session; a signed record is frozen."""
        with self.ctx.db.write() as s:
            row, case = self._load(s, session_id, version)
            self._require_record_editable(row, case)
            problems: list[FieldProblem] = []
            present = _check_present(problems, list(draft.present), len(case.parties))
            participants = _check_participants(problems, list(draft.participants))
            subject, interviewee = draft.subject.strip(), draft.interviewee.strip()
            recorder = draft.recorder.strip()
            place = row.place if draft.place is None else draft.place.strip()
            _check_length(problems, "subject", "事由", subject, 300)
            _check_length(problems, "interviewee", "被调查人", interviewee, 200)
            _check_length(problems, "recorder", "记录人", recorder, 100)
            _check_length(problems, "place", "地点", place, 200)
            _check_length(problems, "record", "记录正文", draft.record, MAX_RECORD)
            _check_length(problems, "outcome", "调解结果", draft.outcome, 20000)
            if problems:
                raise ValidationError(problems)
            row.present, row.participants = present, participants
            row.subject, row.interviewee, row.recorder, row.place = subject, interviewee, recorder, place
            row.record, row.outcome = draft.record.rstrip(), draft.outcome.strip()
            s.flush()
            return self._audited(s, row, case, "save_record",
                                 text=f"保存{self._record_name(row)}（{self._when(row)}）", characters=len(row.record))

    def mark_signed(self, session_id: int, version: int, at: datetime | None = None) -> SessionView:
        """宣读并签字: the record was read back to and signed by those present; it is frozen."""
        with self.ctx.db.write() as s:
            row, case = self._load(s, session_id, version)
            self._require_record_editable(row, case)
            at = (at or self.ctx.now()).replace(microsecond=0)
            problems = []
            if not row.record.strip():
                problems.append(FieldProblem(
                    "record", "记录正文是空的：请先写好记录、保存，并向当事人宣读后再标记签字"))
            if row.kind == SessionKind.MEDIATION.value and not row.present:
                problems.append(FieldProblem("present", "请勾选到场的当事人并保存：调解记录须由到场当事人签字"))
            if row.kind == SessionKind.INVESTIGATION.value and not (row.interviewee or "").strip():
                problems.append(FieldProblem("interviewee", "请填写“被调查人”并保存：调查记录须由被调查人签字"))
            if at > self.ctx.now():
                problems.append(FieldProblem("signed_at", "签字时间不能晚于现在"))
            elif at.date() < row.starts_at.date():
                problems.append(FieldProblem(
                    "signed_at", f"签字时间不能早于活动当天（{chinese_date(row.starts_at.date())}）"))
            if problems:
                raise ValidationError(problems)
            row.signed_at = at
            s.flush()
            return self._audited(s, row, case, "sign_record",
                                 text=f"{self._record_name(row)}（{self._when(row)}）已宣读并签字")

    def unmark_signed(self, session_id: int, version: int, reason: str) -> SessionView:
        """撤销签字标记: makes the record editable again; it must be read back and signed anew."""
        reason = reason.strip()
        with self.ctx.db.write() as s:
            row, case = self._load(s, session_id, version)
            if case.status == CaseStatus.CLOSED.value:
                raise TransitionError(CLOSED_MESSAGE)
            self._require_open(case, "撤销签字标记")
            if row.signed_at is None:
                raise TransitionError("这份记录还没有标记为已宣读签字")
            if not reason:
                raise ValidationError([FieldProblem("reason", "请写明撤销签字标记的原因（如：记录有误需更正）")])
            if len(reason) > 500:
                raise ValidationError([FieldProblem("reason", "原因不能超过500个字")])
            signed = row.signed_at
            row.signed_at = None
            s.flush()
            return self._audited(s, row, case, "unsign_record",
                                 text=f"撤销{self._record_name(row)}（{self._when(row)}）的签字标记：{reason}，需重新宣读签字",
                                 signed_at=signed.isoformat(), reason=reason)

    # -- notes --------------------------------------------------------------------------------

    def add_note(self, case_id: int, kind: str, body: str, party: int | None = None,
                 session_id: int | None = None) -> NoteView:
        """A caucus note (背对背, names its party) or a private note (seen only by its author)."""
        with self.ctx.db.write() as s:
            case = load_case(s, case_id)
            problems: list[FieldProblem] = []
            if kind not in NoteKind.__members__.values():
                problems.append(FieldProblem("kind", "请选择笔记的种类（背对背记录或个人笔记）"))
            if kind == NoteKind.CAUCUS.value:
                if party is None:
                    problems.append(FieldProblem("party", "背对背记录须选择是与哪一方当事人谈话"))
                elif not 0 <= party < len(case.parties):
                    problems.append(FieldProblem("party", "所选当事人不是本案的当事人"))
            else:
                party = None
            body = self._check_body(problems, body)
            if session_id is not None:
                owner = s.scalar(select(MediationSession.case_id).where(MediationSession.id == session_id))
                if owner != case.id:
                    problems.append(FieldProblem("session_id", "所选活动不属于本案"))
            if problems:
                raise ValidationError(problems)
            now = self.ctx.now()
            note = CaseNote(case_id=case.id, session_id=session_id, kind=kind, party=party, body=body,
                            author=self.ctx.actor.name, created_at=now, updated_at=now)
            s.add(note)
            return self._note_written(s, "add_note", "添加", note, case)

    def adopt_private_notes(self, old_author: str, new_author: str) -> int:
        """Give the private notes written under ``old_author`` to ``new_author``; returns how many.

        Before a PC knew its user every note was written as the unnamed user (调解员); when that
        PC's mediator names themself, their earlier private notes must stay theirs, not vanish."""
        old_author, new_author = old_author.strip(), new_author.strip()
        if not new_author or old_author == new_author:
            return 0
        with self.ctx.db.write() as s:
            notes = list(s.scalars(select(CaseNote).where(CaseNote.kind == NoteKind.PRIVATE.value,
                                                          CaseNote.author == old_author)))
            for note in notes:
                note.author = new_author
            if notes:
                s.flush()
                self.ctx.audit(s, "adopt_private_notes", "case_note", None, old_author=old_author,
                               new_author=new_author, count=len(notes))
            return len(notes)

    def update_note(self, note_id: int, version: int, body: str, party: int | None = None) -> NoteView:
        """Change a note's text (and, for a caucus note, its party when ``party`` is given)."""
        with self.ctx.db.write() as s:
            note, case = self._load_note(s, note_id, version)
            problems: list[FieldProblem] = []
            if note.kind == NoteKind.CAUCUS.value and party is not None and not 0 <= party < len(case.parties):
                problems.append(FieldProblem("party", "所选当事人不是本案的当事人"))
            body = self._check_body(problems, body)
            if problems:
                raise ValidationError(problems)
            note.body = body
            if note.kind == NoteKind.CAUCUS.value and party is not None:
                note.party = party
            note.updated_at = self.ctx.now()
            return self._note_written(s, "update_note", "修改", note, case)

    def _note_written(self, s: Session, action: str, verb: str, note: CaseNote, case: Case) -> NoteView:
        """Audit a note just added or changed (``verb``: 添加/修改) and return its view."""
        s.flush()
        self.ctx.audit(s, action, "case_note", note.id, case_id=case.id, text=self._note_text(verb, note, case))
        s.flush()
        return self._note_view(note, case)

    def delete_note(self, note_id: int, version: int) -> None:
        with self.ctx.db.write() as s:
            note, case = self._load_note(s, note_id, version)
            text = self._note_text("删除", note, case)
            s.delete(note)
            s.flush()
            self.ctx.audit(s, "delete_note", "case_note", note_id, case_id=case.id, text=text)

    def notes(self, case_id: int, session_id: int | None = None) -> list[NoteView]:
        """The case's caucus notes and the acting user's own private notes, oldest first
        (another user's private notes are never returned); ``session_id`` narrows to one session."""
        with self.ctx.db.read() as s:
            case = load_case(s, case_id)
            stmt = (select(CaseNote).where(
                CaseNote.case_id == case_id,
                or_(CaseNote.kind != NoteKind.PRIVATE.value, CaseNote.author == self.ctx.actor.name))
                .order_by(CaseNote.created_at, CaseNote.id))
            if session_id is not None:
                stmt = stmt.where(CaseNote.session_id == session_id)
            return [self._note_view(n, case) for n in s.scalars(stmt)]

    # -- rights notice ------------------------------------------------------------------------

    def record_notice(self, party_id: int, on: date | None, method: str, by: str | None = None, *,
                      version: int | None = None) -> NoticeView:
        """权利义务告知 (Law 23-24): the party was told on ``on``, in writing or orally.

        ``version`` is the party's version the notice form was opened on: when another PC
        changed the party or its notice since, the save is refused (ConflictError)."""
        with self.ctx.db.write() as s:
            party, case = self._notice_party(s, party_id, version)
            problems: list[FieldProblem] = []
            if on is None:
                problems.append(FieldProblem("on", "请填写“告知日期”"))
            elif on > self.ctx.today():
                problems.append(FieldProblem("on", "“告知日期”不能晚于今天"))
            elif on < case.received_on:
                problems.append(FieldProblem(
                    "on", f"“告知日期”不能早于受理日期（{chinese_date(case.received_on)}）"))
            if method not in NoticeMethod.__members__.values():
                problems.append(FieldProblem("method", "请选择告知方式（书面或口头）"))
            who = (by if by is not None else self.ctx.actor.name).strip()
            if not who:
                problems.append(FieldProblem("by", "请填写“告知人”"))
            _check_length(problems, "by", "告知人", who, 100)
            if problems:
                raise ValidationError(problems)
            assert on is not None
            party.notice_on, party.notice_method, party.notice_by = on, method, who
            s.flush()
            self.ctx.audit(s, "record_notice", "case_party", party.id, case_id=case.id,
                           text=f"已于{chinese_date(on)}{NoticeMethod(method).label}{party.name}"
                                "权利义务")
            s.flush()
            return self._notice_view(party)

    def _notice_party(self, s: Session, party_id: int, version: int | None) -> tuple[CaseParty, Case]:
        """The party whose rights notice is written, refused when another PC changed it since
        ``version`` or when the case is archived."""
        party, case = self._party(s, party_id)
        if version is not None and party.version != version:
            raise ConflictError(STALE_MESSAGE)
        if case.status == CaseStatus.CLOSED.value:
            raise TransitionError("案件已归档，不能再修改告知记录")
        return party, case

    def clear_notice(self, party_id: int, *, version: int | None = None) -> NoticeView:
        """Remove a notice recorded by mistake (refused when ``version`` is not the party's now)."""
        with self.ctx.db.write() as s:
            party, case = self._notice_party(s, party_id, version)
            self._require_open(case, "撤销告知记录")
            if party.notice_on is None:
                return self._notice_view(party)
            party.notice_on, party.notice_method, party.notice_by = None, None, ""
            s.flush()
            self.ctx.audit(s, "clear_notice", "case_party", party.id, case_id=case.id,
                           text=f"撤销对{party.name}的权利义务告知记录")
            s.flush()
            return self._notice_view(party)

    def notices(self, case_id: int) -> list[NoticeView]:
        with self.ctx.db.read() as s:
            case = load_case(s, case_id)
            return [self._notice_view(p) for p in case.parties]

    # -- internals ----------------------------------------------------------------------------

    def _load(self, s: Session, session_id: int, version: int) -> tuple[MediationSession, Case]:
        row = s.get(MediationSession, session_id)
        if row is None:
            raise NotFoundError("找不到这次活动，可能已被删除")
        if row.version != version:
            raise ConflictError(STALE_MESSAGE)
        return row, load_case(s, row.case_id)

    def _load_note(self, s: Session, note_id: int, version: int) -> tuple[CaseNote, Case]:
        note = s.get(CaseNote, note_id)
        # Another user's private note does not exist for this user.
        if note is None or (note.kind == NoteKind.PRIVATE.value and note.author != self.ctx.actor.name):
            raise NotFoundError("找不到这条笔记，可能已被删除")
        if note.version != version:
            raise ConflictError(STALE_MESSAGE)
        return note, load_case(s, note.case_id)

    def _party(self, s: Session, party_id: int) -> tuple[CaseParty, Case]:
        party = s.get(CaseParty, party_id)
        if party is None:
            raise NotFoundError("找不到这位当事人，可能已被删除")
        return party, load_case(s, party.case_id)

    @staticmethod
    def _require_open(case: Case, what: str) -> None:
        """After mediation ended (调解成功, 终止调解, 不予受理…) the records it rests on stay as
        they are: the agreement was reached on them."""
        if case.status not in RUNNING_STATUSES:
            raise TransitionError(f"案件已“{CaseStatus(case.status).label}”，调解已经结束，不能再{what}")

    @staticmethod
    def _require_schedulable(case: Case) -> None:
        if case.status not in RUNNING_STATUSES:
            label = CaseStatus(case.status).label
            if case.status == CaseStatus.REGISTERED.value:
                raise TransitionError(f"案件当前状态为“{label}”，须先受理才能安排调查或调解")
            raise TransitionError(f"案件当前状态为“{label}”，只有受理后、调解结束前才能安排或修改调查、调解活动")

    @staticmethod
    def _require_record_editable(row: MediationSession, case: Case) -> None:
        if case.status == CaseStatus.CLOSED.value:
            raise TransitionError(CLOSED_MESSAGE)
        if row.cancelled:
            raise TransitionError("这次活动已取消，不能填写记录")
        if row.signed_at is not None:
            raise TransitionError(SIGNED_MESSAGE)

    def _validate(self, s: Session, case: Case, d: SessionDraft) -> list[FieldProblem]:
        """Problems of a draft; normalises its text values in place."""
        p: list[FieldProblem] = []
        if d.kind not in SessionKind.__members__.values():
            p.append(FieldProblem("kind", "请选择活动类型（调查或调解）"))
        if d.starts_at is None:
            p.append(FieldProblem("starts_at", "请填写活动的日期和开始时间"))
        else:
            d.starts_at = d.starts_at.replace(second=0, microsecond=0)
            if d.starts_at.year < 2000 or d.starts_at.year > self.ctx.today().year + 5:
                p.append(FieldProblem("starts_at", "活动日期的年份不对，请核对"))
            elif d.starts_at.date() < case.received_on:
                p.append(FieldProblem(
                    "starts_at", f"活动日期不能早于受理日期（{chinese_date(case.received_on)}）"))
            if d.ends_at is not None:
                d.ends_at = d.ends_at.replace(second=0, microsecond=0)
                if d.ends_at <= d.starts_at:
                    p.append(FieldProblem("ends_at", "“结束时间”须晚于开始时间"))
                elif d.ends_at - d.starts_at > timedelta(hours=24):
                    p.append(FieldProblem("ends_at", "一次活动不能超过24小时，请核对结束时间"))
        d.place = d.place.strip()
        _check_length(p, "place", "地点", d.place, 200)
        ids: list[int] = []
        for m in d.mediator_ids:
            if m not in ids:
                ids.append(m)
        d.mediator_ids = ids
        if ids:
            found = set(s.scalars(select(Mediator.id).where(Mediator.id.in_(ids))))
            if any(m not in found for m in ids):
                p.append(FieldProblem("mediator_ids", "所选调解员不存在，可能已被删除，请重新勾选"))
        d.present = _check_present(p, list(d.present), len(case.parties))
        d.participants = _check_participants(p, list(d.participants))
        d.subject, d.interviewee, d.recorder = d.subject.strip(), d.interviewee.strip(), d.recorder.strip()
        _check_length(p, "subject", "事由", d.subject, 300)
        _check_length(p, "interviewee", "被调查人", d.interviewee, 200)
        _check_length(p, "recorder", "记录人", d.recorder, 100)
        return p

    def _raise_if_blocking(self, s: Session, problems: list[FieldProblem], draft: SessionDraft,
                           session_id: int | None, confirmed_clash: bool) -> None:
        errors = [x for x in problems if not x.warning]
        if errors:
            raise ValidationError(errors)
        if confirmed_clash:
            return
        found = self._clashes(s, draft, session_id)
        if found:
            raise ValidationError([FieldProblem("starts_at", c.message, warning=True) for c in found])

    @staticmethod
    def _apply(row: MediationSession, d: SessionDraft) -> None:
        row.kind, row.starts_at, row.ends_at, row.place = d.kind, d.starts_at, d.ends_at, d.place  # type: ignore[assignment]
        row.mediator_ids, row.present, row.participants = list(d.mediator_ids), list(d.present), list(d.participants)
        row.subject, row.recorder = d.subject, d.recorder
        row.interviewee = d.interviewee if d.kind == SessionKind.INVESTIGATION.value else ""

    @staticmethod
    def _mediator_names(s: Session) -> dict[int, str]:
        return dict(s.execute(select(Mediator.id, Mediator.name)).tuples().all())

    @staticmethod
    def _booking(row: MediationSession, code: str, names: dict[int, str]) -> Booking:
        return Booking(row.id, code, row.starts_at, row.ends_at, row.place or "",
                       {m: names.get(m, f"#{m}") for m in (row.mediator_ids or [])})

    def _bookings(self, s: Session, start: datetime, end: datetime,
                  names: dict[int, str]) -> list[Booking]:
        """Every non-cancelled session of every case that may overlap ``start`` … ``end``."""
        stmt = (select(MediationSession, Case.code)
                .join(Case, Case.id == MediationSession.case_id)
                .where(MediationSession.cancelled.is_(False),
                       MediationSession.starts_at < end,
                       or_(MediationSession.ends_at > start,
                           MediationSession.starts_at > start - DEFAULT_LENGTH)))
        return [self._booking(row, code, names) for row, code in s.execute(stmt).tuples()]

    def _clashes(self, s: Session, d: SessionDraft, session_id: int | None) -> list[Clash]:
        if d.starts_at is None:
            return []
        names = self._mediator_names(s)
        mine = Booking(session_id, "", d.starts_at, d.ends_at, d.place or "",
                       {m: names.get(m, f"#{m}") for m in d.mediator_ids})
        return clashes(mine, self._bookings(s, mine.starts_at, mine.end, names))

    @staticmethod
    def _when(row: MediationSession) -> str:
        text = f"{chinese_date(row.starts_at.date())} {row.starts_at:%H:%M}"
        return text + (f"—{row.ends_at:%H:%M}" if row.ends_at else "")

    @staticmethod
    def _record_name(row: MediationSession) -> str:
        return "调查记录" if row.kind == SessionKind.INVESTIGATION.value else "调解记录"

    def _view(self, s: Session, row: MediationSession, case: Case, names: dict[int, str] | None = None,
              clash_messages: tuple[str, ...] = ()) -> SessionView:
        if names is None:
            names = self._mediator_names(s)
        parties = {p.position: p.name for p in case.parties}
        present = tuple(row.present or ())
        return SessionView(
            id=row.id, case_id=row.case_id, case_code=case.code, position=row.position, kind=row.kind,
            starts_at=row.starts_at, ends_at=row.ends_at, place=row.place or "", present=present,
            participants=tuple(row.participants or ()), record=row.record or "", outcome=row.outcome or "",
            subject=row.subject or "", interviewee=row.interviewee or "", recorder=row.recorder or "",
            mediator_ids=tuple(row.mediator_ids or ()),
            mediator_names=tuple(names.get(m, "（已删除）") for m in (row.mediator_ids or ())),
            signed_at=row.signed_at, cancelled=bool(row.cancelled), version=row.version,
            party_names=case.party_names or "",
            present_names=tuple(parties[p] for p in present if p in parties),
            clash_messages=clash_messages,
        )

    @staticmethod
    def _check_body(problems: list[FieldProblem], body: str) -> str:
        body = (body or "").strip()
        if not body:
            problems.append(FieldProblem("body", "笔记内容是空的"))
        elif len(body) > MAX_NOTE:
            problems.append(FieldProblem("body", f"笔记太长（不能超过{MAX_NOTE}字）"))
        return body

    @staticmethod
    def _note_text(verb: str, note: CaseNote, case: Case) -> str:
        # The history is seen by every user: it says that a note changed, never what it says.
        if note.kind == NoteKind.CAUCUS.value:
            name = next((p.name for p in case.parties if p.position == note.party), "")
            return f"{verb}背对背记录" + (f"（{name}）" if name else "")
        return f"{verb}调解员个人笔记"

    @staticmethod
    def _note_view(n: CaseNote, case: Case) -> NoteView:
        name = next((p.name for p in case.parties if p.position == n.party), "") if n.party is not None else ""
        return NoteView(id=n.id, case_id=n.case_id, kind=n.kind, party=n.party, party_name=name, body=n.body,
                        author=n.author, created_at=n.created_at, updated_at=n.updated_at,
                        session_id=n.session_id, version=n.version)

    @staticmethod
    def _notice_view(p: CaseParty) -> NoticeView:
        return NoticeView(party_id=p.id, position=p.position, name=p.name, on=p.notice_on,
                          method=p.notice_method, by=p.notice_by or "", version=p.version)
