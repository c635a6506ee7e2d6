"""Screenshots of the ledger (台账, offscreen, on a temporary demo database): the case view's 台账
line after a 销号, 导出台账's period dialog, the exported sheet as LibreOffice prints it, and
导入台账's mapping dialog with the problems of a messy ledger.

    .venv/bin/python scripts/screens_ledger.py     (docs/screenshots/ledger-*.png)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from room_screen import saver, settle, start_app, use_room_screen  # noqa: E402

use_room_screen()  # 1366×768, as at the mediation room's PC
REPO = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("SCREENS_OUT", REPO / "docs" / "screenshots"))


def messy_ledger(path: Path) -> Path:
    """A room's ledger as kept by hand: a merged title, the header on row 3, a blank row, dates
    typed as text, an unknown dispute type, a wrong ID check digit."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2026年龙门街道矛盾纠纷排查化解台账"])
    ws.merge_cells("A1:J1")
    ws.append(["填报单位：龙门街道人民调解委员会"])
    ws.append(["序号", "受理时间", "来源", "纠纷类型", "当事人姓名", "身份证号码", "简要情况", "风险等级", "承办人",
               "调处结果", "协议金额", "销号日期"])
    ws.append([1, "2026.3.2", "当事人申请", "邻里纠纷", "张三、李四", "11010519491231002X", "通道堆放建材", "无",
               "王芳", "调解成功 2026.3.5", "1,200元", "2026/3/25"])
    ws.append([])
    ws.append([2, "3月6日", "网格上报", "婚姻家庭", "王五、赵六", "440524188001010015", "离婚后子女抚养", "黄", "王芳",
               "调解中", None, None])
    ws.append([3, "3月9日", "来访", "宠物纠纷", "钱七、孙八", None, "狗咬伤人", "无", "王芳", "成功（3月12日）", 800, None])
    wb.save(path)
    return path


def main() -> int:
    app, settings, home = start_app()
    from mediator_desktop import settings as opts
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.demo import load_demo
    from mediator_desktop.ui.app import create_main_window

    save = saver(app, OUT)

    services = Services.open(f"sqlite:///{home}/demo.sqlite3")
    load_demo(services, 200)
    opts.set_current_user(services, settings, services.mediators.list()[0].name)
    window = create_main_window(services, settings)
    done = next(r for r in window.case_model.rows if r.status == "agreed"
                and services.ledger.status(r.id).cross_off_problem is None)
    status = services.ledger.status(done.id)
    services.ledger.cross_off(done.id, max(status.earliest, services.today()), "协议履行完毕，回访无反复")
    window.select_case(done.id)
    window.show()
    settle(app)
    window.case_view.resize(760, 900)
    save(window.case_view, "ledger-case.png")
    line = window.case_view.ledger_line
    reopen = line.request_reopen()
    reopen.note.setPlainText("李某又在通道堆放建材，双方再次发生争吵")
    save(reopen, "ledger-reopen.png")
    reopen.reject()

    period = window.ledger_actions.export_ledger()
    period.set_period(date(services.today().year, 1, 1), services.today())
    save(period, "ledger-export.png")
    period.reject()
    sheet_file = Path(home) / "ledger.xlsx"
    services.ledger.export_xlsx(sheet_file, date(services.today().year, 1, 1), services.today())
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office and shutil.which("pdftoppm"):   # LibreOffice Calc prints it as Excel would (if installed)
        subprocess.run([office, f"-env:UserInstallation={(Path(home) / 'lo').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", home, str(sheet_file)], capture_output=True, timeout=180)
    if sheet_file.with_suffix(".pdf").exists():
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(sheet_file.with_suffix(".pdf")), str(OUT / "ledger-xlsx")], check=True)
        print("wrote", OUT / "ledger-xlsx.png")

    sheet = services.ledger.read_sheet(messy_ledger(Path(home) / "旧台账.xlsx"))
    dialog = window.ledger_actions.show_mapping(sheet)
    settle(app)
    task = dialog.start(dry_run=True)
    settle(app, lambda: task is not None and task.outcome is not None)
    save(dialog, "ledger-import.png")
    dialog.reject()
    window._reminder_timer.stop()
    services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
