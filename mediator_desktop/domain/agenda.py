"""The agenda's clash check: a room (调解场所) or a mediator booked twice at the same time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

#: A session without an end time is taken to last this long.
DEFAULT_LENGTH = timedelta(hours=1)


def session_end(starts_at: datetime, ends_at: datetime | None) -> datetime:
    """When a session ends: its end time, or :data:`DEFAULT_LENGTH` after the start."""
    return ends_at if ends_at and ends_at > starts_at else starts_at + DEFAULT_LENGTH


@dataclass(frozen=True)
class Booking:
    """One session as the clash check sees it."""

    session_id: int | None
    case_code: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    mediators: dict[int, str]     # mediator id → name

    @property
    def end(self) -> datetime:
        return session_end(self.starts_at, self.ends_at)


@dataclass(frozen=True)
class Clash:
    other: Booking
    message: str


def overlaps(a: Booking, b: Booking) -> bool:
    return a.starts_at < b.end and b.starts_at < a.end


def clashes(new: Booking, others: list[Booking]) -> list[Clash]:
    """Every booking that overlaps ``new`` in the same place or with a shared mediator."""
    found = []
    for o in others:
        if o.session_id is not None and o.session_id == new.session_id:
            continue
        if not overlaps(new, o):
            continue
        when = f"{o.starts_at:%m月%d日 %H:%M}–{o.end:%H:%M}"
        place = new.place.strip()
        if place and place == o.place.strip():
            found.append(Clash(o, f"“{place}”在{when}已安排了案件{o.case_code}的活动"))
        for mid in sorted(set(new.mediators) & set(o.mediators)):
            found.append(Clash(o, f"调解员{o.mediators[mid]}在{when}已参加案件{o.case_code}的活动"))
    return found
