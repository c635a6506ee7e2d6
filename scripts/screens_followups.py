"""Screenshots of the follow-up visits (回访) and judicial confirmation (offscreen, on a temporary
database): docs/screenshots/visit-form.png and docs/screenshots/case-followups.png.

    .venv/bin/python scripts/screens_followups.py
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from room_screen import saver, start_app, use_room_screen  # noqa: E402

use_room_screen()  # 1366×768, as at the mediation room's PC
REPO = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("SCREENS_OUT", REPO / "docs" / "screenshots"))
#: The demo's "today": the screenshots do not change with the day they are taken.
TODAY = datetime(2026, 12, 1, 9, 30)


def demo_case(services) -> int:  # type: ignore[no-untyped-def]
    """A neighbours' dispute agreed on 2026-11-10: the building materials were to be cleared by
    2026-11-20, the compensation paid in two instalments."""
    from decimal import Decimal

    from mediator_desktop.domain.terms import Instalment
    from mediator_desktop.services.agreements import TermDraft
    from mediator_desktop.services.dto import CaseDraft, MediatorAssignment, PartyDraft
    from mediator_desktop.services.followups import VisitDraft

    mediators = services.mediators.list()
    case = services.cases.register(CaseDraft(
        received_on=date(2026, 11, 2), source="party_application", dispute_type="邻里纠纷",
        title="张秀兰与李建国相邻通行纠纷",
        summary="李建国在两家之间的通道堆放建材约三个月，张秀兰家农用车无法通行，双方多次争吵。",
        requests=["清除通道堆放物", "赔偿误工损失"], recorder="王芳",
        mediators=[MediatorAssignment(mediators[0].id)],
        parties=[PartyDraft(role="applicant", name="张秀兰", gender="female", phone="13800001234",
                            address="临沧市临翔区龙门街道幸福村3组"),
                 PartyDraft(role="respondent", name="李建国", gender="male", phone="13900005678",
                            address="临沧市临翔区龙门街道幸福村3组")]))
    case = services.cases.transition(case.id, case.version, "accepted")
    case = services.cases.transition(case.id, case.version, "in_mediation")
    blank = services.agreements.blank(case.id)
    blank.responsibilities = "李建国长期占用公共通道，应负主要责任。"
    blank.signed_on = date(2026, 11, 10)
    blank.terms = [
        TermDraft(obligor=1, obligee=0, subject="清除堆放在通道内的全部建材，恢复通行", due_on=date(2026, 11, 20)),
        TermDraft(obligor=1, obligee=0, subject="误工补偿款", amount=Decimal(3000), method="银行转账",
                  instalments=[Instalment(Decimal(1000), date(2026, 11, 30)),
                               Instalment(Decimal(2000), date(2026, 12, 20))]),
        TermDraft(kind="statement", subject="本协议履行完毕后，双方就本纠纷再无其他争议。"),
    ]
    services.agreements.save(case.id, blank)
    # The visit at the first due date was made; one satisfaction visit could not reach the party.
    visits = services.followups.visits(case.id)
    first = next(v for v in visits if v.kind == "performance")
    services.followups.record(first.id, VisitDraft(
        done_on=date(2026, 11, 23), method="visit", satisfaction="基本满意", visitor="杨志强",
        term_statuses={first.terms[0].term_id: "performed", first.terms[1].term_id: "not_due"},
        measures="当面提醒李建国按期支付补偿款"))
    sat = next(v for v in visits if v.kind == "satisfaction" and v.party == 1)
    services.followups.not_reached(sat.id, date(2026, 12, 1), date(2026, 12, 3), "phone", "电话无人接听")
    return case.id


def render_screens(app, services, out: Path = OUT) -> list[Path]:  # type: ignore[no-untyped-def]
    """Write docs/screenshots/case-followups.png and visit-form.png; returns the paths."""
    from mediator_desktop.ui.case.followup_panel import FollowUpPanel

    written: list[Path] = []
    save = saver(app, out, written)

    case_id = demo_case(services)
    panel = FollowUpPanel(services)
    panel.resize(1100, 720)
    panel.show_case(case_id)
    panel.court.setEditText("临沧市临翔区人民法院")
    pending = next(r for r, v in enumerate(panel.model.rows) if v.kind == "performance" and not v.done)
    panel.table.selectRow(0)
    save(panel, "case-followups.png")

    panel.table.selectRow(pending)
    dialog = panel.record_visit()
    assert dialog is not None
    dialog.method_buttons["phone"].setChecked(True)
    second = list(dialog.term_combos.values())[1]
    second.setCurrentIndex(second.findData("not_performed"))
    dialog.satisfaction.setCurrentIndex(dialog.satisfaction.findData("基本满意"))
    dialog.new_risk.setChecked(True)
    dialog.risk_note.setPlainText("李建国称手头紧，第一期补偿款尚未支付；张秀兰对此不满，双方又起口角")
    dialog.measures.setPlainText("电话督促李建国三日内支付第一期补偿款")
    save(dialog, "visit-form.png")
    dialog.save()
    save(dialog, "visit-next-step.png")
    dialog.accept()
    panel.close()
    return written


def main() -> int:
    app, _settings, home = start_app()
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor

    services = Services.open(f"sqlite:///{home}/followups.sqlite3", Actor(name="杨志强"))
    services.ctx._clock = lambda: TODAY
    from mediator_desktop.services.organization import MediatorDraft, OrganizationDraft

    services.organization.save(OrganizationDraft(
        name="龙门街道人民调解委员会", short_name="龙门", address="临沧市临翔区龙门街道综治中心",
        phone="0883-2100000", seal_text="龙门街道人民调解委员会"))
    services.mediators.save(MediatorDraft(name="杨志强", phone="13800001111", certificate_no="YN-001"))
    render_screens(app, services)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
