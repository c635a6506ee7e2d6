"""Case states and the transitions between them (LEGAL.md §1).

登记 → 受理 (or 不予受理 / 一方拒绝) → 调解中 → 调解成功 | 终止调解 → 归档.
Each transition is recorded with who made it and when by the case service.
"""

from __future__ import annotations

from mediator_desktop.domain.enums import CaseStatus as S

TRANSITIONS: dict[S, tuple[S, ...]] = {
    S.REGISTERED: (S.ACCEPTED, S.NOT_ACCEPTED, S.REFUSED),
    S.ACCEPTED: (S.IN_MEDIATION, S.REFUSED, S.TERMINATED),
    S.IN_MEDIATION: (S.AGREED, S.TERMINATED),
    S.AGREED: (S.CLOSED,),
    S.TERMINATED: (S.CLOSED,),
    S.NOT_ACCEPTED: (S.CLOSED,),
    S.REFUSED: (S.CLOSED,),
    S.CLOSED: (),
}

#: The verb shown on the button that performs a transition into a state.
ACTION_LABELS: dict[S, str] = {
    S.ACCEPTED: "受理",
    S.NOT_ACCEPTED: "不予受理",
    S.REFUSED: "一方拒绝调解",
    S.IN_MEDIATION: "开始调解",
    S.AGREED: "调解成功",
    S.TERMINATED: "终止调解",
    S.CLOSED: "归档",
}

#: Transitions that need a written reason.
NEEDS_REASON = frozenset({S.NOT_ACCEPTED, S.REFUSED, S.TERMINATED})


def allowed_targets(current: S | str) -> tuple[S, ...]:
    return TRANSITIONS[S(current)]


def can_transition(current: S | str, target: S | str) -> bool:
    return S(target) in TRANSITIONS[S(current)]


def transition_problem(current: S | str, target: S | str) -> str | None:
    """A Chinese explanation when ``current → target`` is not allowed, else ``None``."""
    cur, tgt = S(current), S(target)
    if tgt in TRANSITIONS[cur]:
        return None
    if not TRANSITIONS[cur]:
        return f"案件已“{cur.label}”，不能再变更状态"
    options = "、".join(f"“{t.label}”" for t in TRANSITIONS[cur])
    return f"案件当前状态为“{cur.label}”，不能直接变为“{tgt.label}”（可变为：{options}）"
