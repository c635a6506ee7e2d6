"""Grab the screenshots of the screening log (排查记录) and joint conferences (联席会议) for docs/,
offscreen at 1366×768 with the largest font, on a temporary database whose clock is fixed at
Wednesday 2026-11-25.

    .venv/bin/python scripts/screens_screening.py
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from room_screen import saver, start_app, use_room_screen  # noqa: E402

use_room_screen()  # 1366×768, as at the mediation room's PC
REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
TODAY = datetime(2026, 11, 25, 8, 30)


def build(services) -> str:  # type: ignore[no-untyped-def]
    """Three rounds (one a nil report), their items handled each way, a case and a conference."""
    from mediator_desktop.services.conferences import ConferenceDraft, Participant, TaskDraft
    from mediator_desktop.services.dto import CaseDraft, PartyDraft
    from mediator_desktop.services.organization import MediatorDraft, OrganizationDraft
    from mediator_desktop.services.screening import ItemDraft, RoundDraft

    services.organization.save(OrganizationDraft(
        name="龙门街道人民调解委员会", short_name="龙门", address="龙门街道综治中心", phone="0883-2100000",
        seal_text="龙门街道人民调解委员会"))
    services.mediators.save(MediatorDraft(name="王芳", phone="13800002222"))
    types = {t.name: t.id for t in services.dispute_types.list()}
    services.screening.save(None, RoundDraft(date(2026, 11, 3), "幸福村1组", "王芳、网格员李明", True, "未发现矛盾纠纷"))
    rnd = services.screening.save(None, RoundDraft(date(2026, 11, 10), "幸福村3组（第二网格）", "王芳、网格员李明", False,
                                                   "", [
        ItemDraft("张某等三户", types.get("邻里纠纷"), "排水沟堵塞，雨天积水流入邻家院内", "yellow"),
        ItemDraft("", types.get("劳动争议"), "村民反映工地拖欠两名工人工资", "orange"),
        ItemDraft("王某、赵某", types.get("婚姻家庭纠纷"), "夫妻长期争吵，邻居劝过多次", "none"),
        ItemDraft("李某与周某", types.get("土地承包经营纠纷"), "承包地界桩被移动，双方各执一词", "yellow")]))
    services.screening.prevent(rnd.items[0].id, date(2026, 11, 11), "组织三户共同疏通排水沟，当场化解")
    services.screening.refer(rnd.items[1].id, date(2026, 11, 11), "镇劳动保障所", "涉及欠薪")
    case = services.cases.register(CaseDraft(
        received_on=date(2026, 11, 12), source="committee_initiative", dispute_type="婚姻家庭纠纷",
        title="王某与赵某婚姻家庭纠纷", summary="夫妻长期争吵，邻居劝过多次。（排查发现）", requests=["调解夫妻矛盾"],
        recorder="王芳", parties=[PartyDraft(role="applicant", name="王某", phone="13800001234"),
                                 PartyDraft(role="respondent", name="赵某", phone="13900005678")]))
    services.screening.link_case(rnd.items[2].id, case.id)
    services.conferences.save(None, ConferenceDraft(
        date(2026, 11, 20), "镇综治中心会议室", "王某与赵某婚姻家庭纠纷会诊",
        [Participant("刘军", "镇派出所"), Participant("陈静", "镇司法所"), Participant("王芳", "龙门街道人民调解委员会")],
        [case.code], "先由妇联和村委会分别做双方工作，12月上旬再组织调解",
        [TaskDraft("镇妇联", "与赵某谈心，了解诉求", date(2026, 11, 27)),
         TaskDraft("幸福村委会", "了解家庭财产情况", date(2026, 12, 4)),
         TaskDraft("王芳", "组织双方调解", date(2026, 12, 10))]))
    return str(rnd.id)


def main() -> int:
    app, settings, home = start_app(largest_font=True)
    from mediator_desktop.services.app import Services
    from mediator_desktop.ui.app import create_main_window

    save = saver(app, OUT)
    services = Services.open(f"sqlite:///{home}/screening.sqlite3")
    services.ctx._clock = lambda: TODAY
    round_id = int(build(services))
    window = create_main_window(services, settings)
    screening = window.open_screening()
    save(screening, "screening.png")
    dialog = screening._open(round_id)
    dialog.items.selectRow(3)
    save(dialog, "screening-round.png")
    dialog.close()
    conferences = window.open_conferences()
    save(conferences, "conferences.png")
    conference = conferences.open_selected()
    save(conference, "conference.png")
    conference.close()
    today = window.open_today()
    save(today, "today-screening.png")
    services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
