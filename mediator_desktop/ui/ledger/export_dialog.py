"""文件 → 导出台账…: which period (受理日期 from–to, with 本月/上月/本季度/本年 at a click) and
whether ID numbers in the texts stay whole; the file is chosen next and written in the
background by the main window."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from mediator_desktop.ui.common.widgets import date_edit, form_footer, push_button, text_label


def month_start(day: date) -> date:
    return day.replace(day=1)


def periods(today: date) -> dict[str, tuple[date, date]]:
    """The periods offered at a click, by their Chinese names."""
    first = month_start(today)
    last_month_end = first - timedelta(days=1)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return {"本月": (first, today), "上月": (month_start(last_month_end), last_month_end),
            "本季度": (quarter, today), "本年": (date(today.year, 1, 1), today)}


class LedgerPeriodDialog(QDialog):
    """The period of the ledger; ``chosen(date_from, date_to, full_ids)`` when accepted."""

    chosen = Signal(object, object, bool)

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导出台账")
        lay = QVBoxLayout(self)
        lay.addWidget(text_label("导出“矛盾纠纷排查化解台账”（Excel 文件）：所选期间内受理的纠纷，每件一行。"))
        quick = QHBoxLayout()
        self.quick_buttons = {}
        for name, (start, end) in periods(today).items():
            button = push_button(name, lambda s=start, e=end: self.set_period(s, e))
            self.quick_buttons[name] = button
            quick.addWidget(button)
        quick.addStretch(1)
        lay.addLayout(quick)
        form = QFormLayout()
        start, end = periods(today)["本月"]
        self.date_from = date_edit(start, maximum=today)
        self.date_to = date_edit(end, maximum=today)
        form.addRow("受理日期从(&F)：", self.date_from)
        form.addRow("到(&T)：", self.date_to)
        self.full_ids = QCheckBox("纠纷简要情况等文字中的身份证号、电话不遮蔽(&I)")
        self.full_ids.setToolTip("默认遮蔽（如 11**************2X）；台账只在本单位使用且确有需要时才勾选")
        form.addRow("", self.full_ids)
        lay.addLayout(form)
        self.error, self.buttons = form_footer(self, lay, "选择保存位置…", self._accept, (560, 300))

    def set_period(self, start: date, end: date) -> None:
        from mediator_desktop.ui.common.widgets import qdate

        self.date_from.setDate(qdate(start))
        self.date_to.setDate(qdate(end))

    def period(self) -> tuple[date, date]:
        a, b = self.date_from.date(), self.date_to.date()
        return date(a.year(), a.month(), a.day()), date(b.year(), b.month(), b.day())

    def _accept(self) -> None:
        start, end = self.period()
        if end < start:
            self.error.say("“到”的日期不能早于“从”的日期")
            self.date_to.setFocus()
            return
        self.accept()
        self.chosen.emit(start, end, self.full_ids.isChecked())
