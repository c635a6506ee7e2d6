"""Screenshots of 设置 → 用户, 设置 → 角色 and the 修改用户 dialog (offscreen, 1366×768, on a
temporary database with a centre's two committees and a user per role):
docs/screenshots/settings-users.png, settings-roles.png, user-edit.png; the same three at the
largest font go to a temporary folder (its path is printed), to look at whether they fit.

    .venv/bin/python scripts/screens_roles.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from room_screen import saver, start_app, use_room_screen  # noqa: E402

use_room_screen()  # 1366×768, as at the mediation room's PC
REPO = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("SCREENS_OUT", REPO / "docs" / "screenshots"))
PW = "screens-2026"


def centre(home: str):  # type: ignore[no-untyped-def]
    """A township centre's database: its committee and a village's, two mediators, and users."""
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.organization import MediatorDraft, OrganizationDraft
    from mediator_desktop.storage.models import Organization

    services = Services.open(f"sqlite:///{home}/centre.sqlite3")
    services.organization.save(OrganizationDraft(
        name="龙门街道人民调解委员会", short_name="龙门", address="龙门街道综治中心", phone="0883-2100000",
        seal_text="龙门街道人民调解委员会"))
    with services.db.write() as s:
        s.add(Organization(name="幸福村人民调解委员会", short_name="幸福", kind="committee",
                           code_pattern="（{year}）{short_name}人调字第{N}号"))
    yang = services.mediators.save(MediatorDraft(name="杨志强", phone="13800001111", certificate_no="YN-001"))
    services.mediators.save(MediatorDraft(name="王芳", phone="13800002222"))
    committees = [i for i, _name in services.accounts.committees()]
    services.accounts.add_user("zhangsan", "张主任", "admin", PW)
    services.accounts.sign_in("zhangsan", PW)
    services.accounts.add_user("yang", "杨志强", "mediator", PW, mediator_id=yang.id,
                               organization_ids=committees[1:])
    services.accounts.add_user("lijl", "李记录", "clerk", PW, organization_ids=committees)
    services.accounts.add_user("zhou", "周科员", "viewer", PW)
    return services


def main() -> int:
    app, settings, home = start_app()
    import tempfile

    from mediator_desktop import settings as opts
    from mediator_desktop.ui.app import apply_font_size
    from mediator_desktop.ui.settings.settings_dialog import SettingsDialog

    shown, largest = saver(app, OUT), saver(app, Path(tempfile.mkdtemp()))
    services = centre(home)
    for font, suffix, save in ((settings.get(opts.UI_FONT_SIZE), "", shown),
                               (opts.UI_FONT_SIZE.maximum or 28, "-largest", largest)):
        apply_font_size(font)
        dialog = SettingsDialog(services, settings)
        dialog.tabs.setCurrentIndex(next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "角色"))
        dialog.roles_page.list.setCurrentRow(1)                # 调解员
        save(dialog, f"settings-roles{suffix}.png")
        dialog.tabs.setCurrentIndex(next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "用户"))
        page = dialog.users_page
        page.table.selectRow(1)
        save(dialog, f"settings-users{suffix}.png")
        edit = page.edit_user()
        assert edit is not None
        save(edit, f"user-edit{suffix}.png")
        edit.close()
        dialog.close()
    services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
