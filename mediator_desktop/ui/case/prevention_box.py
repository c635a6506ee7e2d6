"""预防情况 on the 概况 tab: tick which prevention figures apply to the case (防止民间纠纷引起自杀…)
and how many people; they count in the statistics table as 件 and 人."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QPushButton, QSpinBox, QWidget

from mediator_desktop.domain.enums import PreventionKind
from mediator_desktop.services.prevention import PreventionDraft
from mediator_desktop.ui.case.panel_base import RoleLimited
from mediator_desktop.ui.common.widgets import attempt, error_label, hold_back, on_click

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


class PreventionBox(RoleLimited, QGroupBox):
    """The four prevention figures of one case: a tick and a number of people each, and 保存."""

    changed = Signal(int)
    WRITES = {"save_button": "edit"}

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("预防情况（用于统计，如有请勾选并填写人数）", parent)
        self.services = services
        self.case_id: int | None = None
        grid = QGridLayout(self)
        self.ticks: dict[str, QCheckBox] = {}
        self.persons: dict[str, QSpinBox] = {}
        for row, kind in enumerate(PreventionKind):
            tick = QCheckBox(kind.label)
            count = QSpinBox()
            count.setRange(1, 100_000)
            count.setSuffix(" 人")
            count.setEnabled(False)
            count.setAccessibleName(f"{kind.label}人数")
            grid.addWidget(tick, row, 0)
            grid.addWidget(count, row, 1)
            self.ticks[kind.value], self.persons[kind.value] = tick, count
        self.message = error_label()
        self.done = QLabel()
        self.save_button = QPushButton("保存预防情况")
        grid.addWidget(self.message, len(PreventionKind), 0, 1, 2)
        grid.addWidget(self.done, len(PreventionKind) + 1, 0)
        grid.addWidget(self.save_button, len(PreventionKind) + 1, 1)
        grid.setColumnStretch(0, 1)
        self._connect()

    def _connect(self) -> None:
        on_click({self.save_button: self.save})
        for kind, tick in self.ticks.items():
            tick.toggled.connect(self.persons[kind].setEnabled)

    def show_case(self, case_id: int) -> None:
        self.case_id = case_id
        self.message.hide()
        self.done.clear()
        saved = {p.kind: p for p in self.services.prevention.get(case_id)}
        for kind, tick in self.ticks.items():
            tick.setChecked(kind in saved)
            self.persons[kind].setValue(saved[kind].persons if kind in saved else 1)
        self.hold_back()

    def hold_back(self) -> None:
        """As the role allows: the ticks and numbers too, not only 保存."""
        super().hold_back()
        why = self.rights.why("edit")
        for kind, tick in self.ticks.items():
            tick.setEnabled(True)
            self.persons[kind].setEnabled(tick.isChecked())
            hold_back(tick, why)
            hold_back(self.persons[kind], why)

    def drafts(self) -> list[PreventionDraft]:
        return [PreventionDraft(kind, self.persons[kind].value()) for kind, tick in self.ticks.items()
                if tick.isChecked()]

    def save(self) -> bool:
        if self.case_id is None:
            return False
        case_id = self.case_id
        saved = attempt(lambda: self.services.prevention.save(case_id, self.drafts()), self.message)
        if saved is None:
            return False
        self.done.setText("已保存")
        self.changed.emit(case_id)
        return True
