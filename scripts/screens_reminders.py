"""Grab the screenshots of the reminders (issue 5) for docs/: the today view (今日提醒) and the
agenda with each day's reminders, offscreen, on a temporary database whose clock is fixed at
Monday 2026-11-23 and whose cases have a realistic mix of overdue, urgent and soon deadlines.

    .venv/bin/python scripts/screens_reminders.py
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from room_screen import saver, start_app, use_room_screen  # noqa: E402

use_room_screen()  # 1366×768, as at the mediation room's PC
REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
TODAY = datetime(2026, 11, 23, 8, 30)   # a Monday


def build(services) -> None:  # type: ignore[no-untyped-def]
    """Cases in mediation with time limits overdue, due today and soon; two agreements in
    force with their confirmation windows, money due and follow-up visits (回访)."""
    from mediator_desktop.services.agreements import TermDraft
    from mediator_desktop.services.dto import CaseDraft, MediatorAssignment, PartyDraft
    from mediator_desktop.services.organization import MediatorDraft, OrganizationDraft
    from mediator_desktop.services.sessions import RecordDraft, SessionDraft

    services.organization.save(OrganizationDraft(
        name="龙门街道人民调解委员会", short_name="龙门", address="龙门街道综治中心", phone="0883-2100000",
        seal_text="龙门街道人民调解委员会"))
    mediator = services.mediators.save(MediatorDraft(name="杨志强", phone="13800001111"))
    services.mediators.save(MediatorDraft(name="王芳", phone="13800002222"))

    def case(received: date, title: str, dispute: str, a: str, b: str, **kw):  # type: ignore[no-untyped-def]
        draft = CaseDraft(
            received_on=received, source=kw.pop("source", "party_application"), dispute_type=dispute,
            title=title, summary=f"{a}与{b}因{dispute}发生争议，申请调解。", requests=["依法调解"],
            recorder="王芳", mediators=[MediatorAssignment(mediator.id)],
            parties=[PartyDraft(role="applicant", name=a, phone="13800001234", address="龙门街道幸福村3组"),
                     PartyDraft(role="respondent", name=b, phone="13900005678", address="龙门街道幸福村5组")],
            **kw)
        d = services.cases.register(draft)
        d = services.cases.transition(d.id, d.version, "accepted")
        return services.cases.transition(d.id, d.version, "in_mediation")

    def agreed(received: date, signed: date, title: str, dispute: str, a: str, b: str,  # type: ignore[no-untyped-def]
               terms: list[TermDraft]):
        d = case(received, title, dispute, a, b)
        for p in services.cases.get(d.id).parties:
            services.sessions.record_notice(p.id, received, "written")
        at = datetime.combine(signed, datetime.min.time()).replace(hour=9)
        session = services.sessions.schedule(d.id, SessionDraft(
            kind="mediation", starts_at=at, ends_at=at + timedelta(hours=2), place="调解室",
            mediator_ids=[mediator.id], present=[0, 1], recorder="王芳"), confirmed_clash=True)
        session = services.sessions.save_record(session.id, session.version, RecordDraft(
            record="经调解，双方自愿达成协议。", present=[0, 1], recorder="王芳"))
        services.sessions.mark_signed(session.id, session.version, at + timedelta(hours=2))
        draft = services.agreements.blank(d.id)
        draft.terms = terms
        draft.signed_on = signed
        services.agreements.save(d.id, draft)
        services.cases.transition(d.id, services.cases.get(d.id).version, "agreed")
        return d

    # Time limits (调解期限): overdue, due today, within 3 and within 7 working days, later.
    case(date(2026, 10, 14), "刘桂芬与陈建华宅基地边界纠纷", "房屋宅基地纠纷", "刘桂芬", "陈建华")   # 11-16: overdue
    case(date(2026, 10, 23), "赵德明与孙丽萍婚后财产纠纷", "婚姻家庭纠纷", "赵德明", "孙丽萍")   # 11-23: today
    case(date(2026, 10, 26), "周玉兰与吴志刚赡养纠纷", "婚姻家庭纠纷", "周玉兰", "吴志刚")      # 11-26
    case(date(2026, 11, 2), "郑国强与冯秀英相邻采光纠纷", "邻里纠纷", "郑国强", "冯秀英")      # 12-02
    case(date(2026, 11, 20), "何建军与马小红劳务费纠纷", "拖欠农民工工资纠纷", "何建军", "马小红")       # 12-21: later
    # An agreement of 23 October: money overdue, window and satisfaction visits due today.
    agreed(date(2026, 10, 12), date(2026, 10, 23), "王秀英与李建国相邻通行纠纷", "邻里纠纷", "王秀英", "李建国",
           [TermDraft(obligor=1, obligee=0, subject="误工补偿款", amount=Decimal(3000),
                      due_on=date(2026, 11, 20), method="银行转账"),
            TermDraft(kind="statement", subject="双方就本纠纷再无其他争议。")])
    # An agreement of 2 November: money and the confirmation window due within 7 working days.
    agreed(date(2026, 10, 28), date(2026, 11, 2), "张永福与黄美玲装修款纠纷", "合同纠纷", "张永福", "黄美玲",
           [TermDraft(obligor=1, obligee=0, subject="装修尾款", amount=Decimal(8600),
                      due_on=date(2026, 11, 27), method="现金")])
    # Sessions of the week, so the agenda shows reminders under them.
    rows = [r for r in services.cases.page(__import__("mediator_desktop.services.dto", fromlist=["CaseQuery"])
                                           .CaseQuery()) if r.status == "in_mediation"]
    monday = TODAY.replace(hour=9, minute=0)
    for k, row in enumerate(rows[:3]):
        start = monday + timedelta(days=k + 1, hours=0 if k % 2 else 5)
        services.sessions.schedule(row.id, SessionDraft(
            kind="mediation", starts_at=start, ends_at=start + timedelta(hours=1, minutes=30),
            place="调解室" if k % 2 else "接待室", mediator_ids=[mediator.id], present=[0, 1]),
            confirmed_clash=True)


def main() -> int:
    app, settings, home = start_app()
    from mediator_desktop.services.app import Services
    from mediator_desktop.ui.app import create_main_window

    save = saver(app, OUT)
    services = Services.open(f"sqlite:///{home}/reminders.sqlite3")
    services.ctx._clock = lambda: TODAY   # the tests' FixedClock: every date below is relative to it
    build(services)
    window = create_main_window(services, settings)
    today = window.open_today()
    save(today, "today.png")
    agenda = window.open_agenda()
    agenda.show_week(TODAY.date())
    save(agenda, "agenda-reminders.png")
    services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
