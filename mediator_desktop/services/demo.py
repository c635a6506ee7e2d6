"""``mediator-desktop demo``: fill the database with realistic cases so a new user can try
everything (the cases go through the ordinary import, so they obey every rule)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from mediator_desktop.services.conferences import ConferenceDraft, Participant, TaskDraft
from mediator_desktop.services.demo_data import MEDIATORS, VILLAGES, generate_document
from mediator_desktop.services.organization import MediatorDraft, OrganizationDraft

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


def load_demo(services: Services, count: int = 200, *, seed: int = 2026) -> int:
    """Import ``count`` generated cases; returns how many were created.

    A database without an organisation gets the demo organisation and its mediators, so the
    first-run set-up is done too.
    """
    today = services.ctx.today()
    doc = generate_document(count, seed, today=today, features=True)
    # Registered in the order they came in, so the numbers grow with the dates.
    doc["cases"].sort(key=lambda c: c["received_on"])
    if services.organization.get() is None:
        org = doc["organization"]
        services.organization.save(OrganizationDraft(
            name=org["name"], short_name=org.get("short_name", "调"), kind=org.get("kind", "committee"),
            address=org.get("address", ""), phone=org.get("phone", ""), seal_text=org["name"]))
    known = {m.name for m in services.mediators.list()}
    for case in doc["cases"]:
        for m in case.get("mediators", []):
            if m["name"] not in known:
                services.mediators.save(MediatorDraft(name=m["name"]))
                known.add(m["name"])
    # Trying it twice fills in a second set (generated cases are not a ledger to keep clean).
    result = services.exchange.import_document(doc, allow_duplicates=True)
    cases = list(zip(result.created, doc["cases"], strict=False))
    _catch_up_visits(services, cases, today, random.Random(seed + 3))
    _add_screening(services, cases, today, random.Random(seed + 2))
    _add_conferences(services, cases, today)
    return len(result.created)


#: Visits due longer ago than this are made in the demo, as a room that keeps up has made them;
#: the more recent ones are left for the new user to see in 今日提醒 and to record.
CAUGHT_UP_DAYS = 14


def _catch_up_visits(services: Services, cases: list[tuple[str, dict[str, Any]]], today: date,
                     rng: random.Random) -> None:
    """The visits the import planned (one per party, and one for each term's due date) that
    fell due more than :data:`CAUGHT_UP_DAYS` ago are recorded through the visit form's own
    service: a new user's first 今日提醒 shows the few a room has really not made yet, not every
    visit of two years of generated cases. Each finds the terms as the generated case has them
    (a term not due by the visit: 未到期)."""
    from mediator_desktop.services.followups import VisitDraft

    cutoff = today - timedelta(days=CAUGHT_UP_DAYS)
    scale = services.followups.satisfaction_scale()
    for code, generated in cases:
        terms = (generated.get("agreement") or {}).get("terms", [])
        if not terms:
            continue
        case_id = services.cases.get_by_code(code).id
        for visit in services.followups.visits(case_id):
            if visit.done or visit.due is None or visit.due.due > cutoff:
                continue
            done_on = visit.due.due + timedelta(days=rng.randint(0, 3))
            statuses = {}
            for k, term in enumerate(visit.terms):
                spec = terms[k] if k < len(terms) else {}
                due_on = date.fromisoformat(spec["due_on"]) if spec.get("due_on") else None
                found = spec.get("status", "performed")
                statuses[term.term_id] = ("not_due" if due_on is not None and due_on > done_on else
                                          found if found in ("performed", "partly_performed", "not_performed")
                                          else "performed")
            services.followups.record(visit.id, VisitDraft(
                done_on=done_on, method=rng.choice(["phone", "visit", "phone"]), term_statuses=statuses,
                satisfaction=scale[0] if rng.random() < 0.85 else scale[1],
                visitor=generated["mediators"][0]["name"] if generated.get("mediators") else "调解员",
                notes="当事人表示协议已按约履行。" if all(v in ("performed", "not_due") for v in statuses.values())
                else "协议尚未全部履行，已督促当事人按约履行。", version=visit.version))


SCREENING_FINDS = [
    ("张某、李某", "相邻关系纠纷", "两户因排水沟堵塞互相指责，有争吵", "prevent", "调解员现场协调，双方同意共同疏通排水沟"),
    ("村民小组", "土地承包经营权纠纷", "组内对集体土地流转收益分配有意见", "prevent", "召开组民会议说明分配方案"),
    ("王某某", "婚姻家庭纠纷", "夫妻经常争吵，女方回娘家居住", "prevent", "妇联干部和调解员上门疏导，双方和好"),
    ("工地务工人员", "拖欠农民工工资纠纷", "工地务工人员反映春节前工资可能无法按时发放", "open", ""),
    ("赵某、钱某", "损害赔偿纠纷", "饲养的牛进入邻居菜地啃食蔬菜", "prevent", "当场协商赔偿200元，双方满意"),
]


def _add_screening(services: Services, cases: list[tuple[str, dict[str, Any]]], today: date,
                   rng: random.Random) -> None:
    """排查 twice a month (the 1st and the 16th) for the last six months, a few found items: most
    prevented on the spot, one registered as a case (STATISTICS.md §3)."""
    from mediator_desktop.services.screening import ItemDraft, RoundDraft

    types = {t.name: t.id for t in services.dispute_types.list()}
    rounds: list[date] = []
    year, month = today.year, today.month
    for _ in range(6):
        for day in (1, 16):
            held = date(year, month, day)
            if held <= today:
                rounds.append(held)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    rounds.sort()
    # The item that became a case: a case reported by a grid worker, the latest round before it.
    grid = [(code, c) for code, c in cases if c["source"] == "grid_reported" and
            rounds[0] < date.fromisoformat(c["received_on"]) <= today]
    to_case = grid[-1] if grid else None
    to_case_round = (max(r for r in rounds if r <= date.fromisoformat(to_case[1]["received_on"]))
                     if to_case else None)
    finds = list(SCREENING_FINDS)
    for k, held in enumerate(rounds):
        area = VILLAGES[k % len(VILLAGES)]
        items: list[tuple[ItemDraft, str, str]] = []
        if held == to_case_round and to_case is not None:
            c = to_case[1]
            items.append((ItemDraft(parties="、".join(p["name"] for p in c["parties"][:2]),
                                    dispute_type_id=types.get(c["dispute_type"]), summary=c["title"],
                                    risk_level=c["risk_level"]), "case", ""))
        elif k % 3 == 1 and finds:
            parties, dtype, summary, outcome, note = finds.pop(0)
            items.append((ItemDraft(parties=parties, dispute_type_id=types.get(dtype), summary=summary,
                                    risk_level="yellow" if outcome == "open" else "none"), outcome, note))
        view = services.screening.save(None, RoundDraft(
            held_on=held, area=area, screeners=f"{rng.choice(MEDIATORS)}、网格员 李明",
            nil_report=not items, note="" if items else "本轮排查未发现矛盾纠纷",
            items=[i[0] for i in items]))
        for item, (_draft, outcome, note) in zip(view.items, items, strict=True):
            if outcome == "prevent":
                services.screening.prevent(item.id, min(held + timedelta(days=rng.randint(0, 2)), today), note)
            elif outcome == "case" and to_case is not None:
                services.screening.link_case(item.id, services.cases.get_by_code(to_case[0]).id)


def _add_conferences(services: Services, cases: list[tuple[str, dict[str, Any]]], today: date) -> None:
    """Two joint case conferences on red or orange cases, with tasks: the latest one has a task
    still open and due in a few days (STATISTICS.md §4)."""
    hard = [code for code, c in cases if c["risk_level"] in ("red", "orange")]
    if not hard:
        return
    people = [Participant("赵文华", "龙门街道党工委"), Participant("孙丽", "龙门街道司法所"),
              Participant("赵伟", "龙门派出所"), Participant("陈刚", "幸福村村委会")]
    for k, held in enumerate((today - timedelta(days=40), today - timedelta(days=3))):
        code = hard[-1 - k] if len(hard) > k else hard[0]
        recent = k == 1
        services.conferences.save(None, ConferenceDraft(
            held_on=held, place="龙门街道综治中心会议室", topic="疑难纠纷联席会商",
            participants=people[: 3 + k], case_codes=[code],
            plan="司法所牵头依法提出化解方案；派出所加强巡防稳控；村委会做好当事人亲属的疏导工作。",
            tasks=[TaskDraft("孙丽", "就赔偿金额出具法律意见", held + timedelta(days=5),
                             None if recent else held + timedelta(days=4)),
                   TaskDraft("陈刚", "组织双方亲属座谈，稳定情绪", held + timedelta(days=7),
                             None if recent else held + timedelta(days=6))]))
