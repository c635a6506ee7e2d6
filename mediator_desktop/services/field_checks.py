"""The plain field checks every form's service makes — a text given and not too long, a day
given and not in the future — with the messages that name the field in Chinese. Light on
purpose (no domain rules, no storage): any service may use them."""

from __future__ import annotations

from datetime import date

from mediator_desktop.services.errors import FieldProblem


def checked_text(problems: list[FieldProblem], field: str, label: str, value: str, limit: int,
                 required: bool = False) -> str:
    """``value`` stripped; a problem when it is required and empty, or longer than ``limit``."""
    value = (value or "").strip()
    if required and not value:
        problems.append(FieldProblem(field, f"请填写“{label}”"))
    elif len(value) > limit:
        problems.append(FieldProblem(field, f"“{label}”不能超过{limit}个字（现有{len(value)}个）"))
    return value


def checked_day(problems: list[FieldProblem], field: str, label: str, value: date | None, today: date, *,
                after_today: str = "", earliest_year: int | None = None) -> None:
    """A day that must be given and not be later than today (``after_today`` adds to the
    message saying it is) — nor, with ``earliest_year``, before that year."""
    if value is None:
        problems.append(FieldProblem(field, f"请填写“{label}”"))
    elif value > today:
        problems.append(FieldProblem(field, f"“{label}”不能晚于今天{after_today}"))
    elif earliest_year is not None and value.year < earliest_year:
        problems.append(FieldProblem(field, f"“{label}”不能早于{earliest_year}年"))
