"""Screenshots of the 风险与移交 tab and its dialogs (offscreen, 1366×768, on a temporary database):
docs/screenshots/case-risk.png, risk-adjust.png, referral.png, settings-risk.png and the 移送函 as
referral-letter.png (its first page, rendered with pdftoppm).

    .venv/bin/python scripts/screens_risk.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from room_screen import saver, start_app, use_room_screen  # noqa: E402

use_room_screen()  # 1366×768, as at the mediation room's PC
REPO = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("SCREENS_OUT", REPO / "docs" / "screenshots"))
TODAY = datetime(2026, 12, 1, 9, 30)


def demo_case(services) -> int:  # type: ignore[no-untyped-def]
    """A neighbours' quarrel that turned orange, then red with its plan, handled at the village and
    reported to the township."""
    from mediator_desktop.services.dto import CaseDraft, MediatorAssignment, PartyDraft
    from mediator_desktop.services.referrals import ReferralDraft
    from mediator_desktop.services.risk import RiskChangeDraft, RiskPlanDraft

    mediators = services.mediators.list()
    case = services.cases.register(CaseDraft(
        received_on=date(2026, 11, 26), source="grid_reported", dispute_type="房屋宅基地纠纷",
        title="张秀兰与李建国宅基地界址纠纷",
        summary="李建国翻建房屋时越过原界址约0.5米，张秀兰阻拦施工，双方多次争吵，李建国扬言动手。",
        requests=["恢复原界址"], recorder="王芳", risk_level="orange", risk_reported_to="幸福村委会陈刚",
        mediators=[MediatorAssignment(mediators[0].id)],
        parties=[PartyDraft(role="applicant", name="张秀兰", gender="female", phone="13800001234",
                            address="临沧市临翔区龙门街道幸福村3组"),
                 PartyDraft(role="respondent", name="李建国", gender="male", phone="13900005678",
                            address="临沧市临翔区龙门街道幸福村3组")]))
    services.risk.set_handling(case.id, "village", date(2026, 11, 27))
    view = services.risk.view(case.id)
    services.risk.change_level(case.id, view.version, RiskChangeDraft(
        level="red", reported_to="龙门派出所李警官、街道综治中心王主任", reported_at=datetime(2026, 11, 30, 16, 20),
        note="李建国持锄头到现场，双方亲属聚集", plan=RiskPlanDraft(
            measures="派出所、村委会每日上门稳控；三日内组织双方到现场共同测量界址；专班跟踪至化解。",
            lead="赵建国", lead_title="街道党工委副书记", members="杨志强、王芳、派出所李警官",
            starts_on=date(2026, 11, 30), due_on=date(2026, 12, 10))))
    services.referrals.record(case.id, ReferralDraft(
        kind="report", to_unit="龙门街道矛盾纠纷调处化解中心", reason="村（社区）24小时内未能化解，风险升为红色",
        actions_taken="组织双方调解两次，已报告派出所；制定一案一策", contact="杨志强 13800001111",
        sent_on=date(2026, 11, 30), handling_level="township"))
    return int(case.id)


def main() -> int:
    app, settings, home = start_app()
    from mediator_desktop.documents.style import style_from_settings
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.services.dto import CaseDraft, PartyDraft
    from mediator_desktop.services.organization import MediatorDraft, OrganizationDraft
    from mediator_desktop.ui.case.risk_panel import RiskPanel
    from mediator_desktop.ui.settings.risk_settings import RiskSettingsPage

    services = Services.open(f"sqlite:///{home}/risk.sqlite3", Actor(name="杨志强"))
    services.ctx._clock = lambda: TODAY
    services.organization.save(OrganizationDraft(
        name="幸福村人民调解委员会", short_name="幸福", address="临沧市临翔区龙门街道幸福村村委会",
        phone="0883-2100000", seal_text="幸福村人民调解委员会"))
    services.mediators.save(MediatorDraft(name="杨志强", phone="13800001111", certificate_no="YN-001"))
    OUT.mkdir(parents=True, exist_ok=True)

    save = saver(app, OUT)

    case_id = demo_case(services)
    panel = RiskPanel(services)
    panel.resize(1100, 720)
    panel.show_case(case_id)
    save(panel, "case-risk.png")
    orange = services.cases.register(CaseDraft(
        received_on=date(2026, 11, 30), source="party_application", dispute_type="邻里纠纷",
        summary="两家因排水沟堵塞发生争执", recorder="王芳", risk_level="orange", risk_reported_to="幸福村委会",
        parties=[PartyDraft(role="applicant", name="王五"), PartyDraft(role="respondent", name="赵六")]))
    other = RiskPanel(services)
    other.show_case(orange.id)
    dialog = other.adjust()
    assert dialog is not None
    dialog.level.setCurrentIndex(dialog.level.findData("red"))
    dialog.reported_to.setText("龙门派出所")
    dialog.plan.measures.setPlainText("每日上门稳控")
    dialog.save()          # refused: the plan lacks its lead — shown beside the fields
    save(dialog, "risk-adjust.png")
    dialog.reject()
    referral = panel.refer("transfer")
    assert referral is not None
    save(referral, "referral.png")
    referral.reject()
    page = RiskSettingsPage(services, settings)
    page.resize(900, 600)
    save(page, "settings-risk.png")
    code = services.risk.view(case_id).code
    pdf = services.documents.render(code, "referral-letter", "pdf", style_from_settings(settings))
    target = Path(home) / "letter.pdf"
    target.write_bytes(pdf.data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(target), str(OUT / "referral-letter")],
                   check=True)
    print("wrote", OUT / "referral-letter.png")
    for widget in (dialog, referral, other, panel, page):
        widget.close()
        widget.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
