"""设置 → 风险与移交: the response time of each risk level and the escalation clocks (STATISTICS.md
§4 marks them LOCAL: each place has its own practice), one field per option of the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QSizePolicy, QSpinBox, QVBoxLayout, QWidget

from mediator_desktop import settings as opts
from mediator_desktop.services.errors import FieldProblem
from mediator_desktop.ui.common.widgets import DONE_STYLE, FieldErrors, add_row, button_row, error_label, push_button

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

#: (option, label with its key letter, unit shown after the number).
NUMBERS: tuple[tuple[opts.Option[Any], str, str], ...] = (
    (opts.RISK_RED_DAYS, "红色报告时限(&H)：", " 天（0为当天）"),
    (opts.RISK_ORANGE_HOURS, "橙色处置时限(&O)：", " 小时"),
    (opts.RISK_YELLOW_DAYS, "黄色化解时限(&U)：", " 个工作日"),
    (opts.ESCALATE_GRID_DAYS, "网格化解时限(&G)：", " 个工作日"),
    (opts.ESCALATE_VILLAGE_HOURS, "村（社区）化解时限(&V)：", " 小时"),
    (opts.ESCALATE_TOWNSHIP_DAYS, "乡镇（街道）答复时限(&T)：", " 个工作日"),
)


class RiskSettingsPage(QWidget):
    """The page; 保存 hands the times to the services at once (the today view counts with them)."""

    def __init__(self, services: Services, settings: opts.Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.settings = services, settings
        outer = QVBoxLayout(self)
        intro = QLabel("各地做法不同，可按本地规定修改。小时和“当天”按日历计算；以“工作日”计的时限跳过周末和法定节假日。")
        intro.setWordWrap(True)
        outer.addWidget(intro)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch()
        self.errors = FieldErrors()
        self.numbers: dict[str, QSpinBox] = {}
        widest = max(self.fontMetrics().horizontalAdvance(f"240{suffix}") for _o, _l, suffix in NUMBERS) + 60
        for option, label, suffix in NUMBERS:
            box = QSpinBox()
            box.setRange(option.minimum or 0, option.maximum or 999)
            box.setSuffix(suffix)
            box.setValue(settings.get(option))
            box.setMinimumWidth(widest)
            box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            add_row(form, self.errors, option.key, label, box)
            self.numbers[option.key] = box
        self.petition = QLineEdit(settings.get(opts.PETITION_DAYS))
        add_row(form, self.errors, opts.PETITION_DAYS.key, "信访事项时限(&X)：", self.petition)
        hint = QLabel("来源为“信访部门移送”的案件按“见面、调查、反馈、办结”四个时限跟踪，"
                      f"填四个工作日数，用逗号分开（默认 {opts.PETITION_DAYS.default}）。")
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.save_button = push_button("保存风险与移交设置(&S)", self.save)
        button_row(form, (self.save_button,))
        self.message = error_label()
        form.addRow("", self.message)

    def save(self) -> bool:
        text = self.petition.text().strip()
        if opts.parse_petition_days(text) is None:
            self.errors.show([FieldProblem(opts.PETITION_DAYS.key,
                                           "请填四个由小到大的工作日数，用逗号分开，如：3,5,7,30")])
            self.message.hide()
            return False
        self.errors.clear()
        for option, _label, _suffix in NUMBERS:
            self.settings.set(option, self.numbers[option.key].value())
        self.settings.set(opts.PETITION_DAYS, text)
        self.settings.save()
        opts.configure_services(self.services, self.settings)
        self.message.setStyleSheet(DONE_STYLE)
        self.message.say("已保存。今日提醒和案件的“风险与移交”页按新的时限计算。")
        return True
